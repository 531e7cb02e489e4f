// The storage behind one<T> and many<T>, compiled once for every T.
#include <algorithm>
#include <relate/orm/attributes.hpp>

namespace relate {

std::size_t ReferenceAttribute::raw_size() const { return target_ ? 1 : 0; }
InstanceState* ReferenceAttribute::raw_at(std::size_t) const { return target_; }
void ReferenceAttribute::raw_append(InstanceState* item) { target_ = item; }
bool ReferenceAttribute::raw_remove(const InstanceState* item) {
  if (target_ != item) return false;
  target_ = nullptr;
  return true;
}
void ReferenceAttribute::raw_clear() { target_ = nullptr; }

void ReferenceAttribute::set_unbound(InstanceState* target) {
  if (target) link(target);
  target_ = target;
}

std::size_t CollectionAttribute::raw_size() const { return items_.size(); }
InstanceState* CollectionAttribute::raw_at(std::size_t i) const { return items_[i]; }
void CollectionAttribute::raw_append(InstanceState* item) { items_.push_back(item); }
bool CollectionAttribute::raw_remove(const InstanceState* item) {
  auto it = std::find(items_.begin(), items_.end(), item);
  if (it == items_.end()) return false;
  items_.erase(it);
  return true;
}
void CollectionAttribute::raw_clear() { items_.clear(); }
void CollectionAttribute::raw_reserve(std::size_t n) { items_.reserve(n); }

void CollectionAttribute::append_unbound(InstanceState* item) {
  if (!item) return;
  link(item);
  items_.push_back(item);
}

bool CollectionAttribute::holds(const InstanceState* item) const {
  load();
  return std::find(items_.begin(), items_.end(), item) != items_.end();
}

std::shared_ptr<const std::vector<InstanceState*>> CollectionAttribute::snapshot() const {
  load();
  if (items_.empty()) return nullptr;
  return std::make_shared<const std::vector<InstanceState*>>(items_);
}

void CollectionAttribute::assign_items(const std::vector<InstanceState*>& items) {
  const std::vector<InstanceState*> copy = items;
  clear_items();
  for (InstanceState* item : copy) append_item(item);
}

}  // namespace relate

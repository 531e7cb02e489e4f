#include <relate/orm/instance.hpp>

namespace relate::detail {

InstanceState* ObjectGraph::adopt(std::unique_ptr<InstanceState> object) {
  object->graph_ = this;
  objects_.push_back(std::move(object));
  return objects_.back().get();
}

void ObjectGraph::absorb(ObjectGraph& other) {
  if (&other == this) return;
  objects_.reserve(objects_.size() + other.objects_.size());
  for (auto& object : other.objects_) {
    object->graph_ = this;
    objects_.push_back(std::move(object));
  }
  other.objects_.clear();
  other.objects_.shrink_to_fit();
  other.forward_ = shared_from_this();
}

ObjectGraph& ObjectGraph::join(ObjectGraph& a, ObjectGraph& b) {
  if (&a == &b) return a;
  ObjectGraph* into = &a;
  ObjectGraph* from = &b;
  if (b.anchored_ && !a.anchored_) std::swap(into, from);
  if (!a.anchored_ && !b.anchored_ && a.objects_.size() < b.objects_.size()) std::swap(into, from);
  into->absorb(*from);
  return *into;
}

}  // namespace relate::detail

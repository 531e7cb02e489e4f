#include <relate/orm/instance.hpp>

namespace relate {

InstanceState::~InstanceState() = default;

namespace detail {

ObjectGraph::~ObjectGraph() = default;

InstanceState* ObjectGraph::adopt(std::unique_ptr<InstanceState> object) {
  object->graph_ = this;
  objects_.push_back(std::move(object));
  return objects_.back().get();
}

InstanceState* ObjectGraph::adopt_unbound(std::unique_ptr<InstanceState> object) {
  InstanceState* state = adopt(std::move(object));
  unbound_.push_back(state);
  return state;
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
  unbound_.insert(unbound_.end(), other.unbound_.begin(), other.unbound_.end());
  other.unbound_.clear();
  for (auto& k : other.kept_) keep(std::move(k));
  other.kept_.clear();
  // The objects that had moved from here to `other` are back: no need to keep it,
  // and keeping it would make a cycle with its link to here.
  std::erase_if(forwards_, [&other](const auto& f) { return f.get() == &other; });
  other.forwards_.push_back(shared_from_this());
}

void ObjectGraph::keep(std::shared_ptr<const void> dependency) {
  if (!dependency) return;
  for (const auto& k : kept_) {
    if (k == dependency) return;
  }
  kept_.push_back(std::move(dependency));
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

}  // namespace detail

}  // namespace relate

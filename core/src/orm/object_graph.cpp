#include <algorithm>
#include <memory>
#include <relate/orm/instance.hpp>

#include "dense_memory.hpp"

namespace relate {

InstanceState::~InstanceState() = default;

namespace detail {

namespace {
// Blocks grow from 16 KiB to a huge page (2 MiB): a Session that loads a few objects
// takes little, one that loads many takes few blocks, each of them dense memory.
constexpr std::size_t first_block = std::size_t{16} << 10;
constexpr std::size_t last_block = huge_page_size;
}  // namespace

ObjectGraph::~ObjectGraph() {
  // (their memory is in blocks_, freed after)
  for (InstanceState* s : placed_) s->~InstanceState();
}

void* ObjectGraph::allocate(std::size_t bytes, std::size_t align) {
  if (free_) {
    void* at = free_;
    std::size_t space = static_cast<std::size_t>(end_ - free_);
    if (std::align(align, bytes, at, space)) {
      free_ = static_cast<std::byte*>(at) + bytes;
      return at;
    }
  }
  // A new block (operator new's alignment covers every object's): one of its own for
  // a request larger than a quarter of the next block, which keeps the current one.
  const std::size_t size =
      next_block_ == 0 ? first_block : std::min(next_block_ * 2, last_block);
  if (bytes + align > size / 4) {
    DenseBlock own = allocate_dense(bytes);
    blocks_.push_back(std::move(own.storage));
    return own.start;
  }
  next_block_ = size;
  DenseBlock block = allocate_dense(next_block_);
  blocks_.push_back(std::move(block.storage));
  free_ = block.start;
  end_ = free_ + next_block_;
  void* at = free_;
  free_ += bytes;
  return at;
}

InstanceState* ObjectGraph::adopt_placed(InstanceState* object) {
  object->graph_ = this;
  placed_.push_back(object);
  return object;
}

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
  // The placed objects move with the blocks they live in; the other graph starts a
  // block of its own if it ever places another.
  placed_.reserve(placed_.size() + other.placed_.size());
  for (InstanceState* object : other.placed_) {
    object->graph_ = this;
    placed_.push_back(object);
  }
  other.placed_.clear();
  other.placed_.shrink_to_fit();
  for (auto& block : other.blocks_) blocks_.push_back(std::move(block));
  other.blocks_.clear();
  other.free_ = other.end_ = nullptr;
  unbound_.insert(unbound_.end(), other.unbound_.begin(), other.unbound_.end());
  other.unbound_.clear();
  for (auto& k : other.kept_) keep(std::move(k));
  other.kept_.clear();
  for (auto& l : other.loads_) loads_.push_back(std::move(l));
  other.loads_.clear();
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
  if (!a.anchored_ && !b.anchored_ && a.size() < b.size()) std::swap(into, from);
  into->absorb(*from);
  return *into;
}

}  // namespace detail

}  // namespace relate

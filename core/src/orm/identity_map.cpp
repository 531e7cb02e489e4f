#include "identity_map.hpp"

#include <memory>
#include <relate/orm/instance.hpp>
#include <relate/orm/mapper.hpp>
#include <utility>

namespace relate {

namespace {

// An object's snapshot holds `key` as its primary key.
bool holds_key(const InstanceState& state, const Mapper& mapper, std::span<const Value> key) {
  if (state.mapper() != &mapper || state.committed().empty()) return false;
  const auto& pk = mapper.primary_key();
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (!state.committed().equals(pk[i], key[i])) return false;
  }
  return true;
}

}  // namespace

std::size_t IdentityMap::probe(const Mapper& mapper, std::span<const Value> key,
                               std::size_t hash) const {
  std::size_t i = hash & mask();
  while (const InstanceState* s = slots_[i].state) {
    if (slots_[i].hash == hash && holds_key(*s, mapper, key)) return i;
    i = (i + 1) & mask();
  }
  return i;
}

InstanceState* IdentityMap::find(const Mapper& mapper, std::span<const Value> key,
                                 std::size_t hash) const {
  if (capacity_ == 0) return nullptr;
  return slots_[probe(mapper, key, hash)].state;
}

InstanceState* IdentityMap::put(const Mapper& mapper, std::span<const Value> key,
                                std::size_t hash, InstanceState& state) {
  // At most half full: probes stay short.
  if (2 * (size_ + 1) > capacity_) grow();
  Slot& slot = slots_[probe(mapper, key, hash)];
  InstanceState* before = slot.state;
  if (!before) ++size_;
  slot = Slot{hash, &state};
  return before == &state ? nullptr : before;
}

void IdentityMap::remove(const Mapper& mapper, std::span<const Value> key,
                         const InstanceState& state) {
  if (capacity_ == 0) return;
  const std::size_t hash = IdentityMap::hash(mapper, key);
  std::size_t i = hash & mask();
  while (slots_[i].state != &state) {
    if (!slots_[i].state) return;  // not under that key
    i = (i + 1) & mask();
  }
  // Backward-shift deletion: the entries after the hole that may sit in it move up, so
  // that no probe stops at the hole before reaching them.
  std::size_t j = i;
  for (;;) {
    slots_[i] = Slot{};
    for (;;) {
      j = (j + 1) & mask();
      if (!slots_[j].state) {
        --size_;
        return;
      }
      const std::size_t home = slots_[j].hash & mask();
      // slots_[j] may move to i unless its home lies cyclically in (i, j].
      if (((j - home) & mask()) >= ((j - i) & mask())) break;
    }
    slots_[i] = slots_[j];
    i = j;
  }
}

void IdentityMap::clear() {
  table_ = detail::DenseBlock{};
  slots_ = nullptr;
  capacity_ = 0;
  size_ = 0;
}

void IdentityMap::grow() {
  const std::size_t capacity = capacity_ == 0 ? 16 : 2 * capacity_;
  detail::DenseBlock table = detail::allocate_dense(capacity * sizeof(Slot));
  auto* slots = reinterpret_cast<Slot*>(table.start);
  std::uninitialized_value_construct_n(slots, capacity);  // every slot empty
  const Slot* old = slots_;
  const std::size_t old_capacity = capacity_;
  slots_ = slots;
  capacity_ = capacity;
  for (const Slot* s = old; s != old + old_capacity; ++s) {
    if (!s->state) continue;
    std::size_t i = s->hash & mask();
    while (slots_[i].state) i = (i + 1) & mask();
    slots_[i] = *s;
  }
  table_ = std::move(table);
}

}  // namespace relate

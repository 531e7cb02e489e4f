// IdentityKey: what the identity map (and the loaders' grouping by key) is keyed by,
// a mapper and its primary key values. Almost every key is one value, so one value is
// held inline: looking an object up or keying a new one allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <relate/value.hpp>
#include <span>
#include <utility>
#include <vector>

namespace relate {

class Mapper;

// The values of a key: one inline, more spill to the heap (all of them, so they stay
// contiguous).
class KeyValues {
 public:
  KeyValues() = default;
  KeyValues(std::vector<Value> values) {  // NOLINT(google-explicit-constructor)
    if (values.size() == 1) {
      first_ = std::move(values.front());
      inline_size_ = 1;
    } else {
      spill_ = std::move(values);
    }
  }

  void push_back(Value v) {
    if (!spill_.empty()) {
      spill_.push_back(std::move(v));
    } else if (inline_size_ == 0) {
      first_ = std::move(v);
      inline_size_ = 1;
    } else {
      spill_.reserve(4);
      spill_.push_back(std::exchange(first_, Value()));
      spill_.push_back(std::move(v));
      inline_size_ = 0;
    }
  }

  std::size_t size() const { return spill_.empty() ? inline_size_ : spill_.size(); }
  bool empty() const { return size() == 0; }
  const Value* begin() const { return spill_.empty() ? &first_ : spill_.data(); }
  const Value* end() const { return begin() + size(); }
  const Value& operator[](std::size_t i) const { return begin()[i]; }
  const Value& back() const { return begin()[size() - 1]; }

  friend bool operator==(const KeyValues& a, const KeyValues& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!(a[i] == b[i])) return false;
    }
    return true;
  }

 private:
  Value first_;
  std::uint8_t inline_size_ = 0;
  std::vector<Value> spill_;
};

struct IdentityKey {
  const Mapper* mapper;
  KeyValues values;
  std::span<const Value> span() const { return {values.begin(), values.end()}; }
  friend bool operator==(const IdentityKey&, const IdentityKey&) = default;
};

// The hash of a key: the same for the values of a row and for those an object's
// snapshot holds.
std::size_t hash_identity(const Mapper* mapper, std::span<const Value> key) noexcept;

// A hash whose low bits depend on all of `h`'s, for tables indexed by them (open
// addressing over a power of two of slots): keys that differ only in high bits, as
// ids with a stride of a power of two do, would otherwise share their slots.
constexpr std::size_t spread(std::size_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

struct IdentityKeyHash {
  std::size_t operator()(const IdentityKey& k) const noexcept {
    return hash_identity(k.mapper, k.span());
  }
};

}  // namespace relate

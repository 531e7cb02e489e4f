// IdentityKey: what the identity map (and the loaders' grouping by key) is keyed by,
// a mapper and its primary key values. Almost every key is one value, so one value is
// held inline: looking an object up or keying a new one allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <relate/value.hpp>
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
  friend bool operator==(const IdentityKey&, const IdentityKey&) = default;
};

struct IdentityKeyHash {
  std::size_t operator()(const IdentityKey& k) const noexcept;
};

}  // namespace relate

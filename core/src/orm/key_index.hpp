// KeyIndex: a set of keys by value, each numbered in the order it was first added. What
// a load groups by (the keys of the parents of a selectin load, and the rows matched to
// them) without a node or an allocation per key: open addressing over the numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "identity_key.hpp"

namespace relate {

class KeyIndex {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // The number of `key`, added if it is new.
  std::size_t add(IdentityKey key);
  // The number of `key`, or npos.
  std::size_t find(const IdentityKey& key) const;
  // The keys, by number.
  const std::vector<IdentityKey>& keys() const { return keys_; }
  std::size_t size() const { return keys_.size(); }

 private:
  // The slot holding `key`'s number, or the empty slot where its probe ends.
  std::size_t probe(const IdentityKey& key, std::size_t hash) const;
  void grow();

  std::vector<IdentityKey> keys_;
  std::vector<std::size_t> hashes_;  // per key
  std::vector<std::uint32_t> slots_;  // a key's number + 1, 0 when empty; a power of two
};

}  // namespace relate

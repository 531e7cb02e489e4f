#include "key_index.hpp"

#include <limits>
#include <relate/errors.hpp>
#include <utility>

namespace relate {

std::size_t KeyIndex::probe(const IdentityKey& key, std::size_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (const std::uint32_t n = slots_[i]) {
    if (hashes_[n - 1] == hash && keys_[n - 1] == key) return i;
    i = (i + 1) & mask;
  }
  return i;
}

std::size_t KeyIndex::add(IdentityKey key) {
  if (2 * (keys_.size() + 1) > slots_.size()) grow();
  const std::size_t hash = spread(IdentityKeyHash{}(key));
  const std::size_t slot = probe(key, hash);
  if (slots_[slot]) return slots_[slot] - 1;
  if (keys_.size() >= std::numeric_limits<std::uint32_t>::max()) {
    throw ArgumentError("more than 2^32 - 1 distinct keys in one load");
  }
  keys_.push_back(std::move(key));
  hashes_.push_back(hash);
  slots_[slot] = static_cast<std::uint32_t>(keys_.size());
  return keys_.size() - 1;
}

std::size_t KeyIndex::find(const IdentityKey& key) const {
  if (slots_.empty()) return npos;
  const std::uint32_t n = slots_[probe(key, spread(IdentityKeyHash{}(key)))];
  return n ? n - 1 : npos;
}

void KeyIndex::grow() {
  slots_.assign(slots_.empty() ? 16 : 2 * slots_.size(), 0);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t k = 0; k < keys_.size(); ++k) {
    std::size_t i = hashes_[k] & mask;
    while (slots_[i]) i = (i + 1) & mask;
    slots_[i] = static_cast<std::uint32_t>(k + 1);
  }
}

}  // namespace relate

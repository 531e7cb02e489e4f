// IdentityMap: the Session's one object per row, found by mapper and primary key.
//
// Every loaded object has an entry, so an entry is built for size: a slot of an open
// addressing table (linear probing) holds the key's hash and the object, and nothing
// else. The key itself is not copied: it is the object's committed snapshot's primary
// key columns, which are compared in place. The Session keeps an entry's key and the
// snapshot in step: it takes an object out before a flush changes its key and puts it
// back after (SessionImpl::identity_remove/identity_put).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <relate/value.hpp>
#include <span>

#include "dense_memory.hpp"
#include "identity_key.hpp"

namespace relate {

class InstanceState;
class Mapper;

class IdentityMap {
 public:
  struct Slot {
    std::size_t hash = 0;
    InstanceState* state = nullptr;  // null: empty
  };

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = InstanceState*;
    using difference_type = std::ptrdiff_t;
    using pointer = InstanceState* const*;
    using reference = InstanceState* const&;

    iterator() = default;
    iterator(const Slot* at, const Slot* end) : at_(at), end_(end) { skip(); }
    reference operator*() const { return at_->state; }
    iterator& operator++() {
      ++at_;
      skip();
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.at_ == b.at_; }

   private:
    void skip() {
      while (at_ != end_ && !at_->state) ++at_;
    }
    const Slot* at_ = nullptr;
    const Slot* end_ = nullptr;
  };

  IdentityMap() = default;
  IdentityMap(const IdentityMap&) = delete;
  IdentityMap& operator=(const IdentityMap&) = delete;

  // The hash the map files `key` (of `mapper`) under.
  static std::size_t hash(const Mapper& mapper, std::span<const Value> key) {
    return spread(hash_identity(&mapper, key));
  }

  // The object under `key` (primary key values, in the mapper's primary key order), or
  // null. `hash` is hash(mapper, key).
  InstanceState* find(const Mapper& mapper, std::span<const Value> key, std::size_t hash) const;
  InstanceState* find(const Mapper& mapper, std::span<const Value> key) const {
    return find(mapper, key, hash(mapper, key));
  }
  // Puts `state` under its key (`key` is what its snapshot holds, `hash` its hash) and
  // returns the object that was under it before, if another (null otherwise).
  InstanceState* put(const Mapper& mapper, std::span<const Value> key, std::size_t hash,
                     InstanceState& state);
  // Takes `state` out if it is the object under `key` (as it was when put).
  void remove(const Mapper& mapper, std::span<const Value> key, const InstanceState& state);
  void clear();
  // Every object, in no particular order. The map must not change while iterated.
  iterator begin() const { return {slots_, slots_ + capacity_}; }
  iterator end() const { return {slots_ + capacity_, slots_ + capacity_}; }

 private:
  std::size_t mask() const { return capacity_ - 1; }
  // The slot of `state` (under `hash`), or of the key when `state` is null; the empty
  // slot where the key's probe ends when it is not there.
  std::size_t probe(const Mapper& mapper, std::span<const Value> key, std::size_t hash) const;
  void grow();

  // A power of two of slots, or none; in dense memory: the table of a large map is a
  // huge page or more, written all over.
  detail::DenseBlock table_;
  Slot* slots_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

}  // namespace relate

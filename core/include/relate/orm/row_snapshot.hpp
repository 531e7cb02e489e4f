// RowSnapshot: an object's column values as last loaded from or flushed to the
// database. Every loaded object keeps one, so it is built for size: the values are
// encoded into one block of bytes (a text value's bytes included), and a flush compares
// the object's members against it in place. Reading a value decodes a copy. The block
// is the snapshot's own allocation, or, for the first snapshot of an object a Session
// loads or inserts, memory of the object's graph (which outlives the object).
#pragma once

#include <cstddef>
#include <cstdint>
#include <relate/export.hpp>
#include <relate/value.hpp>
#include <span>
#include <utility>
#include <vector>

namespace relate {

namespace detail {
class ObjectGraph;
}  // namespace detail

class RELATE_API RowSnapshot {
 public:
  // No row: the object was never loaded or flushed.
  RowSnapshot() = default;
  explicit RowSnapshot(std::span<const Value> values);
  // Encoded into `memory`'s blocks: the snapshot of an object `memory` owns, which it
  // may keep only while it is that object's (a copy is a snapshot of its own).
  RowSnapshot(std::span<const Value> values, detail::ObjectGraph& memory);
  RowSnapshot(const RowSnapshot& other);
  RowSnapshot& operator=(const RowSnapshot& other);
  RowSnapshot(RowSnapshot&& other) noexcept : data_(std::exchange(other.data_, 0)) {}
  RowSnapshot& operator=(RowSnapshot&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, 0);
    }
    return *this;
  }
  ~RowSnapshot() { release(); }

  bool empty() const { return data_ == 0; }
  std::size_t size() const;

  // The value of column i (in the mapper's column order).
  Value operator[](std::size_t i) const;
  // Whether column i holds `value`, by Value's equality, without decoding a copy.
  bool equals(std::size_t i, const Value& value) const;
  // Replaces column i's value (re-encodes the row; for the rare in-place change).
  void set(std::size_t i, const Value& value);
  std::vector<Value> values() const;

 private:
  const std::byte* find(std::size_t i) const;
  std::size_t bytes() const;
  std::byte* data() const { return reinterpret_cast<std::byte*>(data_ & ~borrowed); }
  void release() {
    if (data_ != 0 && (data_ & borrowed) == 0) delete[] data();
  }

  // The block's address, its lowest bit set when the block is borrowed (a graph's
  // memory, never freed here; both kinds of block are aligned to at least 2):
  // [byte count][value count] then each value as a kind byte and its payload.
  static constexpr std::uintptr_t borrowed = 1;
  std::uintptr_t data_ = 0;
};

}  // namespace relate

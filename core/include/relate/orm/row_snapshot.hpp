// RowSnapshot: an object's column values as last loaded from or flushed to the
// database. Every loaded object keeps one, so it is built for size: the values are
// encoded into a single allocation (a text value's bytes included), and a flush compares
// the object's members against it in place. Reading a value decodes a copy.
#pragma once

#include <cstddef>
#include <memory>
#include <relate/export.hpp>
#include <relate/value.hpp>
#include <span>
#include <vector>

namespace relate {

class RELATE_API RowSnapshot {
 public:
  // No row: the object was never loaded or flushed.
  RowSnapshot() = default;
  explicit RowSnapshot(std::span<const Value> values);
  RowSnapshot(const RowSnapshot& other);
  RowSnapshot& operator=(const RowSnapshot& other);
  RowSnapshot(RowSnapshot&&) noexcept = default;
  RowSnapshot& operator=(RowSnapshot&&) noexcept = default;
  ~RowSnapshot() = default;

  bool empty() const { return !data_; }
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

  // [byte count][value count] then each value as a kind byte and its payload.
  std::unique_ptr<std::byte[]> data_;
};

}  // namespace relate

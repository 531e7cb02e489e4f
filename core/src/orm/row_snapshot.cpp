#include <cstdint>
#include <cstring>
#include <relate/orm/instance.hpp>
#include <relate/orm/row_snapshot.hpp>
#include <string_view>

namespace relate {

namespace {

// Layout: a header of two size_t (total bytes, value count), then per value one kind
// byte and its payload: nothing (null), 1 byte (bool), 8 bytes (integer, real,
// timestamp), or a size_t length and the bytes (text, blob). Reads and writes go
// through memcpy: nothing in the buffer is aligned.
constexpr std::size_t header_bytes = 2 * sizeof(std::size_t);

template <class T>
T read(const std::byte* at) {
  T v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

template <class T>
std::byte* write(std::byte* at, const T& v) {
  std::memcpy(at, &v, sizeof v);
  return at + sizeof v;
}

std::string_view bytes_of(const Value& v) {
  if (v.kind() == Value::Kind::text) return v.as_text();
  const Blob& b = v.as_blob();
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

bool has_length(Value::Kind kind) { return kind == Value::Kind::text || kind == Value::Kind::blob; }

// The bytes one value takes, its kind byte included; `length` counts a text's or a
// blob's bytes.
std::size_t encoded_size(Value::Kind kind, std::size_t length) {
  switch (kind) {
    case Value::Kind::null:
      return 1;
    case Value::Kind::boolean:
      return 2;
    case Value::Kind::integer:
    case Value::Kind::real:
    case Value::Kind::timestamp:
      return 1 + 8;
    case Value::Kind::text:
    case Value::Kind::blob:
      return 1 + sizeof(std::size_t) + length;
  }
  return 1;
}

std::size_t encoded_size(const Value& v) {
  return encoded_size(v.kind(), has_length(v.kind()) ? bytes_of(v).size() : 0);
}

std::byte* encode(std::byte* at, const Value& v) {
  at = write(at, static_cast<std::uint8_t>(v.kind()));
  switch (v.kind()) {
    case Value::Kind::null:
      return at;
    case Value::Kind::boolean:
      return write(at, static_cast<std::uint8_t>(v.as_bool()));
    case Value::Kind::integer:
      return write(at, v.as_int());
    case Value::Kind::real:
      return write(at, v.as_double());
    case Value::Kind::timestamp:
      return write(at, static_cast<std::int64_t>(v.as_timestamp().time_since_epoch().count()));
    case Value::Kind::text:
    case Value::Kind::blob: {
      const std::string_view b = bytes_of(v);
      at = write(at, b.size());
      if (!b.empty()) std::memcpy(at, b.data(), b.size());
      return at + b.size();
    }
  }
  return at;
}

Value::Kind kind_at(const std::byte* at) {
  return static_cast<Value::Kind>(read<std::uint8_t>(at));
}

// The bytes a value's text or blob payload spans.
std::string_view payload_bytes(const std::byte* at) {
  const auto n = read<std::size_t>(at + 1);
  return {reinterpret_cast<const char*>(at + 1 + sizeof(std::size_t)), n};
}

std::size_t skip(const std::byte* at) {
  const Value::Kind kind = kind_at(at);
  return encoded_size(kind, has_length(kind) ? payload_bytes(at).size() : 0);
}

Value decode(const std::byte* at) {
  switch (kind_at(at)) {
    case Value::Kind::null:
      return Value();
    case Value::Kind::boolean:
      return Value(read<std::uint8_t>(at + 1) != 0);
    case Value::Kind::integer:
      return Value(read<std::int64_t>(at + 1));
    case Value::Kind::real:
      return Value(read<double>(at + 1));
    case Value::Kind::timestamp:
      return Value(Timestamp(std::chrono::microseconds(read<std::int64_t>(at + 1))));
    case Value::Kind::text:
      return Value(std::string(payload_bytes(at)));
    case Value::Kind::blob: {
      const std::string_view b = payload_bytes(at);
      const auto* first = reinterpret_cast<const std::byte*>(b.data());
      return Value(Blob(first, first + b.size()));
    }
  }
  return Value();
}

std::size_t encoded_row_size(std::span<const Value> values) {
  std::size_t total = header_bytes;
  for (const Value& v : values) total += encoded_size(v);
  return total;
}

void encode_row(std::byte* at, std::size_t total, std::span<const Value> values) {
  at = write(at, total);
  at = write(at, values.size());
  for (const Value& v : values) at = encode(at, v);
}

}  // namespace

RowSnapshot::RowSnapshot(std::span<const Value> values) {
  const std::size_t total = encoded_row_size(values);
  auto* block = new std::byte[total];
  encode_row(block, total, values);
  data_ = reinterpret_cast<std::uintptr_t>(block);
}

RowSnapshot::RowSnapshot(std::span<const Value> values, detail::ObjectGraph& memory) {
  const std::size_t total = encoded_row_size(values);
  auto* block = static_cast<std::byte*>(memory.allocate(total, 2));
  encode_row(block, total, values);
  data_ = reinterpret_cast<std::uintptr_t>(block) | borrowed;
}

RowSnapshot::RowSnapshot(const RowSnapshot& other) {
  if (other.empty()) return;
  const std::size_t n = other.bytes();
  auto* block = new std::byte[n];
  std::memcpy(block, other.data(), n);
  data_ = reinterpret_cast<std::uintptr_t>(block);
}

RowSnapshot& RowSnapshot::operator=(const RowSnapshot& other) {
  if (this != &other) *this = RowSnapshot(other);
  return *this;
}

std::size_t RowSnapshot::bytes() const { return read<std::size_t>(data()); }

std::size_t RowSnapshot::size() const {
  return empty() ? 0 : read<std::size_t>(data() + sizeof(std::size_t));
}

const std::byte* RowSnapshot::find(std::size_t i) const {
  // Rows have few columns: walking them costs less than keeping an offset per value.
  const std::byte* at = data() + header_bytes;
  for (std::size_t k = 0; k < i; ++k) at += skip(at);
  return at;
}

Value RowSnapshot::operator[](std::size_t i) const { return decode(find(i)); }

bool RowSnapshot::equals(std::size_t i, const Value& value) const {
  const std::byte* at = find(i);
  if (kind_at(at) != value.kind()) return false;
  switch (value.kind()) {
    case Value::Kind::null:
      return true;
    case Value::Kind::boolean:
      return (read<std::uint8_t>(at + 1) != 0) == value.as_bool();
    case Value::Kind::integer:
      return read<std::int64_t>(at + 1) == value.as_int();
    case Value::Kind::real:
      return read<double>(at + 1) == value.as_double();
    case Value::Kind::timestamp:
      return read<std::int64_t>(at + 1) == value.as_timestamp().time_since_epoch().count();
    case Value::Kind::text:
    case Value::Kind::blob:
      return payload_bytes(at) == bytes_of(value);
  }
  return false;
}

void RowSnapshot::set(std::size_t i, const Value& value) {
  std::vector<Value> all = values();
  all.at(i) = value;
  *this = RowSnapshot(all);
}

std::vector<Value> RowSnapshot::values() const {
  std::vector<Value> out;
  const std::size_t n = size();
  out.reserve(n);
  const std::byte* at = empty() ? nullptr : data() + header_bytes;
  for (std::size_t k = 0; k < n; ++k, at += skip(at)) out.push_back(decode(at));
  return out;
}

}  // namespace relate

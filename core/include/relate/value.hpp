// Value: one SQL value as it travels between a model, a statement and a driver.
// Every parameter Relate binds and every column it reads is a Value, so the layers
// behind the typed front (SQL compiler, session, backends) need no templates.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <relate/export.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relate {

using Blob = std::vector<std::byte>;
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

class RELATE_API Value {
 public:
  using Storage =
      std::variant<std::monostate, bool, std::int64_t, double, std::string, Blob, Timestamp>;
  enum class Kind { null, boolean, integer, real, text, blob, timestamp };

  // (In place by index: the variant's converting constructor costs every TU that
  // builds a Value more to compile than the Value.)
  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool v) : v_(std::in_place_index<1>, v) {}
  Value(std::int64_t v) : v_(std::in_place_index<2>, v) {}
  Value(int v) : v_(std::in_place_index<2>, v) {}
  Value(double v) : v_(std::in_place_index<3>, v) {}
  Value(std::string v) : v_(std::in_place_index<4>, std::move(v)) {}
  Value(const char* v) : v_(std::in_place_index<4>, v) {}
  Value(Blob v) : v_(std::in_place_index<5>, std::move(v)) {}
  Value(Timestamp v) : v_(std::in_place_index<6>, v) {}
  // Out of line: copying, moving and destroying the variant is compiled once, in the
  // library, not in every TU that handles Values.
  Value(const Value& other);
  Value(Value&& other) noexcept;
  Value& operator=(const Value& other);
  Value& operator=(Value&& other) noexcept;
  ~Value();

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return v_.index() == 0; }

  // Typed access; the wrong kind throws relate::DataError naming both kinds.
  bool as_bool() const;
  std::int64_t as_int() const;
  double as_double() const;
  const std::string& as_text() const;
  const Blob& as_blob() const;
  Timestamp as_timestamp() const;

  std::string& text() { return std::get<std::string>(v_); }
  const Storage& storage() const { return v_; }

  // A readable rendering for logs and error messages (strings quoted, blobs as hex).
  std::string to_string() const;

  friend RELATE_API bool operator==(const Value& a, const Value& b);

 private:
  Storage v_;
};

RELATE_API std::string_view kind_name(Value::Kind kind);

// The timestamps every backend stores exactly: years 1 to 9999, as ISO-8601 text with
// four-digit years (PostgreSQL has no year 0, MariaDB's DATETIME ends with 9999).
RELATE_API Timestamp min_timestamp();
RELATE_API Timestamp max_timestamp();

// Timestamps are written as ISO-8601 text where a backend has no native type. A
// timestamp outside min_timestamp()..max_timestamp() is a relate::DataError.
RELATE_API std::string format_timestamp(Timestamp t);
RELATE_API Timestamp parse_timestamp(std::string_view text);

// Where a value goes: a column it is written to, or a comparison in a query.
enum class ValueUse { stored, compared };

// Throws relate::DataError unless every backend holds `value` exactly, so that what one
// backend refuses every backend refuses: a double must be finite (MariaDB cannot store
// NaN or infinity, SQLite turns NaN into NULL) and, when stored, not -0.0 (SQLite and
// MariaDB keep it as 0); a timestamp must lie between min_timestamp() and
// max_timestamp(). `where` names the column, e.g. "column 'users.score'".
RELATE_API void check_portable(const Value& value, ValueUse use, std::string_view where = {});

}  // namespace relate

// How C++ member types map to SQL columns. Relate maps bool, the integer widths,
// float/double, std::string, relate::Blob, std::chrono::system_clock::time_point and
// enums; std::optional<T> makes a column nullable. A user maps a type of their own by
// specialising column_traits:
//
//   template <> struct relate::column_traits<Money> {
//     static constexpr relate::ColumnType type = relate::ColumnType::big_integer;
//     static relate::Value to_value(const Money& m) { return m.cents; }
//     static Money from_value(const relate::Value& v) { return Money{v.as_int()}; }
//   };
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <ratio>
#include <relate/export.hpp>
#include <relate/value.hpp>
#include <string>
#include <type_traits>

namespace relate {

enum class ColumnType {
  boolean,
  small_integer,  // 8 and 16 bit
  integer,        // 32 bit
  big_integer,    // 64 bit
  real,           // float
  double_precision,
  text,
  blob,
  timestamp,
};

RELATE_API std::string_view column_type_name(ColumnType type);

// A value read from a driver, in the kind column_traits produce for `type` (SQLite
// returns booleans as integers and timestamps as text): what the session compares
// against to find changed columns.
RELATE_API Value normalize(Value value, ColumnType type);

// Primary template: not a column type. The mapper checks `column_mappable` so that
// the compile error names the member and model at fault.
template <class T, class Enable = void>
struct column_traits {};

template <class T>
concept column_mappable = requires(const T& t, const Value& v) {
  { column_traits<T>::type } -> std::convertible_to<ColumnType>;
  { column_traits<T>::to_value(t) } -> std::convertible_to<Value>;
  { column_traits<T>::from_value(v) } -> std::convertible_to<T>;
};

namespace detail {
[[noreturn]] RELATE_API void throw_out_of_range(const std::string& what);
// The DataError message for a timestamp `days` days after 1970-01-01 outside years 1
// to 9999.
RELATE_API std::string timestamp_out_of_range(std::int64_t days);
}  // namespace detail

template <>
struct column_traits<bool> {
  static constexpr ColumnType type = ColumnType::boolean;
  static Value to_value(bool v) { return Value(v); }
  static bool from_value(const Value& v) { return v.as_bool(); }
};

template <class T>
struct column_traits<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                         !std::is_same_v<T, char>>> {
  // SQL integers are signed: an unsigned member takes the next wider column, so that
  // its whole range fits on every backend (a 64-bit one up to the signed maximum).
  static constexpr std::size_t width = std::is_unsigned_v<T> && sizeof(T) > 1 && sizeof(T) < 8
                                           ? 2 * sizeof(T)
                                           : sizeof(T);
  static constexpr ColumnType type = width <= 2   ? ColumnType::small_integer
                                     : width == 4 ? ColumnType::integer
                                                  : ColumnType::big_integer;
  static Value to_value(T v) {
    if constexpr (std::is_unsigned_v<T> && sizeof(T) == 8) {
      if (v > static_cast<T>(std::numeric_limits<std::int64_t>::max())) {
        detail::throw_out_of_range("unsigned value " + std::to_string(v) +
                                   " does not fit a signed 64-bit column");
      }
    }
    return Value(static_cast<std::int64_t>(v));
  }
  static T from_value(const Value& v) {
    const std::int64_t i = v.as_int();
    if constexpr (sizeof(T) < 8 || std::is_unsigned_v<T>) {
      if (i < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
          (sizeof(T) < 8 && i > static_cast<std::int64_t>(std::numeric_limits<T>::max()))) {
        detail::throw_out_of_range(
            "value " + std::to_string(i) + " does not fit a " + std::to_string(sizeof(T) * 8) +
            (std::is_unsigned_v<T> ? "-bit unsigned member" : "-bit member"));
      }
    }
    return static_cast<T>(i);
  }
};

template <class T>
struct column_traits<T, std::enable_if_t<std::is_floating_point_v<T>>> {
  static constexpr ColumnType type =
      sizeof(T) == 4 ? ColumnType::real : ColumnType::double_precision;
  static Value to_value(T v) { return Value(static_cast<double>(v)); }
  static T from_value(const Value& v) { return static_cast<T>(v.as_double()); }
};

template <>
struct column_traits<std::string> {
  static constexpr ColumnType type = ColumnType::text;
  static Value to_value(const std::string& v) { return Value(v); }
  static std::string from_value(const Value& v) { return v.as_text(); }
  static std::string from_value(Value&& v) { return std::move(v.text()); }
};

template <>
struct column_traits<Blob> {
  static constexpr ColumnType type = ColumnType::blob;
  static Value to_value(const Blob& v) { return Value(v); }
  static Blob from_value(const Value& v) { return v.as_blob(); }
};

template <class Duration>
struct column_traits<std::chrono::time_point<std::chrono::system_clock, Duration>> {
  using time_point = std::chrono::time_point<std::chrono::system_clock, Duration>;
  static constexpr ColumnType type = ColumnType::timestamp;
  static Value to_value(time_point v) {
    // Checked in whole days, which cannot overflow: a coarse time_point (sys_seconds)
    // can lie beyond what microseconds count.
    const auto day = std::chrono::floor<std::chrono::days>(v);
    if (day < std::chrono::floor<std::chrono::days>(min_timestamp()) ||
        day > std::chrono::floor<std::chrono::days>(max_timestamp())) {
      detail::throw_out_of_range(detail::timestamp_out_of_range(day.time_since_epoch().count()));
    }
    return Value(std::chrono::time_point_cast<std::chrono::microseconds>(v));
  }
  static time_point from_value(const Value& v) {
    const Timestamp t = v.as_timestamp();
    if constexpr (std::ratio_less_v<typename Duration::period, std::micro>) {
      // A finer time_point (system_clock's nanoseconds) spans only about 584 years.
      if (t < std::chrono::time_point_cast<std::chrono::microseconds>(time_point::min()) ||
          t > std::chrono::time_point_cast<std::chrono::microseconds>(time_point::max())) {
        detail::throw_out_of_range("the timestamp " + v.to_string() +
                                   " does not fit the member's time_point");
      }
    }
    return std::chrono::time_point_cast<Duration>(t);
  }
};

template <class E>
struct column_traits<E, std::enable_if_t<std::is_enum_v<E>>> {
  using underlying = column_traits<std::underlying_type_t<E>>;
  static constexpr ColumnType type = underlying::type;
  static Value to_value(E v) {
    return underlying::to_value(static_cast<std::underlying_type_t<E>>(v));
  }
  static E from_value(const Value& v) { return static_cast<E>(underlying::from_value(v)); }
};

// Nullable columns.
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct column_traits<std::optional<T>, std::enable_if_t<column_mappable<T>>> {
  using inner = column_traits<T>;
  static constexpr ColumnType type = inner::type;
  static Value to_value(const std::optional<T>& v) { return v ? inner::to_value(*v) : Value(); }
  static std::optional<T> from_value(const Value& v) {
    if (v.is_null()) return std::nullopt;
    return inner::from_value(v);
  }
};

// Writes a column value into a member; moves strings out of the value.
template <class M>
void assign_from_value(M& member, Value&& v) {
  if constexpr (std::is_same_v<M, std::string>) {
    member = column_traits<M>::from_value(std::move(v));
  } else {
    member = column_traits<M>::from_value(v);
  }
}

}  // namespace relate

#include <cmath>
#include <cstdio>
#include <ctime>
#include <relate/column_traits.hpp>
#include <relate/errors.hpp>
#include <relate/value.hpp>

namespace relate {

Value::Value(const Value& other) = default;
Value::Value(Value&& other) noexcept = default;
Value& Value::operator=(const Value& other) = default;
Value& Value::operator=(Value&& other) noexcept = default;
Value::~Value() = default;
bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }

std::string_view kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::null:
      return "NULL";
    case Value::Kind::boolean:
      return "boolean";
    case Value::Kind::integer:
      return "integer";
    case Value::Kind::real:
      return "real";
    case Value::Kind::text:
      return "text";
    case Value::Kind::blob:
      return "blob";
    case Value::Kind::timestamp:
      return "timestamp";
  }
  return "?";
}

namespace {
[[noreturn]] void wrong_kind(const Value& v, std::string_view wanted) {
  throw DataError("expected a value of kind " + std::string(wanted) + ", got " +
                  std::string(kind_name(v.kind())) + " " + v.to_string());
}
}  // namespace

namespace detail {
void throw_out_of_range(const std::string& what) { throw DataError(what); }

std::string timestamp_out_of_range(std::int64_t days) {
  using namespace std::chrono;
  // std::chrono::year ends at 32767: past it, the year is worked out from the average
  // year's length.
  const long long in_year =
      days > -11'000'000 && days < 11'000'000
          ? static_cast<long long>(int(year_month_day(sys_days(std::chrono::days(days))).year()))
          : static_cast<long long>(std::floor(1970 + static_cast<double>(days) / 365.2425));
  return "a timestamp in the year " + std::to_string(in_year) +
         " lies outside years 1 to 9999, the range every backend stores";
}
}  // namespace detail

namespace {

constexpr std::chrono::sys_days first_day{std::chrono::year{1} / std::chrono::January / 1};
constexpr std::chrono::sys_days last_day{std::chrono::year{9999} / std::chrono::December / 31};

bool in_portable_range(Timestamp t) {
  // Compared in days first: whole days of any Timestamp fit, microseconds far from
  // the epoch need not.
  const auto day = std::chrono::floor<std::chrono::days>(t);
  return day >= first_day && day <= last_day;
}

std::string out_of_range(Timestamp t) {
  return detail::timestamp_out_of_range(
      std::chrono::floor<std::chrono::days>(t).time_since_epoch().count());
}

}  // namespace

bool Value::as_bool() const {
  if (auto* b = std::get_if<bool>(&v_)) return *b;
  if (auto* i = std::get_if<std::int64_t>(&v_)) return *i != 0;
  wrong_kind(*this, "boolean");
}

std::int64_t Value::as_int() const {
  if (auto* i = std::get_if<std::int64_t>(&v_)) return *i;
  if (auto* b = std::get_if<bool>(&v_)) return *b ? 1 : 0;
  wrong_kind(*this, "integer");
}

double Value::as_double() const {
  if (auto* d = std::get_if<double>(&v_)) return *d;
  if (auto* i = std::get_if<std::int64_t>(&v_)) return static_cast<double>(*i);
  wrong_kind(*this, "real");
}

const std::string& Value::as_text() const {
  if (auto* s = std::get_if<std::string>(&v_)) return *s;
  wrong_kind(*this, "text");
}

const Blob& Value::as_blob() const {
  if (auto* b = std::get_if<Blob>(&v_)) return *b;
  wrong_kind(*this, "blob");
}

Timestamp Value::as_timestamp() const {
  if (auto* t = std::get_if<Timestamp>(&v_)) return *t;
  if (auto* s = std::get_if<std::string>(&v_)) return parse_timestamp(*s);
  if (auto* i = std::get_if<std::int64_t>(&v_)) return Timestamp(std::chrono::microseconds(*i));
  wrong_kind(*this, "timestamp");
}

std::string Value::to_string() const {
  switch (kind()) {
    case Kind::null:
      return "NULL";
    case Kind::boolean:
      return std::get<bool>(v_) ? "true" : "false";
    case Kind::integer:
      return std::to_string(std::get<std::int64_t>(v_));
    case Kind::real: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", std::get<double>(v_));
      return buf;
    }
    case Kind::text: {
      std::string out = "'";
      for (char c : std::get<std::string>(v_)) {
        if (c == '\'') out += '\'';
        out += c;
      }
      return out + "'";
    }
    case Kind::blob: {
      static const char* hex = "0123456789abcdef";
      std::string out = "x'";
      for (std::byte b : std::get<Blob>(v_)) {
        out += hex[std::to_integer<unsigned>(b) >> 4];
        out += hex[std::to_integer<unsigned>(b) & 15];
      }
      return out + "'";
    }
    case Kind::timestamp: {
      const Timestamp t = std::get<Timestamp>(v_);
      if (!in_portable_range(t)) {
        return "timestamp(" + std::to_string(t.time_since_epoch().count()) + " us)";
      }
      return "'" + format_timestamp(t) + "'";
    }
  }
  return "?";
}

Timestamp min_timestamp() { return Timestamp(first_day); }
Timestamp max_timestamp() {
  using namespace std::chrono;
  return Timestamp(last_day + days(1)) - microseconds(1);
}

std::string format_timestamp(Timestamp t) {
  using namespace std::chrono;
  // Beyond the portable range std::chrono::year itself overflows (it ends at 32767):
  // refuse rather than write a wrong year.
  if (!in_portable_range(t)) throw DataError(out_of_range(t));
  const auto day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss<microseconds> time(t - day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld:%02ld.%06ld", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(time.hours().count()),
                long(time.minutes().count()), long(time.seconds().count()),
                long(time.subseconds().count()));
  return buf;
}

Timestamp parse_timestamp(std::string_view text) {
  using namespace std::chrono;
  int y = 0;
  unsigned mo = 0, d = 0;
  int h = 0, mi = 0, s = 0;
  char frac[16] = {0};
  int end = 0;
  const std::string str(text);
  // %n records where the date (or the time, if there is one) ended: whatever follows
  // (PostgreSQL's " BC", a time zone offset) is a year or offset this cannot represent;
  // only Z, which says UTC, may.
  int n =
      std::sscanf(str.c_str(), "%d-%u-%u%n%*[ T]%d:%d:%d%n", &y, &mo, &d, &end, &h, &mi, &s, &end);
  if (n == 6 && str[static_cast<std::size_t>(end)] == '.') {
    int frac_end = 0;
    if (std::sscanf(str.c_str() + end, ".%15[0-9]%n", frac, &frac_end) == 1) end += frac_end;
  }
  if (n == 6 && str[static_cast<std::size_t>(end)] == 'Z') ++end;
  const year_month_day ymd{year(y), month(mo), day(d)};
  if ((n != 3 && n != 6) || static_cast<std::size_t>(end) != str.size() || !ymd.ok() || h < 0 ||
      h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) {
    throw DataError("cannot read '" + str + "' as a timestamp (expected YYYY-MM-DD HH:MM:SS)");
  }
  long micros = 0;
  for (int i = 0; i < 6; ++i) micros = micros * 10 + (frac[i] ? frac[i] - '0' : 0);
  return sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) + microseconds(micros);
}

void check_portable(const Value& value, ValueUse use, std::string_view where) {
  const auto refuse = [&](const std::string& what) {
    throw DataError((where.empty() ? std::string() : std::string(where) + ": ") + what);
  };
  if (const auto* d = std::get_if<double>(&value.storage())) {
    if (std::isnan(*d)) refuse("NaN cannot be stored: MariaDB refuses it and SQLite stores NULL");
    if (std::isinf(*d)) {
      refuse(std::string(*d > 0 ? "+" : "-") +
             "infinity cannot be stored: MariaDB has no infinite doubles");
    }
    if (use == ValueUse::stored && *d == 0 && std::signbit(*d)) {
      refuse(
          "-0.0 cannot be stored exactly: SQLite and MariaDB keep it as 0 (add 0.0 to the value "
          "to store 0)");
    }
  } else if (const auto* t = std::get_if<Timestamp>(&value.storage())) {
    if (!in_portable_range(*t)) refuse(out_of_range(*t));
  }
}

Value normalize(Value value, ColumnType type) {
  switch (value.kind()) {
    case Value::Kind::integer:
      if (type == ColumnType::boolean) return Value(value.as_int() != 0);
      if (type == ColumnType::real || type == ColumnType::double_precision) {
        return Value(value.as_double());
      }
      if (type == ColumnType::timestamp) return Value(value.as_timestamp());
      return value;
    case Value::Kind::text: {
      // Drivers that hand every value over as text (PostgreSQL through SOCI).
      const std::string& t = value.as_text();
      if (type == ColumnType::timestamp) return Value(value.as_timestamp());
      if (type == ColumnType::boolean) {
        if (t == "t" || t == "true" || t == "1") return Value(true);
        if (t == "f" || t == "false" || t == "0") return Value(false);
      }
      if (type == ColumnType::blob && t.size() >= 2 && t[0] == '\\' && t[1] == 'x') {
        Blob out;
        auto nibble = [&t](char c) -> unsigned {
          if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
          if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
          if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
          throw DataError("cannot read '" + t + "' as hex-encoded bytes");
        };
        for (std::size_t i = 2; i + 1 < t.size(); i += 2) {
          out.push_back(static_cast<std::byte>(nibble(t[i]) << 4 | nibble(t[i + 1])));
        }
        return Value(std::move(out));
      }
      return value;
    }
    case Value::Kind::boolean:
      if (type != ColumnType::boolean) return Value(value.as_int());
      return value;
    default:
      return value;
  }
}

std::string_view column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::boolean:
      return "boolean";
    case ColumnType::small_integer:
      return "small integer";
    case ColumnType::integer:
      return "integer";
    case ColumnType::big_integer:
      return "big integer";
    case ColumnType::real:
      return "real";
    case ColumnType::double_precision:
      return "double";
    case ColumnType::text:
      return "text";
    case ColumnType::blob:
      return "blob";
    case ColumnType::timestamp:
      return "timestamp";
  }
  return "?";
}

}  // namespace relate

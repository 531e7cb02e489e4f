#include "literal.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <relate/engine/dialect.hpp>
#include <relate/value.hpp>

namespace relate::sql {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// How quoted strings are written: '' stands for ' (always), and \ escapes the next
// character where the dialect says so (MySQL).
struct Quoting {
  bool backslash = false;

  // Where the quoted string starting at s[0] ends (one past its closing quote); npos if
  // it does not.
  std::size_t end(std::string_view s) const {
    for (std::size_t i = 1; i < s.size(); ++i) {
      if (backslash && s[i] == '\\') {
        ++i;
      } else if (s[i] == '\'') {
        if (i + 1 < s.size() && s[i + 1] == '\'') {
          ++i;
        } else {
          return i + 1;
        }
      }
    }
    return std::string_view::npos;
  }

  // The text of the quoted string s (whole).
  std::string unquote(std::string_view s) const {
    std::string text;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
      if (backslash && s[i] == '\\') {
        const char next = s[++i];
        switch (next) {
          case 'n':
            text += '\n';
            break;
          case 't':
            text += '\t';
            break;
          case 'r':
            text += '\r';
            break;
          case '0':
            text += '\0';
            break;
          default:
            text += next;
        }
        continue;
      }
      text += s[i];
      if (s[i] == '\'') ++i;  // '' stands for '
    }
    return text;
  }

  // Whether s is one expression in parentheses: (0), ('x').
  bool parenthesized(std::string_view s) const {
    if (s.size() < 2 || s.front() != '(' || s.back() != ')') return false;
    int depth = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\'') {
        const std::size_t e = end(s.substr(i));
        if (e == std::string_view::npos) return false;
        i += e - 1;
      } else if (s[i] == '(') {
        ++depth;
      } else if (s[i] == ')' && --depth == 0 && i + 1 != s.size()) {
        return false;
      }
    }
    return true;
  }

  std::string_view unwrapped(std::string_view s) const {
    s = trim(s);
    while (parenthesized(s)) s = trim(s.substr(1, s.size() - 2));
    return s;
  }

  // The literal without the casts PostgreSQL appends ('x'::text, '1'::integer).
  std::string_view without_casts(std::string_view s) const {
    std::size_t i = 0;
    if (!s.empty() && s[0] == '\'') {
      i = end(s);
      if (i == std::string_view::npos) return s;
    }
    const std::size_t cast = s.find("::", i);
    return cast == std::string_view::npos ? s : trim(s.substr(0, cast));
  }
};

std::optional<Value> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string_view digits = s;
  if (digits.front() == '+') digits.remove_prefix(1);
  std::int64_t i = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
  if (ec == std::errc() && end == digits.data() + digits.size()) return Value(i);
  double d = 0;
  auto [dend, dec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
  if (dec == std::errc() && dend == digits.data() + digits.size()) return Value(d);
  return std::nullopt;
}

std::optional<Blob> hex(std::string_view digits) {
  if (digits.size() % 2 != 0) return std::nullopt;
  Blob out;
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    unsigned byte = 0;
    const auto [end, ec] = std::from_chars(digits.data() + i, digits.data() + i + 2, byte, 16);
    if (ec != std::errc() || end != digits.data() + i + 2) return std::nullopt;
    out.push_back(static_cast<std::byte>(byte));
  }
  return out;
}

// A literal as a number, where it is one (a quoted number too: PostgreSQL's '-1'::integer).
std::optional<double> numeric(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::boolean:
      return v.as_bool() ? 1.0 : 0.0;
    case Value::Kind::integer:
      return static_cast<double>(v.as_int());
    case Value::Kind::real:
      return v.as_double();
    case Value::Kind::text:
      if (const auto n = number(trim(v.as_text()))) return numeric(*n);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

bool numeric_type(std::optional<ColumnType> type) {
  if (!type) return false;
  switch (*type) {
    case ColumnType::boolean:
    case ColumnType::small_integer:
    case ColumnType::integer:
    case ColumnType::big_integer:
    case ColumnType::real:
    case ColumnType::double_precision:
      return true;
    default:
      return false;
  }
}

// A value as the text compared for a column of `type`: a timestamp without its
// fraction's trailing zeros, a blob PostgreSQL spells '\x0aff' as the bytes it is.
std::string comparable(const Value& v, std::optional<ColumnType> type) {
  if (type == ColumnType::blob && v.kind() == Value::Kind::text) {
    const std::string& t = v.as_text();
    if (t.rfind("\\x", 0) == 0) {
      if (const auto bytes = hex(std::string_view(t).substr(2))) return Value(*bytes).to_string();
    }
  }
  std::string text = v.to_string();
  if (type == ColumnType::timestamp && v.kind() == Value::Kind::text && text.size() > 2) {
    std::string inner = text.substr(1, text.size() - 2);
    if (inner.size() > 10 && inner[10] == 'T') inner[10] = ' ';
    if (inner.find('.') != std::string::npos) {
      while (inner.back() == '0') inner.pop_back();
      if (inner.back() == '.') inner.pop_back();
    }
    return inner;
  }
  return text;
}

}  // namespace

std::optional<Value> parse_literal(std::string_view sql, bool backslash_escapes) {
  const Quoting quoting{backslash_escapes};
  std::string_view s = quoting.unwrapped(quoting.without_casts(quoting.unwrapped(sql)));
  const std::string word = upper(s);
  if (word == "NULL") return Value();
  if (word == "TRUE") return Value(true);
  if (word == "FALSE") return Value(false);
  if (!s.empty() && s[0] == '\'') {
    if (quoting.end(s) != s.size()) return std::nullopt;
    return Value(quoting.unquote(s));
  }
  if (s.size() >= 3 && (s[0] == 'x' || s[0] == 'X') && s[1] == '\'' && s.back() == '\'') {
    if (const auto bytes = hex(s.substr(2, s.size() - 3))) return Value(*bytes);
    return std::nullopt;
  }
  return number(s);
}

bool same_default(const std::optional<std::string>& a, const std::optional<std::string>& b,
                  std::optional<ColumnType> type) {
  const auto value = [](const std::optional<std::string>& sql) -> std::optional<Value> {
    return sql ? parse_literal(*sql) : std::nullopt;
  };
  const auto va = value(a);
  const auto vb = value(b);
  const bool none_a = !a || (va && va->is_null());
  const bool none_b = !b || (vb && vb->is_null());
  if (none_a || none_b) return none_a == none_b;
  if (!va || !vb) return upper(trim(*a)) == upper(trim(*b));
  if (numeric_type(type)) {
    const auto na = numeric(*va);
    const auto nb = numeric(*vb);
    if (na && nb) return *na == *nb;
  }
  return comparable(*va, type) == comparable(*vb, type);
}

std::string standard_default(std::string_view sql, bool backslash_escapes) {
  const auto v = parse_literal(sql, backslash_escapes);
  return v ? v->to_string() : std::string(trim(sql));
}

std::string dialect_default(std::string_view sql, const Dialect& d) {
  if (const auto v = parse_literal(sql)) return d.literal(*v);
  // An expression: in parentheses, which every backend takes and SQLite needs (it
  // reads back (1+1) as 1+1). A bare word (CURRENT_TIMESTAMP) stays as it is.
  const std::string_view s = trim(sql);
  const bool word = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
  if (word || Quoting{}.parenthesized(s)) return std::string(s);
  return "(" + std::string(s) + ")";
}

}  // namespace relate::sql

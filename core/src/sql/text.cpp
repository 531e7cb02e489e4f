#include <algorithm>
#include <relate/engine/dialect.hpp>
#include <relate/errors.hpp>
#include <relate/sql/text.hpp>

namespace relate::sql {

namespace {

// The characters of a parameter's name, as SQLAlchemy's \w (ASCII here).
bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A piece of the SQL: text copied as written, or the name of a parameter.
struct Piece {
  std::string_view text;
  bool parameter = false;
};

// Reads raw SQL the way the database will, so that only real :name markers are taken:
// everything inside quotes, comments and dollar-quoted strings is copied as it is.
class TextReader {
 public:
  TextReader(std::string_view sql, const Dialect& dialect) : sql_(sql), dialect_(dialect) {}

  std::vector<Piece> pieces() {
    while (at_ < sql_.size()) step();
    flush(sql_.size());
    return std::move(pieces_);
  }

 private:
  char peek(std::size_t ahead) const {
    return at_ + ahead < sql_.size() ? sql_[at_ + ahead] : '\0';
  }

  void step() {
    const char c = sql_[at_];
    if (c == '\'') {
      at_ = end_of_quoted(at_, dialect_.backslash_escapes() || escape_string());
    } else if (c == '"') {
      at_ = end_of_quoted(at_, dialect_.backslash_escapes());  // MySQL: a string
    } else if (c == '`') {
      at_ = end_of_quoted(at_, false);
    } else if ((c == '-' && peek(1) == '-') || (c == '#' && dialect_.hash_comments())) {
      const auto end = sql_.find('\n', at_);
      at_ = end == std::string_view::npos ? sql_.size() : end;
    } else if (c == '/' && peek(1) == '*') {
      const auto end = sql_.find("*/", at_ + 2);
      at_ = end == std::string_view::npos ? sql_.size() : end + 2;
    } else if (c == '$') {
      at_ = end_of_dollar_quote();
    } else if (c == '\\' && peek(1) == ':') {
      // An escaped colon: the backslash goes, the colon stays as text.
      flush(at_);
      start_ = at_ + 1;
      at_ += 2;
    } else if (c == ':') {
      colon();
    } else {
      ++at_;
    }
  }

  void colon() {
    if (peek(1) == ':') {
      at_ += 2;  // PostgreSQL's cast, x::int
      return;
    }
    std::size_t end = at_ + 1;
    while (end < sql_.size() && is_name_char(sql_[end])) ++end;
    // After a name or a number the colon belongs to the SQL: a[1:2], 10:30.
    const bool follows_name = at_ > 0 && is_name_char(sql_[at_ - 1]);
    if (end == at_ + 1 || follows_name) {
      ++at_;
      return;
    }
    flush(at_);
    pieces_.push_back({sql_.substr(at_ + 1, end - at_ - 1), true});
    start_ = at_ = end;
  }

  // Whether the quote at at_ opens PostgreSQL's E'...' string, where backslashes escape.
  bool escape_string() const {
    if (at_ == 0 || (sql_[at_ - 1] != 'E' && sql_[at_ - 1] != 'e')) return false;
    return at_ < 2 || !is_name_char(sql_[at_ - 2]);
  }

  // Where the string or quoted identifier opened at `open` ends: after its closing
  // quote (a doubled quote is one quote inside it). An unclosed one runs to the end:
  // the database reports it.
  std::size_t end_of_quoted(std::size_t open, bool backslash) const {
    const char quote = sql_[open];
    for (std::size_t i = open + 1; i < sql_.size(); ++i) {
      if (backslash && sql_[i] == '\\') {
        ++i;
      } else if (sql_[i] == quote) {
        if (i + 1 < sql_.size() && sql_[i + 1] == quote) {
          ++i;
        } else {
          return i + 1;
        }
      }
    }
    return sql_.size();
  }

  // PostgreSQL's $tag$ ... $tag$ string: where it ends, or just past the '$' when
  // none opens here ($1, a '$' inside a name, no closing tag).
  std::size_t end_of_dollar_quote() const {
    const std::size_t next = at_ + 1;
    if (at_ > 0 && is_name_char(sql_[at_ - 1])) return next;
    std::size_t end = next;
    if (end < sql_.size() && sql_[end] >= '0' && sql_[end] <= '9') return next;
    while (end < sql_.size() && is_name_char(sql_[end])) ++end;
    if (end >= sql_.size() || sql_[end] != '$') return next;
    const std::string_view tag = sql_.substr(at_, end - at_ + 1);
    const auto close = sql_.find(tag, end + 1);
    return close == std::string_view::npos ? next : close + tag.size();
  }

  void flush(std::size_t end) {
    if (end > start_) pieces_.push_back({sql_.substr(start_, end - start_), false});
    start_ = end;
  }

  std::string_view sql_;
  const Dialect& dialect_;
  std::size_t at_ = 0;
  std::size_t start_ = 0;  // of the text not yet in pieces_
  std::vector<Piece> pieces_;
};

std::string list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? ":" : ", :") + n;
  return out;
}

}  // namespace

Text& Text::bind_value(std::string_view name, Value value) {
  bool valid = !name.empty();
  for (const char c : name) valid = valid && is_name_char(c);
  if (!valid) {
    throw ArgumentError("text(): '" + std::string(name) +
                        "' cannot be a parameter's name (letters, digits and _ only, without "
                        "the ':') in: " +
                        sql_);
  }
  for (auto& [bound, v] : values_) {
    if (bound == name) {
      v = std::move(value);
      return *this;
    }
  }
  values_.emplace_back(std::string(name), std::move(value));
  return *this;
}

CompiledStatement compile(const Text& text, const Dialect& dialect) {
  CompiledStatement out;
  out.returns = text.returns();
  const auto& values = text.values();
  std::vector<bool> used(values.size(), false);
  std::vector<std::string> missing;
  for (const Piece& piece : TextReader(text.sql(), dialect).pieces()) {
    if (!piece.parameter) {
      out.sql += piece.text;
      continue;
    }
    std::size_t i = 0;
    while (i < values.size() && values[i].first != piece.text) ++i;
    if (i == values.size()) {
      if (std::find(missing.begin(), missing.end(), piece.text) == missing.end()) {
        missing.emplace_back(piece.text);
      }
      continue;
    }
    used[i] = true;
    out.sql += dialect.placeholder(out.params.size());
    out.params.push_back(values[i].second);
  }
  if (!missing.empty()) {
    throw ArgumentError("text(): no value for " + list(missing) + " (give it with .bind(\"" +
                        missing.front() + "\", value)) in: " + text.sql());
  }
  std::vector<std::string> unused;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!used[i]) unused.push_back(values[i].first);
  }
  if (!unused.empty()) {
    throw ArgumentError("text(): a value was bound to " + list(unused) +
                        ", which the SQL does not use (a ':' inside quotes or a comment is no "
                        "parameter) in: " +
                        text.sql());
  }
  if (out.params.size() > dialect.max_parameters()) {
    throw ArgumentError("text(): " + std::to_string(out.params.size()) +
                        " bound values, more than the " + std::string(dialect.name()) +
                        " backend takes in one statement (" +
                        std::to_string(dialect.max_parameters()) + ")");
  }
  return out;
}

}  // namespace relate::sql

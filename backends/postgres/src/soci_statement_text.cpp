#include "soci_statement_text.hpp"

namespace relate::postgres {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Where a quoted run opened at `open` ends (after its closing quote; a doubled quote
// stays inside), with backslash escapes in E'' strings.
std::size_t end_of_quoted(std::string_view sql, std::size_t open, bool backslash) {
  const char quote = sql[open];
  for (std::size_t i = open + 1; i < sql.size(); ++i) {
    if (backslash && sql[i] == '\\') {
      ++i;
    } else if (sql[i] == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return sql.size();
}

// The end of a $tag$ string opened at `at`, or 0 when none opens there.
std::size_t end_of_dollar_quote(std::string_view sql, std::size_t at) {
  if (at > 0 && is_name_char(sql[at - 1])) return 0;
  std::size_t end = at + 1;
  if (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') return 0;  // $1
  while (end < sql.size() && is_name_char(sql[end])) ++end;
  if (end >= sql.size() || sql[end] != '$') return 0;
  const std::string_view tag = sql.substr(at, end - at + 1);
  const auto close = sql.find(tag, end + 1);
  return close == std::string_view::npos ? 0 : close + tag.size();
}

// The end of the /* comment opened at `open`: PostgreSQL's block comments nest.
std::size_t end_of_block_comment(std::string_view sql, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i + 1 < sql.size(); ++i) {
    if (sql[i] == '/' && sql[i + 1] == '*') {
      ++depth;
      ++i;
    } else if (sql[i] == '*' && sql[i + 1] == '/') {
      ++i;
      if (--depth == 0) return i + 1;
    }
  }
  return sql.size();
}

}  // namespace

std::size_t soci_parameter_count(std::string_view sql) {
  // A transcription of postgresql_statement_backend::prepare() in SOCI 4.0.3.
  enum { normal, in_quotes, in_identifier, in_name } state = normal;
  std::size_t count = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    switch (state) {
      case normal:
        if (c == '\'') {
          state = in_quotes;
        } else if (c == '"') {
          state = in_identifier;
        } else if (c == ':') {
          if (next == ':' || next == '=') {
            ++i;
          } else {
            state = in_name;
          }
        }
        break;
      case in_quotes:
        if (c == '\'') state = normal;
        break;
      case in_identifier:
        if (c == '"') state = normal;
        break;
      case in_name:
        if (!is_name_char(c)) {
          ++count;
          state = normal;
          if (c == ':' && next == ':') ++i;
        }
        break;
    }
  }
  if (state == in_name) ++count;
  return count;
}

std::string without_comments(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    std::size_t end = i + 1;
    if (c == '-' && next == '-') {
      const auto eol = sql.find('\n', i);
      i = eol == std::string_view::npos ? sql.size() : eol;
      out += ' ';
      continue;
    }
    if (c == '/' && next == '*') {
      i = end_of_block_comment(sql, i);
      out += ' ';
      continue;
    }
    if (c == '\'') {
      const bool escape_string =
          i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !is_name_char(sql[i - 2]));
      end = end_of_quoted(sql, i, escape_string);
    } else if (c == '"') {
      end = end_of_quoted(sql, i, false);
    } else if (c == '$') {
      if (const std::size_t e = end_of_dollar_quote(sql, i)) end = e;
    }
    out.append(sql.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace relate::postgres

#include "sqlite_constraint_names.hpp"

#include <cctype>
#include <cstddef>

namespace relate::sqlite {

namespace {

struct Token {
  enum class Kind { word, quoted, string, punctuation };
  Kind kind;
  std::string text;  // unquoted
};

bool word_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;  // UTF-8 bytes too
}

std::vector<Token> tokenize(std::string_view sql) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (c == '"' || c == '`' || c == '[' || c == '\'') {
      const char close = c == '[' ? ']' : c;
      std::string text;
      ++i;
      while (i < sql.size()) {
        if (sql[i] == close) {
          if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
            text += close;
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        text += sql[i++];
      }
      out.push_back({c == '\'' ? Token::Kind::string : Token::Kind::quoted, std::move(text)});
    } else if (word_char(c)) {
      std::string text;
      while (i < sql.size() && word_char(sql[i])) text += sql[i++];
      out.push_back({Token::Kind::word, std::move(text)});
    } else {
      out.push_back({Token::Kind::punctuation, std::string(1, c)});
      ++i;
    }
  }
  return out;
}

bool keyword(const Token& t, std::string_view word) {
  return t.kind == Token::Kind::word && same_identifier(t.text, word);
}

bool punctuation(const Token& t, char c) {
  return t.kind == Token::Kind::punctuation && t.text.size() == 1 && t.text[0] == c;
}

using Tokens = std::vector<Token>;

// The items of a parenthesised list starting at tokens[open] ("("), split at its
// top-level commas: [first, last) ranges. `end` is set past the closing ")".
std::vector<std::pair<std::size_t, std::size_t>> list_items(const Tokens& tokens, std::size_t open,
                                                            std::size_t& end) {
  std::vector<std::pair<std::size_t, std::size_t>> items;
  int depth = 0;
  std::size_t start = open + 1;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (punctuation(tokens[i], '(')) {
      ++depth;
    } else if (punctuation(tokens[i], ')')) {
      if (--depth == 0) {
        if (start < i) items.emplace_back(start, i);
        end = i + 1;
        return items;
      }
    } else if (depth == 1 && punctuation(tokens[i], ',')) {
      items.emplace_back(start, i);
      start = i + 1;
    }
  }
  end = tokens.size();
  if (start < tokens.size()) items.emplace_back(start, tokens.size());
  return items;
}

// The column names of "(a COLLATE NOCASE, b DESC)" at tokens[open].
std::vector<std::string> column_list(const Tokens& tokens, std::size_t open, std::size_t& end) {
  std::vector<std::string> columns;
  for (const auto& [first, last] : list_items(tokens, open, end))
    columns.push_back(tokens[first].text);
  return columns;
}

bool starts_table_constraint(const Token& t) {
  for (std::string_view word : {"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK"}) {
    if (keyword(t, word)) return true;
  }
  return false;
}

// A table constraint: CONSTRAINT name UNIQUE (...) / FOREIGN KEY (...) REFERENCES t.
void table_constraint(const Tokens& tokens, std::size_t i, std::size_t last, ConstraintNames& out) {
  if (!keyword(tokens[i], "CONSTRAINT") || i + 2 >= last) return;
  const std::string name = tokens[i + 1].text;
  std::size_t j = i + 2;
  if (keyword(tokens[j], "UNIQUE") && j + 1 < last && punctuation(tokens[j + 1], '(')) {
    std::size_t end = 0;
    out.unique.push_back({name, column_list(tokens, j + 1, end), {}});
  } else if (keyword(tokens[j], "FOREIGN") && j + 2 < last && keyword(tokens[j + 1], "KEY") &&
             punctuation(tokens[j + 2], '(')) {
    std::size_t end = 0;
    NamedConstraint fk{name, column_list(tokens, j + 2, end), {}};
    if (end < last && keyword(tokens[end], "REFERENCES") && end + 1 < last) {
      fk.referred_table = tokens[end + 1].text;
    }
    out.foreign_keys.push_back(std::move(fk));
  }
}

// A column definition's named constraints: col TYPE ... CONSTRAINT x REFERENCES t /
// CONSTRAINT x UNIQUE.
void column_constraints(const Tokens& tokens, std::size_t first, std::size_t last,
                        ConstraintNames& out) {
  const std::string column = tokens[first].text;
  for (std::size_t i = first + 1; i + 1 < last; ++i) {
    if (!keyword(tokens[i], "CONSTRAINT")) continue;
    const std::string name = tokens[i + 1].text;
    if (i + 2 >= last) break;
    if (keyword(tokens[i + 2], "UNIQUE")) {
      out.unique.push_back({name, {column}, {}});
    } else if (keyword(tokens[i + 2], "REFERENCES") && i + 3 < last) {
      out.foreign_keys.push_back({name, {column}, tokens[i + 3].text});
    }
  }
}

}  // namespace

bool same_identifier(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    if (x >= 0x80 || y >= 0x80 || std::tolower(x) != std::tolower(y)) return false;
  }
  return true;
}

std::vector<std::string> undescribed_clauses(std::string_view create) {
  std::vector<std::string> out;
  const auto add = [&out](std::string clause) {
    for (const auto& c : out) {
      if (c == clause) return;
    }
    out.push_back(std::move(clause));
  };
  const Tokens tokens = tokenize(create);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    for (const char* word : {"CHECK", "COLLATE", "AUTOINCREMENT", "GENERATED", "STRICT"}) {
      if (keyword(tokens[i], word)) add(word);
    }
    if (keyword(tokens[i], "WITHOUT") && i + 1 < tokens.size() && keyword(tokens[i + 1], "ROWID")) {
      add("WITHOUT ROWID");
    }
  }
  return out;
}

ConstraintNames constraint_names(std::string_view create) {
  ConstraintNames out;
  const Tokens tokens = tokenize(create);
  std::size_t open = 0;
  while (open < tokens.size() && !punctuation(tokens[open], '(')) ++open;
  if (open == tokens.size()) return out;  // CREATE TABLE ... AS SELECT
  std::size_t end = 0;
  for (const auto& [first, last] : list_items(tokens, open, end)) {
    if (starts_table_constraint(tokens[first])) {
      table_constraint(tokens, first, last, out);
    } else {
      column_constraints(tokens, first, last, out);
    }
  }
  return out;
}

}  // namespace relate::sqlite

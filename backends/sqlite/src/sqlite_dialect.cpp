#include "sqlite_dialect.hpp"

namespace relate::sqlite {

std::string SqliteDialect::autoincrement_column(std::string_view name, ColumnType) const {
  // Exactly "INTEGER PRIMARY KEY" makes the column an alias of the rowid.
  return quote_identifier(name) + " INTEGER NOT NULL PRIMARY KEY";
}

std::string SqliteDialect::limit_offset(std::optional<std::int64_t> limit,
                                        std::optional<std::int64_t> offset,
                                        std::size_t first) const {
  std::string out;
  if (limit) {
    out += " LIMIT " + placeholder(first++);
  } else if (offset) {
    out += " LIMIT -1";
  }
  if (offset) out += " OFFSET " + placeholder(first);
  return out;
}

namespace {

// A LIKE pattern (checked: `escape` is followed by %, _ or itself) as a GLOB pattern:
// % is *, _ is ?, and GLOB's own * ? [ become one-character classes.
std::string glob_pattern(const std::string& like, char escape) {
  std::string glob;
  for (std::size_t i = 0; i < like.size(); ++i) {
    char c = like[i];
    if (c == escape && i + 1 < like.size()) {
      c = like[++i];
    } else if (c == '%') {
      glob += '*';
      continue;
    } else if (c == '_') {
      glob += '?';
      continue;
    }
    if (c == '*' || c == '?' || c == '[') {
      glob += '[';
      glob += c;
      glob += ']';
    } else {
      glob += c;
    }
  }
  return glob;
}

}  // namespace

std::string SqliteDialect::like(const std::string& operand, const sql::Like& like,
                                const std::function<std::string(Value)>& bind) const {
  if (like.match_case == sql::Case::insensitive) {
    // SQLite's LIKE folds ASCII letters and no others, as LOWER() would.
    const std::string pattern = bind(Value(like.pattern));
    return operand + " LIKE " + pattern + " ESCAPE " + bind(Value(std::string(1, like.escape)));
  }
  return operand + " GLOB " + bind(Value(glob_pattern(like.pattern, like.escape)));
}

std::string SqliteDialect::has_table_sql() const {
  return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
}

}  // namespace relate::sqlite

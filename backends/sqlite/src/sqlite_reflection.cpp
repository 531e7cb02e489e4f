// SQLite's schema, read back (Dialect::reflect): tables from sqlite_master, the rest
// from the table-valued PRAGMA functions. SQLite keeps no constraint names in its
// catalog, only in the CREATE TABLE text: named UNIQUE and FOREIGN KEY constraints
// are found there, by their columns.
#include <algorithm>
#include <cctype>
#include <map>
#include <relate/engine/engine.hpp>
#include <relate/migrate/reflection.hpp>
#include <string>
#include <vector>

#include "sqlite_dialect.hpp"

namespace relate::sqlite {

namespace {

using migrate::ReflectedColumn;
using migrate::ReflectedForeignKey;
using migrate::ReflectedIndex;
using migrate::ReflectedKey;
using migrate::ReflectedTable;

std::string text(const Value& v) { return v.is_null() ? std::string() : v.as_text(); }

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::unique_ptr<Cursor> query(Connection& c, const std::string& sql, std::vector<Value> params) {
  return c.execute(sql::CompiledStatement{sql, std::move(params), sql::Returns::rows});
}

// The types Relate's DDL writes on SQLite (Dialect's standard names), back to theirs.
std::optional<ColumnType> column_type_of(const std::string& declared) {
  static const std::map<std::string, ColumnType> types = {
      {"BOOLEAN", ColumnType::boolean},    {"SMALLINT", ColumnType::small_integer},
      {"INTEGER", ColumnType::integer},    {"BIGINT", ColumnType::big_integer},
      {"REAL", ColumnType::real},          {"DOUBLE PRECISION", ColumnType::double_precision},
      {"TEXT", ColumnType::text},          {"BLOB", ColumnType::blob},
      {"TIMESTAMP", ColumnType::timestamp}};
  const auto it = types.find(upper(declared));
  if (it == types.end()) return std::nullopt;
  return it->second;
}

// The CREATE TABLE text as tokens: identifiers (unquoted), keywords (upper case) and
// punctuation; string literals are kept as one token each, and skipped by the reader.
struct Token {
  std::string text;
  bool identifier = false;  // quoted, or a bare word
};

std::vector<Token> tokenize(const std::string& sql) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '"' || c == '`' || c == '[' || c == '\'') {
      const char close = c == '[' ? ']' : c;
      std::string word;
      ++i;
      while (i < sql.size()) {
        if (sql[i] == close) {
          if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
            word += close;
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        word += sql[i++];
      }
      out.push_back({c == '\'' ? "'" : word, c != '\''});
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      std::string word;
      while (i < sql.size() &&
             (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_' || sql[i] == '$')) {
        word += sql[i++];
      }
      out.push_back({word, true});
    } else {
      out.push_back({std::string(1, c), false});
      ++i;
    }
  }
  return out;
}

bool is_keyword(const Token& t, std::string_view word) {
  return t.identifier && upper(t.text) == word;
}

// The names of the table's named constraints of one kind ("UNIQUE" or "FOREIGN"), by
// their column lists: CONSTRAINT name UNIQUE (a, b) / CONSTRAINT name FOREIGN KEY (a).
std::map<std::vector<std::string>, std::string> constraint_names(const std::vector<Token>& tokens,
                                                                 std::string_view kind) {
  std::map<std::vector<std::string>, std::string> out;
  for (std::size_t i = 0; i + 3 < tokens.size(); ++i) {
    if (!is_keyword(tokens[i], "CONSTRAINT")) continue;
    const std::string name = tokens[i + 1].text;
    std::size_t j = i + 2;
    if (!is_keyword(tokens[j], kind)) continue;
    ++j;
    if (kind == "FOREIGN") {
      if (j >= tokens.size() || !is_keyword(tokens[j], "KEY")) continue;
      ++j;
    }
    if (j >= tokens.size() || tokens[j].text != "(") continue;
    std::vector<std::string> columns;
    for (++j; j < tokens.size() && tokens[j].text != ")"; ++j) {
      if (tokens[j].text != ",") columns.push_back(tokens[j].text);
    }
    out.emplace(std::move(columns), name);
  }
  return out;
}

std::string name_of(const std::map<std::vector<std::string>, std::string>& names,
                    const std::vector<std::string>& columns) {
  const auto it = names.find(columns);
  return it == names.end() ? std::string() : it->second;
}

std::vector<std::string> index_columns(Connection& c, const std::string& index) {
  std::vector<std::string> columns;
  auto rows = query(c, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", {Value(index)});
  while (rows->next()) columns.push_back(text(rows->get(0)));
  return columns;
}

ReflectedTable reflect_table(Connection& c, const std::string& name, const std::string& create) {
  ReflectedTable table;
  table.name = name;
  const std::vector<Token> tokens = tokenize(create);
  const bool without_rowid = upper(create).find("WITHOUT ROWID") != std::string::npos;

  std::vector<std::pair<std::int64_t, std::string>> key;
  {
    auto rows = query(c,
                      "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) "
                      "ORDER BY cid",
                      {Value(name)});
    while (rows->next()) {
      ReflectedColumn column;
      column.name = text(rows->get(0));
      column.type = text(rows->get(1));
      column.column_type = column_type_of(column.type);
      column.nullable = rows->get(2).as_int() == 0;
      const Value dflt = rows->get(3);
      if (!dflt.is_null()) column.server_default = text(dflt);
      const std::int64_t pk = rows->get(4).as_int();
      if (pk > 0) key.emplace_back(pk, column.name);
      table.columns.push_back(std::move(column));
    }
  }
  std::sort(key.begin(), key.end());
  for (auto& [position, column] : key) table.primary_key.columns.push_back(column);
  // A single-column INTEGER primary key is the rowid: the database generates it.
  if (key.size() == 1 && !without_rowid) {
    for (auto& column : table.columns) {
      if (column.name == key[0].second && upper(column.type) == "INTEGER") {
        column.autoincrement = true;
      }
    }
  }

  {
    const auto names = constraint_names(tokens, "FOREIGN");
    auto rows = query(c,
                      "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete "
                      "FROM pragma_foreign_key_list(?) ORDER BY id, seq",
                      {Value(name)});
    std::int64_t current = -1;
    while (rows->next()) {
      const std::int64_t id = rows->get(0).as_int();
      if (id != current) {
        current = id;
        ReflectedForeignKey fk;
        fk.referred_table = text(rows->get(1));
        fk.on_update = migrate::referential_action_named(text(rows->get(4)));
        fk.on_delete = migrate::referential_action_named(text(rows->get(5)));
        table.foreign_keys.push_back(std::move(fk));
      }
      ReflectedForeignKey& fk = table.foreign_keys.back();
      fk.columns.push_back(text(rows->get(2)));
      fk.referred_columns.push_back(text(rows->get(3)));  // empty: the referred table's key
    }
    for (auto& fk : table.foreign_keys) {
      fk.name = name_of(names, fk.columns);
      const bool implicit = std::all_of(fk.referred_columns.begin(), fk.referred_columns.end(),
                                        [](const std::string& s) { return s.empty(); });
      if (!implicit) continue;
      // REFERENCES t without columns: t's primary key.
      std::vector<std::pair<std::int64_t, std::string>> referred;
      auto pk = query(c, "SELECT pk, name FROM pragma_table_info(?) WHERE pk > 0",
                      {Value(fk.referred_table)});
      while (pk->next()) referred.emplace_back(pk->get(0).as_int(), text(pk->get(1)));
      std::sort(referred.begin(), referred.end());
      fk.referred_columns.clear();
      for (auto& [position, column] : referred) fk.referred_columns.push_back(column);
    }
  }

  {
    const auto names = constraint_names(tokens, "UNIQUE");
    std::vector<std::tuple<std::string, bool, std::string>> indexes;  // name, unique, origin
    auto rows =
        query(c, "SELECT name, \"unique\", origin FROM pragma_index_list(?)", {Value(name)});
    while (rows->next()) {
      indexes.emplace_back(text(rows->get(0)), rows->get(1).as_int() != 0, text(rows->get(2)));
    }
    std::sort(indexes.begin(), indexes.end());
    for (const auto& [index, unique, origin] : indexes) {
      if (origin == "pk") continue;
      std::vector<std::string> columns = index_columns(c, index);
      if (origin == "u") {
        // The index SQLite made for a UNIQUE constraint (sqlite_autoindex_...): the
        // constraint is what the table declares.
        std::string constraint = name_of(names, columns);
        table.unique_constraints.push_back({std::move(constraint), std::move(columns)});
      } else {
        table.indexes.push_back({index, std::move(columns), unique});
      }
    }
  }
  return table;
}

}  // namespace

migrate::Schema SqliteDialect::reflect(Connection& connection) const {
  std::vector<std::pair<std::string, std::string>> tables;
  {
    auto rows = query(connection,
                      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND "
                      "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                      {});
    while (rows->next()) tables.emplace_back(text(rows->get(0)), text(rows->get(1)));
  }
  migrate::Schema schema;
  for (const auto& [name, create] : tables) {
    schema.tables.push_back(reflect_table(connection, name, create));
  }
  return schema;
}

}  // namespace relate::sqlite

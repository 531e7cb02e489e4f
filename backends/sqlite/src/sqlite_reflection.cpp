// SQLite's schema, read back (Dialect::reflect): the main database's ordinary tables
// (pragma_table_list: not virtual tables nor their shadow tables, not a TEMP table of
// the same name), the rest from the table-valued PRAGMA functions, and the names of
// UNIQUE and FOREIGN KEY constraints from the CREATE TABLE text
// (sqlite_constraint_names.cpp), the one place SQLite keeps them.
#include <algorithm>
#include <cctype>
#include <map>
#include <relate/engine/engine.hpp>
#include <relate/errors.hpp>
#include <relate/migrate/reflection.hpp>
#include <string>
#include <vector>

#include "sqlite_constraint_names.hpp"
#include "sqlite_dialect.hpp"

namespace relate::sqlite {

namespace {

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

bool same_columns(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::equal(
      a.begin(), a.end(), b.begin(), b.end(),
      [](const std::string& x, const std::string& y) { return same_identifier(x, y); });
}

// The name of the first declared constraint that matches, taken so that the next
// constraint of the same shape gets the next name.
template <class Matches>
std::string take_name(std::vector<NamedConstraint>& declared, Matches matches) {
  for (auto it = declared.begin(); it != declared.end(); ++it) {
    if (!matches(*it)) continue;
    std::string name = std::move(it->name);
    declared.erase(it);
    return name;
  }
  return {};
}

std::vector<std::string> index_columns(Connection& c, const std::string& index) {
  std::vector<std::string> columns;
  auto rows =
      query(c, "SELECT name FROM pragma_index_info(?, 'main') ORDER BY seqno", {Value(index)});
  while (rows->next()) columns.push_back(text(rows->get(0)));
  return columns;
}

struct TableEntry {
  std::string name;
  bool without_rowid = false;
  std::string create;
};

TableDef reflect_table(Connection& c, const TableEntry& entry,
                       const std::vector<TableEntry>& tables) {
  TableDef table;
  table.name = entry.name;
  ConstraintNames names = constraint_names(entry.create);

  std::vector<std::pair<std::int64_t, std::string>> key;
  {
    // table_xinfo, not table_info: generated columns too (hidden 2 and 3).
    auto rows = query(c,
                      "SELECT name, type, \"notnull\", dflt_value, pk, hidden "
                      "FROM pragma_table_xinfo(?, 'main') WHERE hidden IN (0, 2, 3) ORDER BY cid",
                      {Value(entry.name)});
    while (rows->next()) {
      ColumnDef column;
      column.name = text(rows->get(0));
      column.type = text(rows->get(1));
      column.column_type = column_type_of(column.type);
      column.nullable = rows->get(2).as_int() == 0;
      column.generated = rows->get(5).as_int() != 0;
      const Value dflt = rows->get(3);
      if (!dflt.is_null() && !column.generated) column.server_default = text(dflt);
      const std::int64_t pk = rows->get(4).as_int();
      if (pk > 0) key.emplace_back(pk, column.name);
      table.columns.push_back(std::move(column));
    }
  }
  std::sort(key.begin(), key.end());
  for (auto& [position, column] : key) table.primary_key.columns.push_back(column);

  std::vector<std::tuple<std::string, bool, std::string>> indexes;  // name, unique, origin
  {
    auto rows = query(c, "SELECT name, \"unique\", origin FROM pragma_index_list(?, 'main')",
                      {Value(entry.name)});
    while (rows->next()) {
      indexes.emplace_back(text(rows->get(0)), rows->get(1).as_int() != 0, text(rows->get(2)));
    }
    std::sort(indexes.begin(), indexes.end());
  }
  // A table's only key column of type INTEGER is its rowid, which the database
  // generates - unless the table has no rowid, or the key has an index of its own (the
  // "INTEGER PRIMARY KEY DESC" quirk); either shows as an index of origin "pk".
  const bool key_index = std::any_of(indexes.begin(), indexes.end(),
                                     [](const auto& ix) { return std::get<2>(ix) == "pk"; });
  if (key.size() == 1 && !entry.without_rowid && !key_index) {
    for (auto& column : table.columns) {
      if (column.name == key[0].second && upper(column.type) == "INTEGER")
        column.autoincrement = true;
    }
  }

  {
    auto rows = query(c,
                      "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete "
                      "FROM pragma_foreign_key_list(?, 'main') ORDER BY id, seq",
                      {Value(entry.name)});
    std::int64_t current = -1;
    while (rows->next()) {
      const std::int64_t id = rows->get(0).as_int();
      if (id != current) {
        current = id;
        ForeignKeyDef fk;
        // As declared, in any case: the table's own name.
        fk.referred_table = text(rows->get(1));
        for (const TableEntry& t : tables) {
          if (same_identifier(t.name, fk.referred_table)) fk.referred_table = t.name;
        }
        fk.on_update = migrate::referential_action_named(text(rows->get(4)));
        fk.on_delete = migrate::referential_action_named(text(rows->get(5)));
        table.foreign_keys.push_back(std::move(fk));
      }
      ForeignKeyDef& fk = table.foreign_keys.back();
      fk.columns.push_back(text(rows->get(2)));
      fk.referred_columns.push_back(text(rows->get(3)));  // empty: the referred table's key
    }
    // The PRAGMA lists foreign keys last declared first.
    std::reverse(table.foreign_keys.begin(), table.foreign_keys.end());
    for (auto& fk : table.foreign_keys) {
      fk.name = take_name(names.foreign_keys, [&fk](const NamedConstraint& n) {
        return same_columns(n.columns, fk.columns) &&
               same_identifier(n.referred_table, fk.referred_table);
      });
      const bool implicit = std::all_of(fk.referred_columns.begin(), fk.referred_columns.end(),
                                        [](const std::string& s) { return s.empty(); });
      if (!implicit) continue;
      // REFERENCES t without columns: t's primary key.
      std::vector<std::pair<std::int64_t, std::string>> referred;
      auto pk = query(c, "SELECT pk, name FROM pragma_table_info(?, 'main') WHERE pk > 0",
                      {Value(fk.referred_table)});
      while (pk->next()) referred.emplace_back(pk->get(0).as_int(), text(pk->get(1)));
      std::sort(referred.begin(), referred.end());
      fk.referred_columns.clear();
      for (auto& [position, column] : referred) fk.referred_columns.push_back(column);
    }
  }

  for (const auto& [index, unique, origin] : indexes) {
    if (origin == "pk") continue;
    std::vector<std::string> columns = index_columns(c, index);
    if (origin == "u") {
      // The index SQLite made for a UNIQUE constraint (sqlite_autoindex_...): the
      // constraint is what the table declares.
      std::string name = take_name(names.unique, [&columns](const NamedConstraint& n) {
        return same_columns(n.columns, columns);
      });
      table.unique_constraints.push_back({std::move(name), std::move(columns)});
    } else {
      table.indexes.push_back({index, std::move(columns), unique});
    }
  }
  return table;
}

}  // namespace

SchemaDef SqliteDialect::reflect(Connection& connection) const {
  std::vector<TableEntry> tables;
  {
    auto rows = query(connection,
                      "SELECT l.name, l.wr, m.sql FROM pragma_table_list AS l "
                      "JOIN main.sqlite_master AS m ON m.type = 'table' AND m.name = l.name "
                      "WHERE l.schema = 'main' AND l.type = 'table' "
                      "AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY l.name",
                      {});
    while (rows->next()) {
      tables.push_back({text(rows->get(0)), rows->get(1).as_int() != 0, text(rows->get(2))});
    }
  }
  SchemaDef schema;
  for (const TableEntry& entry : tables)
    schema.tables.push_back(reflect_table(connection, entry, tables));
  return schema;
}

void SqliteDialect::check_rebuild(Connection& connection, const std::string& table) const {
  std::vector<std::string> lost;
  {
    auto rows =
        query(connection, "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?",
              {Value(table)});
    if (rows->next()) lost = undescribed_clauses(text(rows->get(0)));
  }
  {
    auto rows = query(connection,
                      "SELECT count(*) FROM main.sqlite_master WHERE type = 'trigger' AND "
                      "tbl_name = ?",
                      {Value(table)});
    if (rows->next() && rows->get(0).as_int() > 0) lost.push_back("triggers");
  }
  if (lost.empty()) return;
  std::string what;
  for (const auto& l : lost) what += (what.empty() ? "" : ", ") + l;
  throw InvalidRequestError("table " + table +
                            " would be rebuilt, and the rebuild would lose what Relate does not "
                            "read of it (" +
                            what + "): make this change with SQL of your own (op.execute)");
}

}  // namespace relate::sqlite

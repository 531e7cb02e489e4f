// MySQL's and MariaDB's schema, read back (Dialect::reflect) from information_schema:
// the base tables (system-versioned ones too) of the current database, each view read
// once for all of them.
//
// Two things the catalog mixes up are told apart here. A UNIQUE constraint is a
// unique index (unique_constraints_are_indexes()). And InnoDB gives a foreign key an
// index of its own when no index starts with its columns, named after the constraint,
// or for an unnamed one (<table>_ibfk_<n>) after its first column (with _<n> when
// that name is taken): such an index is the foreign key's, not the schema's, and is
// left out. A user's index on exactly an unnamed foreign key's columns, named as
// InnoDB would name it, cannot be told from InnoDB's, and is left out too.
#include <algorithm>
#include <cctype>
#include <map>
#include <relate/engine/engine.hpp>
#include <relate/migrate/reflection.hpp>
#include <string>
#include <vector>

#include "mysql_dialect.hpp"

namespace relate::mysql {

namespace {

std::string text(const Value& v) {
  if (v.is_null()) return {};
  if (v.kind() == Value::Kind::integer) return std::to_string(v.as_int());
  return v.as_text();
}

std::unique_ptr<Cursor> query(Connection& c, const std::string& sql) {
  return c.execute(sql::CompiledStatement{sql, {}, sql::Returns::rows});
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// COLUMN_TYPE as the server reports it (display widths included: "bigint(20)"), back
// to the type Relate's DDL writes so.
std::optional<ColumnType> column_type_of(const std::string& reported) {
  const std::string type = lower(reported);
  if (type == "tinyint(1)") return ColumnType::boolean;
  const std::string base = type.substr(0, type.find('('));
  if (type.find("unsigned") != std::string::npos) return std::nullopt;
  // Integers by their name whatever the display width; the rest exactly as written.
  static const std::map<std::string, ColumnType> integers = {
      {"smallint", ColumnType::small_integer},
      {"int", ColumnType::integer},
      {"bigint", ColumnType::big_integer}};
  static const std::map<std::string, ColumnType> types = {
      {"float", ColumnType::real},    {"double", ColumnType::double_precision},
      {"longtext", ColumnType::text}, {"varchar(255)", ColumnType::text},  // keyed text
      {"longblob", ColumnType::blob}, {"datetime(6)", ColumnType::timestamp}};
  if (const auto it = integers.find(base); it != integers.end()) return it->second;
  if (const auto it = types.find(type); it != types.end()) return it->second;
  return std::nullopt;
}

// Whether `fk` is a name InnoDB made up for an unnamed foreign key: <table>_ibfk_<n>.
bool named_by_server(const std::string& table, const std::string& fk) {
  const std::string prefix = table + "_ibfk_";
  if (fk.size() <= prefix.size() || fk.compare(0, prefix.size(), prefix) != 0) return false;
  return std::all_of(fk.begin() + static_cast<std::ptrdiff_t>(prefix.size()), fk.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// Whether `index` is the name InnoDB gives the index of an unnamed foreign key: its
// first column's, or that with _<n> when the name was taken.
bool named_after(const std::string& index, const std::string& column) {
  if (index == column) return true;
  if (index.size() <= column.size() + 1 || index.compare(0, column.size(), column) != 0 ||
      index[column.size()] != '_') {
    return false;
  }
  return std::all_of(index.begin() + static_cast<std::ptrdiff_t>(column.size()) + 1, index.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

SchemaDef MysqlDialect::reflect(Connection& connection) const {
  migrate::SchemaRows schema;
  {
    auto rows = query(
        connection,
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
        "DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME");
    while (rows->next()) schema.add_table(text(rows->get(0)));
  }
  {
    auto rows = query(connection,
                      "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, "
                      "EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                      "ORDER BY TABLE_NAME, ORDINAL_POSITION");
    while (rows->next()) {
      TableDef* t = schema.table(text(rows->get(0)));
      if (!t) continue;  // a view's
      ColumnDef column;
      column.name = text(rows->get(1));
      column.type = text(rows->get(2));
      column.column_type = column_type_of(column.type);
      column.nullable = text(rows->get(3)) == "YES";
      // MariaDB writes a column without a default as the word NULL (a default that
      // is the text 'NULL' comes quoted); MySQL as no value.
      const Value dflt = rows->get(4);
      if (!dflt.is_null() && text(dflt) != "NULL") column.server_default = text(dflt);
      const std::string extra = lower(text(rows->get(5)));
      column.autoincrement = extra.find("auto_increment") != std::string::npos;
      // MariaDB keeps a generated column's expression where a default would be.
      column.generated = extra.find("generated") != std::string::npos;
      if (column.generated) column.server_default.reset();
      t->columns.push_back(std::move(column));
    }
  }
  {
    auto rows =
        query(connection,
              "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, "
              "k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE, "
              "CASE WHEN k.REFERENCED_TABLE_SCHEMA = DATABASE() THEN '' ELSE "
              "k.REFERENCED_TABLE_SCHEMA END "
              "FROM information_schema.KEY_COLUMN_USAGE k "
              "JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = "
              "k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = "
              "k.CONSTRAINT_NAME "
              "WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL "
              "ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION");
    while (rows->next()) {
      schema.add_foreign_key_column(
          {.table = text(rows->get(0)),
           .name = text(rows->get(1)),
           .column = text(rows->get(2)),
           .referred_schema = text(rows->get(7)),
           .referred_table = text(rows->get(3)),
           .referred_column = text(rows->get(4)),
           .on_delete = migrate::referential_action_named(text(rows->get(5))),
           .on_update = migrate::referential_action_named(text(rows->get(6)))});
    }
  }
  {
    auto rows = query(connection,
                      "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM "
                      "information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                      "ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX");
    while (rows->next()) {
      TableDef* t = schema.table(text(rows->get(0)));
      if (!t) continue;
      const std::string name = text(rows->get(1));
      if (name == "PRIMARY") {
        t->primary_key.name = name;
        t->primary_key.columns.push_back(text(rows->get(3)));
        continue;
      }
      IndexDef& index = migrate::entry_named(t->indexes, name);
      index.unique = text(rows->get(2)) == "0";
      index.columns.push_back(text(rows->get(3)));
    }
  }
  SchemaDef out = schema.take();
  for (TableDef& t : out.tables) {
    std::erase_if(t.indexes, [&t](const IndexDef& index) {
      if (index.unique) return false;
      return std::any_of(
          t.foreign_keys.begin(), t.foreign_keys.end(), [&](const ForeignKeyDef& fk) {
            return fk.columns == index.columns &&
                   (index.name == fk.name || (named_by_server(t.name, fk.name) &&
                                              named_after(index.name, fk.columns.front())));
          });
    });
  }
  return out;
}

}  // namespace relate::mysql

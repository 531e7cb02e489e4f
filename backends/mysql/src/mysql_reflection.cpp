// MySQL's and MariaDB's schema, read back (Dialect::reflect) from information_schema:
// the base tables of the current database, each view read once for all of them.
//
// Two things the catalog mixes up are told apart here. A UNIQUE constraint is a
// unique index (unique_constraints_are_indexes()). And InnoDB gives a foreign key an
// index of its own when none starts with its columns, named after the constraint (or,
// for an unnamed one, after its first column): such an index is the foreign key's, not
// the schema's, and is left out.
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

using migrate::ReflectedColumn;
using migrate::ReflectedForeignKey;
using migrate::ReflectedTable;

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
  static const std::map<std::string, ColumnType> types = {{"smallint", ColumnType::small_integer},
                                                          {"int", ColumnType::integer},
                                                          {"bigint", ColumnType::big_integer},
                                                          {"float", ColumnType::real},
                                                          {"double", ColumnType::double_precision},
                                                          {"longtext", ColumnType::text},
                                                          {"longblob", ColumnType::blob}};
  if (type == "varchar(255)") return ColumnType::text;  // a keyed text column
  if (type == "datetime(6)") return ColumnType::timestamp;
  const auto it = types.find(base);
  if (it == types.end()) return std::nullopt;
  return it->second;
}

}  // namespace

migrate::Schema MysqlDialect::reflect(Connection& connection) const {
  migrate::Schema schema;
  std::map<std::string, std::size_t> position;
  auto table = [&](const Value& name) -> ReflectedTable& {
    return schema.tables[position.at(text(name))];
  };
  {
    auto rows = query(connection,
                      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                      "DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME");
    while (rows->next()) {
      position[text(rows->get(0))] = schema.tables.size();
      schema.tables.push_back(ReflectedTable{.name = text(rows->get(0))});
    }
  }
  {
    auto rows = query(connection,
                      "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, "
                      "EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                      "ORDER BY TABLE_NAME, ORDINAL_POSITION");
    while (rows->next()) {
      if (!position.count(text(rows->get(0)))) continue;  // a view's
      ReflectedColumn column;
      column.name = text(rows->get(1));
      column.type = text(rows->get(2));
      column.column_type = column_type_of(column.type);
      column.nullable = text(rows->get(3)) == "YES";
      // MariaDB writes a column without a default as the word NULL (a default that
      // is the text 'NULL' comes quoted); MySQL as no value.
      const Value dflt = rows->get(4);
      if (!dflt.is_null() && text(dflt) != "NULL") column.server_default = text(dflt);
      column.autoincrement = lower(text(rows->get(5))).find("auto_increment") != std::string::npos;
      table(rows->get(0)).columns.push_back(std::move(column));
    }
  }
  {
    auto rows =
        query(connection,
              "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, "
              "k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE "
              "FROM information_schema.KEY_COLUMN_USAGE k "
              "JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = "
              "k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = "
              "k.CONSTRAINT_NAME "
              "WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL "
              "ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION");
    while (rows->next()) {
      ReflectedTable& t = table(rows->get(0));
      const std::string name = text(rows->get(1));
      if (t.foreign_keys.empty() || t.foreign_keys.back().name != name) {
        ReflectedForeignKey fk;
        fk.name = name;
        fk.referred_table = text(rows->get(3));
        fk.on_delete = migrate::referential_action_named(text(rows->get(5)));
        fk.on_update = migrate::referential_action_named(text(rows->get(6)));
        t.foreign_keys.push_back(std::move(fk));
      }
      t.foreign_keys.back().columns.push_back(text(rows->get(2)));
      t.foreign_keys.back().referred_columns.push_back(text(rows->get(4)));
    }
  }
  {
    auto rows = query(connection,
                      "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM "
                      "information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                      "ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX");
    while (rows->next()) {
      if (!position.count(text(rows->get(0)))) continue;
      ReflectedTable& t = table(rows->get(0));
      const std::string name = text(rows->get(1));
      if (name == "PRIMARY") {
        t.primary_key.columns.push_back(text(rows->get(3)));
        continue;
      }
      if (t.indexes.empty() || t.indexes.back().name != name) {
        t.indexes.push_back({name, {}, text(rows->get(2)) == "0"});
      }
      t.indexes.back().columns.push_back(text(rows->get(3)));
    }
  }
  for (ReflectedTable& t : schema.tables) {
    std::erase_if(t.indexes, [&t](const migrate::ReflectedIndex& index) {
      if (index.unique) return false;
      return std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                         [&index](const ReflectedForeignKey& fk) {
                           return fk.columns == index.columns &&
                                  (index.name == fk.name || index.name == fk.columns.front());
                         });
    });
  }
  return schema;
}

}  // namespace relate::mysql

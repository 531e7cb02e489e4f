// PostgreSQL's schema, read back (Dialect::reflect) from pg_catalog: the tables of the
// current schema, each catalog read once for all of them. Values the driver might
// read in a type of its own (booleans, "char") are converted to text or integers in
// the SQL.
#include <map>
#include <relate/engine/engine.hpp>
#include <relate/migrate/reflection.hpp>
#include <string>
#include <vector>

#include "postgres_dialect.hpp"

namespace relate::postgres {

namespace {

using migrate::ReflectedColumn;
using migrate::ReflectedForeignKey;
using migrate::ReflectedTable;

std::string text(const Value& v) { return v.is_null() ? std::string() : v.as_text(); }

std::unique_ptr<Cursor> query(Connection& c, const std::string& sql) {
  return c.execute(sql::CompiledStatement{sql, {}, sql::Returns::rows});
}

// The current schema's ordinary and partitioned tables, as `alias`.oid / relname.
const char* const tables_of_schema =
    " JOIN pg_namespace n ON n.oid = t.relnamespace"
    " WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p')";

// The types Relate's DDL writes on PostgreSQL, as format_type() names them.
std::optional<ColumnType> column_type_of(const std::string& type) {
  static const std::map<std::string, ColumnType> types = {
      {"boolean", ColumnType::boolean},
      {"smallint", ColumnType::small_integer},
      {"integer", ColumnType::integer},
      {"bigint", ColumnType::big_integer},
      {"real", ColumnType::real},
      {"double precision", ColumnType::double_precision},
      {"text", ColumnType::text},
      {"bytea", ColumnType::blob},
      {"timestamp without time zone", ColumnType::timestamp}};
  const auto it = types.find(type);
  if (it == types.end()) return std::nullopt;
  return it->second;
}

ReferentialAction action_of(const std::string& code) {
  if (code == "r") return ReferentialAction::restrict;
  if (code == "c") return ReferentialAction::cascade;
  if (code == "n") return ReferentialAction::set_null;
  if (code == "d") return ReferentialAction::set_default;
  return ReferentialAction::no_action;  // "a"
}

}  // namespace

migrate::Schema PostgresDialect::reflect(Connection& connection) const {
  migrate::Schema schema;
  std::map<std::string, std::size_t> position;
  auto table = [&](const Value& name) -> ReflectedTable& {
    return schema.tables[position.at(text(name))];
  };
  {
    auto rows = query(connection, std::string("SELECT t.relname FROM pg_class t") +
                                      tables_of_schema + " ORDER BY t.relname");
    while (rows->next()) {
      position[text(rows->get(0))] = schema.tables.size();
      schema.tables.push_back(ReflectedTable{.name = text(rows->get(0))});
    }
  }
  {
    auto rows = query(
        connection,
        std::string("SELECT t.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
                    "CASE WHEN a.attnotnull THEN 1 ELSE 0 END, pg_get_expr(d.adbin, d.adrelid), "
                    "CAST(a.attidentity AS TEXT) "
                    "FROM pg_class t JOIN pg_attribute a ON a.attrelid = t.oid "
                    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum") +
            tables_of_schema +
            " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY t.relname, a.attnum");
    while (rows->next()) {
      ReflectedColumn column;
      column.name = text(rows->get(1));
      column.type = text(rows->get(2));
      column.column_type = column_type_of(column.type);
      column.nullable = rows->get(3).as_int() == 0;
      const Value dflt = rows->get(4);
      const std::string identity = text(rows->get(5));
      // SERIAL is a default drawing on the column's own sequence; IDENTITY is the
      // standard's spelling of the same.
      if (!identity.empty()) {
        column.autoincrement = true;
      } else if (!dflt.is_null() && text(dflt).rfind("nextval(", 0) == 0) {
        column.autoincrement = true;
      } else if (!dflt.is_null()) {
        column.server_default = text(dflt);
      }
      table(rows->get(0)).columns.push_back(std::move(column));
    }
  }
  {
    // Primary keys and unique constraints, their columns in key order.
    auto rows = query(
        connection,
        std::string("SELECT t.relname, c.conname, CAST(c.contype AS TEXT), a.attname "
                    "FROM pg_class t JOIN pg_constraint c ON c.conrelid = t.oid "
                    "CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) "
                    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum") +
            tables_of_schema + " AND c.contype IN ('p', 'u') ORDER BY t.relname, c.conname, k.ord");
    std::string current;
    while (rows->next()) {
      ReflectedTable& t = table(rows->get(0));
      const std::string name = text(rows->get(1));
      if (text(rows->get(2)) == "p") {
        t.primary_key.name = name;
        t.primary_key.columns.push_back(text(rows->get(3)));
        continue;
      }
      if (t.unique_constraints.empty() || t.unique_constraints.back().name != name) {
        t.unique_constraints.push_back({name, {}});
      }
      t.unique_constraints.back().columns.push_back(text(rows->get(3)));
    }
  }
  {
    auto rows = query(
        connection,
        std::string("SELECT t.relname, c.conname, a.attname, r.relname, ra.attname, "
                    "CAST(c.confdeltype AS TEXT), CAST(c.confupdtype AS TEXT) "
                    "FROM pg_class t JOIN pg_constraint c ON c.conrelid = t.oid "
                    "CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, "
                    "fattnum, ord) "
                    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
                    "JOIN pg_class r ON r.oid = c.confrelid "
                    "JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.fattnum") +
            tables_of_schema + " AND c.contype = 'f' ORDER BY t.relname, c.conname, k.ord");
    while (rows->next()) {
      ReflectedTable& t = table(rows->get(0));
      const std::string name = text(rows->get(1));
      if (t.foreign_keys.empty() || t.foreign_keys.back().name != name) {
        ReflectedForeignKey fk;
        fk.name = name;
        fk.referred_table = text(rows->get(3));
        fk.on_delete = action_of(text(rows->get(5)));
        fk.on_update = action_of(text(rows->get(6)));
        t.foreign_keys.push_back(std::move(fk));
      }
      t.foreign_keys.back().columns.push_back(text(rows->get(2)));
      t.foreign_keys.back().referred_columns.push_back(text(rows->get(4)));
    }
  }
  {
    // Indexes but those behind a constraint; an expression's place has no column name.
    auto rows = query(
        connection,
        std::string("SELECT t.relname, ic.relname, CASE WHEN i.indisunique THEN 1 ELSE 0 END, "
                    "a.attname "
                    "FROM pg_class t JOIN pg_index i ON i.indrelid = t.oid "
                    "JOIN pg_class ic ON ic.oid = i.indexrelid "
                    "CROSS JOIN LATERAL unnest(CAST(i.indkey AS SMALLINT[])) WITH ORDINALITY AS "
                    "k(attnum, ord) "
                    "LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum") +
            tables_of_schema +
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
            "AND c.contype IN ('p', 'u', 'x')) ORDER BY t.relname, ic.relname, k.ord");
    while (rows->next()) {
      ReflectedTable& t = table(rows->get(0));
      const std::string name = text(rows->get(1));
      if (t.indexes.empty() || t.indexes.back().name != name) {
        t.indexes.push_back({name, {}, rows->get(2).as_int() != 0});
      }
      t.indexes.back().columns.push_back(text(rows->get(3)));
    }
  }
  return schema;
}

}  // namespace relate::postgres

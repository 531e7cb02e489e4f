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

std::string text(const Value& v) { return v.is_null() ? std::string() : v.as_text(); }

std::unique_ptr<Cursor> query(Connection& c, const std::string& sql) {
  return c.execute(sql::CompiledStatement{sql, {}, sql::Returns::rows});
}

// The current schema's ordinary and partitioned tables, as t (with its schema n). A
// partition is left out: it is its partitioned table's, and changes with it.
const char* const tables_of_schema =
    " JOIN pg_namespace n ON n.oid = t.relnamespace"
    " WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') AND NOT t.relispartition";

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

SchemaDef PostgresDialect::reflect(Connection& connection) const {
  // (Outside a transaction a table may come or go between the queries: a row of a
  // table the first one did not find is left out.)
  migrate::SchemaRows schema;
  {
    auto rows = query(connection, std::string("SELECT t.relname FROM pg_class t") +
                                      tables_of_schema + " ORDER BY t.relname");
    while (rows->next()) schema.add_table(text(rows->get(0)));
  }
  {
    auto rows = query(
        connection,
        std::string("SELECT t.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
                    "CASE WHEN a.attnotnull THEN 1 ELSE 0 END, pg_get_expr(d.adbin, d.adrelid), "
                    "CAST(a.attidentity AS TEXT), CAST(a.attgenerated AS TEXT), "
                    "CASE WHEN pg_get_serial_sequence(format('%I.%I', n.nspname, t.relname), "
                    "a.attname) IS NULL THEN 0 ELSE 1 END "
                    "FROM pg_class t JOIN pg_attribute a ON a.attrelid = t.oid "
                    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum") +
            tables_of_schema +
            " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY t.relname, a.attnum");
    while (rows->next()) {
      ColumnDef column;
      column.name = text(rows->get(1));
      column.type = text(rows->get(2));
      column.column_type = column_type_of(column.type);
      column.nullable = rows->get(3).as_int() == 0;
      const Value dflt = rows->get(4);
      const bool identity = !text(rows->get(5)).empty();
      // A generated column's expression is kept where a default is.
      column.generated = !text(rows->get(6)).empty();
      // SERIAL is a default drawing on a sequence the column owns; IDENTITY is the
      // standard's spelling of the same. A nextval() of another sequence is a default.
      const bool serial =
          rows->get(7).as_int() != 0 && !dflt.is_null() && text(dflt).rfind("nextval(", 0) == 0;
      column.autoincrement = identity || serial;
      if (!dflt.is_null() && !serial && !column.generated) column.server_default = text(dflt);
      if (TableDef* t = schema.table(text(rows->get(0)))) t->columns.push_back(std::move(column));
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
    while (rows->next()) {
      TableDef* t = schema.table(text(rows->get(0)));
      if (!t) continue;
      const std::string name = text(rows->get(1));
      if (text(rows->get(2)) == "p") {
        t->primary_key.name = name;
        t->primary_key.columns.push_back(text(rows->get(3)));
      } else {
        migrate::entry_named(t->unique_constraints, name).columns.push_back(text(rows->get(3)));
      }
    }
  }
  {
    auto rows = query(
        connection,
        std::string("SELECT t.relname, c.conname, a.attname, r.relname, ra.attname, "
                    "CAST(c.confdeltype AS TEXT), CAST(c.confupdtype AS TEXT), "
                    "CASE WHEN rn.nspname = current_schema() THEN '' ELSE rn.nspname END "
                    "FROM pg_class t JOIN pg_constraint c ON c.conrelid = t.oid "
                    "CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, "
                    "fattnum, ord) "
                    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
                    "JOIN pg_class r ON r.oid = c.confrelid "
                    "JOIN pg_namespace rn ON rn.oid = r.relnamespace "
                    "JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.fattnum") +
            tables_of_schema +
            // (A foreign key to a partitioned table has clones, one per partition.)
            " AND c.contype = 'f' AND c.conparentid = 0 ORDER BY t.relname, c.conname, k.ord");
    while (rows->next()) {
      schema.add_foreign_key_column({.table = text(rows->get(0)),
                                     .name = text(rows->get(1)),
                                     .column = text(rows->get(2)),
                                     .referred_schema = text(rows->get(7)),
                                     .referred_table = text(rows->get(3)),
                                     .referred_column = text(rows->get(4)),
                                     .on_delete = action_of(text(rows->get(5))),
                                     .on_update = action_of(text(rows->get(6)))});
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
            // (INCLUDE columns follow the key's in indkey: not the index's columns.)
            " AND k.ord <= i.indnkeyatts"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
            "AND c.contype IN ('p', 'u', 'x')) ORDER BY t.relname, ic.relname, k.ord");
    while (rows->next()) {
      TableDef* t = schema.table(text(rows->get(0)));
      if (!t) continue;
      IndexDef& index = migrate::entry_named(t->indexes, text(rows->get(1)));
      index.unique = rows->get(2).as_int() != 0;
      index.columns.push_back(text(rows->get(3)));
    }
  }
  return schema.take();
}

}  // namespace relate::postgres

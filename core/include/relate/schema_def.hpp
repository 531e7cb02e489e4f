// A database schema described by names: the tables, columns, keys, foreign keys,
// unique constraints and indexes of a database. Reflection reads one from a live
// database (relate/migrate/reflection.hpp); sql::describe writes a Table as a backend's
// DDL would create it; migrations create and change tables described so
// (relate/migrate/operations.hpp), and the diff compares a MetaData with one
// (relate/migrate/diff.hpp). Unlike relate::Table, nothing here points at anything: a
// foreign key names the table it refers to, which need not be described.
#pragma once

#include <optional>
#include <relate/column_traits.hpp>
#include <relate/export.hpp>
#include <relate/schema.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace relate {

struct ColumnDef {
  std::string name{};
  // The type as the database spells it ("BIGINT", "character varying(255)",
  // "tinyint(1)"), and Relate's type that the backend's DDL writes that way, if any. A
  // column a migration describes may give only `column_type`: each backend's DDL then
  // writes it its own way. Where `type` is given, DDL writes it as is.
  std::string type{};
  std::optional<ColumnType> column_type{};
  bool nullable = true;
  // The default's SQL as the database keeps it ("'draft'", "0"); none when the column
  // has no default (a generated key's sequence is not a default: see autoincrement).
  std::optional<std::string> server_default{};
  // Whether the database generates its values (SQLite's INTEGER PRIMARY KEY,
  // PostgreSQL's SERIAL or identity, MySQL's AUTO_INCREMENT). DDL makes such a column
  // only as a table's single key column.
  bool autoincrement = false;
  // Whether its values are computed from other columns (GENERATED ALWAYS AS ...); such
  // a column has no default. Reflection reads it; DDL cannot write it (the expression
  // is not read).
  bool generated = false;

  friend bool operator==(const ColumnDef&, const ColumnDef&) = default;
};

// A primary key or a unique constraint; an empty name is one the database chose (or,
// in DDL, leaves the database to choose).
struct KeyDef {
  std::string name{};
  std::vector<std::string> columns{};

  friend bool operator==(const KeyDef&, const KeyDef&) = default;
};

struct IndexDef {
  std::string name{};
  std::vector<std::string> columns{};
  bool unique = false;

  friend bool operator==(const IndexDef&, const IndexDef&) = default;
};

struct ForeignKeyDef {
  std::string name{};
  std::vector<std::string> columns{};
  std::string referred_table{};
  // The schema (PostgreSQL) or database (MySQL) of the referred table when it is not
  // the one inspected; empty when it is.
  std::string referred_schema{};
  std::vector<std::string> referred_columns{};
  // Unset: left out of the DDL, the database's default (NO ACTION). Reflection sets
  // both, as the database reports them.
  std::optional<ReferentialAction> on_delete{};
  std::optional<ReferentialAction> on_update{};

  friend bool operator==(const ForeignKeyDef&, const ForeignKeyDef&) = default;
};

struct RELATE_API TableDef {
  std::string name{};
  std::vector<ColumnDef> columns{};  // in the table's order
  KeyDef primary_key{};              // no columns: the table has none
  std::vector<ForeignKeyDef> foreign_keys{};
  // Unique constraints, and indexes other than those behind the primary key or a
  // unique constraint. Where the database does not tell a unique constraint from a
  // unique index (MySQL and MariaDB keep both as a UNIQUE KEY), reflection gives each
  // as an index with `unique` set: Dialect::unique_constraints_are_indexes().
  std::vector<KeyDef> unique_constraints{};
  std::vector<IndexDef> indexes{};

  const ColumnDef* find_column(std::string_view name) const;
  ColumnDef* find_column(std::string_view name);

  friend bool operator==(const TableDef&, const TableDef&) = default;
};

struct RELATE_API SchemaDef {
  std::vector<TableDef> tables{};

  const TableDef* find_table(std::string_view name) const;
  TableDef* find_table(std::string_view name);

  friend bool operator==(const SchemaDef&, const SchemaDef&) = default;
};

}  // namespace relate

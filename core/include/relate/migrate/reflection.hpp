// Reflection: the schema a live database holds, read from its catalog (SQLAlchemy's
// inspect(engine)). It is what migrations compare the MetaData with; an application
// can also call it to look at a database it did not create.
//
//   relate::migrate::Schema live = relate::migrate::inspect(engine);
//   if (const auto* users = live.find_table("users")) ...
//
// Each backend reads its own catalog: SQLite's PRAGMAs for the main database's ordinary
// tables (not TEMP, virtual or shadow tables), PostgreSQL's pg_catalog for the current
// schema's tables (a partition is its table's, and left out), MySQL's
// information_schema for the current database. Names are as the database keeps them;
// the order of a key's or an index's columns is theirs in the key. What the catalog
// cannot tell is left empty (an unnamed constraint has an empty name), never made up.
// Not read: CHECK and exclusion constraints, a partial index's WHERE, an index's
// ASC/DESC and prefix lengths (an expression's place in an index has an empty name).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/export.hpp>
#include <relate/schema.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate {
class Connection;
class Engine;
}  // namespace relate

namespace relate::migrate {

struct ReflectedColumn {
  std::string name{};
  // The type as the database reports it ("BIGINT", "character varying(255)",
  // "tinyint(1)"), and Relate's type that the backend's DDL writes that way, if any.
  std::string type{};
  std::optional<ColumnType> column_type{};
  bool nullable = true;
  // The default's SQL as the database keeps it ("'draft'", "0"); none when the column
  // has no default (a generated key's sequence is not a default: see autoincrement).
  std::optional<std::string> server_default{};
  // Whether the database generates its values (SQLite's INTEGER PRIMARY KEY,
  // PostgreSQL's SERIAL or identity, MySQL's AUTO_INCREMENT).
  bool autoincrement = false;
  // Whether its values are computed from other columns (GENERATED ALWAYS AS ...); such
  // a column has no default.
  bool generated = false;

  friend bool operator==(const ReflectedColumn&, const ReflectedColumn&) = default;
};

// A primary key, a unique constraint or an index.
struct ReflectedKey {
  std::string name{};
  std::vector<std::string> columns{};

  friend bool operator==(const ReflectedKey&, const ReflectedKey&) = default;
};

struct ReflectedIndex {
  std::string name{};
  std::vector<std::string> columns{};
  bool unique = false;

  friend bool operator==(const ReflectedIndex&, const ReflectedIndex&) = default;
};

struct ReflectedForeignKey {
  std::string name{};
  std::vector<std::string> columns{};
  std::string referred_table{};
  // The schema (PostgreSQL) or database (MySQL) of the referred table when it is not
  // the one inspected; empty when it is.
  std::string referred_schema{};
  std::vector<std::string> referred_columns{};
  ReferentialAction on_delete = ReferentialAction::no_action;
  ReferentialAction on_update = ReferentialAction::no_action;

  friend bool operator==(const ReflectedForeignKey&, const ReflectedForeignKey&) = default;
};

struct RELATE_API ReflectedTable {
  std::string name{};
  std::vector<ReflectedColumn> columns{};  // in the table's order
  ReflectedKey primary_key{};              // no columns: the table has none
  std::vector<ReflectedForeignKey> foreign_keys{};
  // Unique constraints, and indexes other than those behind the primary key or a
  // unique constraint. Where the database does not tell a unique constraint from a
  // unique index (MySQL and MariaDB keep both as a UNIQUE KEY), each is an index with
  // `unique` set: Dialect::unique_constraints_are_indexes().
  std::vector<ReflectedKey> unique_constraints{};
  std::vector<ReflectedIndex> indexes{};

  const ReflectedColumn* find_column(std::string_view name) const;
};

struct RELATE_API Schema {
  std::vector<ReflectedTable> tables{};  // by name

  const ReflectedTable* find_table(std::string_view name) const;
};

// For backends reading a catalog, whose views give rows of every table at once, in
// order: the Schema filled table by table, and the key, constraint or index a row
// belongs to (the last one of `entries` when it has that name, else a new one).
class RELATE_API SchemaRows {
 public:
  void add_table(std::string name);
  // The table added under `name`; null for any other (a row of a view, say).
  ReflectedTable* table(const std::string& name);
  // One column pair of a foreign key of `table` (rows of a key in key order); a row of
  // a table not added is left out.
  struct ForeignKeyColumn {
    std::string table;
    std::string name;
    std::string column;
    std::string referred_schema;  // empty: the inspected one
    std::string referred_table;
    std::string referred_column;
    ReferentialAction on_delete = ReferentialAction::no_action;
    ReferentialAction on_update = ReferentialAction::no_action;
  };
  void add_foreign_key_column(ForeignKeyColumn row);
  Schema take() { return std::move(schema_); }

 private:
  Schema schema_;
  std::map<std::string, std::size_t, std::less<>> position_;
};

template <class Entry>
Entry& entry_named(std::vector<Entry>& entries, const std::string& name) {
  if (entries.empty() || entries.back().name != name) {
    entries.emplace_back();
    entries.back().name = name;
  }
  return entries.back();
}

// For backends reading a catalog: the action an ON DELETE / ON UPDATE clause names
// ("CASCADE", "SET NULL", "NO ACTION", ...; any case, spaces or underscores between
// the words). Anything else is a relate::DataError.
RELATE_API ReferentialAction referential_action_named(std::string_view sql);

// Every table of the database the engine connects to (the current schema on
// PostgreSQL, the current database on MySQL; SQLite's own tables left out), on a
// connection of its own.
RELATE_API Schema inspect(const Engine& engine);
// The same on `connection`, inside the transaction it may be in: a migration sees the
// tables it has changed and not yet committed.
RELATE_API Schema inspect(Connection& connection);

}  // namespace relate::migrate

// Reflection: the schema a live database holds, read from its catalog (SQLAlchemy's
// inspect(engine)). It is what migrations compare the MetaData with; an application
// can also call it to look at a database it did not create.
//
//   relate::SchemaDef live = relate::migrate::inspect(engine);
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
#include <relate/schema_def.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relate {
class Connection;
class Engine;
}  // namespace relate

namespace relate::migrate {

// For backends reading a catalog, whose views give rows of every table at once, in
// order: the Schema filled table by table, and the key, constraint or index a row
// belongs to (the last one of `entries` when it has that name, else a new one).
class RELATE_API SchemaRows {
 public:
  void add_table(std::string name);
  // The table added under `name`; null for any other (a row of a view, say).
  TableDef* table(const std::string& name);
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
  SchemaDef take() { return std::move(schema_); }

 private:
  SchemaDef schema_;
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
RELATE_API SchemaDef inspect(const Engine& engine);
// The same on `connection`, inside the transaction it may be in: a migration sees the
// tables it has changed and not yet committed.
RELATE_API SchemaDef inspect(Connection& connection);

}  // namespace relate::migrate

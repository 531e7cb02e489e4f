// Migrations as code: each one a C++ unit with an id, its parent's id, and an upgrade
// and a downgrade written with portable operations, which run on every backend.
//
//   relate::migrate::Migration add_subtitle() {
//     return {.id = "a1b2c3d4e5f6",
//             .parent = "0f9e8d7c6b5a",
//             .message = "posts have a subtitle",
//             .upgrade = [](relate::migrate::Operations& op) {
//               op.add_column("posts", {.name = "subtitle", .column_type =
//               relate::ColumnType::text});
//             },
//             .downgrade = [](relate::migrate::Operations& op) {
//               op.drop_column("posts", "subtitle");
//             }};
//   }
//
// `revision --autogenerate` (relate/migrate/command.hpp) writes such a function from the
// diff of the models and the database; the user reviews it and adds it to the build.
#pragma once

#include <functional>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/export.hpp>
#include <relate/migrate/operations.hpp>
#include <relate/schema_def.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace relate {
class Connection;
class Dialect;
}  // namespace relate

namespace relate::migrate {

// What alter_column changes; what it leaves unset stays as it is.
struct ColumnChanges {
  std::optional<ColumnType> type{};
  std::optional<bool> nullable{};
  std::optional<std::string> server_default{};  // SQL: "'draft'", "0"
  bool drop_default = false;
};

// What a migration's upgrade and downgrade are given (Alembic's `op`). Each call runs
// at once: on the database, or, offline, into the SQL printed for it. Each knows the
// schema as the calls before it left it (schema()), so that what it leaves out (a
// dropped column's definition, the other columns of a table SQLite rebuilds) comes
// from there; a call on a table or column that is not there is a relate::ArgumentError.
class RELATE_API Operations {
 public:
  virtual ~Operations();
  Operations(const Operations&) = delete;
  Operations& operator=(const Operations&) = delete;

  void create_table(TableDef table);
  void drop_table(const std::string& table);
  void rename_table(std::string from, std::string to);
  void add_column(std::string table, ColumnDef column);
  void drop_column(const std::string& table, const std::string& column);
  void alter_column(const std::string& table, const std::string& column,
                    const ColumnChanges& changes);
  void rename_column(std::string table, std::string from, std::string to);
  void create_index(std::string table, IndexDef index);
  void drop_index(const std::string& table, const std::string& name);
  void add_unique(std::string table, KeyDef constraint);
  // By name, or, for a constraint the database named, by its columns.
  void drop_unique(const std::string& table, const std::string& name,
                   std::vector<std::string> columns = {});
  void add_foreign_key(std::string table, ForeignKeyDef foreign_key);
  void drop_foreign_key(const std::string& table, const std::string& name,
                        std::vector<std::string> columns = {});
  // SQL of the user's, run as written (a data migration). Offline, it is printed.
  void execute(std::string sql);
  // Any operation, as the diff and autogenerate give them.
  void run(const Operation& operation);

  // The schema as the operations so far leave it.
  const SchemaDef& schema() const { return schema_; }
  const Dialect& dialect() const { return dialect_; }
  // The connection the migration runs on, inside its transaction, for a data migration
  // written in C++. Offline there is none: relate::InvalidRequestError.
  virtual Connection& connection() = 0;

 protected:
  Operations(const Dialect& dialect, SchemaDef schema);
  // Called as each operation begins, before its SQL is written.
  virtual void starting(const Operation& /*operation*/) {}
  // Carries out `operation`, whose SQL is `sql`; schema() is as it was before it.
  virtual void perform(const Operation& operation, const std::vector<std::string>& sql) = 0;
  // Reads the schema again (after SQL of the user's), where it can.
  virtual void refresh_schema() {}
  void set_schema(SchemaDef schema) { schema_ = std::move(schema); }

 private:
  const Dialect& dialect_;
  SchemaDef schema_;
};

struct Migration {
  std::string id{};
  std::string parent{};  // empty: the first migration
  std::string message{};
  std::function<void(Operations&)> upgrade{};
  std::function<void(Operations&)> downgrade{};
};

// The migrations of an application: one line of them, each the parent of the next.
// Branches (two migrations with one parent) are refused, as are a missing parent, two
// first ones, a repeated id and an id that is not 1 to 64 letters, digits or '_':
// relate::ArgumentError naming the migration.
class RELATE_API Migrations {
 public:
  Migrations() = default;
  explicit Migrations(std::vector<Migration> migrations);

  // First to last.
  const std::vector<Migration>& in_order() const { return list_; }
  const Migration* find(std::string_view id) const;
  // The last one's id; empty when there is none.
  std::string head() const;
  // Where `id` is in the line: 0 for none (the empty schema, "base"), 1 for the first.
  // An id not in the line is a relate::ArgumentError.
  std::size_t position(std::string_view id) const;

 private:
  std::vector<Migration> list_;
};

}  // namespace relate::migrate

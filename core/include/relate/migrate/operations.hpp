// The portable operations a migration is made of, as data: what the diff finds between
// a MetaData and a database, what autogenerate writes as source, and what a migration
// runs on any backend (each backend's DDL for it, SQLite's table rebuild where its
// ALTER TABLE cannot). Each operation that changes the schema carries what it needs to
// be reversed: a dropped column's definition, an altered column's before and after.
#pragma once

#include <relate/export.hpp>
#include <relate/schema_def.hpp>
#include <string>
#include <variant>
#include <vector>

namespace relate::migrate {

struct CreateTable {
  TableDef table{};
};
struct DropTable {
  TableDef table{};  // as it was: only its name is needed to drop it
};
struct RenameTable {
  std::string from{};
  std::string to{};
};
struct AddColumn {
  std::string table{};
  ColumnDef column{};
};
struct DropColumn {
  std::string table{};
  ColumnDef column{};  // as it was
};
// A column's type, nullability or default changed; `from` and `to` have the same name.
struct AlterColumn {
  std::string table{};
  ColumnDef from{};
  ColumnDef to{};
};
struct RenameColumn {
  std::string table{};
  std::string from{};
  std::string to{};
};
struct CreateIndex {
  std::string table{};
  IndexDef index{};
};
struct DropIndex {
  std::string table{};
  IndexDef index{};
};
struct AddUnique {
  std::string table{};
  KeyDef constraint{};
};
struct DropUnique {
  std::string table{};
  KeyDef constraint{};
};
struct AddForeignKey {
  std::string table{};
  ForeignKeyDef foreign_key{};
};
struct DropForeignKey {
  std::string table{};
  ForeignKeyDef foreign_key{};
};
// SQL of the user's, run as written (a data migration). It cannot be reversed, and
// nothing reads what it does to the schema.
struct Execute {
  std::string sql{};
};

using Operation = std::variant<CreateTable, DropTable, RenameTable, AddColumn, DropColumn,
                               AlterColumn, RenameColumn, CreateIndex, DropIndex, AddUnique,
                               DropUnique, AddForeignKey, DropForeignKey, Execute>;

// The operation that undoes `operation`: DropTable for CreateTable, AddColumn with the
// dropped definition for DropColumn, ... An Execute has none: relate::ArgumentError.
RELATE_API Operation reverse(const Operation& operation);
// The operations that undo `operations`, last first.
RELATE_API std::vector<Operation> reverse(const std::vector<Operation>& operations);

// One line saying what it does: "add column posts.subtitle", "create index ix_posts_title
// on posts (title)".
RELATE_API std::string summary(const Operation& operation);

// `schema` as `operation` leaves it: what a migration run offline knows of the tables it
// changes (an Execute changes nothing it can know). An operation on a table or column
// `schema` lacks, or one adding what it has, is a relate::ArgumentError naming it.
RELATE_API void apply(SchemaDef& schema, const Operation& operation);

}  // namespace relate::migrate

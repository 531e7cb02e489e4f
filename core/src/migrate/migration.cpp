#include <algorithm>
#include <map>
#include <relate/errors.hpp>
#include <relate/migrate/migration.hpp>

#include "operation_sql.hpp"
#include "schema_lookup.hpp"

namespace relate::migrate {

namespace {

// The entry of `entries` by name, or by columns where no name is given.
template <class Entry>
Entry entry_in(const std::vector<Entry>& entries, const std::string& name,
               const std::vector<std::string>& columns, const std::string& what,
               const std::string& table) {
  for (const auto& e : entries) {
    if (name.empty() ? e.columns == columns : e.name == name) return e;
  }
  if (name.empty() && columns.empty()) refuse(what + " of table " + table + ": give its name");
  refuse("table " + table + " has no " + what + " " + (name.empty() ? "on those columns" : name));
}

bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

Operations::Operations(const Dialect& dialect, SchemaDef schema)
    : dialect_(dialect), schema_(std::move(schema)) {}

Operations::~Operations() = default;

void Operations::run(const Operation& operation) {
  starting(operation);
  const std::vector<std::string> sql = operation_sql(operation, schema_, dialect_);
  perform(operation, sql);
  if (std::holds_alternative<Execute>(operation)) {
    refresh_schema();
  } else {
    apply(schema_, operation);
  }
}

void Operations::create_table(TableDef table) { run(CreateTable{std::move(table)}); }

void Operations::drop_table(const std::string& table) { run(DropTable{table_in(schema_, table)}); }

void Operations::rename_table(std::string from, std::string to) {
  run(RenameTable{std::move(from), std::move(to)});
}

void Operations::add_column(std::string table, ColumnDef column) {
  run(AddColumn{std::move(table), std::move(column)});
}

void Operations::drop_column(const std::string& table, const std::string& column) {
  run(DropColumn{table, column_in(table_in(schema_, table), column)});
}

void Operations::alter_column(const std::string& table, const std::string& column,
                              const ColumnChanges& changes) {
  const ColumnDef& from = column_in(table_in(schema_, table), column);
  ColumnDef to = from;
  if (changes.type) {
    to.column_type = changes.type;
    to.type.clear();
  }
  if (changes.nullable) to.nullable = *changes.nullable;
  if (changes.server_default) to.server_default = changes.server_default;
  if (changes.drop_default) to.server_default.reset();
  run(AlterColumn{table, from, std::move(to)});
}

void Operations::rename_column(std::string table, std::string from, std::string to) {
  run(RenameColumn{std::move(table), std::move(from), std::move(to)});
}

void Operations::create_index(std::string table, IndexDef index) {
  run(CreateIndex{std::move(table), std::move(index)});
}

void Operations::drop_index(const std::string& table, const std::string& name) {
  run(DropIndex{table, entry_in(table_in(schema_, table).indexes, name, {}, "index", table)});
}

void Operations::add_unique(std::string table, KeyDef constraint) {
  run(AddUnique{std::move(table), std::move(constraint)});
}

void Operations::drop_unique(const std::string& table, const std::string& name,
                             std::vector<std::string> columns) {
  const TableDef& t = table_in(schema_, table);
  // Where the database keeps a unique constraint as a unique index (MySQL), reflection
  // gives it as one.
  for (const auto& ix : t.indexes) {
    if (ix.unique && (name.empty() ? ix.columns == columns : ix.name == name)) {
      const bool also_a_constraint = std::any_of(
          t.unique_constraints.begin(), t.unique_constraints.end(),
          [&](const KeyDef& u) { return name.empty() ? u.columns == columns : u.name == name; });
      if (!also_a_constraint) {
        run(DropUnique{table, KeyDef{ix.name, ix.columns}});
        return;
      }
    }
  }
  run(DropUnique{table, entry_in(t.unique_constraints, name, columns, "unique constraint", table)});
}

void Operations::add_foreign_key(std::string table, ForeignKeyDef foreign_key) {
  run(AddForeignKey{std::move(table), std::move(foreign_key)});
}

void Operations::drop_foreign_key(const std::string& table, const std::string& name,
                                  std::vector<std::string> columns) {
  run(DropForeignKey{
      table, entry_in(table_in(schema_, table).foreign_keys, name, columns, "foreign key", table)});
}

void Operations::execute(std::string sql) { run(Execute{std::move(sql)}); }

Migrations::Migrations(std::vector<Migration> migrations) {
  std::map<std::string, const Migration*, std::less<>> by_id;
  std::map<std::string, const Migration*, std::less<>> child_of;
  const Migration* first = nullptr;
  for (const auto& m : migrations) {
    const std::string what = "migration '" + m.id + "'";
    if (!valid_id(m.id)) refuse(what + ": an id is 1 to 64 letters, digits or '_'");
    if (!m.upgrade || !m.downgrade) refuse(what + " has no upgrade or no downgrade");
    if (!by_id.emplace(m.id, &m).second) refuse(what + " is there twice");
    if (m.parent.empty()) {
      if (first) refuse(what + " and migration '" + first->id + "' both come first (no parent)");
      first = &m;
    } else if (const auto [it, fresh] = child_of.emplace(m.parent, &m); !fresh) {
      refuse(what + " and migration '" + it->second->id + "' have one parent, '" + m.parent +
             "': migrations make one line, without branches");
    }
  }
  for (const auto& m : migrations) {
    if (!m.parent.empty() && !by_id.count(m.parent)) {
      refuse("migration '" + m.id + "' has a parent, '" + m.parent + "', that is not there");
    }
  }
  if (!migrations.empty() && !first) refuse("no migration comes first (each has a parent)");
  for (const Migration* m = first; m;) {
    list_.push_back(*m);
    const auto next = child_of.find(m->id);
    m = next == child_of.end() ? nullptr : next->second;
  }
  if (list_.size() != migrations.size()) refuse("the migrations' parents make a circle");
}

const Migration* Migrations::find(std::string_view id) const {
  const auto it =
      std::find_if(list_.begin(), list_.end(), [&](const Migration& m) { return m.id == id; });
  return it == list_.end() ? nullptr : &*it;
}

std::string Migrations::head() const { return list_.empty() ? std::string() : list_.back().id; }

std::size_t Migrations::position(std::string_view id) const {
  if (id.empty()) return 0;
  const Migration* m = find(id);
  if (!m) refuse("no migration '" + std::string(id) + "'");
  return static_cast<std::size_t>(m - list_.data()) + 1;
}

}  // namespace relate::migrate

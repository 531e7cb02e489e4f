#include <algorithm>
#include <relate/errors.hpp>
#include <relate/migrate/operations.hpp>

#include "schema_lookup.hpp"

namespace relate::migrate {

namespace {

std::string names(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c;
  return "(" + out + ")";
}

std::string named(const std::string& what, const std::string& name) {
  return name.empty() ? what : what + " " + name;
}

}  // namespace

Operation reverse(const Operation& operation) {
  return std::visit(overloaded{
                        [](const CreateTable& op) -> Operation { return DropTable{op.table}; },
                        [](const DropTable& op) -> Operation { return CreateTable{op.table}; },
                        [](const RenameTable& op) -> Operation {
                          return RenameTable{op.to, op.from};
                        },
                        [](const AddColumn& op) -> Operation {
                          return DropColumn{op.table, op.column};
                        },
                        [](const DropColumn& op) -> Operation {
                          return AddColumn{op.table, op.column};
                        },
                        [](const AlterColumn& op) -> Operation {
                          return AlterColumn{op.table, op.to, op.from};
                        },
                        [](const RenameColumn& op) -> Operation {
                          return RenameColumn{op.table, op.to, op.from};
                        },
                        [](const CreateIndex& op) -> Operation {
                          return DropIndex{op.table, op.index};
                        },
                        [](const DropIndex& op) -> Operation {
                          return CreateIndex{op.table, op.index};
                        },
                        [](const AddUnique& op) -> Operation {
                          return DropUnique{op.table, op.constraint};
                        },
                        [](const DropUnique& op) -> Operation {
                          return AddUnique{op.table, op.constraint};
                        },
                        [](const AddForeignKey& op) -> Operation {
                          return DropForeignKey{op.table, op.foreign_key};
                        },
                        [](const DropForeignKey& op) -> Operation {
                          return AddForeignKey{op.table, op.foreign_key};
                        },
                        [](const Execute& op) -> Operation {
                          throw ArgumentError("SQL run as written cannot be reversed: " + op.sql);
                        },
                    },
                    operation);
}

std::vector<Operation> reverse(const std::vector<Operation>& operations) {
  std::vector<Operation> out;
  out.reserve(operations.size());
  for (auto it = operations.rbegin(); it != operations.rend(); ++it) out.push_back(reverse(*it));
  return out;
}

std::string summary(const Operation& operation) {
  return std::visit(
      overloaded{
          [](const CreateTable& op) { return "create table " + op.table.name; },
          [](const DropTable& op) { return "drop table " + op.table.name; },
          [](const RenameTable& op) { return "rename table " + op.from + " to " + op.to; },
          [](const AddColumn& op) { return "add column " + op.table + "." + op.column.name; },
          [](const DropColumn& op) { return "drop column " + op.table + "." + op.column.name; },
          [](const AlterColumn& op) {
            std::string what;
            if (op.from.column_type != op.to.column_type || op.from.type != op.to.type) {
              what += " type";
            }
            if (op.from.nullable != op.to.nullable) {
              what += op.to.nullable ? " nullable" : " not null";
            }
            if (op.from.server_default != op.to.server_default) what += " default";
            return "alter column " + op.table + "." + op.to.name + what;
          },
          [](const RenameColumn& op) {
            return "rename column " + op.table + "." + op.from + " to " + op.to;
          },
          [](const CreateIndex& op) {
            return std::string(op.index.unique ? "create unique index " : "create index ") +
                   op.index.name + " on " + op.table + " " + names(op.index.columns);
          },
          [](const DropIndex& op) { return "drop index " + op.index.name + " on " + op.table; },
          [](const AddUnique& op) {
            return "add " + named("unique constraint", op.constraint.name) + " on " + op.table +
                   " " + names(op.constraint.columns);
          },
          [](const DropUnique& op) {
            return "drop " + named("unique constraint", op.constraint.name) + " on " + op.table +
                   " " + names(op.constraint.columns);
          },
          [](const AddForeignKey& op) {
            return "add " + named("foreign key", op.foreign_key.name) + " on " + op.table + " " +
                   names(op.foreign_key.columns) + " to " + op.foreign_key.referred_table;
          },
          [](const DropForeignKey& op) {
            return "drop " + named("foreign key", op.foreign_key.name) + " on " + op.table + " " +
                   names(op.foreign_key.columns) + " to " + op.foreign_key.referred_table;
          },
          [](const Execute& op) { return "execute " + op.sql; },
      },
      operation);
}

namespace {

// Whether `e` is the entry `entry` stands for: by name, or by columns where either has
// none (a description may leave out the name the database gave it).
template <class Entry>
bool same_entry(const Entry& e, const Entry& entry) {
  if (!e.name.empty() && !entry.name.empty()) return e.name == entry.name;
  return e.columns == entry.columns;
}

// Removes the entry of `entries` `entry` stands for; false if there is none.
template <class Entry>
bool remove_entry(std::vector<Entry>& entries, const Entry& entry) {
  const auto it = std::find_if(entries.begin(), entries.end(),
                               [&](const Entry& e) { return same_entry(e, entry); });
  if (it == entries.end()) return false;
  entries.erase(it);
  return true;
}

template <class Entry>
[[noreturn]] void missing(const Entry& entry, const std::string& what, const std::string& table) {
  refuse("table " + table + " has no " + named(what, entry.name) + " " + names(entry.columns));
}

void rename_in(std::vector<std::string>& columns, const std::string& from, const std::string& to) {
  std::replace(columns.begin(), columns.end(), from, to);
}

}  // namespace

void apply(SchemaDef& schema, const Operation& operation) {
  std::visit(
      overloaded{
          [&](const CreateTable& op) {
            if (schema.find_table(op.table.name)) refuse("table " + op.table.name + " exists");
            schema.tables.push_back(op.table);
          },
          [&](const DropTable& op) {
            table_in(schema, op.table.name);
            std::erase_if(schema.tables,
                          [&](const TableDef& t) { return t.name == op.table.name; });
          },
          [&](const RenameTable& op) {
            if (schema.find_table(op.to)) refuse("table " + op.to + " exists");
            table_in(schema, op.from).name = op.to;
            for (auto& t : schema.tables) {
              for (auto& fk : t.foreign_keys) {
                if (fk.referred_table == op.from) fk.referred_table = op.to;
              }
            }
          },
          [&](const AddColumn& op) {
            TableDef& t = table_in(schema, op.table);
            if (t.find_column(op.column.name)) {
              refuse("table " + op.table + " has a column " + op.column.name);
            }
            t.columns.push_back(op.column);
          },
          [&](const DropColumn& op) {
            TableDef& t = table_in(schema, op.table);
            column_in(t, op.column.name);
            std::erase_if(t.columns, [&](const ColumnDef& c) { return c.name == op.column.name; });
            // What the database drops with the column.
            const auto uses = [&](const std::vector<std::string>& cols) {
              return std::find(cols.begin(), cols.end(), op.column.name) != cols.end();
            };
            std::erase_if(t.indexes, [&](const IndexDef& ix) { return uses(ix.columns); });
            std::erase_if(t.unique_constraints, [&](const KeyDef& u) { return uses(u.columns); });
            std::erase_if(t.foreign_keys,
                          [&](const ForeignKeyDef& fk) { return uses(fk.columns); });
          },
          [&](const AlterColumn& op) {
            ColumnDef& c = column_in(table_in(schema, op.table), op.from.name);
            const bool autoincrement = c.autoincrement;
            c = op.to;
            c.autoincrement = autoincrement;
          },
          [&](const RenameColumn& op) {
            TableDef& t = table_in(schema, op.table);
            if (t.find_column(op.to)) refuse("table " + op.table + " has a column " + op.to);
            column_in(t, op.from).name = op.to;
            rename_in(t.primary_key.columns, op.from, op.to);
            for (auto& ix : t.indexes) rename_in(ix.columns, op.from, op.to);
            for (auto& u : t.unique_constraints) rename_in(u.columns, op.from, op.to);
            for (auto& fk : t.foreign_keys) rename_in(fk.columns, op.from, op.to);
            for (auto& other : schema.tables) {
              for (auto& fk : other.foreign_keys) {
                if (fk.referred_table == op.table) rename_in(fk.referred_columns, op.from, op.to);
              }
            }
          },
          [&](const CreateIndex& op) { table_in(schema, op.table).indexes.push_back(op.index); },
          [&](const DropIndex& op) {
            TableDef& t = table_in(schema, op.table);
            if (remove_entry(t.indexes, op.index)) return;
            // Where a unique constraint is a unique index (MySQL), dropping the index
            // drops the constraint a description may hold it as.
            if (op.index.unique &&
                remove_entry(t.unique_constraints, KeyDef{op.index.name, op.index.columns})) {
              return;
            }
            missing(op.index, "index", op.table);
          },
          [&](const AddUnique& op) {
            table_in(schema, op.table).unique_constraints.push_back(op.constraint);
          },
          [&](const DropUnique& op) {
            TableDef& t = table_in(schema, op.table);
            if (remove_entry(t.unique_constraints, op.constraint)) return;
            if (remove_entry(t.indexes,
                             IndexDef{op.constraint.name, op.constraint.columns, true})) {
              return;
            }
            missing(op.constraint, "unique constraint", op.table);
          },
          [&](const AddForeignKey& op) {
            table_in(schema, op.table).foreign_keys.push_back(op.foreign_key);
          },
          [&](const DropForeignKey& op) {
            TableDef& t = table_in(schema, op.table);
            if (!remove_entry(t.foreign_keys, op.foreign_key)) {
              missing(op.foreign_key, "foreign key", op.table);
            }
          },
          [](const Execute&) {},
      },
      operation);
}

}  // namespace relate::migrate

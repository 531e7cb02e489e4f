#include "operation_sql.hpp"

#include <algorithm>
#include <cctype>
#include <relate/engine/dialect.hpp>
#include <relate/errors.hpp>

#include "../sql/ddl.hpp"
#include "schema_lookup.hpp"

namespace relate::migrate {

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string alter_table(const std::string& table, const Dialect& d) {
  return "ALTER TABLE " + d.quote_identifier(table) + " ";
}

// The type `column` of `table` has in the database: as the schema spells it, else as
// the dialect writes its ColumnType there.
std::string type_now(const TableDef& table, const ColumnDef& column, const Dialect& d) {
  if (!column.type.empty() || !column.column_type) return column.type;
  return d.column_type(*column.column_type, sql::keyed_columns(table).count(column.name) > 0);
}

}  // namespace

std::string changed_table(const Operation& operation) {
  return std::visit(overloaded{
                        [](const CreateTable&) { return std::string(); },
                        [](const DropTable& op) { return op.table.name; },
                        [](const RenameTable& op) { return op.from; },
                        [](const Execute&) { return std::string(); },
                        [](const auto& op) { return op.table; },
                    },
                    operation);
}

namespace {

// The columns an operation puts in a key, an index or a foreign key of its table.
std::vector<std::string> keying_columns(const Operation& operation) {
  if (const auto* op = std::get_if<CreateIndex>(&operation)) return op->index.columns;
  if (const auto* op = std::get_if<AddUnique>(&operation)) return op->constraint.columns;
  if (const auto* op = std::get_if<AddForeignKey>(&operation)) return op->foreign_key.columns;
  return {};
}

// The name of the entry of `entries` that `entry` stands for: its own, else that of
// the one with its columns.
template <class Entry>
std::string name_of(const Entry& entry, const std::vector<Entry>& entries, const std::string& what,
                    const std::string& table) {
  if (!entry.name.empty()) return entry.name;
  for (const auto& e : entries) {
    if (e.columns == entry.columns && !e.name.empty()) return e.name;
  }
  refuse(what + " of table " + table + " has no name to drop it by");
}

std::vector<std::string> rebuild(const Operation& operation, const SchemaDef& before,
                                 const Dialect& d) {
  const std::string name = changed_table(operation);
  const TableDef& old = table_in(before, name);
  SchemaDef after_schema = before;
  apply(after_schema, operation);
  const TableDef& after = table_in(after_schema, name);
  for (const auto& c : old.columns) {
    if (c.generated) {
      refuse("table " + name + " has a generated column, " + c.name +
             ", which the rebuild of the table for \"" + summary(operation) +
             "\" cannot make again (its expression is not read)");
    }
  }
  const std::string temporary = d.fit_identifier("_relate_rebuild_" + name);
  if (before.find_table(temporary)) refuse("table " + temporary + " exists already");

  TableDef created = after;
  created.name = temporary;
  created.indexes.clear();
  std::vector<std::string> shared;
  for (const auto& c : after.columns) {
    if (old.find_column(c.name)) shared.push_back(c.name);
  }
  std::vector<std::string> out{sql::create_table_statement(created, d)};
  if (!shared.empty()) {
    const std::string columns = sql::column_list(shared, d);
    out.push_back("INSERT INTO " + d.quote_identifier(temporary) + " (" + columns + ") SELECT " +
                  columns + " FROM " + d.quote_identifier(name));
  }
  out.push_back("DROP TABLE " + d.quote_identifier(name));
  out.push_back(alter_table(temporary, d) + "RENAME TO " + d.quote_identifier(name));
  for (const auto& ix : after.indexes) out.push_back(sql::create_index_statement(name, ix, d));
  return out;
}

// Where an index or a key is to take a column whose type the dialect writes otherwise
// for a keyed column (MySQL's LONGTEXT, VARCHAR(255) once keyed), the column changed
// to that type first.
void widen_keyed_columns(const Operation& operation, const SchemaDef& before, const Dialect& d,
                         std::vector<std::string>& out) {
  const auto columns = keying_columns(operation);
  if (columns.empty()) return;
  const TableDef& table = table_in(before, changed_table(operation));
  for (const auto& name : columns) {
    const ColumnDef& c = column_in(table, name);
    if (!c.column_type) continue;
    const std::string keyed = d.column_type(*c.column_type, true);
    const std::string now = upper(type_now(table, c, d));
    if (now == upper(keyed) || now != upper(d.column_type(*c.column_type, false))) continue;
    ColumnDef to = c;
    to.type = keyed;
    const std::string definition = sql::column_definition(table.name, to, true, d);
    for (auto& s : d.alter_column(table.name, c, to, keyed, definition))
      out.push_back(std::move(s));
  }
}

}  // namespace

bool rebuilds_table(const Operation& operation, const SchemaDef& before, const Dialect& d) {
  if (!d.limited_alter_table()) return false;
  return std::visit(
      overloaded{
          [](const AlterColumn&) { return true; },
          [](const AddUnique&) { return true; },
          [](const DropUnique&) { return true; },
          [](const AddForeignKey&) { return true; },
          [](const DropForeignKey&) { return true; },
          [](const AddColumn& op) {
            // SQLite adds a NOT NULL column only with a default other than NULL.
            return !op.column.nullable &&
                   (!op.column.server_default || upper(*op.column.server_default) == "NULL");
          },
          [&](const DropColumn& op) {
            const TableDef& t = table_in(before, op.table);
            if (sql::keyed_columns(t).count(op.column.name)) return true;
            // Nor does it drop a column another table's foreign key refers to.
            return std::any_of(before.tables.begin(), before.tables.end(), [&](const TableDef& o) {
              return std::any_of(o.foreign_keys.begin(), o.foreign_keys.end(),
                                 [&](const ForeignKeyDef& fk) {
                                   return fk.referred_table == op.table &&
                                          contains(fk.referred_columns, op.column.name);
                                 });
            });
          },
          [](const auto&) { return false; },
      },
      operation);
}

std::vector<std::string> operation_sql(const Operation& operation, const SchemaDef& before,
                                       const Dialect& d) {
  if (const auto* alter = std::get_if<AlterColumn>(&operation)) {
    if (column_in(table_in(before, alter->table), alter->from.name).autoincrement) {
      refuse("column " + alter->from.name + " of table " + alter->table +
             " is an autoincrement key, which alter_column does not change (MySQL would lose "
             "its AUTO_INCREMENT, PostgreSQL keep its sequence's type)");
    }
  }
  if (rebuilds_table(operation, before, d)) return rebuild(operation, before, d);
  std::vector<std::string> out;
  widen_keyed_columns(operation, before, d, out);
  const auto q = [&](const std::string& name) { return d.quote_identifier(name); };
  std::visit(
      overloaded{
          [&](const CreateTable& op) {
            if (before.find_table(op.table.name)) refuse("table " + op.table.name + " exists");
            out.push_back(sql::create_table_statement(op.table, d));
            for (const auto& ix : op.table.indexes) {
              out.push_back(sql::create_index_statement(op.table.name, ix, d));
            }
          },
          [&](const DropTable& op) {
            table_in(before, op.table.name);
            out.push_back("DROP TABLE " + q(op.table.name));
          },
          [&](const RenameTable& op) {
            table_in(before, op.from);
            out.push_back(alter_table(op.from, d) + "RENAME TO " + q(op.to));
          },
          [&](const AddColumn& op) {
            const TableDef& t = table_in(before, op.table);
            if (t.find_column(op.column.name)) {
              refuse("table " + op.table + " has a column " + op.column.name);
            }
            if (op.column.autoincrement) {
              refuse("column " + op.column.name + " cannot be added to table " + op.table +
                     " as an autoincrement key");
            }
            if (op.column.nullable || op.column.server_default) {
              out.push_back(alter_table(op.table, d) + "ADD COLUMN " +
                            sql::column_definition(op.table, op.column, false, d));
              return;
            }
            // NOT NULL without a default: added nullable, then made NOT NULL, which
            // fails where the table has rows. MySQL would otherwise give them '' or 0.
            ColumnDef nullable = op.column;
            nullable.nullable = true;
            out.push_back(alter_table(op.table, d) + "ADD COLUMN " +
                          sql::column_definition(op.table, nullable, false, d));
            const std::string type = type_now(t, nullable, d);
            ColumnDef typed = op.column;
            typed.type = type;
            for (auto& s : d.alter_column(op.table, nullable, op.column, type,
                                          sql::column_definition(op.table, typed, false, d))) {
              out.push_back(std::move(s));
            }
          },
          [&](const DropColumn& op) {
            const TableDef& t = table_in(before, op.table);
            column_in(t, op.column.name);
            // What would stop the database, or what it would change rather than drop
            // (MySQL narrows an index to its other columns), goes first.
            for (const auto& fk : t.foreign_keys) {
              if (!contains(fk.columns, op.column.name)) continue;
              out.push_back(alter_table(op.table, d) + d.drop_foreign_key_clause() + " " +
                            q(name_of(fk, t.foreign_keys, "a foreign key", op.table)));
            }
            for (const auto& ix : t.indexes) {
              if (contains(ix.columns, op.column.name))
                out.push_back(d.drop_index(op.table, ix.name));
            }
            for (const auto& u : t.unique_constraints) {
              if (!contains(u.columns, op.column.name)) continue;
              out.push_back(alter_table(op.table, d) + d.drop_unique_clause() + " " +
                            q(name_of(u, t.unique_constraints, "a unique constraint", op.table)));
            }
            out.push_back(alter_table(op.table, d) + "DROP COLUMN " + q(op.column.name));
          },
          [&](const AlterColumn& op) {
            const TableDef& t = table_in(before, op.table);
            const std::string type =
                !op.to.type.empty() || !op.to.column_type
                    ? op.to.type
                    : d.column_type(*op.to.column_type,
                                    sql::keyed_columns(t).count(op.to.name) > 0);
            if (type.empty())
              refuse("column " + op.to.name + " of table " + op.table + " has no type");
            ColumnDef to = op.to;
            to.type = type;
            const std::string definition = sql::column_definition(op.table, to, false, d);
            for (auto& s : d.alter_column(op.table, op.from, op.to, type, definition)) {
              out.push_back(std::move(s));
            }
          },
          [&](const RenameColumn& op) {
            const TableDef& t = table_in(before, op.table);
            column_in(t, op.from);
            if (t.find_column(op.to)) refuse("table " + op.table + " has a column " + op.to);
            out.push_back(alter_table(op.table, d) + "RENAME COLUMN " + q(op.from) + " TO " +
                          q(op.to));
          },
          [&](const CreateIndex& op) {
            table_in(before, op.table);
            if (op.index.name.empty()) refuse("an index of table " + op.table + " needs a name");
            out.push_back(sql::create_index_statement(op.table, op.index, d));
          },
          [&](const DropIndex& op) {
            const TableDef& t = table_in(before, op.table);
            out.push_back(
                d.drop_index(op.table, name_of(op.index, t.indexes, "an index", op.table)));
          },
          [&](const AddUnique& op) {
            table_in(before, op.table);
            out.push_back(alter_table(op.table, d) + "ADD " +
                          sql::unique_definition(op.constraint, d));
          },
          [&](const DropUnique& op) {
            const TableDef& t = table_in(before, op.table);
            out.push_back(
                alter_table(op.table, d) + d.drop_unique_clause() + " " +
                q(name_of(op.constraint, t.unique_constraints, "a unique constraint", op.table)));
          },
          [&](const AddForeignKey& op) {
            table_in(before, op.table);
            out.push_back(alter_table(op.table, d) + "ADD " +
                          sql::foreign_key_definition(op.foreign_key, d));
          },
          [&](const DropForeignKey& op) {
            const TableDef& t = table_in(before, op.table);
            out.push_back(alter_table(op.table, d) + d.drop_foreign_key_clause() + " " +
                          q(name_of(op.foreign_key, t.foreign_keys, "a foreign key", op.table)));
          },
          [&](const Execute& op) { out.push_back(op.sql); },
      },
      operation);
  return out;
}

}  // namespace relate::migrate

// CREATE TABLE / CREATE INDEX / DROP TABLE for one Dialect, written from a table
// described by names (sql::describe turns a Table into one).
#include "ddl.hpp"

#include <map>
#include <relate/engine/dialect.hpp>
#include <relate/errors.hpp>
#include <relate/schema.hpp>
#include <relate/schema_def.hpp>
#include <relate/sql/compiler.hpp>

#include "literal.hpp"

namespace relate::sql {

std::string column_list(const std::vector<std::string>& columns, const Dialect& d) {
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ", ";
    out += d.quote_identifier(columns[i]);
  }
  return out;
}

std::set<std::string, std::less<>> keyed_columns(const TableDef& table) {
  std::set<std::string, std::less<>> out(table.primary_key.columns.begin(),
                                         table.primary_key.columns.end());
  for (const auto& u : table.unique_constraints) out.insert(u.columns.begin(), u.columns.end());
  for (const auto& ix : table.indexes) out.insert(ix.columns.begin(), ix.columns.end());
  for (const auto& fk : table.foreign_keys) out.insert(fk.columns.begin(), fk.columns.end());
  return out;
}

std::string column_definition(const std::string& table, const ColumnDef& column, bool keyed,
                              const Dialect& d) {
  static_cast<void>(table);
  std::string type = column.type;
  if (type.empty() && column.column_type) type = d.column_type(*column.column_type, keyed);
  // Neither: a column without a type, which only SQLite has (and takes).
  std::string def = d.quote_identifier(column.name) + (type.empty() ? "" : " " + type);
  if (!column.nullable) def += " NOT NULL";
  if (column.server_default) def += " DEFAULT " + dialect_default(*column.server_default, d);
  return def;
}

namespace {

std::string constraint_name(const std::string& name, const Dialect& d) {
  return name.empty() ? std::string() : "CONSTRAINT " + d.quote_identifier(name) + " ";
}

// The column the database generates keys for: the key's only column, autoincrement.
const ColumnDef* autoincrement_key(const TableDef& table) {
  if (table.primary_key.columns.size() != 1) return nullptr;
  const ColumnDef* c = table.find_column(table.primary_key.columns[0]);
  return c && c->autoincrement ? c : nullptr;
}

std::string autoincrement_definition(const std::string& table, const ColumnDef& column,
                                     const Dialect& d) {
  if (column.column_type) return d.autoincrement_column(column.name, *column.column_type);
  throw ArgumentError("column '" + column.name + "' of table '" + table +
                      "' is an autoincrement key without a column_type");
}

}  // namespace

std::string foreign_key_definition(const ForeignKeyDef& fk, const Dialect& d) {
  std::string def = constraint_name(fk.name, d) + "FOREIGN KEY (" + column_list(fk.columns, d) +
                    ") REFERENCES " + d.quote_identifier(fk.referred_table) + " (" +
                    column_list(fk.referred_columns, d) + ")";
  if (fk.on_delete) def += " ON DELETE " + std::string(referential_action_sql(*fk.on_delete));
  if (fk.on_update) def += " ON UPDATE " + std::string(referential_action_sql(*fk.on_update));
  return def;
}

std::string unique_definition(const KeyDef& unique, const Dialect& d) {
  return constraint_name(unique.name, d) + "UNIQUE (" + column_list(unique.columns, d) + ")";
}

std::string create_table_statement(const TableDef& table, const Dialect& d,
                                   const std::vector<bool>& inline_foreign_key) {
  const auto keyed = keyed_columns(table);
  const ColumnDef* generated_key = autoincrement_key(table);

  std::string sql = "CREATE TABLE " + d.quote_identifier(table.name) + " (";
  bool first = true;
  auto item = [&](const std::string& text) {
    sql += first ? "\n  " : ",\n  ";
    sql += text;
    first = false;
  };
  for (const auto& c : table.columns) {
    item(&c == generated_key ? autoincrement_definition(table.name, c, d)
                             : column_definition(table.name, c, keyed.count(c.name) > 0, d));
  }
  if (!table.primary_key.columns.empty() && !generated_key) {
    item("PRIMARY KEY (" + column_list(table.primary_key.columns, d) + ")");
  }
  for (const auto& u : table.unique_constraints) item(unique_definition(u, d));
  for (std::size_t i = 0; i < table.foreign_keys.size(); ++i) {
    if (inline_foreign_key.empty() || inline_foreign_key[i]) {
      item(foreign_key_definition(table.foreign_keys[i], d));
    }
  }
  return sql + "\n)" + d.table_options();
}

std::string create_index_statement(const std::string& table, const IndexDef& index,
                                   const Dialect& d) {
  return std::string(index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") +
         d.quote_identifier(index.name) + " ON " + d.quote_identifier(table) + " (" +
         column_list(index.columns, d) + ")";
}

namespace {

std::vector<std::string> names(const std::vector<const Column*>& columns) {
  std::vector<std::string> out;
  out.reserve(columns.size());
  for (const Column* c : columns) out.push_back(c->name());
  return out;
}

void check_action(const Table& table, const ForeignKeyConstraint& fk,
                  std::optional<ReferentialAction> action, std::string_view clause,
                  const Dialect& d) {
  if (!action || d.supports_referential_action(*action)) return;
  throw ArgumentError("table '" + table.name() + "', column '" + fk.columns.front()->name() +
                      "': " + std::string(clause) + " " +
                      std::string(referential_action_sql(*action)) + " is not supported by the " +
                      std::string(d.name()) + " backend");
}

// fk_<table>_<columns>: the name Relate gives a foreign key it adds or drops by
// ALTER TABLE, or one the database would name past its identifier limit.
std::string made_up_foreign_key_name(const std::string& table, const ForeignKeyDef& fk,
                                     const Dialect& d) {
  std::string name = "fk_" + table;
  for (const auto& c : fk.columns) name += "_" + c;
  return d.fit_identifier(std::move(name));
}

}  // namespace

TableDef describe(const Table& table, const Dialect& d) {
  const auto key = table.primary_key();
  const bool single_autoincrement = key.size() == 1 && key[0]->autoincrement();

  TableDef out;
  out.name = table.name();
  out.primary_key.columns = names(key);
  for (const auto& c : table.columns()) {
    if (c->unique() && !c->is_primary_key()) out.unique_constraints.push_back({{}, {c->name()}});
  }
  for (const auto& u : table.unique_constraints()) {
    out.unique_constraints.push_back({u.name, names(u.columns)});
  }
  for (const auto& ix : table.indexes()) {
    out.indexes.push_back(
        {ix.generated_name ? d.fit_identifier(ix.name) : ix.name, names(ix.columns), ix.unique});
  }
  // An unnamed foreign key is left to the database to name, unless the table's name is
  // so long that the database's choice (MySQL's <table>_ibfk_<n>) could pass its
  // identifier limit.
  const std::size_t limit = d.max_identifier_length();
  const bool long_table = limit != 0 && d.identifier_length(table.name()) + 10 > limit;
  for (const auto& fk : table.foreign_keys()) {
    check_action(table, fk, fk.on_delete, "ON DELETE", d);
    check_action(table, fk, fk.on_update, "ON UPDATE", d);
    ForeignKeyDef def{.name = fk.name,
                      .columns = names(fk.columns),
                      .referred_table = fk.referred_table->name(),
                      .referred_columns = names(fk.referred_columns),
                      .on_delete = fk.on_delete,
                      .on_update = fk.on_update};
    if (def.name.empty() && long_table) def.name = made_up_foreign_key_name(table.name(), def, d);
    out.foreign_keys.push_back(std::move(def));
  }

  const auto keyed = keyed_columns(out);
  for (const auto& c : table.columns()) {
    const bool generated_key = single_autoincrement && c.get() == key[0];
    out.columns.push_back(ColumnDef{
        .name = c->name(),
        .type =
            generated_key ? std::string() : d.column_type(c->type(), keyed.count(c->name()) > 0),
        .column_type = c->type(),
        .nullable = c->nullable() && !c->is_primary_key(),
        .server_default =
            c->default_value() ? std::optional(c->default_value()->to_string()) : std::nullopt,
        .autoincrement = generated_key});
  }
  return out;
}

namespace {

// Per table, whether each of its foreign keys refers to a table created after it (and
// is added by ALTER TABLE once every table exists).
std::vector<std::vector<bool>> deferred_foreign_keys(const std::vector<TableDef>& tables,
                                                     const Dialect& d) {
  std::vector<std::vector<bool>> out;
  std::map<std::string, std::size_t, std::less<>> position;
  for (std::size_t i = 0; i < tables.size(); ++i) position.emplace(tables[i].name, i);
  for (std::size_t i = 0; i < tables.size(); ++i) {
    out.emplace_back();
    for (const auto& fk : tables[i].foreign_keys) {
      const auto referred = position.find(fk.referred_table);
      out.back().push_back(d.supports_alter_foreign_key() && referred != position.end() &&
                           referred->second > i);
    }
  }
  return out;
}

std::vector<TableDef> describe_all(const std::vector<const Table*>& tables, const Dialect& d) {
  // Names the backend would cut short (two tables becoming one) fail before any DDL.
  for (const Table* table : tables) d.check_identifiers(*table);
  std::vector<TableDef> out;
  out.reserve(tables.size());
  for (const Table* table : tables) out.push_back(describe(*table, d));
  return out;
}

std::string alter_table(const std::string& table, const Dialect& d) {
  return "ALTER TABLE " + d.quote_identifier(table) + " ";
}

std::string deferred_name(const TableDef& table, const ForeignKeyDef& fk, const Dialect& d) {
  return fk.name.empty() ? made_up_foreign_key_name(table.name, fk, d) : fk.name;
}

}  // namespace

CreateDdl create_ddl(const std::vector<const Table*>& tables, const Dialect& d) {
  const auto defs = describe_all(tables, d);
  const auto deferred = deferred_foreign_keys(defs, d);
  CreateDdl out;
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const TableDef& table = defs[i];
    std::vector<bool> inline_foreign_key;
    for (const bool later : deferred[i]) inline_foreign_key.push_back(!later);
    std::vector<std::string> create{create_table_statement(table, d, inline_foreign_key)};
    for (const auto& ix : table.indexes)
      create.push_back(create_index_statement(table.name, ix, d));
    out.create.push_back(std::move(create));

    std::vector<std::string> add;
    for (std::size_t k = 0; k < table.foreign_keys.size(); ++k) {
      if (!deferred[i][k]) continue;
      ForeignKeyDef fk = table.foreign_keys[k];
      fk.name = deferred_name(table, fk, d);
      add.push_back(alter_table(table.name, d) + "ADD " + foreign_key_definition(fk, d));
    }
    out.add_foreign_keys.push_back(std::move(add));
  }
  return out;
}

std::vector<std::vector<std::string>> drop_foreign_keys_ddl(const std::vector<const Table*>& tables,
                                                            const Dialect& d) {
  const auto defs = describe_all(tables, d);
  const auto deferred = deferred_foreign_keys(defs, d);
  std::vector<std::vector<std::string>> out(defs.size());
  for (std::size_t i = 0; i < defs.size(); ++i) {
    for (std::size_t k = 0; k < defs[i].foreign_keys.size(); ++k) {
      if (!deferred[i][k]) continue;
      out[i].push_back(alter_table(defs[i].name, d) + d.drop_foreign_key_clause() + " " +
                       d.quote_identifier(deferred_name(defs[i], defs[i].foreign_keys[k], d)));
    }
  }
  return out;
}

std::string drop_table_ddl(const Table& table, const Dialect& d) {
  d.check_identifier(table.name(), "table '" + table.name() + "'");
  return "DROP TABLE " + d.quote_identifier(table.name());
}

}  // namespace relate::sql

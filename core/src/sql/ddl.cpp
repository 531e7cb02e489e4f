// CREATE TABLE / CREATE INDEX / DROP TABLE for one Dialect.
#include <map>
#include <relate/engine/dialect.hpp>
#include <relate/errors.hpp>
#include <relate/schema.hpp>
#include <relate/sql/compiler.hpp>
#include <set>

namespace relate::sql {

namespace {

std::string column_list(const std::vector<const Column*>& columns, const Dialect& d) {
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ", ";
    out += d.quote_identifier(columns[i]->name());
  }
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

std::string foreign_key_name(const Table& table, const ForeignKeyConstraint& fk, const Dialect& d) {
  if (!fk.name.empty()) return fk.name;
  std::string name = "fk_" + table.name();
  for (const Column* c : fk.columns) name += "_" + c->name();
  return d.fit_identifier(std::move(name));
}

// The CONSTRAINT clause of an inline foreign key. An unnamed one is left to the
// database to name, unless the table's name is so long that the database's choice
// (MySQL's <table>_ibfk_<n>) could pass its identifier limit.
std::string constraint_clause(const Table& table, const ForeignKeyConstraint& fk,
                              const Dialect& d) {
  const std::size_t limit = d.max_identifier_length();
  const bool long_table = limit != 0 && d.identifier_length(table.name()) + 10 > limit;
  if (fk.name.empty() && !long_table) return {};
  return "CONSTRAINT " + d.quote_identifier(foreign_key_name(table, fk, d)) + " ";
}

// FOREIGN KEY (...) REFERENCES t (...) [ON DELETE ...] [ON UPDATE ...]
std::string foreign_key_clause(const ForeignKeyConstraint& fk, const Dialect& d) {
  std::string def = "FOREIGN KEY (" + column_list(fk.columns, d) + ") REFERENCES " +
                    d.quote_identifier(fk.referred_table->name()) + " (" +
                    column_list(fk.referred_columns, d) + ")";
  if (fk.on_delete) def += " ON DELETE " + std::string(referential_action_sql(*fk.on_delete));
  if (fk.on_update) def += " ON UPDATE " + std::string(referential_action_sql(*fk.on_update));
  return def;
}

// CREATE TABLE (with its constraints but the deferred foreign keys) followed by
// CREATE INDEX statements.
std::vector<std::string> create_table_ddl(const Table& table, const Dialect& d,
                                          const std::set<const ForeignKeyConstraint*>& deferred) {
  const auto key = table.primary_key();
  const bool single_autoincrement = key.size() == 1 && key[0]->autoincrement();

  std::string sql = "CREATE TABLE " + d.quote_identifier(table.name()) + " (";
  bool first = true;
  auto item = [&](const std::string& text) {
    sql += first ? "\n  " : ",\n  ";
    sql += text;
    first = false;
  };
  for (const auto& c : table.columns()) {
    if (single_autoincrement && c.get() == key[0]) {
      item(d.autoincrement_column(*c));
      continue;
    }
    std::string def = d.quote_identifier(c->name()) + " " + d.column_type(*c);
    if (!c->nullable()) def += " NOT NULL";
    if (c->default_value()) def += " DEFAULT " + c->default_value()->to_string();
    if (c->unique() && !c->is_primary_key()) def += " UNIQUE";
    item(def);
  }
  if (!key.empty() && !single_autoincrement) {
    item("PRIMARY KEY (" + column_list(key, d) + ")");
  }
  for (const auto& u : table.unique_constraints()) {
    std::string def = u.name.empty() ? "" : "CONSTRAINT " + d.quote_identifier(u.name) + " ";
    item(def + "UNIQUE (" + column_list(u.columns, d) + ")");
  }
  for (const auto& fk : table.foreign_keys()) {
    check_action(table, fk, fk.on_delete, "ON DELETE", d);
    check_action(table, fk, fk.on_update, "ON UPDATE", d);
    if (deferred.count(&fk)) continue;
    item(constraint_clause(table, fk, d) + foreign_key_clause(fk, d));
  }
  sql += "\n)" + d.table_options();

  std::vector<std::string> out{std::move(sql)};
  for (const auto& ix : table.indexes()) {
    out.push_back(std::string(ix.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") +
                  d.quote_identifier(ix.generated_name ? d.fit_identifier(ix.name) : ix.name) +
                  " ON " + d.quote_identifier(table.name()) + " (" + column_list(ix.columns, d) +
                  ")");
  }
  return out;
}

}  // namespace

namespace {

// Per table, the foreign keys that refer to a table created after it.
std::vector<std::vector<const ForeignKeyConstraint*>> deferred_foreign_keys(
    const std::vector<const Table*>& tables, const Dialect& d) {
  std::vector<std::vector<const ForeignKeyConstraint*>> out(tables.size());
  if (!d.supports_alter_foreign_key()) return out;
  std::map<const Table*, std::size_t> position;
  for (std::size_t i = 0; i < tables.size(); ++i) position[tables[i]] = i;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    for (const auto& fk : tables[i]->foreign_keys()) {
      const auto referred = position.find(fk.referred_table);
      if (referred != position.end() && referred->second > i) out[i].push_back(&fk);
    }
  }
  return out;
}

std::string alter_table(const Table& table, const Dialect& d) {
  return "ALTER TABLE " + d.quote_identifier(table.name()) + " ";
}

}  // namespace

CreateDdl create_ddl(const std::vector<const Table*>& tables, const Dialect& d) {
  // Names the backend would cut short (two tables becoming one) fail before any DDL.
  for (const Table* table : tables) d.check_identifiers(*table);
  const auto deferred = deferred_foreign_keys(tables, d);
  CreateDdl out;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const Table& table = *tables[i];
    out.create.push_back(create_table_ddl(
        table, d, std::set<const ForeignKeyConstraint*>(deferred[i].begin(), deferred[i].end())));
    std::vector<std::string> add;
    for (const ForeignKeyConstraint* fk : deferred[i]) {
      add.push_back(alter_table(table, d) + "ADD CONSTRAINT " +
                    d.quote_identifier(foreign_key_name(table, *fk, d)) + " " +
                    foreign_key_clause(*fk, d));
    }
    out.add_foreign_keys.push_back(std::move(add));
  }
  return out;
}

std::vector<std::vector<std::string>> drop_foreign_keys_ddl(const std::vector<const Table*>& tables,
                                                            const Dialect& d) {
  for (const Table* table : tables) d.check_identifiers(*table);
  const auto deferred = deferred_foreign_keys(tables, d);
  std::vector<std::vector<std::string>> out(tables.size());
  for (std::size_t i = 0; i < tables.size(); ++i) {
    for (const ForeignKeyConstraint* fk : deferred[i]) {
      out[i].push_back(alter_table(*tables[i], d) + d.drop_foreign_key_clause() + " " +
                       d.quote_identifier(foreign_key_name(*tables[i], *fk, d)));
    }
  }
  return out;
}

std::string drop_table_ddl(const Table& table, const Dialect& d) {
  d.check_identifier(table.name(), "table '" + table.name() + "'");
  return "DROP TABLE " + d.quote_identifier(table.name());
}

}  // namespace relate::sql

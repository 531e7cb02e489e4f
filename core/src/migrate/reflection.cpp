#include <algorithm>
#include <cctype>
#include <relate/engine/dialect.hpp>
#include <relate/engine/engine.hpp>
#include <relate/errors.hpp>
#include <relate/migrate/reflection.hpp>

#include "../sql/literal.hpp"

namespace relate {

SchemaDef Dialect::reflect(Connection& /*connection*/) const {
  throw InvalidRequestError("the " + std::string(name()) +
                            " backend cannot read its database's schema (Dialect::reflect)");
}

namespace migrate {

void SchemaRows::add_table(std::string name) {
  position_.emplace(name, schema_.tables.size());
  schema_.tables.emplace_back();
  schema_.tables.back().name = std::move(name);
}

TableDef* SchemaRows::table(const std::string& name) {
  const auto it = position_.find(name);
  return it == position_.end() ? nullptr : &schema_.tables[it->second];
}

void SchemaRows::add_foreign_key_column(ForeignKeyColumn row) {
  TableDef* t = table(row.table);
  if (!t) return;
  ForeignKeyDef& fk = entry_named(t->foreign_keys, row.name);
  fk.columns.push_back(std::move(row.column));
  fk.referred_schema = std::move(row.referred_schema);
  fk.referred_table = std::move(row.referred_table);
  fk.referred_columns.push_back(std::move(row.referred_column));
  fk.on_delete = row.on_delete;
  fk.on_update = row.on_update;
}

ReferentialAction referential_action_named(std::string_view sql) {
  std::string words;
  for (char c : sql) {
    const char u =
        (c == '_') ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    words += u;
  }
  for (ReferentialAction action :
       {ReferentialAction::no_action, ReferentialAction::restrict, ReferentialAction::cascade,
        ReferentialAction::set_null, ReferentialAction::set_default}) {
    if (words == referential_action_sql(action)) return action;
  }
  throw DataError("'" + std::string(sql) + "' is not a referential action");
}

SchemaDef inspect(Connection& connection) {
  const Dialect& d = connection.dialect();
  SchemaDef schema = d.reflect(connection);
  // Defaults in standard SQL's spelling: MySQL's 'it\'s' is 'it''s'.
  if (d.backslash_escapes()) {
    for (auto& t : schema.tables) {
      for (auto& c : t.columns) {
        if (c.server_default) c.server_default = sql::standard_default(*c.server_default, true);
      }
    }
  }
  std::sort(schema.tables.begin(), schema.tables.end(),
            [](const TableDef& a, const TableDef& b) { return a.name < b.name; });
  return schema;
}

SchemaDef inspect(const Engine& engine) {
  Connection c = engine.connect();
  return inspect(c);
}

}  // namespace migrate

}  // namespace relate

#include <algorithm>
#include <map>
#include <relate/engine/dialect.hpp>
#include <relate/metadata.hpp>
#include <relate/migrate/diff.hpp>
#include <relate/sql/compiler.hpp>

#include "../sql/literal.hpp"

namespace relate::migrate {

namespace {

bool integer_type(std::optional<ColumnType> t) {
  return t == ColumnType::small_integer || t == ColumnType::integer || t == ColumnType::big_integer;
}

// The column as a migration states it: its type as the ColumnType where it has one
// (each backend writes its own spelling), its default as Relate writes that value.
ColumnDef portable(ColumnDef c) {
  if (c.column_type) c.type.clear();
  if (c.server_default) c.server_default = sql::standard_default(*c.server_default);
  return c;
}

TableDef portable(TableDef t) {
  for (auto& c : t.columns) c = portable(std::move(c));
  return t;
}

std::string qualified(const std::string& table, const std::string& column) {
  return table + "." + column;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// What the diff creates is named, where the MetaData leaves the name to the database,
// so that a later migration can drop it by name on every backend (SQLAlchemy's naming
// conventions): uq_<table>_<columns>, fk_<table>_<columns>.
std::string convention(const std::string& prefix, const std::string& table,
                       const std::vector<std::string>& columns, const Dialect& d) {
  std::string name = prefix + "_" + table;
  for (const auto& c : columns) name += "_" + c;
  return d.fit_identifier(std::move(name));
}

KeyDef named(KeyDef u, const std::string& table, const Dialect& d) {
  if (u.name.empty()) u.name = convention("uq", table, u.columns, d);
  return u;
}

ForeignKeyDef named(ForeignKeyDef fk, const std::string& table, const Dialect& d) {
  if (fk.name.empty()) fk.name = convention("fk", table, fk.columns, d);
  return fk;
}

// The operations of a diff, by phase: what goes away before what comes, so that a
// foreign key is dropped before its column and added after the column it refers to.
struct Phases {
  std::vector<Operation> create_tables;
  std::vector<Operation> drop_constraints;  // foreign keys first, then indexes, uniques
  std::vector<Operation> drop_indexes;
  std::vector<Operation> add_columns;
  std::vector<Operation> alter_columns;
  std::vector<Operation> drop_columns;
  std::vector<Operation> add_indexes;
  std::vector<Operation> add_foreign_keys;
  std::vector<Operation> drop_tables;

  std::vector<Operation> in_order() {
    std::vector<Operation> out;
    for (auto* phase :
         {&create_tables, &drop_constraints, &drop_indexes, &add_columns, &alter_columns,
          &drop_columns, &add_indexes, &add_foreign_keys, &drop_tables}) {
      for (auto& op : *phase) out.push_back(std::move(op));
    }
    return out;
  }
};

class Comparison {
 public:
  Comparison(const Dialect& d, Diff& diff, Phases& phases) : d_(d), diff_(diff), phases_(phases) {}

  void table(const TableDef& declared, const TableDef& live) {
    columns(declared, live);
    primary_key(declared, live);
    foreign_keys(declared, live);
    if (d_.unique_constraints_are_indexes()) {
      // MySQL keeps a unique constraint as a unique index: the declared ones are
      // looked for among those, and what is left of them among the declared indexes.
      // A schema a migration described (offline) may hold them as unique constraints.
      std::vector<IndexDef> live_indexes = live.indexes;
      for (const auto& u : live.unique_constraints)
        live_indexes.push_back({u.name, u.columns, true});
      for (const auto& u : declared.unique_constraints) {
        const auto found = std::find_if(live_indexes.begin(), live_indexes.end(),
                                        [&](const IndexDef& ix) { return unique_match(u, ix); });
        if (found == live_indexes.end()) {
          phases_.add_indexes.push_back(AddUnique{declared.name, named(u, declared.name, d_)});
        } else {
          live_indexes.erase(found);
        }
      }
      indexes(declared, live.name, live_indexes);
    } else {
      uniques(declared, live);
      indexes(declared, live.name, live.indexes);
    }
  }

 private:
  static bool unique_match(const KeyDef& declared, const IndexDef& live) {
    if (!live.unique || live.columns != declared.columns) return false;
    return declared.name.empty() || declared.name == live.name;
  }

  void columns(const TableDef& declared, const TableDef& live) {
    std::vector<std::string> added, dropped;
    for (const auto& c : declared.columns) {
      const ColumnDef* l = live.find_column(c.name);
      if (!l) {
        phases_.add_columns.push_back(AddColumn{declared.name, portable(c)});
        added.push_back(c.name);
        if (!c.nullable && !c.server_default && !c.autoincrement) {
          diff_.notes.push_back("column " + qualified(declared.name, c.name) +
                                " is added NOT NULL without a default: where the table has "
                                "rows, add it nullable, fill it, then make it NOT NULL");
        }
        continue;
      }
      column(declared.name, c, *l);
    }
    for (const auto& l : live.columns) {
      if (declared.find_column(l.name)) continue;
      phases_.drop_columns.push_back(DropColumn{live.name, portable(l)});
      dropped.push_back(l.name);
    }
    if (!added.empty() && !dropped.empty()) {
      diff_.notes.push_back("table " + live.name + ": column(s) " + joined(dropped) +
                            " dropped and " + joined(added) +
                            " added; if a column was renamed, write rename_column instead, or "
                            "its rows are lost");
    }
  }

  void column(const std::string& table, const ColumnDef& declared, const ColumnDef& live) {
    ColumnDef to = portable(live);
    bool changed = false;
    if (!live.column_type) {
      diff_.notes.push_back("column " + qualified(table, live.name) + " is " + live.type +
                            ", a type Relate does not write: its type is not compared");
    } else if (declared.autoincrement && live.autoincrement
                   ? !(integer_type(declared.column_type) && integer_type(live.column_type))
                   : declared.column_type != live.column_type) {
      to.column_type = declared.column_type;
      to.type.clear();
      changed = true;
    }
    if (declared.nullable != live.nullable) {
      to.nullable = declared.nullable;
      changed = true;
    }
    if (!declared.autoincrement && !live.autoincrement &&
        !sql::same_default(declared.server_default, live.server_default, declared.column_type)) {
      to.server_default = declared.server_default;
      changed = true;
    }
    if (declared.autoincrement != live.autoincrement) {
      diff_.notes.push_back("column " + qualified(table, live.name) +
                            (declared.autoincrement ? " is" : " is not") +
                            " an autoincrement key in the MetaData and the opposite in the "
                            "database: not compared");
    }
    if (changed) phases_.alter_columns.push_back(AlterColumn{table, portable(live), to});
  }

  void primary_key(const TableDef& declared, const TableDef& live) {
    if (declared.primary_key.columns == live.primary_key.columns) return;
    diff_.notes.push_back("table " + live.name + ": the primary key is (" +
                          joined(declared.primary_key.columns) + ") in the MetaData and (" +
                          joined(live.primary_key.columns) +
                          ") in the database; primary keys are not compared");
  }

  // An action left out is the database's default, NO ACTION.
  bool same_action(std::optional<ReferentialAction> declared,
                   std::optional<ReferentialAction> live) const {
    const ReferentialAction a = declared.value_or(no_action);
    const ReferentialAction b = live.value_or(no_action);
    if (a == b) return true;
    const auto either = [](ReferentialAction x) {
      return x == ReferentialAction::no_action || x == ReferentialAction::restrict;
    };
    return d_.restrict_is_no_action() && either(a) && either(b);
  }

  void foreign_keys(const TableDef& declared, const TableDef& live) {
    std::vector<bool> kept(live.foreign_keys.size(), false);
    for (const auto& fk : declared.foreign_keys) {
      bool found = false;
      for (std::size_t i = 0; i < live.foreign_keys.size() && !found; ++i) {
        const ForeignKeyDef& l = live.foreign_keys[i];
        if (kept[i] || l.columns != fk.columns || l.referred_table != fk.referred_table ||
            l.referred_columns != fk.referred_columns || !l.referred_schema.empty()) {
          continue;
        }
        if ((fk.name.empty() || fk.name == l.name) && same_action(fk.on_delete, l.on_delete) &&
            same_action(fk.on_update, l.on_update)) {
          kept[i] = found = true;
        }
      }
      if (!found) {
        phases_.add_foreign_keys.push_back(
            AddForeignKey{declared.name, named(fk, declared.name, d_)});
      }
    }
    for (std::size_t i = 0; i < live.foreign_keys.size(); ++i) {
      if (!kept[i]) {
        phases_.drop_constraints.push_back(DropForeignKey{live.name, live.foreign_keys[i]});
      }
    }
  }

  void uniques(const TableDef& declared, const TableDef& live) {
    std::vector<bool> kept(live.unique_constraints.size(), false);
    for (const auto& u : declared.unique_constraints) {
      bool found = false;
      for (std::size_t i = 0; i < live.unique_constraints.size() && !found; ++i) {
        const KeyDef& l = live.unique_constraints[i];
        if (!kept[i] && l.columns == u.columns && (u.name.empty() || u.name == l.name)) {
          kept[i] = found = true;
        }
      }
      if (!found)
        phases_.add_indexes.push_back(AddUnique{declared.name, named(u, declared.name, d_)});
    }
    for (std::size_t i = 0; i < live.unique_constraints.size(); ++i) {
      if (!kept[i]) {
        phases_.drop_indexes.push_back(DropUnique{live.name, live.unique_constraints[i]});
      }
    }
  }

  void indexes(const TableDef& declared, const std::string& table,
               const std::vector<IndexDef>& live) {
    std::vector<bool> kept(live.size(), false);
    for (const auto& ix : declared.indexes) {
      const auto same = std::find_if(live.begin(), live.end(),
                                     [&](const IndexDef& l) { return l.name == ix.name; });
      if (same != live.end() && *same == ix) {
        kept[static_cast<std::size_t>(same - live.begin())] = true;
        continue;
      }
      phases_.add_indexes.push_back(CreateIndex{table, ix});
    }
    for (std::size_t i = 0; i < live.size(); ++i) {
      if (!kept[i]) phases_.drop_indexes.push_back(DropIndex{table, live[i]});
    }
  }

  const Dialect& d_;
  Diff& diff_;
  Phases& phases_;
};

// The tables that go, each after every other going table that refers to it; where
// going tables refer to each other in a circle, their foreign keys are dropped first.
void drop_tables(std::vector<const TableDef*> going, Phases& phases) {
  while (!going.empty()) {
    const auto referred = [&](const TableDef* t) {
      return std::any_of(going.begin(), going.end(), [&](const TableDef* other) {
        return other != t &&
               std::any_of(other->foreign_keys.begin(), other->foreign_keys.end(),
                           [&](const ForeignKeyDef& fk) { return fk.referred_table == t->name; });
      });
    };
    const auto next = std::find_if_not(going.begin(), going.end(), referred);
    if (next == going.end()) {
      for (const TableDef* t : going) {
        for (const auto& fk : t->foreign_keys) {
          if (fk.referred_table != t->name) {
            phases.drop_constraints.push_back(DropForeignKey{t->name, fk});
          }
        }
      }
      for (const TableDef* t : going) phases.drop_tables.push_back(DropTable{portable(*t)});
      return;
    }
    phases.drop_tables.push_back(DropTable{portable(**next)});
    going.erase(next);
  }
}

}  // namespace

Diff compare(const MetaData& metadata, const SchemaDef& database, const Dialect& d,
             const CompareOptions& options) {
  metadata.configure();
  Diff diff;
  Phases phases;
  Comparison comparison(d, diff, phases);

  std::vector<std::string> created, new_names;
  std::set<std::string, std::less<>> declared_names;
  for (const Table* table : metadata.sorted_tables()) {
    d.check_identifiers(*table);
    TableDef declared = sql::describe(*table, d);
    declared_names.insert(declared.name);
    if (const TableDef* live = database.find_table(declared.name)) {
      comparison.table(declared, *live);
      continue;
    }
    // A foreign key into a table created after this one is added once both exist.
    TableDef create = portable(std::move(declared));
    for (auto& u : create.unique_constraints) u = named(std::move(u), create.name, d);
    std::vector<ForeignKeyDef> inline_keys;
    for (auto& declared_fk : create.foreign_keys) {
      ForeignKeyDef fk = named(std::move(declared_fk), create.name, d);
      const bool later =
          fk.referred_table != create.name && !database.find_table(fk.referred_table) &&
          std::find(new_names.begin(), new_names.end(), fk.referred_table) == new_names.end();
      if (later) {
        phases.add_foreign_keys.push_back(AddForeignKey{create.name, fk});
      } else {
        inline_keys.push_back(std::move(fk));
      }
    }
    create.foreign_keys = std::move(inline_keys);
    new_names.push_back(create.name);
    phases.create_tables.push_back(CreateTable{std::move(create)});
  }

  std::vector<const TableDef*> going;
  for (const auto& live : database.tables) {
    if (declared_names.count(live.name) || options.ignore_tables.count(live.name) ||
        live.name == version_table) {
      continue;
    }
    going.push_back(&live);
  }
  if (!going.empty() && !new_names.empty()) {
    std::vector<std::string> gone;
    for (const TableDef* t : going) gone.push_back(t->name);
    diff.notes.push_back("table(s) " + joined(gone) + " dropped and " + joined(new_names) +
                         " created; if a table was renamed, write rename_table instead, or its "
                         "rows are lost");
  }
  drop_tables(std::move(going), phases);
  diff.operations = phases.in_order();
  return diff;
}

}  // namespace relate::migrate

// The names of a SQLite table's UNIQUE and FOREIGN KEY constraints, which SQLite keeps
// only in the CREATE TABLE text (its PRAGMAs report the constraints without them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace relate::sqlite {

struct NamedConstraint {
  std::string name;
  std::vector<std::string> columns;
  std::string referred_table;  // a foreign key's
};

struct ConstraintNames {
  std::vector<NamedConstraint> unique;
  std::vector<NamedConstraint> foreign_keys;
};

// The named constraints `create` (a CREATE TABLE statement as sqlite_master keeps it)
// declares, table constraints and column constraints alike, in order. Comments, string
// literals, COLLATE and ASC/DESC are understood; unnamed constraints are left out.
ConstraintNames constraint_names(std::string_view create);

// What `create` declares that a table described by names (relate::TableDef) does not
// hold, and a rebuild from one would lose: "CHECK", "COLLATE", "AUTOINCREMENT",
// "GENERATED", "STRICT", "WITHOUT ROWID", each once, in the order found.
std::vector<std::string> undescribed_clauses(std::string_view create);

// Whether two identifiers are the same to SQLite (ASCII letters compared without case).
bool same_identifier(std::string_view a, std::string_view b);

}  // namespace relate::sqlite

// A relationship's join condition: an expression whose columns are placeholders for
// the relationship's sides (parent, target, association table). configure() makes it
// from the foreign key's column pairs, or from the user's primaryjoin()/secondaryjoin();
// each statement that follows the relationship (a JOIN, one parent's lazy load, an
// EXISTS, a batch from the parent's side) names the sides for itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <relate/sql/expression.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace relate {

class Column;
class InstanceState;
class Mapper;
class RelationshipProperty;
class Table;

enum class JoinSide : std::uint8_t { parent, target, secondary };

// A column of one side of a relationship, in its join condition.
struct JoinColumn final : sql::DeferredRef {
  JoinColumn(JoinSide s, const Column* c, std::size_t i) : side(s), column(c), index(i) {}
  JoinSide side;
  const Column* column;
  std::size_t index;  // into the side's mapper columns; for the association table, unused
  std::string describe() const override;
};

sql::Expr join_column(JoinSide side, const Column& column, std::size_t index);

// How one statement names the sides: each by its alias (empty: the table's own name).
// With `parent_values`, the parent's columns are bound parameters of that object's
// members instead (the criteria of one parent's related rows).
struct JoinNames {
  std::string parent;
  std::string target;
  std::string secondary;
  const InstanceState* parent_values = nullptr;
};

// `condition` (a primaryjoin or secondaryjoin of `rel`) with its sides named.
sql::Expr name_join(const sql::Expr& condition, const RelationshipProperty& rel,
                    const JoinNames& names);

// The condition seen from the other side (parent and target swapped): a back_populates
// pair's.
sql::Expr mirror_join(const sql::Expr& condition);

// The user's condition, resolved at configure() time.
struct ResolvedJoin {
  sql::Expr condition;  // with placeholders
  // The terms of its top-level AND that equate a column of one side with one of the
  // other (in the order the condition names the sides: `a` of the first side given to
  // resolve_join, `b` of the second).
  struct Equality {
    const JoinColumn* a;
    const JoinColumn* b;
  };
  std::vector<Equality> equalities;
  std::size_t terms = 0;  // of the top-level AND
};

// Resolves the members of a user's condition between two sides (`first`, `second`: of
// parent, target, secondary) to placeholders; a member of neither side, or anything a
// join condition cannot hold, is a MappingError naming `relationship`.
ResolvedJoin resolve_join(const sql::Expr& condition, std::string_view relationship,
                          std::string_view which, JoinSide first, JoinSide second,
                          const Mapper& parent, const Mapper& target, const Table* secondary);

}  // namespace relate

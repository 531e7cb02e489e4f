// Many-to-many configuration: the association table a relationship() names (declared,
// or generated with both keys), and how each side's key matches its columns, through
// the table's foreign keys or the user's primaryjoin()/secondaryjoin(). Part of
// MetaData::configure().
#include <algorithm>
#include <cctype>

#include "join_condition.hpp"
#include "metadata_impl.hpp"

namespace relate {

namespace {

// "relate_test::Student" -> "student"
std::string column_prefix(std::string_view model) {
  if (const auto colons = model.rfind("::"); colons != std::string_view::npos) {
    model.remove_prefix(colons + 2);
  }
  std::string out;
  for (char c : model) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

namespace {

// The association columns of one side named by secondary_columns(), or none.
const std::vector<std::string>& named_columns(const RelationshipSpec& spec, bool parent_side) {
  return parent_side ? spec.secondary_parent_columns : spec.secondary_target_columns;
}

// The association table a many-to-many names: declared, or generated with both keys,
// all in its primary key. Its columns are named by secondary_columns(), or
// <model>_<column> (e.g. student_id).
Table& association_table(std::vector<std::unique_ptr<Table>>& tables, const RelationshipSpec& spec,
                         const std::string& relationship, const Mapper& parent,
                         const Mapper& target) {
  const std::string& table_name = *spec.secondary;
  for (const auto& t : tables) {
    if (t->name() == table_name) return *t;
  }
  if (&parent == &target && spec.secondary_parent_columns.empty()) {
    throw MappingError("relationship " + relationship +
                       ": a self-referential many-to-many names its association columns, "
                       "e.g. .secondary_columns(\"follower_id\", \"followed_id\")");
  }
  tables.push_back(std::make_unique<Table>(table_name));
  Table& secondary = *tables.back();
  for (const bool parent_side : {true, false}) {
    const Mapper& side = parent_side ? parent : target;
    const auto& names = named_columns(spec, parent_side);
    std::vector<const Column*> columns, referred;
    for (std::size_t i = 0; i < side.primary_key().size(); ++i) {
      const Column& key = *side.columns()[side.primary_key()[i]].column;
      const std::string name =
          names.empty() ? column_prefix(side.name()) + "_" + key.name() : names.at(i);
      Column& c = secondary.add_column(name, key.type());
      c.set_primary_key();
      columns.push_back(&c);
      referred.push_back(&key);
    }
    secondary.add_foreign_key(columns, side.table(), referred, spec.secondary_on_delete);
  }
  return secondary;
}

// How one side's key matches the association table's columns: through the foreign key
// whose columns secondary_columns() named, or through the table's one foreign key to the
// side's table.
std::vector<RelationshipProperty::SecondaryPair> secondary_pairs(
    const std::string& relationship, const Table& secondary, const Mapper& side,
    const std::vector<std::string>& named) {
  const ForeignKeyConstraint* found = nullptr;
  std::vector<std::string> sorted_named = named;
  std::sort(sorted_named.begin(), sorted_named.end());
  std::string existing;  // the foreign keys to the side's table, for the message
  for (const auto& fk : secondary.foreign_keys()) {
    if (fk.referred_table != &side.table()) continue;
    if (!named.empty()) {
      std::vector<std::string> names;
      for (const Column* c : fk.columns) names.push_back(c->name());
      std::string listed;
      for (const auto& n : names) listed += (listed.empty() ? "" : ", ") + n;
      existing += (existing.empty() ? "(" : ", (") + listed + ")";
      std::sort(names.begin(), names.end());
      if (names != sorted_named) continue;
    } else if (found) {
      throw MappingError("relationship " + relationship + ": association table '" +
                         secondary.name() + "' has more than one foreign key to '" +
                         side.table().name() + "'; name the columns with .secondary_columns()");
    }
    found = &fk;
  }
  if (!found) {
    std::string which;
    if (!named.empty()) {
      std::string listed;
      for (const auto& n : named) listed += (listed.empty() ? "" : ", ") + n;
      which = " on (" + listed + ") (secondary_columns); its foreign keys to it: " +
              (existing.empty() ? "none" : existing);
    }
    throw MappingError("relationship " + relationship + ": association table '" + secondary.name() +
                       "' has no foreign key to '" + side.table().name() + "'" + which);
  }
  std::vector<RelationshipProperty::SecondaryPair> pairs;
  for (std::size_t i = 0; i < found->columns.size(); ++i) {
    pairs.push_back({index_of_column(side, found->referred_columns[i]), found->columns[i]});
  }
  return pairs;
}

}  // namespace

RelationshipProperty& MetaDataImpl::configure_many_to_many(const RelationshipSpec& spec,
                                                           Mapper& parent,
                                                           const Mapper::RelationshipField& field,
                                                           Mapper& target) {
  const std::string name = member_name(spec.member);
  if (!field.collection) {
    throw MappingError("relationship " + name + ": a many-to-many (secondary) needs a many<" +
                       std::string(target.name()) + "> member");
  }
  const auto key_count = [](const Mapper& m) { return m.primary_key().size(); };
  if ((!spec.secondary_parent_columns.empty() &&
       spec.secondary_parent_columns.size() != key_count(parent)) ||
      (!spec.secondary_target_columns.empty() &&
       spec.secondary_target_columns.size() != key_count(target)) ||
      spec.secondary_parent_columns.empty() != spec.secondary_target_columns.empty()) {
    throw MappingError("relationship " + name +
                       ": secondary_columns() names one column per key column of each side");
  }
  Table& secondary = association_table(tables, spec, name, parent, target);
  RelationshipProperty& prop = make_property(parent, field, target);
  prop.direction_ = RelationshipDirection::many_to_many;
  prop.secondary_ = &secondary;
  prop.key_join_ = true;
  // Each side's condition: the user's, whose equalities are the columns written, or the
  // association table's foreign key to the side.
  for (const bool parent_side : {true, false}) {
    const sql::Expr& given = parent_side ? spec.primaryjoin : spec.secondaryjoin;
    auto& pairs = parent_side ? prop.parent_secondary_ : prop.target_secondary_;
    sql::Expr& condition = parent_side ? prop.primaryjoin_ : prop.secondaryjoin_;
    const Mapper& side = parent_side ? parent : target;
    const JoinSide join_side = parent_side ? JoinSide::parent : JoinSide::target;
    if (!given) {
      pairs = secondary_pairs(
          name, secondary, side,
          parent_side ? spec.secondary_parent_columns : spec.secondary_target_columns);
      for (const auto& pair : pairs) {
        // parent: association column = parent column; target: target = association.
        sql::Expr side_column = join_column(join_side, *side.columns()[pair.key].column, pair.key);
        sql::Expr association = join_column(JoinSide::secondary, *pair.column, 0);
        condition = sql::and_(
            condition, parent_side ? sql::binary(sql::BinaryOp::eq, association, side_column)
                                   : sql::binary(sql::BinaryOp::eq, side_column, association));
      }
      continue;
    }
    const ResolvedJoin join =
        resolve_join(given, name, parent_side ? "primaryjoin" : "secondaryjoin", join_side,
                     JoinSide::secondary, parent, target, &secondary);
    condition = join.condition;
    for (const auto& e : join.equalities) pairs.push_back({e.a->index, e.b->column});
    if (pairs.empty() && !spec.viewonly) {
      throw MappingError("relationship " + name + " " +
                         (parent_side ? "primaryjoin" : "secondaryjoin") +
                         ": it equates no column of '" + side.table().name() +
                         "' with one of the association table, so nothing says what to "
                         "write; add that equality, or make the relationship .viewonly()");
    }
    prop.key_join_ = prop.key_join_ && !pairs.empty() && join.terms == pairs.size();
  }
  return prop;
}

}  // namespace relate

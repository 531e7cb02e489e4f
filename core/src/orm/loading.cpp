#include <relate/orm/loading.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/schema.hpp>

#include "session_impl.hpp"

namespace relate {

sql::Select entity_select(const Mapper& mapper) {
  sql::Select s;
  s.from.table = &mapper.table();
  s.columns.reserve(mapper.columns().size());
  for (const auto& c : mapper.columns()) s.columns.push_back(sql::column(*c.column));
  return s;
}

sql::Expr relationship_criteria(const RelationshipProperty& rel, const InstanceState& parent) {
  const bool one_to_many = rel.direction() == RelationshipDirection::one_to_many;
  sql::Expr where;
  for (const auto& pair : rel.column_pairs()) {
    // Parent side value, target side column.
    const std::size_t parent_col = one_to_many ? pair.referenced : pair.foreign;
    const std::size_t target_col = one_to_many ? pair.foreign : pair.referenced;
    Value v = rel.parent().get(parent.object(), parent_col);
    if (v.is_null()) return nullptr;
    where = sql::and_(where, sql::binary(sql::BinaryOp::eq,
                                         sql::column(*rel.target().columns()[target_col].column),
                                         sql::param(std::move(v))));
  }
  return where;
}

std::optional<sql::Select> relationship_select(const RelationshipProperty& rel,
                                               const InstanceState& parent) {
  sql::Select query = entity_select(rel.target());
  if (rel.direction() == RelationshipDirection::many_to_many) {
    const Table& secondary = *rel.secondary();
    sql::Join join{sql::FromTable{&secondary, {}}, nullptr, false};
    for (const auto& pair : rel.target_secondary()) {
      join.on =
          sql::and_(join.on, sql::binary(sql::BinaryOp::eq, sql::column(*pair.column),
                                         sql::column(*rel.target().columns()[pair.key].column)));
    }
    query.joins.push_back(std::move(join));
    for (const auto& pair : rel.parent_secondary()) {
      Value v = rel.parent().get(parent.object(), pair.key);
      if (v.is_null()) return std::nullopt;
      query.where = sql::and_(query.where, sql::binary(sql::BinaryOp::eq, sql::column(*pair.column),
                                                       sql::param(std::move(v))));
    }
  } else {
    query.where = relationship_criteria(rel, parent);
    if (!query.where) return std::nullopt;
  }
  query.order_by = relationship_order(rel);
  return query;
}

std::vector<sql::OrderBy> relationship_order(const RelationshipProperty& rel) {
  std::vector<sql::OrderBy> out;
  for (const auto& o : rel.order_by()) {
    out.push_back(
        sql::OrderBy{sql::column(*rel.target().columns()[o.column].column), o.descending});
  }
  return out;
}

std::vector<Value> foreign_key_target(const RelationshipProperty& rel,
                                      const InstanceState& parent) {
  // The target's primary key, in primary key order, from the parent's foreign key.
  std::vector<Value> key;
  for (std::size_t pk : rel.target().primary_key()) {
    bool found = false;
    for (const auto& pair : rel.column_pairs()) {
      if (pair.referenced == pk) {
        key.push_back(rel.parent().get(parent.object(), pair.foreign));
        found = true;
      }
    }
    if (!found) return {};  // the foreign key refers to a unique key, not the primary key
  }
  return key;
}

std::vector<InstanceState*> load_entities(SessionImpl& session, const Mapper& mapper,
                                          const sql::Select& query,
                                          const std::shared_ptr<LoadContext>& context) {
  auto cursor = session.connection().execute(query);
  std::vector<InstanceState*> out;
  while (cursor->next()) out.push_back(session.instance_from_row(mapper, *cursor, context));
  return out;
}

InstanceState* identity_lookup(SessionImpl& session, const Mapper& mapper,
                               const std::vector<Value>& key) {
  return session.lookup(mapper, key);
}

}  // namespace relate

// Aliases of a model and relationships as expressions.
//
//   auto parent = relate::aliased<Category>();
//   select<Category>().join(&Category::parent, parent).where(parent(&Category::name) == "Books")
//   select<Author>().where(col(&Author::books).any(col(&Book::year) > 2000))
//
// An alias is the same model under another name in one query (SQLAlchemy's aliased()),
// so a self-referential model can be joined to itself. A relationship member gives a
// RelationshipPath: what join() follows, and any() / has() make a correlated EXISTS of.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <relate/orm/expression.hpp>

namespace relate {

// A relationship from a model, or from an alias of it.
struct RelationshipPath {
  MemberRef member;
  std::uint64_t from_alias = 0;

  // EXISTS a related row (matching `condition`): for a collection, SQLAlchemy's any().
  Condition any() const { return predicate(nullptr); }
  Condition any(const Condition& condition) const { return predicate(condition.expr()); }
  // The same for a one<> (many-to-one, one-to-one): SQLAlchemy's has().
  Condition has() const { return predicate(nullptr); }
  Condition has(const Condition& condition) const { return predicate(condition.expr()); }

 private:
  Condition predicate(sql::Expr condition) const {
    return Condition(sql::make_node(sql::Deferred{
        std::make_shared<const RelationshipPredicate>(member, from_alias, std::move(condition))}));
  }
};

// col(&Author::books): the relationship, for any()/has() and join().
template <class T, class M>
requires(detail::is_relationship_member<M>) RelationshipPath col(M T::*member) {
  return RelationshipPath{detail::member_ref(member), 0};
}

namespace detail {
RELATE_API std::uint64_t next_alias_id();
}

struct NamedQuery;

// What an alias names when it is a common table expression (cte.hpp): the CTE's
// definition, owned by every query that refers to it except the CTE's own recursive
// part (which holds `definition` alone, so that a definition does not own itself).
struct CteReference {
  std::shared_ptr<const NamedQuery> owned;
  const NamedQuery* definition = nullptr;  // null: a plain alias
};

template <class T>
class Alias {
 public:
  Alias() : id_(detail::next_alias_id()) {}
  std::uint64_t id() const { return id_; }
  // Set when the alias names a CTE (Cte<T>).
  const CteReference& cte() const { return cte_; }

  // A column of the alias: parent(&Category::name).
  template <class M>
  requires(!detail::is_relationship_member<M>) Expression<M>
  operator()(M T::*member) const {
    return Expression<M>(detail::member_expr(detail::member_ref(member), id_, cte_.owned));
  }
  // A relationship from the alias, to join or test.
  template <class M>
  requires(detail::is_relationship_member<M>) RelationshipPath operator()(M T::*member) const {
    return RelationshipPath{detail::member_ref(member), id_};
  }

 protected:
  CteReference cte_;

 private:
  std::uint64_t id_;
};

template <class T>
Alias<T> aliased() {
  return Alias<T>();
}

}  // namespace relate

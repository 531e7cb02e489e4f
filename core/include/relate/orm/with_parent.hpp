// with_parent: the rows a relationship of one object holds, as a condition on the
// relationship's target (SQLAlchemy's with_parent()):
//
//   session.scalars(select<Book>().where(relate::with_parent(ann, &Author::books))
//                                 .where(col(&Book::year) > 2000))
//
// The object's key (or, for a many-to-one, its foreign key) is read when the query
// runs, as bound parameters; a many-to-many tests its association table. A key that
// is NULL (an object not flushed yet) matches no row. With an alias, the condition is
// on that alias of the target.
#pragma once

#include <cstdint>
#include <relate/export.hpp>
#include <relate/orm/alias.hpp>
#include <relate/orm/instance.hpp>
#include <type_traits>

namespace relate {

struct RELATE_API ParentCriterion : sql::DeferredRef {
  ParentCriterion(MemberRef r, std::uint64_t a) : relationship(r), alias(a) {}
  MemberRef relationship;
  std::uint64_t alias = 0;  // of the relationship's target
  // The object whose relationship it is.
  virtual InstanceState* parent() const = 0;
  std::string describe() const override;
};

namespace detail {
template <class P>
struct ParentCriterionOf final : ParentCriterion {
  ParentCriterionOf(MemberRef r, std::uint64_t a, ptr<P> p)
      : ParentCriterion(r, a), object(std::move(p)) {}
  ptr<P> object;  // kept alive until the query has run
  InstanceState* parent() const override { return object.state(); }
};

template <class P, class M>
Condition with_parent(const ptr<P>& parent, M P::*relationship, std::uint64_t alias) {
  return Condition(sql::make_node(sql::Deferred{std::make_shared<const ParentCriterionOf<P>>(
      member_ref(relationship), alias, parent)}));
}
}  // namespace detail

template <class P, class M>
requires(detail::is_relationship_member<M>) Condition with_parent(const ptr<P>& parent,
                                                                  M P::*relationship) {
  return detail::with_parent(parent, relationship, 0);
}
template <class P, class M, class A>
requires(detail::is_relationship_member<M>) Condition with_parent(const ptr<P>& parent,
                                                                  M P::*relationship,
                                                                  const Alias<A>& target) {
  static_assert(std::is_same_v<typename detail::relationship_target<M>::type, A>,
                "with_parent(parent, member, alias): the alias is not of the model the "
                "relationship refers to");
  return detail::with_parent(parent, relationship, target.id());
}

}  // namespace relate

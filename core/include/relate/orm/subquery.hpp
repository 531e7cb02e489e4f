// A query of a model's rows as a FROM source, as SQLAlchemy's
// aliased(Book, select(Book).where(...).subquery()):
//
//   // The three newest books; then those of them by Ann, and the cheap ones.
//   auto newest = relate::subquery(relate::select<Book>().order_by(relate::desc(&Book::year))
//                                      .limit(3));
//   session.scalars(relate::select(newest).join(newest(&Book::author))
//                       .where(relate::col(&Author::name) == "Ann"));
//   session.scalars(relate::select(newest).where(newest(&Book::price) < 10.0));
//
// A Subquery<T> is an alias of T (alias.hpp) whose rows are those of its query: the
// statement reads FROM (SELECT ...) AS name. Its columns are T's, so its rows load as
// objects of T through the identity map, and newest(&T::member) names a column of it
// anywhere an alias's column goes; it joins (along relationships from it, or ON a
// condition) like any alias. Unlike a CTE it is written where it is used, so a LIMIT,
// an ORDER BY or a DISTINCT inside it applies before the query around it filters,
// joins or counts. Its body sees no query around it (no LATERAL).
#pragma once

#include <memory>
#include <relate/orm/cte.hpp>
#include <string>

namespace relate {

template <class T>
class Subquery : public Alias<T> {
 public:
  // Never changed once made (unlike a Cte's, which gains its recursive part), so the
  // alias's reference is its only owner.
  Subquery(const Select<T>& query, std::string name) {
    auto def = std::make_shared<NamedQuery>();
    def->name = std::move(name);
    def->entity = typeid(T);
    def->anchor = query.spec();
    def->subquery = true;
    this->cte_ = CteReference{def, def.get()};
  }
};

// The rows of `query` as a FROM source; `name` is its alias in the statement (empty:
// one the statement makes up).
template <class T>
Subquery<T> subquery(const Select<T>& query, std::string name = {}) {
  return Subquery<T>(query, std::move(name));
}

// A column select as a FROM source, its rows read as those of the row struct R: one
// field per column of the select, of the column's C++ type, whose names are the
// subquery's column names (SQLAlchemy's select(...).subquery() and its .c):
//
//   struct BookCount { std::int64_t author_id; std::int64_t books; };
//   auto counts = relate::subquery<BookCount>(
//       relate::select(&Book::author_id, relate::count(&Book::id)).group_by(&Book::author_id));
//   session.execute(relate::select(&Author::name, counts(&BookCount::books))
//                       .join(counts, relate::col(&Author::id) == counts(&BookCount::author_id)));
template <class R>
class RowSubquery : public Alias<R> {
 public:
  template <class... Ts>
  RowSubquery(const RowSelect<Ts...>& query, std::string name) {
    auto def = detail::row_definition<R>(std::move(name), query, true);
    this->cte_ = CteReference{def, def.get()};
  }
};

template <class R, class... Ts>
RowSubquery<R> subquery(const RowSelect<Ts...>& query, std::string name = {}) {
  return RowSubquery<R>(query, std::move(name));
}

}  // namespace relate

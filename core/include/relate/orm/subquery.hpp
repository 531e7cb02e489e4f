// A query of a model's rows as a FROM source, as SQLAlchemy's
// aliased(Book, select(Book).where(...).subquery()):
//
//   // The three newest books, then those of them by Ann.
//   auto newest = relate::subquery(relate::select<Book>().order_by(relate::desc(&Book::year))
//                                      .limit(3));
//   session.scalars(relate::select(newest).join(&Book::author, ...)...);
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
  Subquery(const Select<T>& query, std::string name) {
    def_ = std::make_shared<CteDefinition>();
    def_->name = std::move(name);
    def_->entity = typeid(T);
    def_->anchor = query.spec();
    def_->subquery = true;
    this->cte_ = CteReference{def_, def_.get()};
  }

 private:
  std::shared_ptr<CteDefinition> def_;
};

// The rows of `query` as a FROM source; `name` is its alias in the statement (empty:
// one the statement makes up).
template <class T>
Subquery<T> subquery(const Select<T>& query, std::string name = {}) {
  return Subquery<T>(query, std::move(name));
}

}  // namespace relate

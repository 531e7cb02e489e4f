// Bulk UPDATE and DELETE through the Session, as SQLAlchemy 2.0's update() / delete()
// executed by session.execute():
//
//   session.execute(relate::update<Book>()
//                       .where(relate::col(&Book::year) == 2019)
//                       .set(&Book::price, relate::col(&Book::price) * 0.9));
//   session.execute(relate::delete_<Book>().where(relate::col(&Book::year) < 1900));
//
// The Session flushes first, then runs one statement. With SynchronizeSession::fetch
// (the default) it reads the keys of the matching rows before, and afterwards the
// objects it holds for them show what the database holds: updated objects are read
// again, deleted ones become deleted (detached at commit) and leave loaded
// relationships, as after a flush. SynchronizeSession::evaluate finds those objects
// without a statement, computing the WHERE for each in memory, and gives them the SET
// values computed the same way (as SQLAlchemy's evaluate); only what every backend
// computes as memory does is evaluated (docs/queries.md), a WHERE with anything else
// is refused before any statement (InvalidRequestError), and where memory cannot be
// sure for a row (an overflow, say) Relate reads the database as fetch does.
// SynchronizeSession::none leaves the objects as they are, which can show values the
// database no longer holds: only for sessions that hold no object of the model.
#pragma once

#include <cstdint>
#include <relate/errors.hpp>
#include <relate/orm/expression.hpp>
#include <relate/orm/mapping_options.hpp>
#include <string>
#include <typeindex>
#include <utility>
#include <vector>

namespace relate {

enum class SynchronizeSession { fetch, evaluate, none };

namespace detail {
enum class BulkWrite { update, remove };
}

struct BulkSpec {
  std::vector<std::pair<MemberRef, sql::Expr>> values;  // UPDATE: SET member = expression
  sql::Expr where;
  SynchronizeSession synchronize = SynchronizeSession::fetch;
  // RETURNING these members' columns: of the rows an UPDATE changed, as it left them;
  // of the rows a DELETE deleted, as they were.
  std::vector<MemberRef> returning;
};

// An update<T>() or delete_<T>() with returning(members...): executed, it gives the
// rows it wrote as Rows of the members' types (relate/orm/rows.hpp), as SQLAlchemy
// 2.0's update(...).returning(...). Where the backend has RETURNING (SQLite,
// PostgreSQL); MySQL and MariaDB refuse it with ArgumentError before any statement.
template <class T, class... Ms>
class Returning {
 public:
  Returning(BulkSpec spec, detail::BulkWrite write) : spec_(std::move(spec)), write_(write) {}
  const BulkSpec& spec() const { return spec_; }
  detail::BulkWrite write() const { return write_; }

 private:
  BulkSpec spec_;
  detail::BulkWrite write_;
};

namespace detail {
template <class T, class... Ms>
Returning<T, Ms...> returning(BulkSpec spec, BulkWrite write, Ms T::*... members) {
  static_assert(sizeof...(Ms) > 0, "relate: returning() names at least one member");
  static_assert((!is_relationship_member<Ms> && ...),
                "relate: returning() takes column members, not relationships");
  (spec.returning.push_back(member_ref(members)), ...);
  return Returning<T, Ms...>(std::move(spec), write);
}
}  // namespace detail

template <class T>
class Update {
 public:
  Update& where(const Condition& c) {
    spec_.where = sql::and_(spec_.where, c.expr());
    return *this;
  }
  // SET member = value (anything that converts to the member's type) or expression
  // (whose C++ type goes with the member's).
  template <class M, class V>
  Update& set(M T::*member, const V& value) {
    using Target = detail::value_of<M>;
    if constexpr (is_expression<V>) {
      static_assert(detail::comparable<M, typename V::type>,
                    "relate: the expression's C++ type ('V') does not go with the member's ('M')");
      static_assert(!std::is_integral_v<Target> ||
                        !std::is_floating_point_v<detail::value_of<typename V::type>>,
                    "relate: a floating-point expression set into an integer member is rounded "
                    "differently by each backend (SQLite even keeps the fraction): round() or "
                    "cast() it first");
      spec_.values.emplace_back(detail::member_ref(member), value.expr());
    } else {
      static_assert(std::is_convertible_v<const V&, M> || std::is_convertible_v<const V&, Target>,
                    "relate: the value does not convert to the member's type");
      static_assert(!std::is_integral_v<Target> || !std::is_floating_point_v<V>,
                    "relate: a floating-point value set into an integer member would lose its "
                    "fraction: convert it yourself");
      if constexpr (std::is_integral_v<V> && std::is_integral_v<Target> &&
                    !std::is_same_v<V, bool> && !std::is_same_v<Target, bool>) {
        if (!std::in_range<Target>(value)) {
          throw DataError("update<" + std::string(detail::member_ref(member).model_name) +
                          ">().set(" + std::string(detail::member_ref(member).member_name) + ", " +
                          std::to_string(value) + "): the value does not fit the member");
        }
      }
      spec_.values.emplace_back(detail::member_ref(member),
                                sql::param(column_traits<M>::to_value(M(value))));
    }
    return *this;
  }
  Update& synchronize_session(SynchronizeSession s) {
    spec_.synchronize = s;
    return *this;
  }
  template <class... Ms>
  Returning<T, Ms...> returning(Ms T::*... members) const {
    return detail::returning(spec_, detail::BulkWrite::update, members...);
  }
  const BulkSpec& spec() const { return spec_; }

 private:
  BulkSpec spec_;
};

template <class T>
class Delete {
 public:
  Delete& where(const Condition& c) {
    spec_.where = sql::and_(spec_.where, c.expr());
    return *this;
  }
  Delete& synchronize_session(SynchronizeSession s) {
    spec_.synchronize = s;
    return *this;
  }
  template <class... Ms>
  Returning<T, Ms...> returning(Ms T::*... members) const {
    return detail::returning(spec_, detail::BulkWrite::remove, members...);
  }
  const BulkSpec& spec() const { return spec_; }

 private:
  BulkSpec spec_;
};

template <class T>
Update<T> update() {
  return Update<T>();
}
// delete is a C++ keyword.
template <class T>
Delete<T> delete_() {
  return Delete<T>();
}

}  // namespace relate

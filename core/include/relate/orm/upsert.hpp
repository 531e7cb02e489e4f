// Upsert, one portable call: insert rows, and where a row's unique key is taken, update
// chosen members of the existing row from it, or leave that row alone.
//
//   session.execute(relate::upsert(std::vector<Tag>{{.name = "new", .uses = 1}})
//                       .on_conflict(&Tag::name)
//                       .do_update(&Tag::uses));
//
// ON CONFLICT on SQLite and PostgreSQL, ON DUPLICATE KEY UPDATE on MySQL/MariaDB, where
// any unique key fires it: there, a table with another unique key the rows carry is
// refused (ArgumentError) rather than updated through the wrong key. The Session
// flushes first; afterwards the objects it holds for the rows' keys are read again.
#pragma once

#include <relate/orm/mapping_options.hpp>
#include <relate/orm/member_ref.hpp>
#include <utility>
#include <vector>

namespace relate {

struct UpsertSpec {
  std::vector<MemberRef> target;
  std::vector<MemberRef> update;  // empty: do nothing on a conflict
};

template <class T>
class Upsert {
 public:
  explicit Upsert(std::vector<T> rows) : rows_(std::move(rows)) {}

  // The unique key (the members of a primary key, unique() or unique index) that
  // decides whether a row is new.
  template <class... M>
  Upsert& on_conflict(M T::*... key) {
    spec_.target = {detail::member_ref(key)...};
    return *this;
  }
  // On a conflict, these members of the existing row take the new row's values.
  template <class... M>
  Upsert& do_update(M T::*... members) {
    spec_.update = {detail::member_ref(members)...};
    return *this;
  }
  Upsert& do_nothing() {
    spec_.update.clear();
    return *this;
  }
  const std::vector<T>& rows() const { return rows_; }
  const UpsertSpec& spec() const { return spec_; }

 private:
  std::vector<T> rows_;
  UpsertSpec spec_;
};

template <class T>
Upsert<T> upsert(std::vector<T> rows) {
  return Upsert<T>(std::move(rows));
}

}  // namespace relate

// The options of MetaData::table<T>(): primary_key, unique, index, column, foreign_key
// and foreign_key_constraint, all written with member pointers. Each option records
// type-erased member references; MetaData::configure() resolves them to columns.
#pragma once

#include <optional>
#include <relate/export.hpp>
#include <relate/orm/member_ref.hpp>
#include <relate/orm/model_reflection.hpp>
#include <relate/schema.hpp>
#include <relate/sql/expression.hpp>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

namespace relate {

struct PrimaryKeyOption {
  std::vector<MemberRef> members;
  std::optional<bool> autoincrement;
  PrimaryKeyOption& no_autoincrement() {
    autoincrement = false;
    return *this;
  }
};

template <class T, class... M>
PrimaryKeyOption primary_key(M T::*... members) {
  return PrimaryKeyOption{{detail::member_ref(members)...}, std::nullopt};
}

struct UniqueOption {
  std::vector<MemberRef> members;
  std::string name;
};

template <class T, class... M>
UniqueOption unique(M T::*... members) {
  return UniqueOption{{detail::member_ref(members)...}, {}};
}

struct IndexOption {
  std::vector<MemberRef> members;
  bool unique = false;
  std::string name;
};

template <class T, class... M>
IndexOption index(M T::*... members) {
  return IndexOption{{detail::member_ref(members)...}, false, {}};
}

// Per-column settings: relate::column(&User::email).name("email_address").
struct RELATE_API ColumnOption {
  MemberRef member;
  std::optional<std::string> column_name;
  std::optional<bool> is_nullable;
  std::optional<Value> default_value;

  ColumnOption& name(std::string n) {
    column_name = std::move(n);
    return *this;
  }
  ColumnOption& nullable(bool v = true) {
    is_nullable = v;
    return *this;
  }
  ColumnOption& default_(Value v);
};

template <class T, class M>
ColumnOption column(M T::*member) {
  return ColumnOption{detail::member_ref(member), {}, {}, {}};
}

struct ForeignKeyOption {
  std::vector<MemberRef> columns;
  std::vector<MemberRef> referred;
  std::optional<ReferentialAction> delete_action;
  std::optional<ReferentialAction> update_action;
  std::string constraint_name;
  bool force_not_null = false;

  ForeignKeyOption& on_delete(ReferentialAction a) {
    delete_action = a;
    return *this;
  }
  ForeignKeyOption& on_update(ReferentialAction a) {
    update_action = a;
    return *this;
  }
  ForeignKeyOption& name(std::string n) {
    constraint_name = std::move(n);
    return *this;
  }
  // Makes the foreign key column NOT NULL even if its member is std::optional.
  ForeignKeyOption& not_null() {
    force_not_null = true;
    return *this;
  }
};

// foreign_key(&Post::user_id, &User::id)
template <class T, class M, class R, class N>
ForeignKeyOption foreign_key(M T::*column, N R::*referred) {
  ForeignKeyOption o;
  o.columns = {detail::member_ref(column)};
  o.referred = {detail::member_ref(referred)};
  return o;
}

// A list of members for composite constraints: members(&A::x, &A::y).
struct MemberList {
  std::vector<MemberRef> refs;
};
template <class T, class... M>
MemberList members(M T::*... m) {
  return MemberList{{detail::member_ref(m)...}};
}

// foreign_key_constraint(members(&A::x, &A::y), members(&B::x, &B::y))
inline ForeignKeyOption foreign_key_constraint(MemberList columns, MemberList referred) {
  ForeignKeyOption o;
  o.columns = std::move(columns.refs);
  o.referred = std::move(referred.refs);
  return o;
}

}  // namespace relate

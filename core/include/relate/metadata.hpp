// MetaData: the tables of a database and, for the ORM, how models map onto them.
//
//   relate::MetaData blog = relate::MetaData{}
//     .table<User>("users", relate::primary_key(&User::id))
//     .table<Post>("posts", relate::primary_key(&Post::id),
//                  relate::foreign_key(&Post::user_id, &User::id).on_delete(relate::cascade))
//     .relationship(&User::posts, &Post::author);
//
// Declared once, after every model is complete. Mistakes are MappingErrors thrown by
// configure(), which create_all, Session and queries call first, or which an
// application calls at start-up. MetaData is a handle: copies share the same tables.
#pragma once

#include <memory>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/errors.hpp>
#include <relate/export.hpp>
#include <relate/orm/attributes.hpp>
#include <relate/orm/events.hpp>
#include <relate/orm/expression.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/mapping_options.hpp>
#include <relate/orm/model_layout.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/reflect.hpp>
#include <relate/schema.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <variant>
#include <vector>

namespace relate {

class MetaDataImpl;
class RelationshipBuilder;

using TableOption =
    std::variant<PrimaryKeyOption, UniqueOption, IndexOption, ColumnOption, ForeignKeyOption>;

// Built in templates that run in the application's code: every member a declaration
// may leave out has an initializer, so that -Wextra (-Wmissing-field-initializers) has
// nothing to say there.
struct RelationshipSpec {
  MemberRef member;
  std::optional<MemberRef> back_populates{};
  std::optional<std::string> cascade{};
  PassiveDeletes passive_deletes = PassiveDeletes::off;
  std::optional<std::string> lazy{};
  std::vector<std::pair<MemberRef, bool>> order_by{};  // (member, descending)
  std::vector<MemberRef> foreign_keys{};
  std::optional<std::string> secondary{};
  // The association columns that refer to each side's key: the relationship's own
  // model (parent) and its target. Empty: found through the foreign keys.
  std::vector<std::string> secondary_parent_columns{};
  std::vector<std::string> secondary_target_columns{};
  std::optional<ReferentialAction> secondary_on_delete{};
  bool post_update = false;
  // A join condition of the user's (members unresolved); null: the foreign keys'.
  sql::Expr primaryjoin{};
  sql::Expr secondaryjoin{};
  bool viewonly = false;
};

namespace detail {

// The options of one table<T>() call, collected by the library's code.
class RELATE_API TableOptions {
 public:
  TableOptions();
  TableOptions(const TableOptions&) = delete;
  TableOptions& operator=(const TableOptions&) = delete;
  ~TableOptions();

  void add(PrimaryKeyOption option);
  void add(UniqueOption option);
  void add(IndexOption option);
  void add(ColumnOption option);
  void add(ForeignKeyOption option);

  std::vector<TableOption> take();

 private:
  std::vector<TableOption> options_;
};

template <class M>
struct member_pointer_parts;
template <class T, class M>
struct member_pointer_parts<M T::*> {
  using model = T;
  using member = M;
};

}  // namespace detail

class RELATE_API MetaData {
 public:
  MetaData();

  // Core: a table built at run time.
  Table& add_table(std::string name);
  // The table of that name; throws ArgumentError naming it.
  const Table& get_table(std::string_view name) const;
  // Tables in declaration order, and in foreign-key dependency order (referenced
  // tables first).
  std::vector<const Table*> tables() const;
  std::vector<const Table*> sorted_tables() const;

  // ORM: maps model T to a new table. Members become columns named after them, except
  // one<X> and many<X>, which are relationships.
  template <class T, class... Options>
  MetaData& table(std::string name, Options... options) {
    detail::TableOptions list;
    (list.add(std::move(options)), ...);
    add_mapper(detail::model_layout<T>(), std::move(name), list);
    return *this;
  }

  // relationship(&User::posts, &Post::author): both sides, back_populates.
  // relationship(&User::posts): one side only.
  template <class A, class B>
  RelationshipBuilder relationship(A member, B back_populates);
  template <class A>
  RelationshipBuilder relationship(A member);

  // The mapper of a model; throws MappingError naming the type if it is not mapped.
  const Mapper& mapper(std::type_index type, std::string_view type_name = {}) const;
  template <class T>
  const Mapper& mapper() const {
    return mapper(typeid(T), detail::type_name<T>());
  }
  const Mapper* find_mapper(std::type_index type) const;

  // Events (relate/orm/events.hpp) for every Session of this mapping: a session
  // event's listener, or a mapper event's for model T (mapped already; MappingError
  // otherwise). Register them before Sessions use the MetaData (not thread-safe).
  MetaData& on(SessionEvent event, SessionListener listener);
  template <class T>
  MetaData& on(MapperEvent event, std::function<void(Session&, T&)> listener) {
    mapper<T>();
    add_listener(typeid(T), event, detail::typed_listener<T>(std::move(listener)));
    return *this;
  }

  // Resolves members, foreign keys and relationships; throws MappingError. Runs once;
  // later calls return at once.
  void configure() const;

  // Binds a new object (relate::make(metadata, T{...})) to the mapper of `type`:
  // configures first; MappingError if the type is not mapped here.
  void bind_new(InstanceState& state, std::type_index type, std::string_view type_name) const;

  MetaDataImpl& impl() const { return *impl_; }

 private:
  friend class RelationshipBuilder;
  void add_mapper(const detail::ModelLayout& layout, std::string name,
                  detail::TableOptions& options);
  void add_listener(std::type_index model, MapperEvent event, detail::MapperListener listener);
  std::size_t add_relationship(MemberRef member, std::optional<MemberRef> back_populates);
  RelationshipSpec& relationship_spec(std::size_t i);

  std::shared_ptr<MetaDataImpl> impl_;
};

// A new transient object bound to `metadata`'s mapping of T: its relationships sync
// both ways from the start (kim->team = rovers puts kim in rovers->players at once).
// relate::make(T{...}) without a MetaData makes an unbound object, whose
// relationships sync once it is bound: when it joins a Session, or when an object of
// one links to it.
template <class T>
ptr<T> make(const MetaData& metadata, T value) {
  // Bound to this MetaData only, never first through a member's object (whose
  // MetaData may be another).
  auto graph = std::make_shared<detail::ObjectGraph>();
  ptr<T> object = ptr<T>::from_state(detail::adopt_new(*graph, std::move(value), false));
  metadata.bind_new(*object.state(), typeid(T), detail::type_name<T>());
  return object;
}

// Returned by MetaData::relationship(); configures the relationship and carries on
// declaring the MetaData.
class RELATE_API RelationshipBuilder {
 public:
  RelationshipBuilder(MetaData metadata, std::size_t index)
      : metadata_(std::move(metadata)), index_(index) {}

  // "save-update, merge" (default), "all", "all, delete-orphan", ...
  RelationshipBuilder& cascade(std::string options);
  RelationshipBuilder& passive_deletes(bool on = true);
  // passive_deletes("all"). (A const char* overload: a string literal would
  // otherwise convert to bool.)
  RelationshipBuilder& passive_deletes(std::string_view mode);
  RelationshipBuilder& passive_deletes(const char* mode) {
    return passive_deletes(std::string_view(mode));
  }
  // The default loader strategy: "lazy", "joined", "selectin", "raise", "noload", or a
  // registered plugin's name.
  RelationshipBuilder& lazy(std::string strategy);
  template <class T, class M>
  RelationshipBuilder& order_by(M T::*member, bool descending = false) {
    return add_order_by(detail::member_ref(member), descending);
  }
  // The other side's member, configured as its back_populates (SQLAlchemy's backref).
  template <class T, class M>
  RelationshipBuilder& backref(M T::*member) {
    return set_backref(detail::member_ref(member));
  }
  // Many-to-many through an association table. A table of that name declared in the
  // MetaData (add_table) is used as is; otherwise Relate generates it: one column per
  // key column of each side, named <model>_<column> (e.g. student_id), a composite
  // primary key of all of them, and a foreign key to each side.
  RelationshipBuilder& secondary(std::string table);
  // The association columns that refer to this relationship's model (`parent`) and to
  // its target, in the order of each side's key columns. Needed where the association
  // table has more than one foreign key to a side's table, above all for a
  // self-referential many-to-many (followers and following: "follower_id",
  // "followed_id"). A generated association table takes these names.
  RelationshipBuilder& secondary_columns(std::vector<std::string> parent,
                                         std::vector<std::string> target);
  RelationshipBuilder& secondary_columns(std::string parent, std::string target);
  // ON DELETE of the generated association table's foreign keys (default NO ACTION:
  // the ORM deletes association rows itself).
  RelationshipBuilder& secondary_on_delete(ReferentialAction action);
  // Writes this relationship's foreign key with a second UPDATE after both rows exist,
  // for rows that refer to each other (SQLAlchemy's post_update).
  RelationshipBuilder& post_update(bool on = true);
  // The join condition, when it is more than a foreign key's equality (SQLAlchemy's
  // primaryjoin): a condition on members of the two models, e.g.
  //   col(&User::id) == col(&Post::user_id) && col(&Post::published) == true
  // Its equalities between a foreign key and the columns it refers to are what the
  // unit of work writes; the rest only narrows what is loaded. In a self-referential
  // relationship, remote(&Node::parent_id) names the target's side. For a
  // many-to-many, the condition between the parent and the association table
  // (secondary_col<T>("column") names its columns).
  RelationshipBuilder& primaryjoin(const Condition& condition);
  // A many-to-many's condition between the association table and the target.
  RelationshipBuilder& secondaryjoin(const Condition& condition);
  // Loaded by every strategy and usable in queries, never written: changing it is an
  // InvalidRequestError, and no flush, cascade or deletion follows it. Its condition
  // needs no foreign key.
  RelationshipBuilder& viewonly(bool on = true);
  // The foreign key columns to join by, when more than one path exists.
  template <class T, class... M>
  RelationshipBuilder& foreign_keys(M T::*... members) {
    (add_foreign_key(detail::member_ref(members)), ...);
    return *this;
  }

  template <class T, class... Options>
  MetaData& table(std::string name, Options... options) {
    return metadata_.table<T>(std::move(name), std::move(options)...);
  }
  template <class... A>
  RelationshipBuilder relationship(A... members) {
    return metadata_.relationship(members...);
  }
  operator MetaData() const { return metadata_; }
  MetaData& metadata() { return metadata_; }

 private:
  // What the templates above do once they have the member.
  RelationshipBuilder& add_order_by(MemberRef member, bool descending);
  RelationshipBuilder& set_backref(MemberRef member);
  void add_foreign_key(MemberRef member);
  RelationshipSpec& spec() { return metadata_.relationship_spec(index_); }
  MetaData metadata_;
  std::size_t index_;
};

template <class A, class B>
RelationshipBuilder MetaData::relationship(A member, B back_populates) {
  using MA = typename detail::member_pointer_parts<A>::member;
  using MB = typename detail::member_pointer_parts<B>::member;
  static_assert(detail::relationship_member<MA>::value && detail::relationship_member<MB>::value,
                "relationship() takes members of type relate::one<T> or relate::many<T>");
  return RelationshipBuilder(
      *this, add_relationship(detail::member_ref(member), detail::member_ref(back_populates)));
}

template <class A>
RelationshipBuilder MetaData::relationship(A member) {
  using MA = typename detail::member_pointer_parts<A>::member;
  static_assert(detail::relationship_member<MA>::value,
                "relationship() takes members of type relate::one<T> or relate::many<T>");
  return RelationshipBuilder(*this, add_relationship(detail::member_ref(member), std::nullopt));
}

}  // namespace relate

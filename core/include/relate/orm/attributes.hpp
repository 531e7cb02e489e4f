// Relationship members of a model: relate::one<T> (a reference to one object:
// many-to-one, or one-to-one with uselist=False) and relate::many<T> (a collection:
// one-to-many, many-to-many). They are plain members of the aggregate; once the object
// is bound to its mapper they load on first access through the relationship's loader
// strategy and keep the other side of a back_populates pair in sync at once, before
// any flush.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <relate/export.hpp>
#include <relate/orm/instance.hpp>
#include <relate/reflect.hpp>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace relate {

class RelationshipProperty;

// The non-template half of one<T> and many<T>: binding to the owning object, load
// state, change history, and the type-erased operations the session and the loader
// strategies use.
class RELATE_API RelationshipAttribute {
 public:
  virtual ~RelationshipAttribute();

  // True when the attribute holds its database value (or the object is new).
  bool is_loaded() const { return loaded_; }
  InstanceState* owner() const { return owner_; }
  const RelationshipProperty* property() const { return property_; }

  // Type-erased access for the session and loader strategies. These never load,
  // never back-populate and never cascade; raw_append expects an item already in the
  // owner's object graph.
  virtual std::size_t raw_size() const = 0;
  virtual InstanceState* raw_at(std::size_t i) const = 0;
  virtual void raw_append(InstanceState* item) = 0;
  virtual bool raw_remove(const InstanceState* item) = 0;
  virtual void raw_clear() = 0;
  // Room for `n` items (a collection reserves it; a reference has it).
  virtual void raw_reserve(std::size_t n);
  bool raw_contains(const InstanceState* item) const;

  // Makes the attribute hold `items` (at most one for a reference), through the
  // operations of the typed API below, with their events: what leaves is removed, what
  // is new is appended (a reference is replaced). Loads first. (Session::merge().)
  void replace_items(const std::vector<InstanceState*>& items);

  // Installs loaded items, merging changes made while unloaded (back-population onto
  // an unloaded collection is recorded, not loaded for).
  void set_loaded(std::span<InstanceState* const> items);
  // Forgets the value: the next access loads it again.
  void expire();
  // The owner has no row any more (an undo took back its insert): an unloaded
  // collection with links queued on it holds them, since no row can add to them. (A
  // many-to-one's target has a row of its own: it stays unloaded.)
  void settle_without_row();
  // What an unloaded attribute holds besides its value: the changes queued for its
  // load, and its history. A load can be undone with it (a failed flush leaves the
  // relationships it loaded as they were before it).
  struct Unloaded;
  std::shared_ptr<const Unloaded> unloaded_state() const;
  void unload(const Unloaded& before);

  // Binds the attribute to its owner; items it held while unbound join the owner's
  // object graph.
  void bind(InstanceState* owner, const RelationshipProperty* property, bool loaded);
  // The object an unbound attribute is a member of (an object relate::make made, bound
  // to no mapper yet); items it held join the owner's object graph.
  void set_owner(InstanceState* owner);

  // History since the last flush, for the unit of work.
  bool modified() const { return modified_; }
  // Items appended / removed through this attribute (or the other side of its pair)
  // since the last flush. A removal cancels an append of a many-to-many link (an item
  // appended and removed again is in neither); an append cancels a removal.
  const std::vector<InstanceState*>& added() const {
    return changes_ ? changes_->added : no_items();
  }
  const std::vector<InstanceState*>& removed() const {
    return changes_ ? changes_->removed : no_items();
  }
  void clear_history();
  // A flush wrote the links of `appended` (`written`), or the transaction that wrote
  // them is undone (not `written`): the appends they queued on the other side's
  // unloaded collections are marked so, for the load (set_loaded).
  void mark_written(const std::vector<InstanceState*>& appended, bool written);
  // A transaction that wrote (or left out) the link to `item`'s row is undone, and the
  // row that makes the link (a many-to-many's link row, or the foreign key) is as
  // before it (`row_exists`). A loaded attribute's history of the link (through any
  // object of that row) becomes what the next flush must write for the row to show what
  // it holds (an unloaded one's queue is checked against the rows when it loads).
  void restore_link(InstanceState* item, bool row_exists);

 protected:
  RelationshipAttribute() = default;
  // Copies carry the value, never the binding: a copy of a model object is a plain
  // value that no session tracks. (They pin the objects they refer to.)
  RelationshipAttribute(const RelationshipAttribute& other) { pin(other.pinned_graph()); }
  RelationshipAttribute& operator=(const RelationshipAttribute&) { return *this; }

  // Loads on first access; throws DetachedInstanceError without a session.
  void load() const {
    if (!loaded_) load_slow();
  }
  // The typed API's changes, type-erased: a reference set to `target` (or null), an
  // item appended to a collection (nothing if null or held already), an item removed
  // (false if not held), every item removed. Each loads first, and a refusal of the
  // cascade leaves the attribute as it was. Inside a mapper event's listener (the flush
  // is writing rows) they throw InvalidRequestError: that flush would not write them.
  void set_reference(InstanceState* target);
  void append_item(InstanceState* item);
  bool remove_item(InstanceState* item);
  void clear_items();
  // Makes `item` reachable from this attribute's owner: one object graph for both.
  void link(InstanceState* item);
  // Throws InvalidRequestError: `index` is not below `size`.
  [[noreturn]] void throw_out_of_range(std::size_t index, std::size_t size) const;
  // The graph new objects created through this attribute should start in.
  std::shared_ptr<detail::ObjectGraph> home_graph() const;

  // Events of the public, typed operations: back-population and save-update cascade.
  void appended(InstanceState* item);
  void removed(InstanceState* item);
  void replaced(InstanceState* old_item, InstanceState* new_item);
  // Before a reference is set to `new_item`: a one-to-one parent's unloaded child loads
  // (as SQLAlchemy's does, to let go of it), while the reference still shows its old
  // value, so that an autoflush of that load writes nothing of the new one. Whether it
  // loaded (an autoflush may have changed what link() checks).
  bool load_before_replace(InstanceState* new_item);

 private:
  enum class Change : std::uint8_t { append, remove };
  // What most attributes never need, allocated on first use: a loaded object's
  // attribute usually stays unchanged, and only an unbound one pins a graph.
  struct Changes {
    std::vector<InstanceState*> added;
    std::vector<InstanceState*> removed;
    // Changes received while unloaded.
    struct Queued {
      Change change;
      InstanceState* item;
      // The item's row was deleted already (a flush's, or a committed deletion): the
      // append stands, as it would in a loaded collection.
      bool deleted_before;
      // A flush since wrote the link (the item was in the Session then): the rows
      // show it now, and the queued append only repeats them.
      bool written = false;
    };
    std::vector<Queued> pending;
    // While unbound: the graph of the objects this attribute refers to.
    std::shared_ptr<detail::ObjectGraph> pin;
  };
  static const std::vector<InstanceState*>& no_items();
  Changes& changes();
  // Frees changes_ once it holds nothing.
  void trim_changes();
  void pin(std::shared_ptr<detail::ObjectGraph> graph);
  detail::ObjectGraph* pinned() const { return changes_ ? changes_->pin.get() : nullptr; }

  void load_slow() const;
  // A row of this one-to-many's children whose object refers to another parent now.
  bool left_since_flush(InstanceState& child) const;
  std::shared_ptr<detail::ObjectGraph> pinned_graph() const;
  void defer(Change change, InstanceState* item);
  // Makes the other side of a back_populates pair of `item` point here, or no
  // longer point here.
  void link_back(InstanceState* item);
  void unlink_back(InstanceState* item);
  // link_back of a one<> that pointed at `old`: old lets go of the item.
  void leave_old_owner(RelationshipAttribute& back, InstanceState* item, InstanceState* old);
  // History: `item` appended (or removed) since the last flush; the owner is noted in
  // its session as changed.
  void record_change(Change change, InstanceState* item);
  // The history's bookkeeping of record_change: `item` appended or removed.
  void add_to_history(Change change, InstanceState* item);
  // save-update: `item` joins the owner's session; the check throws what that would,
  // changing nothing.
  void check_cascade_into_session(InstanceState* item) const;
  bool cascades_to(const InstanceState* item) const;
  void cascade_into_session(InstanceState* item);
  // An object made unbound and linked to `item`: bound through item's MetaData, or
  // InvalidRequestError.
  void bind_owner_through(const InstanceState& item);

  InstanceState* owner_ = nullptr;
  const RelationshipProperty* property_ = nullptr;
  bool loaded_ = true;
  bool modified_ = false;
  std::unique_ptr<Changes> changes_;
};

namespace detail {

// The member reached through a const T, as reflect::field_type reaches it (one
// boost::pfr::get per field); the object itself is not const.
template <class F>
RelationshipAttribute* relationship_attribute(const F& member) {
  if constexpr (std::is_base_of_v<RelationshipAttribute, F>) {
    return const_cast<F*>(&member);
  } else {
    return nullptr;
  }
}

// Makes `state` the owner of its object's relationship members (null entries are
// other members). With `bind_through_members`, if one of them already holds an object
// bound to a mapper (Player{.team = rovers}), `state` is bound through that mapper's
// MetaData.
RELATE_API void own_members(InstanceState& state, std::span<RelationshipAttribute* const> members,
                            bool bind_through_members);

template <class T, std::size_t... I>
void own_members(InstanceState& state, T& object, bool bind_through_members,
                 std::index_sequence<I...>) {
  RelationshipAttribute* members[] = {
      relationship_attribute(reflect::get<I>(std::as_const(object)))..., nullptr};
  own_members(state, std::span<RelationshipAttribute* const>(members, sizeof...(I)),
              bind_through_members);
}

// A new object relate::make made, in `graph`; bound through its members' objects when
// `bind_through_members` (relate::make(metadata, ...) binds it to its MetaData instead).
template <class T>
InstanceState* adopt_new(ObjectGraph& graph, T value, bool bind_through_members = true) {
  // Not make_unique<Holder<T>>, as create_instance<T> in relate/orm/model_layout.hpp.
  auto* holder = new Holder<T>(std::move(value));
  T& object = holder->value;
  InstanceState* state = graph.adopt_unbound(std::unique_ptr<InstanceState>(holder));
  own_members(*state, object, bind_through_members,
              std::make_index_sequence<reflect::field_count<T>>());
  return state;
}

}  // namespace detail

// A new transient object, ready to be added to a Session or put in a relationship. No
// MetaData maps it yet (relate::make(metadata, T{...}) in relate/metadata.hpp binds one
// at once): it takes the MetaData of the first bound object it is linked to, or of the
// Session it is added to, and its relationships sync both ways from then on. Linking
// it to an object that is unbound too throws InvalidRequestError.
template <class T>
ptr<T> make(T value) {
  auto graph = std::make_shared<detail::ObjectGraph>();
  return ptr<T>::from_state(detail::adopt_new(*graph, std::move(value)));
}

namespace detail {

// A new object in `graph` (a fresh graph when null).
template <class T>
ptr<T> make_in(const std::shared_ptr<ObjectGraph>& graph, T value) {
  if (!graph) return relate::make<T>(std::move(value));
  return ptr<T>::from_state(adopt_new(*graph, std::move(value)));
}

}  // namespace detail

// What one<T> holds, for any T: a reference to one object, type-erased.
class RELATE_API ReferenceAttribute : public RelationshipAttribute {
 public:
  std::size_t raw_size() const final;
  InstanceState* raw_at(std::size_t i) const final;
  void raw_append(InstanceState* item) final;
  bool raw_remove(const InstanceState* item) final;
  void raw_clear() final;

 protected:
  ReferenceAttribute() = default;
  ReferenceAttribute(const ReferenceAttribute& other)
      : RelationshipAttribute(other), target_(other.target_) {}
  ReferenceAttribute& operator=(const ReferenceAttribute&) = delete;

  // Before the attribute is bound: refers to `target` and pins its graph.
  void set_unbound(InstanceState* target);

  InstanceState* target_ = nullptr;
};

// What many<T> holds, for any T: the items of a collection, type-erased.
class RELATE_API CollectionAttribute : public RelationshipAttribute {
 public:
  std::size_t raw_size() const final;
  InstanceState* raw_at(std::size_t i) const final;
  void raw_append(InstanceState* item) final;
  bool raw_remove(const InstanceState* item) final;
  void raw_clear() final;
  void raw_reserve(std::size_t n) final;

 protected:
  CollectionAttribute() = default;
  CollectionAttribute(const CollectionAttribute& other)
      : RelationshipAttribute(other), items_(other.items_) {}
  CollectionAttribute& operator=(const CollectionAttribute&) = delete;

  // Before the attribute is bound: appends `item` (unless null) and pins its graph.
  void append_unbound(InstanceState* item);
  // Loads first.
  bool holds(const InstanceState* item) const;
  // A copy of the items, for an iteration (null when there are none). Loads first.
  std::shared_ptr<const std::vector<InstanceState*>> snapshot() const;
  // Assigning another collection's items: replaces these through the typed API's
  // events.
  void assign_items(const std::vector<InstanceState*>& items);

  std::vector<InstanceState*> items_;
};

// A reference to one related object (many-to-one; one-to-one).
template <class T>
class one final : public ReferenceAttribute {
 public:
  one() = default;
  one(std::nullptr_t) {}
  one(const ptr<T>& target) { set_unbound(target.state()); }
  one(T value) : one(relate::make<T>(std::move(value))) {}
  one(const one& other) : ReferenceAttribute(other) {}
  one& operator=(const one& other) {
    if (this != &other) set_reference(other.target_);
    return *this;
  }
  one& operator=(const ptr<T>& target) {
    set_reference(target.state());
    return *this;
  }
  one& operator=(std::nullptr_t) {
    set_reference(nullptr);
    return *this;
  }

  ptr<T> get() const {
    load();
    return ptr<T>::from_state(target_);
  }
  T* operator->() const {
    load();
    return detail::object_of<T>(target_);
  }
  T& operator*() const { return *operator->(); }
  explicit operator bool() const {
    load();
    return target_ != nullptr;
  }
  operator ptr<T>() const { return get(); }

  friend bool operator==(const one& a, const ptr<T>& b) {
    a.load();
    return a.target_ == b.state();
  }
  friend bool operator==(const one& a, std::nullptr_t) {
    a.load();
    return a.target_ == nullptr;
  }
};

// A collection of related objects (one-to-many; many-to-many). Iteration yields
// ptr<T>; change it through push_back/add/remove/clear so both sides stay in sync.
template <class T>
class many final : public CollectionAttribute {
 public:
  // Over the items the collection held when the loop began (begin() copies them, in
  // O(n)): a flush that runs inside the loop (an autoflush before a lazy load of an
  // item's relationship) may take deleted objects out of the collection, and the loop
  // still visits every item it began with instead of skipping one or reading freed
  // memory. (SQLAlchemy's flush leaves deleted objects in the list.) Two iterators of
  // one collection compare by position, so begin() == begin().
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = ptr<T>;
    using difference_type = std::ptrdiff_t;
    using reference = ptr<T>;
    using pointer = void;

    iterator() = default;  // the end
    explicit iterator(std::shared_ptr<const std::vector<InstanceState*>> items)
        : items_(std::move(items)) {}
    ptr<T> operator*() const { return ptr<T>::from_state((*items_)[at_]); }
    iterator& operator++() {
      ++at_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++at_;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) {
      const bool a_end = a.at_end(), b_end = b.at_end();
      return a_end || b_end ? a_end == b_end : a.at_ == b.at_;
    }

   private:
    bool at_end() const { return !items_ || at_ >= items_->size(); }

    std::shared_ptr<const std::vector<InstanceState*>> items_;
    std::size_t at_ = 0;
  };
  using value_type = ptr<T>;
  using const_iterator = iterator;

  many() = default;
  many(std::initializer_list<T> values) {
    for (const T& v : values) append_unbound(relate::make<T>(T(v)).state());
  }
  many(const std::vector<ptr<T>>& items) {
    for (const auto& p : items) append_unbound(p.state());
  }
  many(const many& other) : CollectionAttribute(other) {}
  many& operator=(const many& other) {
    if (this != &other) assign_items(other.items_);
    return *this;
  }

  iterator begin() const { return iterator(snapshot()); }
  iterator end() const {
    load();
    return iterator();
  }
  std::size_t size() const {
    load();
    return items_.size();
  }
  bool empty() const { return size() == 0; }
  // Out of range (front() and back() of an empty collection too): InvalidRequestError
  // naming the relationship.
  ptr<T> operator[](std::size_t i) const {
    load();
    if (i >= items_.size()) throw_out_of_range(i, items_.size());
    return ptr<T>::from_state(items_[i]);
  }
  ptr<T> front() const { return (*this)[0]; }
  ptr<T> back() const {
    load();
    if (items_.empty()) throw_out_of_range(0, 0);
    return ptr<T>::from_state(items_.back());
  }
  bool contains(const ptr<T>& p) const { return holds(p.state()); }

  void push_back(const ptr<T>& p) { append_item(p.state()); }
  // Creates a new object from a value and appends it.
  ptr<T> add(T value) {
    ptr<T> p = detail::make_in<T>(home_graph(), std::move(value));
    push_back(p);
    return p;
  }
  bool remove(const ptr<T>& p) { return remove_item(p.state()); }
  void clear() { clear_items(); }
};

}  // namespace relate

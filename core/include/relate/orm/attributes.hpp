// Relationship members of a model: relate::one<T> (a reference to one object:
// many-to-one, or one-to-one with uselist=False) and relate::many<T> (a collection:
// one-to-many, many-to-many). They are plain members of the aggregate; once the object
// is bound to its mapper they load on first access through the relationship's loader
// strategy and keep the other side of a back_populates pair in sync at once, before
// any flush.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <relate/orm/instance.hpp>
#include <vector>

namespace relate {

class RelationshipProperty;

// The non-template half of one<T> and many<T>: binding to the owning object, load
// state, change history, and the type-erased operations the session and the loader
// strategies use.
class RelationshipAttribute {
 public:
  virtual ~RelationshipAttribute() = default;

  // True when the attribute holds its database value (or the object is new).
  bool is_loaded() const { return loaded_; }
  InstanceState* owner() const { return owner_; }
  const RelationshipProperty* property() const { return property_; }

  // Type-erased access for the session and loader strategies. These never load,
  // never back-populate and never cascade.
  virtual std::size_t raw_size() const = 0;
  virtual InstanceState* raw_at(std::size_t i) const = 0;
  virtual void raw_append(std::shared_ptr<InstanceState> item) = 0;
  virtual bool raw_remove(const InstanceState* item) = 0;
  virtual void raw_clear() = 0;
  bool raw_contains(const InstanceState* item) const;

  // Installs loaded items, merging changes made while unloaded (back-population onto
  // an unloaded collection is recorded, not loaded for).
  void set_loaded(std::vector<std::shared_ptr<InstanceState>> items);
  // Forgets the value: the next access loads it again.
  void expire();
  // Marks an unloaded attribute as one that raises on access (raiseload).
  void set_raise_on_access(bool raise) { raise_ = raise; }

  void bind(InstanceState* owner, const RelationshipProperty* property, bool loaded);

  // History since the last flush, for the unit of work.
  bool modified() const { return modified_; }
  const std::vector<std::shared_ptr<InstanceState>>& removed() const { return removed_; }
  void clear_history() {
    modified_ = false;
    removed_.clear();
  }

 protected:
  RelationshipAttribute() = default;
  // Copies and moves carry the value, never the binding: a copy of a model object is a
  // plain value that no session tracks.
  RelationshipAttribute(const RelationshipAttribute&) {}
  RelationshipAttribute& operator=(const RelationshipAttribute&) { return *this; }

  // Loads on first access; throws DetachedInstanceError without a session.
  void load() const {
    if (!loaded_) load_slow();
  }
  // Events of the public, typed operations: back-population and save-update cascade.
  void appended(InstanceState* item);
  void removed(InstanceState* item);
  void replaced(InstanceState* old_item, InstanceState* new_item);

 private:
  friend class AttributeEvents;
  void load_slow() const;

  InstanceState* owner_ = nullptr;
  const RelationshipProperty* property_ = nullptr;
  bool loaded_ = true;
  bool raise_ = false;
  bool modified_ = false;
  std::vector<std::shared_ptr<InstanceState>> removed_;
  // Changes received while unloaded: (true = appended, false = removed).
  std::unique_ptr<std::vector<std::pair<bool, std::shared_ptr<InstanceState>>>> pending_;
};

// A reference to one related object (many-to-one; one-to-one).
template <class T>
class one final : public RelationshipAttribute {
 public:
  one() = default;
  one(std::nullptr_t) {}
  one(ptr<T> target) : target_(std::move(target)) {}
  one(T value) : target_(relate::make<T>(std::move(value))) {}
  one(const one& other) : RelationshipAttribute(other), target_(other.target_) {}
  one& operator=(const one& other) {
    if (this != &other) assign(other.target_);
    return *this;
  }
  one& operator=(ptr<T> target) {
    assign(std::move(target));
    return *this;
  }
  one& operator=(std::nullptr_t) {
    assign(ptr<T>());
    return *this;
  }

  const ptr<T>& get() const {
    load();
    return target_;
  }
  T* operator->() const { return get().get(); }
  T& operator*() const { return *get(); }
  explicit operator bool() const { return static_cast<bool>(get()); }
  operator const ptr<T>&() const { return get(); }

  friend bool operator==(const one& a, const ptr<T>& b) { return a.get() == b; }
  friend bool operator==(const one& a, std::nullptr_t) { return a.get() == nullptr; }

  std::size_t raw_size() const override { return target_ ? 1 : 0; }
  InstanceState* raw_at(std::size_t) const override { return target_.state(); }
  void raw_append(std::shared_ptr<InstanceState> item) override {
    target_ = ptr<T>::adopt(std::move(item));
  }
  bool raw_remove(const InstanceState* item) override {
    if (target_.state() != item) return false;
    target_ = nullptr;
    return true;
  }
  void raw_clear() override { target_ = nullptr; }

 private:
  void assign(ptr<T> target) {
    load();
    if (target_ == target) return;
    ptr<T> old = std::move(target_);
    target_ = std::move(target);
    replaced(old.state(), target_.state());
  }

  ptr<T> target_;
};

// A collection of related objects (one-to-many; many-to-many). Iteration yields
// const ptr<T>&; change it through push_back/add/remove/clear so both sides stay in
// sync.
template <class T>
class many final : public RelationshipAttribute {
 public:
  using value_type = ptr<T>;
  using const_iterator = typename std::vector<ptr<T>>::const_iterator;

  many() = default;
  many(std::initializer_list<T> values) {
    items_.reserve(values.size());
    for (const T& v : values) items_.push_back(relate::make<T>(T(v)));
  }
  many(std::vector<ptr<T>> items) : items_(std::move(items)) {}
  many(const many& other) : RelationshipAttribute(other), items_(other.items_) {}
  many& operator=(const many& other) {
    if (this != &other) {
      clear();
      for (const auto& p : other.items_) push_back(p);
    }
    return *this;
  }

  const_iterator begin() const {
    load();
    return items_.begin();
  }
  const_iterator end() const {
    load();
    return items_.end();
  }
  std::size_t size() const {
    load();
    return items_.size();
  }
  bool empty() const { return size() == 0; }
  const ptr<T>& operator[](std::size_t i) const {
    load();
    return items_[i];
  }
  const ptr<T>& front() const { return (*this)[0]; }
  const ptr<T>& back() const { return (*this)[size() - 1]; }
  bool contains(const ptr<T>& p) const {
    load();
    return std::find(items_.begin(), items_.end(), p) != items_.end();
  }

  void push_back(ptr<T> p) {
    load();
    if (!p || std::find(items_.begin(), items_.end(), p) != items_.end()) return;
    items_.push_back(std::move(p));
    appended(items_.back().state());
  }
  // Creates a new object from a value and appends it.
  ptr<T> add(T value) {
    ptr<T> p = relate::make<T>(std::move(value));
    push_back(p);
    return p;
  }
  bool remove(const ptr<T>& p) {
    load();
    auto it = std::find(items_.begin(), items_.end(), p);
    if (it == items_.end()) return false;
    ptr<T> keep = std::move(*it);
    items_.erase(it);
    removed(keep.state());
    return true;
  }
  void clear() {
    load();
    std::vector<ptr<T>> old;
    old.swap(items_);
    for (const auto& p : old) removed(p.state());
  }

  std::size_t raw_size() const override { return items_.size(); }
  InstanceState* raw_at(std::size_t i) const override { return items_[i].state(); }
  void raw_append(std::shared_ptr<InstanceState> item) override {
    items_.push_back(ptr<T>::adopt(std::move(item)));
  }
  bool raw_remove(const InstanceState* item) override {
    auto it = std::find_if(items_.begin(), items_.end(),
                           [item](const ptr<T>& p) { return p.state() == item; });
    if (it == items_.end()) return false;
    items_.erase(it);
    return true;
  }
  void raw_clear() override { items_.clear(); }

 private:
  std::vector<ptr<T>> items_;
};

}  // namespace relate

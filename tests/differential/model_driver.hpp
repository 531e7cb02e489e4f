// ModelDriver: what relate_runner does to objects of one model, type-erased so that
// the runner can apply an operation line ("link 7 items 9") to any model. Built from
// member pointers by model_driver<T>(...); columns go through the model's Mapper.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <relate/relate.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace differential {

// An object the runner addresses by number. `keep` holds the typed ptr<T>, which keeps
// the object's graph alive.
struct Handle {
  const relate::Mapper* mapper = nullptr;
  relate::InstanceState* state = nullptr;
  std::shared_ptr<const void> keep;
};

struct RelationshipDriver {
  bool collection = false;
  // Appends to a collection; assigns a reference.
  std::function<void(relate::InstanceState*, relate::InstanceState*)> link;
  // Removes from a collection (the target) or clears a reference (target ignored);
  // false when there was nothing to remove.
  std::function<bool(relate::InstanceState*, relate::InstanceState*)> unlink;
  std::function<void(relate::InstanceState*)> clear;
  // Reads the relationship, which loads it if it is not loaded.
  std::function<void(relate::InstanceState*)> load;
};

struct ModelDriver {
  std::function<Handle(relate::InstanceState*)> wrap;  // null state: a new object
  std::function<void(relate::Session&, relate::InstanceState*)> add;
  std::function<void(relate::Session&, relate::InstanceState*)> remove;
  std::function<void(relate::Session&, relate::InstanceState*)> expunge;
  // session.refresh(), session.expire() of the whole object; session.merge(), which
  // returns the Session's object.
  std::function<void(relate::Session&, relate::InstanceState*)> refresh;
  std::function<void(relate::Session&, relate::InstanceState*)> expire;
  std::function<relate::InstanceState*(relate::Session&, relate::InstanceState*)> merge;
  // An access through the handle (ptr<T>::get()), as a program's `obj->member` is: it
  // loads the members expire() left expired.
  std::function<void(relate::InstanceState*)> access;
  // Selects the row of that identity key, every relationship loaded by `strategy`.
  std::function<relate::InstanceState*(relate::Session&, const std::vector<relate::Value>& key,
                                       const std::string& strategy)>
      select;
  std::map<std::string, RelationshipDriver, std::less<>> relationships;
};

template <class T>
T& object_of(relate::InstanceState* state) {
  return *static_cast<T*>(state->object());
}

template <class T, class U>
RelationshipDriver relationship_driver(relate::many<U> T::*member) {
  RelationshipDriver d;
  d.collection = true;
  d.link = [member](relate::InstanceState* o, relate::InstanceState* t) {
    (object_of<T>(o).*member).push_back(relate::ptr<U>::from_state(t));
  };
  d.unlink = [member](relate::InstanceState* o, relate::InstanceState* t) {
    return (object_of<T>(o).*member).remove(relate::ptr<U>::from_state(t));
  };
  d.clear = [member](relate::InstanceState* o) { (object_of<T>(o).*member).clear(); };
  d.load = [member](relate::InstanceState* o) {
    static_cast<void>((object_of<T>(o).*member).size());
  };
  return d;
}

template <class T, class U>
RelationshipDriver relationship_driver(relate::one<U> T::*member) {
  RelationshipDriver d;
  d.link = [member](relate::InstanceState* o, relate::InstanceState* t) {
    object_of<T>(o).*member = relate::ptr<U>::from_state(t);
  };
  d.unlink = [member](relate::InstanceState* o, relate::InstanceState*) {
    auto& reference = object_of<T>(o).*member;
    if (!reference) return false;
    reference = nullptr;
    return true;
  };
  d.clear = [member](relate::InstanceState* o) { object_of<T>(o).*member = nullptr; };
  d.load = [member](relate::InstanceState* o) {
    static_cast<void>(static_cast<bool>(object_of<T>(o).*member));
  };
  return d;
}

// A relationship member and its name.
template <class M>
struct Rel {
  std::string_view name;
  M member;
};
template <class M>
Rel(std::string_view, M) -> Rel<M>;

// `where` turns an identity key into the condition that selects its row.
template <class T, class Where, class... M>
ModelDriver model_driver(const relate::MetaData& md, Where where, Rel<M>... rels) {
  const relate::Mapper* mapper = &md.mapper<T>();
  ModelDriver d;
  d.wrap = [mapper, md](relate::InstanceState* state) {
    auto p = state ? relate::ptr<T>::from_state(state) : relate::make(md, T{});
    return Handle{mapper, p.state(), std::make_shared<const relate::ptr<T>>(p)};
  };
  d.add = [](relate::Session& s, relate::InstanceState* o) {
    s.add(relate::ptr<T>::from_state(o));
  };
  d.remove = [](relate::Session& s, relate::InstanceState* o) {
    s.remove(relate::ptr<T>::from_state(o));
  };
  d.expunge = [](relate::Session& s, relate::InstanceState* o) {
    s.expunge(relate::ptr<T>::from_state(o));
  };
  d.refresh = [](relate::Session& s, relate::InstanceState* o) {
    s.refresh(relate::ptr<T>::from_state(o));
  };
  d.expire = [](relate::Session& s, relate::InstanceState* o) {
    s.expire(relate::ptr<T>::from_state(o));
  };
  d.merge = [](relate::Session& s, relate::InstanceState* o) {
    auto merged = s.merge(relate::ptr<T>::from_state(o));
    return merged ? merged.state() : nullptr;
  };
  d.access = [](relate::InstanceState* o) {
    static_cast<void>(relate::ptr<T>::from_state(o).get());
  };
  d.select = [where, rels...](relate::Session& s, const std::vector<relate::Value>& key,
                              const std::string& strategy) -> relate::InstanceState* {
    auto query = relate::select<T>().where(where(key));
    (query.options(relate::load(rels.member, strategy)), ...);
    auto found = s.scalars(query).first();
    return found ? found.state() : nullptr;
  };
  (d.relationships.emplace(std::string(rels.name), relationship_driver(rels.member)), ...);
  return d;
}

}  // namespace differential

// The cascade words of a relationship, and the objects a cascade reaches.
#include <relate/errors.hpp>
#include <relate/orm/attributes.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <string>
#include <unordered_set>
#include <vector>

#include "session_impl.hpp"

namespace relate {

CascadeOptions CascadeOptions::parse(std::string_view text, std::string_view relationship) {
  CascadeOptions o;
  o.save_update = o.merge = false;
  bool none = false;
  bool other = false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view word = text.substr(pos, comma - pos);
    while (!word.empty() && word.front() == ' ') word.remove_prefix(1);
    while (!word.empty() && word.back() == ' ') word.remove_suffix(1);
    pos = comma + 1;
    if (word.empty()) continue;
    if (word == "none") {
      none = true;
      continue;
    }
    other = true;
    if (word == "all") {
      o.save_update = o.merge = o.refresh_expire = o.expunge = o.delete_ = true;
    } else if (word == "save-update") {
      o.save_update = true;
    } else if (word == "merge") {
      o.merge = true;
    } else if (word == "refresh-expire") {
      o.refresh_expire = true;
    } else if (word == "expunge") {
      o.expunge = true;
    } else if (word == "delete") {
      o.delete_ = true;
    } else if (word == "delete-orphan") {
      o.delete_orphan = true;
    } else {
      throw MappingError("relationship " + std::string(relationship) + ": unknown cascade '" +
                         std::string(word) +
                         "' (known: all, save-update, merge, refresh-expire, expunge, delete, "
                         "delete-orphan, none)");
    }
  }
  if (none && other) {
    throw MappingError("relationship " + std::string(relationship) + ": cascade '" +
                       std::string(text) + "' combines 'none' with other options");
  }
  return o;
}

std::vector<InstanceState*> cascade_reach(InstanceState& s, bool CascadeOptions::*word) {
  std::vector<InstanceState*> reached;
  std::unordered_set<const InstanceState*> seen{&s};
  std::vector<InstanceState*> todo{&s};
  while (!todo.empty()) {
    InstanceState* o = todo.back();
    todo.pop_back();
    if (!o->mapper()) continue;
    for (const RelationshipProperty* rel : o->mapper()->relationships()) {
      if (!(rel->cascade().*word)) continue;
      const RelationshipAttribute& attr = rel->attribute(o->object());
      if (!attr.is_loaded()) continue;  // as SQLAlchemy's: nothing loads for a cascade
      // As SQLAlchemy's: refresh-expire passes over objects without a row, unless the
      // relationship owns them (delete-orphan).
      const bool skip_pending =
          word == &CascadeOptions::refresh_expire && !rel->cascade().delete_orphan;
      for (std::size_t i = 0; i < attr.raw_size(); ++i) {
        InstanceState* item = attr.raw_at(i);
        if (skip_pending && item->committed().empty()) continue;
        if (!seen.insert(item).second) continue;
        reached.push_back(item);
        todo.push_back(item);
      }
    }
  }
  return reached;
}

}  // namespace relate

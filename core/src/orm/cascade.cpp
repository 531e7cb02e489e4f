#include <relate/errors.hpp>
#include <relate/orm/relationship.hpp>
#include <string>

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

}  // namespace relate

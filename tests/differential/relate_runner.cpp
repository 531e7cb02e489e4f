// relate_runner: runs the differential fuzzer's operations (generator.py) through
// Relate and reports what it sees after each one, as sqlalchemy_runner.py does for
// SQLAlchemy. Protocol, one line each way:
//   in:  `reset PATH` (a fresh SQLite database and Session) or an operation line
//   out: {"r": result, "o": {"HANDLE": [state, {column: value}, {relationship: refs},
//                                       identity key], ...}}
// A relationship that is not loaded reads "unloaded", a column that expire() left to
// load "expired"; observing never loads anything.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <relate/relate.hpp>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

#include "bulk_operations.hpp"
#include "model_driver.hpp"
#include "models.hpp"

namespace differential {
namespace {

std::map<std::string, ModelDriver, std::less<>> make_drivers(const relate::MetaData& md) {
  const auto by_id = [](auto member) {
    return [member](const std::vector<relate::Value>& key) {
      return relate::col(member) == key.at(0).as_int();
    };
  };
  std::map<std::string, ModelDriver, std::less<>> d;
  d["Owner"] = model_driver<Owner>(md, by_id(&Owner::id), Rel{"items", &Owner::items},
                                   Rel{"parts", &Owner::parts}, Rel{"notes", &Owner::notes},
                                   Rel{"badge", &Owner::badge}, Rel{"labels", &Owner::labels});
  d["Item"] = model_driver<Item>(md, by_id(&Item::id), Rel{"owner", &Item::owner},
                                 Rel{"tags", &Item::tags});
  d["Part"] = model_driver<Part>(md, by_id(&Part::id), Rel{"owner", &Part::owner});
  d["Note"] = model_driver<Note>(md, by_id(&Note::id), Rel{"owner", &Note::owner});
  d["Badge"] = model_driver<Badge>(md, by_id(&Badge::id), Rel{"owner", &Badge::owner});
  d["Label"] = model_driver<Label>(md, by_id(&Label::id));
  d["Tag"] = model_driver<Tag>(md, by_id(&Tag::id), Rel{"items", &Tag::items});
  d["Node"] = model_driver<Node>(md, by_id(&Node::id), Rel{"children", &Node::children},
                                 Rel{"parent", &Node::parent});
  d["Room"] = model_driver<Room>(
      md,
      [](const std::vector<relate::Value>& key) {
        return relate::col(&Room::building) == key.at(0).as_text() &&
               relate::col(&Room::number) == key.at(1).as_int();
      },
      Rel{"bookings", &Room::bookings});
  d["Booking"] = model_driver<Booking>(md, by_id(&Booking::id), Rel{"room", &Booking::room});
  d["Playlist"] = model_driver<Playlist>(md, by_id(&Playlist::id), Rel{"songs", &Playlist::songs},
                                         Rel{"favorite", &Playlist::favorite});
  d["Song"] = model_driver<Song>(md, by_id(&Song::id), Rel{"playlist", &Song::playlist});
  return d;
}

// ---- JSON output ----

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_value(const relate::Value& v) {
  switch (v.kind()) {
    case relate::Value::Kind::null:
      return "null";
    case relate::Value::Kind::integer:
      return std::to_string(v.as_int());
    case relate::Value::Kind::boolean:
      return v.as_bool() ? "true" : "false";
    case relate::Value::Kind::text:
      return json_string(v.as_text());
    default:
      return json_string(v.to_string());
  }
}

std::string error_name(const std::exception& e) {
  if (dynamic_cast<const relate::IntegrityError*>(&e)) return "IntegrityError";
  if (dynamic_cast<const relate::DataError*>(&e)) return "DataError";
  if (dynamic_cast<const relate::OperationalError*>(&e)) return "OperationalError";
  if (dynamic_cast<const relate::ProgrammingError*>(&e)) return "ProgrammingError";
  if (dynamic_cast<const relate::DatabaseError*>(&e)) return "DatabaseError";
  if (dynamic_cast<const relate::PendingRollbackError*>(&e)) return "PendingRollbackError";
  if (dynamic_cast<const relate::DetachedInstanceError*>(&e)) return "DetachedInstanceError";
  if (dynamic_cast<const relate::StaleDataError*>(&e)) return "StaleDataError";
  if (dynamic_cast<const relate::ObjectDeletedError*>(&e)) return "ObjectDeletedError";
  if (dynamic_cast<const relate::NoResultFound*>(&e)) return "NoResultFound";
  if (dynamic_cast<const relate::MultipleResultsFound*>(&e)) return "MultipleResultsFound";
  if (dynamic_cast<const relate::InvalidRequestError*>(&e)) return "InvalidRequestError";
  if (dynamic_cast<const relate::MappingError*>(&e)) return "MappingError";
  if (dynamic_cast<const relate::ArgumentError*>(&e)) return "ArgumentError";
  if (dynamic_cast<const relate::Error*>(&e)) return "relate:Error";
  return std::string("cpp:") + typeid(e).name();
}

const char* status_name(relate::ObjectStatus s) {
  switch (s) {
    case relate::ObjectStatus::transient:
      return "transient";
    case relate::ObjectStatus::pending:
      return "pending";
    case relate::ObjectStatus::persistent:
      return "persistent";
    case relate::ObjectStatus::deleted:
      return "deleted";
    case relate::ObjectStatus::detached:
      return "detached";
  }
  return "unknown";
}

std::string_view model_name(const relate::Mapper& mapper) {
  std::string_view name = mapper.name();
  const auto colons = name.rfind("::");
  return colons == std::string_view::npos ? name : name.substr(colons + 2);
}

// "n", "i<integer>" or "s<text>".
relate::Value decode(std::string_view token) {
  if (token == "n") return relate::Value();
  if (token.at(0) == 'i')
    return relate::Value(static_cast<std::int64_t>(std::stoll(std::string(token.substr(1)))));
  return relate::Value(std::string(token.substr(1)));
}

class Runner {
 public:
  Runner() : md_(metadata()), drivers_(make_drivers(md_)) { md_.configure(); }

  void reset(const std::string& path) {
    if (session_) session_->close();  // (ends the savepoints: their guards then do nothing)
    savepoints_.clear();
    handles_.clear();
    handle_of_.clear();
    session_.reset();
    std::filesystem::remove(path);
    engine_.emplace(relate::create_engine("sqlite:///" + path));
    engine_->create_all(md_);
    session_.emplace(*engine_, md_);
  }

  std::string step(const std::string& line) {
    const std::string result = execute(line);
    return "{\"r\": " + result + ", \"o\": " + observe() + "}";
  }

 private:
  // ---- operations ----

  std::string execute(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> t;
    for (std::string token; in >> token;) t.push_back(token);
    try {
      return run(t);
    } catch (const NoHandle&) {
      return "{\"err\": \"nohandle\"}";
    } catch (const std::exception& e) {
      std::string message = e.what();
      if (message.size() > 300) message.resize(300);
      return "{\"err\": " + json_string(error_name(e)) + ", \"msg\": " + json_string(message) + "}";
    }
  }

  struct NoHandle {};

  Handle& handle(const std::string& number) {
    auto it = handles_.find(std::stol(number));
    if (it == handles_.end()) throw NoHandle{};
    return it->second;
  }
  ModelDriver& driver(const Handle& h) { return drivers_.find(model_name(*h.mapper))->second; }
  RelationshipDriver& relationship(const Handle& h, const std::string& name) {
    return driver(h).relationships.at(name);
  }

  void register_handle(long number, Handle h) {
    handle_of_[h.state] = number;
    handles_[number] = std::move(h);
  }

  std::string run(const std::vector<std::string>& t) {
    const std::string& verb = t.at(0);
    relate::Session& s = *session_;
    if (verb == "new") return op_new(t);
    if (verb == "add") {
      Handle& h = handle(t.at(1));
      driver(h).add(s, h.state);
    } else if (verb == "set") {
      Handle& h = handle(t.at(1));
      access(h);
      set_column(h, t.at(2), decode(t.at(3)));
    } else if (verb == "link") {
      Handle& h = handle(t.at(1));
      Handle& target = handle(t.at(3));
      access(h);
      relationship(h, t.at(2)).link(h.state, target.state);
    } else if (verb == "unlink") {
      Handle& h = handle(t.at(1));
      RelationshipDriver& r = relationship(h, t.at(2));
      relate::InstanceState* target = r.collection ? handle(t.at(3)).state : nullptr;
      access(h);
      return r.unlink(h.state, target) ? "\"removed\"" : "\"absent\"";
    } else if (verb == "clear") {
      Handle& h = handle(t.at(1));
      access(h);
      relationship(h, t.at(2)).clear(h.state);
    } else if (verb == "delete") {
      Handle& h = handle(t.at(1));
      driver(h).remove(s, h.state);
    } else if (verb == "expunge") {
      Handle& h = handle(t.at(1));
      driver(h).expunge(s, h.state);
    } else if (verb == "flush") {
      s.flush();
    } else if (verb == "commit") {
      s.commit();
      savepoints_.clear();  // (commit() ended them; a failed one leaves them)
    } else if (verb == "rollback") {
      s.rollback();
      savepoints_.clear();
    } else if (verb == "close") {
      s.close();
      savepoints_.clear();
    } else if (verb == "refresh") {
      Handle& h = handle(t.at(1));
      driver(h).refresh(s, h.state);
    } else if (verb == "expire") {
      Handle& h = handle(t.at(1));
      driver(h).expire(s, h.state);
    } else if (verb == "merge") {
      return op_merge(t);
    } else if (verb == "begin_nested") {
      savepoints_.push_back(s.begin_nested());
    } else if (verb == "release_nested" || verb == "rollback_nested") {
      if (savepoints_.empty()) return "\"nosavepoint\"";
      // Ended whatever happens: a commit that fails rolls the savepoint back first.
      relate::Savepoint sp = std::move(savepoints_.back());
      savepoints_.pop_back();
      if (verb == "release_nested") {
        sp.commit();
      } else {
        sp.rollback();
      }
    } else if (verb == "get") {
      return op_get(t);
    } else if (verb == "bulk_update" || verb == "bulk_delete" || verb == "upsert") {
      return run_bulk(s, t);
    } else if (verb == "read") {
      Handle& h = handle(t.at(1));
      access(h);
      relationship(h, t.at(2)).load(h.state);
      return "{\"read\": " + relationship_refs(h, t.at(2)) + "}";
    } else {
      throw std::invalid_argument("unknown operation " + verb);
    }
    return "null";
  }

  // What a program's `obj->...` does before it reaches a member: load the members
  // expire() left expired (and so autoflush first). Only for an object with expired
  // members, so that an access never changes what the other operations did before.
  void access(Handle& h) {
    if (h.state->expired()) driver(h).access(h.state);
  }

  // merge H NEWH: as get, the result is #NEWH unless a handle names it.
  std::string op_merge(const std::vector<std::string>& t) {
    Handle& h = handle(t.at(1));
    ModelDriver& d = driver(h);
    relate::InstanceState* merged = d.merge(*session_, h.state);
    if (!merged) return "\"none\"";
    auto known = handle_of_.find(merged);
    if (known != handle_of_.end()) return json_string("#" + std::to_string(known->second));
    register_handle(std::stol(t.at(2)), d.wrap(merged));
    return "\"new\"";
  }

  void set_column(Handle& h, std::string_view member, relate::Value value) {
    const auto& columns = h.mapper->columns();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].member == member) {
        h.mapper->set(h.state->object(), i, std::move(value));
        return;
      }
    }
    throw std::invalid_argument("no column " + std::string(member));
  }

  // new H MODEL ADD [COLUMN=VALUE ...] [+REL=T ...]
  std::string op_new(const std::vector<std::string>& t) {
    const long number = std::stol(t.at(1));
    ModelDriver& d = drivers_.at(t.at(2));
    Handle h = d.wrap(nullptr);
    std::vector<std::pair<std::string, long>> links;
    for (std::size_t i = 4; i < t.size(); ++i) {
      const auto eq = t[i].find('=');
      const std::string name = t[i].substr(0, eq);
      const std::string value = t[i].substr(eq + 1);
      if (name.at(0) == '+') {
        links.emplace_back(name.substr(1), std::stol(value));
      } else {
        set_column(h, name, decode(value));
      }
    }
    register_handle(number, h);
    for (const auto& [rel, target] : links) {
      auto it = handles_.find(target);
      if (it != handles_.end()) d.relationships.at(rel).link(h.state, it->second.state);
    }
    if (t.at(3) == "1") d.add(*session_, h.state);
    return "null";
  }

  // The identity key of an object with a row: its primary key as last loaded or flushed.
  static std::optional<std::vector<relate::Value>> identity(const relate::InstanceState& s) {
    const auto status = s.status();
    if (status != relate::ObjectStatus::persistent && status != relate::ObjectStatus::deleted &&
        status != relate::ObjectStatus::detached) {
      return std::nullopt;
    }
    if (s.committed().empty()) return std::nullopt;
    std::vector<relate::Value> key;
    for (std::size_t i : s.mapper()->primary_key()) key.push_back(s.committed()[i]);
    return key;
  }

  // get H STRATEGY NEWH
  std::string op_get(const std::vector<std::string>& t) {
    Handle& h = handle(t.at(1));
    const auto key = identity(*h.state);
    if (!key) return "\"nokey\"";
    ModelDriver& d = driver(h);
    relate::InstanceState* found = d.select(*session_, *key, t.at(2));
    if (!found) return "\"none\"";
    auto known = handle_of_.find(found);
    if (known != handle_of_.end()) return json_string("#" + std::to_string(known->second));
    register_handle(std::stol(t.at(3)), d.wrap(found));
    return "\"new\"";
  }

  // ---- observation ----

  std::string ref(relate::InstanceState* s) const {
    if (!s) return "null";
    auto it = handle_of_.find(s);
    if (it != handle_of_.end()) return json_string("#" + std::to_string(it->second));
    const std::string model(model_name(*s->mapper()));
    const auto key = identity(*s);
    if (!key) return json_string("?" + model);
    std::string text = "@" + model + ":";
    for (std::size_t i = 0; i < key->size(); ++i) {
      if (i) text += ",";
      const relate::Value& v = (*key)[i];
      text += v.kind() == relate::Value::Kind::text ? v.as_text() : v.to_string();
    }
    return json_string(text);
  }

  std::string relationship_refs(const Handle& h, std::string_view name) const {
    for (const auto& field : h.mapper->relationship_fields()) {
      if (field.member != name) continue;
      relate::RelationshipAttribute& a = *field.attribute(h.state->object());
      if (!a.is_loaded()) return "\"unloaded\"";
      if (!field.collection) return ref(a.raw_size() ? a.raw_at(0) : nullptr);
      std::vector<std::string> refs;
      for (std::size_t i = 0; i < a.raw_size(); ++i) refs.push_back(ref(a.raw_at(i)));
      std::sort(refs.begin(), refs.end());
      std::string out = "[";
      for (std::size_t i = 0; i < refs.size(); ++i) out += (i ? ", " : "") + refs[i];
      return out + "]";
    }
    throw std::invalid_argument("no relationship " + std::string(name));
  }

  std::string observe_object(const Handle& h) const {
    std::string out = "[" + json_string(status_name(h.state->status())) + ", {";
    const auto& columns = h.mapper->columns();
    // (expire() expires whole objects here: every column or none)
    const bool expired = h.state->expired();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      out += (i ? ", " : "") + json_string(columns[i].member) + ": " +
             (expired ? json_string("expired") : json_value(h.mapper->get(h.state->object(), i)));
    }
    out += "}, {";
    bool first = true;
    for (const auto& field : h.mapper->relationship_fields()) {
      out += (first ? "" : ", ") + json_string(field.member) + ": " +
             relationship_refs(h, field.member);
      first = false;
    }
    out += "}, ";
    const auto key = identity(*h.state);
    if (!key) return out + "null]";
    out += "[";
    for (std::size_t i = 0; i < key->size(); ++i) out += (i ? ", " : "") + json_value((*key)[i]);
    return out + "]]";
  }

  std::string observe() const {
    std::string out = "{";
    bool first = true;
    for (const auto& [number, h] : handles_) {
      out += (first ? "" : ", ") + json_string(std::to_string(number)) + ": " + observe_object(h);
      first = false;
    }
    return out + "}";
  }

  relate::MetaData md_;
  std::map<std::string, ModelDriver, std::less<>> drivers_;
  std::optional<relate::Engine> engine_;
  std::optional<relate::Session> session_;
  std::map<long, Handle> handles_;
  std::map<const relate::InstanceState*, long> handle_of_;
  // begin_nested's savepoints, the innermost last.
  std::vector<relate::Savepoint> savepoints_;
};

}  // namespace
}  // namespace differential

int main() {
  differential::Runner runner;
  std::ios::sync_with_stdio(false);
  for (std::string line; std::getline(std::cin, line);) {
    if (line.empty()) continue;
    if (line.rfind("reset ", 0) == 0) {
      runner.reset(line.substr(6));
      std::cout << "{\"r\": \"reset\"}" << std::endl;
      continue;
    }
    std::cout << runner.step(line) << std::endl;
  }
  return 0;
}

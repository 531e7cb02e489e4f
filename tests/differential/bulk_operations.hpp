// The differential fuzzer's bulk writes (generator.py, with --bulk): a few fixed shapes
// of statement with random values, run through the Session as sqlalchemy_runner.py
// runs them through SQLAlchemy's, so that the rows they change and the objects the
// Session holds afterwards (synchronize_session) are compared like every other step.
//
//   bulk_update Owner score K A SYNC     UPDATE owners SET score = score + K WHERE score > A
//   bulk_update Item label S P SYNC      UPDATE items SET label = label || S WHERE label < P
//   bulk_delete Owner A SYNC             DELETE FROM owners WHERE score < A
//   bulk_delete Item P SYNC              DELETE FROM items WHERE label >= P
//   upsert Owner NAME SCORE MODE         INSERT an owner; on a taken name, MODE nothing
//                                        or update (its score)
// SYNC is evaluate, fetch or none; values are encoded as in generator.py.
#pragma once

#include <cstdint>
#include <optional>
#include <relate/relate.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "models.hpp"

namespace differential {

inline std::int64_t int_token(const std::string& token) {
  if (token.size() < 2 || token[0] != 'i') throw std::invalid_argument("not an integer: " + token);
  return std::stoll(token.substr(1));
}

inline std::string text_token(const std::string& token) {
  if (token.empty() || token[0] != 's') throw std::invalid_argument("not a text: " + token);
  return token.substr(1);
}

inline relate::SynchronizeSession sync_token(const std::string& token) {
  if (token == "evaluate") return relate::SynchronizeSession::evaluate;
  if (token == "fetch") return relate::SynchronizeSession::fetch;
  if (token == "none") return relate::SynchronizeSession::none;
  throw std::invalid_argument("no synchronize_session " + token);
}

// Runs one bulk operation; returns its result as JSON (the rows an UPDATE or DELETE
// matched, as SQLAlchemy's rowcount).
inline std::string run_bulk(relate::Session& s, const std::vector<std::string>& t) {
  using relate::col;
  const std::string& verb = t.at(0);
  const std::string& model = t.at(1);
  std::int64_t matched = 0;
  if (verb == "bulk_update" && model == "Owner") {
    matched = s.execute(relate::update<Owner>()
                            .where(col(&Owner::score) > int_token(t.at(4)))
                            .set(&Owner::score, col(&Owner::score) + int_token(t.at(3)))
                            .synchronize_session(sync_token(t.at(5))));
  } else if (verb == "bulk_update" && model == "Item") {
    matched = s.execute(relate::update<Item>()
                            .where(col(&Item::label) < text_token(t.at(4)))
                            .set(&Item::label, col(&Item::label) + text_token(t.at(3)))
                            .synchronize_session(sync_token(t.at(5))));
  } else if (verb == "bulk_delete" && model == "Owner") {
    matched = s.execute(relate::delete_<Owner>()
                            .where(col(&Owner::score) < int_token(t.at(2)))
                            .synchronize_session(sync_token(t.at(3))));
  } else if (verb == "bulk_delete" && model == "Item") {
    matched = s.execute(relate::delete_<Item>()
                            .where(col(&Item::label) >= text_token(t.at(2)))
                            .synchronize_session(sync_token(t.at(3))));
  } else if (verb == "upsert" && model == "Owner") {
    Owner row;
    row.name = text_token(t.at(2));
    if (t.at(3) != "n") row.score = int_token(t.at(3));
    auto statement = relate::upsert(std::vector<Owner>{std::move(row)});
    statement.on_conflict(&Owner::name);
    if (t.at(4) == "update") {
      statement.do_update(&Owner::score);
    } else {
      statement.do_nothing();
    }
    s.execute(statement);
    return "null";
  } else {
    throw std::invalid_argument("unknown bulk operation " + verb + " " + model);
  }
  return "{\"rows\": " + std::to_string(matched) + "}";
}

}  // namespace differential

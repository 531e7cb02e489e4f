// The plan of a flush: its actions and the order they run in. What the actions are
// and what orders them is a property of the mapping (tables, foreign keys,
// relationships), so the plan is built from the MetaData alone; a flush skips the
// actions that have no rows.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace relate {

class Mapper;
class MetaDataImpl;
class RelationshipProperty;

// Which statement writes a row.
enum class RowWrite : std::uint8_t { insert, update, remove };

// Which foreign keys a sync copies: those written with the row, or those post_update
// writes by a second UPDATE once both rows exist.
enum class SyncPhase : std::uint8_t { with_row, post_update };

class FlushPlan {
 public:
  enum class Kind : std::uint8_t {
    save_rows,      // INSERT and UPDATE the rows of one mapper
    delete_rows,    // DELETE the rows of one mapper
    associations,   // DELETE and INSERT the association rows of one many-to-many
    post_updates,   // the foreign keys post_update held back
    unlink_cycles,  // null post_update keys between rows about to be deleted
  };
  struct Action {
    Kind kind;
    const Mapper* mapper = nullptr;                      // save_rows, delete_rows
    const RelationshipProperty* relationship = nullptr;  // associations
  };

  explicit FlushPlan(const MetaDataImpl& metadata);
  // Every action, each after the actions it depends on.
  const std::vector<Action>& actions() const { return sorted_; }

 private:
  std::size_t add(Action action);
  void order(std::size_t before, std::size_t after);
  void add_association_actions(const MetaDataImpl& metadata);
  void add_post_update_actions(const MetaDataImpl& metadata);
  void order_by_foreign_keys(const MetaDataImpl& metadata);
  void order_association_rows();
  void order_post_updates(const MetaDataImpl& metadata);

  std::vector<Action> actions_;
  std::vector<std::pair<std::size_t, std::size_t>> edges_;
  std::unordered_map<const Mapper*, std::size_t> index_;  // mapper -> its index
  std::vector<std::size_t> save_of_, delete_of_;          // action index per mapper index
  // Many-to-many relationships that write links, with their action.
  std::vector<std::pair<const RelationshipProperty*, std::size_t>> links_;
  std::optional<std::size_t> post_updates_, unlink_cycles_;
  std::vector<Action> sorted_;
};

}  // namespace relate

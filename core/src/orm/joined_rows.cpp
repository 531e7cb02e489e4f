#include "joined_rows.hpp"

#include <algorithm>
#include <relate/orm/attributes.hpp>
#include <relate/orm/instance.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/orm/relationship.hpp>
#include <relate/schema.hpp>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "loader_access.hpp"
#include "loading.hpp"
#include "query_load.hpp"
#include "session_impl.hpp"

namespace relate {

namespace {

class JoinedRows final : public RowLoader {
 public:
  JoinedRows(SessionImpl& session, const RelationshipProperty& rel, std::size_t first_column,
             std::shared_ptr<QueryLoad> context)
      : session_(session), rel_(rel), first_column_(first_column), context_(std::move(context)) {}

  std::vector<std::unique_ptr<RowLoader>> nested;

  void process_row(LoadedObject parent_handle, Cursor& row) override {
    InstanceState& parent = *LoaderAccess::state(parent_handle);
    // A parent's rows usually come one after another: only a new parent is looked up.
    if (&parent != last_parent_) {
      auto [it, first_time] = collected_.try_emplace(&parent);
      if (first_time) {
        // A relationship already loaded in the session is left as it is.
        it->second.populate = !rel_.attribute(parent.object()).is_loaded();
        order_.push_back(&parent);
      }
      last_parent_ = &parent;
      last_ = &it->second;
    }
    const std::size_t loaded_before = context_->loaded.size();
    // A parent whose relationship was loaded takes nothing from its rows: an object
    // for a row would be held by nothing but the identity map (and keep a detached
    // copy of the row from coming back). Objects already there get their own joins.
    InstanceState* child =
        last_->populate ? load_instance(session_, rel_.target(), row, first_column_, context_)
                        : existing_instance(session_, rel_.target(), row, first_column_);
    if (!child) return;
    for (const auto& n : nested) n->process_row(LoaderAccess::handle(child), row);
    if (!last_->items.empty() && last_->items.back() == child) return;  // a nested join's row
    // Objects this loader creates carry its context: only objects that were in the
    // session before the query need the set to be told apart.
    bool first_sight = context_->loaded.size() != loaded_before;
    if (!first_sight && InstanceAccess::context(*child) != context_.get()) {
      first_sight = seen_children_.insert(child).second;
    }
    if (first_sight) children_.push_back(child);
    // A child seen for the first time is in no parent's list yet.
    auto& items = last_->items;
    if (last_->populate &&
        (first_sight || std::find(items.begin(), items.end(), child) == items.end())) {
      items.push_back(child);
    }
  }

  void finish() override {
    for (const auto& n : nested) n->finish();
    for (InstanceState* parent : order_) {
      const auto& c = collected_[parent];
      if (c.populate) set_relationship(rel_, *parent, c.items);
    }
    // Relationships of the joined objects that load after their parents (a selectin
    // chained below a joined).
    for (const RelationshipProperty* r : rel_.target().relationships()) {
      std::vector<InstanceState*> unloaded;
      for (InstanceState* c : children_) {
        if (!r->attribute(c->object()).is_loaded()) unloaded.push_back(c);
      }
      if (unloaded.empty()) continue;
      const std::vector<LoadedObject> handles = LoaderAccess::handles(unloaded);
      context_->strategy_for(*r).after_load(LoaderAccess::context(session_, *r, context_, handles));
    }
  }

 private:
  struct Collected {
    bool populate = false;
    std::vector<InstanceState*> items;
  };
  SessionImpl& session_;
  const RelationshipProperty& rel_;
  std::size_t first_column_;
  std::shared_ptr<QueryLoad> context_;
  std::unordered_map<InstanceState*, Collected> collected_;  // nodes: stable addresses
  InstanceState* last_parent_ = nullptr;
  Collected* last_ = nullptr;
  std::vector<InstanceState*> order_;
  std::unordered_set<InstanceState*> seen_children_;
  std::vector<InstanceState*> children_;
};

}  // namespace

std::unique_ptr<RowLoader> read_joined_rows(SessionImpl& session, const RelationshipProperty& rel,
                                            sql::Select& query, const std::string& alias,
                                            const std::shared_ptr<QueryLoad>& load) {
  const std::size_t first_column = query.columns.size();
  for (const auto& c : rel.target().columns()) query.columns.push_back(sql::column(*c.column, alias));
  auto child_context = load->child(rel);
  child_context->joined = load->joined;  // the same statement
  auto rows = std::make_unique<JoinedRows>(session, rel, first_column, child_context);
  for (const RelationshipProperty* r : rel.target().relationships()) {
    const LoaderStrategy& s = child_context->strategy_for(*r);
    QuerySetup setup = LoaderAccess::setup(session, *r, query, alias, child_context);
    if (auto nested = s.setup_query(setup)) {
      rows->nested.push_back(std::move(nested));
    }
  }
  return rows;
}

}  // namespace relate

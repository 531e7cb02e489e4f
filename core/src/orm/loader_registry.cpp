#include <algorithm>
#include <map>
#include <mutex>
#include <relate/engine/plugin.hpp>
#include <relate/errors.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/relationship.hpp>

#include "query_load.hpp"

namespace relate {

namespace {

struct LoaderRegistry {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const LoaderStrategy>, std::less<>> by_name;
  // Strategies replaced under their name: objects loaded earlier still point at them.
  std::vector<std::shared_ptr<const LoaderStrategy>> replaced;
};

LoaderRegistry& strategies() {
  static LoaderRegistry r;
  return r;
}

}  // namespace

void register_loader_strategy(std::shared_ptr<const LoaderStrategy> strategy) {
  auto& r = strategies();
  std::lock_guard lock(r.mutex);
  auto& slot = r.by_name[std::string(strategy->name())];
  if (slot) r.replaced.push_back(std::move(slot));
  slot = std::move(strategy);
}

std::vector<std::string> registered_loader_strategies() {
  detail::load_plugins_from_environment();
  auto& r = strategies();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> out;
  for (const auto& [name, _] : r.by_name) out.push_back(name);
  return out;
}

const LoaderStrategy& find_loader_strategy(std::string_view name) {
  detail::load_plugins_from_environment();
  {
    auto& r = strategies();
    std::lock_guard lock(r.mutex);
    if (auto it = r.by_name.find(name); it != r.by_name.end()) return *it->second;
  }
  std::string known;
  for (const auto& n : registered_loader_strategies()) known += (known.empty() ? "" : ", ") + n;
  throw ArgumentError("unknown loader strategy '" + std::string(name) +
                      "'; registered strategies: " + (known.empty() ? "(none)" : known));
}

namespace {

// `full` is `path` followed by `rel`.
bool extends(const std::vector<const RelationshipProperty*>& full,
             const std::vector<const RelationshipProperty*>& path,
             const RelationshipProperty& rel) {
  return full.size() == path.size() + 1 && full.back() == &rel &&
         std::equal(path.begin(), path.end(), full.begin());
}

}  // namespace

const LoaderStrategy& QueryLoad::strategy_for(const RelationshipProperty& rel) const {
  for (const auto& o : options) {
    if (extends(o.path, path, rel)) return *o.strategy;
  }
  return find_loader_strategy(rel.lazy());
}

const std::string* QueryLoad::joined_alias(const RelationshipProperty& rel) const {
  for (const auto& j : joined) {
    if (extends(j.path, path, rel)) return &j.alias;
  }
  return nullptr;
}

std::shared_ptr<QueryLoad> QueryLoad::child(const RelationshipProperty& rel) const {
  auto c = std::make_shared<QueryLoad>();
  c->options = options;
  c->path = path;
  c->path.push_back(&rel);
  return c;
}

}  // namespace relate

#include <map>
#include <mutex>
#include <relate/engine/driver.hpp>
#include <relate/engine/plugin.hpp>
#include <relate/errors.hpp>

namespace relate {

namespace {

struct BackendRegistry {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const Backend>> by_scheme;
};

BackendRegistry& backends() {
  static BackendRegistry r;
  return r;
}

}  // namespace

void register_backend(std::shared_ptr<const Backend> backend) {
  auto& r = backends();
  std::lock_guard lock(r.mutex);
  for (const auto& scheme : backend->schemes()) r.by_scheme[scheme] = backend;
}

std::vector<std::string> registered_schemes() {
  detail::load_plugins_from_environment();
  auto& r = backends();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> out;
  for (const auto& [scheme, _] : r.by_scheme) out.push_back(scheme);
  return out;
}

std::shared_ptr<const Backend> find_backend(const Url& url, std::string_view url_text) {
  detail::load_plugins_from_environment();
  {
    auto& r = backends();
    std::lock_guard lock(r.mutex);
    if (auto it = r.by_scheme.find(url.scheme); it != r.by_scheme.end()) return it->second;
  }
  std::string known;
  for (const auto& s : registered_schemes()) known += (known.empty() ? "" : ", ") + s;
  throw ArgumentError("no backend for the scheme '" + url.scheme + "' of database URL '" +
                      std::string(url_text) +
                      "'; known schemes: " + (known.empty() ? "(none registered)" : known));
}

}  // namespace relate

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <relate/engine/plugin.hpp>
#include <relate/errors.hpp>
#include <set>
#include <string>
#include <string_view>

namespace relate {

namespace {

using Entry = void (*)(PluginHandshake*);

struct Plugins {
  // Recursive: a plugin's registration may look up a backend or strategy, which
  // checks the environment's plugins again.
  std::recursive_mutex mutex;
  std::set<std::filesystem::path> loaded;
  std::atomic<bool> environment_loaded{false};
};

Plugins& plugins() {
  static Plugins p;
  return p;
}

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

}  // namespace

const void* detail::core_identity() {
  static const char identity = 0;
  return &identity;
}

void load_plugin(const std::filesystem::path& path) {
  auto& p = plugins();
  std::lock_guard lock(p.mutex);
  std::error_code error;
  const std::filesystem::path file = std::filesystem::canonical(path, error);
  if (error) {
    throw PluginError("cannot load plugin " + quoted(path) + ": " + error.message());
  }
  if (p.loaded.count(file)) return;

  // Never closed: what the plugin registers lives in its code. RTLD_LOCAL keeps its
  // own symbols out of everything loaded later.
  void* library = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* reason = dlerror();
    throw PluginError("cannot load plugin " + quoted(path) + ": " +
                      (reason ? reason : "not a loadable shared library"));
  }
  auto entry = reinterpret_cast<Entry>(dlsym(library, "relate_plugin_register"));
  if (!entry) {
    throw PluginError(quoted(path) +
                      " is not a Relate plugin: it defines no relate_plugin_register entry "
                      "point (a plugin defines it with RELATE_PLUGIN)");
  }
  PluginHandshake handshake{plugin_api_version, detail::core_identity(), 0, false};
  try {
    entry(&handshake);
  } catch (const std::exception& e) {
    throw PluginError("plugin " + quoted(path) + " failed to register: " + e.what());
  }
  if (handshake.plugin_api_version != plugin_api_version) {
    throw PluginError("plugin " + quoted(path) + " was built for Relate's plugin API version " +
                      std::to_string(handshake.plugin_api_version) + ", this program's is " +
                      std::to_string(plugin_api_version) +
                      ": rebuild the plugin against this Relate");
  }
  if (!handshake.same_core) {
    throw PluginError("plugin " + quoted(path) +
                      " is linked to another copy of Relate's core than this program: "
                      "run-time plugins need Relate built as shared libraries "
                      "(BUILD_SHARED_LIBS=ON), linked by both the program and the plugin");
  }
  p.loaded.insert(file);
}

void detail::load_plugins_from_environment() {
  auto& p = plugins();
  if (p.environment_loaded.load(std::memory_order_acquire)) return;
  std::lock_guard lock(p.mutex);
  if (p.environment_loaded.load(std::memory_order_relaxed)) return;
  // Marked first, so that a lookup from a plugin's registration does not start over.
  // A failure clears the mark: the next lookup reports it again.
  p.environment_loaded.store(true, std::memory_order_release);
  const char* list = std::getenv("RELATE_PLUGINS");
  std::string_view rest = list ? list : "";
  try {
    while (!rest.empty()) {
      const std::size_t colon = rest.find(':');
      const std::string_view item = rest.substr(0, colon);
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
      if (!item.empty()) load_plugin(std::filesystem::path(item));
    }
  } catch (const PluginError& e) {
    p.environment_loaded.store(false, std::memory_order_release);
    throw PluginError(std::string("RELATE_PLUGINS: ") + e.what());
  }
}

}  // namespace relate

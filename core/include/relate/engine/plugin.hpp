// Run-time plugins: a backend or loader strategy in a shared library of its own,
// loaded by a program that was built without it.
//
// A plugin is a shared library that defines one entry point with RELATE_PLUGIN:
//
//   void register_my_loader() {
//     relate::register_loader_strategy(std::make_shared<MyLoader>());
//   }
//   RELATE_PLUGIN(register_my_loader)
//
// and links Relate's shared core (Relate built with BUILD_SHARED_LIBS=ON), as the
// program does: both must use one core, and so one registry. A program loads plugins
// with relate::load_plugin(path), or lists them in the RELATE_PLUGINS environment
// variable (paths separated by ':'), which Relate reads the first time it looks up a
// backend or a loader strategy. Relate's built-in backends and loaders keep
// registering themselves when linked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <relate/export.hpp>

namespace relate {

// Bumped whenever what a plugin compiles against (the backend and loader interfaces)
// changes incompatibly; a plugin built for another version is refused.
inline constexpr std::uint32_t plugin_api_version = 8;

// What the entry point and the program exchange. Its layout never changes, so that a
// program can tell a plugin of any version why it refuses it.
struct PluginHandshake {
  std::uint32_t host_api_version;    // in: the program's plugin_api_version
  const void* host_core;             // in: the program's core (detail::core_identity())
  std::uint32_t plugin_api_version;  // out: the plugin's
  bool same_core;                    // out: the plugin links the program's core
};

// Loads the plugin at `path` and runs its registration, once per file: loading it
// again does nothing. Throws PluginError naming the path and what was wrong: no such
// file, not a loadable library, no RELATE_PLUGIN entry point, another plugin API
// version, or a plugin linked to another copy of Relate's core.
RELATE_API void load_plugin(const std::filesystem::path& path);

namespace detail {

// One address per copy of Relate's core in a process.
RELATE_API const void* core_identity();
// Loads what RELATE_PLUGINS lists, once; the registries call it before a lookup.
RELATE_API void load_plugins_from_environment();

}  // namespace detail

}  // namespace relate

// Defines the plugin's entry point, relate_plugin_register, which runs
// `register_function` (a function taking nothing) if the program accepts the plugin.
#define RELATE_PLUGIN(register_function)                                                        \
  extern "C" RELATE_API void relate_plugin_register(::relate::PluginHandshake* handshake) {     \
    handshake->plugin_api_version = ::relate::plugin_api_version;                               \
    handshake->same_core = handshake->host_core == ::relate::detail::core_identity();           \
    if (handshake->plugin_api_version == handshake->host_api_version && handshake->same_core) { \
      register_function();                                                                      \
    }                                                                                           \
  }

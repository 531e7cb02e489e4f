#include "identity_key.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace relate {

std::size_t hash_identity(const Mapper* mapper, std::span<const Value> key) noexcept {
  std::size_t h = std::hash<const void*>{}(mapper);
  auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  for (const Value& v : key) {
    mix(static_cast<std::size_t>(v.kind()));
    std::visit(
        [&](const auto& x) {
          using X = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<X, std::int64_t> || std::is_same_v<X, bool> ||
                        std::is_same_v<X, double> || std::is_same_v<X, std::string>) {
            mix(std::hash<X>{}(x));
          } else if constexpr (std::is_same_v<X, Timestamp>) {
            mix(std::hash<std::int64_t>{}(x.time_since_epoch().count()));
          } else if constexpr (std::is_same_v<X, Blob>) {
            mix(std::hash<std::string_view>{}(
                std::string_view(reinterpret_cast<const char*>(x.data()), x.size())));
          }
        },
        v.storage());
  }
  return h;
}

}  // namespace relate

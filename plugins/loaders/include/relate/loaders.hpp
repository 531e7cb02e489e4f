// The built-in loader strategies: "lazy", "joined", "selectin", "raise", "noload",
// "contains_eager".
// They register themselves when the relate::loaders library is linked;
// register_builtin() exists for programs that link it in unusual ways (e.g. the bare
// archive without whole-archive linking).
#pragma once

#include <cstddef>
#include <memory>
#include <relate/export.hpp>
#include <relate/orm/loader.hpp>
#include <string>

namespace relate::loaders {

RELATE_API void register_builtin();

// The number of parent keys one selectin statement carries by default.
inline constexpr std::size_t default_selectin_batch = 500;

// A selectin strategy with its own name and batch size (capped by the backend's
// parameter limit), to register next to the built-in one:
//   relate::register_loader_strategy(relate::loaders::selectin_loader("selectin_big", 5000));
RELATE_API std::shared_ptr<const LoaderStrategy> selectin_loader(std::string name,
                                                                 std::size_t batch_size);

}  // namespace relate::loaders

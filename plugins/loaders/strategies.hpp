// Factories of the built-in strategies, one per strategy folder; builtin.cpp
// registers them all.
#pragma once

#include <memory>
#include <relate/orm/loader.hpp>

namespace relate::loaders {

std::shared_ptr<const LoaderStrategy> make_lazy_loader();
std::shared_ptr<const LoaderStrategy> make_joined_loader();
std::shared_ptr<const LoaderStrategy> make_raise_loader();
std::shared_ptr<const LoaderStrategy> make_noload_loader();
std::shared_ptr<const LoaderStrategy> make_contains_eager_loader();

}  // namespace relate::loaders

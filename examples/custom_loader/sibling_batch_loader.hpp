// "sibling_batch": lazy loading in batches (Hibernate's batch fetching). The first
// access of a relationship on one object loads that relationship for every object
// that came from the same query, with one IN (...) statement per batch, so a loop over
// query results costs one statement instead of one per object. A loader strategy
// written outside Relate's core and plugins: register it, then name it in a query.
#pragma once

#include <memory>
#include <relate/orm/loader.hpp>

namespace relate_examples {

std::shared_ptr<const relate::LoaderStrategy> make_sibling_batch_loader();

}  // namespace relate_examples

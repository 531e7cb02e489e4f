// Must NOT compile: Review has a constructor, so it is no aggregate and Relate cannot
// reflect its members. The error must say so in Relate's words (what a model must be
// and what to do) and name Review, and Boost.PFR must not be reached: its own error
// asks to be reported as a PFR bug. Built by the CTest test
// compile_fail.ModelWithAConstructorIsACompileErrorInRelatesWords; with
// RELATE_TEST_AGGREGATE_CONTROL the constructor is gone and the file must compile
// (compile_fail.AggregateControlCompiles).
#include <cstdint>
#include <relate/relate.hpp>
#include <string>
#include <utility>

struct Review {
#ifndef RELATE_TEST_AGGREGATE_CONTROL
  explicit Review(std::string t = {}) : text(std::move(t)) {}
#endif
  std::int64_t id = 0;
  std::string text;
};

int main() {
  relate::MetaData metadata =
      relate::MetaData{}.table<Review>("reviews", relate::primary_key(&Review::id));
  metadata.configure();
  return 0;
}

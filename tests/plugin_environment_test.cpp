// RELATE_PLUGINS: the plugins a program loads without a line of code. Each test runs
// in a process of its own with the variable set (tests/CMakeLists.txt), since the
// list is read once, at the first lookup of a backend or loader strategy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <relate/engine/plugin.hpp>
#include <relate/errors.hpp>
#include <relate/orm/loader.hpp>

namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(RelatePluginsVariable, ListedPluginsRegisterBeforeTheFirstLookup) {
  ASSERT_NE(std::getenv("RELATE_PLUGINS"), nullptr);
  EXPECT_EQ(relate::find_loader_strategy("sibling_batch").name(), "sibling_batch");
}

TEST(RelatePluginsVariable, ABadEntryFailsTheLookupNamingTheVariableAndThePath) {
  try {
    static_cast<void>(relate::find_loader_strategy("lazy"));
    FAIL() << "no PluginError";
  } catch (const relate::PluginError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("RELATE_PLUGINS"),
                                HasSubstr("cannot load plugin '/nonexistent/plugin.so'")));
  }
}

}  // namespace

// Run-time plugins: a loader strategy in a shared library of its own
// (examples/custom_loader built as relate_sibling_batch_plugin), loaded by path and
// used by name in a query; and the errors that name what is wrong with a plugin.
#include <filesystem>
#include <fstream>
#include <relate/engine/plugin.hpp>

#include "blog_models.hpp"

namespace plugin_test {

using blog_test::User;

namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

const char* const sibling_batch_plugin = RELATE_TEST_SIBLING_BATCH_PLUGIN;

// The PluginError `load` throws for `path`, or "" when it throws none.
std::string plugin_error(const std::filesystem::path& path) {
  try {
    relate::load_plugin(path);
  } catch (const relate::PluginError& e) {
    return e.what();
  }
  return "";
}

bool registered(std::string_view strategy) {
  const auto names = relate::registered_loader_strategies();
  return std::find(names.begin(), names.end(), strategy) != names.end();
}

class PluginTest : public relate_test::OnEveryBackend<blog_test::BlogTest> {
 protected:
  void SetUp() override { relate::load_plugin(sibling_batch_plugin); }
};

TEST_P(PluginTest, LoadedStrategyIsUsedByNameInAQuery) {
  ASSERT_TRUE(registered("sibling_batch"));
  auto md = blog({3, 2});
  relate::Session session(engine, md);
  const auto all = session
                       .scalars(relate::select<User>()
                                    .options(relate::load(&User::posts, "sibling_batch"))
                                    .order_by(&User::id))
                       .all();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(statements.size(), 1u);
  clear();
  // The plugin's strategy at work: the first access loads every user's posts.
  for (const auto& user : all) EXPECT_EQ(user->posts.size(), 2u);
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], AllOf(HasSubstr("FROM \"posts\""), HasSubstr(" IN (")));
}

RELATE_ON_EVERY_BACKEND(PluginTest);

TEST(LoadPlugin, LoadingAPluginAgainDoesNothing) {
  relate::load_plugin(sibling_batch_plugin);
  const relate::LoaderStrategy* first = &relate::find_loader_strategy("sibling_batch");
  relate::load_plugin(sibling_batch_plugin);
  // Registering again would have replaced the strategy with a new object.
  EXPECT_EQ(&relate::find_loader_strategy("sibling_batch"), first);
}

TEST(LoadPlugin, AMissingFileIsAnErrorNamingIt) {
  EXPECT_THAT(plugin_error("/nonexistent/libnothing.so"),
              AllOf(HasSubstr("cannot load plugin '/nonexistent/libnothing.so'"),
                    HasSubstr("No such file")));
}

TEST(LoadPlugin, AFileThatIsNoLibraryIsAnErrorNamingIt) {
  const auto path = std::filesystem::temp_directory_path() / "relate_not_a_library.so";
  std::ofstream(path) << "not a shared library\n";
  EXPECT_THAT(plugin_error(path), HasSubstr("cannot load plugin '" + path.string() + "'"));
}

TEST(LoadPlugin, ALibraryWithoutTheEntryPointIsNotAPlugin) {
  EXPECT_THAT(plugin_error(RELATE_TEST_NOT_A_PLUGIN),
              AllOf(HasSubstr(std::string("'") + RELATE_TEST_NOT_A_PLUGIN + "'"),
                    HasSubstr("is not a Relate plugin"), HasSubstr("relate_plugin_register")));
}

TEST(LoadPlugin, APluginOfAnotherApiVersionIsRefusedAndRegistersNothing) {
  EXPECT_THAT(
      plugin_error(RELATE_TEST_OTHER_VERSION_PLUGIN),
      AllOf(HasSubstr(std::string("plugin '") + RELATE_TEST_OTHER_VERSION_PLUGIN + "'"),
            HasSubstr("plugin API version " + std::to_string(relate::plugin_api_version + 1)),
            HasSubstr("this program's is " + std::to_string(relate::plugin_api_version))));
  EXPECT_FALSE(registered("from_the_future"));
}

}  // namespace

}  // namespace plugin_test

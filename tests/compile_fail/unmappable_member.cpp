// Must NOT compile: Tag has no relate::column_traits, so Relate cannot map
// Article::tag to a column, and the error names member_type_not_mappable with the
// model, the member and its type. Built by the CTest test
// compile_fail.UnmappableMemberTypeIsACompileError; with RELATE_TEST_MAPPABLE_CONTROL
// the member is a std::string and the file must compile
// (compile_fail.MappableControlCompiles).
#include <cstdint>
#include <relate/relate.hpp>
#include <string>

struct Tag {
  int value = 0;
};

struct Article {
  std::int64_t id = 0;
#ifdef RELATE_TEST_MAPPABLE_CONTROL
  std::string tag;
#else
  Tag tag;
#endif
};

int main() {
  relate::MetaData metadata =
      relate::MetaData{}.table<Article>("articles", relate::primary_key(&Article::id));
  metadata.configure();
  return 0;
}

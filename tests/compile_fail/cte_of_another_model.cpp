// Must NOT compile: a CTE holds rows of one model, so its recursive part, and a
// select<T>() read from it, are queries of that model. Built by the CTest tests
// compile_fail.ACteOfAnotherModelIsACompileError (the recursive part) and
// compile_fail.SelectFromACteOfAnotherModelIsACompileError; with
// RELATE_TEST_CTE_CONTROL the models agree and the file must compile.
#include <cstdint>
#include <optional>
#include <relate/relate.hpp>
#include <string>

struct Category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;
};

struct Book {
  std::int64_t id = 0;
  std::string title;
};

int main() {
  auto tree = relate::cte("tree", relate::select<Category>());
#if defined(RELATE_TEST_CTE_CONTROL)
  tree.union_all(relate::select<Category>().join(
      tree, relate::col(&Category::parent_id) == tree(&Category::id)));
  auto query = relate::select<Category>().select_from(tree);
#elif defined(RELATE_TEST_SELECT_FROM)
  auto query = relate::select<Book>().select_from(tree);
#else
  tree.union_all(relate::select<Book>());
  auto query = relate::select(tree);
#endif
  (void)query;
  return 0;
}

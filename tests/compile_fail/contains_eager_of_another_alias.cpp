// Must NOT compile: contains_eager(member, alias) reads the relationship's rows from
// the alias, so the alias is of the model the relationship refers to. Built by the
// CTest test compile_fail.ContainsEagerFromAnAliasOfAnotherModelIsACompileError; with
// RELATE_TEST_CONTAINS_EAGER_CONTROL the models agree and the file must compile.
#include <cstdint>
#include <relate/relate.hpp>
#include <string>

struct Book;

struct Author {
  std::int64_t id = 0;
  std::string name;
  relate::many<Book> books;
};

struct Book {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  relate::one<Author> author;
};

int main() {
#if defined(RELATE_TEST_CONTAINS_EAGER_CONTROL)
  auto writer = relate::aliased<Author>();
#else
  auto writer = relate::aliased<Book>();
#endif
  auto option = relate::contains_eager(&Book::author, writer);
  (void)option;
  return 0;
}

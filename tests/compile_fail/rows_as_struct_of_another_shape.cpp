// Must NOT compile: Rows::as<S>() fills S's fields from the select's columns in order,
// so each field has its column's C++ type. Built by the CTest test
// compile_fail.RowsAsAStructOfAnotherShapeIsACompileError; with RELATE_TEST_ROWS_AS_CONTROL
// the types agree and the file must compile. With RELATE_TEST_ROWS_AS_COUNT the struct
// has a field too many; with RELATE_TEST_ROWS_AS_REFERENCE a field is a reference, which
// would refer into the rows. With RELATE_TEST_SUBQUERY the struct of another shape reads
// the rows of a subquery (subquery<S>()), with RELATE_TEST_SUBQUERY_CONTROL one that fits.
#include <cstdint>
#include <relate/relate.hpp>
#include <string>
#include <tuple>
#include <vector>

struct Book {
  std::int64_t id = 0;
  std::string title;
  std::int64_t year = 0;
};

struct TitleAndYear {
  std::string title;
#if defined(RELATE_TEST_ROWS_AS_CONTROL) || defined(RELATE_TEST_SUBQUERY_CONTROL)
  std::int64_t year = 0;
#elif defined(RELATE_TEST_ROWS_AS_REFERENCE)
  const std::int64_t& year;
#elif defined(RELATE_TEST_ROWS_AS_COUNT)
  std::int64_t year = 0;
  std::int64_t extra = 0;
#else
  std::string year;
#endif
};

int main() {
#if defined(RELATE_TEST_SUBQUERY) || defined(RELATE_TEST_SUBQUERY_CONTROL)
  auto sq = relate::subquery<TitleAndYear>(relate::select(&Book::title, &Book::year));
  (void)sq;
#else
  relate::Rows<std::string, std::int64_t> rows(std::vector<std::tuple<std::string, std::int64_t>>{});
  auto out = rows.as<TitleAndYear>();
  (void)out;
#endif
  return 0;
}

// Must NOT compile: comparing (or adding) expressions whose C++ types are neither the
// same nor both numbers is a compile error whose instantiation names both types. Built
// by the CTest tests compile_fail.ComparingIncompatibleExpressionsIsACompileError and
// compile_fail.AddingTextToANumberIsACompileError (and IN (subquery) by
// compile_fail.InASubqueryOfAnotherTypeIsACompileError); so are a value of another type
// (compile_fail.AValueOfAnotherTypeIsACompileError), coalesce() of a text and a number
// (compile_fail.CoalesceOfIncompatibleTypesIsACompileError), LIKE on a number
// (compile_fail.LikeOnANumberIsACompileError), a case_() branch of another type
// (compile_fail.ACaseBranchOfAnotherTypeIsACompileError) and a floating-point value or
// expression set into an integer member by a bulk UPDATE
// (compile_fail.SettingAFractionIntoAnIntegerMemberIsACompileError and ...Expression...).
// With RELATE_TEST_COMPATIBLE_CONTROL the expressions are compatible and the file must
// compile.
#include <cstdint>
#include <relate/relate.hpp>
#include <string>

struct Book {
  std::int64_t id = 0;
  std::string title;
  std::int64_t year = 0;
  double price = 0;
};

int main() {
#if defined(RELATE_TEST_COMPATIBLE_CONTROL)
  auto condition = relate::col(&Book::year) == relate::col(&Book::price);
  auto sum = relate::col(&Book::year) + relate::col(&Book::price);
  auto in = relate::col(&Book::price).in(relate::select(&Book::year));
  (void)in;
  auto fraction = relate::col(&Book::year) < 1999.5;  // compares as a double
  (void)fraction;
  auto widen = relate::update<Book>().set(&Book::price, relate::col(&Book::year) + 1).set(&Book::year, 3);
  (void)widen;
  auto fallback = relate::coalesce(&Book::price, &Book::year);
  auto like = relate::col(&Book::title).like("D%");
  (void)fallback;
  (void)like;
  auto pick = relate::case_<double>({{relate::col(&Book::year) > 1, relate::col(&Book::price) * 0.5}},
                                    &Book::year);
  (void)pick;
#elif defined(RELATE_TEST_COALESCE)
  auto condition = relate::coalesce(&Book::title, &Book::year) == "x";
  auto sum = relate::col(&Book::year) + 1;
#elif defined(RELATE_TEST_LIKE_ON_A_NUMBER)
  auto condition = relate::col(&Book::year).like("19%");
  auto sum = relate::col(&Book::year) + 1;
#elif defined(RELATE_TEST_VALUE_OF_ANOTHER_TYPE)
  auto condition = relate::col(&Book::year) == "1999";
  auto sum = relate::col(&Book::year) + 1;
#elif defined(RELATE_TEST_SET_FRACTION)
  auto update = relate::update<Book>().set(&Book::year, 2.7);
  (void)update;
  auto condition = relate::col(&Book::year) == 1;
  auto sum = relate::col(&Book::year) + 1;
#elif defined(RELATE_TEST_SET_FLOAT_EXPRESSION)
  auto update = relate::update<Book>().set(&Book::year, relate::col(&Book::price) * 0.9);
  (void)update;
  auto condition = relate::col(&Book::year) == 1;
  auto sum = relate::col(&Book::year) + 1;
#elif defined(RELATE_TEST_CASE_BRANCH)
  auto pick = relate::case_<std::string>({{relate::col(&Book::year) > 1, relate::col(&Book::year)}},
                                         "x");
  (void)pick;
  auto condition = relate::col(&Book::year) == 1;
  auto sum = relate::col(&Book::year) + 1;
#elif defined(RELATE_TEST_IN_SUBQUERY)
  auto condition = relate::col(&Book::title).in(relate::select(&Book::year));
  auto sum = relate::col(&Book::year) + 1;
#elif defined(RELATE_TEST_ADD_TEXT)
  auto sum = relate::col(&Book::year) + relate::col(&Book::title);
  auto condition = relate::col(&Book::year) == 1;
#else
  auto condition = relate::col(&Book::title) == relate::col(&Book::year);
  auto sum = relate::col(&Book::year) + 1;
#endif
  (void)condition;
  (void)sum;
  return 0;
}

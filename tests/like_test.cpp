// LIKE, the same on every backend: like() is case-sensitive (SQLite's own LIKE is not),
// `_` matches one character also when it takes several bytes, an escape character
// makes %, _ and itself literal (a backslash unless another is given), and
// contains/startswith/endswith take their text literally. ilike ignores the case of
// ASCII letters everywhere.
#include "test_support.hpp"

namespace like_test {

struct Word {
  std::int64_t id = 0;
  std::string text;
};

namespace {

using relate::col;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class LikeTest : public relate_test::DatabaseTest {
 protected:
  LikeTest() : md(create(relate::MetaData{}.table<Word>("words", relate::primary_key(&Word::id)))) {
    relate::Session s(engine, md);
    for (const char* text : {"apple", "Apple", "APPLE", "\xC3\xA4pfel", "100%", "1000", "a_b",
                             "axb", "back\\slash", "[a]*?", "bang!", "x%y"}) {
      s.add(Word{.text = text});
    }
    s.commit();
  }

  // The words matching `condition`, in insertion order: one SELECT, whatever the
  // pattern (LIKE is the database's, never a filter in memory).
  std::vector<std::string> words(const relate::Condition& condition) {
    relate::Session s(engine, md);
    clear();
    std::vector<std::string> out;
    for (const auto& w :
         s.scalars(relate::select<Word>().where(condition).order_by(&Word::id)).all()) {
      out.push_back(w->text);
    }
    EXPECT_EQ(count_starting_with("SELECT"), 1u);
    EXPECT_EQ(count_starting_with("INSERT") + count_starting_with("UPDATE") +
                  count_starting_with("DELETE"),
              0u);
    return out;
  }

  relate::MetaData md;
};

TEST_P(LikeTest, LikeIsCaseSensitive) {
  EXPECT_THAT(words(col(&Word::text).like("app%")), ElementsAre("apple"));
  EXPECT_THAT(words(col(&Word::text).like("A%E")), ElementsAre("APPLE"));
}

TEST_P(LikeTest, UnderscoreMatchesOneCharacterEvenOfSeveralBytes) {
  EXPECT_THAT(words(col(&Word::text).like("_pfel")), ElementsAre("\xC3\xA4pfel"));
  EXPECT_THAT(words(col(&Word::text).like("a_b")), ElementsAre("a_b", "axb"));
}

TEST_P(LikeTest, BackslashEscapesPercentAndUnderscore) {
  EXPECT_THAT(words(col(&Word::text).like("100\\%")), ElementsAre("100%"));
  EXPECT_THAT(words(col(&Word::text).like("a\\_b")), ElementsAre("a_b"));
}

TEST_P(LikeTest, DoubledEscapeCharacterMatchesItself) {
  EXPECT_THAT(words(col(&Word::text).like("back\\\\%")), ElementsAre("back\\slash"));
}

TEST_P(LikeTest, AnotherEscapeCharacterCanBeChosen) {
  EXPECT_THAT(words(col(&Word::text).like("100!%", '!')), ElementsAre("100%"));
  EXPECT_THAT(words(col(&Word::text).like("%!!", '!')), ElementsAre("bang!"));
  // The backslash is then an ordinary character.
  EXPECT_THAT(words(col(&Word::text).like("back\\%", '!')), ElementsAre("back\\slash"));
}

TEST_P(LikeTest, GlobWildcardsAreOrdinaryCharactersInLike) {
  EXPECT_THAT(words(col(&Word::text).like("[a]*?")), ElementsAre("[a]*?"));
  EXPECT_THAT(words(col(&Word::text).like("%*%")), ElementsAre("[a]*?"));
}

TEST_P(LikeTest, NotLikeMatchesTheOthers) {
  EXPECT_THAT(words(!col(&Word::text).like("%p%") && !col(&Word::text).like("%P%") &&
                    !col(&Word::text).like("%\\_%") && !col(&Word::text).like("%0%")),
              ElementsAre("axb", "back\\slash", "[a]*?", "bang!", "x%y"));
}

TEST_P(LikeTest, IlikeIgnoresTheCaseOfAsciiLetters) {
  EXPECT_THAT(words(col(&Word::text).ilike("apple")), ElementsAre("apple", "Apple", "APPLE"));
  EXPECT_THAT(words(col(&Word::text).ilike("A\\_B")), ElementsAre("a_b"));
}

TEST_P(LikeTest, ContainsTakesItsTextLiterally) {
  EXPECT_THAT(words(col(&Word::text).contains("%")), ElementsAre("100%", "x%y"));
  EXPECT_THAT(words(col(&Word::text).contains("_")), ElementsAre("a_b"));
  EXPECT_THAT(words(col(&Word::text).contains("\\")), ElementsAre("back\\slash"));
  EXPECT_THAT(words(col(&Word::text).contains("pl")), ElementsAre("apple", "Apple"));
}

TEST_P(LikeTest, StartswithAndEndswithTakeTheirTextLiterally) {
  EXPECT_THAT(words(col(&Word::text).startswith("100")), ElementsAre("100%", "1000"));
  EXPECT_THAT(words(col(&Word::text).endswith("0%")), ElementsAre("100%"));
  EXPECT_THAT(words(col(&Word::text).startswith("x%")), ElementsAre("x%y"));
}

TEST_P(LikeTest, CaseInsensitiveContainsStartswithAndEndswith) {
  EXPECT_THAT(words(col(&Word::text).icontains("PPL")), ElementsAre("apple", "Apple", "APPLE"));
  EXPECT_THAT(words(col(&Word::text).istartswith("A_")), ElementsAre("a_b"));
  EXPECT_THAT(words(col(&Word::text).iendswith("PFEL")), ElementsAre("\xC3\xA4pfel"));
}

TEST_P(LikeTest, EscapeCharacterBeforeAnOrdinaryCharacterIsAnArgumentError) {
  try {
    words(col(&Word::text).like("a\\b"));
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'a\\b'"));
  }
  EXPECT_THROW(words(col(&Word::text).like("trailing\\")), relate::ArgumentError);
}

TEST_P(LikeTest, LetterOrWildcardAsEscapeCharacterIsAnArgumentError) {
  EXPECT_THROW(words(col(&Word::text).like("a", 'x')), relate::ArgumentError);
  EXPECT_THROW(words(col(&Word::text).like("a", '%')), relate::ArgumentError);
}

TEST_P(LikeTest, PatternIsABoundParameter) {
  clear();
  EXPECT_THAT(words(col(&Word::text).like("x%y")), ElementsAre("x%y"));
  ASSERT_EQ(count_starting_with("SELECT"), 1u);
  EXPECT_THAT(statements_starting_with("SELECT").at(0), Not(HasSubstr("x%y")));
}

RELATE_ON_EVERY_BACKEND(LikeTest);

TEST(EscapeLike, EscapesPercentUnderscoreAndTheEscapeCharacter) {
  EXPECT_EQ(relate::sql::escape_like("100%_a\\b"), "100\\%\\_a\\\\b");
  EXPECT_EQ(relate::sql::escape_like("a!b%", '!'), "a!!b!%");
}

}  // namespace
}  // namespace like_test

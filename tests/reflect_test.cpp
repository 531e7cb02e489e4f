// relate::reflect: what Relate learns about a plain aggregate at compile time, with no
// macro and no base class.
#include <array>
#include <string_view>
#include <type_traits>

#include "test_support.hpp"

namespace {

using ::testing::ElementsAre;

struct Point {
  int x = 0;
  double y = 0;
  std::string label;
};

struct Empty {};

struct Single {
  std::int64_t only = 0;
};

// An aggregate that is not default-constructible can still be reflected.
struct Needs {
  explicit Needs(int v) : value(v) {}
  int value;
};
struct NoDefault {
  Needs a;
  char b;
  long long c;
};

TEST(Reflect, FieldCountCountsEveryMember) {
  EXPECT_EQ(relate::reflect::field_count<Point>, 3u);
  EXPECT_EQ(relate::reflect::field_count<Single>, 1u);
  EXPECT_EQ(relate::reflect::field_count<Empty>, 0u);
}

TEST(Reflect, FieldCountIncludesRelationshipMembers) {
  EXPECT_EQ(relate::reflect::field_count<relate_test::User>, 5u);
}

TEST(Reflect, FieldNamesAreTheMemberNamesInDeclarationOrder) {
  constexpr auto names = relate::reflect::field_names<Point>();
  EXPECT_THAT(names, ElementsAre("x", "y", "label"));
}

TEST(Reflect, FieldNamesAreAvailableAtCompileTime) {
  static_assert(relate::reflect::field_names<Point>()[2] == "label");
  static_assert(relate::reflect::field_name<Point, 1> == "y");
  SUCCEED();
}

TEST(Reflect, FieldNamesOfAModelWithRelationships) {
  EXPECT_THAT(relate::reflect::field_names<relate_test::User>(),
              ElementsAre("id", "name", "email", "addresses", "posts"));
}

TEST(Reflect, FieldIndexFromMemberPointer) {
  EXPECT_EQ(relate::reflect::field_index(&Point::x), 0u);
  EXPECT_EQ(relate::reflect::field_index(&Point::y), 1u);
  EXPECT_EQ(relate::reflect::field_index(&Point::label), 2u);
}

TEST(Reflect, FieldIndexOfRelationshipMembers) {
  EXPECT_EQ(relate::reflect::field_index(&relate_test::User::addresses), 3u);
  EXPECT_EQ(relate::reflect::field_index(&relate_test::User::posts), 4u);
  EXPECT_EQ(relate::reflect::field_index(&relate_test::Post::author), 3u);
}

TEST(Reflect, FieldIndexWorksWithoutADefaultConstructor) {
  EXPECT_EQ(relate::reflect::field_index(&NoDefault::a), 0u);
  EXPECT_EQ(relate::reflect::field_index(&NoDefault::b), 1u);
  EXPECT_EQ(relate::reflect::field_index(&NoDefault::c), 2u);
}

TEST(Reflect, GetByIndexReadsAndWritesTheMember) {
  Point p{1, 2.5, "here"};
  EXPECT_EQ(relate::reflect::get<0>(p), 1);
  relate::reflect::get<2>(p) = "there";
  EXPECT_EQ(p.label, "there");
}

TEST(Reflect, FieldTypeIsTheMemberType) {
  static_assert(std::is_same_v<relate::reflect::field_type<Point, 1>, double>);
  static_assert(std::is_same_v<relate::reflect::field_type<relate_test::Address, 1>,
                               std::optional<std::int64_t>>);
  SUCCEED();
}

}  // namespace

// RowSnapshot: the compact copy of a row's column values that every loaded object
// keeps, and that a flush compares the object's members against.
#include <relate/orm/row_snapshot.hpp>

#include "test_support.hpp"

namespace {

using relate::Blob;
using relate::RowSnapshot;
using relate::Timestamp;
using relate::Value;

std::vector<Value> one_of_each_kind() {
  return {Value(),
          Value(true),
          Value(std::int64_t{-42}),
          Value(2.5),
          Value(std::string("a text longer than any small-string buffer, with \0 inside", 57)),
          Value(Blob{std::byte{0}, std::byte{0xff}, std::byte{7}}),
          Value(Timestamp(std::chrono::microseconds(1'700'000'000'123'456))),
          Value(std::string())};
}

TEST(RowSnapshot, ADefaultSnapshotIsEmpty) {
  const RowSnapshot none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_TRUE(none.values().empty());
}

TEST(RowSnapshot, EveryKindOfValueReadsBackEqual) {
  const auto row = one_of_each_kind();
  const RowSnapshot snapshot(row);
  ASSERT_EQ(snapshot.size(), row.size());
  for (std::size_t i = 0; i < row.size(); ++i) {
    EXPECT_EQ(snapshot[i], row[i]) << "column " << i;
    EXPECT_TRUE(snapshot.equals(i, row[i])) << "column " << i;
  }
  EXPECT_EQ(snapshot.values(), row);
}

TEST(RowSnapshot, EqualsIsFalseForAnotherValueOrAnotherKind) {
  const RowSnapshot snapshot(one_of_each_kind());
  EXPECT_FALSE(snapshot.equals(0, Value(std::int64_t{0})));  // null vs 0
  EXPECT_FALSE(snapshot.equals(1, Value(false)));
  EXPECT_FALSE(snapshot.equals(2, Value(std::int64_t{42})));
  EXPECT_FALSE(snapshot.equals(2, Value(-42.0)));  // same number, another kind
  EXPECT_FALSE(snapshot.equals(3, Value(2.25)));
  EXPECT_FALSE(snapshot.equals(4, Value("a text")));
  EXPECT_FALSE(snapshot.equals(5, Value(Blob{std::byte{0}, std::byte{0xff}})));
  EXPECT_FALSE(snapshot.equals(6, Value(Timestamp(std::chrono::microseconds(0)))));
  EXPECT_FALSE(snapshot.equals(7, Value()));  // empty text is not null
}

TEST(RowSnapshot, SetReplacesOneValueAndKeepsTheOthers) {
  auto row = one_of_each_kind();
  RowSnapshot snapshot(row);
  snapshot.set(4, Value());
  row[4] = Value();
  EXPECT_EQ(snapshot.values(), row);
}

TEST(RowSnapshot, CopiesAreIndependent) {
  RowSnapshot original(one_of_each_kind());
  const RowSnapshot copy = original;
  original.set(2, Value(std::int64_t{7}));
  EXPECT_EQ(copy[2], Value(std::int64_t{-42}));
  EXPECT_EQ(original[2], Value(std::int64_t{7}));
  RowSnapshot assigned;
  assigned = copy;
  EXPECT_EQ(assigned.values(), copy.values());
}

}  // namespace

// column_traits: every supported member type keeps its value through a real SQLite
// round trip (written by one Session, read back by another), maps to the documented
// ColumnType, and a user type maps by specialising relate::column_traits.
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "test_support.hpp"

namespace column_traits_test {

// A one-column model for any member type.
template <class T>
struct Box {
  std::int64_t id = 0;
  T value{};
};

enum class Color : std::int16_t { red = 1, green = 2, blue = -3 };

// A user type, mapped as column_traits.hpp documents.
struct Money {
  std::int64_t cents = 0;
  friend bool operator==(const Money&, const Money&) = default;
};

}  // namespace column_traits_test

template <>
struct relate::column_traits<column_traits_test::Money> {
  static constexpr relate::ColumnType type = relate::ColumnType::big_integer;
  static relate::Value to_value(const column_traits_test::Money& m) { return m.cents; }
  static column_traits_test::Money from_value(const relate::Value& v) {
    return column_traits_test::Money{v.as_int()};
  }
};

namespace column_traits_test {
namespace {

using namespace std::chrono;
using relate::ColumnType;

class ColumnTraitsTest : public relate_test::DatabaseTest {
 protected:
  // Writes `value` in one Session and returns what a fresh Session reads back.
  template <class T>
  T round_trip(const T& value) {
    const relate::MetaData md =
        relate::MetaData{}.table<Box<T>>("boxes", relate::primary_key(&Box<T>::id));
    engine.drop_all(md);  // one of another member type: a column of another type
    create(md);
    std::int64_t id = 0;
    {
      relate::Session writer(engine, md);
      auto box = writer.add(Box<T>{.value = value});
      writer.commit();
      id = box->id;
    }
    relate::Session reader(engine, md);
    auto loaded = reader.get<Box<T>>(id);
    if (!loaded) throw std::runtime_error("the box was not found again");
    return loaded->value;
  }

  // The stored value as text, and how the database stores it: "null", "integer",
  // "text", "blob" or "timestamp" (SQLite's storage class; the column's type on the
  // servers, which store each column in its declared type).
  relate_test::Row stored() const {
    relate_test::Row r;
    if (on(relate_test::kSqlite)) {
      r = rows("SELECT value, typeof(value) FROM boxes").at(0);
    } else if (on(relate_test::kPostgresql)) {
      r = rows("SELECT CAST(value AS TEXT), pg_typeof(value)::text FROM boxes").at(0);
    } else {
      r = rows(
              "SELECT value, (SELECT data_type FROM information_schema.columns WHERE "
              "table_schema = DATABASE() AND table_name = 'boxes' AND column_name = 'value') "
              "FROM boxes")
              .at(0);
    }
    if (r[0] == "NULL") return {"NULL", "null"};
    const std::string& type = r[1];
    const auto has = [&](const char* word) { return type.find(word) != std::string::npos; };
    if (has("int")) r[1] = "integer";
    if (has("char") || has("text")) r[1] = "text";
    if (has("blob") || has("bytea")) r[1] = "blob";
    if (has("timestamp") || has("datetime")) r[1] = "timestamp";
    return r;
  }

  // Writing `value` must fail with a DataError: its message, once no row was written.
  template <class T>
  std::string refusal(const T& value) {
    const relate::MetaData md =
        relate::MetaData{}.table<Box<T>>("boxes", relate::primary_key(&Box<T>::id));
    engine.drop_all(md);
    create(md);
    relate::Session writer(engine, md);
    writer.add(Box<T>{.value = value});
    std::string message;
    try {
      writer.commit();
      ADD_FAILURE() << "expected relate::DataError";
    } catch (const relate::DataError& e) {
      message = e.what();
    }
    EXPECT_EQ(count_rows("boxes"), 0);
    return message;
  }

  // The stored bytes of a blob as upper-case hex digits.
  std::string stored_hex() const {
    return rows(on(relate_test::kPostgresql) ? "SELECT upper(encode(value, 'hex')) FROM boxes"
                                             : "SELECT hex(value) FROM boxes")
        .at(0)
        .at(0);
  }
};

TEST_P(ColumnTraitsTest, BoolRoundTrips) {
  static_assert(relate::column_traits<bool>::type == ColumnType::boolean);
  EXPECT_TRUE(round_trip(true));
  EXPECT_FALSE(round_trip(false));
}

TEST_P(ColumnTraitsTest, Int8RoundTripsAtBothLimits) {
  static_assert(relate::column_traits<std::int8_t>::type == ColumnType::small_integer);
  EXPECT_EQ(round_trip<std::int8_t>(-128), -128);
  EXPECT_EQ(round_trip<std::int8_t>(127), 127);
}

TEST_P(ColumnTraitsTest, Int16RoundTripsAtBothLimits) {
  static_assert(relate::column_traits<std::int16_t>::type == ColumnType::small_integer);
  EXPECT_EQ(round_trip<std::int16_t>(-32768), -32768);
  EXPECT_EQ(round_trip<std::int16_t>(32767), 32767);
}

TEST_P(ColumnTraitsTest, Int32RoundTripsAtBothLimits) {
  static_assert(relate::column_traits<std::int32_t>::type == ColumnType::integer);
  EXPECT_EQ(round_trip(std::numeric_limits<std::int32_t>::min()),
            std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(round_trip(std::numeric_limits<std::int32_t>::max()),
            std::numeric_limits<std::int32_t>::max());
}

TEST_P(ColumnTraitsTest, Int64RoundTripsAtBothLimits) {
  static_assert(relate::column_traits<std::int64_t>::type == ColumnType::big_integer);
  EXPECT_EQ(round_trip(std::numeric_limits<std::int64_t>::min()),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(round_trip(std::numeric_limits<std::int64_t>::max()),
            std::numeric_limits<std::int64_t>::max());
}

TEST_P(ColumnTraitsTest, UnsignedIntegersRoundTripAtTheirMaximum) {
  static_assert(relate::column_traits<std::uint8_t>::type == ColumnType::small_integer);
  static_assert(relate::column_traits<std::uint16_t>::type == ColumnType::integer);
  static_assert(relate::column_traits<std::uint32_t>::type == ColumnType::big_integer);
  EXPECT_EQ(round_trip(std::numeric_limits<std::uint8_t>::max()), 255u);
  EXPECT_EQ(round_trip(std::numeric_limits<std::uint16_t>::max()), 65535u);
  EXPECT_EQ(round_trip(std::numeric_limits<std::uint32_t>::max()), 4294967295u);
}

TEST_P(ColumnTraitsTest, Uint64RoundTripsUpToTheSigned64BitMaximum) {
  const auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(round_trip(max), max);
}

TEST_P(ColumnTraitsTest, Uint64AboveTheSigned64BitMaximumIsADataError) {
  const relate::MetaData md = create(relate::MetaData{}.table<Box<std::uint64_t>>(
      "boxes", relate::primary_key(&Box<std::uint64_t>::id)));
  relate::Session session(engine, md);
  session.add(Box<std::uint64_t>{.value = std::numeric_limits<std::uint64_t>::max()});
  try {
    session.commit();
    FAIL() << "expected relate::DataError";
  } catch (const relate::DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("18446744073709551615"));
  }
  EXPECT_EQ(count_rows("boxes"), 0);
}

TEST_P(ColumnTraitsTest, OutOfRangeValueInTheDatabaseIsADataErrorNamingMemberAndTable) {
  const relate::MetaData md = create(relate::MetaData{}.table<Box<std::int8_t>>(
      "boxes", relate::primary_key(&Box<std::int8_t>::id)));
  exec_raw("INSERT INTO boxes (id, value) VALUES (1, 300)");
  relate::Session session(engine, md);
  try {
    session.get<Box<std::int8_t>>(1);
    FAIL() << "expected relate::DataError";
  } catch (const relate::DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("value"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("boxes"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("300"));
  }
}

TEST_P(ColumnTraitsTest, ARowThatFailedToLoadLeavesNothingInTheSession) {
  const relate::MetaData md = create(relate::MetaData{}.table<Box<std::int8_t>>(
      "boxes", relate::primary_key(&Box<std::int8_t>::id)));
  exec_raw("INSERT INTO boxes (id, value) VALUES (1, 300)");
  relate::Session session(engine, md);
  EXPECT_THROW(session.get<Box<std::int8_t>>(1), relate::DataError);
  session.rollback();
  exec_raw("UPDATE boxes SET value = 7 WHERE id = 1");
  // No half-loaded object answers from the identity map: the row loads afresh.
  const auto box = session.get<Box<std::int8_t>>(1);
  ASSERT_TRUE(box);
  EXPECT_EQ(box->value, 7);
}

TEST_P(ColumnTraitsTest, FloatRoundTripsExactly) {
  static_assert(relate::column_traits<float>::type == ColumnType::real);
  EXPECT_EQ(round_trip(3.14159f), 3.14159f);
  EXPECT_EQ(round_trip(-0.25f), -0.25f);
}

TEST_P(ColumnTraitsTest, DoubleRoundTripsExactly) {
  static_assert(relate::column_traits<double>::type == ColumnType::double_precision);
  EXPECT_EQ(round_trip(0.1), 0.1);
  EXPECT_EQ(round_trip(1e-300), 1e-300);
  EXPECT_EQ(round_trip(std::numeric_limits<double>::lowest()),
            std::numeric_limits<double>::lowest());
}

// What one backend cannot store exactly, every backend refuses: MariaDB has no NaN or
// infinity, SQLite turns NaN into NULL, and SQLite and MariaDB store -0.0 as 0.

TEST_P(ColumnTraitsTest, NanIsADataErrorNamingTheColumn) {
  const std::string message = refusal(std::numeric_limits<double>::quiet_NaN());
  EXPECT_THAT(message, ::testing::HasSubstr("NaN"));
  EXPECT_THAT(message, ::testing::HasSubstr("'boxes.value'"));
}

TEST_P(ColumnTraitsTest, NanInAnOptionalDoubleIsADataErrorNotNull) {
  EXPECT_THAT(refusal(std::optional<double>(std::numeric_limits<double>::quiet_NaN())),
              ::testing::HasSubstr("NaN"));
}

TEST_P(ColumnTraitsTest, FloatNanIsADataError) {
  EXPECT_THAT(refusal(std::numeric_limits<float>::quiet_NaN()), ::testing::HasSubstr("NaN"));
}

TEST_P(ColumnTraitsTest, InfinityOfEitherSignIsADataError) {
  EXPECT_THAT(refusal(std::numeric_limits<double>::infinity()), ::testing::HasSubstr("+infinity"));
  EXPECT_THAT(refusal(-std::numeric_limits<double>::infinity()), ::testing::HasSubstr("-infinity"));
}

TEST_P(ColumnTraitsTest, NegativeZeroIsADataError) {
  EXPECT_THAT(refusal(-0.0), ::testing::HasSubstr("-0.0"));
}

TEST_P(ColumnTraitsTest, NegativeZeroPlusZeroIsStoredAsZero) {
  const double value = -0.0 + 0.0;
  EXPECT_FALSE(std::signbit(round_trip(value)));
}

TEST_P(ColumnTraitsTest, DoubleExtremesRoundTripExactly) {
  EXPECT_EQ(round_trip(std::numeric_limits<double>::max()), std::numeric_limits<double>::max());
  EXPECT_EQ(round_trip(std::numeric_limits<double>::min()), std::numeric_limits<double>::min());
  EXPECT_EQ(round_trip(-1e-300), -1e-300);
}

TEST_P(ColumnTraitsTest, NanInAQueryIsADataError) {
  const relate::MetaData md =
      create(relate::MetaData{}.table<Box<double>>("boxes", relate::primary_key(&Box<double>::id)));
  relate::Session session(engine, md);
  EXPECT_THROW(session.scalars(relate::select<Box<double>>().where(
                   relate::col(&Box<double>::value) == std::numeric_limits<double>::quiet_NaN())),
               relate::DataError);
}

TEST_P(ColumnTraitsTest, NegativeZeroInAQueryEqualsZero) {
  round_trip(0.0);
  relate::Session session(engine, relate::MetaData{}.table<Box<double>>(
                                      "boxes", relate::primary_key(&Box<double>::id)));
  EXPECT_EQ(
      session.scalars(relate::select<Box<double>>().where(relate::col(&Box<double>::value) == -0.0))
          .size(),
      1u);
}

TEST_P(ColumnTraitsTest, StringRoundTripsVerbatim) {
  static_assert(relate::column_traits<std::string>::type == ColumnType::text);
  const std::string text = "h\xC3\xA9llo \"w\xC3\xB6rld\" it's; -- \n\ttabbed";
  EXPECT_EQ(round_trip(text), text);
  EXPECT_EQ(stored(), (relate_test::Row{text, "text"}));
}

TEST_P(ColumnTraitsTest, EmptyStringRoundTripsAsEmptyNotNull) {
  EXPECT_EQ(round_trip(std::string()), "");
  EXPECT_EQ(stored(), (relate_test::Row{"", "text"}));
}

TEST_P(ColumnTraitsTest, StringWithEmbeddedNulRoundTrips) {
  const std::string text("a\0b", 3);
  if (on(relate_test::kPostgresql)) {
    // PostgreSQL's text cannot hold NUL: refused, rather than cut short at the NUL.
    EXPECT_THROW(round_trip(text), relate::DataError);
    EXPECT_EQ(count_rows("boxes"), 0);
    return;
  }
  EXPECT_EQ(round_trip(text), text);
}

TEST_P(ColumnTraitsTest, OptionalWithoutValueIsStoredAsNull) {
  static_assert(relate::column_traits<std::optional<int>>::type == ColumnType::integer);
  EXPECT_EQ(round_trip(std::optional<std::int32_t>()), std::nullopt);
  EXPECT_EQ(stored(), (relate_test::Row{"NULL", "null"}));
}

TEST_P(ColumnTraitsTest, OptionalWithValueRoundTrips) {
  EXPECT_EQ(round_trip(std::optional<std::int32_t>(42)), 42);
}

TEST_P(ColumnTraitsTest, OptionalMemberMakesANullableColumnAndOthersAreNotNull) {
  create(relate::MetaData{}
             .table<Box<std::optional<std::string>>>(
                 "maybe", relate::primary_key(&Box<std::optional<std::string>>::id))
             .table<Box<std::string>>("surely", relate::primary_key(&Box<std::string>::id)));
  EXPECT_TRUE(column_nullable("maybe", "value"));
  EXPECT_FALSE(column_nullable("surely", "value"));
  EXPECT_FALSE(column_nullable("surely", "id"));
}

TEST_P(ColumnTraitsTest, BlobRoundTripsEveryByteValue) {
  static_assert(relate::column_traits<relate::Blob>::type == ColumnType::blob);
  relate::Blob bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<std::byte>(i));
  EXPECT_EQ(round_trip(bytes), bytes);
  EXPECT_EQ(stored_hex().substr(0, 8), "00010203");
  EXPECT_EQ(stored_hex().substr(510), "FF");
  EXPECT_EQ(stored().at(1), "blob");
}

TEST_P(ColumnTraitsTest, EmptyBlobRoundTripsAsEmptyNotNull) {
  EXPECT_EQ(round_trip(relate::Blob{}), relate::Blob{});
  EXPECT_EQ(stored_hex(), "");
  EXPECT_EQ(stored().at(1), "blob");
}

TEST_P(ColumnTraitsTest, TimePointRoundTripsWithMicrosecondPrecision) {
  static_assert(relate::column_traits<system_clock::time_point>::type == ColumnType::timestamp);
  const system_clock::time_point t =
      sys_days{year{2024} / February / 29} + 13h + 45min + 30s + 123456us;
  EXPECT_EQ(round_trip(t), t);
}

TEST_P(ColumnTraitsTest, TimePointIsTruncatedToMicroseconds) {
  const system_clock::time_point t =
      sys_days{year{2024} / February / 29} + 13h + 45min + 30s + 123456789ns;
  EXPECT_EQ(round_trip(t), sys_days{year{2024} / February / 29} + 13h + 45min + 30s + 123456us);
}

TEST_P(ColumnTraitsTest, TimePointIsStoredAsIsoTextOnSqliteAndAsATimestampElsewhere) {
  const system_clock::time_point t =
      sys_days{year{2024} / February / 29} + 13h + 45min + 30s + 123456us;
  round_trip(t);
  EXPECT_EQ(stored(), (relate_test::Row{"2024-02-29 13:45:30.123456",
                                        on(relate_test::kSqlite) ? "text" : "timestamp"}));
}

TEST_P(ColumnTraitsTest, TimePointBeforeTheEpochRoundTrips) {
  const system_clock::time_point t = sys_days{year{1969} / July / 20} + 20h + 17min + 40s + 1us;
  EXPECT_EQ(round_trip(t), t);
}

// Timestamps every backend stores: years 1 to 9999 (PostgreSQL has no year 0, MariaDB's
// DATETIME ends with 9999). Beyond them a DataError on every backend, never a wrong year.

TEST_P(ColumnTraitsTest, TimestampsAtBothEndsOfThePortableRangeRoundTrip) {
  EXPECT_EQ(round_trip(relate::min_timestamp()), sys_days{year{1} / January / 1});
  EXPECT_EQ(round_trip(relate::max_timestamp()),
            sys_days{year{9999} / December / 31} + 23h + 59min + 59s + 999999us);
  EXPECT_EQ(stored().at(0), "9999-12-31 23:59:59.999999");
}

TEST_P(ColumnTraitsTest, LargestMicrosecondTimestampIsADataErrorNamingTheRange) {
  const std::string message = refusal(relate::Timestamp::max());
  EXPECT_THAT(message, ::testing::HasSubstr("years 1 to 9999"));
  EXPECT_THAT(message, ::testing::HasSubstr("294247"));
}

TEST_P(ColumnTraitsTest, TimestampInTheYear10000IsADataError) {
  EXPECT_THAT(refusal(relate::Timestamp(sys_days{year{10000} / January / 1})),
              ::testing::HasSubstr("in the year 10000 lies outside years 1 to 9999"));
}

TEST_P(ColumnTraitsTest, TimestampBeforeTheYear1IsADataError) {
  EXPECT_THAT(refusal(relate::min_timestamp() - 1us),
              ::testing::HasSubstr("in the year 0 lies outside years 1 to 9999"));
}

TEST_P(ColumnTraitsTest, SecondsTimePointBeyondTheRangeIsADataError) {
  EXPECT_THAT(refusal(sys_seconds::max()), ::testing::HasSubstr("years 1 to 9999"));
}

TEST_P(ColumnTraitsTest, TimestampANanosecondTimePointCannotHoldIsADataErrorOnRead) {
  // system_clock::time_point counts nanoseconds: it ends in 2262.
  const auto late = relate::Timestamp(sys_days{year{3000} / January / 1});
  round_trip(late);
  relate::Session reader(engine,
                         relate::MetaData{}.table<Box<system_clock::time_point>>(
                             "boxes", relate::primary_key(&Box<system_clock::time_point>::id)));
  EXPECT_THROW(reader.scalars(relate::select<Box<system_clock::time_point>>()), relate::DataError);
}

TEST_P(ColumnTraitsTest, EnumRoundTripsThroughItsUnderlyingInteger) {
  static_assert(relate::column_traits<Color>::type == ColumnType::small_integer);
  EXPECT_EQ(round_trip(Color::blue), Color::blue);
  EXPECT_EQ(stored(), (relate_test::Row{"-3", "integer"}));
}

TEST_P(ColumnTraitsTest, UserTypeMapsThroughItsColumnTraitsSpecialisation) {
  static_assert(relate::column_mappable<Money>);
  EXPECT_EQ(round_trip(Money{1999}), Money{1999});
  EXPECT_EQ(stored(), (relate_test::Row{"1999", "integer"}));
  EXPECT_THAT(schema_sql("boxes"), ::testing::HasSubstr("\"value\" BIGINT NOT NULL"));
  EXPECT_FALSE(column_nullable("boxes", "value"));
}

TEST_P(ColumnTraitsTest, OptionalUserTypeIsNullable) {
  EXPECT_EQ(round_trip(std::optional<Money>()), std::nullopt);
  EXPECT_EQ(stored(), (relate_test::Row{"NULL", "null"}));
}

TEST(ColumnTraits, TimestampTextWithAnEraOrOffsetIsADataErrorNotAnotherTime) {
  // PostgreSQL writes years before 1 as "... BC".
  EXPECT_THROW(relate::parse_timestamp("0044-03-15 12:00:00 BC"), relate::DataError);
  EXPECT_THROW(relate::parse_timestamp("2024-02-29 13:45:30+02:00"), relate::DataError);
  EXPECT_EQ(relate::parse_timestamp("2024-02-29T13:45:30.5Z"),
            sys_days{year{2024} / February / 29} + 13h + 45min + 30s + 500ms);
  EXPECT_EQ(relate::parse_timestamp("2024-02-29"), sys_days{year{2024} / February / 29});
}

TEST(ColumnTraits, TypesWithoutTraitsAreNotMappable) {
  static_assert(!relate::column_mappable<std::vector<int>>);
  static_assert(!relate::column_mappable<relate_test::User>);
  static_assert(relate::column_mappable<std::optional<Color>>);
  SUCCEED();
}

RELATE_ON_EVERY_BACKEND(ColumnTraitsTest);

}  // namespace
}  // namespace column_traits_test

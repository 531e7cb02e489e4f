// Database URLs: the SQLite file forms, server URLs with credentials and options, and
// errors that name the URL and the schemes Relate knows.
#include "test_support.hpp"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Url, SqliteThreeSlashesIsARelativePath) {
  const relate::Url url = relate::parse_url("sqlite:///relative.db");
  EXPECT_EQ(url.scheme, "sqlite");
  EXPECT_EQ(url.database, "relative.db");
  EXPECT_EQ(url.host, "");
}

TEST(Url, SqliteFourSlashesIsAnAbsolutePath) {
  const relate::Url url = relate::parse_url("sqlite:////abs/path.db");
  EXPECT_EQ(url.scheme, "sqlite");
  EXPECT_EQ(url.database, "/abs/path.db");
}

TEST(Url, SqliteMemory) {
  const relate::Url url = relate::parse_url("sqlite://:memory:");
  EXPECT_EQ(url.scheme, "sqlite");
  EXPECT_EQ(url.database, ":memory:");
}

TEST(Url, SqliteQueryOptionsAreParsed) {
  const relate::Url url = relate::parse_url("sqlite:///app.db?timeout=2.5");
  EXPECT_EQ(url.database, "app.db");
  EXPECT_EQ(url.query.at("timeout"), "2.5");
}

TEST(Url, PostgresqlUrlWithEveryPart) {
  const relate::Url url =
      relate::parse_url("postgresql://user:p%40ss@host:5432/db?sslmode=require");
  EXPECT_EQ(url.scheme, "postgresql");
  EXPECT_EQ(url.username, "user");
  EXPECT_EQ(url.password, "p@ss");
  EXPECT_EQ(url.host, "host");
  EXPECT_EQ(url.port, 5432);
  EXPECT_EQ(url.database, "db");
  EXPECT_EQ(url.query, (std::map<std::string, std::string>{{"sslmode", "require"}}));
}

TEST(Url, ServerUrlWithoutPortOrCredentials) {
  const relate::Url url = relate::parse_url("mysql://db.example.com/shop");
  EXPECT_EQ(url.host, "db.example.com");
  EXPECT_EQ(url.port, std::nullopt);
  EXPECT_EQ(url.username, "");
  EXPECT_EQ(url.password, "");
  EXPECT_EQ(url.database, "shop");
}

TEST(Url, ToStringMasksThePassword) {
  const relate::Url url = relate::parse_url("postgresql://user:p%40ss@host:5432/db");
  EXPECT_EQ(url.to_string(), "postgresql://user:***@host:5432/db");
}

TEST(Url, MalformedUrlIsArgumentErrorNamingIt) {
  try {
    relate::parse_url("not a url");
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not a url"));
  }
}

TEST(Url, PortOutOfRangeIsArgumentError) {
  EXPECT_THROW(relate::parse_url("postgresql://host:70000/db"), relate::ArgumentError);
  EXPECT_THROW(relate::parse_url("postgresql://host:port/db"), relate::ArgumentError);
}

TEST(Url, BadPercentEncodingIsArgumentError) {
  EXPECT_THROW(relate::parse_url("postgresql://user:p%4@host/db"), relate::ArgumentError);
}

TEST(Url, SqliteWithTwoSlashesAndAPathIsArgumentError) {
  EXPECT_THROW(relate::parse_url("sqlite://relative.db"), relate::ArgumentError);
}

TEST(CreateEngine, MalformedUrlIsArgumentErrorNamingTheUrlAndKnownSchemes) {
  try {
    relate::create_engine("not-a-url");
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not-a-url"));
    EXPECT_THAT(e.what(), HasSubstr("sqlite"));
  }
}

TEST(CreateEngine, UnknownSchemeIsArgumentErrorNamingTheUrlAndKnownSchemes) {
  try {
    relate::create_engine("oracle://scott@db.example.com/orcl");
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("oracle://scott@db.example.com/orcl"));
    EXPECT_THAT(e.what(), HasSubstr("sqlite"));
  }
}

TEST(CreateEngine, UnknownSchemeErrorDoesNotRevealThePassword) {
  try {
    relate::create_engine("oracle://scott:tiger@db.example.com/orcl");
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("db.example.com"));
    EXPECT_THAT(e.what(), Not(HasSubstr("tiger")));
  }
}

TEST(CreateEngine, SqliteIsARegisteredScheme) {
  const auto schemes = relate::registered_schemes();
  EXPECT_THAT(schemes, ::testing::Contains("sqlite"));
}

TEST(CreateEngine, InMemoryDatabaseKeepsItsTablesAcrossConnections) {
  // Every connection to :memory: would be a database of its own, so the engine shares
  // one: what one Connection creates, the next one sees.
  auto engine = relate::create_engine("sqlite://:memory:");
  engine.connect().execute("CREATE TABLE t (x INTEGER)");
  engine.connect().execute("INSERT INTO t (x) VALUES (7)");
  auto connection = engine.connect();
  auto cursor = connection.execute(relate::sql::CompiledStatement{"SELECT x FROM t", {}});
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(cursor->get(0).as_int(), 7);
}

TEST(CreateEngine, UrlIsKeptOnTheEngine) {
  auto engine = relate::create_engine("sqlite://:memory:");
  EXPECT_EQ(engine.url().database, ":memory:");
  EXPECT_EQ(engine.dialect().name(), "sqlite");
}

}  // namespace

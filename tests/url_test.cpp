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

// ---- The grammar: IPv6 hosts, '@' in passwords, encoded NULs ----

TEST(Url, Ipv6HostInBracketsKeepsItsPort) {
  const relate::Url url = relate::parse_url("postgresql://u:p@[::1]:5433/db");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 5433);
  EXPECT_EQ(url.username, "u");
  EXPECT_EQ(url.password, "p");
  EXPECT_EQ(url.database, "db");
}

TEST(Url, Ipv6HostWithoutPortHasNone) {
  const relate::Url url = relate::parse_url("mysql://[2001:db8::7]/shop");
  EXPECT_EQ(url.host, "2001:db8::7");
  EXPECT_EQ(url.port, std::nullopt);
}

TEST(Url, Ipv6HostWithAZoneDecodesIt) {
  EXPECT_EQ(relate::parse_url("postgresql://[fe80::1%25eth0]:5432/db").host, "fe80::1%eth0");
}

TEST(Url, Ipv6HostIsShownInBrackets) {
  EXPECT_EQ(relate::parse_url("postgresql://u:p@[::1]:5433/db").to_string(),
            "postgresql://u:***@[::1]:5433/db");
}

TEST(Url, Ipv6HostWithoutBracketsIsArgumentError) {
  EXPECT_THROW(relate::parse_url("postgresql://::1:5433/db"), relate::ArgumentError);
  EXPECT_THROW(relate::parse_url("postgresql://u@%3A%3A1/db"), relate::ArgumentError);
}

TEST(Url, MalformedIpv6HostIsArgumentError) {
  EXPECT_THROW(relate::parse_url("postgresql://[::1/db"), relate::ArgumentError);
  EXPECT_THROW(relate::parse_url("postgresql://[::1]5433/db"), relate::ArgumentError);
  EXPECT_THROW(relate::parse_url("postgresql://[db.example.com]/db"), relate::ArgumentError);
  EXPECT_THROW(relate::parse_url("postgresql://[]/db"), relate::ArgumentError);
}

TEST(Url, PasswordWithAnUnencodedAtEndsAtTheLastAt) {
  const relate::Url url = relate::parse_url("postgresql://user:p@ss@host:5432/db");
  EXPECT_EQ(url.username, "user");
  EXPECT_EQ(url.password, "p@ss");
  EXPECT_EQ(url.host, "host");
  EXPECT_EQ(url.port, 5432);
  EXPECT_EQ(url.to_string(), "postgresql://user:***@host:5432/db");
}

TEST(Url, PasswordMayHoldColons) {
  const relate::Url url = relate::parse_url("mysql://user:a:b:c@host/db");
  EXPECT_EQ(url.username, "user");
  EXPECT_EQ(url.password, "a:b:c");
}

TEST(Url, AtAfterTheHostMustBeEncoded) {
  // Unencoded, it is what a password holding '/' would leave there.
  EXPECT_THROW(relate::parse_url("postgresql://host/my@db"), relate::ArgumentError);
  EXPECT_THROW(relate::parse_url("postgresql://host/db?application_name=a@b"),
               relate::ArgumentError);
  EXPECT_EQ(relate::parse_url("postgresql://host/my%40db").database, "my@db");
}

TEST(Url, SqlitePathMayHoldAnAt) {
  EXPECT_EQ(relate::parse_url("sqlite:///data/me@home.db").database, "data/me@home.db");
}

TEST(Url, NulByteIsArgumentError) {
  EXPECT_THROW(relate::parse_url(std::string("sqlite:///a\0b.db", 16)), relate::ArgumentError);
}

TEST(Url, OptionGivenTwiceIsArgumentErrorNamingIt) {
  try {
    relate::parse_url("sqlite:///app.db?timeout=1&timeout=2");
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'timeout' is given twice"));
  }
}

// An encoded NUL (%00) would end the text where a C API reads it: refused in every
// part, and the message names the part.
struct NulCase {
  const char* url;
  const char* part;
};

class EncodedNulTest : public ::testing::TestWithParam<NulCase> {};

TEST_P(EncodedNulTest, IsArgumentErrorNamingThePart) {
  try {
    relate::parse_url(GetParam().url);
    FAIL() << "expected relate::ArgumentError for " << GetParam().url;
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr(std::string(GetParam().part) + " contains an encoded NUL"));
    EXPECT_THAT(e.what(), Not(HasSubstr("Zx9Qw7")));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Url, EncodedNulTest,
    ::testing::Values(NulCase{"mysql://orm%00evil:Zx9Qw7@host/db", "the user name"},
                      NulCase{"mysql://orm:Zx9Qw7%00@host/db", "the password"},
                      NulCase{"mysql://orm:Zx9Qw7@host%00.example.com/db", "the host"},
                      NulCase{"mysql://orm:Zx9Qw7@host/orm%00evil", "the database name"},
                      NulCase{"sqlite:///app.db%00.txt", "the SQLite file path"},
                      NulCase{"sqlite:///app.db?time%00out=1", "the name of an option"},
                      NulCase{"sqlite:///app.db?timeout=1%00", "the value of option 'timeout'"}),
    [](const auto& info) {
      std::string name;
      for (const char c : std::string(info.param.part)) {
        if (std::isalnum(static_cast<unsigned char>(c))) name += c;
      }
      return name;
    });

// ---- No message and no to_string() shows any part of a password ----

class MalformedUrlTest : public ::testing::TestWithParam<const char*> {};

TEST_P(MalformedUrlTest, MessageDoesNotShowThePassword) {
  try {
    relate::create_engine(GetParam());
    FAIL() << "expected relate::ArgumentError for " << GetParam();
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), Not(HasSubstr("Zx9")));
    EXPECT_THAT(e.what(), Not(HasSubstr("Qw7")));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Url, MalformedUrlTest,
    ::testing::Values("postgresql://u:Zx9Qw7@host:99999/db", "postgresql://u:Zx9Qw7@host:port/db",
                      "postgresql://u:Zx9Qw7@h%zz/db", "postgresql://u:Zx9%4Qw7@host/db",
                      "postgresql://u:Zx9/Qw7@host/db", "postgresql://u:Zx9?Qw7@host/db",
                      "postgresql://u:Zx9@Qw7@host/db?x", "postgresql://u:Zx9Qw7@[::1/db",
                      "postgresql://u:Zx9Qw7@/db", "postgresql:/u:Zx9Qw7@host/db",
                      "bad scheme://u:Zx9Qw7@host/db", "bad:u:Zx9://Qw7@host/db",
                      "sqlite://u:Zx9Qw7@host/db", "postgresql://u:Zx9Qw7@host/db?timeout",
                      "postgresql://u:Zx9Qw7@host/db?a=1&a=2"));

TEST(Url, ToStringShowsNoOptionHoldingASecret) {
  const relate::Url url =
      relate::parse_url("postgresql://u:Zx9Qw7@host/db?sslpassword=Zx9Qw7&sslmode=require");
  EXPECT_EQ(url.to_string(), "postgresql://u:***@host/db?sslmode=require&sslpassword=***");
}

TEST(Url, ToStringDoesNotDependOnThePassword) {
  relate::Url url = relate::parse_url("mysql://u:first@host/db");
  const std::string shown = url.to_string();
  url.password = "second";
  EXPECT_EQ(url.to_string(), shown);
}

TEST(Url, ToStringParsesBackToTheSameParts) {
  const relate::Url url = relate::parse_url(
      "postgresql://us%3Aer%40x:pw@%2Fvar%2Frun%2Fpostgresql:5433/my%20db%3F/x"
      "?application_name=a%26b%3Dc&options=-cwork_mem%3D1MB");
  const relate::Url again = relate::parse_url(url.to_string());
  EXPECT_EQ(again.username, "us:er@x");
  EXPECT_EQ(again.host, "/var/run/postgresql");
  EXPECT_EQ(again.port, 5433);
  EXPECT_EQ(again.database, "my db?/x");
  EXPECT_EQ(again.query, url.query);
  EXPECT_EQ(again.password, "***");
}

TEST(Url, SqliteToStringParsesBackToTheSamePath) {
  const relate::Url url = relate::parse_url("sqlite:////tmp/a%20b%3F.db?timeout=2.5");
  EXPECT_EQ(url.to_string(), "sqlite:////tmp/a%20b%3F.db?timeout=2.5");
  EXPECT_EQ(relate::parse_url(url.to_string()).database, "/tmp/a b?.db");
}

// ---- Options: checked the same way by every backend, at create_engine ----

// The message of the ArgumentError create_engine(url) throws ("" when none).
std::string engine_error(const std::string& url) {
  try {
    relate::create_engine(url);
  } catch (const relate::ArgumentError& e) {
    return e.what();
  }
  return "";
}

TEST(UrlOptions, SqliteTimeoutTakesFractionsOfASecond) {
  EXPECT_EQ(engine_error("sqlite://:memory:?timeout=2.5"), "");
  EXPECT_EQ(engine_error("sqlite://:memory:?timeout=0"), "");
}

class SqliteBadTimeoutTest : public ::testing::TestWithParam<const char*> {};

TEST_P(SqliteBadTimeoutTest, IsArgumentErrorAtCreateEngineNamingOptionAndValue) {
  const std::string message = engine_error(std::string("sqlite://:memory:?timeout=") + GetParam());
  EXPECT_THAT(message, HasSubstr("option 'timeout'"));
  EXPECT_THAT(message, HasSubstr("bad value '" + std::string(GetParam()) + "'"));
  EXPECT_THAT(message, HasSubstr("seconds from 0 to 2147483"));
}

// nan and 1e30 were cast to int unchecked; abc and -5 silently meant no wait at all.
INSTANTIATE_TEST_SUITE_P(UrlOptions, SqliteBadTimeoutTest,
                         ::testing::Values("nan", "1e30", "abc", "-5", "inf", "", "5s", "0x10",
                                           "2147484"));

TEST(UrlOptions, SqliteUnknownOptionIsArgumentErrorNamingOptionValueAndKnownOnes) {
  const std::string message = engine_error("sqlite://:memory:?colour=blue");
  EXPECT_THAT(message, HasSubstr("unknown option 'colour' (value 'blue')"));
  EXPECT_THAT(message, HasSubstr("sqlite URLs take these options: timeout"));
}

TEST(UrlOptions, SqliteTimeoutIsHowLongAStatementWaitsForALock) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("relate_url_timeout_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  auto holder = relate::create_engine("sqlite:///" + path.string());
  auto locked = holder.connect();
  locked.begin();
  locked.execute("CREATE TABLE t (x INTEGER)");  // holds the write lock until the rollback

  auto waiter = relate::create_engine("sqlite:///" + path.string() + "?timeout=0.3");
  auto blocked = waiter.connect();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(blocked.execute("CREATE TABLE u (x INTEGER)"), relate::OperationalError);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  EXPECT_LT(waited, std::chrono::seconds(3));  // not the default 5 s, nor no wait at all
  locked.rollback();
  std::filesystem::remove(path);
}

TEST(UrlOptions, BadSqliteOptionCreatesNoDatabaseFile) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("relate_url_test_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  EXPECT_NE(engine_error("sqlite:///" + path.string() + "?timeout=abc"), "");
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(UrlOptions, PostgresqlOptionsAreCheckedAtCreateEngine) {
  EXPECT_THAT(engine_error("postgresql://u@127.0.0.1:1/db?colour=blue"),
              HasSubstr("unknown option 'colour' (value 'blue')"));
  EXPECT_THAT(engine_error("postgresql://u@127.0.0.1:1/db?connect_timeout=soon"),
              HasSubstr("bad value 'soon' for option 'connect_timeout'"));
  EXPECT_THAT(engine_error("postgresql://u@127.0.0.1:1/db?connect_timeout=2.5"),
              HasSubstr("a whole number of seconds"));
  EXPECT_THAT(engine_error("postgresql://u@127.0.0.1:1/db?sslmode=maybe"),
              HasSubstr("bad value 'maybe' for option 'sslmode'"));
  EXPECT_EQ(engine_error("postgresql://u@127.0.0.1:1/db?sslmode=require&connect_timeout=3&"
                         "application_name=x&options=-cwork_mem%3D1MB"),
            "");
}

TEST(UrlOptions, MysqlOptionsAreCheckedAtCreateEngine) {
  EXPECT_THAT(engine_error("mysql://u@127.0.0.1:1/db?colour=blue"),
              HasSubstr("unknown option 'colour' (value 'blue')"));
  EXPECT_THAT(engine_error("mysql://u@127.0.0.1:1/db?read_timeout=-1"),
              HasSubstr("bad value '-1' for option 'read_timeout'"));
  EXPECT_THAT(engine_error("mysql://u@127.0.0.1:1/db?charset=utf8%3BDROP"),
              HasSubstr("bad value 'utf8;DROP' for option 'charset'"));
  EXPECT_EQ(engine_error("mariadb://u@127.0.0.1:1/db?charset=utf8mb4&connect_timeout=3&"
                         "read_timeout=4&write_timeout=5"),
            "");
}

TEST(UrlOptions, OptionErrorsDoNotShowThePassword) {
  for (const char* url :
       {"postgresql://u:Zx9Qw7@h/db?colour=blue", "mysql://u:Zx9Qw7@h/db?connect_timeout=soon",
        "postgresql://u@h/db?sslpassword=Zx9Qw7", "mysql://u@h/db?password=Zx9Qw7"}) {
    const std::string message = engine_error(url);
    EXPECT_THAT(message, HasSubstr("option")) << url;
    EXPECT_THAT(message, Not(HasSubstr("Zx9Qw7"))) << url;
  }
}

// A backend that does not override validate() takes no option.
class PlainBackend final : public relate::Backend {
 public:
  std::vector<std::string> schemes() const override { return {"url-test-plain"}; }
  std::shared_ptr<const relate::Dialect> dialect(const relate::Url& url) const override {
    return relate::find_backend(relate::parse_url("sqlite://:memory:"), "sqlite://")->dialect(url);
  }
  std::unique_ptr<relate::DriverConnection> connect(const relate::Url&) const override {
    throw relate::OperationalError("url-test-plain connects nowhere");
  }
};

TEST(UrlOptions, BackendWithoutValidateTakesNoOption) {
  relate::register_backend(std::make_shared<PlainBackend>());
  EXPECT_EQ(engine_error("url-test-plain://host/db"), "");
  EXPECT_THAT(engine_error("url-test-plain://host/db?x=1"),
              HasSubstr("url-test-plain URLs take no options"));
}

TEST(UrlOptions, ReaderNamesTheOptionsItWasAskedFor) {
  const relate::Url url = relate::parse_url("sqlite://:memory:?b=1&c=x");
  relate::UrlOptions options(url);
  EXPECT_EQ(options.take_whole_seconds("b"), 1);
  EXPECT_EQ(options.take_string("a"), std::nullopt);
  try {
    options.reject_unknown();
    FAIL() << "expected relate::ArgumentError";
  } catch (const relate::ArgumentError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown option 'c' (value 'x')"));
    EXPECT_THAT(e.what(), HasSubstr("take these options: b, a"));
  }
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

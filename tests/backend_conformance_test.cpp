// The same behaviours on every backend: each test runs once per backend, and its name
// ends with the backend (.../sqlite, .../postgresql, .../mysql). Server backends take
// their URL from RELATE_TEST_POSTGRESQL_URL / RELATE_TEST_MYSQL_URL (set by
// tests/servers/with-databases, which `make test` runs ctest under); without it their
// tests are skipped, saying so.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <relate/orm/loader.hpp>
#include <relate/relate.hpp>
#include <string>
#include <thread>
#include <vector>

#include "database_test.hpp"

namespace conformance_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Post;
struct Tag;

struct Author {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> email;
  bool active = true;
  relate::Timestamp seen{};
  relate::Blob avatar;
  double score = 0;
  std::int16_t level = 0;
  relate::many<Post> posts;
};

struct Post {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::string title;
  relate::one<Author> author;
  relate::many<Tag> tags;
};

struct Tag {
  std::int64_t id = 0;
  std::string name;
  relate::many<Post> posts;
};

relate::MetaData schema() {
  return relate::MetaData{}
      .table<Author>("conf_authors", relate::primary_key(&Author::id),
                     relate::unique(&Author::email))
      .table<Post>("conf_posts", relate::primary_key(&Post::id),
                   relate::foreign_key(&Post::author_id, &Author::id).on_delete(relate::cascade),
                   relate::index(&Post::author_id))
      .table<Tag>("conf_tags", relate::primary_key(&Tag::id))
      .relationship(&Author::posts, &Post::author)
      .order_by(&Post::id)
      .passive_deletes()
      .relationship(&Post::tags, &Tag::posts)
      .secondary("conf_post_tags")
      .secondary_on_delete(relate::cascade)
      .order_by(&Tag::id);
}

using relate_test::server_url;

// Each test in a database of its own (relate_test::DatabaseTest), with the schema above.
class ConformanceTest : public relate_test::DatabaseTest {
 protected:
  ConformanceTest() : md_(create(schema())) {}

  std::int64_t count(const char* table) const { return count_rows(table); }
  void seed(int authors, int posts_each) {
    relate::Session s(engine, md_);
    auto tag = s.add(Tag{.name = "general"});
    for (int a = 1; a <= authors; ++a) {
      auto author = s.add(Author{.name = "author" + std::to_string(a)});
      for (int p = 1; p <= posts_each; ++p) {
        author->posts.add(Post{.title = "post " + std::to_string(p)})->tags.push_back(tag);
      }
    }
    s.commit();
  }

  relate::MetaData md_;
};

TEST_P(ConformanceTest, EveryColumnTypeRoundTrips) {
  const auto seen = relate::Timestamp(std::chrono::microseconds(1700000000123456));
  {
    relate::Session s(engine, md_);
    s.add(Author{.name = "Ann 'quoted' ; DROP TABLE x",
                 .email = "ann@example.com",
                 .active = false,
                 .seen = seen,
                 .avatar = {std::byte{0}, std::byte{1}, std::byte{255}},
                 .score = 0.1,
                 .level = -7});
    s.commit();
  }
  relate::Session s(engine, md_);
  auto a = s.scalars(relate::select<Author>()).one();
  EXPECT_EQ(a->name, "Ann 'quoted' ; DROP TABLE x");
  EXPECT_EQ(a->email, "ann@example.com");
  EXPECT_FALSE(a->active);
  EXPECT_EQ(a->seen, seen);
  EXPECT_EQ(a->avatar, (relate::Blob{std::byte{0}, std::byte{1}, std::byte{255}}));
  EXPECT_DOUBLE_EQ(a->score, 0.1);
  EXPECT_EQ(a->level, -7);
  statements.clear();
  s.flush();
  EXPECT_TRUE(statements.empty()) << "an unchanged object must not be written back";
}

TEST_P(ConformanceTest, NullableColumnRoundTripsNull) {
  {
    relate::Session s(engine, md_);
    s.add(Author{.name = "Bob"});
    s.commit();
  }
  relate::Session s(engine, md_);
  auto b = s.scalars(relate::select<Author>().where(relate::col(&Author::email).is_null())).one();
  EXPECT_EQ(b->email, std::nullopt);
}

TEST_P(ConformanceTest, GeneratedKeysFillTheObjectsAndTheirChildren) {
  relate::Session s(engine, md_);
  auto a = s.add(Author{.name = "Ann"});
  auto p = a->posts.add(Post{.title = "hello"});
  s.commit();
  EXPECT_GT(a->id, 0);
  EXPECT_GT(p->id, 0);
  EXPECT_EQ(p->author_id, a->id);
}

TEST_P(ConformanceTest, EveryStrategyLoadsTheSameGraph) {
  seed(3, 2);
  std::vector<std::string> renderings;
  for (const char* strategy : {"lazy", "joined", "selectin"}) {
    relate::Session s(engine, md_);
    auto authors =
        s.scalars(relate::select<Author>()
                      .order_by(&Author::id)
                      .options(relate::load(&Author::posts, strategy).load(&Post::tags, strategy)))
            .all();
    std::string r;
    for (const auto& a : authors) {
      r += a->name + ":";
      for (const auto& p : a->posts) {
        r += p->title + "[";
        for (const auto& t : p->tags) r += t->name;
        r += "]";
      }
    }
    renderings.push_back(r);
  }
  EXPECT_EQ(renderings[0], renderings[1]);
  EXPECT_EQ(renderings[0], renderings[2]);
  EXPECT_THAT(renderings[0], HasSubstr("author3:post 1[general]post 2[general]"));
}

TEST_P(ConformanceTest, JoinedCollectionsWithLimitCountParents) {
  seed(4, 3);
  relate::Session s(engine, md_);
  statements.clear();
  auto authors = s.scalars(relate::select<Author>()
                               .order_by(&Author::id)
                               .limit(2)
                               .offset(1)
                               .options(relate::joinedload(&Author::posts)))
                     .all();
  ASSERT_EQ(authors.size(), 2u);
  EXPECT_EQ(authors[0]->name, "author2");
  EXPECT_EQ(authors[1]->posts.size(), 3u);
  EXPECT_EQ(statements.size(), 1u);
}

TEST_P(ConformanceTest, SelectinCostsOneStatementPerRelationship) {
  seed(5, 2);
  relate::Session s(engine, md_);
  statements.clear();
  auto authors = s.scalars(relate::select<Author>().options(
                               relate::selectinload(&Author::posts).selectinload(&Post::tags)))
                     .all();
  std::size_t posts = 0;
  for (const auto& a : authors) {
    for (const auto& p : a->posts) posts += p->tags.size();
  }
  EXPECT_EQ(posts, 10u);
  EXPECT_EQ(statements.size(), 3u);
}

TEST_P(ConformanceTest, DeletingAnAuthorLeavesPostsToOnDeleteCascade) {
  seed(2, 2);
  relate::Session s(engine, md_);
  s.remove(s.get<Author>(1));
  statements.clear();
  s.commit();
  for (const auto& sql : statements) EXPECT_THAT(sql, Not(HasSubstr("SELECT")));
  EXPECT_EQ(count("conf_posts"), 2);
  EXPECT_EQ(count("conf_post_tags"), 2);
}

TEST_P(ConformanceTest, ForeignKeyViolationIsIntegrityErrorAndChangesNothing) {
  seed(1, 1);
  relate::Session s(engine, md_);
  s.get<Author>(1)->name = "renamed";
  s.add(Post{.author_id = 999, .title = "orphan"});
  EXPECT_THROW(s.commit(), relate::IntegrityError);
  EXPECT_THROW(s.flush(), relate::PendingRollbackError);
  s.rollback();
  EXPECT_EQ(count("conf_posts"), 1);
  relate::Session fresh(engine, md_);
  EXPECT_EQ(fresh.get<Author>(1)->name, "author1");
}

TEST_P(ConformanceTest, UniqueViolationIsIntegrityErrorNamingTheConstraintWhereKnown) {
  relate::Session s(engine, md_);
  s.add(Author{.name = "a", .email = "same@example.com"});
  s.add(Author{.name = "b", .email = "same@example.com"});
  try {
    s.commit();
    FAIL() << "expected IntegrityError";
  } catch (const relate::IntegrityError& e) {
    if (!on(relate_test::kSqlite)) {
      EXPECT_THAT(e.constraint(), HasSubstr("email"));
    }
  }
  s.rollback();
  EXPECT_EQ(count("conf_authors"), 0);
}

// MariaDB's PAD SPACE collations (utf8mb4_bin too) would take 'abc ' for 'abc'.
TEST_P(ConformanceTest, TrailingSpaceMakesAnotherStringInAUniqueColumn) {
  {
    relate::Session s(engine, md_);
    s.add(Author{.name = "a", .email = "same@example.com"});
    s.add(Author{.name = "b", .email = "same@example.com "});
    s.commit();
  }
  EXPECT_EQ(count("conf_authors"), 2);
  relate::Session s(engine, md_);
  const auto found =
      s.scalars(relate::select<Author>().where(relate::col(&Author::email) == "same@example.com"))
          .all();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->name, "a");
}

TEST_P(ConformanceTest, TextEqualityIsExactAboutCaseAndTrailingSpace) {
  {
    relate::Session s(engine, md_);
    s.add(Author{.name = "Ann"});
    s.add(Author{.name = "ann"});
    s.add(Author{.name = "Ann "});
    s.commit();
  }
  relate::Session s(engine, md_);
  for (const char* name : {"Ann", "ann", "Ann "}) {
    const auto found =
        s.scalars(relate::select<Author>().where(relate::col(&Author::name) == name)).all();
    ASSERT_EQ(found.size(), 1u) << "'" << name << "'";
    EXPECT_EQ(found[0]->name, name);
  }
}

TEST_P(ConformanceTest, CreateAllIsIdempotent) {
  statements.clear();
  engine.create_all(md_);
  for (const auto& sql : statements) EXPECT_THAT(sql, Not(HasSubstr("CREATE")));
}

TEST_P(ConformanceTest, CoreStatementsRunWithoutTheOrm) {
  const relate::Table& authors = md_.get_table("conf_authors");
  auto c = engine.connect();
  relate::sql::Insert ins = relate::sql::insert(authors);
  ins.columns = {&authors.column("name"),   &authors.column("active"), &authors.column("seen"),
                 &authors.column("avatar"), &authors.column("score"),  &authors.column("level")};
  ins.rows.push_back({relate::Value("core"), relate::Value(true),
                      relate::Value(relate::Timestamp{}), relate::Value(relate::Blob{}),
                      relate::Value(1.0), relate::Value(1)});
  c.execute(ins);
  relate::sql::Select q = relate::sql::select(authors);
  q.where =
      relate::sql::binary(relate::sql::BinaryOp::eq, relate::sql::column(authors.column("name")),
                          relate::sql::param(relate::Value("core")));
  auto cursor = c.execute(q);
  ASSERT_TRUE(cursor->next());
  EXPECT_FALSE(cursor->next());
}

TEST_P(ConformanceTest, SessionsInSeveralThreadsShareOneEngine) {
  // On SQLite one writer at a time: the busy timeout makes the others wait.
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < kEach; ++i) {
          relate::Session s(engine, md_);
          s.add(Author{.name = "t" + std::to_string(t) + "-" + std::to_string(i)});
          s.commit();
        }
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count("conf_authors"), kThreads * kEach);
}

RELATE_ON_EVERY_BACKEND(ConformanceTest);

TEST(ServerBackends, RefusedConnectionIsOperationalErrorNamingHostAndPortNotPassword) {
  try {
    relate::create_engine("postgresql://relate:s3cret%40pw@127.0.0.1:1/relate_test").connect();
    FAIL() << "expected OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:1"));
    EXPECT_THAT(e.what(), Not(HasSubstr("s3cret")));
  }
}

TEST(ServerBackends, PostgresSchemeAliasesPostgresql) {
  EXPECT_NO_THROW(relate::find_backend(relate::parse_url("postgres://u@h/db"), "postgres://"));
}

TEST(ServerBackends, MariadbSchemeAliasesMysql) {
  EXPECT_NO_THROW(relate::find_backend(relate::parse_url("mariadb://u@h/db"), "mariadb://"));
}

TEST(ServerBackends, RefusedMysqlConnectionIsOperationalErrorNamingHostAndPortNotPassword) {
  try {
    relate::create_engine("mysql://relate:s3cret%40pw@127.0.0.1:1/relate_test").connect();
    FAIL() << "expected OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:1"));
    EXPECT_THAT(e.what(), Not(HasSubstr("s3cret")));
  }
}

// tests/servers/with-databases makes a user relate_special whose password holds
// the characters a URL must percent-encode.
class PercentEncodedPasswordTest : public ::testing::TestWithParam<std::string> {
 protected:
  // The server's URL with relate_special and `password` (already encoded) as user.
  static std::string url_with_password(const std::string& password) {
    std::string url = server_url(GetParam());
    const auto scheme_end = url.find("://") + 3;
    return url.substr(0, scheme_end) + "relate_special:" + password + url.substr(url.find('@'));
  }
  void SetUp() override { RELATE_REQUIRE_SERVER(GetParam()); }
};

TEST_P(PercentEncodedPasswordTest, PasswordWithUrlSpecialCharactersConnects) {
  // s3cr:t/p@ss?#%&=+
  auto engine = relate::create_engine(url_with_password("s3cr%3At%2Fp%40ss%3F%23%25%26%3D%2B"));
  auto c = engine.connect();
  auto cursor = c.execute(relate::sql::CompiledStatement{"SELECT 1", {}});
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(cursor->get(0).as_int(), 1);
}

TEST_P(PercentEncodedPasswordTest, WrongPasswordIsOperationalErrorThatDoesNotShowIt) {
  try {
    relate::create_engine(url_with_password("wr0ng%40pass")).connect();
    FAIL() << "expected OperationalError";
  } catch (const relate::OperationalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:"));
    EXPECT_THAT(e.what(), Not(HasSubstr("wr0ng")));
  }
}

// ---- URL options: what users set reaches the server ----

// The server's URL with `option` added to its query.
std::string server_url_with(const std::string& backend, const std::string& option) {
  const std::string url = server_url(backend);
  return url + (url.find('?') == std::string::npos ? "?" : "&") + option;
}

std::string scalar(const relate::Engine& engine, const std::string& sql) {
  auto c = engine.connect();
  auto cursor = c.execute(relate::sql::CompiledStatement{sql, {}});
  if (!cursor->next()) return "(no row)";
  return cursor->get(0).as_text();
}

TEST(PostgresqlUrlOptions, ApplicationNameAndServerOptionsReachTheSession) {
  RELATE_REQUIRE_SERVER("postgresql");
  auto engine = relate::create_engine(server_url_with(
      "postgresql",
      "application_name=relate%20app&options=-cstatement_timeout%3D1234&sslmode=disable"));
  EXPECT_EQ(scalar(engine, "SELECT current_setting('application_name')"), "relate app");
  EXPECT_EQ(scalar(engine, "SELECT current_setting('statement_timeout')"), "1234ms");
}

// The message of the ArgumentError connecting to `url` throws ("" when none).
std::string argument_error(const std::string& url) {
  try {
    relate::create_engine(url).connect();
  } catch (const relate::ArgumentError& e) {
    return e.what();
  }
  return "";
}

TEST(PostgresqlUrlOptions, UnknownOptionIsAnArgumentErrorNamingIt) {
  const std::string message = argument_error("postgresql://u:p@127.0.0.1:1/db?colour=blue");
  EXPECT_THAT(message, HasSubstr("'colour'"));
  EXPECT_THAT(message, HasSubstr("connect_timeout"));
}

TEST(MysqlUrlOptions, CharsetAndTimeoutsReachTheSession) {
  RELATE_REQUIRE_SERVER("mysql");
  auto engine = relate::create_engine(
      server_url_with("mysql", "charset=utf8mb4&connect_timeout=5&read_timeout=7&write_timeout=9"));
  EXPECT_EQ(scalar(engine, "SELECT @@character_set_client"), "utf8mb4");
}

TEST(MysqlUrlOptions, TimeoutThatIsNotANumberIsAnArgumentErrorNamingIt) {
  const std::string message = argument_error("mysql://u:p@127.0.0.1:1/db?read_timeout=soon");
  EXPECT_THAT(message, HasSubstr("'read_timeout'"));
  EXPECT_THAT(message, HasSubstr("'soon'"));
}

TEST(MysqlUrlOptions, UnknownOptionIsAnArgumentErrorNamingIt) {
  EXPECT_THAT(argument_error("mysql://u:p@127.0.0.1:1/db?colour=blue"), HasSubstr("'colour'"));
}

// ---- IPv6 hosts: the address in brackets, the port after them ----

// The server's URL with its host written as an IPv6 address in brackets: the servers
// listen on 127.0.0.1, which the IPv4-mapped [::ffff:127.0.0.1] reaches.
class Ipv6HostTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { RELATE_REQUIRE_SERVER(GetParam()); }
  static std::string ipv6_url() {
    std::string url = server_url(GetParam());
    const std::string host = "@127.0.0.1:";
    return url.replace(url.find(host), host.size(), "@[::ffff:127.0.0.1]:");
  }
};

TEST_P(Ipv6HostTest, BracketedHostConnectsOnTheUrlsPort) {
  auto engine = relate::create_engine(ipv6_url());
  EXPECT_EQ(engine.url().host, "::ffff:127.0.0.1");
  auto c = engine.connect();
  auto cursor = c.execute(relate::sql::CompiledStatement{"SELECT 1", {}});
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(cursor->get(0).as_int(), 1);
}

TEST(ServerBackends, RefusedIpv6ConnectionNamesTheHostInBracketsAndThePort) {
  for (const char* url : {"postgresql://relate:s3cret@[::1]:1/relate_test",
                          "mysql://relate:s3cret@[::1]:1/relate_test"}) {
    try {
      relate::create_engine(url).connect();
      ADD_FAILURE() << "expected OperationalError for " << url;
    } catch (const relate::OperationalError& e) {
      EXPECT_THAT(e.what(), HasSubstr("[::1]:1")) << url;
      EXPECT_THAT(e.what(), Not(HasSubstr("s3cret"))) << url;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Servers, Ipv6HostTest, ::testing::Values("postgresql", "mysql"),
                         [](const auto& info) { return info.param; });

// ---- The process's first connections, made by several threads at once ----

// ctest runs each test in a process of its own, so these are the process's first
// connections: a driver's global set-up (Connector/C++'s driver registry) must happen
// once, whichever thread gets there first. `make tsan` runs this under ThreadSanitizer.
class FirstConnectionsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { RELATE_REQUIRE_SERVER(GetParam()); }
};

TEST_P(FirstConnectionsTest, ConcurrentFirstConnectionsInSeveralThreadsAllWork) {
  auto engine = relate::create_engine(server_url(GetParam()));
  constexpr int kThreads = 4;
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      try {
        auto c = engine.connect();
        auto cursor = c.execute(relate::sql::CompiledStatement{"SELECT 1", {}});
        if (cursor->next() && cursor->get(0).as_int() == 1) ++answered;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(answered.load(), kThreads);
}

INSTANTIATE_TEST_SUITE_P(Servers, FirstConnectionsTest, ::testing::Values("postgresql", "mysql"),
                         [](const auto& info) { return info.param; });

INSTANTIATE_TEST_SUITE_P(Servers, PercentEncodedPasswordTest,
                         ::testing::Values("postgresql", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace conformance_test

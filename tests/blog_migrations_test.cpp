// examples/blog_migrations, on every backend: its five migrations (written by
// `revision --autogenerate`, two of them edited by hand) take the blog's schema from
// nothing through four changes: a nullable column, a table with a foreign key, a column
// made NOT NULL by a data migration, a column dropped and another renamed. After each
// step up and each step down, the database's schema is what that version's MetaData
// says (the diff is empty) and the rows written at each version are there.
#include <cstdio>
#include <future>
#include <relate/migrate/diff.hpp>
#include <relate/migrate/reflection.hpp>
#include <relate/migrate/runner.hpp>

#include "models.hpp"
#include "test_support.hpp"

relate::migrate::Migrations all_migrations();

namespace blog_migrations_test {

namespace {

using relate::ColumnType;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The blog's schema at version 1 to 5, written independently of the migrations.
relate::MetaData schema_at(int version) {
  relate::MetaData md;
  relate::Table& users = md.add_table("users");
  const relate::Column& user_id =
      users.add_column("id", ColumnType::big_integer).set_primary_key().set_autoincrement();
  users.add_column("name", ColumnType::text).set_nullable(false).set_unique();
  users.add_column("email", ColumnType::text);
  if (version < 5) users.add_column("nickname", ColumnType::text);

  relate::Table& posts = md.add_table("posts");
  const relate::Column& post_id =
      posts.add_column("id", ColumnType::big_integer).set_primary_key().set_autoincrement();
  const relate::Column& author =
      posts.add_column("user_id", ColumnType::big_integer).set_nullable(false);
  posts.add_column("title", ColumnType::text).set_nullable(false).set_index();
  posts.add_column(version < 5 ? "body" : "content", ColumnType::text).set_nullable(false);
  if (version >= 2) posts.add_column("subtitle", ColumnType::text).set_nullable(version < 4);
  posts.add_foreign_key({&author}, users, {&user_id}, relate::cascade);

  if (version >= 3) {
    relate::Table& comments = md.add_table("comments");
    comments.add_column("id", ColumnType::big_integer).set_primary_key().set_autoincrement();
    const relate::Column& on =
        comments.add_column("post_id", ColumnType::big_integer).set_nullable(false);
    comments.add_column("body", ColumnType::text).set_nullable(false);
    comments.add_foreign_key({&on}, posts, {&post_id}, relate::cascade);
  }
  return md;
}

class BlogMigrationsTest : public relate_test::DatabaseTest {
 protected:
  std::vector<std::string> differences(const relate::MetaData& md) {
    const auto diff =
        relate::migrate::compare(md, relate::migrate::inspect(engine), engine.dialect());
    std::vector<std::string> out;
    for (const auto& op : diff.operations) out.push_back(relate::migrate::summary(op));
    return out;
  }

  std::size_t at() { return migrations.position(relate::migrate::version(engine).current); }

  const relate::migrate::Migrations migrations = all_migrations();
};

TEST_P(BlogMigrationsTest, EachVersionUpAndDownKeepsItsSchemaAndRows) {
  ASSERT_EQ(migrations.in_order().size(), 5u);
  // Up, one migration at a time, writing the rows each version allows.
  for (int version = 1; version <= 5; ++version) {
    ASSERT_EQ(relate::migrate::upgrade(engine, migrations, "+1").size(), 1u);
    ASSERT_EQ(at(), static_cast<std::size_t>(version));
    EXPECT_THAT(differences(schema_at(version)), IsEmpty()) << "version " << version;
    switch (version) {
      case 1:
        exec_raw("INSERT INTO users (id, name, nickname) VALUES (1, 'ann', 'annie')");
        exec_raw("INSERT INTO posts (id, user_id, title, body) VALUES (1, 1, 'Hello', 'first')");
        break;
      case 2:
        exec_raw(
            "INSERT INTO posts (id, user_id, title, body, subtitle) "
            "VALUES (2, 1, 'Two', 'second', 'More')");
        break;
      case 3:
        exec_raw("INSERT INTO comments (id, post_id, body) VALUES (1, 1, 'nice')");
        break;
      case 4:
        // The data migration gave the post without a subtitle its title.
        EXPECT_THAT(rows("SELECT id, subtitle FROM posts ORDER BY id"),
                    ElementsAre(ElementsAre("1", "Hello"), ElementsAre("2", "More")));
        break;
      case 5:
        // body was renamed content: its rows stayed.
        EXPECT_THAT(rows("SELECT id, content FROM posts ORDER BY id"),
                    ElementsAre(ElementsAre("1", "first"), ElementsAre("2", "second")));
        break;
    }
  }
  // The models of the example are the last version.
  EXPECT_THAT(differences(blog::metadata()), IsEmpty());
  EXPECT_THAT(relate::migrate::upgrade(engine, migrations), IsEmpty());

  // Down, one at a time, to nothing.
  for (int version = 4; version >= 0; --version) {
    ASSERT_EQ(relate::migrate::downgrade(engine, migrations, "-1").size(), 1u);
    ASSERT_EQ(at(), static_cast<std::size_t>(version));
    if (version > 0) {
      EXPECT_THAT(differences(schema_at(version)), IsEmpty()) << "version " << version;
      EXPECT_THAT(rows("SELECT id, name FROM users"), ElementsAre(ElementsAre("1", "ann")));
    }
    switch (version) {
      case 4:
        // content is body again, and nickname is back, empty: a dropped column's
        // values are gone.
        EXPECT_THAT(
            rows("SELECT id, body, subtitle FROM posts ORDER BY id"),
            ElementsAre(ElementsAre("1", "first", "Hello"), ElementsAre("2", "second", "More")));
        EXPECT_THAT(rows("SELECT nickname FROM users"), ElementsAre(ElementsAre("NULL")));
        break;
      case 3:
        EXPECT_EQ(count_rows("comments"), 1);
        break;
      case 2:
      case 1:
        EXPECT_EQ(count_rows("posts"), 2);
        break;
      case 0: {
        const auto schema = relate::migrate::inspect(engine);
        ASSERT_EQ(schema.tables.size(), 1u);
        EXPECT_EQ(schema.tables[0].name, relate::migrate::version_table);
        break;
      }
    }
  }
  // And from nothing to the last version in one run.
  EXPECT_EQ(relate::migrate::upgrade(engine, migrations).size(), 5u);
  EXPECT_THAT(differences(blog::metadata()), IsEmpty());
}

// Upgrading from each version to the last, on a database holding that version's rows.
TEST_P(BlogMigrationsTest, FromEachVersionTheUpgradeToTheLastKeepsTheRows) {
  for (int from = 1; from <= 4; ++from) {
    SCOPED_TRACE("from version " + std::to_string(from));
    relate::migrate::upgrade(engine, migrations, migrations.in_order()[from - 1].id);
    exec_raw("INSERT INTO users (id, name) VALUES (" + std::to_string(from) + ", 'u" +
             std::to_string(from) + "')");
    exec_raw("INSERT INTO posts (id, user_id, title, body" +
             std::string(from >= 2 ? ", subtitle" : "") + ") VALUES (" + std::to_string(from) +
             ", " + std::to_string(from) + ", 'T', 'B'" + (from >= 2 ? ", 'S'" : "") + ")");
    relate::migrate::upgrade(engine, migrations);
    EXPECT_THAT(differences(blog::metadata()), IsEmpty());
    EXPECT_THAT(rows("SELECT content, subtitle FROM posts WHERE id = " + std::to_string(from)),
                ElementsAre(ElementsAre("B", from >= 2 ? "S" : "T")));
    relate::migrate::downgrade(engine, migrations, "base");
  }
}

// Two processes of the example's program upgrade one database at once: each migration
// runs once (the outputs list five upgrades between them), and both succeed.
TEST_P(BlogMigrationsTest, TwoProcessesUpgradingAtOnceRunEachMigrationOnce) {
  const auto upgrade = [this] {
    const std::string command =
        std::string(RELATE_BLOG_MIGRATIONS_PROGRAM) + " --url '" + url() + "' upgrade 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return std::make_pair(-1, std::string());
    std::string out;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
    return std::make_pair(::pclose(pipe), out);
  };
  auto first = std::async(std::launch::async, upgrade);
  auto second = std::async(std::launch::async, upgrade);
  const auto [first_status, first_out] = first.get();
  const auto [second_status, second_out] = second.get();
  EXPECT_EQ(first_status, 0) << first_out;
  EXPECT_EQ(second_status, 0) << second_out;
  const auto upgrades = [](const std::string& out) {
    std::size_t n = 0;
    for (std::size_t at = out.find("upgrade "); at != std::string::npos;
         at = out.find("upgrade ", at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_EQ(upgrades(first_out) + upgrades(second_out), 5u) << first_out << second_out;
  EXPECT_EQ(at(), 5u);
  EXPECT_THAT(differences(blog::metadata()), IsEmpty());
}

RELATE_ON_EVERY_BACKEND(BlogMigrationsTest);

}  // namespace

}  // namespace blog_migrations_test

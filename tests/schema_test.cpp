// Schema from mapped models: creation order by foreign keys whatever the declaration
// order, and the DDL SQLite stores (referential actions, unique, index, NOT NULL,
// renamed columns, defaults).
#include "test_support.hpp"

namespace schema_test {

using relate_test::Address;
using relate_test::Post;
using relate_test::User;

struct Membership {
  std::int64_t id = 0;
  std::int64_t group_id = 0;
  std::int64_t person_id = 0;
  std::string role;
};

struct Tagging {
  std::int64_t item_id = 0;
  std::string tag;
};

struct Person {
  std::int64_t id = 0;
  std::string name;
};

struct Nickname {
  std::int64_t id = 0;
  std::optional<std::int64_t> person_id;
  std::string nick;
};

namespace {

using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Children declared before the parent they refer to.
relate::MetaData children_first() {
  relate::MetaData md;
  md.table<Post>("posts", relate::primary_key(&Post::id),
                 relate::foreign_key(&Post::user_id, &User::id).on_delete(relate::cascade))
      .table<Address>("addresses", relate::primary_key(&Address::id),
                      relate::foreign_key(&Address::user_id, &User::id)
                          .on_delete(relate::set_null)
                          .on_update(relate::cascade))
      .table<User>("users", relate::primary_key(&User::id), relate::unique(&User::email),
                   relate::index(&User::name))
      .relationship(&User::posts, &Post::author)
      .relationship(&User::addresses, &Address::user);
  return md;
}

class SchemaTest : public relate_test::DatabaseTest {
 protected:
  std::vector<std::string> created_tables() const {
    std::vector<std::string> out;
    for (const auto& s : statements_starting_with("CREATE TABLE ")) {
      const auto begin = s.find('"') + 1;
      out.push_back(s.substr(begin, s.find('"', begin) - begin));
    }
    return out;
  }
};

TEST_P(SchemaTest, SortedTablesPutsReferencedTablesFirstWhateverTheDeclarationOrder) {
  const relate::MetaData md = children_first();
  std::vector<std::string> names;
  for (const relate::Table* t : md.sorted_tables()) names.push_back(t->name());
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names.front(), "users");
}

TEST_P(SchemaTest, CreateAllCreatesReferencedTablesFirstWhateverTheDeclarationOrder) {
  engine.create_all(children_first());
  EXPECT_THAT(created_tables(), ElementsAre("users", "posts", "addresses"));
}

TEST_P(SchemaTest, ChildrenDeclaredFirstStillWorkWithForeignKeysOn) {
  const relate::MetaData md = create(children_first());
  relate::Session session(engine, md);
  auto user = session.add(User{.name = "Ann"});
  user->posts.add(Post{.title = "Hello"});
  ASSERT_NO_THROW(session.commit());
  EXPECT_EQ(rows("SELECT user_id FROM posts"), (relate_test::Rows{{std::to_string(user->id)}}));
  EXPECT_EQ(foreign_keys("posts").size(), 1u);
  if (on(relate_test::kSqlite)) {
    EXPECT_EQ(rows("PRAGMA foreign_key_check"), relate_test::Rows{});
  }
}

TEST_P(SchemaTest, OnDeleteCascadeIsInTheStoredDdl) {
  create(children_first());
  EXPECT_THAT(
      schema_sql("posts"),
      HasSubstr("FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE"));
}

TEST_P(SchemaTest, OnDeleteSetNullAndOnUpdateCascadeAreInTheStoredDdl) {
  create(children_first());
  EXPECT_THAT(schema_sql("addresses"), HasSubstr("ON DELETE SET NULL ON UPDATE CASCADE"));
}

TEST_P(SchemaTest, DatabaseCarriesOutOnDeleteCascade) {
  create(children_first());
  exec_raw(
      "INSERT INTO users (id, name) VALUES (1, 'Ann'); "
      "INSERT INTO posts (id, user_id, title) VALUES (1, 1, 'a'), (2, 1, 'b'); "
      "DELETE FROM users WHERE id = 1;");
  EXPECT_EQ(count_rows("posts"), 0);
}

TEST_P(SchemaTest, UniqueOptionIsInTheStoredDdl) {
  create(children_first());
  // A unique column is a unique constraint of its table; its type is the dialect's:
  // TEXT, or VARCHAR(255) where MySQL must index it.
  EXPECT_THAT(schema_sql("users"), HasSubstr("UNIQUE (\"email\")"));
  EXPECT_THAT(schema_sql("users"), ContainsRegex("\"email\" (TEXT|VARCHAR\\(255\\)),"));
}

TEST_P(SchemaTest, UniqueOptionIsEnforced) {
  const relate::MetaData md = create(children_first());
  relate::Session session(engine, md);
  session.add(User{.name = "Ann", .email = "same@example.com"});
  session.add(User{.name = "Bob", .email = "same@example.com"});
  EXPECT_THROW(session.commit(), relate::IntegrityError);
  EXPECT_EQ(count_rows("users"), 0);
}

TEST_P(SchemaTest, CompositeUniqueIsATableConstraint) {
  relate::MetaData md;
  md.table<Membership>("memberships", relate::primary_key(&Membership::id),
                       relate::unique(&Membership::group_id, &Membership::person_id));
  create(md);
  EXPECT_THAT(schema_sql("memberships"), HasSubstr("UNIQUE (\"group_id\", \"person_id\")"));
}

TEST_P(SchemaTest, IndexOptionCreatesAnIndex) {
  create(children_first());
  EXPECT_TRUE(has_index("users", "ix_users_name"));
  EXPECT_EQ(schema_sql("ix_users_name"), "CREATE INDEX \"ix_users_name\" ON \"users\" (\"name\")");
}

TEST_P(SchemaTest, CompositeIndexCoversItsColumnsInOrder) {
  relate::MetaData md;
  md.table<Membership>("memberships", relate::primary_key(&Membership::id),
                       relate::index(&Membership::person_id, &Membership::role));
  create(md);
  EXPECT_THAT(schema_sql("ix_memberships_person_id_role"),
              HasSubstr("ON \"memberships\" (\"person_id\", \"role\")"));
}

TEST_P(SchemaTest, IntegerPrimaryKeyIsTheBackendsAutoincrementColumn) {
  create(children_first());
  // SQLite's rowid, PostgreSQL's sequence, MySQL's AUTO_INCREMENT.
  const std::string expected = on(relate_test::kSqlite) ? "\"id\" INTEGER NOT NULL PRIMARY KEY"
                               : on(relate_test::kPostgresql)
                                   ? "\"id\" BIGSERIAL PRIMARY KEY"
                                   : "\"id\" BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY";
  EXPECT_THAT(schema_sql("users"), HasSubstr(expected));
}

TEST_P(SchemaTest, CompositePrimaryKeyIsATableConstraint) {
  relate::MetaData md;
  md.table<Tagging>("taggings", relate::primary_key(&Tagging::item_id, &Tagging::tag));
  create(md);
  EXPECT_THAT(schema_sql("taggings"), HasSubstr("PRIMARY KEY (\"item_id\", \"tag\")"));
}

TEST_P(SchemaTest, NotNullForeignKeyOptionOverridesAnOptionalMember) {
  relate::MetaData md;
  md.table<Person>("people", relate::primary_key(&Person::id))
      .table<Nickname>("nicknames", relate::primary_key(&Nickname::id),
                       relate::foreign_key(&Nickname::person_id, &Person::id).not_null());
  create(md);
  EXPECT_THAT(schema_sql("nicknames"), HasSubstr("\"person_id\" BIGINT NOT NULL"));
}

TEST_P(SchemaTest, RenamedColumnIsUsedInDdlAndByTheOrm) {
  relate::MetaData md;
  md.table<Membership>("memberships", relate::primary_key(&Membership::id),
                       relate::column(&Membership::role).name("role_name"));
  create(md);
  EXPECT_THAT(schema_sql("memberships"), ContainsRegex("\"role_name\" [A-Z]+ NOT NULL"));
  {
    relate::Session session(engine, md);
    session.add(Membership{.group_id = 1, .person_id = 2, .role = "admin"});
    session.commit();
  }
  EXPECT_EQ(rows("SELECT role_name FROM memberships"), (relate_test::Rows{{"admin"}}));
  relate::Session session(engine, md);
  auto found =
      session.scalars(relate::select<Membership>().where(relate::col(&Membership::role) == "admin"))
          .one();
  EXPECT_EQ(found->person_id, 2);
}

TEST_P(SchemaTest, ColumnDefaultIsInTheStoredDdl) {
  relate::MetaData md;
  md.table<Membership>("memberships", relate::primary_key(&Membership::id),
                       relate::column(&Membership::role).default_("member"));
  create(md);
  EXPECT_THAT(schema_sql("memberships"),
              ContainsRegex("\"role\" [A-Z]+ NOT NULL DEFAULT 'member'"));
}

RELATE_ON_EVERY_BACKEND(SchemaTest);

}  // namespace
}  // namespace schema_test

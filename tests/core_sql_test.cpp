// Core without the ORM: Tables built at run time, insert/select/update/delete statement
// trees executed on a Connection, every value a bound parameter, and create_all /
// drop_all in foreign-key order.
#include <limits>

#include "test_support.hpp"

namespace {

using relate::ColumnType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
namespace sql = relate::sql;

class CoreSqlTest : public relate_test::DatabaseTest {
 protected:
  CoreSqlTest() {
    users_ = &metadata_.add_table("users");
    users_->add_column("id", ColumnType::big_integer).set_primary_key().set_autoincrement();
    users_->add_column("name", ColumnType::text).set_nullable(false);
    users_->add_column("age", ColumnType::integer);
  }

  const relate::Column& column(const char* name) const { return users_->column(name); }

  void insert_users(relate::Connection& c) {
    sql::Insert insert = sql::insert(*users_);
    insert.columns = {&column("name"), &column("age")};
    insert.rows = {{"alice", 30}, {"bob", 25}, {"carol", relate::Value()}};
    c.execute(insert);
  }

  // Names of the rows a SELECT of users returns, in order.
  static std::vector<std::string> names(relate::Connection& c, const sql::Select& select) {
    std::vector<std::string> out;
    auto cursor = c.execute(select);
    while (cursor->next()) out.push_back(cursor->get(1).as_text());
    return out;
  }

  relate::MetaData metadata_;
  relate::Table* users_ = nullptr;
};

TEST_P(CoreSqlTest, CreateAllCreatesARunTimeTable) {
  engine.create_all(metadata_);
  EXPECT_EQ(table_names(), (std::vector<std::string>{"users"}));
  EXPECT_EQ(column_names("users"), (std::vector<std::string>{"id", "name", "age"}));
  EXPECT_FALSE(column_nullable("users", "name"));
}

TEST_P(CoreSqlTest, InsertWritesEveryRow) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  insert_users(c);
  EXPECT_EQ(rows("SELECT id, name, age FROM users ORDER BY id"),
            (relate_test::Rows{{"1", "alice", "30"}, {"2", "bob", "25"}, {"3", "carol", "NULL"}}));
}

TEST_P(CoreSqlTest, LastInsertIdIsTheGeneratedKey) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  sql::Insert insert = sql::insert(*users_);
  insert.columns = {&column("name")};
  insert.rows = {{"alice"}};
  c.execute(insert);
  EXPECT_EQ(c.last_insert_id(), 1);
  c.execute(insert);
  EXPECT_EQ(c.last_insert_id(), 2);
}

TEST_P(CoreSqlTest, SelectWithWhereReturnsMatchingRows) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  insert_users(c);
  sql::Select select = sql::select(*users_);
  select.where = sql::binary(sql::BinaryOp::gt, sql::column(column("age")), sql::param(26));
  EXPECT_THAT(names(c, select), ElementsAre("alice"));
}

TEST_P(CoreSqlTest, SelectReadsEveryColumnInTableOrder) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  insert_users(c);
  sql::Select select = sql::select(*users_);
  select.where = sql::binary(sql::BinaryOp::eq, sql::column(column("name")), sql::param("carol"));
  auto cursor = c.execute(select);
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(cursor->column_count(), 3u);
  EXPECT_EQ(cursor->get(0).as_int(), 3);
  EXPECT_EQ(cursor->get(1).as_text(), "carol");
  EXPECT_TRUE(cursor->get(2).is_null());
  EXPECT_FALSE(cursor->next());
}

TEST_P(CoreSqlTest, EveryRowMatchingATextParameterIsReturned) {
  // The cursor reads rows after execute() has returned: the bound text must still be
  // there for each row it compares.
  engine.create_all(metadata_);
  auto c = engine.connect();
  insert_users(c);
  sql::Select select = sql::select(*users_);
  select.where = sql::binary(sql::BinaryOp::gt, sql::column(column("name")), sql::param("a"));
  select.order_by = {sql::OrderBy{sql::column(column("id"))}};
  EXPECT_THAT(names(c, select), ElementsAre("alice", "bob", "carol"));
}

TEST_P(CoreSqlTest, SelectWithOrderLimitAndOffset) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  insert_users(c);
  sql::Select select = sql::select(*users_);
  select.order_by = {sql::OrderBy{sql::column(column("name")), true}};
  select.limit = 1;
  select.offset = 1;
  EXPECT_THAT(names(c, select), ElementsAre("bob"));
}

TEST_P(CoreSqlTest, SelectWithInListAndIsNull) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  insert_users(c);
  sql::Select select = sql::select(*users_);
  select.where = sql::binary(
      sql::BinaryOp::or_,
      sql::in_list(sql::column(column("name")), {relate::Value("alice"), relate::Value("zed")}),
      sql::unary(sql::UnaryOp::is_null, sql::column(column("age"))));
  select.order_by = {sql::OrderBy{sql::column(column("id"))}};
  EXPECT_THAT(names(c, select), ElementsAre("alice", "carol"));
}

TEST_P(CoreSqlTest, UpdateChangesOnlyMatchingRows) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  insert_users(c);
  sql::Update update = sql::update(*users_);
  update.values = {{&column("age"), sql::param(31)}};
  update.where = sql::binary(sql::BinaryOp::eq, sql::column(column("name")), sql::param("alice"));
  c.execute(update);
  EXPECT_EQ(c.rows_affected(), 1);
  EXPECT_EQ(rows("SELECT name, age FROM users ORDER BY id"),
            (relate_test::Rows{{"alice", "31"}, {"bob", "25"}, {"carol", "NULL"}}));
}

TEST_P(CoreSqlTest, DeleteRemovesOnlyMatchingRows) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  insert_users(c);
  sql::Delete del = sql::delete_from(*users_);
  del.where = sql::binary(sql::BinaryOp::lt, sql::column(column("age")), sql::param(30));
  c.execute(del);
  EXPECT_EQ(c.rows_affected(), 1);
  EXPECT_EQ(rows("SELECT name FROM users ORDER BY id"), (relate_test::Rows{{"alice"}, {"carol"}}));
}

TEST_P(CoreSqlTest, UpdateAndDeleteReturnTheRowsTheyChangedWhereTheBackendHasReturning) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  insert_users(c);
  sql::Update update = sql::update(*users_);
  update.values = {{&column("age"), sql::param(40)}};
  update.where = sql::binary(sql::BinaryOp::eq, sql::column(column("name")), sql::param("bob"));
  update.returning = {&column("name"), &column("age")};
  sql::Delete del = sql::delete_from(*users_);
  del.where = sql::unary(sql::UnaryOp::is_null, sql::column(column("age")));
  del.returning = {&column("name")};
  if (!engine.dialect().supports_returning()) {
    // Refused when compiled, naming the backend; nothing ran.
    clear();
    EXPECT_THROW(c.execute(update), relate::ArgumentError);
    EXPECT_THROW(c.execute(del), relate::ArgumentError);
    EXPECT_EQ(statements.size(), 0u);
    return;
  }
  auto updated = c.execute(update);
  ASSERT_TRUE(updated->next());
  EXPECT_EQ(updated->get(0), relate::Value("bob"));
  EXPECT_EQ(updated->get(1).as_int(), 40);
  EXPECT_FALSE(updated->next());
  auto deleted = c.execute(del);
  ASSERT_TRUE(deleted->next());
  EXPECT_EQ(deleted->get(0), relate::Value("carol"));
  EXPECT_FALSE(deleted->next());
  EXPECT_EQ(rows("SELECT name, age FROM users ORDER BY id"),
            (relate_test::Rows{{"alice", "30"}, {"bob", "40"}}));
}

TEST_P(CoreSqlTest, ValuesAreBoundParametersNeverSqlText) {
  engine.create_all(metadata_);
  const std::string evil = "x'); DROP TABLE users; --";
  auto c = engine.connect();
  clear();
  sql::Insert insert = sql::insert(*users_);
  insert.columns = {&column("name")};
  insert.rows = {{evil}};
  c.execute(insert);
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_THAT(statements[0], Not(HasSubstr("DROP")));
  EXPECT_EQ(rows("SELECT name FROM users"), (relate_test::Rows{{evil}}));
}

TEST_P(CoreSqlTest, SqlInAWhereValueMatchesOnlyThatExactString) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  insert_users(c);
  const std::string evil = "x' OR '1'='1";
  sql::Select select = sql::select(*users_);
  select.where = sql::binary(sql::BinaryOp::eq, sql::column(column("name")), sql::param(evil));
  EXPECT_THAT(names(c, select), ElementsAre());
}

TEST_P(CoreSqlTest, NegativeZeroInsertedIsADataErrorNamingTheColumn) {
  relate::MetaData md;
  relate::Table& readings = md.add_table("readings");
  readings.add_column("value", ColumnType::double_precision);
  engine.create_all(md);
  auto c = engine.connect();
  clear();
  sql::Insert insert = sql::insert(readings);
  insert.columns = {&readings.column("value")};
  insert.rows = {{-0.0}};
  try {
    c.execute(insert);
    FAIL() << "expected relate::DataError";
  } catch (const relate::DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("column 'readings.value'"));
  }
  EXPECT_TRUE(statements.empty());
}

TEST_P(CoreSqlTest, NanInAStatementCompiledByHandIsADataError) {
  auto c = engine.connect();
  const sql::CompiledStatement statement{
      on(relate_test::kPostgresql) ? "SELECT CAST(:p1 AS DOUBLE PRECISION)" : "SELECT ?",
      {relate::Value(std::numeric_limits<double>::quiet_NaN())}};
  EXPECT_THROW(c.execute(statement), relate::DataError);
}

TEST_P(CoreSqlTest, IdentifiersThatAreKeywordsAreQuoted) {
  relate::MetaData md;
  relate::Table& order = md.add_table("order");
  order.add_column("group", ColumnType::text);
  order.add_column("select", ColumnType::integer);
  engine.create_all(md);
  auto c = engine.connect();
  sql::Insert insert = sql::insert(order);
  insert.columns = {&order.column("group"), &order.column("select")};
  insert.rows = {{"g", 1}};
  c.execute(insert);
  auto cursor = c.execute(sql::select(order));
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(cursor->get(0).as_text(), "g");
}

TEST_P(CoreSqlTest, RolledBackTransactionLeavesNoRows) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  c.begin();
  insert_users(c);
  c.rollback();
  EXPECT_EQ(count_rows("users"), 0);
}

TEST_P(CoreSqlTest, CommittedTransactionKeepsItsRows) {
  engine.create_all(metadata_);
  auto c = engine.connect();
  c.begin();
  insert_users(c);
  c.commit();
  EXPECT_EQ(count_rows("users"), 3);
}

// ---- create_all / drop_all ----

class CoreSchemaOrderTest : public relate_test::DatabaseTest {
 protected:
  // Declared children first: comments refers to posts, posts to authors.
  CoreSchemaOrderTest() {
    relate::Table& comments = md_.add_table("comments");
    comments.add_column("id", ColumnType::big_integer).set_primary_key().set_autoincrement();
    comments.add_column("post_id", ColumnType::big_integer).set_nullable(false);
    relate::Table& posts = md_.add_table("posts");
    posts.add_column("id", ColumnType::big_integer).set_primary_key().set_autoincrement();
    posts.add_column("author_id", ColumnType::big_integer).set_nullable(false);
    relate::Table& authors = md_.add_table("authors");
    authors.add_column("id", ColumnType::big_integer).set_primary_key().set_autoincrement();
    comments.add_foreign_key({&comments.column("post_id")}, posts, {&posts.column("id")});
    posts.add_foreign_key({&posts.column("author_id")}, authors, {&authors.column("id")});
  }

  // The table each statement of the log starting with `prefix` names, in order.
  static std::vector<std::string> tables_in(const std::vector<std::string>& log,
                                            std::string_view prefix) {
    std::vector<std::string> out;
    for (const auto& s : log) {
      if (s.rfind(prefix, 0) != 0) continue;
      const auto begin = s.find('"', prefix.size()) + 1;
      out.push_back(s.substr(begin, s.find('"', begin) - begin));
    }
    return out;
  }

  relate::MetaData md_;
};

TEST_P(CoreSchemaOrderTest, SortedTablesPutsReferencedTablesFirst) {
  std::vector<std::string> names;
  for (const relate::Table* t : md_.sorted_tables()) names.push_back(t->name());
  EXPECT_THAT(names, ElementsAre("authors", "posts", "comments"));
}

TEST_P(CoreSchemaOrderTest, CreateAllCreatesParentsBeforeChildren) {
  engine.create_all(md_);
  EXPECT_THAT(tables_in(statements, "CREATE TABLE"), ElementsAre("authors", "posts", "comments"));
}

TEST_P(CoreSchemaOrderTest, CreateAllIsIdempotent) {
  engine.create_all(md_);
  exec_raw("INSERT INTO authors (id) VALUES (1)");
  clear();
  engine.create_all(md_);
  EXPECT_EQ(count_starting_with("CREATE"), 0u);
  EXPECT_EQ(count_rows("authors"), 1);
}

TEST_P(CoreSchemaOrderTest, DropAllDropsChildrenBeforeParents) {
  engine.create_all(md_);
  // With rows and foreign keys on, dropping a parent first would fail.
  exec_raw(
      "INSERT INTO authors (id) VALUES (1); INSERT INTO posts (id, author_id) VALUES (1, 1); "
      "INSERT INTO comments (id, post_id) VALUES (1, 1);");
  clear();
  engine.drop_all(md_);
  EXPECT_THAT(tables_in(statements, "DROP TABLE"), ElementsAre("comments", "posts", "authors"));
  EXPECT_EQ(table_names(), std::vector<std::string>{});
}

TEST_P(CoreSchemaOrderTest, DropAllSkipsTablesThatDoNotExist) {
  EXPECT_NO_THROW(engine.drop_all(md_));
  EXPECT_EQ(count_starting_with("DROP"), 0u);
}

TEST_P(CoreSchemaOrderTest, ForeignKeysAreEnforced) {
  engine.create_all(md_);
  auto c = engine.connect();
  const relate::Table& posts = md_.get_table("posts");
  sql::Insert insert = sql::insert(posts);
  insert.columns = {&posts.column("author_id")};
  insert.rows = {{999}};
  EXPECT_THROW(c.execute(insert), relate::IntegrityError);
  EXPECT_EQ(count_rows("posts"), 0);
}

RELATE_ON_EVERY_BACKEND(CoreSchemaOrderTest);
RELATE_ON_EVERY_BACKEND(CoreSqlTest);

}  // namespace

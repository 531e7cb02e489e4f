// Identifiers a backend cannot keep as written: PostgreSQL cuts names longer than 63
// bytes short (two long table names can become one table), MySQL refuses names longer
// than 64 characters, SQLite has no limit. A name the user chose that is too long is a
// MappingError naming it and the limit, before any DDL runs or any statement is sent;
// a name Relate makes up (an index's, a foreign key's, an alias) is shortened to fit.
// Empty table and column names are refused when the MetaData is built.
#include "test_support.hpp"

namespace identifier_limit_test {

struct Book;
struct Club;

struct Shelf {
  std::int64_t id = 0;
  std::string label;
  relate::many<Book> books;
};

struct Book {
  std::int64_t id = 0;
  std::int64_t shelf_id = 0;
  std::string title;
  relate::one<Shelf> shelf;
};

struct Reader {
  std::int64_t id = 0;
  relate::many<Club> clubs;
};

struct Club {
  std::int64_t id = 0;
  relate::many<Reader> readers;
};

namespace {

using relate::ColumnType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
namespace sql = relate::sql;

// `length` characters: `prefix` followed by as many `fill` as it takes.
std::string name_of(std::size_t length, const std::string& prefix = "t", char fill = 'x') {
  std::string name = prefix;
  name.resize(length, fill);
  return name;
}

class IdentifierLimitTest : public relate_test::DatabaseTest {
 protected:
  // The backend's limit; on SQLite, which has none, a length well past the others'.
  std::size_t limit() const {
    const std::size_t n = engine.dialect().max_identifier_length();
    return n ? n : 200;
  }
  bool has_limit() const { return engine.dialect().max_identifier_length() != 0; }

  static relate::Table& simple_table(relate::MetaData& md, const std::string& name) {
    relate::Table& t = md.add_table(name);
    t.add_column("id", ColumnType::big_integer).set_primary_key().set_autoincrement();
    t.add_column("label", ColumnType::text);
    return t;
  }

  // create_all's MappingError, or "" when it succeeded.
  std::string create_all_error(const relate::MetaData& md) {
    try {
      engine.create_all(md);
    } catch (const relate::MappingError& e) {
      return e.what();
    }
    return {};
  }

  // The labels of the table's rows, inserted and read back through Core.
  std::vector<std::string> write_and_read(const relate::Table& t, const std::string& label) {
    relate::Connection c = engine.connect();
    sql::Insert insert = sql::insert(t);
    insert.columns = {&t.column("label")};
    insert.rows = {{label}};
    c.execute(insert);
    std::vector<std::string> out;
    auto cursor = c.execute(sql::select(t));
    while (cursor->next()) out.push_back(cursor->get(1).as_text());
    return out;
  }
};

TEST_P(IdentifierLimitTest, TableNameLongerThanTheBackendAllowsIsAMappingErrorAtCreateAll) {
  relate::MetaData md;
  const std::string name = name_of(limit() + 1);
  simple_table(md, name);
  const std::string error = create_all_error(md);
  if (!has_limit()) {
    EXPECT_EQ(error, "");
    EXPECT_THAT(table_names(), ElementsAre(name));
    return;
  }
  EXPECT_THAT(error, HasSubstr("table '" + name + "'"));
  EXPECT_THAT(error, HasSubstr(std::to_string(limit() + 1)));
  EXPECT_THAT(error,
              HasSubstr(std::string(backend()) + " backend allows " + std::to_string(limit())));
  EXPECT_THAT(table_names(), IsEmpty());
}

TEST_P(IdentifierLimitTest, TwoLongTableNamesWithTheSamePrefixNeverBecomeOneTable) {
  relate::MetaData md;
  const std::string prefix = name_of(limit() + 2, "shared");
  const relate::Table& first = simple_table(md, prefix + "_first");
  const relate::Table& second = simple_table(md, prefix + "_second");
  const std::string error = create_all_error(md);
  if (has_limit()) {
    EXPECT_THAT(error, HasSubstr(prefix + "_first"));
    EXPECT_THAT(table_names(), IsEmpty());
    return;
  }
  ASSERT_EQ(error, "");
  EXPECT_THAT(write_and_read(first, "one"), ElementsAre("one"));
  EXPECT_THAT(write_and_read(second, "two"), ElementsAre("two"));
}

TEST_P(IdentifierLimitTest, TableNameOfExactlyTheLimitIsKeptAsWritten) {
  relate::MetaData md;
  const std::string name = name_of(limit());
  const relate::Table& t = simple_table(md, name);
  engine.create_all(md);
  EXPECT_THAT(table_names(), ElementsAre(name));
  EXPECT_THAT(write_and_read(t, "kept"), ElementsAre("kept"));
}

TEST_P(IdentifierLimitTest, MysqlCountsCharactersAndPostgresqlCountsBytes) {
  // 40 two-byte characters: 80 bytes.
  std::string name;
  for (int i = 0; i < 40; ++i) name += "\xC3\xA9";
  relate::MetaData md;
  simple_table(md, name);
  const std::string error = create_all_error(md);
  if (on(relate_test::kPostgresql)) {
    EXPECT_THAT(error, HasSubstr("80 bytes"));
    EXPECT_THAT(table_names(), IsEmpty());
  } else {
    EXPECT_EQ(error, "");
    EXPECT_THAT(table_names(), ElementsAre(name));
  }
}

TEST_P(IdentifierLimitTest, ColumnNameLongerThanTheBackendAllowsIsAMappingErrorNamingIt) {
  relate::MetaData md;
  relate::Table& t = simple_table(md, "shelves");
  const std::string column = name_of(limit() + 1, "c");
  t.add_column(column, ColumnType::integer);
  const std::string error = create_all_error(md);
  if (!has_limit()) {
    EXPECT_EQ(error, "");
    return;
  }
  EXPECT_THAT(error, HasSubstr("column '" + column + "' of table 'shelves'"));
  EXPECT_THAT(table_names(), IsEmpty());
}

TEST_P(IdentifierLimitTest, IndexNamedLongerThanTheBackendAllowsIsAMappingErrorNamingIt) {
  relate::MetaData md;
  relate::Table& t = simple_table(md, "shelves");
  const std::string index = name_of(limit() + 1, "ix");
  t.add_index({&t.column("label")}, false, index);
  const std::string error = create_all_error(md);
  if (!has_limit()) {
    EXPECT_EQ(error, "");
    EXPECT_TRUE(has_index("shelves", index));
    return;
  }
  EXPECT_THAT(error, HasSubstr("index '" + index + "' of table 'shelves'"));
  EXPECT_THAT(table_names(), IsEmpty());
}

TEST_P(IdentifierLimitTest, GeneratedIndexNamesAreShortenedToFitAndStayApart) {
  relate::MetaData md;
  const std::string table = name_of(limit() - 10, "t");
  relate::Table& t = simple_table(md, table);
  // ix_<table>_<column> is longer than the limit for both, and the same up to it.
  t.add_column("indexed_first", ColumnType::integer).set_index();
  t.add_column("indexed_second", ColumnType::integer).set_index();
  engine.create_all(md);
  const std::string first = engine.dialect().fit_identifier("ix_" + table + "_indexed_first");
  const std::string second = engine.dialect().fit_identifier("ix_" + table + "_indexed_second");
  EXPECT_NE(first, second);
  if (has_limit()) {
    EXPECT_EQ(engine.dialect().identifier_length(first), limit());
  }
  EXPECT_TRUE(has_index(table, first));
  EXPECT_TRUE(has_index(table, second));
}

TEST_P(IdentifierLimitTest, ForeignKeyOfATableWithALongNameIsCreatedAndEnforced) {
  // MySQL names an unnamed foreign key <table>_ibfk_1, which would pass its limit.
  relate::MetaData md;
  relate::Table& parent = simple_table(md, "parents");
  relate::Table& child = simple_table(md, name_of(limit() - 2, "child"));
  relate::Column& parent_id = child.add_column("parent_id", ColumnType::big_integer);
  child.add_foreign_key({&parent_id}, parent, {&parent.column("id")});
  engine.create_all(md);
  ASSERT_EQ(foreign_keys(child.name()).size(), 1u);
  relate::Connection c = engine.connect();
  sql::Insert orphan = sql::insert(child);
  orphan.columns = {&parent_id};
  orphan.rows = {{std::int64_t{42}}};
  EXPECT_THROW(c.execute(orphan), relate::IntegrityError);
}

TEST_P(IdentifierLimitTest, StatementNamingATableLongerThanTheLimitIsRefusedBeforeItIsSent) {
  // A Session on tables created by someone else: no create_all ran the check.
  relate::MetaData md;
  const relate::Table& t = simple_table(md, name_of(limit() + 1));
  if (!has_limit()) engine.create_all(md);
  clear();
  relate::Connection c = engine.connect();
  if (!has_limit()) {
    EXPECT_FALSE(c.execute(sql::select(t))->next());
    return;
  }
  try {
    c.execute(sql::select(t));
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(), HasSubstr(t.name()));
  }
  EXPECT_THAT(statements, IsEmpty());
}

TEST_P(IdentifierLimitTest, AssociationTableNameLongerThanTheLimitIsAMappingErrorNamingIt) {
  const std::string secondary = name_of(limit() + 1, "readers_clubs");
  relate::MetaData md = relate::MetaData{}
                            .table<Reader>("readers", relate::primary_key(&Reader::id))
                            .table<Club>("clubs", relate::primary_key(&Club::id))
                            .relationship(&Reader::clubs, &Club::readers)
                            .secondary(secondary);
  const std::string error = create_all_error(md);
  if (!has_limit()) {
    EXPECT_EQ(error, "");
    return;
  }
  EXPECT_THAT(error, HasSubstr("table '" + secondary + "'"));
  EXPECT_THAT(table_names(), IsEmpty());
}

TEST_P(IdentifierLimitTest, JoinedLoadingOfTablesNamedAtTheLimitWorks) {
  // The joined loader's alias (<table>_1) is longer than the table's name: it is
  // shortened, and must not become the table's own name.
  const std::string shelves = name_of(limit(), "shelves");
  const std::string books = name_of(limit(), "books");
  const relate::MetaData md =
      create(relate::MetaData{}
                 .table<Shelf>(shelves, relate::primary_key(&Shelf::id))
                 .table<Book>(books, relate::primary_key(&Book::id),
                              relate::foreign_key(&Book::shelf_id, &Shelf::id))
                 .relationship(&Shelf::books, &Book::shelf)
                 .order_by(&Book::id));
  {
    relate::Session s(engine, md);
    auto shelf = s.add(Shelf{.label = "poetry"});
    shelf->books.add(Book{.title = "Odes"});
    shelf->books.add(Book{.title = "Elegies"});
    s.commit();
  }
  relate::Session s(engine, md);
  clear();
  auto loaded = s.scalars(relate::select<Shelf>().options(relate::joinedload(&Shelf::books))).one();
  std::vector<std::string> titles;
  for (const auto& b : loaded->books) titles.push_back(b->title);
  EXPECT_THAT(titles, ElementsAre("Odes", "Elegies"));
  EXPECT_EQ(statements.size(), 1u);
}

RELATE_ON_EVERY_BACKEND(IdentifierLimitTest);

TEST(EmptyNames, EmptyTableNameIsAMappingError) {
  relate::MetaData md;
  EXPECT_THROW(md.add_table(""), relate::MappingError);
}

TEST(EmptyNames, ModelMappedToAnEmptyTableNameIsAMappingErrorNamingTheModel) {
  try {
    relate::MetaData{}.table<Shelf>("", relate::primary_key(&Shelf::id));
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Shelf"));
    EXPECT_THAT(e.what(), HasSubstr("empty name"));
  }
}

TEST(EmptyNames, EmptyColumnNameIsAMappingErrorNamingTheTable) {
  relate::MetaData md;
  relate::Table& t = md.add_table("shelves");
  try {
    t.add_column("", ColumnType::integer);
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'shelves'"));
  }
}

TEST(EmptyNames, ColumnRenamedToAnEmptyNameIsAMappingErrorNamingTheMember) {
  try {
    relate::MetaData{}.table<Shelf>("shelves", relate::primary_key(&Shelf::id),
                                    relate::column(&Shelf::label).name(""));
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Shelf::label"));
  }
}

TEST(EmptyNames, EmptyAssociationTableNameIsAMappingError) {
  relate::MetaData md = relate::MetaData{}
                            .table<Reader>("readers", relate::primary_key(&Reader::id))
                            .table<Club>("clubs", relate::primary_key(&Club::id))
                            .relationship(&Reader::clubs, &Club::readers)
                            .secondary("");
  EXPECT_THROW(md.configure(), relate::MappingError);
}

}  // namespace
}  // namespace identifier_limit_test

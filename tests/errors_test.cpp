// Mapping mistakes are relate::MappingErrors at start-up (MetaData::configure() or
// Session construction), with messages naming the models and members at fault; and
// the error hierarchy follows DBAPI's shape.
#include <type_traits>

#include "test_support.hpp"

namespace errors_test {

struct Book;
struct Editor;

struct Author {
  std::int64_t id = 0;
  std::string name;
  relate::many<Book> books;
};

struct Book {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::optional<std::int64_t> editor_id;
  std::string author_name;
  std::string title;
  relate::one<Author> author;
  relate::one<Editor> editor;
};

struct Editor {
  std::int64_t id = 0;
  relate::many<Book> books;
};

// The same shape without relationship members, for foreign key errors alone.
struct Shelf {
  std::int64_t id = 0;
  std::string label;
};
struct Slot {
  std::int64_t id = 0;
  std::string shelf_label;
};

struct Keyless {
  std::int64_t id = 0;
};

// Keys of one type referred to from members of another.
struct Tag {
  std::string code;
};
struct Sticker {
  std::int64_t id = 0;
  std::int64_t tag_code = 0;
  std::int32_t shelf_id = 0;
};

namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// The message of the MappingError that configure() throws, or "" if none.
using relate_test::configure_error;

// Authors and books with every member declared, apart from what a test changes.
relate::MetaData library(bool with_foreign_keys = true) {
  relate::MetaData md;
  md.table<Author>("authors", relate::primary_key(&Author::id))
      .table<Editor>("editors", relate::primary_key(&Editor::id));
  if (with_foreign_keys) {
    md.table<Book>("books", relate::primary_key(&Book::id),
                   relate::foreign_key(&Book::author_id, &Author::id),
                   relate::foreign_key(&Book::editor_id, &Editor::id));
  } else {
    md.table<Book>("books", relate::primary_key(&Book::id));
  }
  return md;
}

TEST(MappingErrors, RelationshipWithoutForeignKeyPathNamesBothModels) {
  relate::MetaData md = library(/*with_foreign_keys=*/false);
  md.relationship(&Author::books, &Book::author);
  const std::string message = configure_error(md);
  EXPECT_THAT(message, AllOf(HasSubstr("Author::books"), HasSubstr("Book"), HasSubstr("authors"),
                             HasSubstr("books")));
  EXPECT_THAT(message, HasSubstr("foreign key"));
}

TEST(MappingErrors, SessionConstructionReportsTheMappingError) {
  auto engine = relate::create_engine("sqlite://:memory:");
  relate::MetaData md = library(/*with_foreign_keys=*/false);
  md.relationship(&Author::books, &Book::author);
  EXPECT_THROW(relate::Session session(engine, md), relate::MappingError);
}

TEST(MappingErrors, CreateAllReportsTheMappingErrorAndCreatesNothing) {
  auto engine = relate::create_engine("sqlite://:memory:");
  relate::MetaData md = library(/*with_foreign_keys=*/false);
  md.relationship(&Author::books, &Book::author);
  EXPECT_THROW(engine.create_all(md), relate::MappingError);
  auto c = engine.connect();
  auto cursor = c.execute(relate::sql::CompiledStatement{"SELECT count(*) FROM sqlite_master", {}});
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(cursor->get(0).as_int(), 0);
}

TEST(MappingErrors, TheErrorRepeatsOnEveryUse) {
  relate::MetaData md = library(/*with_foreign_keys=*/false);
  md.relationship(&Author::books, &Book::author);
  EXPECT_THROW(md.configure(), relate::MappingError);
  EXPECT_THROW(md.configure(), relate::MappingError);
}

TEST(MappingErrors, BackPopulatesToAMemberOfAnotherModelNamesBothSides) {
  relate::MetaData md = library();
  // Book::editor is a one<Editor>: it cannot be the other side of Author::books.
  md.relationship(&Author::books, &Book::editor);
  EXPECT_THAT(configure_error(md),
              AllOf(HasSubstr("Author::books"), HasSubstr("Book::editor"), HasSubstr("Editor")));
}

TEST(MappingErrors, BackPopulatesNamingAMemberOfTheWrongModelNamesBothSides) {
  relate::MetaData md = library();
  // The other side of Editor::books must be a member of Book, not of Author.
  md.relationship(&Editor::books, &Author::books);
  EXPECT_THAT(configure_error(md), AllOf(HasSubstr("Editor::books"), HasSubstr("Author::books")));
}

TEST(MappingErrors, ForeignKeyToAColumnThatIsNotAKeyNamesBothColumns) {
  relate::MetaData md;
  md.table<Shelf>("shelves", relate::primary_key(&Shelf::id))
      .table<Slot>("slots", relate::primary_key(&Slot::id),
                   relate::foreign_key(&Slot::shelf_label, &Shelf::label));
  EXPECT_THAT(configure_error(md),
              AllOf(HasSubstr("Slot::shelf_label"), HasSubstr("Shelf::label"), HasSubstr("shelves"),
                    HasSubstr("not its primary key or a unique key")));
}

TEST(MappingErrors, ForeignKeyToAUniqueColumnIsAccepted) {
  relate::MetaData md;
  md.table<Shelf>("shelves", relate::primary_key(&Shelf::id), relate::unique(&Shelf::label))
      .table<Slot>("slots", relate::primary_key(&Slot::id),
                   relate::foreign_key(&Slot::shelf_label, &Shelf::label));
  EXPECT_EQ(configure_error(md), "");
}

TEST(MappingErrors, RelationshipMemberNeverDeclaredNamesTheMember) {
  relate::MetaData md;
  md.table<Author>("authors", relate::primary_key(&Author::id))
      .table<Book>("books", relate::primary_key(&Book::id),
                   relate::foreign_key(&Book::author_id, &Author::id))
      .relationship(&Author::books, &Book::author);
  // Book::editor is a relationship member that no relationship() declares.
  EXPECT_THAT(configure_error(md), AllOf(HasSubstr("Book::editor"), HasSubstr("relationship()")));
}

TEST(MappingErrors, UnknownCascadeWordNamesTheWordAndTheRelationship) {
  relate::MetaData md = library();
  md.relationship(&Author::books, &Book::author).cascade("all, delete-orphans");
  md.relationship(&Editor::books, &Book::editor);
  EXPECT_THAT(configure_error(md), AllOf(HasSubstr("delete-orphans"), HasSubstr("Author::books")));
}

TEST(MappingErrors, DeleteOrphanOnManyToOneIsRejected) {
  relate::MetaData md = library();
  md.relationship(&Book::author, &Author::books).cascade("all, delete-orphan");
  md.relationship(&Editor::books, &Book::editor);
  EXPECT_THAT(configure_error(md), AllOf(HasSubstr("Book::author"), HasSubstr("delete-orphan")));
}

TEST(MappingErrors, ModelWithoutPrimaryKeyIsRejectedWhenDeclared) {
  try {
    relate::MetaData{}.table<Keyless>("keyless");
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(),
                AllOf(HasSubstr("keyless"), HasSubstr("Keyless"), HasSubstr("primary_key")));
  }
}

TEST(MappingErrors, TableDeclaredTwiceIsRejected) {
  relate::MetaData md;
  md.add_table("things");
  EXPECT_THROW(md.add_table("things"), relate::MappingError);
}

TEST(MappingErrors, QueryingAnUnmappedModelNamesIt) {
  auto engine = relate::create_engine("sqlite://:memory:");
  relate::MetaData md;
  md.table<Shelf>("shelves", relate::primary_key(&Shelf::id));
  relate::Session session(engine, md);
  try {
    session.scalars(relate::select<Slot>());
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Slot"));
  }
}

TEST(MappingErrors, AddingAnUnmappedModelNamesItAsWrittenInCpp) {
  auto engine = relate::create_engine("sqlite://:memory:");
  relate::MetaData md;
  md.table<Shelf>("shelves", relate::primary_key(&Shelf::id));
  relate::Session session(engine, md);
  try {
    session.add(Slot{.shelf_label = "A"});
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_STREQ(e.what(),
                 "the model errors_test::Slot is not mapped in this MetaData: declare it with "
                 ".table<errors_test::Slot>(\"name\", ...)");
  }
}

TEST(MappingErrors, ForeignKeyFromAnIntegerMemberToATextKeyNamesBothColumnsAndTypes) {
  relate::MetaData md;
  md.table<Tag>("tags", relate::primary_key(&Tag::code))
      .table<Sticker>("stickers", relate::primary_key(&Sticker::id),
                      relate::foreign_key(&Sticker::tag_code, &Tag::code));
  EXPECT_EQ(configure_error(md),
            "foreign_key(errors_test::Sticker::tag_code -> errors_test::Tag::code): "
            "errors_test::Sticker::tag_code is big integer (column 'stickers.tag_code') but "
            "errors_test::Tag::code is text (column 'tags.code'): give both members the same "
            "type");
}

TEST(MappingErrors, ForeignKeyFromA32BitMemberToA64BitKeyIsRefused) {
  // MySQL refuses INTEGER -> BIGINT where SQLite and PostgreSQL accept it: refused on
  // every backend, before any DDL.
  auto engine = relate::create_engine("sqlite://:memory:");
  relate::MetaData md;
  md.table<Shelf>("shelves", relate::primary_key(&Shelf::id))
      .table<Sticker>("stickers", relate::primary_key(&Sticker::id),
                      relate::foreign_key(&Sticker::shelf_id, &Shelf::id));
  try {
    engine.create_all(md);
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("errors_test::Sticker::shelf_id is integer"),
                                HasSubstr("errors_test::Shelf::id is big integer")));
  }
}

TEST(MappingErrors, CoreForeignKeyOfAnotherTypeThanItsKeyNamesBothColumnsAndTypes) {
  // The same rule for tables built at run time, such as a declared association table.
  relate::MetaData md;
  md.table<Shelf>("shelves", relate::primary_key(&Shelf::id));
  relate::Table& placements = md.add_table("placements");
  relate::Column& shelf = placements.add_column("shelf", relate::ColumnType::text);
  const relate::Table& shelves = md.get_table("shelves");
  try {
    placements.add_foreign_key({&shelf}, shelves, {&shelves.column("id")});
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_STREQ(e.what(),
                 "foreign key of table 'placements' to 'shelves': column 'placements.shelf' is "
                 "text but 'shelves.id', which it refers to, is big integer: a foreign key "
                 "column must have the type of the column it refers to");
  }
}

TEST(MappingErrors, UnknownLoaderStrategyNamesTheRelationshipAndTheKnownStrategies) {
  relate::MetaData md = library();
  md.relationship(&Author::books, &Book::author).lazy("eventually");
  md.relationship(&Editor::books, &Book::editor);
  // A mistake in the mapping is a MappingError naming the member at fault.
  try {
    md.configure();
    FAIL() << "expected relate::MappingError";
  } catch (const relate::MappingError& e) {
    EXPECT_THAT(e.what(),
                AllOf(HasSubstr("eventually"), HasSubstr("lazy"), HasSubstr("Author::books")));
  }
}

TEST(ErrorHierarchy, DatabaseErrorsFollowDbapi) {
  static_assert(std::is_base_of_v<relate::Error, relate::DatabaseError>);
  static_assert(std::is_base_of_v<relate::DatabaseError, relate::IntegrityError>);
  static_assert(std::is_base_of_v<relate::DatabaseError, relate::OperationalError>);
  static_assert(std::is_base_of_v<relate::DatabaseError, relate::ProgrammingError>);
  static_assert(std::is_base_of_v<relate::DatabaseError, relate::DataError>);
  static_assert(std::is_base_of_v<std::runtime_error, relate::Error>);
  SUCCEED();
}

TEST(ErrorHierarchy, OrmErrorsAreErrors) {
  static_assert(std::is_base_of_v<relate::Error, relate::MappingError>);
  static_assert(std::is_base_of_v<relate::Error, relate::ArgumentError>);
  static_assert(std::is_base_of_v<relate::InvalidRequestError, relate::DetachedInstanceError>);
  static_assert(std::is_base_of_v<relate::InvalidRequestError, relate::PendingRollbackError>);
  static_assert(std::is_base_of_v<relate::InvalidRequestError, relate::NoResultFound>);
  static_assert(std::is_base_of_v<relate::InvalidRequestError, relate::MultipleResultsFound>);
  SUCCEED();
}

// Errors of the database, translated by each backend.
using DatabaseErrorTest = relate_test::DatabaseTest;

TEST_P(DatabaseErrorTest, SqlErrorIsAProgrammingErrorCarryingTheStatement) {
  auto c = engine.connect();
  try {
    c.execute("SELECT * FROM no_such_table");
    FAIL() << "expected relate::ProgrammingError";
  } catch (const relate::ProgrammingError& e) {
    EXPECT_EQ(e.sql(), "SELECT * FROM no_such_table");
    EXPECT_THAT(e.what(), HasSubstr("no_such_table"));
  }
}

TEST_P(DatabaseErrorTest, ForeignKeyViolationIsAnIntegrityErrorNamingTheConstraint) {
  auto c = engine.connect();
  c.execute("CREATE TABLE parents (id INTEGER PRIMARY KEY)");
  c.execute(
      "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER, "
      "CONSTRAINT children_parent FOREIGN KEY (parent_id) REFERENCES parents (id))");
  try {
    c.execute("INSERT INTO children (id, parent_id) VALUES (1, 42)");
    FAIL() << "expected relate::IntegrityError";
  } catch (const relate::IntegrityError& e) {
    // SQLite does not say which constraint failed, only its kind.
    EXPECT_EQ(e.constraint(), on(relate_test::kSqlite) ? "FOREIGN KEY" : "children_parent");
  }
  EXPECT_EQ(count_rows("children"), 0);
}

TEST_P(DatabaseErrorTest, NotNullViolationIsAnIntegrityError) {
  auto c = engine.connect();
  c.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  EXPECT_THROW(c.execute("INSERT INTO notes (id, body) VALUES (1, NULL)"), relate::IntegrityError);
  EXPECT_EQ(count_rows("notes"), 0);
}

RELATE_ON_EVERY_BACKEND(DatabaseErrorTest);

}  // namespace
}  // namespace errors_test

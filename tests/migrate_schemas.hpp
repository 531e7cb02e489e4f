// Two versions of one schema, for the tests of migrations: every column type, key,
// constraint and foreign key kind, then each kind of change made to them.
#pragma once

#include <relate/migrate/diff.hpp>
#include <relate/migrate/migration.hpp>
#include <relate/relate.hpp>
#include <string>
#include <vector>

namespace migrate_schemas {

using relate::ColumnType;

// Every column type with a default of its own, keys of one and two columns, a unique
// column, a named unique constraint, generated and named indexes, and foreign keys of
// every kind: named, unnamed, composite, self-referential, with and without actions.
inline relate::MetaData every_kind() {
  relate::MetaData md;
  relate::Table& authors = md.add_table("authors");
  authors.add_column("id", ColumnType::big_integer).set_primary_key().set_autoincrement();
  authors.add_column("name", ColumnType::text).set_nullable(false).set_unique();
  authors.add_column("active", ColumnType::boolean)
      .set_nullable(false)
      .set_default(relate::Value(true));
  authors.add_column("rank", ColumnType::small_integer).set_default(relate::Value(-1));
  authors.add_column("score", ColumnType::integer).set_default(relate::Value(0));
  authors.add_column("followers", ColumnType::big_integer).set_default(relate::Value(42));
  authors.add_column("ratio", ColumnType::real).set_default(relate::Value(1.5));
  authors.add_column("balance", ColumnType::double_precision).set_default(relate::Value(-2.25));
  // A quote, and a backslash (which MySQL reads as an escape unless doubled).
  authors.add_column("motto", ColumnType::text).set_default(relate::Value("it's a\\b"));
  authors.add_column("born", ColumnType::timestamp)
      .set_default(relate::Value("2024-01-02 03:04:05"));
  authors.add_column("photo", ColumnType::blob)
      .set_default(relate::Value(relate::Blob{std::byte{0x0a}, std::byte{0xff}}));
  authors.add_column("note", ColumnType::text).set_default(relate::Value());

  relate::Table& books = md.add_table("books");
  books.add_column("shelf", ColumnType::integer).set_primary_key();
  books.add_column("slot", ColumnType::integer).set_primary_key();
  const relate::Column& author_id =
      books.add_column("author_id", ColumnType::big_integer).set_nullable(false).set_index();
  const relate::Column& title = books.add_column("title", ColumnType::text);
  const relate::Column& edition = books.add_column("edition", ColumnType::integer);
  books.add_foreign_key({&author_id}, authors, {&authors.column("id")}, relate::cascade,
                        relate::cascade, "fk_books_author");
  books.add_unique({&title, &edition}, "uq_books_title_edition");
  books.add_index({&edition, &title}, true, "ix_books_edition_title");

  relate::Table& reviews = md.add_table("reviews");
  reviews.add_column("id", ColumnType::integer).set_primary_key().set_autoincrement();
  const relate::Column& shelf = reviews.add_column("book_shelf", ColumnType::integer);
  const relate::Column& slot = reviews.add_column("book_slot", ColumnType::integer);
  const relate::Column& parent = reviews.add_column("parent_id", ColumnType::integer);
  const relate::Column& by = reviews.add_column("author_id", ColumnType::big_integer);
  reviews.add_foreign_key({&shelf, &slot}, books, {&books.column("shelf"), &books.column("slot")},
                          relate::set_null);
  reviews.add_foreign_key({&parent}, reviews, {&reviews.column("id")});
  reviews.add_foreign_key({&by}, authors, {&authors.column("id")}, relate::restrict);
  reviews.add_unique({&by, &parent});
  return md;
}

// The same schema, one version later.
inline relate::MetaData changed() {
  relate::MetaData md;
  relate::Table& authors = md.add_table("authors");
  authors.add_column("id", ColumnType::big_integer).set_primary_key().set_autoincrement();
  // name: no longer unique; rank: NOT NULL now; score: a double; motto: another default.
  authors.add_column("name", ColumnType::text).set_nullable(false);
  authors.add_column("active", ColumnType::boolean)
      .set_nullable(false)
      .set_default(relate::Value(true));
  authors.add_column("rank", ColumnType::small_integer)
      .set_nullable(false)
      .set_default(relate::Value(-1));
  authors.add_column("score", ColumnType::double_precision).set_default(relate::Value(0));
  authors.add_column("followers", ColumnType::big_integer).set_default(relate::Value(42));
  authors.add_column("ratio", ColumnType::real).set_default(relate::Value(1.5));
  authors.add_column("balance", ColumnType::double_precision).set_default(relate::Value(-2.25));
  authors.add_column("motto", ColumnType::text).set_default(relate::Value("carpe diem"));
  authors.add_column("born", ColumnType::timestamp)
      .set_default(relate::Value("2024-01-02 03:04:05"));
  // photo and note dropped; bio added.
  authors.add_column("bio", ColumnType::text);

  relate::Table& books = md.add_table("books");
  books.add_column("shelf", ColumnType::integer).set_primary_key();
  books.add_column("slot", ColumnType::integer).set_primary_key();
  const relate::Column& author_id =
      books.add_column("author_id", ColumnType::big_integer).set_nullable(false).set_index();
  const relate::Column& title = books.add_column("title", ColumnType::text);
  const relate::Column& edition = books.add_column("edition", ColumnType::integer);
  // The foreign key no longer cascades updates; the unique constraint is gone, the index
  // is not unique.
  books.add_foreign_key({&author_id}, authors, {&authors.column("id")}, relate::cascade,
                        std::nullopt, "fk_books_author");
  books.add_index({&edition, &title}, false, "ix_books_edition_title");
  books.add_index({&title}, false, "ix_books_title");

  // reviews dropped; quotes added, referring to books.
  relate::Table& quotes = md.add_table("quotes");
  quotes.add_column("id", ColumnType::big_integer).set_primary_key().set_autoincrement();
  const relate::Column& shelf =
      quotes.add_column("book_shelf", ColumnType::integer).set_nullable(false);
  const relate::Column& slot =
      quotes.add_column("book_slot", ColumnType::integer).set_nullable(false);
  quotes.add_column("text", ColumnType::text).set_nullable(false);
  quotes.add_foreign_key({&shelf, &slot}, books, {&books.column("shelf"), &books.column("slot")},
                         relate::cascade, std::nullopt, "fk_quotes_book");
  return md;
}

// Each operation of a diff in one line.
inline std::vector<std::string> summaries(const relate::migrate::Diff& diff) {
  std::vector<std::string> out;
  for (const auto& op : diff.operations) out.push_back(relate::migrate::summary(op));
  return out;
}

// A migration that runs `operations` and, down, their reverse.
inline relate::migrate::Migration migration_of(std::string id, std::string parent,
                                               std::vector<relate::migrate::Operation> operations,
                                               std::string message = "autogenerated") {
  auto down = relate::migrate::reverse(operations);
  return {.id = std::move(id),
          .parent = std::move(parent),
          .message = std::move(message),
          .upgrade =
              [operations](relate::migrate::Operations& op) {
                for (const auto& o : operations) op.run(o);
              },
          .downgrade =
              [down](relate::migrate::Operations& op) {
                for (const auto& o : down) op.run(o);
              }};
}

}  // namespace migrate_schemas

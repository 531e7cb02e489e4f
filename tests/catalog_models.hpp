// The models of the query language tests: authors and their books, tags (many-to-many)
// and a category tree (self-referential), with rows every test starts from.
#pragma once

#include <cstdint>
#include <optional>
#include <relate/relate.hpp>
#include <string>

namespace catalog {

struct Book;
struct Tag;

struct Author {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> born;
  relate::many<Book> books;
};

struct Category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;
  relate::one<Category> parent;
  relate::many<Category> children;
};

struct Book {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::optional<std::int64_t> category_id;
  std::string title;
  std::int64_t year = 0;
  double price = 0;
  relate::one<Author> author;
  relate::one<Category> category;
  relate::many<Tag> tags;
};

struct Tag {
  std::int64_t id = 0;
  std::string name;
  relate::many<Book> books;
};

inline relate::MetaData metadata() {
  return relate::MetaData{}
      .table<Author>("authors", relate::primary_key(&Author::id))
      .table<Category>("categories", relate::primary_key(&Category::id),
                       relate::foreign_key(&Category::parent_id, &Category::id))
      .table<Book>("books", relate::primary_key(&Book::id),
                   relate::foreign_key(&Book::author_id, &Author::id),
                   relate::foreign_key(&Book::category_id, &Category::id))
      .table<Tag>("tags", relate::primary_key(&Tag::id), relate::unique(&Tag::name))
      .relationship(&Author::books, &Book::author)
      .order_by(&Book::id)
      .relationship(&Category::children, &Category::parent)
      .relationship(&Book::category)
      .relationship(&Book::tags, &Tag::books)
      .secondary("book_tags");
}

// Ann (born 1950) wrote Dune 1965 (9.5), Emma 1999 (12.0) and Zoo 2019 (20.0); Bob
// (born unknown) wrote Alps 2019 (7.25); Cy wrote nothing. Categories: Fiction (1) >
// Novels (2) > Classics (3); Travel (4). Tags: old (Dune, Emma), new (Zoo, Alps).
inline const char* rows_sql() {
  return "INSERT INTO authors (id, name, born) VALUES (1, 'Ann', 1950), (2, 'Bob', NULL), "
         "(3, 'Cy', 1990); "
         "INSERT INTO categories (id, parent_id, name) VALUES (1, NULL, 'Fiction'), "
         "(2, 1, 'Novels'), (3, 2, 'Classics'), (4, NULL, 'Travel'); "
         "INSERT INTO books (id, author_id, category_id, title, year, price) VALUES "
         "(1, 1, 3, 'Dune', 1965, 9.5), (2, 1, 2, 'Emma', 1999, 12.0), "
         "(3, 1, NULL, 'Zoo', 2019, 20.0), (4, 2, 4, 'Alps', 2019, 7.25); "
         "INSERT INTO tags (id, name) VALUES (1, 'old'), (2, 'new'); "
         "INSERT INTO book_tags (book_id, tag_id) VALUES (1, 1), (2, 1), (3, 2), (4, 2)";
}

}  // namespace catalog

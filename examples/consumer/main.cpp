// A small lending library on Relate, built outside Relate's own tree. The database is
// the URL given as the first argument (sqlite:///library.db when none is given), so
// the same program runs on SQLite, PostgreSQL or MariaDB.
#include <cstdint>
#include <iostream>
#include <relate/relate.hpp>
#include <string>

struct Book;

// Every member has an initializer, so designated initializers may leave any of them
// out without a -Wmissing-field-initializers warning (-Wextra).
struct Author {
  std::int64_t id = 0;
  std::string name{};
  relate::many<Book> books{};
};

struct Book {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  std::string title{};
  relate::one<Author> author{};
};

int main(int argc, char** argv) {
  const std::string url = argc > 1 ? argv[1] : "sqlite:///library.db";
  try {
    relate::MetaData library;
    library.table<Author>("authors", relate::primary_key(&Author::id))
        .table<Book>("books", relate::primary_key(&Book::id),
                     relate::foreign_key(&Book::author_id, &Author::id))
        .relationship(&Author::books, &Book::author)
        .order_by(&Book::id)
        .cascade("all, delete-orphan");

    auto engine = relate::create_engine(url);
    engine.drop_all(library);
    engine.create_all(library);
    {
      relate::Session session(engine, library);
      auto author = session.add(Author{.name = "Ursula K. Le Guin"});
      author->books.add(Book{.title = "A Wizard of Earthsea"});
      author->books.add(Book{.title = "The Dispossessed"});
      session.commit();
    }
    std::size_t authors = 0;
    std::size_t books = 0;
    {
      relate::Session session(engine, library);
      const auto all =
          session.scalars(relate::select<Author>().options(relate::selectinload(&Author::books)))
              .all();
      authors = all.size();
      for (const auto& author : all) {
        for (const auto& book : author->books) {
          std::cout << book->title << " by " << book->author->name << "\n";
          ++books;
        }
      }
    }  // the session ends its transaction before the tables go
    engine.drop_all(library);
    if (authors != 1 || books != 2) {
      std::cerr << "library_app: expected 1 author with 2 books\n";
      return 1;
    }
    std::cout << "library_app: ok on " << engine.dialect().name() << "\n";
    return 0;
  } catch (const relate::Error& e) {
    std::cerr << "library_app: " << e.what() << "\n";
    return 1;
  }
}

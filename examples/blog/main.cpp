// The blog example: users and their posts on SQLite (or RELATE_DATABASE_URL). It
// creates the schema, adds users with posts through their relationships, commits,
// queries them back, navigates both ways, joins, counts per user, updates in bulk,
// upserts, deletes a user, and counts the statements that lazy loading cost.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>
#include <relate/relate.hpp>
#include <string>

struct Post;

struct User {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> email;
  relate::many<Post> posts;
};

struct Post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  relate::one<User> author;
};

namespace {

// Loads every user with their posts through one strategy, touching every post, and
// reports the statements and the time it took.
void compare_strategy(const relate::Engine& engine, const relate::MetaData& blog,
                      const char* strategy, int& statements) {
  relate::Session session(engine, blog);
  statements = 0;
  const auto start = std::chrono::steady_clock::now();
  auto users = session
                   .scalars(relate::select<User>().order_by(&User::id).options(
                       relate::load(&User::posts, strategy)))
                   .all();
  std::size_t posts = 0;
  for (const auto& user : users) posts += user->posts.size();
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  std::cout << "  " << std::left << std::setw(9) << strategy << std::right << std::setw(5)
            << statements << " statements " << std::setw(8) << std::fixed << std::setprecision(1)
            << took.count() << " ms  (" << users.size() << " users, " << posts << " posts)\n";
}

relate::MetaData blog_metadata() {
  return relate::MetaData{}
      .table<User>("users", relate::primary_key(&User::id), relate::unique(&User::email))
      .table<Post>("posts", relate::primary_key(&Post::id),
                   relate::foreign_key(&Post::user_id, &User::id).on_delete(relate::cascade),
                   relate::index(&Post::user_id))
      .relationship(&User::posts, &Post::author)
      .order_by(&Post::id)
      .cascade("all, delete-orphan")
      .passive_deletes();
}

}  // namespace

int main() {
  const std::string url = relate::url_from_env("RELATE_DATABASE_URL", "sqlite:///blog.db");
  try {
    if (url == "sqlite:///blog.db") std::filesystem::remove("blog.db");
    auto engine = relate::create_engine(url);
    int statements = 0;
    engine.add_listener([&statements](const relate::StatementEvent&) { ++statements; });

    const relate::MetaData blog = blog_metadata();
    engine.drop_all(blog);
    engine.create_all(blog);
    std::cout << "Relate blog example on " << engine.url().to_string() << "\n\n";

    {
      relate::Session session(engine, blog);
      auto alice = session.add(User{.name = "Alice", .email = "alice@example.com"});
      alice->posts.add(Post{.title = "Hello, Relate"});
      alice->posts.add(Post{.title = "Relationships in C++"});
      auto bob = session.add(User{.name = "Bob"});
      bob->posts.add(Post{.title = "Bob's first post"});
      session.commit();
      std::cout << "Added 2 users and 3 posts in one commit; Alice has id " << alice->id
                << ", her first post has user_id " << alice->posts[0]->user_id << ".\n\n";
    }

    relate::Session session(engine, blog);
    statements = 0;
    auto users = session.scalars(relate::select<User>().order_by(&User::id)).all();
    std::cout << "Users (1 statement):\n";
    int lazy_before = statements;
    for (const auto& user : users) {
      std::cout << "  " << user->name << " <" << user->email.value_or("no email") << ">\n";
      for (const auto& post : user->posts) {
        std::cout << "    - " << post->title << " (by " << post->author->name << ")\n";
      }
    }
    std::cout << "Lazy loading the posts cost " << statements - lazy_before
              << " statements: one per user (the N+1 of lazy loading); post->author cost none,"
              << " the identity map had each author.\n\n";

    auto post =
        session.scalars(relate::select<Post>().where(relate::col(&Post::title).like("%C++%")))
            .one();
    std::cout << "Found \"" << post->title << "\" by " << post->author->name << ".\n";

    // A join along the relationship, an aggregate per user, and a bulk update.
    auto by_alice = session
                        .scalars(relate::select<Post>()
                                     .join(&Post::author)
                                     .where(relate::col(&User::name) == "Alice")
                                     .order_by(&Post::id))
                        .all();
    std::cout << "Alice's posts, found through a join: " << by_alice.size() << ".\n";
    for (const auto& [name, count] :
         session.execute(relate::select(&User::name, relate::count(&Post::id))
                             .outerjoin(&User::posts)
                             .group_by(&User::id, &User::name)
                             .order_by(&User::id))) {
      std::cout << "  " << name << " wrote " << count << " post(s)\n";
    }
    const std::int64_t renamed = session.execute(
        relate::update<Post>()
            .where(relate::col(&Post::author).has(relate::col(&User::name) == "Bob"))
            .set(&Post::title, relate::upper(&Post::title)));
    std::cout << "Upper-cased the titles of Bob's " << renamed << " post(s) in one UPDATE: \""
              << users[1]->posts[0]->title << "\".\n";

    // An upsert on the unique email, in one statement: Alice's row takes the new name,
    // Carol's is inserted.
    session.execute(relate::upsert(std::vector<User>{
                                       {.name = "Alice Liddell", .email = "alice@example.com"},
                                       {.name = "Carol", .email = "carol@example.com"}})
                        .on_conflict(&User::email)
                        .do_update(&User::name));
    std::cout << "Upserted by email: Alice is now \"" << users[0]->name << "\", and Carol joined ("
              << session.scalar(relate::select(relate::count()).select_from<User>())
              << " users).\n";

    session.remove(users[0]);
    session.commit();

    const auto remaining = session.scalars(relate::select<Post>()).all();
    std::cout << "Deleted " << users[0]->name
              << " and, by the delete cascade, her posts: " << remaining.size()
              << " post(s) remain.\n";
    session.close();

    // The N+1 made visible: the same load through each built-in strategy.
    {
      relate::Session writer(engine, blog);
      for (int u = 1; u <= 500; ++u) {
        auto user = writer.add(User{.name = "reader" + std::to_string(u)});
        for (int p = 1; p <= 10; ++p) {
          user->posts.add(Post{.title = "note " + std::to_string(p)});
        }
      }
      writer.commit();
    }
    const std::int64_t user_count = relate::Session(engine, blog)
                                        .scalar(relate::select(relate::count()).select_from<User>());
    std::cout << "\nLoading " << user_count << " users and their posts, strategy by strategy:\n";
    for (const char* strategy : {"lazy", "joined", "selectin"}) {
      compare_strategy(engine, blog, strategy, statements);
    }
    return 0;
  } catch (const relate::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

// A custom loader strategy in use: "sibling_batch" (sibling_batch_loader.cpp) is
// registered at run time and chosen by name in a query. Looping over the users and
// reading each one's posts costs one statement in all, where "lazy" costs one per user.
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <relate/relate.hpp>
#include <string>

#include "sibling_batch_loader.hpp"

struct Post;

struct User {
  std::int64_t id = 0;
  std::string name;
  relate::many<Post> posts;
};

struct Post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  relate::one<User> author;
};

int main() {
  const std::string url = relate::url_from_env("RELATE_DATABASE_URL", "sqlite:///custom_loader.db");
  try {
    if (url == "sqlite:///custom_loader.db") std::filesystem::remove("custom_loader.db");
    relate::register_loader_strategy(relate_examples::make_sibling_batch_loader());

    const relate::MetaData md = relate::MetaData{}
                                    .table<User>("users", relate::primary_key(&User::id))
                                    .table<Post>("posts", relate::primary_key(&Post::id),
                                                 relate::foreign_key(&Post::user_id, &User::id))
                                    .relationship(&User::posts, &Post::author)
                                    .order_by(&Post::id);
    auto engine = relate::create_engine(url);
    engine.drop_all(md);
    engine.create_all(md);
    {
      relate::Session session(engine, md);
      for (int u = 1; u <= 20; ++u) {
        auto user = session.add(User{.name = "user" + std::to_string(u)});
        for (int p = 1; p <= 3; ++p) user->posts.add(Post{.title = "post " + std::to_string(p)});
      }
      session.commit();
    }
    int statements = 0;
    engine.add_listener([&statements](const relate::StatementEvent&) { ++statements; });

    for (const char* strategy : {"lazy", "sibling_batch"}) {
      relate::Session session(engine, md);
      statements = 0;
      auto users = session
                       .scalars(relate::select<User>().order_by(&User::id).options(
                           relate::load(&User::posts, strategy)))
                       .all();
      std::size_t posts = 0;
      for (const auto& user : users) posts += user->posts.size();
      std::cout << strategy << ": " << users.size() << " users, " << posts << " posts, "
                << statements << " statements\n";
    }
    return 0;
  } catch (const relate::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

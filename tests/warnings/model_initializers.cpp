// An application's models, written as README's "Models and -Wextra" says, compile
// without a warning under -Wall -Wextra -Wpedantic -Werror, optimised, although its
// designated initializers leave out relationship members. Built by the CTest test
// warnings.ModelsWithMemberInitializersCompileCleanUnderWextra. With
// RELATE_TEST_WITHOUT_MEMBER_INITIALIZERS the members lose their initializers and GCC
// must warn (warnings.ModelsWithoutMemberInitializersWarn): the test can fail.
#include <cstdint>
#include <optional>
#include <relate/relate.hpp>
#include <string>

#ifdef RELATE_TEST_WITHOUT_MEMBER_INITIALIZERS
#define RELATE_TEST_INIT
#else
#define RELATE_TEST_INIT = {}
#endif

struct Post;

struct User {
  std::int64_t id = 0;
  std::string name RELATE_TEST_INIT;
  std::optional<std::string> email RELATE_TEST_INIT;
  relate::many<Post> posts RELATE_TEST_INIT;
};

struct Post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title RELATE_TEST_INIT;
  relate::one<User> author RELATE_TEST_INIT;
};

int main(int argc, char** argv) {
  // Every kind of declaration and query the application's templates instantiate.
  const relate::MetaData blog =
      relate::MetaData{}
          .table<User>("users", relate::primary_key(&User::id), relate::unique(&User::email),
                       relate::index(&User::name), relate::column(&User::name).nullable(false))
          .table<Post>("posts", relate::primary_key(&Post::id),
                       relate::foreign_key(&Post::user_id, &User::id).on_delete(relate::cascade))
          .relationship(&User::posts, &Post::author)
          .cascade("all, delete-orphan")
          .order_by(&Post::id)
          .lazy("selectin");
  auto engine = relate::create_engine(argc > 1 ? argv[1] : "sqlite://:memory:");
  engine.create_all(blog);
  relate::Session session(engine, blog);
  auto alice = session.add(User{.name = "Alice"});
  alice->posts.add(Post{.title = "Hello"});
  alice->posts.push_back(relate::make(Post{.title = "Again", .author = {}}));
  session.add(User{.id = 7, .name = "Bob", .posts = {Post{.title = "Bob's"}}});
  session.commit();
  const auto found = session.get<User>(1);
  const auto same = session.get<User>(alice->id);
  const auto users = session
                         .scalars(relate::select<User>()
                                      .where(relate::col(&User::name) == "Alice" &&
                                             relate::col(&User::email).is_null())
                                      .order_by(relate::desc(&User::id))
                                      .limit(10)
                                      .options(relate::joinedload(&User::posts)))
                         .all();
  return found == same && users.size() == 1 ? 0 : 1;
}

// Compile-cost benchmark: one translation unit as an application writes it from the
// docs. Ten models, eleven relationships of every kind, mapped on a MetaData, and three
// queries run on a Session. bench/compile/measure.sh times its compilation (wall time
// and peak memory of the compiler); it also runs, on a temporary SQLite database.
//
// Variants, for measuring what each part costs (same file, so they stay in step):
//   -DRELATE_BENCH_NO_QUERIES    maps everything and writes objects, runs no query
//   -DRELATE_BENCH_MAPPING_ONLY  the mapping and create_all alone: no object, no query
//   -DRELATE_BENCH_HALF_MODELS   five models and their five relationships
//
// Relationships (kind: members):
//    1 one-to-many, back_populates:  User::posts        <-> Post::author
//    2 one-to-one:                   User::profile      <-> Profile::user
//    3 one-to-many, back_populates:  Post::comments     <-> Comment::post
//    4 many-to-one, one side:        Comment::author     -> User
//    5 many-to-many (association):   Post::tags         <-> Tag::posts       (post_tags)
//    6 self-referential:             Category::children <-> Category::parent
//    7 many-to-one with backref:     Post::category      -> Category (Category::posts)
//    8 one-to-many, back_populates:  Post::attachments  <-> Attachment::post
//    9 one-to-many, back_populates:  Post::reactions    <-> Reaction::post
//   10 many-to-one, one side:        AuditEntry::user    -> User
//   11 one-to-many, back_populates:  Series::posts      <-> Post::series
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <relate/relate.hpp>
#include <string>

#ifndef RELATE_BENCH_HALF_MODELS
#define RELATE_BENCH_ALL_MODELS 1
#else
#define RELATE_BENCH_ALL_MODELS 0
#endif

using Clock = std::chrono::system_clock;

enum class ReactionKind : std::int16_t { like, laugh, angry };

struct Post;
struct Comment;
struct Profile;
struct Tag;
struct Category;
struct Attachment;
struct Reaction;
struct Series;

struct User {
  std::int64_t id = 0;
  std::string name{};
  std::optional<std::string> email{};
  bool active = true;
  Clock::time_point created_at{};
  relate::many<Post> posts{};
  relate::one<Profile> profile{};
};

struct Profile {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id{};
  std::string bio{};
  std::optional<std::string> website{};
  relate::one<User> user{};
};

struct Post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title{};
  std::string body{};
  bool published = false;
  Clock::time_point created_at{};
  std::int32_t views = 0;
#if RELATE_BENCH_ALL_MODELS
  std::optional<std::int64_t> category_id{};
  std::optional<std::int64_t> series_id{};
#endif
  relate::one<User> author{};
  relate::many<Comment> comments{};
  relate::many<Tag> tags{};
#if RELATE_BENCH_ALL_MODELS
  relate::one<Category> category{};
  relate::many<Attachment> attachments{};
  relate::many<Reaction> reactions{};
  relate::one<Series> series{};
#endif
};

struct Comment {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::int64_t user_id = 0;
  std::string body{};
  Clock::time_point created_at{};
  relate::one<Post> post{};
  relate::one<User> author{};
};

struct Tag {
  std::int64_t id = 0;
  std::string name{};
  relate::many<Post> posts{};
};

#if RELATE_BENCH_ALL_MODELS
struct Category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id{};
  std::string name{};
  std::string slug{};
  relate::one<Category> parent{};
  relate::many<Category> children{};
  relate::many<Post> posts{};
};

struct Attachment {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::string filename{};
  std::string mime_type{};
  std::int64_t size = 0;
  relate::Blob data{};
  relate::one<Post> post{};
};

struct Reaction {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::int64_t user_id = 0;
  ReactionKind kind = ReactionKind::like;
  relate::one<Post> post{};
};

struct AuditEntry {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id{};
  std::string action{};
  std::optional<std::string> detail{};
  double duration_ms = 0;
  Clock::time_point at{};
  relate::one<User> user{};
};

struct Series {
  std::int64_t id = 0;
  std::string title{};
  std::optional<std::string> description{};
  relate::many<Post> posts{};
};
#endif

relate::MetaData blog_metadata() {
  using namespace relate;
  return MetaData{}
      .table<User>("users", primary_key(&User::id), unique(&User::email))
      .table<Profile>("profiles", primary_key(&Profile::id), unique(&Profile::user_id),
                      foreign_key(&Profile::user_id, &User::id).on_delete(cascade))
#if RELATE_BENCH_ALL_MODELS
      .table<Category>("categories", primary_key(&Category::id), unique(&Category::slug),
                       foreign_key(&Category::parent_id, &Category::id))
      .table<Series>("series", primary_key(&Series::id))
#endif
      .table<Post>("posts", primary_key(&Post::id),
                   foreign_key(&Post::user_id, &User::id).on_delete(cascade),
#if RELATE_BENCH_ALL_MODELS
                   foreign_key(&Post::category_id, &Category::id),
                   foreign_key(&Post::series_id, &Series::id),
#endif
                   index(&Post::user_id), column(&Post::published).default_(false))
      .table<Comment>("comments", primary_key(&Comment::id),
                      foreign_key(&Comment::post_id, &Post::id).on_delete(cascade),
                      foreign_key(&Comment::user_id, &User::id), index(&Comment::post_id))
      .table<Tag>("tags", primary_key(&Tag::id), unique(&Tag::name))
#if RELATE_BENCH_ALL_MODELS
      .table<Attachment>("attachments", primary_key(&Attachment::id),
                         foreign_key(&Attachment::post_id, &Post::id).on_delete(cascade))
      .table<Reaction>("reactions", primary_key(&Reaction::id),
                       foreign_key(&Reaction::post_id, &Post::id).on_delete(cascade),
                       foreign_key(&Reaction::user_id, &User::id))
      .table<AuditEntry>("audit_log", primary_key(&AuditEntry::id),
                         foreign_key(&AuditEntry::user_id, &User::id))
#endif
      // 1, 2: one-to-many and one-to-one, both sides.
      .relationship(&User::posts, &Post::author)
      .order_by(&Post::id)
      .cascade("all, delete-orphan")
      .relationship(&User::profile, &Profile::user)
      .cascade("all, delete-orphan")
      // 3, 4: comments belong to a post and have an author (one side only).
      .relationship(&Post::comments, &Comment::post)
      .order_by(&Comment::created_at)
      .cascade("all, delete-orphan")
      .relationship(&Comment::author)
      // 5: many-to-many through a generated association table.
      .relationship(&Post::tags, &Tag::posts)
      .secondary("post_tags")
      .order_by(&Tag::name)
#if RELATE_BENCH_ALL_MODELS
      // 6: a self-referential tree.
      .relationship(&Category::children, &Category::parent)
      .order_by(&Category::name)
      // 7: many-to-one declared from the child, with a backref.
      .relationship(&Post::category)
      .backref(&Category::posts)
      // 8, 9: more one-to-many.
      .relationship(&Post::attachments, &Attachment::post)
      .cascade("all, delete-orphan")
      .relationship(&Post::reactions, &Reaction::post)
      .cascade("all, delete-orphan")
      .passive_deletes()
      // 10: many-to-one, one side.
      .relationship(&AuditEntry::user)
      // 11: one-to-many.
      .relationship(&Series::posts, &Post::series)
      .order_by(&Post::created_at)
#endif
      ;
}

namespace {

int failures = 0;

[[maybe_unused]] void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  auto engine = relate::create_engine("sqlite://:memory:");
  const relate::MetaData blog = blog_metadata();
  engine.create_all(blog);
#ifndef RELATE_BENCH_MAPPING_ONLY

  {
    relate::Session session(engine, blog);
    auto alice = session.add(User{.name = "Alice", .email = "alice@example.com"});
    auto bob = session.add(User{.name = "Bob"});
    alice->profile = session.add(Profile{.bio = "Writes about C++"});
    auto cpp = session.add(Tag{.name = "c++"});
    auto orm = session.add(Tag{.name = "orm"});
    auto hello = alice->posts.add(Post{.title = "Hello, Relate", .published = true});
    auto draft = alice->posts.add(Post{.title = "Relationships in C++"});
    bob->posts.add(Post{.title = "Bob's first post", .published = true});
    hello->tags.push_back(cpp);
    hello->tags.push_back(orm);
    draft->tags.push_back(cpp);
    auto comment = hello->comments.add(Comment{.body = "Nice!"});
    comment->author = bob;
#if RELATE_BENCH_ALL_MODELS
    auto software = session.add(Category{.name = "Software", .slug = "software"});
    auto databases = software->children.add(Category{.name = "Databases", .slug = "db"});
    hello->category = databases;
    auto intro = session.add(Series{.title = "Intro"});
    intro->posts.push_back(hello);
    hello->attachments.add(Attachment{.filename = "diagram.png", .mime_type = "image/png"});
    session.add(AuditEntry{.action = "seed"})->user = alice;
#endif
    session.commit();
#if RELATE_BENCH_ALL_MODELS
    // Reaction::user_id has a foreign key and no relationship: set once Bob has an id.
    hello->reactions.add(Reaction{.user_id = bob->id, .kind = ReactionKind::like});
    session.commit();
#endif
#if RELATE_BENCH_ALL_MODELS
    check(hello->reactions[0]->post_id == hello->id, "reaction's foreign key");
    check(databases->parent_id == software->id, "category tree");
#endif
    check(comment->user_id == bob->id && comment->post_id == hello->id, "comment's keys");
  }

#if !defined(RELATE_BENCH_NO_QUERIES)
  relate::Session session(engine, blog);
  using relate::col;

  // 1: a filtered query.
  auto published =
      session
          .scalars(relate::select<Post>()
                       .where(col(&Post::published) == true && col(&Post::title).like("%Relate%"))
                       .order_by(&Post::id))
          .all();
  check(published.size() == 1 && published[0]->title == "Hello, Relate", "filtered query");

  // 2: a join along two relationships.
  auto on_alices_posts = session
                             .scalars(relate::select<Comment>()
                                          .join(&Comment::post)
                                          .join(&Post::author)
                                          .where(col(&User::name) == "Alice"))
                             .all();
  check(on_alices_posts.size() == 1 && on_alices_posts[0]->author->name == "Bob", "join");

  // 3: selectin loading of a collection and, from it, a many-to-many.
  auto users = session
                   .scalars(relate::select<User>().order_by(&User::id).options(
                       relate::selectinload(&User::posts).selectinload(&Post::tags)))
                   .all();
  check(users.size() == 2 && users[0]->posts.size() == 2 && users[0]->posts[0]->tags.size() == 2,
        "selectin query");
#endif  // RELATE_BENCH_NO_QUERIES
#endif  // RELATE_BENCH_MAPPING_ONLY

  if (failures == 0) std::puts("blog_models: ok");
  return failures == 0 ? 0 : 1;
}

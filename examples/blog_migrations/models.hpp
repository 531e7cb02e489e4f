// The blog's models, as they are now. Each change to them has a migration in
// migrations/, written by `revision --autogenerate` from the difference between these
// models and a database at the migration before.
#pragma once

#include <cstdint>
#include <optional>
#include <relate/relate.hpp>
#include <string>

namespace blog {

struct Comment;
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
  std::string subtitle;
  std::string content;
  relate::one<User> author;
  relate::many<Comment> comments;
};

struct Comment {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::string body;
  relate::one<Post> post;
};

inline relate::MetaData metadata() {
  return relate::MetaData{}
      .table<User>("users", relate::primary_key(&User::id), relate::unique(&User::name))
      .table<Post>("posts", relate::primary_key(&Post::id),
                   relate::foreign_key(&Post::user_id, &User::id).on_delete(relate::cascade),
                   relate::index(&Post::title))
      .table<Comment>("comments", relate::primary_key(&Comment::id),
                      relate::foreign_key(&Comment::post_id, &Post::id).on_delete(relate::cascade))
      .relationship(&User::posts, &Post::author)
      .relationship(&Post::comments, &Comment::post)
      .passive_deletes();
}

}  // namespace blog

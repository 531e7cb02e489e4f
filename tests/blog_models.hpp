// The blog of the loader strategy specifications: User, Post, Tag and Profile with
// every relationship kind (one-to-many, many-to-one, one-to-one, many-to-many), data
// seeded by a formula in one raw transaction (fast enough for thousands of rows), the
// rendering of what a query loaded, and the rendering the formula says it must be.
//
// The formula, for `users` users and `posts_per_user` posts each:
//   user i (1..users):  name "user<i>"; a profile when i % 3 != 0, with id users+1-i
//                       (so profile ids differ from user ids) and bio "bio<i>";
//   post j of user i:   id j*users + i (a user's posts are interleaved with the
//                       others'), title "post<i>.<j>";
//   tags:               ids 1..5, name "tag<k>"; post p has the tags k with
//                       (p + k) % 3 == 0, none when p % 4 == 0, written to post_tags
//                       with the highest tag first (so only ORDER BY sorts them).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <relate/orm/loader.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace blog_test {

struct Post;
struct Tag;
struct Profile;

struct User {
  std::int64_t id = 0;
  std::string name;
  relate::many<Post> posts;
  relate::one<Profile> profile;
};

struct Post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  relate::one<User> author;
  relate::many<Tag> tags;
};

struct Tag {
  std::int64_t id = 0;
  std::string name;
  relate::many<Post> posts;
};

struct Profile {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string bio;
  relate::one<User> user;
};

// Default loader strategies of the mapping (relationship(...).lazy(...)); unset means
// the relationship keeps Relate's default, "lazy".
struct BlogDefaults {
  std::optional<std::string> posts;
  std::optional<std::string> profile;
  std::optional<std::string> tags;
};

inline relate::MetaData blog_metadata(const BlogDefaults& defaults = {}) {
  relate::MetaData md;
  md.table<User>("users", relate::primary_key(&User::id))
      .table<Profile>("profiles", relate::primary_key(&Profile::id),
                      relate::unique(&Profile::user_id),
                      relate::foreign_key(&Profile::user_id, &User::id))
      .table<Post>("posts", relate::primary_key(&Post::id),
                   relate::foreign_key(&Post::user_id, &User::id))
      .table<Tag>("tags", relate::primary_key(&Tag::id));
  auto posts = md.relationship(&User::posts, &Post::author).order_by(&Post::id);
  if (defaults.posts) posts.lazy(*defaults.posts);
  auto profile = md.relationship(&User::profile, &Profile::user);
  if (defaults.profile) profile.lazy(*defaults.profile);
  auto tags = md.relationship(&Post::tags, &Tag::posts).secondary("post_tags").order_by(&Tag::id);
  if (defaults.tags) tags.lazy(*defaults.tags);
  return md;
}

// ---- The data ----

struct BlogShape {
  std::int64_t users = 3;
  std::int64_t posts_per_user = 2;
};

inline constexpr std::int64_t tag_count = 5;

inline std::int64_t post_id(const BlogShape& s, std::int64_t user, std::int64_t j) {
  return j * s.users + user;
}
inline bool has_profile(std::int64_t user) { return user % 3 != 0; }
inline std::int64_t profile_id(const BlogShape& s, std::int64_t user) { return s.users + 1 - user; }
// Ascending.
inline std::vector<std::int64_t> tags_of(std::int64_t post) {
  std::vector<std::int64_t> out;
  if (post % 4 == 0) return out;
  for (std::int64_t k = 1; k <= tag_count; ++k) {
    if ((post + k) % 3 == 0) out.push_back(k);
  }
  return out;
}

inline std::string seed_sql(const BlogShape& s) {
  std::string sql = "BEGIN;";
  const auto n = [](std::int64_t v) { return std::to_string(v); };
  for (std::int64_t i = 1; i <= s.users; ++i) {
    sql += "INSERT INTO users (id, name) VALUES (" + n(i) + ", 'user" + n(i) + "');";
  }
  for (std::int64_t i = 1; i <= s.users; ++i) {
    if (!has_profile(i)) continue;
    sql += "INSERT INTO profiles (id, user_id, bio) VALUES (" + n(profile_id(s, i)) + ", " + n(i) +
           ", 'bio" + n(i) + "');";
  }
  for (std::int64_t k = 1; k <= tag_count; ++k) {
    sql += "INSERT INTO tags (id, name) VALUES (" + n(k) + ", 'tag" + n(k) + "');";
  }
  for (std::int64_t i = 1; i <= s.users; ++i) {
    for (std::int64_t j = 0; j < s.posts_per_user; ++j) {
      const std::int64_t p = post_id(s, i, j);
      sql += "INSERT INTO posts (id, user_id, title) VALUES (" + n(p) + ", " + n(i) + ", 'post" +
             n(i) + "." + n(j) + "');";
      const auto tags = tags_of(p);
      for (auto k = tags.rbegin(); k != tags.rend(); ++k) {
        sql += "INSERT INTO post_tags (post_id, tag_id) VALUES (" + n(p) + ", " + n(*k) + ");";
      }
    }
  }
  return sql + "COMMIT;";
}

// ---- What was loaded, as text ----

inline std::string render_post(const Post& post) {
  std::string out = "  post " + std::to_string(post.id) + " " + post.title + " by ";
  out += post.author ? std::to_string(post.author->id) : std::string("nobody");
  out += " tags";
  for (const auto& tag : post.tags) out += " " + std::to_string(tag->id) + ":" + tag->name;
  return out + "\n";
}

// Reads every relationship of every user (loading what is not loaded yet).
inline std::string render(const std::vector<relate::ptr<User>>& users) {
  std::string out;
  for (const auto& user : users) {
    out += "user " + std::to_string(user->id) + " " + user->name;
    if (const auto profile = user->profile.get()) {
      out += " profile " + std::to_string(profile->id) + " " + profile->bio;
    } else {
      out += " no profile";
    }
    out += "\n";
    for (const auto& post : user->posts) out += render_post(*post);
  }
  return out;
}

// What render() must print for these users, by the formula.
inline std::string expected_render(const BlogShape& s, const std::vector<std::int64_t>& users) {
  std::string out;
  for (const std::int64_t i : users) {
    out += "user " + std::to_string(i) + " user" + std::to_string(i);
    if (has_profile(i)) {
      out += " profile " + std::to_string(profile_id(s, i)) + " bio" + std::to_string(i);
    } else {
      out += " no profile";
    }
    out += "\n";
    for (std::int64_t j = 0; j < s.posts_per_user; ++j) {
      const std::int64_t p = post_id(s, i, j);
      out += "  post " + std::to_string(p) + " post" + std::to_string(i) + "." + std::to_string(j) +
             " by " + std::to_string(i) + " tags";
      for (const std::int64_t k : tags_of(p)) {
        out += " " + std::to_string(k) + ":tag" + std::to_string(k);
      }
      out += "\n";
    }
  }
  return out;
}

inline std::vector<std::int64_t> user_ids(std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> out;
  if (from <= to) {
    for (std::int64_t i = from; i <= to; ++i) out.push_back(i);
  } else {
    for (std::int64_t i = from; i >= to; --i) out.push_back(i);
  }
  return out;
}

inline std::size_t batches(std::int64_t keys, std::int64_t batch_size = 500) {
  return static_cast<std::size_t>((keys + batch_size - 1) / batch_size);
}

// The bound parameters of a statement (SQLite's placeholder is '?').
inline std::size_t placeholders(const std::string& sql) {
  return static_cast<std::size_t>(std::count(sql.begin(), sql.end(), '?'));
}

// ---- The fixture ----

class BlogTest : public relate_test::DatabaseFixture {
 protected:
  explicit BlogTest(const std::string& backend) : DatabaseFixture(backend) {}

  // Creates the blog's tables, seeds them and forgets the statements.
  relate::MetaData blog(const BlogShape& shape, const BlogDefaults& defaults = {}) {
    relate::MetaData md = create(blog_metadata(defaults));
    exec_raw(seed_sql(shape));
    clear();
    return md;
  }
};

}  // namespace blog_test

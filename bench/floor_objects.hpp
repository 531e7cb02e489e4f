// The in-memory objects the hand-written floors (raw-sqlite-bench, raw-postgres-bench,
// raw-mysql-bench) load rows into: plain structs, as a program without an ORM keeps
// them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace blog_bench::floor {

struct Post {
  std::int64_t id;
  std::int64_t user_id;
  std::string title;
  std::string body;
};

struct User {
  std::int64_t id;
  std::string name;
  std::vector<Post> posts;
};

struct Tag {
  std::int64_t id;
  std::string name;
};

struct TaggedPost {
  std::int64_t id;
  std::int64_t user_id;
  std::string title;
  std::string body;
  std::vector<const Tag*> tags;  // into the identity map: one Tag per id
};

}  // namespace blog_bench::floor

// The blog's migrations as a program: its command line is relate::migrate::main's.
//
//   relate_blog_migrations --url sqlite:///blog.db upgrade
//   relate_blog_migrations --url sqlite:///blog.db check
//   relate_blog_migrations --url sqlite:///blog.db revision -m "..." --autogenerate
#include <relate/migrate/command.hpp>

#include "models.hpp"

relate::migrate::Migrations all_migrations();

int main(int argc, char** argv) {
  return relate::migrate::main(argc, argv, blog::metadata(), all_migrations());
}

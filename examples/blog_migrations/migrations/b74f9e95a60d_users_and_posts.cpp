// users and posts
//
// Revision b74f9e95a60d, after none (the first). Written by `revision` on 2026-12-05:
// review it before it runs against a database that matters.
#include <relate/migrate/migration.hpp>

relate::migrate::Migration migration_b74f9e95a60d() {
  relate::migrate::Migration m;
  m.id = "b74f9e95a60d";
  m.parent = "";
  m.message = "users and posts";
  m.upgrade = [](relate::migrate::Operations& op) {
    op.create_table(
        {.name = "users",
         .columns =
             {
                 {.name = "id",
                  .column_type = relate::ColumnType::big_integer,
                  .nullable = false,
                  .autoincrement = true},
                 {.name = "name", .column_type = relate::ColumnType::text, .nullable = false},
                 {.name = "email", .column_type = relate::ColumnType::text},
                 {.name = "nickname", .column_type = relate::ColumnType::text},
             },
         .primary_key = {.columns = {"id"}},
         .unique_constraints = {
             {.name = "uq_users_name", .columns = {"name"}},
         }});
    op.create_table(
        {.name = "posts",
         .columns =
             {
                 {.name = "id",
                  .column_type = relate::ColumnType::big_integer,
                  .nullable = false,
                  .autoincrement = true},
                 {.name = "user_id",
                  .column_type = relate::ColumnType::big_integer,
                  .nullable = false},
                 {.name = "title", .column_type = relate::ColumnType::text, .nullable = false},
                 {.name = "body", .column_type = relate::ColumnType::text, .nullable = false},
             },
         .primary_key = {.columns = {"id"}},
         .foreign_keys =
             {
                 {.name = "fk_posts_user_id",
                  .columns = {"user_id"},
                  .referred_table = "users",
                  .referred_columns = {"id"},
                  .on_delete = relate::cascade},
             },
         .indexes = {
             {.name = "ix_posts_title", .columns = {"title"}},
         }});
  };
  m.downgrade = [](relate::migrate::Operations& op) {
    op.drop_table("posts");
    op.drop_table("users");
  };
  return m;
}

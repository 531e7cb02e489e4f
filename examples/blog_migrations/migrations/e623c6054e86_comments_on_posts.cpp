// comments on posts
//
// Revision e623c6054e86, after 408e3cc5c9f3. Written by `revision` on 2026-12-05:
// review it before it runs against a database that matters.
#include <relate/migrate/migration.hpp>

relate::migrate::Migration migration_e623c6054e86() {
  relate::migrate::Migration m;
  m.id = "e623c6054e86";
  m.parent = "408e3cc5c9f3";
  m.message = "comments on posts";
  m.upgrade = [](relate::migrate::Operations& op) {
    op.create_table(
        {.name = "comments",
         .columns =
             {
                 {.name = "id",
                  .column_type = relate::ColumnType::big_integer,
                  .nullable = false,
                  .autoincrement = true},
                 {.name = "post_id",
                  .column_type = relate::ColumnType::big_integer,
                  .nullable = false},
                 {.name = "body", .column_type = relate::ColumnType::text, .nullable = false},
             },
         .primary_key = {.columns = {"id"}},
         .foreign_keys = {
             {.name = "fk_comments_post_id",
              .columns = {"post_id"},
              .referred_table = "posts",
              .referred_columns = {"id"},
              .on_delete = relate::cascade},
         }});
  };
  m.downgrade = [](relate::migrate::Operations& op) { op.drop_table("comments"); };
  return m;
}

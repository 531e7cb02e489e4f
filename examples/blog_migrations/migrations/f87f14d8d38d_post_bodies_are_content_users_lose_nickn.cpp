// post bodies are content; users lose nicknames
//
// Revision f87f14d8d38d, after 833024385aca. Written by `revision` on 2026-12-05:
// review it before it runs against a database that matters.
//
// NOTE: table posts: column(s) body dropped and content added; if a column was renamed, write
// rename_column instead, or its rows are lost
//
// Edited by hand, as the note says: body was renamed content, and its rows stay.
#include <relate/migrate/migration.hpp>

relate::migrate::Migration migration_f87f14d8d38d() {
  relate::migrate::Migration m;
  m.id = "f87f14d8d38d";
  m.parent = "833024385aca";
  m.message = "post bodies are content; users lose nicknames";
  m.upgrade = [](relate::migrate::Operations& op) {
    op.rename_column("posts", "body", "content");
    op.drop_column("users", "nickname");
  };
  m.downgrade = [](relate::migrate::Operations& op) {
    op.add_column("users", {.name = "nickname", .column_type = relate::ColumnType::text});
    op.rename_column("posts", "content", "body");
  };
  return m;
}

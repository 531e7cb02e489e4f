// posts have a subtitle
//
// Revision 408e3cc5c9f3, after b74f9e95a60d. Written by `revision` on 2026-12-05:
// review it before it runs against a database that matters.
#include <relate/migrate/migration.hpp>

relate::migrate::Migration migration_408e3cc5c9f3() {
  relate::migrate::Migration m;
  m.id = "408e3cc5c9f3";
  m.parent = "b74f9e95a60d";
  m.message = "posts have a subtitle";
  m.upgrade = [](relate::migrate::Operations& op) {
    op.add_column("posts", {.name = "subtitle", .column_type = relate::ColumnType::text});
  };
  m.downgrade = [](relate::migrate::Operations& op) { op.drop_column("posts", "subtitle"); };
  return m;
}

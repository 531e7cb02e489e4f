// every post has a subtitle
//
// Revision 833024385aca, after e623c6054e86. Written by `revision` on 2026-12-05:
// review it before it runs against a database that matters.
//
// Edited by hand: posts written before this migration have no subtitle, and NOT NULL
// would refuse them. A data migration gives each its title first.
#include <relate/migrate/migration.hpp>

relate::migrate::Migration migration_833024385aca() {
  relate::migrate::Migration m;
  m.id = "833024385aca";
  m.parent = "e623c6054e86";
  m.message = "every post has a subtitle";
  m.upgrade = [](relate::migrate::Operations& op) {
    op.execute("UPDATE posts SET subtitle = title WHERE subtitle IS NULL");
    op.alter_column("posts", "subtitle", {.nullable = false});
  };
  m.downgrade = [](relate::migrate::Operations& op) {
    op.alter_column("posts", "subtitle", {.nullable = true});
  };
  return m;
}

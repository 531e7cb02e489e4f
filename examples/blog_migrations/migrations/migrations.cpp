// Every migration of this directory, written by `revision` (which rewrites this file
// each time it adds one).
#include <relate/migrate/migration.hpp>
#include <vector>

relate::migrate::Migration migration_b74f9e95a60d();
relate::migrate::Migration migration_408e3cc5c9f3();
relate::migrate::Migration migration_e623c6054e86();
relate::migrate::Migration migration_833024385aca();
relate::migrate::Migration migration_f87f14d8d38d();

relate::migrate::Migrations all_migrations() {
  return relate::migrate::Migrations(std::vector<relate::migrate::Migration>{
      migration_b74f9e95a60d(), migration_408e3cc5c9f3(), migration_e623c6054e86(),
      migration_833024385aca(), migration_f87f14d8d38d()});
}

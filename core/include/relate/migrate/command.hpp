// The command line of an application's migrations, embedded in one line of its own
// program (Alembic's `alembic` command):
//
//   int main(int argc, char** argv) {
//     return relate::migrate::main(argc, argv, blog_metadata(), all_migrations());
//   }
//
// which gives
//
//   PROGRAM [--url URL] upgrade [TARGET]     to TARGET: head (default), an id, +N
//   PROGRAM [--url URL] downgrade TARGET     back to TARGET: base, an id, -N
//   PROGRAM [--url URL] current              the revision the database is at
//   PROGRAM [--url URL] history              the migrations, the database's marked
//   PROGRAM [--url URL] check                exit 1 where the database is behind the
//                                            migrations or differs from the models
//   PROGRAM [--url URL] stamp REVISION       record REVISION without running anything
//   PROGRAM [--url URL] revision -m MESSAGE [--autogenerate] [--dir DIR]
//   PROGRAM [--url URL] sql upgrade|downgrade [FROM:]TO
//
// The URL is --url, else the environment's RELATE_DATABASE_URL. `revision` writes the
// next migration's source to DIR (default "migrations") as <id>_<message>.cpp, its
// operations the diff of the models and the database (which must be at the last
// migration) with --autogenerate, and rewrites DIR/migrations.cpp, which defines
// `relate::migrate::Migrations all_migrations()` over every migration there: the
// application builds that directory's sources. `sql` prints what upgrade or downgrade
// would run, in the URL's dialect, without connecting.
//
// Exit status: 0 done, 1 a difference found by check or a command that failed (the
// reason on stderr), 2 a command line that is not one of these.
#pragma once

#include <iosfwd>
#include <relate/export.hpp>
#include <relate/migrate/migration.hpp>

namespace relate {
class MetaData;
}  // namespace relate

namespace relate::migrate {

RELATE_API int main(int argc, char** argv, const MetaData& metadata, const Migrations& migrations);
// The same, writing to `out` and `err`.
RELATE_API int main(int argc, char** argv, const MetaData& metadata, const Migrations& migrations,
                    std::ostream& out, std::ostream& err);

}  // namespace relate::migrate

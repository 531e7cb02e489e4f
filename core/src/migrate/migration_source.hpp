// The C++ source of a migration, as `revision` writes it: a function returning the
// Migration, its upgrade and downgrade each a list of operations written as data
// (op.run(relate::migrate::AddColumn{...})), the diff's notes as comments above them.
#pragma once

#include <relate/migrate/operations.hpp>
#include <string>
#include <vector>

namespace relate::migrate {

struct MigrationSource {
  std::string id;
  std::string parent;
  std::string message;
  std::string created;  // a date, for the comment at the top
  std::vector<Operation> upgrade;
  std::vector<Operation> downgrade;
  std::vector<std::string> notes;
};

// The name of the function the source defines: migration_<id>.
std::string migration_function(const std::string& id);

std::string migration_source(const MigrationSource& source);

// The source of the file that lists every migration (migrations.cpp): a function
// `relate::migrate::Migrations <function>()` calling each migration's function.
std::string migrations_list_source(const std::string& function,
                                   const std::vector<std::string>& ids);

// The C++ string literal of `text`.
std::string cpp_string(const std::string& text);

}  // namespace relate::migrate

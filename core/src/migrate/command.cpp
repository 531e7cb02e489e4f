#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <relate/engine/engine.hpp>
#include <relate/metadata.hpp>
#include <relate/migrate/command.hpp>
#include <relate/migrate/diff.hpp>
#include <relate/migrate/reflection.hpp>
#include <relate/migrate/runner.hpp>
#include <set>
#include <sstream>

#include "migration_source.hpp"

namespace relate::migrate {

namespace {

// A command line that is not one of the commands: exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr const char* kUsage =
    "usage: PROGRAM [--url URL] COMMAND\n"
    "  upgrade [TARGET]          run upgrades to TARGET: head (default), an id, +N\n"
    "  downgrade TARGET          run downgrades back to TARGET: base, an id, -N\n"
    "  current                   the revision the database is at\n"
    "  history                   the migrations, first to last\n"
    "  check                     exit 1 where the database is behind or differs from the models\n"
    "  stamp REVISION            record REVISION (base, head, an id) without running anything\n"
    "  revision -m MESSAGE [--autogenerate] [--dir DIR]\n"
    "                            write the next migration's source (DIR: migrations)\n"
    "  sql upgrade|downgrade [FROM:]TO\n"
    "                            print the SQL, in the URL's dialect, without connecting\n"
    "The URL is --url, else RELATE_DATABASE_URL.\n";

struct CommandLine {
  std::string url;
  std::string command;
  std::vector<std::string> args;
  std::string message;
  bool autogenerate = false;
  std::string dir = "migrations";
};

CommandLine parse(int argc, char** argv) {
  CommandLine line;
  const auto value = [&](int& i, const std::string& option) {
    if (i + 1 >= argc) throw UsageError(option + " needs a value");
    return std::string(argv[++i]);
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--url") {
      line.url = value(i, arg);
    } else if (arg == "-m" || arg == "--message") {
      line.message = value(i, arg);
    } else if (arg == "--autogenerate") {
      line.autogenerate = true;
    } else if (arg == "--dir") {
      line.dir = value(i, arg);
    } else if (arg == "-h" || arg == "--help") {
      line.command = "help";
    } else if (arg.size() > 1 && arg[0] == '-' && arg[1] == '-') {
      throw UsageError("unknown option " + arg);
    } else if (line.command.empty()) {
      line.command = arg;
    } else {
      line.args.push_back(arg);
    }
  }
  if (line.command.empty()) throw UsageError("no command");
  if (line.url.empty()) {
    if (const char* env = std::getenv("RELATE_DATABASE_URL")) line.url = env;
  }
  return line;
}

void expect_args(const CommandLine& line, std::size_t least, std::size_t most) {
  if (line.args.size() < least || line.args.size() > most) {
    throw UsageError(line.command + " takes " +
                     (least == most ? std::to_string(least)
                                    : std::to_string(least) + " to " + std::to_string(most)) +
                     " argument(s)");
  }
}

Engine engine_of(const CommandLine& line) {
  if (line.url.empty()) throw UsageError("no database: give --url or set RELATE_DATABASE_URL");
  return create_engine(line.url);
}

std::string revision_name(const std::string& id) { return id.empty() ? "base" : id; }

std::string new_id() {
  std::random_device random;
  std::uniform_int_distribution<unsigned> nibble(0, 15);
  std::string id;
  for (int i = 0; i < 12; ++i) id += "0123456789abcdef"[nibble(random)];
  return id;
}

std::string slug(const std::string& message) {
  std::string out;
  for (const char c : message) {
    const bool word = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (word) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string today() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd(now);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return buf;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) throw MigrationError("cannot write " + path.string());
}

// The ids of the migration sources in `dir` (files defining migration_<id>()), besides
// those of `migrations`: a source written and not yet built is listed too.
std::vector<std::string> ids_in(const std::filesystem::path& dir, const Migrations& migrations) {
  std::vector<std::string> ids;
  for (const auto& m : migrations.in_order()) ids.push_back(m.id);
  std::set<std::string> known(ids.begin(), ids.end());
  // What migration_source writes: "relate::migrate::Migration migration_<id>() {".
  const std::string defines = "relate::migrate::Migration migration_";
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".cpp" || entry.path().filename() == "migrations.cpp") continue;
    std::ifstream file(entry.path());
    std::stringstream text;
    text << file.rdbuf();
    const std::string source = text.str();
    for (auto at = source.find(defines); at != std::string::npos; at = source.find(defines, at + 1)) {
      std::size_t end = at + defines.size();
      while (end < source.size() &&
             (std::isalnum(static_cast<unsigned char>(source[end])) || source[end] == '_')) {
        ++end;
      }
      const std::string id = source.substr(at + defines.size(), end - at - defines.size());
      if (!id.empty() && source.compare(end, 4, "() {") == 0 && !known.count(id)) {
        found.push_back(id);
        break;
      }
    }
  }
  if (!found.empty()) {
    std::string list;
    for (const auto& id : found) list += " " + id;
    throw MigrationError("the sources of" + list + " in " + dir.string() +
                         " are not among the program's migrations: build them first");
  }
  return ids;
}

int revision(const CommandLine& line, const MetaData& metadata, const Migrations& migrations,
             std::ostream& out) {
  expect_args(line, 0, 0);
  if (line.message.empty()) throw UsageError("revision needs -m MESSAGE");
  MigrationSource source{.id = new_id(),
                         .parent = migrations.head(),
                         .message = line.message,
                         .created = today(),
                         .upgrade = {},
                         .downgrade = {},
                         .notes = {}};
  if (line.autogenerate) {
    const Engine engine = engine_of(line);
    const VersionState state = version(engine);
    if (state.interrupted || state.current != migrations.head()) {
      throw MigrationError("the database is at " + revision_name(state.current) +
                           (state.interrupted ? " (with a migration interrupted)" : "") +
                           ", not at the last migration, " + revision_name(migrations.head()) +
                           ": upgrade it first, so that the diff is the next migration's");
    }
    Diff diff = compare(metadata, inspect(engine), engine.dialect());
    source.downgrade = reverse(diff.operations);
    source.upgrade = std::move(diff.operations);
    source.notes = std::move(diff.notes);
  }
  const std::filesystem::path dir = line.dir;
  std::filesystem::create_directories(dir);
  std::vector<std::string> ids = ids_in(dir, migrations);
  ids.push_back(source.id);
  const std::string name = slug(line.message);
  const std::filesystem::path file = dir / (source.id + (name.empty() ? "" : "_" + name) + ".cpp");
  write_file(file, migration_source(source));
  write_file(dir / "migrations.cpp", migrations_list_source("all_migrations", ids));
  out << "wrote " << file.string() << " (" << source.upgrade.size() << " operations)\n";
  for (const auto& note : source.notes) out << "note: " << note << "\n";
  return 0;
}

int check(const CommandLine& line, const MetaData& metadata, const Migrations& migrations,
          std::ostream& out) {
  expect_args(line, 0, 0);
  const Engine engine = engine_of(line);
  const VersionState state = version(engine);
  int status = 0;
  if (state.interrupted || state.current != migrations.head()) {
    out << "the database is at " << revision_name(state.current)
        << (state.interrupted ? " (with a migration interrupted)" : "")
        << "; the last migration is " << revision_name(migrations.head()) << "\n";
    status = 1;
  }
  const Diff diff = compare(metadata, inspect(engine), engine.dialect());
  for (const auto& op : diff.operations) out << summary(op) << "\n";
  for (const auto& note : diff.notes) out << "note: " << note << "\n";
  if (!diff.operations.empty()) status = 1;
  if (status == 0) out << "the database is at the last migration and matches the models\n";
  return status;
}

int sql(const CommandLine& line, const Migrations& migrations, std::ostream& out) {
  expect_args(line, 2, 2);
  const std::string& direction = line.args[0];
  const std::string& range = line.args[1];
  const auto colon = range.find(':');
  const std::string from = colon == std::string::npos ? "" : range.substr(0, colon);
  const std::string to = colon == std::string::npos ? range : range.substr(colon + 1);
  const Engine engine = engine_of(line);
  if (direction == "upgrade") {
    out << upgrade_sql(engine.dialect(), migrations, from.empty() ? "base" : from, to);
  } else if (direction == "downgrade") {
    if (from.empty()) throw UsageError("sql downgrade takes FROM:TO");
    out << downgrade_sql(engine.dialect(), migrations, from, to);
  } else {
    throw UsageError("sql takes upgrade or downgrade");
  }
  return 0;
}

int run(const CommandLine& line, const MetaData& metadata, const Migrations& migrations,
        std::ostream& out) {
  const std::string& c = line.command;
  if (c == "help") {
    out << kUsage;
    return 0;
  }
  if (c == "revision") return revision(line, metadata, migrations, out);
  if (c == "check") return check(line, metadata, migrations, out);
  if (c == "sql") return sql(line, migrations, out);
  if (c == "upgrade" || c == "downgrade") {
    expect_args(line, c == "upgrade" ? 0 : 1, 1);
    const std::string target = line.args.empty() ? "head" : line.args[0];
    const Engine engine = engine_of(line);
    const auto done = c == "upgrade" ? upgrade(engine, migrations, target)
                                     : downgrade(engine, migrations, target);
    for (const auto& id : done) {
      const Migration* m = migrations.find(id);
      out << c << " " << id << (m && !m->message.empty() ? ": " + m->message : "") << "\n";
    }
    out << "the database is at " << revision_name(version(engine).current) << "\n";
    return 0;
  }
  if (c == "current") {
    expect_args(line, 0, 0);
    const VersionState state = version(engine_of(line));
    out << revision_name(state.current) << "\n";
    if (state.interrupted) {
      out << "interrupted: the " << state.interrupted->direction << " of "
          << state.interrupted->migration << " stopped after " << state.interrupted->operations_done
          << " operation(s)\n";
    }
    return 0;
  }
  if (c == "history") {
    expect_args(line, 0, 0);
    std::string current;
    if (!line.url.empty()) current = version(engine_of(line)).current;
    for (const auto& m : migrations.in_order()) {
      out << m.id << "  " << m.message << (m.id == current ? "  (current)" : "") << "\n";
    }
    return 0;
  }
  if (c == "stamp") {
    expect_args(line, 1, 1);
    stamp(engine_of(line), migrations, line.args[0]);
    out << "the database is at " << line.args[0] << "\n";
    return 0;
  }
  throw UsageError("unknown command " + c);
}

}  // namespace

int main(int argc, char** argv, const MetaData& metadata, const Migrations& migrations,
         std::ostream& out, std::ostream& err) {
  try {
    return run(parse(argc, argv), metadata, migrations, out);
  } catch (const UsageError& e) {
    err << e.what() << "\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    err << e.what() << "\n";
    return 1;
  }
}

int main(int argc, char** argv, const MetaData& metadata, const Migrations& migrations) {
  return main(argc, argv, metadata, migrations, std::cout, std::cerr);
}

}  // namespace relate::migrate

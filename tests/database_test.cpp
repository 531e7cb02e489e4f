#include "database_test.hpp"

#include <cctype>
#include <iostream>
#include <relate/engine/driver.hpp>

namespace relate_test {
namespace {

// A name no other test (in this process or another) is using.
std::string scratch_name() {
  static std::atomic<int> counter{0};
  return "relate_t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

std::string server_variable(const std::string& backend) {
  return backend == kPostgresql ? "RELATE_TEST_POSTGRESQL_URL" : "RELATE_TEST_MYSQL_URL";
}

// A test's name as a directory name.
std::filesystem::path sqlite_directory() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_') c = '_';
  }
  // The process id keeps two test runs (two build trees) out of each other's files.
  auto dir = std::filesystem::temp_directory_path() /
             ("relate_tests_" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// `url` with its database (the path) replaced.
std::string with_database(const std::string& url, const std::string& database) {
  const auto query = url.find('?');
  const auto slash = url.rfind('/', query);
  return url.substr(0, slash + 1) + database +
         (query == std::string::npos ? "" : url.substr(query));
}

std::string with_option(const std::string& url, const std::string& option) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + option;
}

// Statements of a ';'-separated script; a ';' inside '...' does not separate.
std::vector<std::string> split_statements(const std::string& script) {
  std::vector<std::string> out;
  std::string current;
  bool quoted = false;
  for (char c : script) {
    if (c == '\'') quoted = !quoted;
    if (c == ';' && !quoted) {
      out.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  out.push_back(current);
  std::erase_if(out, [](const std::string& s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  });
  return out;
}

void run(relate::Connection& c, const std::string& sql) {
  auto cursor = c.execute(relate::sql::CompiledStatement{sql, {}});
  while (cursor->next()) {
  }
}

Rows read(relate::Connection& c, const std::string& sql) {
  Rows out;
  auto cursor = c.execute(relate::sql::CompiledStatement{sql, {}});
  while (cursor->next()) {
    Row row;
    for (std::size_t i = 0; i < cursor->column_count(); ++i)
      row.push_back(row_text(cursor->get(i)));
    out.push_back(std::move(row));
  }
  return out;
}

// The fixture's own connection; on MySQL it reads "quoted" identifiers as SQLite and
// PostgreSQL do, so a test writes its SQL once.
relate::Connection reader_connection(const relate::Engine& engine, std::string_view backend) {
  auto c = engine.connect();
  if (backend == kMysql) run(c, "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')");
  return c;
}

}  // namespace

std::string server_url(const std::string& backend) {
  const char* url = std::getenv(server_variable(backend).c_str());
  return url ? url : "";
}

std::string missing_server(const std::string& backend) {
  if (!server_url(backend).empty()) return "";
  return "no " + backend + " server: " + server_variable(backend) +
         " is not set (make test runs the tests under tests/servers/with-databases, which "
         "starts one)";
}

std::string canonical_sql(std::string_view sql, std::string_view backend) {
  std::string out;
  out.reserve(sql.size());
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (!quoted && backend == kMysql && c == '`') {
      out += '"';
    } else if (!quoted && backend == kPostgresql && c == ':' && i + 2 < sql.size() &&
               sql[i + 1] == 'p' && std::isdigit(static_cast<unsigned char>(sql[i + 2]))) {
      out += '?';
      i += 2;
      while (i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) ++i;
    } else {
      out += c;
    }
  }
  return out;
}

std::string row_text(const relate::Value& v) {
  using Kind = relate::Value::Kind;
  switch (v.kind()) {
    case Kind::null:
      return "NULL";
    case Kind::boolean:
      return v.as_bool() ? "1" : "0";
    case Kind::integer:
      return std::to_string(v.as_int());
    case Kind::real: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.15g", v.as_double());
      std::string s = buf;
      if (s.find_first_of(".eni") == std::string::npos) s += ".0";
      return s;
    }
    case Kind::text:
      return v.as_text();
    case Kind::blob: {
      std::string s;
      for (std::byte b : v.as_blob()) s += static_cast<char>(b);
      return s;
    }
    case Kind::timestamp:
      return relate::format_timestamp(v.as_timestamp());
  }
  return {};
}

// ---- ScratchDatabase ----

ScratchDatabase::ScratchDatabase(std::string backend) : backend_(std::move(backend)) {
  if (backend_ == kSqlite) {
    directory_ = sqlite_directory();
    url_ = "sqlite:///" + sqlite_file().string();  // an absolute path: sqlite:////tmp/...
    return;
  }
  skip_reason_ = missing_server(backend_);
  if (!skip_reason_.empty()) return;
  server_url_ = server_url(backend_);
  name_ = scratch_name();
  auto admin = relate::create_engine(server_url_);
  auto c = admin.connect();
  if (backend_ == kPostgresql) {
    c.execute("CREATE SCHEMA " + name_);
    url_ = with_option(server_url_, "options=-csearch_path%3D" + name_);
  } else {
    c.execute("CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    url_ = with_database(server_url_, name_);
  }
}

ScratchDatabase::~ScratchDatabase() {
  try {
    if (backend_ == kSqlite) {
      std::error_code ignored;
      std::filesystem::remove_all(directory_, ignored);
      std::filesystem::remove(directory_.parent_path(), ignored);  // only once it is empty
    } else if (!name_.empty()) {
      auto admin = relate::create_engine(server_url_);
      auto c = admin.connect();
      c.execute(backend_ == kPostgresql ? "DROP SCHEMA " + name_ + " CASCADE"
                                        : "DROP DATABASE " + name_);
    }
  } catch (const std::exception& e) {
    std::cerr << "cannot drop the test's " << backend_ << " database " << name_ << ": " << e.what()
              << "\n";
  }
}

// ---- DatabaseTest ----

DatabaseFixture::DatabaseFixture(const std::string& backend)
    : scratch_(backend),
      // A test whose server is missing still needs an engine for its fixture's
      // constructor; it gets a SQLite file that SetUp() never lets the test body use.
      engine_url_(scratch_.url().empty()
                      ? "sqlite:///" + (std::filesystem::temp_directory_path() /
                                        ("relate_skipped_" + std::to_string(::getpid()) + ".db"))
                                           .string()
                      : scratch_.url()),
      engine(relate::create_engine(engine_url_)),
      reader_(relate::create_engine(engine_url_)) {
  listener_ = engine.add_listener([this](const relate::StatementEvent& e) {
    std::string sql = canonical_sql(e.sql, this->backend());
    std::lock_guard lock(statements_mutex_);
    statements.push_back(std::move(sql));
  });
}

DatabaseFixture::~DatabaseFixture() {
  engine.remove_listener(listener_);
  if (scratch_.url().empty()) {
    std::error_code ignored;
    std::filesystem::remove(engine_url_.substr(std::string("sqlite:///").size()), ignored);
  }
}

void DatabaseFixture::SetUp() {
  if (!scratch_.skip_reason().empty()) RELATE_REQUIRE_SERVER(backend());
}

relate::MetaData DatabaseFixture::create(relate::MetaData metadata) {
  statements.clear();
  engine.create_all(metadata);
  for (const auto& s : statements) {
    if (s.rfind("CREATE ", 0) == 0) ddl_.push_back(s);
  }
  statements.clear();
  return metadata;
}

std::size_t DatabaseFixture::count_starting_with(std::string_view prefix) const {
  return static_cast<std::size_t>(
      std::count_if(statements.begin(), statements.end(),
                    [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }));
}

std::vector<std::string> DatabaseFixture::statements_starting_with(std::string_view prefix) const {
  std::vector<std::string> out;
  for (const auto& s : statements) {
    if (s.rfind(prefix, 0) == 0) out.push_back(s);
  }
  return out;
}

Rows DatabaseFixture::rows(const std::string& sql) const {
  // The reader's own dialect: a test whose server is missing reads its stand-in.
  auto c = reader_connection(reader_, reader_.dialect().name());
  return read(c, sql);
}

std::int64_t DatabaseFixture::count_rows(const std::string& table) const {
  return std::stoll(rows("SELECT count(*) FROM \"" + table + "\"").at(0).at(0));
}

std::string DatabaseFixture::schema_sql(const std::string& name) const {
  for (const std::string& prefix :
       {"CREATE TABLE \"" + name + "\" ", "CREATE INDEX \"" + name + "\" ",
        "CREATE UNIQUE INDEX \"" + name + "\" "}) {
    // The newest first: a table dropped and created again has its latest DDL.
    for (const auto* recorded : {&statements, &ddl_}) {
      for (auto s = recorded->rbegin(); s != recorded->rend(); ++s) {
        if (s->rfind(prefix, 0) == 0) return *s;
      }
    }
  }
  return {};
}

void DatabaseFixture::exec_raw(const std::string& sql) const {
  auto c = reader_connection(reader_, reader_.dialect().name());
  for (const auto& statement : split_statements(sql)) run(c, statement);
  if (reader_.dialect().name() != kPostgresql) return;
  const Rows serials =
      read(c,
           "SELECT table_name, column_name FROM information_schema.columns "
           "WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'");
  for (const auto& r : serials) {
    const std::string table = "\"" + r[0] + "\"", column = "\"" + r[1] + "\"";
    run(c, "SELECT setval(pg_get_serial_sequence('" + table + "', '" + r[1] +
               "'), (SELECT COALESCE(MAX(" + column + "), 0) + 1 FROM " + table + "), false)");
  }
}

}  // namespace relate_test

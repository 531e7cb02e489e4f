#include "postgres_connection.hpp"

#include <soci/postgresql/soci-postgresql.h>

#include <cstdio>
#include <ctime>
#include <exception>
#include <new>
#include <relate/errors.hpp>

#include "postgres_errors.hpp"
#include "postgres_options.hpp"
#include "soci_statement_text.hpp"

namespace relate::postgres {

namespace {

// A libpq keyword value, quoted: SOCI 4.0.3 takes the keyword form, not URLs.
std::string conninfo_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string conninfo(const Url& url) {
  const PostgresOptions options = read_options(url);
  std::string out = "host=" + conninfo_value(url.host);
  out += " port=" + std::to_string(url.port.value_or(5432));
  out += " dbname=" + conninfo_value(url.database);
  if (!url.username.empty()) out += " user=" + conninfo_value(url.username);
  if (!url.password.empty()) out += " password=" + conninfo_value(url.password);
  out += " connect_timeout=" + std::to_string(options.connect_timeout);
  if (options.sslmode) out += " sslmode=" + conninfo_value(*options.sslmode);
  if (options.application_name) {
    out += " application_name=" + conninfo_value(*options.application_name);
  }
  if (options.options) out += " options=" + conninfo_value(*options.options);
  return out;
}

// Parameters travel as text; the server types them from where they stand.
std::string as_text(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::boolean:
      return v.as_bool() ? "true" : "false";
    case Value::Kind::integer:
      return std::to_string(v.as_int());
    case Value::Kind::real: {
      // NaN and infinity, also in statements compiled by hand (the compiler checks).
      check_portable(v, ValueUse::compared);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", v.as_double());
      return buf;
    }
    case Value::Kind::text:
      // PostgreSQL text cannot hold a NUL; sent as is, the value would end there.
      if (v.as_text().find('\0') != std::string::npos) {
        throw DataError(
            "PostgreSQL cannot store a text value containing a NUL byte (use a "
            "Blob member for binary data)");
      }
      return v.as_text();
    case Value::Kind::blob: {
      static const char* hex = "0123456789abcdef";
      std::string out = "\\x";
      for (std::byte b : v.as_blob()) {
        out += hex[std::to_integer<unsigned>(b) >> 4];
        out += hex[std::to_integer<unsigned>(b) & 15];
      }
      return out;
    }
    case Value::Kind::timestamp:
      return format_timestamp(v.as_timestamp());
    case Value::Kind::null:
      return {};
  }
  return {};
}

// A driver exception that is not SOCI's (SOCI lets some of the standard library's
// through) as a Relate error.
[[noreturn]] void throw_driver_failure(const std::exception& e, const std::string& sql,
                                       const std::string& where) {
  std::string message = "PostgreSQL at " + where + ": the driver failed: " + e.what();
  if (!sql.empty()) message += " [SQL: " + sql + "]";
  throw OperationalError(message, sql);
}

class PostgresCursor final : public Cursor {
 public:
  PostgresCursor(std::shared_ptr<PostgresConnection::Prepared> p, bool has_row,
                 const PGconn* connection, std::string where, std::string sql)
      : keep_(std::move(p)),
        p_(*keep_),
        expected_(p_.generation),
        has_row_(has_row),
        connection_(connection),
        where_(std::move(where)),
        sql_(std::move(sql)) {}

  bool next() override {
    check_live();
    on_row_ = false;
    if (!has_row_) return false;
    if (first_) {
      first_ = false;
      return on_row_ = true;
    }
    try {
      has_row_ = p_.statement->fetch();
    } catch (const soci::soci_error& e) {
      has_row_ = false;
      throw_error(e, connection_, sql_, where_);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      has_row_ = false;
      throw_driver_failure(e, sql_, where_);
    }
    return on_row_ = has_row_;
  }

  std::size_t column_count() const override { return p_.row.size(); }

  std::string column_name(std::size_t i) const override {
    check_live();
    check_column(i, sql_);
    return p_.row.get_properties(i).get_name();
  }

  Value get(std::size_t i) override {
    check_live();
    if (!on_row_) {
      throw ProgrammingError(
          "a cursor's value was read with no current row: call next() first, "
          "and read only while it returns true [SQL: " +
              sql_ + "]",
          sql_);
    }
    check_column(i, sql_);
    try {
      return value(i);
    } catch (const soci::soci_error& e) {
      throw DataError("PostgreSQL at " + where_ + ": column " + std::to_string(i) +
                          " cannot be read: " + e.get_error_message() + " [SQL: " + sql_ + "]",
                      sql_);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      throw_driver_failure(e, sql_, where_);
    }
  }

 private:
  void check_live() const {
    if (p_.generation != expected_) {
      throw ProgrammingError("a cursor was read after its statement ran again", sql_);
    }
  }

  Value value(std::size_t i) const {
    if (p_.row.get_indicator(i) == soci::i_null) return Value();
    switch (p_.row.get_properties(i).get_data_type()) {
      case soci::dt_string:
        return Value(p_.row.get<std::string>(i));
      case soci::dt_integer:
        return Value(std::int64_t{p_.row.get<int>(i)});
      case soci::dt_long_long:
        return Value(static_cast<std::int64_t>(p_.row.get<long long>(i)));
      case soci::dt_unsigned_long_long:
        return Value(static_cast<std::int64_t>(p_.row.get<unsigned long long>(i)));
      case soci::dt_double:
        return Value(p_.row.get<double>(i));
      case soci::dt_date: {
        std::tm tm = p_.row.get<std::tm>(i);
        char buf[96];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        return Value(std::string(buf));
      }
      default:
        return Value(p_.row.get<std::string>(i));
    }
  }

  std::shared_ptr<PostgresConnection::Prepared> keep_;
  PostgresConnection::Prepared& p_;
  std::uint64_t expected_;
  bool has_row_;
  bool first_ = true;
  bool on_row_ = false;  // next() returned true: get() reads that row
  const PGconn* connection_;
  std::string where_;
  std::string sql_;
};

}  // namespace

PostgresConnection::PostgresConnection(const Url& url)
    : where_((url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" +
             std::to_string(url.port.value_or(5432))) {
  try {
    session_.open(soci::postgresql, conninfo(url));
    session_ << "SET client_min_messages TO warning";
  } catch (const soci::soci_error& e) {
    // libpq's message names host and port; it never contains the password.
    throw OperationalError("cannot connect to PostgreSQL at " + where_ + " as '" + url.username +
                           "': " + e.get_error_message());
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    std::string message = e.what();
    if (!url.password.empty()) {
      for (auto at = message.find(url.password); at != std::string::npos;
           at = message.find(url.password, at)) {
        message.replace(at, url.password.size(), "***");
      }
    }
    throw OperationalError("cannot connect to PostgreSQL at " + where_ + " as '" + url.username +
                           "': the driver failed: " + message);
  }
}

std::shared_ptr<PostgresConnection::Prepared> PostgresConnection::prepare(
    const sql::CompiledStatement& s) {
  auto it = cache_.find(s.sql);
  if (it != cache_.end()) return it->second;
  // SOCI would read a ':' or an apostrophe in a comment as part of the statement.
  const std::string text = without_comments(s.sql);
  const std::size_t placeholders = soci_parameter_count(text);
  if (placeholders != s.params.size()) {
    throw_placeholder_mismatch(placeholders, s.params.size(), s.sql,
                               "PostgreSQL's are written :p1, :p2, ..., not ? or $1; "
                               "relate::text(\"... :name ...\") writes them for every backend");
  }
  auto p = std::make_shared<Prepared>();
  p->params.resize(s.params.size());
  p->indicators.resize(s.params.size(), soci::i_ok);
  // Unknown: the row is bound, and the database's answer fills its columns or not.
  p->reads_rows = s.returns != sql::Returns::no_rows;
  p->statement = std::make_unique<soci::statement>(session_);
  p->statement->alloc();
  // Prepared before the parameters are exchanged: when preparing fails, SOCI names each
  // exchanged parameter in its message, which would take it past the names it found.
  p->statement->prepare(text);
  for (std::size_t i = 0; i < s.params.size(); ++i) {
    p->statement->exchange(soci::use(p->params[i], p->indicators[i]));
  }
  if (p->reads_rows) p->statement->exchange(soci::into(p->row));
  p->statement->define_and_bind();
  return cache_.emplace(s.sql, std::move(p)).first->second;
}

void PostgresConnection::check_not_aborted(const std::string& sql) {
  if (PQtransactionStatus(native()) != PQTRANS_INERROR) return;
  const std::string failed = aborted_by_.empty() ? "" : " (" + aborted_by_ + ")";
  throw PendingRollbackError("PostgreSQL at " + where_ +
                             " aborted this transaction when a statement in it failed" + failed +
                             ", and refuses every statement until the transaction ends: call "
                             "rollback(), then go on [SQL: " +
                             sql + "]");
}

void PostgresConnection::note_failure(const std::string& sql) {
  if (PQtransactionStatus(native()) == PQTRANS_INERROR && aborted_by_.empty()) aborted_by_ = sql;
}

std::unique_ptr<Cursor> PostgresConnection::execute(const sql::CompiledStatement& s) {
  check_not_aborted(s.sql);
  try {
    std::shared_ptr<Prepared> shared = prepare(s);
    Prepared& p = *shared;
    ++p.generation;
    for (std::size_t i = 0; i < s.params.size(); ++i) {
      p.indicators[i] = s.params[i].is_null() ? soci::i_null : soci::i_ok;
      p.params[i] = as_text(s.params[i]);
    }
    const bool has_row = p.statement->execute(true);
    const bool rows = p.reads_rows && p.row.size() > 0;
    affected_ = rows ? 0 : p.statement->get_affected_rows();
    return std::make_unique<PostgresCursor>(std::move(shared), rows && has_row, native(), where_,
                                            s.sql);
  } catch (const soci::soci_error& e) {
    // A failed statement may leave a broken prepared one behind: prepare it anew.
    cache_.erase(s.sql);
    note_failure(s.sql);
    throw_error(e, native(), s.sql, where_);
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    cache_.erase(s.sql);
    note_failure(s.sql);
    throw_driver_failure(e, s.sql, where_);
  }
}

// The ORM reads generated keys through RETURNING; this serves Core users who insert
// and then ask, as on the other backends.
std::int64_t PostgresConnection::last_insert_id() {
  const std::string sql = "SELECT lastval()";
  check_not_aborted(sql);
  try {
    long long id = 0;
    soci::statement statement(session_);
    statement.exchange(soci::into(id));
    statement.alloc();
    statement.prepare(sql);
    statement.define_and_bind();
    statement.execute(true);
    return id;
  } catch (const soci::soci_error& e) {
    note_failure(sql);
    throw_error(e, native(), sql, where_);
  }
}

// SOCI's library exports no type information for its session backend, which the
// undefined-behaviour sanitizer's check of this downcast would need.
// (The GNU attribute spelling, which GCC and clang both accept.)
__attribute__((no_sanitize("vptr"))) PGconn* PostgresConnection::native() {
  return static_cast<soci::postgresql_session_backend*>(session_.get_backend())->conn_;
}

// Transaction control goes to libpq directly, checking the server's answer: SOCI's
// commit() takes any success as a commit, but PostgreSQL answers the COMMIT of a
// transaction that an error aborted with ROLLBACK, and no error.
std::string PostgresConnection::run(const char* sql) {
  PGconn* connection = native();
  const std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQexec(connection, sql), PQclear);
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    throw_error(result ? PQresultErrorMessage(result.get()) : PQerrorMessage(connection),
                state ? state : "", connection, sql, where_);
  }
  return PQcmdStatus(result.get());
}

void PostgresConnection::begin() {
  aborted_by_.clear();
  run("BEGIN");
}

void PostgresConnection::savepoint(const std::string& name) { run(("SAVEPOINT " + name).c_str()); }

void PostgresConnection::release_savepoint(const std::string& name) {
  run(("RELEASE SAVEPOINT " + name).c_str());
}

void PostgresConnection::rollback_to_savepoint(const std::string& name) {
  run(("ROLLBACK TO SAVEPOINT " + name).c_str());
  aborted_by_.clear();  // the failed statement's abort ends here
}

void PostgresConnection::commit() {
  aborted_by_.clear();
  if (run("COMMIT") != "COMMIT") {
    throw OperationalError("PostgreSQL at " + where_ +
                               ": the transaction was rolled back, not committed: a statement in "
                               "it had failed, and PostgreSQL then discards the whole transaction",
                           "COMMIT");
  }
}

void PostgresConnection::rollback() {
  aborted_by_.clear();
  // A COMMIT that rolled back left no transaction open: ROLLBACK would only warn.
  if (PQtransactionStatus(native()) == PQTRANS_IDLE) return;
  run("ROLLBACK");
}

}  // namespace relate::postgres

#include "mysql_connection.hpp"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/parameter_metadata.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <new>
#include <relate/errors.hpp>

#include "mysql_errors.hpp"
#include "mysql_options.hpp"

namespace relate::mysql {

namespace {

class MysqlCursor final : public Cursor {
 public:
  MysqlCursor(std::shared_ptr<MysqlConnection::Prepared> p, std::string where, std::string sql)
      : keep_(std::move(p)),
        p_(*keep_),
        expected_(p_.generation),
        where_(std::move(where)),
        sql_(std::move(sql)) {}

  bool next() override {
    check_live();
    on_row_ = false;
    if (!p_.result) return false;
    try {
      return on_row_ = p_.result->next();
    } catch (const ::sql::SQLException& e) {
      throw_error(e, sql_, where_);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      throw_driver_failure(e, sql_, where_);
    }
  }

  std::size_t column_count() const override {
    if (!p_.result) return 0;
    try {
      return p_.result->getMetaData()->getColumnCount();
    } catch (const ::sql::SQLException& e) {
      throw_error(e, sql_, where_);
    }
  }

  std::string column_name(std::size_t i) const override {
    check_live();
    check_column(i, sql_);
    try {
      return std::string(p_.result->getMetaData()->getColumnLabel(static_cast<std::uint32_t>(i + 1)));
    } catch (const ::sql::SQLException& e) {
      throw_error(e, sql_, where_);
    }
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
    const auto column = static_cast<std::uint32_t>(i + 1);
    try {
      if (p_.result->isNull(column)) return Value();
      switch (p_.result->getMetaData()->getColumnType(column)) {
        case ::sql::DataType::BIT:
        case ::sql::DataType::TINYINT:
        case ::sql::DataType::SMALLINT:
        case ::sql::DataType::MEDIUMINT:
        case ::sql::DataType::INTEGER:
        case ::sql::DataType::BIGINT:
        case ::sql::DataType::YEAR:
          return Value(static_cast<std::int64_t>(p_.result->getInt64(column)));
        case ::sql::DataType::REAL:
        case ::sql::DataType::DOUBLE:
        case ::sql::DataType::DECIMAL:
        case ::sql::DataType::NUMERIC:
          return Value(static_cast<double>(p_.result->getDouble(column)));
        case ::sql::DataType::BINARY:
        case ::sql::DataType::VARBINARY:
        case ::sql::DataType::LONGVARBINARY: {
          const std::string bytes = p_.result->getString(column);
          const auto* data = reinterpret_cast<const std::byte*>(bytes.data());
          return Value(Blob(data, data + bytes.size()));
        }
        default:
          return Value(std::string(p_.result->getString(column)));
      }
    } catch (const ::sql::SQLException& e) {
      throw_error(e, sql_, where_);
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

  std::shared_ptr<MysqlConnection::Prepared> keep_;
  MysqlConnection::Prepared& p_;
  std::uint64_t expected_;
  std::string where_;
  std::string sql_;
  bool on_row_ = false;  // next() returned true: get() reads that row
};

// Connector/C++'s driver registry is not thread-safe: two threads connecting for the
// first time at once race inside get_driver_instance_by_name (ThreadSanitizer: a
// heap-use-after-free). A function-local static is initialised exactly once.
::sql::mysql::MySQL_Driver& driver() {
  static ::sql::mysql::MySQL_Driver* const instance = ::sql::mysql::get_mysql_driver_instance();
  return *instance;
}

}  // namespace

MysqlConnection::MysqlConnection(const Url& url)
    // An IPv6 host in brackets, which Connector/C++'s tcp:// form reads as the host.
    : where_((url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" +
             std::to_string(url.port.value_or(3306))) {
  ::sql::ConnectOptionsMap options;
  options["hostName"] = ::sql::SQLString("tcp://" + where_);
  options["userName"] = ::sql::SQLString(url.username);
  options["password"] = ::sql::SQLString(url.password);
  options["schema"] = ::sql::SQLString(url.database);
  const MysqlOptions chosen = read_options(url);
  options["OPT_CHARSET_NAME"] = ::sql::SQLString(chosen.charset);
  options["OPT_CONNECT_TIMEOUT"] = chosen.connect_timeout;
  if (chosen.read_timeout) options["OPT_READ_TIMEOUT"] = *chosen.read_timeout;
  if (chosen.write_timeout) options["OPT_WRITE_TIMEOUT"] = *chosen.write_timeout;
  // Affected rows are the rows an UPDATE matched, as on the other backends (MySQL
  // would otherwise count only rows whose values changed).
  options["CLIENT_FOUND_ROWS"] = true;
  try {
    connection_.reset(driver().connect(options));
    connection_->setAutoCommit(true);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    // The driver's message names host and port; it never carries the password.
    throw OperationalError("cannot connect to MySQL at " + where_ + " as '" + url.username +
                           "': " + e.what());
  }
}

MysqlConnection::~MysqlConnection() {
  cache_.clear();  // statements before their connection
}

std::shared_ptr<MysqlConnection::Prepared> MysqlConnection::prepare(
    const sql::CompiledStatement& s) {
  auto it = cache_.find(s.sql);
  if (it != cache_.end()) return it->second;
  auto p = std::make_shared<Prepared>();
  p->statement.reset(connection_->prepareStatement(s.sql));
  const auto placeholders =
      static_cast<std::size_t>(p->statement->getParameterMetaData()->getParameterCount());
  if (placeholders != s.params.size()) {
    throw_placeholder_mismatch(placeholders, s.params.size(), s.sql);
  }
  p->returns = s.returns;
  if (p->returns == sql::Returns::unknown && p->statement->getMetaData()->getColumnCount() > 0) {
    p->returns = sql::Returns::rows;
  }
  return cache_.emplace(s.sql, std::move(p)).first->second;
}

void MysqlConnection::check_transaction(const std::string& sql) const {
  if (rolled_back_by_.empty()) return;
  throw PendingRollbackError(
      "MySQL at " + where_ +
      " rolled this transaction back when a statement in it met a deadlock (" + rolled_back_by_ +
      "); a statement now would run in a new transaction: call rollback(), "
      "then go on [SQL: " +
      sql + "]");
}

std::unique_ptr<Cursor> MysqlConnection::execute(const sql::CompiledStatement& s) {
  affected_unread_ = false;  // this statement's count replaces it
  check_transaction(s.sql);
  autocommit_outside_transactions();
  try {
    std::shared_ptr<Prepared> shared = prepare(s);
    Prepared& p = *shared;
    ++p.generation;
    p.result.reset();
    p.blobs.clear();
    ::sql::PreparedStatement& st = *p.statement;
    for (std::size_t i = 0; i < s.params.size(); ++i) {
      const auto index = static_cast<unsigned int>(i + 1);
      const Value& v = s.params[i];
      switch (v.kind()) {
        case Value::Kind::null:
          st.setNull(index, ::sql::DataType::VARCHAR);
          break;
        case Value::Kind::boolean:
          st.setBoolean(index, v.as_bool());
          break;
        case Value::Kind::integer:
          st.setInt64(index, v.as_int());
          break;
        case Value::Kind::real:
          // NaN and infinity, also in statements compiled by hand (the compiler checks).
          check_portable(v, ValueUse::compared);
          st.setDouble(index, v.as_double());
          break;
        case Value::Kind::text:
          st.setString(index, ::sql::SQLString(v.as_text()));
          break;
        case Value::Kind::blob: {
          const Blob& b = v.as_blob();
          p.blobs.push_back(std::make_unique<std::istringstream>(
              std::string(reinterpret_cast<const char*>(b.data()), b.size())));
          st.setBlob(index, p.blobs.back().get());
          break;
        }
        case Value::Kind::timestamp:
          st.setString(index, ::sql::SQLString(format_timestamp(v.as_timestamp())));
          break;
      }
    }
    switch (p.returns) {
      case sql::Returns::rows:
        p.result.reset(st.executeQuery());
        affected_ = 0;
        break;
      case sql::Returns::no_rows:
        affected_ = st.executeUpdate();
        break;
      case sql::Returns::unknown:
        if (st.execute()) {
          p.result.reset(st.getResultSet());
          affected_ = 0;
        } else {
          // Connector/C++'s prepared statements have no getUpdateCount(): asked for
          // only if wanted, before the next statement.
          affected_unread_ = true;
        }
        break;
    }
    return std::make_unique<MysqlCursor>(std::move(shared), where_, s.sql);
  } catch (const ::sql::SQLException& e) {
    cache_.erase(s.sql);
    // InnoDB answers a deadlock by rolling the whole transaction back.
    if (e.getErrorCode() == 1213 && in_transaction_) rolled_back_by_ = s.sql;
    throw_error(e, s.sql, where_);
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    cache_.erase(s.sql);
    throw_driver_failure(e, s.sql, where_);
  }
}

std::int64_t MysqlConnection::rows_affected() {
  read_affected();
  return affected_;
}

void MysqlConnection::read_affected() {
  if (!affected_unread_) return;
  affected_unread_ = false;
  affected_ = std::max<std::int64_t>(0, select_int("SELECT ROW_COUNT()"));
}

std::int64_t MysqlConnection::last_insert_id() {
  read_affected();
  autocommit_outside_transactions();
  return select_int("SELECT LAST_INSERT_ID()");
}

// InnoDB gives the rows of one multi-row INSERT consecutive values of the
// auto_increment series (auto_increment_increment apart) under the "traditional" (0)
// and "consecutive" (1) lock modes, MariaDB's default; the "interleaved" mode (2,
// MySQL 8's default, and Galera's) promises nothing. Engines that lock the whole
// table (MyISAM, Aria, MEMORY) number the rows consecutively too.
std::optional<std::int64_t> MysqlConnection::generated_key_step() {
  read_affected();
  autocommit_outside_transactions();
  const std::int64_t step = select_int(
      "SELECT IF(@@GLOBAL.innodb_autoinc_lock_mode IN (0, 1), @@SESSION.auto_increment_increment, "
      "0)");
  if (step <= 0) return std::nullopt;
  return step;
}

std::int64_t MysqlConnection::select_int(const char* sql) {
  try {
    std::unique_ptr<::sql::Statement> st(connection_->createStatement());
    std::unique_ptr<::sql::ResultSet> rs(st->executeQuery(sql));
    rs->next();
    return rs->getInt64(1);
  } catch (const ::sql::SQLException& e) {
    throw_error(e, sql, where_);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    throw_driver_failure(e, sql, where_);
  }
}

// Transaction control is sent as statements and their answers checked: Connector/C++
// 1.1's commit() and setAutoCommit() ignore the client library's result, so that a
// commit on a dead connection returned as if it had committed.
void MysqlConnection::run(const char* sql) {
  read_affected();  // before this statement replaces it
  try {
    std::unique_ptr<::sql::Statement> st(connection_->createStatement());
    st->execute(sql);
  } catch (const ::sql::SQLException& e) {
    throw_error(e, sql, where_);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    throw_driver_failure(e, sql, where_);
  }
}

// Between transactions the server stays at autocommit = 0, with no transaction open
// until the next statement: the next begin() costs no round trip, and a statement
// outside a transaction turns autocommit back on first.
void MysqlConnection::autocommit_outside_transactions() {
  if (autocommit_ || in_transaction_) return;
  run("SET autocommit = 1");
  autocommit_ = true;
}

void MysqlConnection::begin() {
  rolled_back_by_.clear();
  if (autocommit_) {
    run("SET autocommit = 0");
    autocommit_ = false;
  }
  in_transaction_ = true;
}

void MysqlConnection::savepoint(const std::string& name) { run(("SAVEPOINT " + name).c_str()); }

void MysqlConnection::release_savepoint(const std::string& name) {
  run(("RELEASE SAVEPOINT " + name).c_str());
}

void MysqlConnection::rollback_to_savepoint(const std::string& name) {
  if (!rolled_back_by_.empty()) check_transaction("ROLLBACK TO SAVEPOINT " + name);
  run(("ROLLBACK TO SAVEPOINT " + name).c_str());
}

void MysqlConnection::commit() {
  if (!rolled_back_by_.empty()) {
    // COMMIT would commit what ran after the deadlock, in a transaction of its own.
    check_transaction("COMMIT");
  }
  run("COMMIT");
  in_transaction_ = false;
}

void MysqlConnection::rollback() {
  rolled_back_by_.clear();
  run("ROLLBACK");
  in_transaction_ = false;
}

void MysqlConnection::ping() {
  // COM_PING, which starts no transaction (SELECT 1 would, at autocommit = 0).
  bool valid = false;
  try {
    valid = connection_->isValid();
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception&) {
    valid = false;  // a driver that cannot even ask has lost the connection too
  }
  if (!valid) {
    throw OperationalError(
        "MySQL at " + where_ + ": connection lost: the server did not answer a ping", {},
        OperationalError::Link::lost);
  }
}

}  // namespace relate::mysql

#include "mysql_connection.hpp"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <cstdio>
#include <relate/errors.hpp>

#include "mysql_options.hpp"

namespace relate::mysql {

namespace {

// 'Duplicate entry 'x' for key 'email'' -> email; 'CONSTRAINT `posts_ibfk_1`' -> that.
std::string constraint_of(const std::string& message) {
  if (auto at = message.find("CONSTRAINT `"); at != std::string::npos) {
    const auto begin = at + 12;
    return message.substr(begin, message.find('`', begin) - begin);
  }
  if (auto at = message.find("for key '"); at != std::string::npos) {
    const auto begin = at + 9;
    return message.substr(begin, message.find('\'', begin) - begin);
  }
  return {};
}

// Errors after which the connection is gone: the client lost the server, or the
// server ended the session (killed, shut down, timed out).
bool is_disconnect(const ::sql::SQLException& e) {
  switch (e.getErrorCode()) {
    case 1053:  // server shutdown in progress
    case 1077:  // normal shutdown
    case 1078:  // got signal, aborting
    case 1079:  // shutdown complete
    case 1152:  // aborted connection
    case 1158:  // error reading communication packets
    case 1159:  // timeout reading communication packets
    case 1160:  // error writing communication packets
    case 1161:  // timeout writing communication packets
    case 1927:  // connection was killed (MariaDB)
    case 2006:  // server has gone away
    case 2013:  // lost connection during query
    case 2014:  // commands out of sync: the protocol state is lost
    case 2055:  // lost connection (extended)
    case 2056:  // statement closed with its connection
    case 4031:  // disconnected by the server for inactivity (MySQL 8)
    case 5013:  // network read error (MariaDB Connector/C)
    case 5014:  // network write error (MariaDB Connector/C)
      return true;
    default:
      return e.getSQLState().rfind("08", 0) == 0;  // SQLSTATE class 08: connection exception
  }
}

[[noreturn]] void throw_error(const ::sql::SQLException& e, const std::string& sql,
                              const std::string& where) {
  std::string message = e.what();
  if (!sql.empty()) message += " [SQL: " + sql + "]";
  if (is_disconnect(e)) {
    throw OperationalError("MySQL at " + where + ": connection lost: " + message, sql,
                           OperationalError::Link::lost);
  }
  switch (e.getErrorCode()) {
    case 1451:  // a parent row is still referenced
    case 1452:  // no parent row
    case 1062:  // duplicate key
    case 1048:  // NULL into NOT NULL
    case 1364:  // no default for NOT NULL column
    case 1216:
    case 1217:
      throw IntegrityError(message, sql, constraint_of(e.what()));
    case 1064:  // syntax
    case 1146:  // no such table
    case 1054:  // no such column
    case 1050:  // table exists
      throw ProgrammingError(message, sql);
    case 1264:  // out of range
    case 1406:  // too long
    case 1292:  // bad value
    case 1366:
      throw DataError(message, sql);
    default:
      throw OperationalError("MySQL at " + where + ": " + message, sql);
  }
}

bool returns_rows(const std::string& sql) {
  return sql.rfind("SELECT", 0) == 0 || sql.find(" RETURNING ") != std::string::npos;
}

class MysqlCursor final : public Cursor {
 public:
  MysqlCursor(std::shared_ptr<MysqlConnection::Prepared> p, std::string where)
      : keep_(std::move(p)), p_(*keep_), expected_(p_.generation), where_(std::move(where)) {}

  bool next() override {
    if (p_.generation != expected_) {
      throw ProgrammingError("a cursor was read after its statement ran again");
    }
    if (!p_.result) return false;
    try {
      return p_.result->next();
    } catch (const ::sql::SQLException& e) {
      throw_error(e, {}, where_);
    }
  }

  std::size_t column_count() const override {
    return p_.result ? p_.result->getMetaData()->getColumnCount() : 0;
  }

  Value get(std::size_t i) override {
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
      throw_error(e, {}, where_);
    }
  }

 private:
  std::shared_ptr<MysqlConnection::Prepared> keep_;
  MysqlConnection::Prepared& p_;
  std::uint64_t expected_;
  std::string where_;
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
  } catch (const ::sql::SQLException& e) {
    // The driver's message names host and port; it never carries the password.
    throw OperationalError("cannot connect to MySQL at " + where_ + " as '" + url.username +
                           "': " + e.what());
  }
}

MysqlConnection::~MysqlConnection() {
  cache_.clear();  // statements before their connection
}

std::shared_ptr<MysqlConnection::Prepared> MysqlConnection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  auto p = std::make_shared<Prepared>();
  p->statement.reset(connection_->prepareStatement(sql));
  p->returns_rows = returns_rows(sql);
  return cache_.emplace(sql, std::move(p)).first->second;
}

std::unique_ptr<Cursor> MysqlConnection::execute(const sql::CompiledStatement& s) {
  autocommit_outside_transactions();
  try {
    std::shared_ptr<Prepared> shared = prepare(s.sql);
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
    if (p.returns_rows) {
      p.result.reset(st.executeQuery());
      affected_ = 0;
    } else {
      affected_ = st.executeUpdate();
    }
    return std::make_unique<MysqlCursor>(std::move(shared), where_);
  } catch (const ::sql::SQLException& e) {
    cache_.erase(s.sql);
    throw_error(e, s.sql, where_);
  }
}

std::int64_t MysqlConnection::last_insert_id() {
  autocommit_outside_transactions();
  try {
    std::unique_ptr<::sql::Statement> st(connection_->createStatement());
    std::unique_ptr<::sql::ResultSet> rs(st->executeQuery("SELECT LAST_INSERT_ID()"));
    rs->next();
    return rs->getInt64(1);
  } catch (const ::sql::SQLException& e) {
    throw_error(e, "SELECT LAST_INSERT_ID()", where_);
  }
}

// Transaction control is sent as statements and their answers checked: Connector/C++
// 1.1's commit() and setAutoCommit() ignore the client library's result, so that a
// commit on a dead connection returned as if it had committed.
void MysqlConnection::run(const char* sql) {
  try {
    std::unique_ptr<::sql::Statement> st(connection_->createStatement());
    st->execute(sql);
  } catch (const ::sql::SQLException& e) {
    throw_error(e, sql, where_);
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
  if (autocommit_) {
    run("SET autocommit = 0");
    autocommit_ = false;
  }
  in_transaction_ = true;
}

void MysqlConnection::commit() {
  run("COMMIT");
  in_transaction_ = false;
}

void MysqlConnection::rollback() {
  run("ROLLBACK");
  in_transaction_ = false;
}

void MysqlConnection::ping() {
  // COM_PING, which starts no transaction (SELECT 1 would, at autocommit = 0).
  if (!connection_->isValid()) {
    throw OperationalError(
        "MySQL at " + where_ + ": connection lost: the server did not answer a ping", {},
        OperationalError::Link::lost);
  }
}

}  // namespace relate::mysql

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

#include <charconv>
#include <cstdio>
#include <relate/errors.hpp>

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

[[noreturn]] void throw_error(const ::sql::SQLException& e, const std::string& sql,
                              const std::string& where) {
  std::string message = e.what();
  if (!sql.empty()) message += " [SQL: " + sql + "]";
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

// A URL option that counts seconds.
int seconds(const std::string& key, const std::string& value) {
  int n = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (error != std::errc() || end != value.data() + value.size() || n < 0) {
    throw ArgumentError("MySQL URL option '" + key + "' must be a whole number of seconds, not '" +
                        value + "'");
  }
  return n;
}

}  // namespace

MysqlConnection::MysqlConnection(const Url& url)
    : where_(url.host + ":" + std::to_string(url.port.value_or(3306))) {
  ::sql::ConnectOptionsMap options;
  options["hostName"] = ::sql::SQLString("tcp://" + where_);
  options["userName"] = ::sql::SQLString(url.username);
  options["password"] = ::sql::SQLString(url.password);
  options["schema"] = ::sql::SQLString(url.database);
  std::string charset = "utf8mb4";
  int connect_timeout = 10;
  for (const auto& [key, value] : url.query) {
    if (key == "charset") {
      charset = value;
    } else if (key == "connect_timeout") {
      connect_timeout = seconds(key, value);
    } else if (key == "read_timeout") {
      options["OPT_READ_TIMEOUT"] = seconds(key, value);
    } else if (key == "write_timeout") {
      options["OPT_WRITE_TIMEOUT"] = seconds(key, value);
    } else {
      throw ArgumentError("unknown MySQL URL option '" + key +
                          "' (known: connect_timeout, read_timeout, write_timeout, charset)");
    }
  }
  options["OPT_CHARSET_NAME"] = ::sql::SQLString(charset);
  options["OPT_CONNECT_TIMEOUT"] = connect_timeout;
  // Affected rows are the rows an UPDATE matched, as on the other backends (MySQL
  // would otherwise count only rows whose values changed).
  options["CLIENT_FOUND_ROWS"] = true;
  try {
    connection_.reset(::sql::mysql::get_mysql_driver_instance()->connect(options));
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
  try {
    std::unique_ptr<::sql::Statement> st(connection_->createStatement());
    std::unique_ptr<::sql::ResultSet> rs(st->executeQuery("SELECT LAST_INSERT_ID()"));
    rs->next();
    return rs->getInt64(1);
  } catch (const ::sql::SQLException& e) {
    throw_error(e, "SELECT LAST_INSERT_ID()", where_);
  }
}

void MysqlConnection::begin() {
  try {
    connection_->setAutoCommit(false);
  } catch (const ::sql::SQLException& e) {
    throw_error(e, "BEGIN", where_);
  }
}

void MysqlConnection::commit() {
  try {
    connection_->commit();
    connection_->setAutoCommit(true);
  } catch (const ::sql::SQLException& e) {
    throw_error(e, "COMMIT", where_);
  }
}

void MysqlConnection::rollback() {
  try {
    connection_->rollback();
    connection_->setAutoCommit(true);
  } catch (const ::sql::SQLException& e) {
    throw_error(e, "ROLLBACK", where_);
  }
}

}  // namespace relate::mysql

// The error hierarchy. Database errors follow DBAPI's shape (IntegrityError,
// OperationalError, ProgrammingError, DataError under DatabaseError); ORM errors name
// the model, member or URL at fault.
#pragma once

#include <relate/export.hpp>
#include <stdexcept>
#include <string>

namespace relate {

class RELATE_API Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Configuration of models, tables or relationships is inconsistent.
class RELATE_API MappingError : public Error {
 public:
  using Error::Error;
};

// A database URL could not be parsed or names no registered backend.
class RELATE_API ArgumentError : public Error {
 public:
  using Error::Error;
};

class RELATE_API DatabaseError : public Error {
 public:
  DatabaseError(const std::string& message, std::string sql = {})
      : Error(message), sql_(std::move(sql)) {}
  // The statement that failed, if any.
  const std::string& sql() const { return sql_; }

 private:
  std::string sql_;
};

// A constraint was violated: foreign key, unique, not null, check.
class RELATE_API IntegrityError : public DatabaseError {
 public:
  IntegrityError(const std::string& message, std::string sql = {}, std::string constraint = {})
      : DatabaseError(message, std::move(sql)), constraint_(std::move(constraint)) {}
  // The constraint's name where the driver reports it, else empty.
  const std::string& constraint() const { return constraint_; }

 private:
  std::string constraint_;
};

// The database could not be reached or failed to do its work (locked, I/O, lost).
class RELATE_API OperationalError : public DatabaseError {
 public:
  // Whether the connection survived the error; a backend says `lost` when the link to
  // the database is gone (the server closed it, was restarted, or the network failed).
  enum class Link { intact, lost };

  OperationalError(const std::string& message, std::string sql = {}, Link link = Link::intact)
      : DatabaseError(message, std::move(sql)), link_(link) {}

  // True when the error means the connection is gone, as SQLAlchemy's attribute of
  // the same name: the engine has closed it and every pooled connection opened before
  // it, and the next transaction gets a fresh connection. Around a commit() it means
  // the commit's outcome is unknown.
  bool connection_invalidated() const { return link_ == Link::lost; }

 private:
  Link link_;
};

// The statement is wrong: a syntax error, a missing table or column.
class RELATE_API ProgrammingError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// A value does not fit where it goes: overflow, wrong kind, bad timestamp text.
class RELATE_API DataError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// A flush found a row other than where the Session believed it: an UPDATE or DELETE
// by key changed no row (or several), or an INSERT wrote fewer rows than it carried.
// The row was changed or deleted outside this Session (or by another one). The flush
// is rolled back; nothing it wrote stays.
class RELATE_API StaleDataError : public Error {
 public:
  using Error::Error;
};

// A run-time plugin could not be loaded (relate::load_plugin, RELATE_PLUGINS); the
// message names the file and what was wrong with it.
class RELATE_API PluginError : public Error {
 public:
  using Error::Error;
};

// Session state errors.
class RELATE_API InvalidRequestError : public Error {
 public:
  using Error::Error;
};

// A relationship was accessed for loading on an object that has no Session.
class RELATE_API DetachedInstanceError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
};

// The transaction ended before its commit or rollback: a flush failed in it, its
// connection was lost, or the database aborted it when a statement failed (PostgreSQL
// then refuses every statement; SQLite and MySQL roll back by themselves after some
// errors). Call rollback(), then go on.
class RELATE_API PendingRollbackError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
};

// An object's row is gone where the Session expected it: its expired members cannot
// load (SQLAlchemy's ObjectDeletedError).
class RELATE_API ObjectDeletedError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
};

class RELATE_API NoResultFound : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
};

class RELATE_API MultipleResultsFound : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
};

}  // namespace relate

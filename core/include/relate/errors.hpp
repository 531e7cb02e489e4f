// The error hierarchy. Database errors follow DBAPI's shape (IntegrityError,
// OperationalError, ProgrammingError, DataError under DatabaseError); ORM errors name
// the model, member or URL at fault.
#pragma once

#include <stdexcept>
#include <string>

namespace relate {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Configuration of models, tables or relationships is inconsistent.
class MappingError : public Error {
 public:
  using Error::Error;
};

// A database URL could not be parsed or names no registered backend.
class ArgumentError : public Error {
 public:
  using Error::Error;
};

class DatabaseError : public Error {
 public:
  DatabaseError(const std::string& message, std::string sql = {})
      : Error(message), sql_(std::move(sql)) {}
  // The statement that failed, if any.
  const std::string& sql() const { return sql_; }

 private:
  std::string sql_;
};

// A constraint was violated: foreign key, unique, not null, check.
class IntegrityError : public DatabaseError {
 public:
  IntegrityError(const std::string& message, std::string sql = {}, std::string constraint = {})
      : DatabaseError(message, std::move(sql)), constraint_(std::move(constraint)) {}
  // The constraint's name where the driver reports it, else empty.
  const std::string& constraint() const { return constraint_; }

 private:
  std::string constraint_;
};

// The database could not be reached or failed to do its work (locked, I/O, lost).
class OperationalError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// The statement is wrong: a syntax error, a missing table or column.
class ProgrammingError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// A value does not fit where it goes: overflow, wrong kind, bad timestamp text.
class DataError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// Session state errors.
class InvalidRequestError : public Error {
 public:
  using Error::Error;
};

// A relationship was accessed for loading on an object that has no Session.
class DetachedInstanceError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
};

// A previous flush failed inside this transaction; call rollback() first.
class PendingRollbackError : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
};

class NoResultFound : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
};

class MultipleResultsFound : public InvalidRequestError {
 public:
  using InvalidRequestError::InvalidRequestError;
};

}  // namespace relate

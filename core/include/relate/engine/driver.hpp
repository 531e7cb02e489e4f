// The backend plugin interface: what a database driver must provide. A backend is a
// Dialect plus DriverConnections, registered under its URL schemes. Short enough to
// read in one sitting; backends/sqlite is the reference implementation.
//
// Errors: a DriverConnection and its Cursors throw relate::IntegrityError,
// OperationalError, ProgrammingError or DataError (errors.hpp), never a driver's own
// exception type, and keep the failed statement's SQL in the error (never a password).
// A statement whose placeholders do not match its values in number is a
// ProgrammingError, raised before the database runs it. When a failed statement has
// ended the transaction on the server's side (PostgreSQL refuses every statement after
// one failed, until ROLLBACK; SQLite rolls back by itself after some errors), the next
// statement in that transaction throws PendingRollbackError, which says so, instead of
// running outside it or failing with the database's own words; rollback() then works
// and the connection goes on.
//
// Whether a statement returns rows comes with it (CompiledStatement::returns); when it
// is Returns::unknown the driver learns it from the database's answer, never from the
// SQL text.
//
// A lost link: when an error means the connection itself is gone (the server closed
// it, restarted, or timed it out; the network failed), the driver throws
// OperationalError with OperationalError::Link::lost. That is the only signal the
// engine needs: it then closes that connection and every pooled one opened before it,
// and never lends it again. A driver says `lost` only when the connection cannot be
// used any more; an error after which the connection still works (a lock timeout, a
// full disk) is `intact`. A driver never reconnects by itself: a transaction cannot
// survive its connection, and the engine must see the loss.
//
// Transactions are confirmed by the server: commit() returns only when the database
// said it committed. A driver whose client library can report success without that
// (MySQL Connector/C++ 1.1's commit()) sends COMMIT as a statement instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/engine/dialect.hpp>
#include <relate/engine/url.hpp>
#include <relate/engine/url_options.hpp>
#include <relate/export.hpp>
#include <relate/sql/compiler.hpp>
#include <relate/value.hpp>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace relate {

// Rows of one executed statement, read forward once.
class RELATE_API Cursor {
 public:
  virtual ~Cursor() = default;
  // Advances to the next row; false when there is none.
  virtual bool next() = 0;
  virtual std::size_t column_count() const = 0;
  // The name of column i as the database reports it (the label an AS gives, else the
  // column's name, in the case the database keeps); known before the first row.
  virtual std::string column_name(std::size_t i) const = 0;
  // The value of column i of the current row. Drivers return the value in its most
  // natural kind; column_traits converts (an integer 0/1 reads as bool, ISO text as a
  // timestamp).
  virtual Value get(std::size_t i) = 0;

  // The current row as C++ values, each read through column_traits: a NULL needs a
  // std::optional. auto [id, title] = cursor->row<std::int64_t, std::string>();
  // Throws ArgumentError when the row has another number of columns, DataError for a
  // NULL read into a type that is not std::optional.
  template <class... Ts>
  std::tuple<Ts...> row() {
    if (column_count() != sizeof...(Ts)) wrong_column_count(sizeof...(Ts));
    return read_row<Ts...>(std::index_sequence_for<Ts...>{});
  }

 protected:
  // For drivers: throws ProgrammingError, naming the statement, unless column i is one
  // of the rows' columns.
  void check_column(std::size_t i, const std::string& sql) const;

 private:
  template <class... Ts, std::size_t... I>
  std::tuple<Ts...> read_row(std::index_sequence<I...>) {
    // Braces: the columns are read in order.
    return std::tuple<Ts...>{read<Ts>(I)...};
  }
  template <class T>
  T read(std::size_t i) {
    Value v = get(i);
    if constexpr (!is_optional<T>::value) {
      if (v.is_null()) null_column(i);
    }
    if constexpr (std::is_same_v<T, std::string>) {
      return column_traits<T>::from_value(std::move(v));
    } else {
      return column_traits<T>::from_value(v);
    }
  }
  [[noreturn]] void wrong_column_count(std::size_t wanted) const;
  [[noreturn]] static void null_column(std::size_t i);
};

class RELATE_API DriverConnection {
 public:
  virtual ~DriverConnection() = default;

  // Executes one statement; prepared statements are cached per connection, keyed by
  // SQL text. The cursor stays valid until the next execute on this connection.
  virtual std::unique_ptr<Cursor> execute(const sql::CompiledStatement& statement) = 0;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  virtual std::int64_t rows_affected() = 0;
  // The key generated by the last INSERT, for dialects without RETURNING.
  virtual std::int64_t last_insert_id() = 0;
  // For Dialect::GeneratedKeys::stepped: how far apart the keys are that one multi-row
  // INSERT generates for its consecutive rows, when the database promises them evenly
  // spaced whatever the table; nullopt when it does not (the rows then go one by one).
  virtual std::optional<std::int64_t> generated_key_step() { return std::nullopt; }

  // Forgets the prepared statements: the schema changed (DDL ran through the engine),
  // and a statement prepared before may describe what is gone. A driver whose
  // database re-prepares by itself (SQLite) may keep them. Never throws.
  virtual void discard_prepared_statements() noexcept {}

  // begin() starts a transaction (it may defer the round trip to the next statement);
  // commit() returns only once the server confirmed the commit, and throws otherwise;
  // rollback() ends the transaction, discarding its changes.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;

  // Savepoints inside the transaction begin() started: SAVEPOINT, RELEASE SAVEPOINT and
  // ROLLBACK TO SAVEPOINT of `name`, an identifier the caller made (no quoting needed).
  // A rollback to a savepoint leaves the transaction usable again (on PostgreSQL also
  // after a failed statement), with the savepoint still set. The defaults run the
  // statements through execute(); a driver that defers its BEGIN must begin first.
  virtual void savepoint(const std::string& name);
  virtual void release_savepoint(const std::string& name);
  virtual void rollback_to_savepoint(const std::string& name);

  // A cheap round trip, for the pool's pre-ping: returns if the connection works,
  // throws OperationalError (Link::lost for a dead link) otherwise. Runs outside any
  // transaction. The default runs SELECT 1.
  virtual void ping() { execute(sql::CompiledStatement{"SELECT 1", {}, sql::Returns::rows}); }
};

class RELATE_API Backend {
 public:
  virtual ~Backend() = default;
  // The URL schemes this backend answers to, e.g. {"sqlite"}.
  virtual std::vector<std::string> schemes() const = 0;
  // Checks the URL's options before any connection is made: create_engine calls it
  // once, so a bad URL fails there, not at the first connection. It reads the options
  // with UrlOptions (url_options.hpp) and throws its ArgumentError, which names the
  // option and its value. The default takes no option: any is an unknown one.
  virtual void validate(const Url& url) const { UrlOptions(url).reject_unknown(); }
  virtual std::shared_ptr<const Dialect> dialect(const Url& url) const = 0;
  virtual std::unique_ptr<DriverConnection> connect(const Url& url) const = 0;
  // True when every connection to `url` would see its own database (SQLite's
  // :memory:): the engine then shares one connection.
  virtual bool single_connection(const Url& /*url*/) const { return false; }
};

// The ProgrammingError of a statement whose parameter placeholders do not match its
// values in number, which a driver raises before the database runs it; `hint` says how
// the backend writes placeholders, where that helps.
[[noreturn]] RELATE_API void throw_placeholder_mismatch(std::size_t placeholders,
                                                        std::size_t values, const std::string& sql,
                                                        std::string_view hint = {});

// Registers a backend under each of its schemes; a later registration of a scheme
// replaces the earlier one.
RELATE_API void register_backend(std::shared_ptr<const Backend> backend);
// Throws relate::ArgumentError naming the URL and the registered schemes.
RELATE_API std::shared_ptr<const Backend> find_backend(const Url& url, std::string_view url_text);
RELATE_API std::vector<std::string> registered_schemes();

}  // namespace relate

// One PostgreSQL connection through SOCI: statements prepared once per SQL text and
// kept, parameters sent as text for the server to type from their context (a column,
// a comparison), errors translated by SQLSTATE. Parameters are written :p1, :p2...
// (PostgresDialect::placeholder); a statement whose placeholders, as SOCI reads them,
// do not match its values is refused before it reaches the server.
#pragma once

#include <soci/soci.h>

#include <memory>
#include <relate/engine/driver.hpp>
#include <string>
#include <unordered_map>
#include <vector>

struct pg_conn;  // libpq's PGconn

namespace relate::postgres {

class PostgresConnection final : public DriverConnection {
 public:
  explicit PostgresConnection(const Url& url);

  std::unique_ptr<Cursor> execute(const sql::CompiledStatement& statement) override;
  std::int64_t rows_affected() override { return affected_; }
  std::int64_t last_insert_id() override;
  void discard_prepared_statements() noexcept override { cache_.clear(); }
  void begin() override;
  void commit() override;
  void savepoint(const std::string& name) override;
  void release_savepoint(const std::string& name) override;
  void rollback_to_savepoint(const std::string& name) override;
  void rollback() override;

  // A prepared statement with the storage its parameters and row are bound to.
  struct Prepared {
    std::vector<std::string> params;
    std::vector<soci::indicator> indicators;
    soci::row row;
    std::unique_ptr<soci::statement> statement;
    // Bound to `row`: the statement returns rows, or may (Returns::unknown), and `row`
    // has columns once the database answered with some.
    bool reads_rows = false;
    std::uint64_t generation = 0;
  };

 private:
  std::shared_ptr<Prepared> prepare(const sql::CompiledStatement& statement);
  // libpq's connection under SOCI's session.
  pg_conn* native();
  // Runs a statement without parameters or rows on libpq; returns its command tag.
  std::string run(const char* sql);
  // Throws PendingRollbackError when an earlier statement failed inside the current
  // transaction: PostgreSQL then refuses every statement until the transaction ends.
  void check_not_aborted(const std::string& sql);
  // After `sql` failed: remembers it when it aborted the transaction.
  void note_failure(const std::string& sql);

  std::string where_;  // "host:port", for messages
  soci::session session_;
  // Shared with the cursors reading them: evicting one leaves no cursor dangling.
  std::unordered_map<std::string, std::shared_ptr<Prepared>> cache_;
  std::int64_t affected_ = 0;
  std::string aborted_by_;  // the statement whose failure aborted the transaction
};

}  // namespace relate::postgres

// One MySQL / MariaDB connection through Connector/C++: statements prepared once per
// SQL text and kept (the server counts their placeholders and says whether they return
// rows), errors translated by error number.
#pragma once

#include <memory>
#include <relate/engine/driver.hpp>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace sql {
class Connection;
class PreparedStatement;
class ResultSet;
}  // namespace sql

namespace relate::mysql {

class MysqlConnection final : public DriverConnection {
 public:
  explicit MysqlConnection(const Url& url);
  ~MysqlConnection() override;

  std::unique_ptr<Cursor> execute(const sql::CompiledStatement& statement) override;
  std::int64_t rows_affected() override;
  std::int64_t last_insert_id() override;
  std::optional<std::int64_t> generated_key_step() override;
  void discard_prepared_statements() noexcept override { cache_.clear(); }
  void begin() override;
  void commit() override;
  void savepoint(const std::string& name) override;
  void release_savepoint(const std::string& name) override;
  void rollback_to_savepoint(const std::string& name) override;
  void rollback() override;
  void ping() override;

  struct Prepared {
    std::unique_ptr<::sql::PreparedStatement> statement;
    std::vector<std::unique_ptr<std::istringstream>> blobs;  // alive until execute
    std::unique_ptr<::sql::ResultSet> result;
    std::uint64_t generation = 0;
    // Declared by the statement, or answered by the server when it prepared it; still
    // unknown (MariaDB's prepared INSERT ... RETURNING reports no columns), the
    // execution tells.
    sql::Returns returns = sql::Returns::unknown;
  };

 private:
  std::shared_ptr<Prepared> prepare(const sql::CompiledStatement& statement);
  void run(const char* sql);
  // Reads the count of a statement that left it unread, before another replaces it.
  void read_affected();
  // The one integer `sql` (a SELECT of one value) returns.
  std::int64_t select_int(const char* sql);
  // Throws PendingRollbackError when InnoDB rolled back the transaction begin() started.
  void check_transaction(const std::string& sql) const;
  void autocommit_outside_transactions();

  std::string where_;  // "host:port", for messages
  std::unique_ptr<::sql::Connection> connection_;
  // Shared with the cursors reading them: evicting one leaves no cursor dangling.
  std::unordered_map<std::string, std::shared_ptr<Prepared>> cache_;
  std::int64_t affected_ = 0;
  // The last statement's count is still to be asked for (ROW_COUNT(), which the next
  // statement replaces): a statement that did not say whether it returns rows.
  bool affected_unread_ = false;
  bool autocommit_ = true;  // the server's setting, as last sent
  bool in_transaction_ = false;
  std::string rolled_back_by_;  // the statement whose deadlock rolled the transaction back
};

}  // namespace relate::mysql

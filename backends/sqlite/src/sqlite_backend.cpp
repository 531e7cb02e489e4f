// Registers the SQLite backend under the "sqlite" scheme.
#include <relate/backends/sqlite.hpp>

#include "sqlite_connection.hpp"
#include "sqlite_dialect.hpp"
#include "sqlite_options.hpp"

namespace relate::sqlite {

namespace {

class SqliteBackend final : public Backend {
 public:
  std::vector<std::string> schemes() const override { return {"sqlite"}; }
  void validate(const Url& url) const override { read_options(url); }
  std::shared_ptr<const Dialect> dialect(const Url&) const override {
    static const auto d = std::make_shared<const SqliteDialect>();
    return d;
  }
  std::unique_ptr<DriverConnection> connect(const Url& url) const override {
    return std::make_unique<SqliteConnection>(url);
  }
  bool single_connection(const Url& url) const override { return url.database == ":memory:"; }
};

const bool registered = (register_backend(), true);

}  // namespace

void register_backend() { relate::register_backend(std::make_shared<SqliteBackend>()); }

}  // namespace relate::sqlite

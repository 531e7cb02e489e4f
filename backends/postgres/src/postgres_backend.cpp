// Registers the PostgreSQL backend under "postgresql" and "postgres".
#include <relate/backends/postgres.hpp>

#include "postgres_connection.hpp"
#include "postgres_dialect.hpp"
#include "postgres_options.hpp"

namespace relate::postgres {

namespace {

class PostgresBackend final : public Backend {
 public:
  std::vector<std::string> schemes() const override { return {"postgresql", "postgres"}; }
  void validate(const Url& url) const override { read_options(url); }
  std::shared_ptr<const Dialect> dialect(const Url&) const override {
    static const auto d = std::make_shared<const PostgresDialect>();
    return d;
  }
  std::unique_ptr<DriverConnection> connect(const Url& url) const override {
    return std::make_unique<PostgresConnection>(url);
  }
};

const bool registered = (register_backend(), true);

}  // namespace

void register_backend() { relate::register_backend(std::make_shared<PostgresBackend>()); }

}  // namespace relate::postgres

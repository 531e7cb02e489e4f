// Registers the MySQL / MariaDB backend under "mysql" and "mariadb".
#include <relate/backends/mysql.hpp>

#include "mysql_connection.hpp"
#include "mysql_dialect.hpp"
#include "mysql_options.hpp"

namespace relate::mysql {

namespace {

class MysqlBackend final : public Backend {
 public:
  std::vector<std::string> schemes() const override { return {"mysql", "mariadb"}; }
  void validate(const Url& url) const override { read_options(url); }
  std::shared_ptr<const Dialect> dialect(const Url&) const override {
    static const auto d = std::make_shared<const MysqlDialect>();
    return d;
  }
  std::unique_ptr<DriverConnection> connect(const Url& url) const override {
    return std::make_unique<MysqlConnection>(url);
  }
};

const bool registered = (register_backend(), true);

}  // namespace

void register_backend() { relate::register_backend(std::make_shared<MysqlBackend>()); }

}  // namespace relate::mysql

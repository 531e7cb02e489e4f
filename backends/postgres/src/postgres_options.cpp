#include "postgres_options.hpp"

#include <relate/engine/url_options.hpp>

namespace relate::postgres {

PostgresOptions read_options(const Url& url) {
  UrlOptions options(url);
  PostgresOptions out;
  out.connect_timeout = options.take_whole_seconds("connect_timeout").value_or(10);
  out.sslmode = options.take_one_of(
      "sslmode", {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"});
  out.application_name = options.take_string("application_name");
  out.options = options.take_string("options");
  options.reject_unknown();
  return out;
}

}  // namespace relate::postgres

#include "mysql_options.hpp"

#include <relate/engine/url_options.hpp>

namespace relate::mysql {

MysqlOptions read_options(const Url& url) {
  UrlOptions options(url);
  MysqlOptions out;
  out.charset = options.take_name("charset").value_or(out.charset);
  out.connect_timeout = options.take_whole_seconds("connect_timeout").value_or(10);
  out.read_timeout = options.take_whole_seconds("read_timeout");
  out.write_timeout = options.take_whole_seconds("write_timeout");
  options.reject_unknown();
  return out;
}

}  // namespace relate::mysql

#include "like_pattern.hpp"

#include <relate/errors.hpp>
#include <relate/sql/expression.hpp>
#include <string>

namespace relate::sql {

void check_like_pattern(std::string_view pattern, char escape) {
  const auto c = static_cast<unsigned char>(escape);
  // Punctuation only: LOWER() (ilike) leaves it alone, and no dialect reads it as
  // anything but itself.
  const bool punctuation = (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
                           (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
  if (!punctuation || escape == '%' || escape == '_') {
    throw ArgumentError(
        "the LIKE escape character must be ASCII punctuation other than % and "
        "_, not '" +
        std::string(1, escape) + "'");
  }
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != escape) continue;
    const bool escapes =
        i + 1 < pattern.size() &&
        (pattern[i + 1] == '%' || pattern[i + 1] == '_' || pattern[i + 1] == escape);
    if (!escapes) {
      throw ArgumentError("the LIKE pattern '" + std::string(pattern) +
                          "' has its escape character '" + std::string(1, escape) + "' at " +
                          std::to_string(i) +
                          " before something other than %, _ or itself (escape_like writes a "
                          "pattern for a literal text)");
    }
    ++i;
  }
}

std::string escape_like(std::string_view text, char escape) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '%' || c == '_' || c == escape) out += escape;
    out += c;
  }
  return out;
}

}  // namespace relate::sql

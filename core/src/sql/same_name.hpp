// Whether two SQL names are the same to a backend that may ignore case (MySQL's table
// names on some systems, PostgreSQL's unquoted names, which it folds).
#pragma once

#include <algorithm>
#include <cctype>
#include <string_view>

namespace relate::sql {

inline bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace relate::sql

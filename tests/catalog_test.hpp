// The fixture of the query language tests: the catalog's tables created and filled
// with catalog::rows_sql() on every backend, the statement log cleared.
#pragma once

#include <string>
#include <vector>

#include "catalog_models.hpp"
#include "test_support.hpp"

namespace catalog {

class CatalogTest : public relate_test::DatabaseTest {
 protected:
  void SetUp() override {
    relate_test::DatabaseTest::SetUp();
    if (IsSkipped()) return;
    md = create(metadata());
    exec_raw(rows_sql());
    clear();
  }

  // The titles of books, the names of anything else.
  template <class T>
  static std::vector<std::string> names(const std::vector<relate::ptr<T>>& objects) {
    std::vector<std::string> out;
    for (const auto& o : objects) {
      if constexpr (requires { o->title; }) {
        out.push_back(o->title);
      } else {
        out.push_back(o->name);
      }
    }
    return out;
  }

  relate::MetaData md;
};

}  // namespace catalog

// The rows of a column select, each value normalized to its column type, shared by the
// Session and relate::execute (core_execute.cpp).
#pragma once

#include <relate/column_traits.hpp>
#include <relate/engine/driver.hpp>
#include <vector>

namespace relate {

std::vector<std::vector<Value>> read_rows(Cursor& cursor, const std::vector<ColumnType>& types);

}  // namespace relate

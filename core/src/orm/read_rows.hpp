// The rows of a column select, each value normalized to its column type, shared by the
// Session and relate::execute (core_execute.cpp).
#pragma once

#include <relate/column_traits.hpp>
#include <relate/engine/driver.hpp>
#include <vector>

namespace relate {

class Column;

std::vector<std::vector<Value>> read_rows(Cursor& cursor, const std::vector<ColumnType>& types);
// The rows of a RETURNING clause, each value normalized to its column's type.
std::vector<std::vector<Value>> read_rows(Cursor& cursor,
                                          const std::vector<const Column*>& columns);

}  // namespace relate

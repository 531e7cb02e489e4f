// The rows of a column select: std::tuple<Ts...> per row, each value read through
// column_traits. A NULL where the C++ type is not std::optional is a DataError that
// names the column's position and type.
#pragma once

#include <cstddef>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/errors.hpp>
#include <relate/orm/expression.hpp>
#include <relate/orm/mapping_options.hpp>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace relate {

namespace detail {

template <class T>
T read_value(const Value& v, std::size_t column) {
  if constexpr (!is_nullable<T>) {
    if (v.is_null()) {
      throw DataError("column " + std::to_string(column + 1) + " of the result is NULL, but its " +
                      "C++ type " + std::string(type_name<T>()) +
                      " is not std::optional (select an optional expression, or use coalesce)");
    }
  }
  return column_traits<T>::from_value(v);
}

template <class... Ts, std::size_t... I>
std::tuple<Ts...> read_row(const std::vector<Value>& row, std::index_sequence<I...>) {
  return std::tuple<Ts...>(read_value<Ts>(row[I], I)...);
}

}  // namespace detail

template <class... Ts>
class Rows {
 public:
  using Row = std::tuple<Ts...>;

  explicit Rows(const std::vector<std::vector<Value>>& raw) {
    rows_.reserve(raw.size());
    for (const auto& r : raw) {
      rows_.push_back(detail::read_row<Ts...>(r, std::index_sequence_for<Ts...>{}));
    }
  }

  const std::vector<Row>& all() const& { return rows_; }
  std::vector<Row> all() && { return std::move(rows_); }
  std::optional<Row> first() const {
    return rows_.empty() ? std::nullopt : std::optional<Row>(rows_.front());
  }
  // Exactly one row: NoResultFound / MultipleResultsFound otherwise.
  const Row& one() const {
    if (rows_.empty()) throw NoResultFound("No row was found for one()");
    if (rows_.size() > 1) throw MultipleResultsFound("Multiple rows were found for one()");
    return rows_.front();
  }
  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  auto begin() const { return rows_.begin(); }
  auto end() const { return rows_.end(); }

 private:
  std::vector<Row> rows_;
};

}  // namespace relate

// The rows of a column select: std::tuple<Ts...> per row, each value read through
// column_traits. A NULL where the C++ type is not std::optional is a DataError that
// names the column's position and type. as<S>() gives the rows as a user's aggregate
// whose fields are the columns' types, in order.
#pragma once

#include <cstddef>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/errors.hpp>
#include <relate/orm/expression.hpp>
#include <relate/orm/mapping_options.hpp>
#include <relate/reflect.hpp>
#include <string>
#include <tuple>
#include <type_traits>
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

// Field I of the row struct S against column I of the select: their types are
// 'Field' and 'Column' of this instantiation.
template <class S, std::size_t I, class Field, class Column>
constexpr bool row_field_matches() {
  static_assert(std::is_same_v<Field, Column>,
                "relate: a row struct S (Rows::as<S>(), subquery<S>(), cte<S>()): a field "
                "of S does not have the C++ type of the select's column at its position (see 'I', "
                "'Field' and 'Column' of this "
                "instantiation); give the field that type, or cast the column");
  return std::is_same_v<Field, Column>;
}

template <class S, class... Ts, std::size_t... I>
constexpr bool row_struct_matches(std::index_sequence<I...>) {
  return (row_field_matches<S, I, reflect::field_type<S, I>, Ts>() && ...);
}

template <class S, class... Ts>
constexpr bool row_struct_fits() {
  static_assert(std::is_aggregate_v<S>,
                "relate: a row struct S (Rows::as<S>(), subquery<S>(), cte<S>()) must be an "
                "aggregate (a struct with public members "
                "and no constructors) with one field per column of the select");
  if constexpr (std::is_aggregate_v<S>) {
    // A reference field would refer into the Rows, which a temporary Rows outlives
    // by a statement only.
    static_assert(std::is_copy_assignable_v<S>,
                  "relate: a row struct S's fields must be plain values (no references "
                  "and no const members), each a copy of its column");
    static_assert(reflect::field_count<S> == sizeof...(Ts),
                  "relate: a row struct S must have exactly one field per column of the "
                  "select, in the select's order");
    if constexpr (reflect::field_count<S> == sizeof...(Ts)) {
      return row_struct_matches<S, Ts...>(std::index_sequence_for<Ts...>{});
    }
  }
  return false;
}

template <class S, class Row, std::size_t... I>
S row_as(Row&& row, std::index_sequence<I...>) {
  return S{std::get<I>(std::forward<Row>(row))...};
}

}  // namespace detail

template <class... Ts>
class Rows {
 public:
  using Row = std::tuple<Ts...>;

  // Rows already typed (select<T>(columns...): an object, then the values).
  explicit Rows(std::vector<Row> rows) : rows_(std::move(rows)) {}
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
  // The rows as objects of S, an aggregate with one field per column, of the column's
  // C++ type, in order (checked at compile time):
  //   struct PerAuthor { std::string name; std::int64_t books; };
  //   session.execute(select(&Author::name, count(&Book::id))...).as<PerAuthor>()
  template <class S>
  std::vector<S> as() const& {
    return convert<S>(rows_);
  }
  template <class S>
  std::vector<S> as() && {
    return convert<S>(std::move(rows_));
  }
  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  auto begin() const { return rows_.begin(); }
  auto end() const { return rows_.end(); }

 private:
  template <class S, class V>
  static std::vector<S> convert(V&& rows) {
    std::vector<S> out;
    if constexpr (detail::row_struct_fits<S, Ts...>()) {  // its static_asserts say why not
      out.reserve(rows.size());
      for (auto& row : rows) {
        if constexpr (std::is_rvalue_reference_v<V&&>) {
          out.push_back(detail::row_as<S>(std::move(row), std::index_sequence_for<Ts...>{}));
        } else {
          out.push_back(detail::row_as<S>(row, std::index_sequence_for<Ts...>{}));
        }
      }
    }
    return out;
  }

  std::vector<Row> rows_;
};

}  // namespace relate

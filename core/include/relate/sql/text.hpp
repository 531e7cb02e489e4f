// text(): raw SQL that stays inside Relate (SQLAlchemy's text()). Parameters are written
// :name, the same on every backend; compiling the Text for a Dialect rewrites each into
// that dialect's placeholder and binds its value, so a value never becomes SQL text.
//
//   auto cursor = connection.execute(
//       relate::text("SELECT id, title FROM books WHERE year > :year").bind("year", 2019));
//
// What is not a parameter: a ':' inside a string literal ('10:30'), a quoted identifier
// ("a:b", `a:b`), a comment or a PostgreSQL dollar-quoted string; PostgreSQL's cast
// (:year::int is the parameter year, then a cast); a ':' right after a letter, digit or
// ':' (an array slice a[1:2]); and '\:', which is written as a plain ':'. A name used
// twice binds the same value twice. Compiling fails with relate::ArgumentError when a
// parameter has no value, or a value was bound to a name the SQL does not use, naming
// them and the SQL.
//
// Whether the statement returns rows: declared with returns_rows(); left undeclared, the
// backend learns it from the database's answer (as a DBAPI cursor's description), never
// from the SQL text.
//
// columns<Ts...>() types the rows (SQLAlchemy's text().columns()): a Session's or a
// Connection's execute() then gives them as relate::Rows<Ts...> (relate/orm/rows.hpp),
// with as<S>() for a struct of yours:
//
//   auto rows = session.execute(
//       relate::text("SELECT title, year FROM books WHERE year > :year")
//           .bind("year", 2000)
//           .columns<std::string, std::int64_t>());
#pragma once

#include <relate/column_traits.hpp>
#include <relate/export.hpp>
#include <relate/sql/compiler.hpp>
#include <relate/value.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace relate {
class Dialect;
}

namespace relate::sql {

template <class... Ts>
class TypedText;

class RELATE_API Text {
 public:
  explicit Text(std::string sql) : sql_(std::move(sql)) {}

  // Gives :name its value (any type with column_traits, a Value, text); binding the
  // same name again replaces the value. `name` is what follows the ':'.
  template <class T>
  Text& bind(std::string_view name, const T& value) & {
    return bind_value(name, to_value(value));
  }
  // On a temporary (text(...).bind(...)), a new Text: a reference to the temporary
  // would dangle once the statement ends.
  template <class T>
  Text bind(std::string_view name, const T& value) && {
    bind_value(name, to_value(value));
    return std::move(*this);
  }

  // Declares that the statement returns rows (a SELECT, a RETURNING clause).
  Text& returns_rows() & {
    returns_ = Returns::rows;
    return *this;
  }
  Text returns_rows() && {
    returns_ = Returns::rows;
    return std::move(*this);
  }

  // The rows are of these C++ types, one per column in order (read through
  // column_traits; a NULL needs a std::optional); see the top of this file.
  template <class... Ts>
  TypedText<Ts...> columns() const& {
    return TypedText<Ts...>(*this);
  }
  template <class... Ts>
  TypedText<Ts...> columns() && {
    return TypedText<Ts...>(std::move(*this));
  }

  const std::string& sql() const { return sql_; }
  Returns returns() const { return returns_; }
  // The values bound, by name, in the order they were first bound.
  const std::vector<std::pair<std::string, Value>>& values() const { return values_; }

 private:
  template <class T>
  static Value to_value(const T& value) {
    if constexpr (std::is_same_v<T, Value>) {
      return value;
    } else if constexpr (column_mappable<T>) {
      return column_traits<T>::to_value(value);
    } else if constexpr (std::is_convertible_v<const T&, Value>) {
      return Value(value);
    } else {
      static_assert(std::is_convertible_v<const T&, std::string_view>,
                    "text().bind(): the value's type has no relate::column_traits");
      return Value(std::string(std::string_view(value)));
    }
  }
  // Throws ArgumentError for a name no parameter can have.
  Text& bind_value(std::string_view name, Value value);

  std::string sql_;
  std::vector<std::pair<std::string, Value>> values_;
  Returns returns_ = Returns::unknown;
};

// A Text whose rows have the C++ types Ts..., one per column (Text::columns()).
template <class... Ts>
class TypedText {
 public:
  static_assert(sizeof...(Ts) > 0, "relate: text().columns<...>() names at least one type");
  explicit TypedText(Text text) : text_(std::move(text).returns_rows()) {}
  const Text& text() const { return text_; }

 private:
  Text text_;
};

// The SQL with the dialect's placeholders, one bound value per placeholder in order.
RELATE_API CompiledStatement compile(const Text& text, const Dialect& dialect);

}  // namespace relate::sql

namespace relate {

// Raw SQL with :name parameters; see the top of this file.
inline sql::Text text(std::string sql) { return sql::Text(std::move(sql)); }

}  // namespace relate

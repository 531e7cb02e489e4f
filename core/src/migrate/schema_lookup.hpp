// What the migration code shares: finding a table or a column of a described schema,
// failing with an ArgumentError that names what is missing, and the overload set that
// visits an Operation.
#pragma once

#include <relate/errors.hpp>
#include <relate/schema_def.hpp>
#include <string>

// (In the migrate namespace itself: this header is core's own, never installed.)
namespace relate::migrate {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

// Text for a comment (of SQL or C++), on one line: a message's newline would end the
// comment and make the rest code.
inline std::string one_line(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return text;
}

[[noreturn]] inline void refuse(const std::string& message) { throw ArgumentError(message); }

template <class Schema>
auto& table_in(Schema& schema, const std::string& name) {
  auto* t = schema.find_table(name);
  if (!t) refuse("no table " + name);
  return *t;
}

template <class Table>
auto& column_in(Table& table, const std::string& name) {
  auto* c = table.find_column(name);
  if (!c) refuse("table " + table.name + " has no column " + name);
  return *c;
}

}  // namespace relate::migrate

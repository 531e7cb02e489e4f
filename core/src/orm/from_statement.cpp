// select<T>().from_statement(text(...)): objects from the rows of raw SQL (SQLAlchemy's
// ORM from_statement). The statement runs as written; T's columns are found in its
// rows by name, and the rows are read through a cursor that presents them in the
// mapper's column order, so loading them is a query's loading (instance_from_row).
#include <relate/engine/driver.hpp>
#include <relate/errors.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/mapper.hpp>
#include <relate/schema.hpp>

#include "../sql/same_name.hpp"
#include "session_impl.hpp"

namespace relate {

namespace {

std::string names_of(const Cursor& rows) {
  std::string out;
  for (std::size_t i = 0; i < rows.column_count(); ++i) {
    out += (i ? ", " : "") + rows.column_name(i);
  }
  return out;
}

// Where each of the mapper's columns is in the statement's rows: the column of the
// same name, else the one name that differs only in case. Missing or repeated, the
// rows cannot be read as objects.
std::vector<std::size_t> find_columns(const Mapper& mapper, const Cursor& rows,
                                      const std::string& sql) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < rows.column_count(); ++i) names.push_back(rows.column_name(i));
  auto refuse = [&](const std::string& column, std::string_view why) {
    throw ArgumentError("from_statement() of " + std::string(mapper.name()) + ": its rows " +
                        std::string(why) + " column '" + column + "' of table '" +
                        mapper.table().name() + "' (the rows have: " + names_of(rows) +
                        ") [SQL: " + sql + "]");
  };
  std::vector<std::size_t> positions;
  for (const auto& c : mapper.columns()) {
    const std::string& name = c.column->name();
    std::vector<std::size_t> exact, folded;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) {
        exact.push_back(i);
      } else if (sql::same_name(names[i], name)) {
        folded.push_back(i);
      }
    }
    const auto& found = exact.empty() ? folded : exact;
    if (found.empty()) refuse(name, "have no");
    if (found.size() > 1) refuse(name, "hold more than one");
    positions.push_back(found.front());
  }
  return positions;
}

// The statement's rows, column i being the mapper's column i.
class MapperOrderCursor final : public Cursor {
 public:
  MapperOrderCursor(Cursor& rows, std::vector<std::size_t> positions, const std::string& sql)
      : rows_(rows), positions_(std::move(positions)), sql_(sql) {}
  bool next() override { return rows_.next(); }
  std::size_t column_count() const override { return positions_.size(); }
  std::string column_name(std::size_t i) const override {
    check_column(i, sql_);
    return rows_.column_name(positions_[i]);
  }
  Value get(std::size_t i) override {
    check_column(i, sql_);
    return rows_.get(positions_[i]);
  }

 private:
  Cursor& rows_;
  std::vector<std::size_t> positions_;
  const std::string& sql_;
};

}  // namespace

std::vector<InstanceState*> SessionImpl::query_statement(const Mapper& mapper,
                                                         const QuerySpec& spec,
                                                         const sql::Text& statement) {
  check_usable();
  const bool only_options = spec.columns.empty() && !spec.select_from && spec.joins.empty() &&
                            !spec.where && spec.group_by.empty() && !spec.having &&
                            spec.order_by.empty() && !spec.distinct && !spec.limit && !spec.offset;
  if (!only_options) {
    throw ArgumentError("select<" + std::string(mapper.name()) +
                        ">().from_statement(): the statement is the whole query; write its "
                        "joins, where, order_by, limit and the like in its SQL (the select may "
                        "carry loader options only)");
  }
  auto context = options_context(mapper, spec.options, nullptr);
  autoflush(AutoflushBefore::query);
  std::vector<InstanceState*> out;
  Connection& conn = connection();
  note_write();  // the SQL may write (RETURNING): Relate cannot tell
  auto cursor = conn.execute(statement);
  if (cursor->column_count() == 0) {
    // It ran (and wrote what it writes), as SQLAlchemy's ResourceClosedError comes after.
    throw ArgumentError("from_statement() of " + std::string(mapper.name()) +
                        ": the statement returns no rows (an INSERT, UPDATE or DELETE needs "
                        "RETURNING) [SQL: " +
                        statement.sql() + "]");
  }
  std::optional<MapperOrderCursor> rows;
  while (cursor->next()) {
    if (!rows) {
      rows.emplace(*cursor, find_columns(mapper, *cursor, statement.sql()), statement.sql());
    }
    InstanceState* object = instance_from_row(mapper, *rows, 0, context);
    if (!object) {
      throw ArgumentError("from_statement() of " + std::string(mapper.name()) +
                          ": a row's primary key is NULL [SQL: " + statement.sql() + "]");
    }
    out.push_back(object);
  }
  rows.reset();
  cursor.reset();
  after_load(mapper, out, context);
  return out;
}

}  // namespace relate

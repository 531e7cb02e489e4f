// The typed statements of the ORM on a Connection, outside any Session, as SQLAlchemy
// 2.0's Core takes statements on mapped classes (connection.execute(update(Book)...)):
//
//   relate::Connection conn = engine.connect();
//   relate::execute(conn, metadata, relate::update<Book>()
//                                       .where(relate::col(&Book::year) == 2019)
//                                       .set(&Book::price, relate::col(&Book::price) * 0.9));
//   auto rows = relate::execute(conn, metadata, select(&Book::title, &Book::price));
//   std::int64_t n = relate::scalar(conn, metadata, select(relate::count()).select_from<Book>());
//
// The MetaData resolves every member to its column; the statement is the one a Session
// would run, with the same checks. No object is loaded, written or synchronized (there
// is no identity map), so a bulk write's synchronize_session does not apply; the
// statement runs in the connection's transaction, or commits at once outside one.
// Queries that give objects (select<T>()) need a Session.
#pragma once

#include <cstdint>
#include <relate/engine/driver.hpp>
#include <relate/engine/engine.hpp>
#include <relate/export.hpp>
#include <relate/metadata.hpp>
#include <relate/orm/bulk.hpp>
#include <relate/orm/query.hpp>
#include <relate/orm/rows.hpp>
#include <relate/orm/upsert.hpp>
#include <relate/sql/text.hpp>
#include <tuple>
#include <typeindex>
#include <vector>

namespace relate {

namespace detail {
RELATE_API std::vector<std::vector<Value>> execute_rows(Connection& connection,
                                                        const MetaData& metadata,
                                                        const QuerySpec& spec);
RELATE_API std::int64_t execute_bulk(Connection& connection, const MetaData& metadata,
                                     std::type_index type, const BulkSpec& spec, BulkWrite write);
RELATE_API std::vector<std::vector<Value>> execute_bulk_returning(Connection& connection,
                                                                  const MetaData& metadata,
                                                                  std::type_index type,
                                                                  const BulkSpec& spec,
                                                                  BulkWrite write);
RELATE_API void execute_upsert(Connection& connection, const MetaData& metadata,
                               std::type_index type, const std::vector<const void*>& rows,
                               const UpsertSpec& spec);
}  // namespace detail

// The rows of a column select, typed by its expressions.
template <class... Ts>
Rows<Ts...> execute(Connection& connection, const MetaData& metadata,
                    const RowSelect<Ts...>& query) {
  return Rows<Ts...>(detail::execute_rows(connection, metadata, query.spec()));
}
// A bulk UPDATE or DELETE: the rows it matched.
template <class T>
std::int64_t execute(Connection& connection, const MetaData& metadata, const Update<T>& statement) {
  return detail::execute_bulk(connection, metadata, typeid(T), statement.spec(),
                              detail::BulkWrite::update);
}
template <class T>
std::int64_t execute(Connection& connection, const MetaData& metadata, const Delete<T>& statement) {
  return detail::execute_bulk(connection, metadata, typeid(T), statement.spec(),
                              detail::BulkWrite::remove);
}
// ... with returning(): the rows it wrote.
template <class T, class... Ms>
Rows<Ms...> execute(Connection& connection, const MetaData& metadata,
                    const Returning<T, Ms...>& statement) {
  return Rows<Ms...>(detail::execute_bulk_returning(connection, metadata, typeid(T),
                                                    statement.spec(), statement.write()));
}
// Raw SQL typed with text(...).columns<Ts...>(): its rows (relate/sql/text.hpp).
template <class... Ts>
Rows<Ts...> execute(Connection& connection, const sql::TypedText<Ts...>& statement) {
  std::vector<std::tuple<Ts...>> rows;
  auto cursor = connection.execute(statement.text());
  while (cursor->next()) rows.push_back(cursor->template row<Ts...>());
  return Rows<Ts...>(std::move(rows));
}
// An upsert: one INSERT ... ON CONFLICT (ON DUPLICATE KEY UPDATE on MySQL).
template <class T>
void execute(Connection& connection, const MetaData& metadata, const Upsert<T>& statement) {
  std::vector<const void*> rows;
  rows.reserve(statement.rows().size());
  for (const T& row : statement.rows()) rows.push_back(&row);
  detail::execute_upsert(connection, metadata, typeid(T), rows, statement.spec());
}

// The values of a one-column select.
template <class T>
std::vector<T> scalars(Connection& connection, const MetaData& metadata,
                       const RowSelect<T>& query) {
  std::vector<T> out;
  for (auto& row : execute(connection, metadata, query)) out.push_back(std::get<0>(row));
  return out;
}
// The first row's value: std::nullopt for an optional T when there is no row, and
// NoResultFound otherwise.
template <class T>
T scalar(Connection& connection, const MetaData& metadata, const RowSelect<T>& query) {
  auto first = execute(connection, metadata, query).first();
  if (first) return std::get<0>(*first);
  if constexpr (detail::is_nullable<T>) {
    return std::nullopt;
  } else {
    throw NoResultFound("No row was found for scalar()");
  }
}

}  // namespace relate

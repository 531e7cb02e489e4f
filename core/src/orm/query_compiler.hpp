// Turns an ORM query (QuerySpec) into a statement tree: the FROM entries (the selected
// model, its joins along relationships or with ON conditions, aliases), and every
// member in its expressions resolved to a column of one of them. Relationship
// predicates become correlated EXISTS subqueries, compiled by a nested QueryCompiler
// that sees the outer query's entries. CTEs (cte.hpp) the query refers to, also from
// its subqueries, become the WITH entries of the outermost statement; their bodies are
// compiled by compilers that see no outer query, as are those of subqueries in FROM
// (subquery.hpp), which stay where they are used.
#pragma once

#include <cstdint>
#include <memory>
#include <relate/orm/loader.hpp>
#include <relate/orm/query.hpp>
#include <relate/sql/statement.hpp>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

#include "query_load.hpp"

namespace relate {

class MetaData;
class Mapper;
struct NamedQuery;
struct ParentCriterion;

class QueryCompiler {
 public:
  // `outer`: the query a subquery is in (its entries are visible); `statement`: the
  // compiler of the statement a CTE body belongs to (only its WITH list is shared).
  explicit QueryCompiler(const MetaData& metadata, const QueryCompiler* outer = nullptr,
                         const QueryCompiler* statement = nullptr);

  // select<T>(): every column of `mapper` first (as entity_select), then the spec's
  // columns (select<T>(columns...)).
  sql::Select entity_query(const Mapper& mapper, const QuerySpec& spec);
  // select(expressions...): the spec's columns.
  sql::Select row_query(const QuerySpec& spec);
  // The same, its columns as they are in SQL (for a subquery).
  sql::Select row_select(const QuerySpec& spec);
  // An expression of a statement on `mapper`'s table alone (a bulk UPDATE or DELETE).
  sql::Expr table_expression(const Mapper& mapper, const sql::Expr& e);

  // After entity_query: the FROM entries its joins along relationships reach from the
  // selected model, by relationship path, with their names in the statement.
  std::vector<QueryLoad::Joined> relationship_joins() const;
  // The name of an alias of `model` in the statement; ArgumentError naming `what` when
  // the query does not select from or join it.
  std::string alias_name(std::type_index model, std::uint64_t alias, std::string_view what) const;

 private:
  // One entry of the FROM clause: a model under its own name or an alias.
  struct Source {
    // A model's rows (the model's table, an alias of it, or a subquery or CTE of them).
    Source(const Mapper* m, std::uint64_t a, std::string name, const NamedQuery* c = nullptr);
    // The rows of a subquery or CTE of columns, read as its row struct's.
    Source(const NamedQuery& rows, std::uint64_t a, std::string name);

    const Mapper* mapper;   // null for rows of columns
    std::type_index model;  // the mapped model, or the row struct
    const Table* table;     // its columns (for rows of columns, the row struct's fields)
    std::uint64_t alias;    // 0: the model itself
    std::string sql_alias;  // empty: the table's name
    const NamedQuery* cte = nullptr;             // the alias names this CTE or subquery
    std::shared_ptr<const sql::Select> derived;  // a subquery's SELECT
    // Joined along `via` from sources_[parent].
    const RelationshipProperty* via = nullptr;
    std::size_t parent = 0;
    // Its name in the statement.
    std::string name() const;
    // Its FROM entry.
    sql::FromTable from_entry() const;
  };

  // The spec's columns from `first` on: a timestamp that is no column is read as text.
  static void read_timestamps_as_text(sql::Select& query, const QuerySpec& spec, std::size_t first);
  void from(sql::Select& query, const Source& source);
  // The FROM entry that `what` (a select_from(), a join() ON a condition, a member the
  // columns name) refers to: a model, an alias, or a subquery or CTE of either kind.
  Source& add_source_of(std::type_index model, std::uint64_t alias, const NamedQuery* cte,
                        std::string_view what);
  // The outermost compiler of the statement: WITH entries and alias numbers.
  const QueryCompiler& root() const;
  // Makes `cte` (and the CTEs its body refers to) a WITH entry of the statement.
  void use_cte(const NamedQuery& cte) const;
  // The statement's WITH entries, on the outermost query.
  void finish(sql::Select& query) const;
  void clauses(sql::Select& query, const QuerySpec& spec);
  void join(sql::Select& query, const JoinSpec& join);
  Source& add_source(const Mapper& mapper, std::uint64_t alias, const NamedQuery* cte = nullptr);
  Source& add_row_source(const NamedQuery& rows, std::uint64_t alias);
  const Source* find_source(std::type_index model, std::uint64_t alias) const;
  const Mapper& mapper_of(std::type_index model, std::string_view what) const;
  sql::Expr resolve(const sql::Expr& e) const;
  sql::Expr member(const MemberExpression& m) const;
  sql::Expr exists(const RelationshipPredicate& p) const;
  sql::Expr subquery(const SubqueryExpression& q) const;
  sql::Expr with_parent(const ParentCriterion& p) const;
  std::string fresh_alias(const std::string& table) const;

  const MetaData& metadata_;
  const QueryCompiler* outer_;
  const QueryCompiler* statement_;
  std::vector<Source> sources_;
  // On the outermost compiler, for the whole statement:
  mutable unsigned aliases_made_ = 0;
  mutable std::vector<sql::CommonTable> with_;
  mutable std::vector<const NamedQuery*> ctes_started_;  // in with_, or being compiled
};

}  // namespace relate

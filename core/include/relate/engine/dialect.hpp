// Dialect: what one database's SQL looks like. The SQL compiler in core writes the
// portable parts and asks the Dialect for each dialect-specific piece; a backend
// overrides only the hooks where its database differs from the defaults (which are
// SQLite-and-standard-SQL flavoured).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/export.hpp>
#include <relate/schema.hpp>
#include <relate/sql/expression.hpp>
#include <relate/sql/statement.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace relate {

class Connection;
struct ColumnDef;
struct SchemaDef;

class RELATE_API Dialect {
 public:
  virtual ~Dialect() = default;

  // "sqlite", "postgresql", "mysql".
  virtual std::string_view name() const = 0;

  // "name" with embedded quotes doubled.
  virtual std::string quote_identifier(std::string_view name) const;

  // The longest identifier the database keeps as written (PostgreSQL cuts longer ones
  // short, so two long names can become one; MySQL refuses them); 0: no limit. Counted
  // in bytes, or in characters where identifier_limit_in_characters().
  virtual std::size_t max_identifier_length() const { return 0; }
  virtual bool identifier_limit_in_characters() const { return false; }
  // `name`'s length in the unit of max_identifier_length().
  std::size_t identifier_length(std::string_view name) const;
  // Whether `name` is neither empty nor longer than max_identifier_length().
  bool identifier_fits(std::string_view name) const;
  // Throws relate::MappingError naming `what` (e.g. "table 'users'"), the backend and its
  // limit unless identifier_fits(name).
  void check_identifier(std::string_view name, std::string_view what) const;
  // check_identifier for the table's name, its columns' and its named constraints' and
  // indexes' (the names create_all writes that the user chose).
  void check_identifiers(const Table& table) const;
  // A name Relate made up (an index's ix_<table>_<column>, an alias) made to fit: a
  // longer one is cut and ends with a hash of the whole name, as SQLAlchemy does, so
  // that two long names with the same beginning stay apart.
  std::string fit_identifier(std::string name) const;
  // The marker for the index-th bound parameter (0-based): "?" by default.
  virtual std::string placeholder(std::size_t index) const;
  // The marker for a value the SQL compiler binds: placeholder(index) by default. A
  // dialect whose server types a parameter from where it stands (PostgreSQL) makes the
  // value's own type explicit where that could differ (1999.5 against an integer
  // column must not be read as an integer).
  virtual std::string value_placeholder(std::size_t index, const Value& value) const;
  // How raw SQL (relate::text) is read to find its :name parameters: whether a backslash
  // escapes the next character inside a quoted string ('it\'s', MySQL's default), and
  // whether # starts a comment that runs to the end of the line (MySQL).
  virtual bool backslash_escapes() const { return false; }
  virtual bool hash_comments() const { return false; }

  // " LIMIT ? OFFSET ?" etc.; parameters are appended through `bind`.
  virtual std::string limit_offset(std::optional<std::int64_t> limit,
                                   std::optional<std::int64_t> offset,
                                   std::size_t first_param_index) const;

  // A column as it appears in a SELECT list (`sql` is its quoted, qualified name): a
  // dialect whose driver would lose precision reading it may convert it here.
  virtual std::string select_column(std::string sql, const Column& /*column*/) const { return sql; }

  // DDL type of a column of `type`; `keyed`: the column takes part in a key, a unique
  // constraint, an index or a foreign key (MySQL can index a TEXT only by a prefix).
  virtual std::string column_type(ColumnType type, bool keyed) const;
  // The whole column definition for an autoincrementing integer primary key that is
  // the table's only key column.
  virtual std::string autoincrement_column(std::string_view name, ColumnType type) const;
  // A value as a literal in DDL (a column's DEFAULT): Value::to_string by default, the
  // standard SQL spelling.
  virtual std::string literal(const Value& value) const;
  // Whether the database can enforce an ON DELETE / ON UPDATE action.
  virtual bool supports_referential_action(ReferentialAction action) const;
  // Whether foreign keys can be added to and dropped from an existing table. Where
  // they can, create_all writes a foreign key into a table created later (tables that
  // refer to each other) as ALTER TABLE ... ADD after every CREATE TABLE, and drop_all
  // drops it first. Where they cannot (SQLite), it stays inline: such a database does
  // not check the referred table at CREATE time.
  virtual bool supports_alter_foreign_key() const { return false; }
  // "ALTER TABLE t <this> name" drops a named foreign key.
  virtual std::string drop_foreign_key_clause() const { return "DROP CONSTRAINT"; }
  // Appended after CREATE TABLE (...): e.g. " ENGINE=InnoDB".
  virtual std::string table_options() const { return {}; }

  // The SQL of `like` (sql::like, sql::ilike; its pattern checked already), `operand`
  // being the SQL of the tested expression. `bind` binds a value and returns its
  // placeholder; values are bound in the order their placeholders appear. The default
  // writes `operand LIKE ? ESCAPE ?`, with LOWER() on both sides for Case::insensitive.
  virtual std::string like(const std::string& operand, const sql::Like& like,
                           const std::function<std::string(Value)>& bind) const;

  // Expressions. The operator's SQL with its spaces (" = ", " / "); int_div must
  // truncate integers (" / " by default).
  virtual std::string_view binary_operator(sql::BinaryOp op) const;
  // `left || right` by default; both are SQL already written.
  virtual std::string concat(const std::string& left, const std::string& right) const;
  // A function call, its arguments' SQL written already, in order. The default writes
  // NAME(args), NAME(DISTINCT args), COUNT(*) for a count without argument.
  virtual std::string call(sql::Function function, const std::vector<std::string>& args,
                           bool distinct) const;
  // The standard name of a function.
  static std::string_view function_name(sql::Function function);
  // The type name CAST(x AS ...) takes for a column type.
  virtual std::string cast_type(ColumnType type) const;

  // What follows INSERT INTO t for a row of nothing but defaults: " DEFAULT VALUES"
  // (MySQL: " () VALUES ()").
  virtual std::string default_values() const { return " DEFAULT VALUES"; }
  // What follows INSERT ... VALUES (...) for an upsert into `table` of `columns`; the
  // default is ON CONFLICT (target) DO NOTHING / DO UPDATE SET c = excluded.c.
  virtual std::string on_conflict(const Table& table, const std::vector<const Column*>& columns,
                                  const sql::OnConflict& conflict) const;

  // How the database compares two texts in a WHERE, for what memory may assume
  // (SynchronizeSession::evaluate): by a collation the program cannot know (the
  // default: text comparisons are not evaluated in memory), equal only when their
  // bytes are (PostgreSQL's deterministic collations, ordered by locale), or equal
  // and ordered by their bytes (SQLite's BINARY).
  enum class TextComparison { collation, equal_bytes, ordered_bytes };
  virtual TextComparison text_comparison() const { return TextComparison::collation; }
  // Whether every SET of an UPDATE reads the row as it was (standard SQL), or the
  // values earlier SETs of the statement assigned (MySQL, left to right).
  virtual bool update_reads_old_row() const { return true; }

  virtual bool supports_returning() const { return false; }
  // How one INSERT of many rows whose key the database generates (an autoincrement
  // key) tells each row's key. The unit of work batches such rows only where the
  // dialect says how; otherwise each takes an INSERT of its own.
  enum class GeneratedKeys {
    // One INSERT per row (the default).
    one_per_row,
    // sql::Insert::in_order with RETURNING: the database hands out ascending keys in
    // the order the rows are inserted (PostgreSQL's sequences), so the returned keys,
    // sorted, are the rows' in order. SQLAlchemy 2.0's "insertmanyvalues" matches rows
    // to parameters the same way.
    ascending,
    // As ascending, and no other writer can take a key between them (SQLite's write
    // lock), so the keys are consecutive: keys that are not mean the database chose
    // them another way (SQLite's random rowid past the largest one), and the flush
    // fails rather than guess.
    consecutive,
    // A multi-row INSERT without RETURNING: the first row's key is last_insert_id(),
    // each next one DriverConnection::generated_key_step() above the one before; one
    // INSERT per row when the connection promises no step (MySQL).
    stepped,
  };
  virtual GeneratedKeys generated_keys() const { return GeneratedKeys::one_per_row; }
  // Whether a list of rows in a FROM clause names its columns
  // ((VALUES ...) AS t (a, b)); SQLite cannot, and calls them column1, column2, ...
  virtual bool names_values_columns() const { return true; }
  // A value that an INSERT ... SELECT (sql::Insert::in_order) takes from its list of
  // rows (`sql` names it there), written as the column's type: PostgreSQL reads the
  // parameters of such a list as text.
  virtual std::string inserted_value(std::string sql, const Column& /*column*/) const {
    return sql;
  }
  // Whether `x IN (SELECT ... LIMIT n)` is accepted (MySQL and MariaDB refuse it; the
  // compiler then puts the subquery in a derived table).
  virtual bool supports_limit_in_in_subquery() const { return true; }
  // Bound parameters one statement may carry.
  virtual std::size_t max_parameters() const { return 32766; }

  // A statement returning a row if the table exists: its one parameter is the name.
  virtual std::string has_table_sql() const = 0;

  // Reflection (relate/migrate/reflection.hpp): every table of the database, read from
  // its catalog on `connection`, with each column's type mapped back to the ColumnType
  // this dialect's DDL writes so. The default throws relate::InvalidRequestError: a
  // backend without it cannot be inspected or migrated.
  virtual SchemaDef reflect(Connection& connection) const;
  // Whether the database keeps a unique constraint as a unique index, so that the two
  // cannot be told apart once created (MySQL's UNIQUE KEY).
  virtual bool unique_constraints_are_indexes() const { return false; }
  // Whether RESTRICT and NO ACTION are one action (MySQL's InnoDB checks both at once,
  // and reports NO ACTION as RESTRICT).
  virtual bool restrict_is_no_action() const { return false; }

  // Migrations (relate/migrate/). Whether ALTER TABLE can add a column, rename a column
  // or a table, and drop a column outside any key, index or foreign key, and nothing
  // more (SQLite): other changes rebuild the table.
  virtual bool limited_alter_table() const { return false; }
  // The statements that change column `from` of `table` into `to` (same name): its
  // type (`type`, written already), nullability and default. `definition` is the whole
  // column definition of `to`, for a database that restates it (MySQL's MODIFY). The
  // default writes PostgreSQL's ALTER COLUMN ... TYPE / SET NOT NULL / SET DEFAULT.
  virtual std::vector<std::string> alter_column(const std::string& table, const ColumnDef& from,
                                                const ColumnDef& to, const std::string& type,
                                                const std::string& definition) const;
  // What follows ALTER COLUMN c TYPE t for the rows to be converted (PostgreSQL's
  // USING c::t); none by default.
  virtual std::string type_conversion(const std::string& /*column*/,
                                      const std::string& /*type*/) const {
    return {};
  }
  virtual std::string drop_index(const std::string& table, const std::string& index) const;
  // "ALTER TABLE t <this> name" drops a named unique constraint.
  virtual std::string drop_unique_clause() const { return "DROP CONSTRAINT"; }
  // Whether DDL runs inside a transaction and is undone by its rollback; MySQL commits
  // each DDL statement as it runs.
  virtual bool transactional_ddl() const { return true; }
  // Statements that take and release a lock of the connection's session that one
  // migration run holds at a time (PostgreSQL's advisory lock, MySQL's GET_LOCK); none
  // where each migration's transaction locks the database (SQLite).
  virtual std::vector<std::string> lock_migrations_sql() const { return {}; }
  virtual std::vector<std::string> unlock_migrations_sql() const { return {}; }
  // Statements run outside the transaction of a migration that may rebuild tables, and
  // after it: foreign keys left unenforced, then enforced again (SQLite's PRAGMA
  // foreign_keys). And a statement run before its commit that returns a row (table
  // first) for each row whose foreign key refers to no row (PRAGMA foreign_key_check).
  virtual std::vector<std::string> unenforce_foreign_keys_sql() const { return {}; }
  virtual std::vector<std::string> enforce_foreign_keys_sql() const { return {}; }
  virtual std::string foreign_key_check_sql() const { return {}; }
  // Throws (relate::InvalidRequestError) where rebuilding `table` for a change
  // (limited_alter_table) would lose what a schema described by names does not hold: a
  // CHECK constraint, a collation, a trigger...
  virtual void check_rebuild(Connection& /*connection*/, const std::string& /*table*/) const {}
};

}  // namespace relate

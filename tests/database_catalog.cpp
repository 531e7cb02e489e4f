// DatabaseFixture's view of the catalog: SQLite's pragmas, and information_schema on
// PostgreSQL (in the test's schema) and MySQL (in the test's database).
#include <map>

#include "database_test.hpp"

namespace relate_test {
namespace {

std::string literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// The schema the test's tables live in.
std::string schema_condition(const std::string& backend, const std::string& column) {
  return column + (backend == kPostgresql ? " = current_schema()" : " = DATABASE()");
}

std::vector<std::string> first_column(const Rows& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.at(0));
  return out;
}

}  // namespace

std::vector<std::string> DatabaseFixture::table_names() const {
  if (on(kSqlite)) {
    return first_column(
        rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
             "ORDER BY name"));
  }
  return first_column(rows("SELECT table_name FROM information_schema.tables WHERE " +
                           schema_condition(backend(), "table_schema") + " ORDER BY table_name"));
}

std::vector<std::string> DatabaseFixture::column_names(const std::string& table) const {
  if (on(kSqlite)) {
    return first_column(
        rows("SELECT name FROM pragma_table_info(" + literal(table) + ") ORDER BY cid"));
  }
  return first_column(rows("SELECT column_name FROM information_schema.columns WHERE " +
                           schema_condition(backend(), "table_schema") +
                           " AND table_name = " + literal(table) + " ORDER BY ordinal_position"));
}

bool DatabaseFixture::column_nullable(const std::string& table, const std::string& column) const {
  if (on(kSqlite)) {
    return rows("SELECT \"notnull\" FROM pragma_table_info(" + literal(table) +
                ") WHERE name = " + literal(column))
               .at(0)
               .at(0) == "0";
  }
  return rows("SELECT is_nullable FROM information_schema.columns WHERE " +
              schema_condition(backend(), "table_schema") + " AND table_name = " + literal(table) +
              " AND column_name = " + literal(column))
             .at(0)
             .at(0) == "YES";
}

std::vector<std::string> DatabaseFixture::primary_key_columns(const std::string& table) const {
  if (on(kSqlite)) {
    return first_column(rows("SELECT name FROM pragma_table_info(" + literal(table) +
                             ") WHERE pk > 0 ORDER BY pk"));
  }
  return first_column(rows(
      "SELECT k.column_name FROM information_schema.table_constraints c "
      "JOIN information_schema.key_column_usage k ON k.constraint_schema = c.constraint_schema "
      "AND k.constraint_name = c.constraint_name AND k.table_name = c.table_name "
      "WHERE c.constraint_type = 'PRIMARY KEY' AND " +
      schema_condition(backend(), "c.table_schema") + " AND c.table_name = " + literal(table) +
      " ORDER BY k.ordinal_position"));
}

bool DatabaseFixture::has_index(const std::string& table, const std::string& index) const {
  std::string sql;
  if (on(kSqlite)) {
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND tbl_name = " + literal(table) +
          " AND name = " + literal(index);
  } else if (on(kPostgresql)) {
    sql = "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND tablename = " +
          literal(table) + " AND indexname = " + literal(index);
  } else {
    sql =
        "SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND "
        "table_name = " +
        literal(table) + " AND index_name = " + literal(index);
  }
  return !rows(sql).empty();
}

std::vector<DatabaseFixture::ForeignKey> DatabaseFixture::foreign_keys(
    const std::string& table) const {
  // One row per column of a key: key id, column, referred table, referred column,
  // ON DELETE, ON UPDATE; in column order within each key.
  std::string sql;
  if (on(kSqlite)) {
    sql =
        "SELECT id, \"from\", \"table\", \"to\", on_delete, on_update FROM "
        "pragma_foreign_key_list(" +
        literal(table) + ") ORDER BY id, seq";
  } else if (on(kPostgresql)) {
    sql =
        "SELECT rc.constraint_name, k.column_name, r.table_name, r.column_name, rc.delete_rule, "
        "rc.update_rule FROM information_schema.referential_constraints rc "
        "JOIN information_schema.key_column_usage k ON k.constraint_schema = rc.constraint_schema "
        "AND k.constraint_name = rc.constraint_name "
        "JOIN information_schema.key_column_usage r ON r.constraint_schema = "
        "rc.unique_constraint_schema AND r.constraint_name = rc.unique_constraint_name "
        "AND r.ordinal_position = k.position_in_unique_constraint "
        "WHERE k.table_schema = current_schema() AND k.table_name = " +
        literal(table) + " ORDER BY rc.constraint_name, k.ordinal_position";
  } else {
    sql =
        "SELECT k.constraint_name, k.column_name, k.referenced_table_name, "
        "k.referenced_column_name, rc.delete_rule, rc.update_rule "
        "FROM information_schema.key_column_usage k "
        "JOIN information_schema.referential_constraints rc ON rc.constraint_schema = "
        "k.constraint_schema AND rc.constraint_name = k.constraint_name "
        "WHERE k.table_schema = DATABASE() AND k.table_name = " +
        literal(table) + " ORDER BY k.constraint_name, k.ordinal_position";
  }
  std::map<std::string, ForeignKey> keys;
  for (const auto& r : rows(sql)) {
    ForeignKey& fk = keys[r.at(0)];
    const bool first = fk.columns.empty();
    fk.columns += (first ? "" : ", ") + r.at(1);
    fk.referred_table = r.at(2);
    fk.referred_columns += (first ? "" : ", ") + r.at(3);
    fk.on_delete = r.at(4);
    fk.on_update = r.at(5);
  }
  std::vector<ForeignKey> out;
  for (auto& [id, fk] : keys) out.push_back(std::move(fk));
  std::sort(out.begin(), out.end(),
            [](const ForeignKey& a, const ForeignKey& b) { return a.columns < b.columns; });
  return out;
}

}  // namespace relate_test

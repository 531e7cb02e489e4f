#include <cstdio>
#include <relate/engine/dialect.hpp>
#include <relate/errors.hpp>
#include <relate/schema_def.hpp>

#include "../sql/literal.hpp"

namespace relate {

namespace {

// Where the UTF-8 character that starts at `text[i]` ends.
std::size_t next_character(std::string_view text, std::size_t i) {
  ++i;
  while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  return i;
}

// The SQL standard's name of each column type, which DDL and CAST share by default.
std::string_view standard_type(ColumnType type) {
  switch (type) {
    case ColumnType::boolean:
      return "BOOLEAN";
    case ColumnType::small_integer:
      return "SMALLINT";
    case ColumnType::integer:
      return "INTEGER";
    case ColumnType::big_integer:
      return "BIGINT";
    case ColumnType::real:
      return "REAL";
    case ColumnType::double_precision:
      return "DOUBLE PRECISION";
    case ColumnType::text:
      return "TEXT";
    case ColumnType::blob:
      return "BLOB";
    case ColumnType::timestamp:
      return "TIMESTAMP";
  }
  return "TEXT";
}

}  // namespace

std::size_t Dialect::identifier_length(std::string_view name) const {
  if (!identifier_limit_in_characters()) return name.size();
  std::size_t n = 0;
  for (std::size_t i = 0; i < name.size(); i = next_character(name, i)) ++n;
  return n;
}

bool Dialect::identifier_fits(std::string_view name) const {
  const std::size_t limit = max_identifier_length();
  // A name is never shorter in characters than a limit's worth of bytes.
  return !name.empty() && (limit == 0 || name.size() <= limit || identifier_length(name) <= limit);
}

void Dialect::check_identifier(std::string_view name, std::string_view what) const {
  if (name.empty()) throw MappingError(std::string(what) + " has an empty name");
  if (identifier_fits(name)) return;
  const std::size_t limit = max_identifier_length();
  const std::size_t length = identifier_length(name);
  const char* unit = identifier_limit_in_characters() ? " characters" : " bytes";
  throw MappingError(std::string(what) + ": the name is " + std::to_string(length) + unit +
                     " long, and the " + std::string(this->name()) + " backend allows " +
                     std::to_string(limit) +
                     " (longer names are cut short or refused): choose a shorter name");
}

void Dialect::check_identifiers(const Table& table) const {
  const std::string of = "table '" + table.name() + "'";
  check_identifier(table.name(), of);
  for (const auto& c : table.columns()) {
    check_identifier(c->name(), "column '" + c->name() + "' of " + of);
  }
  for (const auto& u : table.unique_constraints()) {
    if (!u.name.empty()) check_identifier(u.name, "unique constraint '" + u.name + "' of " + of);
  }
  for (const auto& fk : table.foreign_keys()) {
    if (!fk.name.empty()) check_identifier(fk.name, "foreign key '" + fk.name + "' of " + of);
  }
  for (const auto& ix : table.indexes()) {
    if (!ix.generated_name) check_identifier(ix.name, "index '" + ix.name + "' of " + of);
  }
}

std::string Dialect::fit_identifier(std::string name) const {
  const std::size_t limit = max_identifier_length();
  if (limit == 0 || identifier_length(name) <= limit) return name;
  // FNV-1a: stable across platforms and releases, unlike std::hash.
  std::uint32_t hash = 2166136261u;
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "_%08x", static_cast<unsigned>(hash));
  const std::size_t keep = limit > 9 ? limit - 9 : 0;
  std::size_t end = 0;  // never inside a UTF-8 character
  while (end < name.size()) {
    const std::size_t next = next_character(name, end);
    if (identifier_length(std::string_view(name).substr(0, next)) > keep) break;
    end = next;
  }
  return name.substr(0, end) + suffix;
}

std::string Dialect::quote_identifier(std::string_view name) const {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string Dialect::placeholder(std::size_t) const { return "?"; }

std::string Dialect::value_placeholder(std::size_t index, const Value&) const {
  return placeholder(index);
}

std::string Dialect::limit_offset(std::optional<std::int64_t> limit,
                                  std::optional<std::int64_t> offset, std::size_t first) const {
  std::string out;
  if (limit) out += " LIMIT " + placeholder(first++);
  if (offset) out += " OFFSET " + placeholder(first);
  return out;
}

std::string Dialect::column_type(ColumnType type, bool /*keyed*/) const {
  return std::string(standard_type(type));
}

std::string Dialect::autoincrement_column(std::string_view name, ColumnType type) const {
  return quote_identifier(name) + " " + column_type(type, true) + " PRIMARY KEY";
}

bool Dialect::supports_referential_action(ReferentialAction) const { return true; }

std::string Dialect::literal(const Value& value) const { return value.to_string(); }

std::vector<std::string> Dialect::alter_column(const std::string& table, const ColumnDef& from,
                                               const ColumnDef& to, const std::string& type,
                                               const std::string& /*definition*/) const {
  const std::string alter =
      "ALTER TABLE " + quote_identifier(table) + " ALTER COLUMN " + quote_identifier(to.name) + " ";
  std::vector<std::string> out;
  if (from.column_type != to.column_type || (!to.type.empty() && from.type != to.type)) {
    out.push_back(alter + "TYPE " + type + type_conversion(to.name, type));
  }
  if (from.nullable != to.nullable)
    out.push_back(alter + (to.nullable ? "DROP" : "SET") + " NOT NULL");
  if (from.server_default != to.server_default) {
    out.push_back(alter + (to.server_default
                               ? "SET DEFAULT " + sql::dialect_default(*to.server_default, *this)
                               : std::string("DROP DEFAULT")));
  }
  return out;
}

std::string Dialect::drop_index(const std::string& /*table*/, const std::string& index) const {
  return "DROP INDEX " + quote_identifier(index);
}

std::string Dialect::like(const std::string& operand, const sql::Like& like,
                          const std::function<std::string(Value)>& bind) const {
  if (like.match_case == sql::Case::insensitive) {
    const std::string pattern = bind(Value(like.pattern));
    return "LOWER(" + operand + ") LIKE LOWER(" + pattern + ") ESCAPE " +
           bind(Value(std::string(1, like.escape)));
  }
  const std::string pattern = bind(Value(like.pattern));
  return operand + " LIKE " + pattern + " ESCAPE " + bind(Value(std::string(1, like.escape)));
}

std::string_view Dialect::binary_operator(sql::BinaryOp op) const {
  using sql::BinaryOp;
  switch (op) {
    case BinaryOp::eq:
      return " = ";
    case BinaryOp::ne:
      return " != ";
    case BinaryOp::lt:
      return " < ";
    case BinaryOp::le:
      return " <= ";
    case BinaryOp::gt:
      return " > ";
    case BinaryOp::ge:
      return " >= ";
    case BinaryOp::and_:
      return " AND ";
    case BinaryOp::or_:
      return " OR ";
    case BinaryOp::add:
      return " + ";
    case BinaryOp::sub:
      return " - ";
    case BinaryOp::mul:
      return " * ";
    case BinaryOp::div:
    case BinaryOp::int_div:
      return " / ";
    case BinaryOp::mod:
      return " % ";
    case BinaryOp::concat:
      return " || ";
  }
  return " ? ";
}

std::string Dialect::concat(const std::string& left, const std::string& right) const {
  return "(" + left + " || " + right + ")";
}

std::string_view Dialect::function_name(sql::Function function) {
  using sql::Function;
  switch (function) {
    case Function::count:
      return "COUNT";
    case Function::sum:
      return "SUM";
    case Function::avg:
      return "AVG";
    case Function::min:
      return "MIN";
    case Function::max:
      return "MAX";
    case Function::lower:
      return "LOWER";
    case Function::upper:
      return "UPPER";
    case Function::length:
      return "LENGTH";
    case Function::trim:
      return "TRIM";
    case Function::coalesce:
      return "COALESCE";
    case Function::abs:
      return "ABS";
    case Function::round:
      return "ROUND";
  }
  return "";
}

std::string Dialect::call(sql::Function function, const std::vector<std::string>& args,
                          bool distinct) const {
  std::string out(function_name(function));
  out += '(';
  if (distinct) out += "DISTINCT ";
  if (args.empty() && function == sql::Function::count) out += '*';
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i) out += ", ";
    out += args[i];
  }
  return out + ')';
}

std::string Dialect::cast_type(ColumnType type) const {
  // Booleans and small integers are cast as INTEGER: their values read back the same.
  if (type == ColumnType::boolean || type == ColumnType::small_integer) return "INTEGER";
  return std::string(standard_type(type));
}

std::string Dialect::on_conflict(const Table& /*table*/,
                                 const std::vector<const Column*>& /*columns*/,
                                 const sql::OnConflict& conflict) const {
  std::string out = " ON CONFLICT (";
  for (std::size_t i = 0; i < conflict.target.size(); ++i) {
    if (i) out += ", ";
    out += quote_identifier(conflict.target[i]->name());
  }
  out += ")";
  if (conflict.update.empty()) return out + " DO NOTHING";
  out += " DO UPDATE SET ";
  for (std::size_t i = 0; i < conflict.update.size(); ++i) {
    if (i) out += ", ";
    const std::string c = quote_identifier(conflict.update[i]->name());
    out += c + " = excluded." + c;
  }
  return out;
}

}  // namespace relate

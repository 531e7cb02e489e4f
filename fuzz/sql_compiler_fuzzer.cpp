// libFuzzer target for the SQL compiler (`make fuzz`). The bytes choose two Core tables
// (names with quotes, placeholders' characters and non-ASCII letters in them) and a
// statement tree over them, built with the public sql:: API (subqueries in FROM and in
// conditions, and WITH entries, recursive ones included); the tree is compiled for
// the SQLite, PostgreSQL and MySQL dialects. Compiling either throws a relate::Error
// (a value or name a backend cannot take) or gives SQL in which
//
// - no value appears: every text and blob value carries a byte (\x02) that no SQL
//   the compiler writes may hold, and every text value is among the parameters;
// - the placeholders (outside quoted names and literals) are exactly the parameters:
//   as many ?, or $1..$n once each;
// - SQLite prepares the SQLite statement against the tables create_ddl made, and
//   counts as many parameters.
//
// Anything else (another exception type, a crash, a sanitizer report) is a finding.
#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <relate/engine/driver.hpp>
#include <relate/errors.hpp>
#include <relate/schema.hpp>
#include <relate/sql/compiler.hpp>
#include <relate/sql/expression.hpp>
#include <relate/sql/statement.hpp>
#include <set>
#include <string>
#include <vector>

#include "fuzz_input.hpp"

namespace {

constexpr char kValueMark = '\x02';

struct Source {
  const relate::Column* column;
  std::string qualifier;
};

class TreeBuilder {
 public:
  explicit TreeBuilder(relate_fuzz::FuzzInput& in) : in_(in) {}

  // Two tables; b.a_id refers to a.id.
  void make_tables() {
    a_ = std::make_unique<relate::Table>(name("a"));
    b_ = std::make_unique<relate::Table>(name("b"));
    auto& id = a_->add_column(name("id"), relate::ColumnType::big_integer);
    id.set_primary_key().set_autoincrement().set_nullable(false);
    add_columns(*a_);
    b_->add_column(name("id"), relate::ColumnType::big_integer)
        .set_primary_key()
        .set_autoincrement()
        .set_nullable(false);
    auto& a_id = b_->add_column(name("a_id"), relate::ColumnType::big_integer);
    add_columns(*b_);
    b_->add_foreign_key({&a_id}, *a_, {&id});
  }

  std::vector<const relate::Table*> tables() const { return {a_.get(), b_.get()}; }

  relate::sql::Statement statement() {
    switch (in_.take_in(0, 3)) {
      case 0:
        return select();
      case 1:
        return insert();
      case 2:
        return update();
      default:
        return remove();
    }
  }

  // The text values placed where the compiler must bind them.
  const std::vector<std::string>& bound_texts() const { return texts_; }

 private:
  // A name made of characters that quoting must get right, made unique by a suffix.
  std::string name(const char* stem) {
    static constexpr std::string_view pieces[] = {"x", "\"", "`", "'",  "?", "$1", " ", "-", ";",
                                                  "é", "Z",  "_", "\\", "%", ".",  "[", "]"};
    std::string out = stem;
    const int n = in_.take_in(0, 3);
    for (int i = 0; i < n; ++i) out += in_.pick(pieces);
    return out + std::to_string(serial_++);
  }

  void add_columns(relate::Table& t) {
    static constexpr relate::ColumnType types[] = {
        relate::ColumnType::boolean,  relate::ColumnType::small_integer,
        relate::ColumnType::integer,  relate::ColumnType::big_integer,
        relate::ColumnType::real,     relate::ColumnType::double_precision,
        relate::ColumnType::text,     relate::ColumnType::blob,
        relate::ColumnType::timestamp};
    const int n = in_.take_in(1, 4);
    for (int i = 0; i < n; ++i) {
      auto& c = t.add_column(name("c"), in_.pick(types));
      c.set_nullable(in_.take_bool()).set_unique(in_.take_probability() < 0.2);
      c.set_index(in_.take_probability() < 0.2);
    }
  }

  relate::Value value(bool bound = true) {
    switch (in_.take_in(0, 7)) {
      case 0:
        return relate::Value();
      case 1:
        return relate::Value(in_.take_bool());
      case 2:
        return relate::Value(in_.take_in<std::int64_t>(INT64_MIN, INT64_MAX));
      case 3:
        return relate::Value(in_.take_in<std::int64_t>(-5, 5));
      case 4:
        return relate::Value(in_.take_double());
      case 5: {
        std::string text =
            kValueMark + std::to_string(serial_++) + kValueMark + in_.take_string(12);
        if (bound) texts_.push_back(text);
        return relate::Value(std::move(text));
      }
      case 6: {
        relate::Blob blob{std::byte{kValueMark}};
        const int n = in_.take_in(0, 8);
        for (int i = 0; i < n; ++i) blob.push_back(std::byte{in_.take_in<std::uint8_t>(0, 255)});
        return relate::Value(std::move(blob));
      }
      default:
        return relate::Value(relate::Timestamp(std::chrono::microseconds(
            in_.take_in<std::int64_t>(-62135596800000000, 253402300799999999))));
    }
  }

  std::vector<relate::Value> values(int most) {
    std::vector<relate::Value> out(static_cast<std::size_t>(in_.take_in(0, most)));
    for (auto& v : out) v = value();
    return out;
  }

  relate::sql::Expr column(const std::vector<Source>& from) {
    const Source& s = from[in_.take_in<std::size_t>(0, from.size() - 1)];
    return relate::sql::column(*s.column, s.qualifier);
  }

  relate::sql::Expr operand(const std::vector<Source>& from) {
    return in_.take_probability() < 0.7 ? column(from) : relate::sql::param(value());
  }

  std::string pattern() {
    static constexpr const char* pieces[] = {"%", "_", "a", "\\", "!", "é", "''", "?"};
    std::string out(1, kValueMark);
    const int n = in_.take_in(0, 5);
    for (int i = 0; i < n; ++i) out += in_.pick(pieces);
    return in_.take_bool() ? relate::sql::escape_like(out, '!') : out;
  }

  relate::sql::Expr condition(const std::vector<Source>& from, int depth) {
    using namespace relate::sql;
    const int kind = in_.take_in(0, depth > 3 ? 4 : 9);
    switch (kind) {
      case 0: {
        static constexpr BinaryOp ops[] = {BinaryOp::eq, BinaryOp::ne, BinaryOp::lt,
                                           BinaryOp::le, BinaryOp::gt, BinaryOp::ge};
        return binary(in_.pick(ops), column(from), operand(from));
      }
      case 1:
        return unary(in_.take_bool() ? UnaryOp::is_null : UnaryOp::is_not_null, column(from));
      case 2:
        return in_list(column(from), values(5), in_.take_bool());
      case 3: {
        std::vector<Expr> operands{column(from)};
        if (in_.take_bool()) operands.push_back(column(from));
        std::vector<std::vector<relate::Value>> rows(static_cast<std::size_t>(in_.take_in(0, 3)));
        for (auto& row : rows) {
          for (std::size_t i = 0; i < operands.size(); ++i) row.push_back(value());
        }
        return tuple_in(std::move(operands), std::move(rows));
      }
      case 4: {
        static constexpr char escapes[] = {'\\', '!', '#', '^', '~', '?', '\''};
        const char escape = in_.pick(escapes);
        return in_.take_bool() ? like(column(from), pattern(), escape)
                               : ilike(column(from), pattern(), escape);
      }
      case 5:
        return unary(UnaryOp::not_, condition(from, depth + 1));
      case 6:
        return and_(condition(from, depth + 1), condition(from, depth + 1));
      case 7:
        return subquery_condition(from, depth);
      default:
        return binary(in_.take_bool() ? BinaryOp::and_ : BinaryOp::or_, condition(from, depth + 1),
                      condition(from, depth + 1));
    }
  }

  // IN (SELECT b's column ...), EXISTS (SELECT ...) or a comparison with a scalar
  // subquery; the subquery may refer to the rows of `from` (correlated).
  relate::sql::Expr subquery_condition(const std::vector<Source>& from, int depth) {
    using namespace relate::sql;
    Select inner;
    inner.from.table = b_.get();
    inner.from.alias = name("sb");
    std::vector<Source> inner_from = sources(*b_, inner.from.alias);
    inner.columns.push_back(column(inner_from));
    std::vector<Source> visible = inner_from;
    visible.insert(visible.end(), from.begin(), from.end());
    if (in_.take_bool()) inner.where = condition(visible, depth + 2);
    if (in_.take_bool()) inner.limit = in_.take_in<std::int64_t>(0, 10);
    auto query = std::make_shared<const Select>(std::move(inner));
    switch (in_.take_in(0, 2)) {
      case 0:
        return make_node(InSelect{column(from), std::move(query), in_.take_bool()});
      case 1:
        return make_node(Exists{std::move(query)});
      default:
        return binary(BinaryOp::eq, column(from), make_node(ScalarSubquery{std::move(query)}));
    }
  }

  // WITH name(a's columns) AS (SELECT every column of a [WHERE ...] [UNION [ALL] SELECT
  // a's columns FROM a JOIN name ON ...]), and the FROM entry that names it.
  relate::sql::FromTable cte_source(relate::sql::Select& s) {
    using namespace relate::sql;
    CommonTable cte;
    cte.name = name("cte");
    for (const auto& c : a_->columns()) cte.columns.push_back(c.get());
    Select anchor = relate::sql::select(*a_);
    anchor.where = maybe_condition(sources(*a_, {}));
    cte.parts.push_back(std::make_shared<const Select>(std::move(anchor)));
    if (in_.take_bool()) {
      Select step = relate::sql::select(*a_);
      Join self;
      self.target = FromTable{a_.get(), cte.name, nullptr, true};
      self.outer = false;
      self.on = binary(BinaryOp::eq, column(sources(*a_, {})), column(sources(*a_, cte.name)));
      step.joins.push_back(std::move(self));
      step.where = maybe_condition(sources(*a_, {}));
      cte.parts.push_back(std::make_shared<const Select>(std::move(step)));
      cte.union_all = in_.take_bool();
    }
    FromTable from{a_.get(), cte.name, nullptr, true};
    s.with.push_back(std::move(cte));
    return from;
  }

  relate::sql::Expr maybe_condition(const std::vector<Source>& from) {
    return in_.take_bool() ? condition(from, 0) : nullptr;
  }

  static std::vector<Source> sources(const relate::Table& t, const std::string& qualifier) {
    std::vector<Source> out;
    for (const auto& c : t.columns()) out.push_back({c.get(), qualifier});
    return out;
  }

  relate::sql::Select select() {
    relate::sql::Select s;
    std::vector<Source> from;
    if (in_.take_probability() < 0.25) {
      s.from = cte_source(s);
    } else if (in_.take_bool()) {
      // FROM (SELECT every column of a ... WHERE ...) AS alias
      relate::sql::Select inner = relate::sql::select(*a_);
      inner.where = maybe_condition(sources(*a_, {}));
      s.from.table = a_.get();
      s.from.alias = name("sq");
      s.from.subquery = std::make_shared<const relate::sql::Select>(std::move(inner));
    } else {
      s.from.table = a_.get();
      if (in_.take_bool()) s.from.alias = name("aa");
    }
    from = sources(*a_, s.from.alias);
    if (in_.take_bool()) {
      relate::sql::Join j;
      j.target.table = b_.get();
      if (in_.take_bool()) j.target.alias = name("bb");
      j.outer = in_.take_bool();
      const auto joined = sources(*b_, j.target.alias);
      from.insert(from.end(), joined.begin(), joined.end());
      j.on = in_.take_bool()
                 ? relate::sql::binary(relate::sql::BinaryOp::eq,
                                       relate::sql::column(*joined[1].column, j.target.alias),
                                       relate::sql::column(*a_->columns()[0], s.from.alias))
                 : condition(from, 0);
      s.joins.push_back(std::move(j));
    }
    const int columns = in_.take_in(1, 4);
    for (int i = 0; i < columns; ++i) s.columns.push_back(column(from));
    s.where = maybe_condition(from);
    const int order = in_.take_in(0, 2);
    for (int i = 0; i < order; ++i) s.order_by.push_back({column(from), in_.take_bool()});
    if (in_.take_bool()) s.limit = in_.take_in<std::int64_t>(0, 1000);
    if (in_.take_bool()) s.offset = in_.take_in<std::int64_t>(0, 1000);
    return s;
  }

  const relate::Table& some_table() { return in_.take_bool() ? *a_ : *b_; }

  // A non-empty choice of t's columns, each once, in table order.
  std::vector<const relate::Column*> some_columns(const relate::Table& t) {
    std::vector<const relate::Column*> out;
    for (const auto& c : t.columns()) {
      if (in_.take_bool()) out.push_back(c.get());
    }
    if (out.empty()) out.push_back(t.columns().back().get());
    return out;
  }

  relate::sql::Insert insert() {
    const relate::Table& t = some_table();
    relate::sql::Insert s = relate::sql::insert(t);
    if (in_.take_probability() < 0.9) {
      s.columns = some_columns(t);
      s.rows.resize(static_cast<std::size_t>(in_.take_in(1, 3)));
      for (auto& row : s.rows) {
        for (std::size_t i = 0; i < s.columns.size(); ++i) row.push_back(value());
      }
    }
    if (in_.take_bool()) s.returning = some_columns(t);
    return s;
  }

  relate::sql::Update update() {
    const relate::Table& t = some_table();
    relate::sql::Update s = relate::sql::update(t);
    for (const relate::Column* c : some_columns(t)) s.values.emplace_back(c, relate::sql::param(value()));
    s.where = maybe_condition(sources(t, {}));
    return s;
  }

  relate::sql::Delete remove() {
    const relate::Table& t = some_table();
    relate::sql::Delete s = relate::sql::delete_from(t);
    s.where = maybe_condition(sources(t, {}));
    return s;
  }

  relate_fuzz::FuzzInput& in_;
  std::unique_ptr<relate::Table> a_;
  std::unique_ptr<relate::Table> b_;
  std::vector<std::string> texts_;
  int serial_ = 0;
};

[[noreturn]] void finding(const std::string& what, const std::string& sql) {
  std::cerr << "sql_compiler_fuzzer: " << what << "\n  SQL: " << sql << "\n";
  std::abort();
}

// The placeholders of `sql` outside quoted names and string literals: the dialect's
// placeholder(0) repeated ("?"), or a prefix and the numbers 1..n once each ("$1",
// ":p1").
void check_placeholders(const relate::sql::CompiledStatement& s, const relate::Dialect& d) {
  const std::string first = d.placeholder(0);
  const bool numbered = first != d.placeholder(1);
  const std::string prefix =
      numbered ? first.substr(0, first.find_last_not_of("0123456789") + 1) : first;
  const char name_quote = d.quote_identifier("x").front();
  std::size_t count = 0;
  std::set<std::size_t> numbers;
  const std::string& sql = s.sql;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == name_quote || c == '\'') {
      // Quotes inside are doubled; MySQL string literals may also escape with '\'.
      for (++i; i < sql.size(); ++i) {
        if (c == '\'' && name_quote == '`' && sql[i] == '\\') {
          ++i;
        } else if (sql[i] == c) {
          if (i + 1 < sql.size() && sql[i + 1] == c) {
            ++i;
          } else {
            break;
          }
        }
      }
      if (i >= sql.size()) finding("an unterminated quote", sql);
    } else if (sql.compare(i, prefix.size(), prefix) == 0) {
      ++count;
      std::size_t j = i + prefix.size();
      if (numbered) {
        std::size_t n = 0;
        for (; j < sql.size() && sql[j] >= '0' && sql[j] <= '9'; ++j) n = n * 10 + (sql[j] - '0');
        if (j == i + prefix.size()) finding("'" + prefix + "' without a number", sql);
        if (!numbers.insert(n).second) finding("placeholder " + std::to_string(n) + " twice", sql);
      }
      i = j - 1;
    }
  }
  if (count != s.params.size()) {
    finding(std::to_string(count) + " placeholders for " + std::to_string(s.params.size()) +
                " parameters (" + std::string(d.name()) + ")",
            sql);
  }
  if (numbered && !numbers.empty() && (*numbers.begin() != 1 || *numbers.rbegin() != count)) {
    finding("placeholders are not numbered 1..n", sql);
  }
}

void check_values(const relate::sql::CompiledStatement& s, const std::vector<std::string>& texts) {
  if (s.sql.find(kValueMark) != std::string::npos) finding("a value is in the SQL text", s.sql);
  std::multiset<std::string> bound;
  for (const auto& p : s.params) {
    if (p.kind() == relate::Value::Kind::text) bound.insert(p.as_text());
  }
  for (const auto& t : texts) {
    const auto it = bound.find(t);
    if (it == bound.end()) finding("a text value is not among the parameters", s.sql);
    bound.erase(it);
  }
}

struct Sqlite {
  sqlite3* db = nullptr;
  ~Sqlite() { sqlite3_close(db); }
};

void check_sqlite_prepares(const relate::sql::CompiledStatement& s, sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v2(db, s.sql.c_str(), static_cast<int>(s.sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK)
    finding(std::string("SQLite cannot prepare it: ") + sqlite3_errmsg(db), s.sql);
  const int count = sqlite3_bind_parameter_count(stmt);
  sqlite3_finalize(stmt);
  if (static_cast<std::size_t>(count) != s.params.size()) {
    finding("SQLite counts " + std::to_string(count) + " parameters", s.sql);
  }
}

const relate::Dialect& dialect(const char* url_text) {
  const relate::Url url = relate::parse_url(url_text);
  static std::vector<std::shared_ptr<const relate::Dialect>> keep;
  keep.push_back(relate::find_backend(url, url_text)->dialect(url));
  return *keep.back();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const relate::Dialect& sqlite = dialect("sqlite://:memory:");
  static const relate::Dialect* const dialects[] = {&sqlite, &dialect("postgresql://h/db"),
                                                    &dialect("mysql://h/db")};
  relate_fuzz::FuzzInput in(data, size);
  TreeBuilder tree(in);
  tree.make_tables();

  Sqlite db;
  sqlite3_open(":memory:", &db.db);
  try {
    const relate::sql::CreateDdl ddl = relate::sql::create_ddl(tree.tables(), sqlite);
    for (const auto& table : ddl.create) {
      for (const auto& sql : table) {
        char* error = nullptr;
        if (sqlite3_exec(db.db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
          finding(std::string("SQLite refuses the DDL: ") + (error ? error : "?"), sql);
        }
      }
    }
  } catch (const relate::Error&) {
    return 0;  // a name or default the backend cannot take, refused before any SQL
  }

  const relate::sql::Statement statement = tree.statement();
  for (const relate::Dialect* d : dialects) {
    relate::sql::CompiledStatement compiled;
    try {
      compiled = relate::sql::compile(statement, *d);
    } catch (const relate::Error&) {
      continue;  // a value or name this backend cannot take: refused, with a typed error
    }
    check_values(compiled, tree.bound_texts());
    check_placeholders(compiled, *d);
    if (d == &sqlite) check_sqlite_prepares(compiled, db.db);
  }
  return 0;
}

#include "migration_source.hpp"

#include <cstdio>

#include "schema_lookup.hpp"

namespace relate::migrate {

namespace {

std::string strings(const std::vector<std::string>& list) {
  std::string out = "{";
  for (std::size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + cpp_string(list[i]);
  return out + "}";
}

std::string column_type(ColumnType type) {
  const char* name = "text";
  switch (type) {
    case ColumnType::boolean:
      name = "boolean";
      break;
    case ColumnType::small_integer:
      name = "small_integer";
      break;
    case ColumnType::integer:
      name = "integer";
      break;
    case ColumnType::big_integer:
      name = "big_integer";
      break;
    case ColumnType::real:
      name = "real";
      break;
    case ColumnType::double_precision:
      name = "double_precision";
      break;
    case ColumnType::text:
      name = "text";
      break;
    case ColumnType::blob:
      name = "blob";
      break;
    case ColumnType::timestamp:
      name = "timestamp";
      break;
  }
  return std::string("relate::ColumnType::") + name;
}

std::string action(ReferentialAction a) {
  switch (a) {
    case ReferentialAction::no_action:
      return "relate::no_action";
    case ReferentialAction::restrict:
      return "relate::restrict";
    case ReferentialAction::cascade:
      return "relate::cascade";
    case ReferentialAction::set_null:
      return "relate::set_null";
    case ReferentialAction::set_default:
      return "relate::set_default";
  }
  return "relate::no_action";
}

// Designated initializers of the members that differ from their defaults.
class Fields {
 public:
  Fields& add(const char* name, const std::string& value) {
    out_ += (out_.empty() ? "" : ", ") + std::string(".") + name + " = " + value;
    return *this;
  }
  std::string braced() const { return "{" + out_ + "}"; }

 private:
  std::string out_;
};

std::string column(const ColumnDef& c) {
  Fields f;
  f.add("name", cpp_string(c.name));
  if (!c.type.empty()) f.add("type", cpp_string(c.type));
  if (c.column_type) f.add("column_type", column_type(*c.column_type));
  if (!c.nullable) f.add("nullable", "false");
  if (c.server_default) f.add("server_default", cpp_string(*c.server_default));
  if (c.autoincrement) f.add("autoincrement", "true");
  if (c.generated) f.add("generated", "true");
  return f.braced();
}

std::string key(const KeyDef& k) {
  Fields f;
  if (!k.name.empty()) f.add("name", cpp_string(k.name));
  f.add("columns", strings(k.columns));
  return f.braced();
}

std::string index(const IndexDef& ix) {
  Fields f;
  f.add("name", cpp_string(ix.name)).add("columns", strings(ix.columns));
  if (ix.unique) f.add("unique", "true");
  return f.braced();
}

std::string foreign_key(const ForeignKeyDef& fk) {
  Fields f;
  if (!fk.name.empty()) f.add("name", cpp_string(fk.name));
  f.add("columns", strings(fk.columns)).add("referred_table", cpp_string(fk.referred_table));
  if (!fk.referred_schema.empty()) f.add("referred_schema", cpp_string(fk.referred_schema));
  f.add("referred_columns", strings(fk.referred_columns));
  if (fk.on_delete) f.add("on_delete", action(*fk.on_delete));
  if (fk.on_update) f.add("on_update", action(*fk.on_update));
  return f.braced();
}

template <class T, class F>
std::string list(const std::vector<T>& items, F write, const std::string& indent) {
  if (items.empty()) return "{}";
  std::string out = "{\n";
  for (const auto& item : items) out += indent + "    " + write(item) + ",\n";
  return out + indent + "}";
}

// A table's description, its members one to a line below `indent`.
std::string table(const TableDef& t, const std::string& indent) {
  const std::string in = indent + "    ";
  std::string out = "{.name = " + cpp_string(t.name) + ",\n";
  out += in + ".columns = " + list(t.columns, column, in) + ",\n";
  out += in + ".primary_key = " + key(t.primary_key);
  if (!t.foreign_keys.empty()) {
    out += ",\n" + in + ".foreign_keys = " + list(t.foreign_keys, foreign_key, in);
  }
  if (!t.unique_constraints.empty()) {
    out += ",\n" + in + ".unique_constraints = " + list(t.unique_constraints, key, in);
  }
  if (!t.indexes.empty()) out += ",\n" + in + ".indexes = " + list(t.indexes, index, in);
  return out + "}";
}

// What alter_column is given to make `from` into `to`.
std::string changes(const ColumnDef& from, const ColumnDef& to) {
  Fields f;
  if (from.column_type != to.column_type && to.column_type)
    f.add("type", column_type(*to.column_type));
  if (from.nullable != to.nullable) f.add("nullable", to.nullable ? "true" : "false");
  if (from.server_default != to.server_default) {
    if (to.server_default) {
      f.add("server_default", cpp_string(*to.server_default));
    } else {
      f.add("drop_default", "true");
    }
  }
  return f.braced();
}

constexpr const char* kIndent = "    ";

// One statement of a migration's upgrade or downgrade, as a user would write it:
// op.add_column("posts", {...}); an operation that cannot be said so as data.
std::string statement(const Operation& operation) {
  const std::string indent = kIndent;
  const auto call = [&](const char* method, const std::string& args) {
    return indent + "op." + method + "(" + args + ");\n";
  };
  const auto run = [&](const char* kind, const std::string& fields) {
    return indent + "op.run(relate::migrate::" + kind + "{" + fields + "});\n";
  };
  const auto t = [](const std::string& name) { return cpp_string(name) + ", "; };
  return std::visit(
      overloaded{
          [&](const CreateTable& op) { return call("create_table", table(op.table, indent)); },
          [&](const DropTable& op) { return call("drop_table", cpp_string(op.table.name)); },
          [&](const RenameTable& op) {
            return call("rename_table", t(op.from) + cpp_string(op.to));
          },
          [&](const AddColumn& op) { return call("add_column", t(op.table) + column(op.column)); },
          [&](const DropColumn& op) {
            return call("drop_column", t(op.table) + cpp_string(op.column.name));
          },
          [&](const AlterColumn& op) {
            if (op.from.type != op.to.type && !op.to.type.empty()) {
              // A type Relate does not write: the operation as data.
              return run("AlterColumn", ".table = " + t(op.table) + ".from = " + column(op.from) +
                                            ", .to = " + column(op.to));
            }
            return call("alter_column", t(op.table) + t(op.to.name) + changes(op.from, op.to));
          },
          [&](const RenameColumn& op) {
            return call("rename_column", t(op.table) + t(op.from) + cpp_string(op.to));
          },
          [&](const CreateIndex& op) {
            return call("create_index", t(op.table) + index(op.index));
          },
          [&](const DropIndex& op) {
            return call("drop_index", t(op.table) + cpp_string(op.index.name));
          },
          [&](const AddUnique& op) { return call("add_unique", t(op.table) + key(op.constraint)); },
          [&](const DropUnique& op) {
            return call("drop_unique", t(op.table) + cpp_string(op.constraint.name) + ", " +
                                           strings(op.constraint.columns));
          },
          [&](const AddForeignKey& op) {
            return call("add_foreign_key", t(op.table) + foreign_key(op.foreign_key));
          },
          [&](const DropForeignKey& op) {
            return call("drop_foreign_key", t(op.table) + cpp_string(op.foreign_key.name) + ", " +
                                                strings(op.foreign_key.columns));
          },
          [&](const Execute& op) { return call("execute", cpp_string(op.sql)); },
      },
      operation);
}

std::string body(const std::vector<Operation>& operations) {
  if (operations.empty()) {
    return std::string(kIndent) + "// Nothing to do yet: write the operations here.\n" + kIndent +
           "static_cast<void>(op);\n";
  }
  std::string out;
  for (const auto& op : operations) out += statement(op);
  return out;
}

}  // namespace

std::string cpp_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string migration_function(const std::string& id) { return "migration_" + id; }

std::string migration_source(const MigrationSource& s) {
  std::string out = "// " + one_line(s.message) + "\n//\n// Revision " + s.id + ", after " +
                    (s.parent.empty() ? std::string("none (the first)") : s.parent) +
                    ". Written by `revision` on " + s.created +
                    ":\n// review it before it runs against a database that matters.\n";
  for (const auto& note : s.notes) out += "//\n// NOTE: " + one_line(note) + "\n";
  out += "#include <relate/migrate/migration.hpp>\n\n";
  out += "relate::migrate::Migration " + migration_function(s.id) + "() {\n";
  out += "  relate::migrate::Migration m;\n";
  out += "  m.id = " + cpp_string(s.id) + ";\n";
  out += "  m.parent = " + cpp_string(s.parent) + ";\n";
  out += "  m.message = " + cpp_string(s.message) + ";\n";
  out += "  m.upgrade = [](relate::migrate::Operations& op) {\n" + body(s.upgrade) + "  };\n";
  out += "  m.downgrade = [](relate::migrate::Operations& op) {\n" + body(s.downgrade) + "  };\n";
  out += "  return m;\n}\n";
  return out;
}

std::string migrations_list_source(const std::string& function,
                                   const std::vector<std::string>& ids) {
  std::string out =
      "// Every migration of this directory, written by `revision` (which rewrites this file\n"
      "// each time it adds one).\n#include <relate/migrate/migration.hpp>\n#include <vector>\n\n";
  for (const auto& id : ids)
    out += "relate::migrate::Migration " + migration_function(id) + "();\n";
  out += "\nrelate::migrate::Migrations " + function +
         "() {\n  return relate::migrate::Migrations(std::vector<relate::migrate::Migration>{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out += std::string(i ? ",\n" : "\n") + "      " + migration_function(ids[i]) + "()";
  }
  out += "});\n}\n";
  return out;
}

}  // namespace relate::migrate

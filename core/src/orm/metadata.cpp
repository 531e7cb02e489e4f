#include <algorithm>
#include <cstdlib>
#include <relate/orm/loader.hpp>

#include "demangled_name.hpp"
#include "flush_plan.hpp"
#include "metadata_impl.hpp"
#include "topological_order.hpp"

namespace relate {

std::string member_name(const MemberRef& ref) {
  return std::string(ref.model_name) + "::" + std::string(ref.member_name);
}

// ---- MetaData (the handle) ----

MetaData::MetaData() : impl_(std::make_shared<MetaDataImpl>()) {}

Table& MetaData::add_table(std::string name) { return impl_->add_table(std::move(name)); }

const Table& MetaData::get_table(std::string_view name) const {
  for (const auto& t : impl_->tables) {
    if (t->name() == name) return *t;
  }
  throw ArgumentError("no table named '" + std::string(name) + "' in this MetaData");
}

std::vector<const Table*> MetaData::tables() const {
  std::vector<const Table*> out;
  for (const auto& t : impl_->tables) out.push_back(t.get());
  return out;
}

std::vector<const Table*> MetaData::sorted_tables() const {
  // Mapped foreign keys reach their tables when the mapping is configured.
  configure();
  return impl_->sorted_tables();
}

const Mapper* MetaData::find_mapper(std::type_index type) const {
  auto it = impl_->by_type.find(type);
  return it == impl_->by_type.end() ? nullptr : it->second;
}

const Mapper& MetaData::mapper(std::type_index type, std::string_view type_name) const {
  if (const Mapper* m = find_mapper(type)) return *m;
  const std::string name = type_name.empty() ? demangled_name(type) : std::string(type_name);
  throw MappingError("the model " + name +
                     " is not mapped in this MetaData: declare it with .table<" + name +
                     ">(\"name\", ...)");
}

void MetaData::configure() const { impl_->configure(); }

void MetaData::bind_new(InstanceState& state, std::type_index type, std::string_view type_name) const {
  configure();
  const Mapper& m = mapper(type, type_name);
  state.graph().keep(impl_);  // the object's mapping lives as long as the object
  m.bind(state, true);
}

detail::TableOptions::TableOptions() = default;
detail::TableOptions::~TableOptions() = default;
void detail::TableOptions::add(PrimaryKeyOption option) {
  options_.emplace_back(std::move(option));
}
void detail::TableOptions::add(UniqueOption option) { options_.emplace_back(std::move(option)); }
void detail::TableOptions::add(IndexOption option) { options_.emplace_back(std::move(option)); }
void detail::TableOptions::add(ColumnOption option) { options_.emplace_back(std::move(option)); }
void detail::TableOptions::add(ForeignKeyOption option) {
  options_.emplace_back(std::move(option));
}
std::vector<TableOption> detail::TableOptions::take() { return std::move(options_); }

void MetaData::add_mapper(const detail::ModelLayout& layout, std::string name,
                          detail::TableOptions& options) {
  impl_->add_mapper(blueprint(layout), std::move(name), options.take());
}

std::size_t MetaData::add_relationship(MemberRef member, std::optional<MemberRef> back_populates) {
  RelationshipSpec spec{member, back_populates};
  std::lock_guard lock(impl_->mutex);
  if (impl_->configured) {
    throw MappingError("relationship " + member_name(spec.member) +
                       " declared after the MetaData was configured (first used)");
  }
  impl_->relationship_specs.push_back(std::move(spec));
  return impl_->relationship_specs.size() - 1;
}

RelationshipSpec& MetaData::relationship_spec(std::size_t i) {
  return impl_->relationship_specs.at(i);
}

RelationshipBuilder& RelationshipBuilder::cascade(std::string options) {
  spec().cascade = std::move(options);
  return *this;
}

RelationshipBuilder& RelationshipBuilder::passive_deletes(bool on) {
  spec().passive_deletes = on ? PassiveDeletes::on : PassiveDeletes::off;
  return *this;
}

RelationshipBuilder& RelationshipBuilder::lazy(std::string strategy) {
  spec().lazy = std::move(strategy);
  return *this;
}

RelationshipBuilder& RelationshipBuilder::secondary(std::string table) {
  spec().secondary = std::move(table);
  return *this;
}

RelationshipBuilder& RelationshipBuilder::secondary_columns(std::vector<std::string> parent,
                                                            std::vector<std::string> target) {
  spec().secondary_parent_columns = std::move(parent);
  spec().secondary_target_columns = std::move(target);
  return *this;
}

RelationshipBuilder& RelationshipBuilder::secondary_columns(std::string parent,
                                                            std::string target) {
  return secondary_columns(std::vector<std::string>{std::move(parent)},
                           std::vector<std::string>{std::move(target)});
}

RelationshipBuilder& RelationshipBuilder::secondary_on_delete(ReferentialAction action) {
  spec().secondary_on_delete = action;
  return *this;
}

RelationshipBuilder& RelationshipBuilder::post_update(bool on) {
  spec().post_update = on;
  return *this;
}

RelationshipBuilder& RelationshipBuilder::primaryjoin(const Condition& condition) {
  spec().primaryjoin = condition.expr();
  return *this;
}

RelationshipBuilder& RelationshipBuilder::secondaryjoin(const Condition& condition) {
  spec().secondaryjoin = condition.expr();
  return *this;
}

RelationshipBuilder& RelationshipBuilder::viewonly(bool on) {
  spec().viewonly = on;
  return *this;
}

RelationshipBuilder& RelationshipBuilder::add_order_by(MemberRef member, bool descending) {
  spec().order_by.emplace_back(member, descending);
  return *this;
}

RelationshipBuilder& RelationshipBuilder::set_backref(MemberRef member) {
  spec().back_populates = member;
  return *this;
}

void RelationshipBuilder::add_foreign_key(MemberRef member) {
  spec().foreign_keys.push_back(member);
}

RelationshipBuilder& RelationshipBuilder::passive_deletes(std::string_view mode) {
  if (mode == "all") {
    spec().passive_deletes = PassiveDeletes::all;
  } else if (mode == "true" || mode == "on") {
    spec().passive_deletes = PassiveDeletes::on;
  } else {
    throw MappingError("passive_deletes of " + member_name(spec().member) +
                       " must be true, false or \"all\", not \"" + std::string(mode) + "\"");
  }
  return *this;
}

// ---- tables ----

Table& MetaDataImpl::add_table(std::string name) {
  std::lock_guard lock(mutex);
  for (const auto& t : tables) {
    if (t->name() == name) throw MappingError("table '" + name + "' is declared twice");
  }
  tables.push_back(std::make_unique<Table>(std::move(name)));
  return *tables.back();
}

void MetaDataImpl::add_mapper(Mapper::Blueprint bp, std::string name,
                              std::vector<TableOption> options) {
  if (by_type.count(bp.type)) {
    throw MappingError("the model " + std::string(bp.name) + " is mapped twice in this MetaData");
  }
  if (name.empty()) {
    throw MappingError("the model " + std::string(bp.name) +
                       " is mapped to a table with an empty name: give .table<" +
                       std::string(bp.name) + ">(\"name\", ...) a name");
  }
  Table& table = add_table(std::move(name));
  auto mapper = std::make_unique<Mapper>(std::move(bp));
  Mapper& m = *mapper;
  m.metadata_ = this;
  m.table_ = &table;
  m.column_of_field_.assign(m.bp_.field_names.size(), std::nullopt);
  for (std::size_t i = 0; i < m.bp_.columns.size(); ++i) {
    auto& cf = m.bp_.columns[i];
    Column& c = table.add_column(std::string(cf.member), m.bp_.types[i]);
    c.set_nullable(m.bp_.nullable[i]);
    cf.column = &c;
    m.column_of_field_[cf.field] = i;
  }
  for (const auto& option : options) apply_option(m, table, option);
  if (m.primary_key_.empty()) {
    throw MappingError("table '" + table.name() + "' of " + std::string(m.name()) +
                       " has no primary key: add relate::primary_key(&" + std::string(m.name()) +
                       "::id) or the members that form it");
  }
  by_type[m.type()] = &m;
  mappers.push_back(std::move(mapper));
}

Mapper& MetaDataImpl::mapper_of(const MemberRef& ref, std::string_view context) const {
  auto it = by_type.find(ref.model);
  if (it == by_type.end()) {
    throw MappingError(std::string(context) + " refers to " + member_name(ref) + ", but " +
                       std::string(ref.model_name) + " is not mapped in this MetaData");
  }
  return *it->second;
}

std::size_t MetaDataImpl::column_index(const Mapper& m, const MemberRef& ref,
                                       std::string_view context) const {
  if (ref.model != m.type()) {
    throw MappingError(std::string(context) + " names " + member_name(ref) +
                       ", which is not a member of " + std::string(m.name()));
  }
  auto column = m.column_of_field(ref.field);
  if (!column) {
    throw MappingError(std::string(context) + " names " + member_name(ref) +
                       ", which is a relationship, not a column");
  }
  return *column;
}

namespace {
std::vector<const Column*> columns_of(const Mapper& m, const std::vector<std::size_t>& idx) {
  std::vector<const Column*> out;
  for (auto i : idx) out.push_back(m.columns()[i].column);
  return out;
}
}  // namespace

void MetaDataImpl::apply_option(Mapper& m, Table& table, const TableOption& option) {
  const std::string ctx = "table '" + table.name() + "'";
  auto indexes = [&](const std::vector<MemberRef>& refs, std::string_view what) {
    std::vector<std::size_t> out;
    for (const auto& r : refs) out.push_back(column_index(m, r, ctx + " " + std::string(what)));
    return out;
  };
  std::visit(
      [&](const auto& o) {
        using O = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<O, PrimaryKeyOption>) {
          if (!m.primary_key_.empty()) throw MappingError(ctx + " declares primary_key twice");
          m.primary_key_ = indexes(o.members, "primary_key");
          for (auto i : m.primary_key_)
            table.column(m.columns()[i].column->name()).set_primary_key();
          if (m.primary_key_.size() == 1) {
            Column& c = table.column(m.columns()[m.primary_key_[0]].column->name());
            const bool integer = c.type() == ColumnType::integer ||
                                 c.type() == ColumnType::big_integer ||
                                 c.type() == ColumnType::small_integer;
            c.set_autoincrement(o.autoincrement.value_or(integer) && integer);
          }
        } else if constexpr (std::is_same_v<O, UniqueOption>) {
          table.add_unique(columns_of(m, indexes(o.members, "unique")), o.name);
        } else if constexpr (std::is_same_v<O, IndexOption>) {
          table.add_index(columns_of(m, indexes(o.members, "index")), o.unique, o.name);
        } else if constexpr (std::is_same_v<O, ColumnOption>) {
          const std::size_t i = column_index(m, o.member, ctx + " column()");
          Column& c = table.column(m.columns()[i].column->name());
          if (o.is_nullable) c.set_nullable(*o.is_nullable);
          if (o.default_value) c.set_default(*o.default_value);
          if (o.column_name) {
            if (o.column_name->empty()) {
              throw MappingError(ctx + ": column(" + member_name(o.member) +
                                 ").name() was given an empty name");
            }
            // Rebuild the name: columns are looked up by name, so rename in place.
            if (table.find_column(*o.column_name)) {
              throw MappingError(ctx + " already has a column named '" + *o.column_name + "'");
            }
            c.name_ = *o.column_name;
          }
        } else if constexpr (std::is_same_v<O, ForeignKeyOption>) {
          indexes(o.columns, "foreign_key");  // checked now, resolved at configure()
          pending_foreign_keys_.push_back(PendingForeignKey{&m, o});
        }
      },
      option);
}

void MetaDataImpl::resolve_foreign_key(const PendingForeignKey& fk) {
  Mapper& m = *fk.mapper;
  const std::string ctx = "foreign_key(" + member_name(fk.option.columns.front()) + " -> " +
                          member_name(fk.option.referred.front()) + ")";
  if (fk.option.columns.size() != fk.option.referred.size()) {
    throw MappingError(ctx + " has " + std::to_string(fk.option.columns.size()) +
                       " columns but refers to " + std::to_string(fk.option.referred.size()));
  }
  Mapper& target = mapper_of(fk.option.referred.front(), ctx);
  std::vector<std::size_t> local, remote;
  for (const auto& r : fk.option.columns) local.push_back(column_index(m, r, ctx));
  for (const auto& r : fk.option.referred) remote.push_back(column_index(target, r, ctx));
  // The referred columns must be the target's primary key or a unique key.
  std::vector<std::size_t> sorted_remote = remote;
  std::sort(sorted_remote.begin(), sorted_remote.end());
  std::vector<std::size_t> pk = target.primary_key();
  std::sort(pk.begin(), pk.end());
  bool is_key = sorted_remote == pk;
  if (!is_key && remote.size() == 1) is_key = target.columns()[remote[0]].column->unique();
  for (const auto& u : target.table().unique_constraints()) {
    std::vector<const Column*> cols = columns_of(target, remote);
    if (std::is_permutation(cols.begin(), cols.end(), u.columns.begin(), u.columns.end())) {
      is_key = true;
    }
  }
  if (!is_key) {
    throw MappingError(ctx + ": the referred columns of table '" + target.table().name() +
                       "' are not its primary key or a unique key");
  }
  for (std::size_t i = 0; i < local.size(); ++i) {
    const Column& from = *m.columns()[local[i]].column;
    const Column& to = *target.columns()[remote[i]].column;
    if (from.type() != to.type()) {
      throw MappingError(
          ctx + ": " + member_name(fk.option.columns[i]) + " is " +
          std::string(column_type_name(from.type())) + " (column '" + m.table().name() + "." +
          from.name() + "') but " + member_name(fk.option.referred[i]) + " is " +
          std::string(column_type_name(to.type())) + " (column '" + target.table().name() + "." +
          to.name() + "'): give both members the same type");
    }
  }
  auto& table = const_cast<Table&>(m.table());
  if (fk.option.force_not_null) {
    for (auto i : local) table.column(m.columns()[i].column->name()).set_nullable(false);
  }
  table.add_foreign_key(columns_of(m, local), target.table(), columns_of(target, remote),
                        fk.option.delete_action, fk.option.update_action,
                        fk.option.constraint_name);
  if (fk.option.delete_action == ReferentialAction::set_null) {
    for (auto i : local) {
      if (!m.columns()[i].column->nullable()) {
        throw MappingError(ctx + ": ON DELETE SET NULL needs a nullable column, but " +
                           std::string(m.name()) + "::" + std::string(m.columns()[i].member) +
                           " is not std::optional");
      }
    }
  }
}

void MetaDataImpl::configure() {
  std::lock_guard lock(mutex);
  if (configured) return;
  try {
    for (const auto& fk : pending_foreign_keys_) resolve_foreign_key(fk);
    pending_foreign_keys_.clear();
    for (const auto& spec : relationship_specs) configure_relationship(spec);
    for (const auto& m : mappers) {
      for (const auto& f : m->relationship_fields()) {
        if (!f.property) {
          throw MappingError(std::string(m->name()) + "::" + std::string(f.member) +
                             " is a relationship member, but no relationship() declares it");
        }
      }
    }
    // What each mapper's rows depend on, for the unit of work.
    for (const auto& r : relationships) {
      if (r->viewonly()) continue;
      const_cast<Mapper&>(r->parent()).written_.push_back(r.get());
      if (r->direction() == RelationshipDirection::many_to_many) continue;
      const_cast<Mapper&>(r->foreign_mapper()).dependents_.push_back(r.get());
    }
    flush_plan_ = std::make_unique<const FlushPlan>(*this);
  } catch (...) {
    // Leave the MetaData as declared so the error repeats on every use.
    for (const auto& m : mappers) {
      m->relationships_.clear();
      m->dependents_.clear();
      m->written_.clear();
      for (auto& f : m->bp_.relationships) f.property = nullptr;
    }
    relationships.clear();
    throw;
  }
  configured = true;
}

std::vector<const Table*> MetaDataImpl::sorted_tables() const {
  // Referred tables first, declaration order among equals; self-references ignored
  // and cycles broken in declaration order (their foreign keys are written inline).
  std::unordered_map<const Table*, std::size_t> index;
  for (std::size_t i = 0; i < tables.size(); ++i) index.emplace(tables[i].get(), i);
  std::vector<detail::OrderEdge> edges;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    for (const auto& fk : tables[i]->foreign_keys()) {
      if (auto it = index.find(fk.referred_table); it != index.end())
        edges.emplace_back(it->second, i);
    }
  }
  std::vector<const Table*> out;
  for (std::size_t i : detail::topological_order(tables.size(), edges))
    out.push_back(tables[i].get());
  return out;
}

}  // namespace relate

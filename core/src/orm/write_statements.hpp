// The statements of the ORM's typed writes (relate/orm/bulk.hpp, relate/orm/upsert.hpp)
// as Core statement trees, every member resolved to its column through the MetaData.
// The Session runs them as a unit of work of one statement (bulk_write.cpp,
// upsert.cpp); relate::execute runs them on a Connection (core_execute.cpp). Each
// throws ArgumentError, before any statement, for what cannot be written.
#pragma once

#include <relate/orm/bulk.hpp>
#include <relate/orm/upsert.hpp>
#include <relate/sql/statement.hpp>
#include <vector>

namespace relate {

class MetaData;
class Mapper;

sql::Update bulk_update_statement(const MetaData& metadata, const Mapper& mapper,
                                  const BulkSpec& spec);
sql::Delete bulk_delete_statement(const MetaData& metadata, const Mapper& mapper,
                                  const BulkSpec& spec);
// `rows` point to objects of `mapper`'s model; there is at least one.
sql::Insert upsert_statement(const Mapper& mapper, const std::vector<const void*>& rows,
                             const UpsertSpec& spec);

}  // namespace relate

// Reading a relationship from the parent query's own rows (QuerySetup::read_rows): the
// target's columns, under the name the query gives the target's rows, become objects,
// and each parent's relationship is set from the rows that came with it. What
// "joined" (which adds the join) and "contains_eager" (which finds the query's own
// join) share.
#pragma once

#include <memory>
#include <relate/orm/loader.hpp>
#include <string>

namespace relate {

// Adds the columns of `rel`'s target, qualified by `alias`, to `query`, and the
// strategies of the target's own relationships that read from the same statement;
// returns what reads them row by row.
std::unique_ptr<RowLoader> read_joined_rows(SessionImpl& session, const RelationshipProperty& rel,
                                            sql::Select& query, const std::string& alias,
                                            const std::shared_ptr<QueryLoad>& load);

}  // namespace relate

// The one topological sort of the ORM: tables for create_all, actions of a flush.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace relate::detail {

// An edge (a, b): node a must come before node b.
using OrderEdge = std::pair<std::size_t, std::size_t>;

// Orders the nodes 0..n-1 so that every edge's first node comes before its second.
// Among nodes free to go next, the lowest index goes first, so an order without
// constraints is the nodes' own (declaration order). A cycle is broken by taking the
// lowest-index node left; edges from a node to itself are ignored.
std::vector<std::size_t> topological_order(std::size_t n, const std::vector<OrderEdge>& edges);

}  // namespace relate::detail

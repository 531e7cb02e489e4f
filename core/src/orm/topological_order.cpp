#include "topological_order.hpp"

#include <set>

namespace relate::detail {

std::vector<std::size_t> topological_order(std::size_t n, const std::vector<OrderEdge>& edges) {
  std::vector<std::vector<std::size_t>> after(n);
  std::vector<std::size_t> waiting_for(n, 0);
  for (const auto& [a, b] : edges) {
    if (a == b) continue;
    after[a].push_back(b);
    ++waiting_for[b];
  }
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < n; ++i) {
    if (waiting_for[i] == 0) ready.insert(i);
  }
  std::vector<bool> placed(n, false);
  std::vector<std::size_t> out;
  out.reserve(n);
  while (out.size() < n) {
    std::size_t next = n;
    if (!ready.empty()) {
      next = *ready.begin();
      ready.erase(ready.begin());
    } else {
      // A cycle: its lowest-index node goes first.
      for (std::size_t i = 0; i < n && next == n; ++i) {
        if (!placed[i]) next = i;
      }
    }
    placed[next] = true;
    out.push_back(next);
    for (std::size_t b : after[next]) {
      if (!placed[b] && --waiting_for[b] == 0) ready.insert(b);
    }
  }
  return out;
}

}  // namespace relate::detail

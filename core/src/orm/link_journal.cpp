#include "link_journal.hpp"

#include <relate/orm/attributes.hpp>
#include <relate/orm/relationship.hpp>

#include "session_impl.hpp"

namespace relate {

void LinkJournal::undo(const SessionImpl& session) {
  // An object another Session holds now is that Session's.
  const auto ours = [&session](const InstanceState* end) {
    return !end->session() || end->session() == &session;
  };
  for (const auto& [link, net] : net_) {
    const auto& [rel, parent, target] = link;
    if (net == 0 || !ours(parent) || !ours(target)) continue;
    const bool row_exists = net < 0;
    rel->attribute(parent->object()).restore_link(target, row_exists);
    if (const RelationshipProperty* back = rel->back_populates()) {
      back->attribute(target->object()).restore_link(parent, row_exists);
    }
  }
  net_.clear();
}

}  // namespace relate

// How a Session behaves, chosen when it is made: Session(engine, metadata, {...}).
#pragma once

namespace relate {

struct SessionOptions {
  // Flush before an ORM query (select, get() that misses the identity map, a column
  // select, from_statement) and before a lazy load when the Session holds new objects,
  // deletions or changed relationships, so that what runs sees the Session's changes
  // (SQLAlchemy's autoflush). Session::no_autoflush() turns it off for a scope.
  bool autoflush = true;
  // Expire every persistent object at commit(), so that its members load again at
  // their next access through a handle (SQLAlchemy's expire_on_commit, on there by
  // default). Off by default here: objects keep their values past commit() and
  // close(), and a reference to an object reads them as they are.
  bool expire_on_commit = false;
};

}  // namespace relate

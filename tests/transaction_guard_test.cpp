// Transactions for the length of a scope: session.begin() and engine.begin() commit
// when the scope is left normally and roll back when an exception leaves it, as
// SQLAlchemy's `with session.begin():` and `with engine.begin() as conn:` do.
#include <stdexcept>

#include "test_support.hpp"

namespace transaction_guard_test {

using relate_test::Post;
using relate_test::Rows;
using relate_test::User;

namespace {

class TransactionGuardTest : public relate_test::DatabaseTest {
 protected:
  TransactionGuardTest() : md(create(relate_test::seed_metadata())) {}
  relate::MetaData md;
};

TEST_P(TransactionGuardTest, TheEndOfTheScopeCommitsTheSessionsWork) {
  relate::Session session(engine, md);
  relate_test::StatementLog log(engine);
  {
    auto tx = session.begin();
    auto ann = session.add(User{.name = "Ann"});
    ann->posts.add(Post{.title = "Hello"});
  }
  EXPECT_EQ(rows("SELECT u.name, p.title FROM users u JOIN posts p ON p.user_id = u.id"),
            (Rows{{"Ann", "Hello"}}));
  EXPECT_EQ(log.lines.size(), 2u);  // the two INSERTs
}

TEST_P(TransactionGuardTest, AnExceptionLeavingTheScopeRollsTheSessionBack) {
  relate::Session session(engine, md);
  auto ann = session.add(User{.name = "Ann"});
  session.commit();
  try {
    auto tx = session.begin();
    ann->name = "Annie";
    session.add(User{.name = "Bob"});
    session.flush();
    throw std::runtime_error("the request failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(rows("SELECT name FROM users"), (Rows{{"Ann"}}));
  EXPECT_EQ(ann->name, "Ann");  // as rollback() leaves it
  session.add(User{.name = "Cy"});
  session.commit();  // the Session goes on
  EXPECT_EQ(count_rows("users"), 2);
}

TEST_P(TransactionGuardTest, ACommitAtTheEndOfTheScopeThrowsWhatItMeets) {
  relate::Session session(engine, md);
  session.add(User{.name = "Ann", .email = "a@example.com"});
  session.commit();
  auto fails = [&] {
    auto tx = session.begin();
    session.add(User{.name = "Bob", .email = "a@example.com"});  // unique
  };
  EXPECT_THROW(fails(), relate::IntegrityError);
  EXPECT_THROW(session.scalars(relate::select<User>()), relate::PendingRollbackError);
  session.rollback();
  EXPECT_EQ(count_rows("users"), 1);
}

TEST_P(TransactionGuardTest, AnEndedTransactionLeavesNothingForTheScopeToDo) {
  relate::Session session(engine, md);
  {
    auto tx = session.begin();
    session.add(User{.name = "Ann"});
    tx.rollback();
    EXPECT_FALSE(tx.active());
    session.add(User{.name = "Bob"});  // the next transaction, not the guard's
  }
  EXPECT_EQ(count_rows("users"), 0);
  {
    auto tx = session.begin();  // Bob is still pending
    session.commit();           // the Session's own commit ends the guard's transaction
    EXPECT_FALSE(tx.active());
  }
  EXPECT_EQ(rows("SELECT name FROM users"), (Rows{{"Bob"}}));
}

TEST_P(TransactionGuardTest, BeginInsideATransactionIsRefused) {
  relate::Session session(engine, md);
  session.add(User{.name = "Ann"});
  session.flush();  // the transaction has begun
  EXPECT_THROW(static_cast<void>(session.begin()), relate::InvalidRequestError);
  session.commit();
  auto tx = session.begin();
  EXPECT_THROW(static_cast<void>(session.begin()), relate::InvalidRequestError);
}

TEST_P(TransactionGuardTest, EngineBeginCommitsOrRollsBackItsConnection) {
  {
    auto tx = engine.begin();
    tx->execute(relate::text("INSERT INTO users (id, name) VALUES (1, 'Ann')"));
  }
  try {
    auto tx = engine.begin();
    tx->execute(relate::text("INSERT INTO users (id, name) VALUES (2, 'Bob')"));
    throw std::runtime_error("give up");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(rows("SELECT id, name FROM users"), (Rows{{"1", "Ann"}}));
}

TEST_P(TransactionGuardTest, AGuardOnAConnectionTheCallerKeepsLeavesItUsable) {
  relate::Connection connection = engine.connect();
  {
    relate::Transaction tx(connection);
    connection.execute(relate::text("INSERT INTO users (id, name) VALUES (1, 'Ann')"));
  }
  EXPECT_FALSE(connection.in_transaction());
  {
    relate::Transaction tx(connection);
    connection.execute(relate::text("INSERT INTO users (id, name) VALUES (2, 'Bob')"));
    tx.rollback();
    tx.commit();  // ended: nothing to do
    EXPECT_FALSE(tx.active());
  }
  EXPECT_EQ(rows("SELECT name FROM users"), (Rows{{"Ann"}}));
}

RELATE_ON_EVERY_BACKEND(TransactionGuardTest);

}  // namespace
}  // namespace transaction_guard_test

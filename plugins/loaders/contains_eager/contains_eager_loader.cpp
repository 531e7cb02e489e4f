// "contains_eager": the relationship comes from rows the query already joins, as
// SQLAlchemy's contains_eager. select<Book>().join(&Book::author).where(...)
// .options(contains_eager(&Book::author)) filters on the authors and loads them with
// the books, in one statement; the query's own join (or the alias the option names)
// supplies the rows, and a collection holds the rows the query kept. Nothing is
// joined or ordered here: LIMIT/OFFSET count the query's rows, as written.
#include <relate/errors.hpp>
#include <relate/orm/loader.hpp>
#include <relate/orm/relationship.hpp>

#include "../strategies.hpp"

namespace relate::loaders {

namespace {

class ContainsEagerLoader final : public LoaderStrategy {
 public:
  std::string_view name() const override { return "contains_eager"; }

  std::unique_ptr<RowLoader> setup_query(QuerySetup& setup) const override {
    const std::string* alias = setup.joined_alias();
    if (!alias) {
      throw ArgumentError("contains_eager(" + setup.relationship().name() +
                          "): the query does not join it; join the relationship "
                          "(join(&Parent::member)) or name the alias that holds its rows "
                          "(a LIMIT beside a joinedload of a collection moves the query's "
                          "joins into a subquery, out of reach)");
    }
    return setup.read_rows(*alias);
  }

  // An object that did not come from such a query: one SELECT for it.
  void on_access(const LoadContext& context) const override {
    context.load_in_batches(context.parents(), 1);
  }
};

}  // namespace

std::shared_ptr<const LoaderStrategy> make_contains_eager_loader() {
  return std::make_shared<ContainsEagerLoader>();
}

}  // namespace relate::loaders

// The tree example: a self-referential category tree (an adjacency list on one
// table). Children are inserted after their parents, and deleting a category deletes
// its whole subtree, deepest rows first.
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <relate/relate.hpp>
#include <string>

struct Category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;
  relate::one<Category> parent;
  relate::many<Category> children;
};

namespace {

relate::MetaData tree_metadata() {
  return relate::MetaData{}
      .table<Category>("categories", relate::primary_key(&Category::id),
                       relate::foreign_key(&Category::parent_id, &Category::id))
      .relationship(&Category::children, &Category::parent)
      .cascade("all, delete-orphan")
      .order_by(&Category::name);
}

void print(const relate::ptr<Category>& node, int depth) {
  std::cout << std::string(static_cast<std::size_t>(depth) * 2, ' ') << "- " << node->name
            << " (id " << node->id << ")\n";
  for (const auto& child : node->children) print(child, depth + 1);
}

}  // namespace

int main() {
  const std::string url = relate::url_from_env("RELATE_DATABASE_URL", "sqlite:///tree.db");
  try {
    if (url == "sqlite:///tree.db") std::filesystem::remove("tree.db");
    auto engine = relate::create_engine(url);
    std::vector<std::string> statements;
    engine.add_listener([&statements](const relate::StatementEvent& e) {
      std::string line(e.sql);
      for (const auto& p : e.params) line += " [" + p.to_string() + "]";
      statements.push_back(std::move(line));
    });
    const relate::MetaData tree = tree_metadata();
    engine.drop_all(tree);
    engine.create_all(tree);
    std::cout << "Relate tree example on " << engine.url().to_string() << "\n\n";

    {
      relate::Session session(engine, tree);
      // Built bottom-up: the flush still writes parents first.
      auto laptops = relate::make(tree, Category{.name = "Laptops"});
      auto phones = relate::make(tree, Category{.name = "Phones"});
      auto electronics = relate::make(tree, Category{.name = "Electronics"});
      electronics->children.push_back(laptops);
      electronics->children.push_back(phones);
      phones->children.add(Category{.name = "Smartphones"});
      auto root = relate::make(tree, Category{.name = "Catalogue"});
      root->children.push_back(electronics);
      root->children.add(Category{.name = "Books"});
      session.add(phones);  // the cascade brings in the rest of the tree
      session.commit();
    }

    relate::Session session(engine, tree);
    auto root =
        session
            .scalars(relate::select<Category>().where(relate::col(&Category::parent_id).is_null()))
            .one();
    print(root, 0);

    auto electronics = session
                           .scalars(relate::select<Category>().where(relate::col(&Category::name) ==
                                                                     "Electronics"))
                           .one();
    session.remove(electronics);
    statements.clear();
    session.commit();
    std::cout << "\nDeleted Electronics and its subtree, deepest rows first:\n";
    for (const auto& sql : statements) {
      if (sql.rfind("DELETE", 0) == 0) std::cout << "  " << sql << "\n";
    }
    std::cout << "\n";
    print(root, 0);
    return 0;
  } catch (const relate::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

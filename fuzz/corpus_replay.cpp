// Runs a fuzz target without libFuzzer, for the smoke run `make test` does with the
// test build's own compiler and sanitizers: every file of the corpus directories given,
// then --mutations=N inputs made from them by a few random edits each (fixed seed, so a
// failure repeats). The target aborts on a finding; this program then fails too.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

std::string mutated(std::string input, std::mt19937_64& random) {
  const int edits = 1 + static_cast<int>(random() % 4);
  for (int e = 0; e < edits; ++e) {
    const std::size_t at = input.empty() ? 0 : random() % (input.size() + 1);
    switch (random() % 4) {
      case 0:  // flip a byte
        if (at < input.size()) input[at] = static_cast<char>(random());
        break;
      case 1:  // insert a byte
        input.insert(at, 1, static_cast<char>(random()));
        break;
      case 2:  // delete a run
        if (at < input.size()) input.erase(at, 1 + random() % 4);
        break;
      default:  // repeat a run
        if (at < input.size()) input.insert(at, input.substr(at, 1 + random() % 8));
        break;
    }
  }
  return input;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mutations = 0;
  std::vector<std::string> corpus;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.rfind("--mutations=", 0) == 0) {
      mutations = std::stoul(std::string(arg.substr(12)));
      continue;
    }
    for (const auto& entry : std::filesystem::directory_iterator(arg)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream file(entry.path(), std::ios::binary);
      corpus.emplace_back(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }
  }
  if (corpus.empty()) {
    std::cerr << "corpus_replay: no corpus files in the directories given\n";
    return 1;
  }
  for (const auto& input : corpus) run(input);
  std::mt19937_64 random(20261122);
  for (std::size_t i = 0; i < mutations; ++i)
    run(mutated(corpus[random() % corpus.size()], random));
  std::cout << "corpus_replay: " << corpus.size() << " corpus inputs and " << mutations
            << " mutations ran without a finding\n";
  return 0;
}

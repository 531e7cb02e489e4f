#include "dense_memory.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace relate::detail {

DenseBlock allocate_dense(std::size_t bytes) {
  DenseBlock block;
  if (bytes < huge_page_size) {
    block.storage = std::make_unique_for_overwrite<std::byte[]>(bytes);
    block.start = block.storage.get();
    return block;
  }
  block.storage = std::make_unique_for_overwrite<std::byte[]>(bytes + huge_page_size);
  const auto at = reinterpret_cast<std::uintptr_t>(block.storage.get());
  const std::uintptr_t aligned = (at + huge_page_size - 1) & ~(std::uintptr_t{huge_page_size} - 1);
  block.start = block.storage.get() + (aligned - at);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // Advice only: where transparent huge pages are off, or the call fails, the block is
  // ordinary memory.
  const std::size_t whole_pages = bytes & ~(huge_page_size - 1);
  (void)madvise(block.start, whole_pages, MADV_HUGEPAGE);
#endif
  return block;
}

}  // namespace relate::detail

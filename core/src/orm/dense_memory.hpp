// Dense memory: the large blocks a Session fills from end to end and keeps (the object
// graph's blocks, the identity map's table).
//
// Loading a hundred thousand objects writes tens of megabytes that nothing touched
// before, and the first write to each 4 KiB page is a page fault: measured on
// load_selectin, faults were a third of the load. A block of a huge page (2 MiB) or
// more therefore starts at a huge-page boundary, and on Linux is advised as a huge-page
// candidate (MADV_HUGEPAGE), so the kernel can map it with one fault per 2 MiB when
// transparent huge pages are enabled ("always" or "madvise"). Alignment costs address
// space, not memory: the block is over-allocated by up to one huge page, and the pages
// of that slack are never touched.
#pragma once

#include <cstddef>
#include <memory>

namespace relate::detail {

inline constexpr std::size_t huge_page_size = std::size_t{2} << 20;

struct DenseBlock {
  std::unique_ptr<std::byte[]> storage;  // owns the memory (what it points at is not `start`)
  std::byte* start = nullptr;            // `bytes` of uninitialised memory
};

// `bytes` of uninitialised memory, aligned for any object, and on a huge-page boundary
// when `bytes` is at least huge_page_size.
DenseBlock allocate_dense(std::size_t bytes);

}  // namespace relate::detail

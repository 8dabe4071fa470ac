// Heap allocation counter for tests: every operator new and malloc/calloc/realloc/
// posix_memalign/aligned_alloc call is counted while g_counting is set. The C allocators are
// reached through -Wl,--wrap (set on the targets that link alloc_counter.cpp), so calls from
// inside liboctet.a are seen too.
#pragma once
#include <atomic>

extern std::atomic<bool> g_counting;
extern std::atomic<long> g_allocations;

// Shared helpers of the NEON pooling suites (pool_max_test.cpp, pool_avg_test.cpp): random pool
// layers and buffers, and the comparison of every runnable path against the oracle's bytes on
// guard-filled outputs.
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "dw_test_util.h"
#include "kernels/neon/pool.h"

namespace octet::pooltest {

using dwtest::rnd;

// Fills every output byte before a run: bytes a kernel must not write (pixel stride padding) keep it.
constexpr int8_t kGuard = 0x5A;

// out_h / out_w of g for extra bottom / right padding; false if the pool has no output.
inline bool set_output_size(PoolGeometry& g, int pad_bottom, int pad_right) {
  g.out_h = ConvGeometry::out_extent(g.in_h, g.kernel_h, g.stride_h, 1, g.pad_top + pad_bottom);
  g.out_w = ConvGeometry::out_extent(g.in_w, g.kernel_w, g.stride_w, 1, g.pad_left + pad_right);
  return g.out_h >= 1 && g.out_w >= 1;
}

// Any pool up to max_k x max_k, padding below the kernel.
inline PoolGeometry random_pool(std::mt19937& rng, int max_k) {
  static const int kChannels[] = {1, 3, 7, 8, 9, 16, 17, 31, 40};
  for (;;) {
    PoolGeometry g;
    g.batch = rnd(rng, 1, 2);
    g.in_h = rnd(rng, 1, 9);
    g.in_w = rnd(rng, 1, 9);
    g.channels = kChannels[rnd(rng, 0, 8)];
    g.kernel_h = rnd(rng, 1, max_k);
    g.kernel_w = rnd(rng, 1, max_k);
    g.stride_h = rnd(rng, 1, 3);
    g.stride_w = rnd(rng, 1, 3);
    const int pt = rnd(rng, 0, g.kernel_h - 1), pb = rnd(rng, 0, g.kernel_h - 1);
    const int pl = rnd(rng, 0, g.kernel_w - 1), pr = rnd(rng, 0, g.kernel_w - 1);
    g.pad_top = pt;
    g.pad_left = pl;
    if (set_output_size(g, pb, pr)) return g;
  }
}

// Pixel strides (case i: some wider than the channels) and random input for g.
struct Buffers {
  int in_stride, out_stride;
  std::vector<int8_t> input;
  size_t out_size;
};

inline Buffers make_buffers(std::mt19937& rng, const PoolGeometry& g, int i) {
  Buffers b;
  b.in_stride = g.channels + (i % 3 == 1 ? rnd(rng, 1, 4) : 0);
  b.out_stride = g.channels + (i % 4 == 2 ? rnd(rng, 1, 4) : 0);
  b.input = dwtest::random_bytes(rng, static_cast<size_t>(g.batch) * g.in_h * g.in_w * b.in_stride);
  b.out_size = static_cast<size_t>(g.batch) * g.out_h * g.out_w * b.out_stride;
  return b;
}

// run(path, out, r0, r1) over the ranges [cuts[j], cuts[j + 1]) into guard bytes: the oracle's
// bytes, every run accepted?
template <typename Run>
::testing::AssertionResult runs_match(Run& run, neon::Isa path, const std::vector<int>& cuts,
                                      const std::vector<int8_t>& expected) {
  std::vector<int8_t> out(expected.size(), kGuard);
  for (size_t j = 0; j + 1 < cuts.size(); ++j)
    if (!run(path, out.data(), cuts[j], cuts[j + 1]))
      return ::testing::AssertionFailure() << "run [" << cuts[j] << ", " << cuts[j + 1] << ") refused";
  if (std::memcmp(out.data(), expected.data(), out.size()) != 0)
    return ::testing::AssertionFailure() << "output differs from the oracle's";
  return ::testing::AssertionSuccess();
}

// Every runnable path: the whole range, then [0, r1) + [r1, rows) at a random r1.
template <typename Run>
void compare_split(std::mt19937& rng, int rows, const std::vector<int8_t>& expected, Run run) {
  for (neon::Isa path : dwtest::runnable_paths()) {
    SCOPED_TRACE(neon::isa_name(path));
    ASSERT_TRUE(runs_match(run, path, {0, rows}, expected));
    const int r1 = rnd(rng, 0, rows);
    ASSERT_TRUE(runs_match(run, path, {0, r1, rows}, expected)) << "split run";
  }
}

// Every runnable path, every row split: [0, r1) + [r1, rows) for each r1, then one row at a time.
template <typename Run>
void compare_all_splits(int rows, const std::vector<int8_t>& expected, Run run) {
  for (neon::Isa path : dwtest::runnable_paths()) {
    SCOPED_TRACE(neon::isa_name(path));
    for (int r1 = 0; r1 <= rows; ++r1)
      ASSERT_TRUE(runs_match(run, path, {0, r1, rows}, expected)) << "split at row " << r1;
    std::vector<int> rows_one_by_one(rows + 1);
    for (int r = 0; r <= rows; ++r) rows_one_by_one[r] = r;
    ASSERT_TRUE(runs_match(run, path, rows_one_by_one, expected)) << "row by row";
  }
}

}  // namespace octet::pooltest

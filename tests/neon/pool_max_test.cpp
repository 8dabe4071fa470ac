// NEON max pooling vs the oracle, bit for bit, on every runnable path: random pools, the shapes of
// the row fast path and their neighbours, and every tap of the fast path's windows.
#include <gtest/gtest.h>

#include <string>

#include "pool_test_util.h"

namespace octet {
namespace {

using dwtest::rnd;
using namespace pooltest;  // NOLINT: kGuard, Buffers, make_buffers, random_pool, set_output_size, compare_*

// Case i of a random max pool on g: buffers, a clamp one time in three, the oracle's output.
struct MaxCase {
  Buffers b;
  int32_t lo = -128, hi = 127;
  std::vector<int8_t> expected;
};

MaxCase make_max_case(std::mt19937& rng, const PoolGeometry& g, int i) {
  MaxCase m;
  m.b = make_buffers(rng, g, i);
  if (i % 3 == 0) {
    m.lo = rnd(rng, -128, 20);
    m.hi = rnd(rng, m.lo, 127);
  }
  m.expected.assign(m.b.out_size, kGuard);
  dwtest::oracle_max_pool(g, m.lo, m.hi, m.b.input.data(), m.expected.data(), m.b.in_stride, m.b.out_stride);
  return m;
}

TEST(NeonPool, MaxRandom) {
  std::mt19937 rng(11);
  for (int i = 0; i < 60; ++i) {
    const PoolGeometry g = random_pool(rng, 4);
    const MaxCase m = make_max_case(rng, g, i);
    SCOPED_TRACE("case " + std::to_string(i));
    compare_split(rng, g.batch * g.out_h, m.expected, [&](neon::Isa p, int8_t* out, int r0, int r1) {
      return neon::max_pool_run(p, g, m.lo, m.hi, m.b.input.data(), out, r0, r1, m.b.in_stride, m.b.out_stride);
    });
    if (HasFatalFailure()) return;
  }
}

// Shapes of the max-pool interior fast path (pool_max_rows.h: 3x3 stride 1 and 2, 2x2 stride 2)
// and its neighbours (other kernels and strides take the generic path): widths and heights from 1
// (no interior column) up, ceil-mode extra right/bottom padding, channel counts around the 16 / 8 /
// tail blocks.
PoolGeometry random_fast_max_pool(std::mt19937& rng, int i) {
  static const int kChannels[] = {1, 2, 7, 8, 9, 15, 16, 17, 24, 31, 32, 67};
  static const int kKernelStride[][2] = {{3, 2}, {3, 1}, {2, 2}, {3, 3}, {2, 1}};
  for (;;) {
    PoolGeometry g;
    g.batch = rnd(rng, 1, 2);
    g.in_h = rnd(rng, 1, i % 4 == 0 ? 3 : 12);
    g.in_w = rnd(rng, 1, i % 4 == 1 ? 3 : 14);
    g.channels = kChannels[rnd(rng, 0, 11)];
    const int* ks = kKernelStride[i % 8 < 3 ? i % 8 : rnd(rng, 0, 4)];
    g.kernel_h = g.kernel_w = ks[0];
    g.stride_w = ks[1];
    g.stride_h = rnd(rng, 1, 2);
    const int max_pad = i % 5 == 4 ? 2 : 1;  // pad 2 >= kernel 2: windows wholly in the padding
    g.pad_top = rnd(rng, 0, max_pad);
    g.pad_left = rnd(rng, 0, max_pad);
    const int pb = rnd(rng, 0, max_pad), pr = rnd(rng, 0, max_pad);
    if (set_output_size(g, pb, pr)) return g;
  }
}

TEST(NeonPool, MaxFastPathShapes) {
  std::mt19937 rng(16);
  for (int i = 0; i < 120; ++i) {
    const PoolGeometry g = random_fast_max_pool(rng, i);
    const MaxCase m = make_max_case(rng, g, i);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + std::to_string(g.in_h) + "x" + std::to_string(g.in_w) +
                 "x" + std::to_string(g.channels) + " k" + std::to_string(g.kernel_w) + " s" +
                 std::to_string(g.stride_h) + std::to_string(g.stride_w) + " p" + std::to_string(g.pad_top) +
                 std::to_string(g.pad_left));
    compare_all_splits(g.batch * g.out_h, m.expected, [&](neon::Isa p, int8_t* out, int r0, int r1) {
      return neon::max_pool_run(p, g, m.lo, m.hi, m.b.input.data(), out, r0, r1, m.b.in_stride, m.b.out_stride);
    });
    if (HasFatalFailure()) return;
  }
}

// One peak per run, walked over every input pixel and a few channels on a flat background: each
// tap of each window (interior, clipped rows, edge columns) must be the one that wins somewhere,
// so a tap the fast path drops or misplaces cannot hide behind a random neighbour.
TEST(NeonPool, MaxEveryTapWins) {
  const int kShapes[][5] = {  // in_h, in_w, kernel, stride, pad
      {7, 9, 3, 2, 0}, {8, 8, 3, 2, 1}, {6, 7, 3, 1, 1}, {5, 6, 3, 1, 0}, {6, 8, 2, 2, 0}};
  for (const auto& s : kShapes) {
    PoolGeometry g;
    g.in_h = s[0];
    g.in_w = s[1];
    g.channels = 25;  // a 16 block, an 8 block and a 1-channel tail
    g.kernel_h = g.kernel_w = s[2];
    g.stride_h = g.stride_w = s[3];
    g.pad_top = g.pad_left = s[4];
    ASSERT_TRUE(set_output_size(g, s[4], s[4]));
    const int in_stride = 27, out_stride = 26;
    std::vector<int8_t> input(static_cast<size_t>(g.in_h) * g.in_w * in_stride, -90);
    const size_t out_size = static_cast<size_t>(g.out_h) * g.out_w * out_stride;
    auto run = [&](neon::Isa p, int8_t* out, int r0, int r1) {
      return neon::max_pool_run(p, g, -128, 127, input.data(), out, r0, r1, in_stride, out_stride);
    };
    for (int y = 0; y < g.in_h; ++y)
      for (int x = 0; x < g.in_w; ++x)
        for (int c : {0, 13, 16, 24}) {
          int8_t& peak = input[(static_cast<size_t>(y) * g.in_w + x) * in_stride + c];
          peak = 100;
          std::vector<int8_t> expected(out_size, kGuard);
          dwtest::oracle_max_pool(g, -128, 127, input.data(), expected.data(), in_stride, out_stride);
          for (neon::Isa p : dwtest::runnable_paths())
            ASSERT_TRUE(runs_match(run, p, {0, g.out_h}, expected))
                << neon::isa_name(p) << " " << g.in_h << "x" << g.in_w << " k" << g.kernel_w << " s"
                << g.stride_w << " p" << g.pad_left << ": peak at y " << y << " x " << x << " c " << c;
          peak = -90;
        }
  }
}

}  // namespace
}  // namespace octet

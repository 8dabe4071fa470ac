// NEON max / average / global average pooling vs the oracle, bit for bit, on every runnable path.
#include <gtest/gtest.h>

#include <cstring>

#include "dw_test_util.h"
#include "kernels/neon/pool.h"

namespace octet {
namespace {

using dwtest::rnd;

PoolGeometry random_pool(std::mt19937& rng, int max_k) {
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
    g.out_h = ConvGeometry::out_extent(g.in_h, g.kernel_h, g.stride_h, 1, pt + pb);
    g.out_w = ConvGeometry::out_extent(g.in_w, g.kernel_w, g.stride_w, 1, pl + pr);
    if (g.out_h >= 1 && g.out_w >= 1) return g;
  }
}

struct Buffers {
  int in_stride, out_stride;
  std::vector<int8_t> input;
  size_t out_size;
};

Buffers make_buffers(std::mt19937& rng, const PoolGeometry& g, int i) {
  Buffers b;
  b.in_stride = g.channels + (i % 3 == 1 ? rnd(rng, 1, 4) : 0);
  b.out_stride = g.channels + (i % 4 == 2 ? rnd(rng, 1, 4) : 0);
  b.input = dwtest::random_bytes(rng, static_cast<size_t>(g.batch) * g.in_h * g.in_w * b.in_stride);
  b.out_size = static_cast<size_t>(g.batch) * g.out_h * g.out_w * b.out_stride;
  return b;
}

template <typename Run>
void compare_split(std::mt19937& rng, int rows, const std::vector<int8_t>& expected, Run run) {
  for (neon::Isa path : dwtest::runnable_paths()) {
    SCOPED_TRACE(neon::isa_name(path));
    std::vector<int8_t> out(expected.size(), 0x5A);
    ASSERT_TRUE(run(path, out.data(), 0, rows));
    ASSERT_EQ(0, std::memcmp(out.data(), expected.data(), out.size()));
    std::fill(out.begin(), out.end(), 0x5A);
    const int r1 = rnd(rng, 0, rows);
    ASSERT_TRUE(run(path, out.data(), 0, r1));
    ASSERT_TRUE(run(path, out.data(), r1, rows));
    ASSERT_EQ(0, std::memcmp(out.data(), expected.data(), out.size())) << "split run";
  }
}

TEST(NeonPool, MaxRandom) {
  std::mt19937 rng(11);
  for (int i = 0; i < 60; ++i) {
    const PoolGeometry g = random_pool(rng, 4);
    Buffers b = make_buffers(rng, g, i);
    int32_t lo = -128, hi = 127;
    if (i % 3 == 0) {
      lo = rnd(rng, -128, 20);
      hi = rnd(rng, lo, 127);
    }
    std::vector<int8_t> expected(b.out_size, 0x5A);
    dwtest::oracle_max_pool(g, lo, hi, b.input.data(), expected.data(), b.in_stride, b.out_stride);
    SCOPED_TRACE("case " + std::to_string(i));
    compare_split(rng, g.batch * g.out_h, expected, [&](neon::Isa p, int8_t* out, int r0, int r1) {
      return neon::max_pool_run(p, g, lo, hi, b.input.data(), out, r0, r1, b.in_stride, b.out_stride);
    });
    if (HasFatalFailure()) return;
  }
}

// Shapes of the max-pool interior fast path (pool_max_impl.h: 3x3 stride 1 and 2, 2x2 stride 2)
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
    g.out_h = ConvGeometry::out_extent(g.in_h, g.kernel_h, g.stride_h, 1, g.pad_top + pb);
    g.out_w = ConvGeometry::out_extent(g.in_w, g.kernel_w, g.stride_w, 1, g.pad_left + pr);
    if (g.out_h >= 1 && g.out_w >= 1) return g;
  }
}

// Every row split: [0, r1) + [r1, rows) for each r1, then one row at a time.
template <typename Run>
void compare_all_splits(int rows, const std::vector<int8_t>& expected, Run run) {
  for (neon::Isa path : dwtest::runnable_paths()) {
    SCOPED_TRACE(neon::isa_name(path));
    std::vector<int8_t> out(expected.size());
    for (int r1 = 0; r1 <= rows; ++r1) {
      std::fill(out.begin(), out.end(), 0x5A);
      ASSERT_TRUE(run(path, out.data(), 0, r1));
      ASSERT_TRUE(run(path, out.data(), r1, rows));
      ASSERT_EQ(0, std::memcmp(out.data(), expected.data(), out.size())) << "split at row " << r1;
    }
    std::fill(out.begin(), out.end(), 0x5A);
    for (int r = 0; r < rows; ++r) ASSERT_TRUE(run(path, out.data(), r, r + 1));
    ASSERT_EQ(0, std::memcmp(out.data(), expected.data(), out.size())) << "row by row";
  }
}

TEST(NeonPool, MaxFastPathShapes) {
  std::mt19937 rng(16);
  for (int i = 0; i < 120; ++i) {
    const PoolGeometry g = random_fast_max_pool(rng, i);
    Buffers b = make_buffers(rng, g, i);
    int32_t lo = -128, hi = 127;
    if (i % 3 == 0) {
      lo = rnd(rng, -128, 20);
      hi = rnd(rng, lo, 127);
    }
    std::vector<int8_t> expected(b.out_size, 0x5A);
    dwtest::oracle_max_pool(g, lo, hi, b.input.data(), expected.data(), b.in_stride, b.out_stride);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + std::to_string(g.in_h) + "x" + std::to_string(g.in_w) +
                 "x" + std::to_string(g.channels) + " k" + std::to_string(g.kernel_w) + " s" +
                 std::to_string(g.stride_h) + std::to_string(g.stride_w) + " p" + std::to_string(g.pad_top) +
                 std::to_string(g.pad_left));
    compare_all_splits(g.batch * g.out_h, expected, [&](neon::Isa p, int8_t* out, int r0, int r1) {
      return neon::max_pool_run(p, g, lo, hi, b.input.data(), out, r0, r1, b.in_stride, b.out_stride);
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
    g.out_h = ConvGeometry::out_extent(g.in_h, g.kernel_h, g.stride_h, 1, 2 * s[4]);
    g.out_w = ConvGeometry::out_extent(g.in_w, g.kernel_w, g.stride_w, 1, 2 * s[4]);
    const int in_stride = 27, out_stride = 26;
    std::vector<int8_t> input(static_cast<size_t>(g.in_h) * g.in_w * in_stride, -90);
    const size_t out_size = static_cast<size_t>(g.out_h) * g.out_w * out_stride;
    for (int y = 0; y < g.in_h; ++y)
      for (int x = 0; x < g.in_w; ++x)
        for (int c : {0, 13, 16, 24}) {
          int8_t& peak = input[(static_cast<size_t>(y) * g.in_w + x) * in_stride + c];
          peak = 100;
          std::vector<int8_t> expected(out_size, 0x5A), out(out_size, 0x5A);
          dwtest::oracle_max_pool(g, -128, 127, input.data(), expected.data(), in_stride, out_stride);
          for (neon::Isa p : dwtest::runnable_paths()) {
            ASSERT_TRUE(neon::max_pool_run(p, g, -128, 127, input.data(), out.data(), 0, g.out_h, in_stride,
                                           out_stride));
            ASSERT_EQ(0, std::memcmp(out.data(), expected.data(), out_size))
                << neon::isa_name(p) << " " << g.in_h << "x" << g.in_w << " k" << g.kernel_w << " s"
                << g.stride_w << " p" << g.pad_left << ": peak at y " << y << " x " << x << " c " << c;
          }
          peak = -90;
        }
  }
}

QPoolParams random_qpool(std::mt19937& rng, const PoolGeometry& g, int i) {
  QPoolParams p;
  p.geom = g;
  p.input_scale = std::uniform_real_distribution<float>(0.01f, 0.1f)(rng);
  // i % 5 == 0: output scale much smaller than the input's, so outputs saturate.
  p.output_scale = p.input_scale * std::uniform_real_distribution<float>(i % 5 == 0 ? 0.05f : 0.5f, 2.0f)(rng);
  p.input_zero_point = rnd(rng, -128, 127);
  p.output_zero_point = rnd(rng, -128, 127);
  if (i % 3 == 0) {
    p.clamp_min = rnd(rng, -128, 0);
    p.clamp_max = rnd(rng, p.clamp_min, 127);
  }
  return p;
}

void avg_random(uint32_t seed, bool include_pad) {
  std::mt19937 rng(seed);
  for (int i = 0; i < 60; ++i) {
    PoolGeometry g = random_pool(rng, 5);
    g.count_include_pad = include_pad;
    Buffers b = make_buffers(rng, g, i);
    const QPoolParams p = random_qpool(rng, g, i);
    std::vector<int8_t> expected(b.out_size, 0x5A);
    dwtest::oracle_avg_pool(p, b.input.data(), expected.data(), b.in_stride, b.out_stride);
    SCOPED_TRACE("case " + std::to_string(i));
    compare_split(rng, g.batch * g.out_h, expected, [&](neon::Isa path, int8_t* out, int r0, int r1) {
      return neon::avg_pool_run(path, p, b.input.data(), out, r0, r1, b.in_stride, b.out_stride);
    });
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(NeonPool, AvgExcludePad) { avg_random(12, false); }
TEST(NeonPool, AvgIncludePad) { avg_random(13, true); }

TEST(NeonPool, AvgLargeWindowNeedsInt32Sums) {
  // 17x17 = 289 taps of -128 (input zero point 127): more than an int16 partial sum can hold.
  std::mt19937 rng(14);
  PoolGeometry g;
  g.in_h = g.in_w = g.kernel_h = g.kernel_w = 17;
  g.out_h = g.out_w = 1;
  g.channels = 11;
  QPoolParams p;
  p.geom = g;
  p.input_scale = 0.05f;
  p.output_scale = 0.1f;
  p.input_zero_point = 127;
  std::vector<int8_t> input(17 * 17 * 11, -128);
  input[5] = 100;
  std::vector<int8_t> expected(11, 0x5A);
  dwtest::oracle_avg_pool(p, input.data(), expected.data(), 11, 11);
  compare_split(rng, 1, expected, [&](neon::Isa path, int8_t* out, int r0, int r1) {
    return neon::avg_pool_run(path, p, input.data(), out, r0, r1);
  });
}

TEST(NeonPool, GlobalAvgRandom) {
  std::mt19937 rng(15);
  for (int i = 0; i < 40; ++i) {
    PoolGeometry g;
    g.batch = rnd(rng, 1, 3);
    g.in_h = rnd(rng, 1, i % 8 == 0 ? 20 : 7);
    g.in_w = rnd(rng, 1, i % 8 == 0 ? 20 : 7);
    g.channels = rnd(rng, 1, 70);
    const QPoolParams p = random_qpool(rng, g, i);
    const std::vector<int8_t> input =
        dwtest::random_bytes(rng, static_cast<size_t>(g.batch) * g.in_h * g.in_w * g.channels);
    std::vector<int8_t> expected(static_cast<size_t>(g.batch) * g.channels, 0x5A);
    dwtest::oracle_global_avg_pool(p, input.data(), expected.data());
    SCOPED_TRACE("case " + std::to_string(i));
    compare_split(rng, g.channels, expected, [&](neon::Isa path, int8_t* out, int c0, int c1) {
      return neon::global_avg_pool_run(path, p, input.data(), out, c0, c1);
    });
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace octet

// NEON average and global average pooling vs the oracle, bit for bit, on every runnable path.
#include <gtest/gtest.h>

#include <string>

#include "pool_test_util.h"

namespace octet {
namespace {

using dwtest::rnd;
using namespace pooltest;  // NOLINT: kGuard, Buffers, make_buffers, random_pool, compare_split

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
    std::vector<int8_t> expected(b.out_size, kGuard);
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
  std::vector<int8_t> expected(11, kGuard);
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
    std::vector<int8_t> expected(static_cast<size_t>(g.batch) * g.channels, kGuard);
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

// NEON elementwise add vs the oracle, bit for bit, on every runnable path.
#include <gtest/gtest.h>

#include <cstring>

#include "dw_test_util.h"
#include "kernels/neon/add.h"

namespace octet {
namespace {

using dwtest::rnd;

TEST(NeonAdd, Random) {
  std::mt19937 rng(21);
  std::uniform_real_distribution<float> scale(0.005f, 0.2f);
  for (int i = 0; i < 60; ++i) {
    const size_t n = i < 20 ? static_cast<size_t>(i + 1) : static_cast<size_t>(rnd(rng, 1, 1000));
    QAddParams p;
    const float sa = scale(rng), sb = i % 4 == 0 ? sa : scale(rng);
    // i % 5 == 1: output scale far below the inputs': saturation.
    const float so = i % 5 == 1 ? 0.3f * std::min(sa, sb) : scale(rng);
    int32_t lo = -128, hi = 127;
    const int32_t zo = rnd(rng, -128, 127);
    if (i % 3 == 0) {
      lo = rnd(rng, -128, 0);
      hi = rnd(rng, lo, 127);
    }
    ASSERT_TRUE(make_add_params(sa, rnd(rng, -128, 127), sb, rnd(rng, -128, 127), so, zo, lo, hi, &p));
    const std::vector<int8_t> a = dwtest::random_bytes(rng, n), b = dwtest::random_bytes(rng, n);
    std::vector<int8_t> expected(n);
    dwtest::oracle_add(p, a.data(), b.data(), expected.data(), n);
    SCOPED_TRACE("case " + std::to_string(i) + " n " + std::to_string(n));
    for (neon::Isa path : dwtest::runnable_paths()) {
      SCOPED_TRACE(neon::isa_name(path));
      std::vector<int8_t> out(n, 0x5A);
      ASSERT_TRUE(neon::add_run(path, p, a.data(), b.data(), out.data(), 0, n));
      ASSERT_EQ(0, std::memcmp(out.data(), expected.data(), n));
      std::fill(out.begin(), out.end(), 0x5A);
      const size_t mid = static_cast<size_t>(rnd(rng, 0, static_cast<int>(n)));
      ASSERT_TRUE(neon::add_run(path, p, a.data(), b.data(), out.data(), 0, mid));
      ASSERT_TRUE(neon::add_run(path, p, a.data(), b.data(), out.data(), mid, n));
      ASSERT_EQ(0, std::memcmp(out.data(), expected.data(), n)) << "split at " << mid;
    }
  }
}

// Every shift (the v80 path has an immediate-shift loop per shift in 8..16 and a general one),
// multipliers up to 15 bits, inputs at the extremes: the rounding ties and the saturation.
TEST(NeonAdd, EveryShift) {
  std::mt19937 rng(23);
  for (int shift = 0; shift <= 31; ++shift) {
    QAddParams p;
    p.shift = shift;
    p.a_multiplier = rnd(rng, 0, kAddMaxMultiplier);
    p.b_multiplier = shift % 3 == 0 ? kAddMaxMultiplier : rnd(rng, 0, kAddMaxMultiplier);
    p.a_zero_point = rnd(rng, -128, 127);
    p.b_zero_point = rnd(rng, -128, 127);
    p.output_zero_point = rnd(rng, -128, 127);
    const size_t n = 100;
    std::vector<int8_t> a = dwtest::random_bytes(rng, n), b = dwtest::random_bytes(rng, n);
    a[0] = -128, b[0] = -128, a[1] = 127, b[1] = 127;
    std::vector<int8_t> expected(n);
    dwtest::oracle_add(p, a.data(), b.data(), expected.data(), n);
    for (neon::Isa path : dwtest::runnable_paths()) {
      std::vector<int8_t> out(n, 0x5A);
      ASSERT_TRUE(neon::add_run(path, p, a.data(), b.data(), out.data(), 0, n));
      ASSERT_EQ(0, std::memcmp(out.data(), expected.data(), n)) << neon::isa_name(path) << " shift " << shift;
    }
  }
}

TEST(NeonAdd, InPlaceOutputAliasesInput) {
  std::mt19937 rng(22);
  QAddParams p;
  ASSERT_TRUE(make_add_params(0.05f, 3, 0.02f, -7, 0.06f, 1, -128, 127, &p));
  const size_t n = 77;
  const std::vector<int8_t> a = dwtest::random_bytes(rng, n), b = dwtest::random_bytes(rng, n);
  std::vector<int8_t> expected(n);
  dwtest::oracle_add(p, a.data(), b.data(), expected.data(), n);
  for (neon::Isa path : dwtest::runnable_paths()) {
    std::vector<int8_t> out = a;
    ASSERT_TRUE(neon::add_run(path, p, out.data(), b.data(), out.data(), 0, n));
    EXPECT_EQ(0, std::memcmp(out.data(), expected.data(), n)) << neon::isa_name(path);
  }
}

}  // namespace
}  // namespace octet

#include "quant/op_quant.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "kernels/ref/ref_kernels.h"

namespace octet {
namespace {

TEST(FoldZeroPointTerms, EqualsTheDirectSum) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> w8(-127, 127), a8(-128, 127);
  const int C = 7, K = 45;
  std::vector<int8_t> w(C * K), a(K);
  std::vector<int32_t> zc(C), bias(C), folded(C);
  for (auto& v : w) v = static_cast<int8_t>(w8(rng));
  for (auto& v : a) v = static_cast<int8_t>(a8(rng));
  for (int c = 0; c < C; ++c) { zc[c] = w8(rng) / 4; bias[c] = w8(rng) * 100; }
  const int32_t za = -17;
  fold_zero_point_terms(w.data(), C, K, zc.data(), za, bias.data(), folded.data());
  for (int c = 0; c < C; ++c) {
    int64_t direct = bias[c], sum_aw = 0, sum_a = 0;
    for (int k = 0; k < K; ++k) {
      direct += (a[k] - za) * (w[c * K + k] - zc[c]);
      sum_aw += a[k] * w[c * K + k];
      sum_a += a[k];
    }
    EXPECT_EQ(direct, folded[c] + sum_aw - zc[c] * sum_a);
  }
}

TEST(AddParams, MultipliersReproduceTheRealSum) {
  // Scale ratios from balanced to lopsided; the shift keeps the larger multiplier in
  // [2^14, 2^15) (full precision) unless it hits 31.
  const float cases[][3] = {{0.05f, 0.02f, 0.08f}, {0.02f, 0.05f, 0.03f}, {1.0f, 1e-4f, 0.9f},
                            {0.1f, 0.1f, 0.0125f}, {3e-5f, 2e-5f, 0.5f}};
  for (const auto& c : cases) {
    QAddParams p;
    ASSERT_TRUE(make_add_params(c[0], 3, c[1], -7, c[2], 1, -128, 127, &p));
    ASSERT_GE(p.shift, 0);
    ASSERT_LE(p.shift, 31);
    const int32_t larger = std::max(p.a_multiplier, p.b_multiplier);
    ASSERT_LE(larger, kAddMaxMultiplier);
    if (p.shift < 31) {
      EXPECT_GE(larger, kAddMaxMultiplier / 2) << "multiplier precision wasted";
    }
    for (int a = -128; a <= 127; ++a)
      for (int b = -128; b <= 127; b += 3) {
        int8_t ia = static_cast<int8_t>(a), ib = static_cast<int8_t>(b), q;
        ref::add_q8(p, &ia, &ib, &q, 1);
        const double real = double(c[0]) * (a - 3) + double(c[1]) * (b + 7);
        const double want = std::min(127.0, std::max(-128.0, real / c[2] + 1));
        ASSERT_LE(std::abs(q - want), 0.52) << a << " " << b << " scales " << c[0] << " " << c[1];
      }
  }
  QAddParams p;
  EXPECT_FALSE(make_add_params(0.f, 0, 1.f, 0, 1.f, 0, -128, 127, &p));
  EXPECT_FALSE(make_add_params(1.f, 0, 1.f, 0, 1e-5f, 0, -128, 127, &p));  // ratio 1e5 > 2^15
  EXPECT_FALSE(make_add_params(1.f, 0, NAN, 0, 1.f, 0, -128, 127, &p));
}

TEST(ActivationBounds, Relu6AndNone) {
  int32_t lo, hi;
  activation_bounds(0.f, 6.f, 0.05f, -128, &lo, &hi);
  EXPECT_EQ(lo, -128);
  EXPECT_EQ(hi, -8);
  activation_bounds(-INFINITY, INFINITY, 0.05f, 3, &lo, &hi);
  EXPECT_EQ(lo, -128);
  EXPECT_EQ(hi, 127);
}

TEST(AvgPoolMultiplier, IsInputOverOutputTimesCount) {
  const Multiplier m = avg_pool_multiplier(0.1f, 0.05f, 9);
  EXPECT_NEAR(m.multiplier * std::ldexp(1.0, m.shift - 31), 0.1 / (0.05 * 9), 1e-9);
}

}  // namespace
}  // namespace octet

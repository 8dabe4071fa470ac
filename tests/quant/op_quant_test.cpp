#include "quant/op_quant.h"

#include <gtest/gtest.h>

#include <random>

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
  QAddParams p;
  ASSERT_TRUE(make_add_params(0.05f, 3, 0.02f, -7, 0.08f, 1, -128, 127, &p));
  for (int a = -128; a <= 127; a += 5)
    for (int b = -128; b <= 127; b += 7) {
      const int32_t xa = rescale((a - 3) * (1 << kAddLeftShift), p.a_multiplier, p.a_shift);
      const int32_t xb = rescale((b + 7) * (1 << kAddLeftShift), p.b_multiplier, p.b_shift);
      const int32_t q = requantize(xa + xb, p.output_multiplier, p.output_shift, 1, -128, 127);
      const double real = 0.05 * (a - 3) + 0.02 * (b + 7);
      const double want = std::min(127.0, std::max(-128.0, std::nearbyint(real / 0.08) + 1));
      EXPECT_NEAR(q, want, 1.0) << a << " " << b;
    }
  EXPECT_FALSE(make_add_params(0.f, 0, 1.f, 0, 1.f, 0, -128, 127, &p));
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

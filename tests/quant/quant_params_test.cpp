#include "quant/quant_params.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace octet {
namespace {

float dequant(int32_t q, const QuantParams& p) { return p.scale * (q - p.zero_point); }

TEST(ChooseAsymmetric, ZeroIsExactForRandomRanges) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(-50.f, 50.f);
  for (int i = 0; i < 20000; ++i) {
    float a = d(rng), b = d(rng);
    if (a > b) std::swap(a, b);
    QuantParams p;
    ASSERT_TRUE(choose_asymmetric(a, b, -128, 127, &p));
    ASSERT_GT(p.scale, 0.f);
    ASSERT_GE(p.zero_point, -128);
    ASSERT_LE(p.zero_point, 127);
    EXPECT_EQ(dequant(quantize_value(0.f, p, -128, 127), p), 0.f);
    // The (0-widened) range is covered to within one step at each end.
    const float lo = std::min(a, 0.f), hi = std::max(b, 0.f);
    EXPECT_LE(dequant(-128, p), lo + p.scale);
    EXPECT_GE(dequant(127, p), hi - p.scale);
  }
}

TEST(ChooseAsymmetric, RangesNotContainingZero) {
  QuantParams p;
  ASSERT_TRUE(choose_asymmetric(2.f, 6.f, -128, 127, &p));  // widened to [0, 6]
  EXPECT_EQ(p.zero_point, -128);
  EXPECT_NEAR(p.scale, 6.f / 255, 1e-7);
  ASSERT_TRUE(choose_asymmetric(-6.f, -2.f, -128, 127, &p));  // widened to [-6, 0]
  EXPECT_EQ(p.zero_point, 127);
  EXPECT_EQ(dequant(quantize_value(-6.f, p, -128, 127), p), -6.f);
}

TEST(ChooseAsymmetric, ZeroWidthAndInvalid) {
  QuantParams p;
  ASSERT_TRUE(choose_asymmetric(0.f, 0.f, -128, 127, &p));
  EXPECT_EQ(p.scale, 1.f);
  EXPECT_EQ(quantize_value(0.f, p, -128, 127), p.zero_point);
  ASSERT_TRUE(choose_asymmetric(3.f, 3.f, -128, 127, &p));  // constant 3: [0, 3]
  EXPECT_NEAR(dequant(quantize_value(3.f, p, -128, 127), p), 3.f, p.scale / 2);
  EXPECT_FALSE(choose_asymmetric(NAN, 1.f, -128, 127, &p));
  EXPECT_FALSE(choose_asymmetric(0.f, INFINITY, -128, 127, &p));
  EXPECT_FALSE(choose_asymmetric(1.f, -1.f, -128, 127, &p));
}

TEST(ChooseAsymmetric, TinyAndHugeRanges) {
  QuantParams p;
  ASSERT_TRUE(choose_asymmetric(-1e-30f, 1e-30f, -128, 127, &p));
  EXPECT_TRUE(std::isfinite(1.f / p.scale));
  ASSERT_TRUE(choose_asymmetric(-3e38f, 3e38f, -128, 127, &p));
  EXPECT_TRUE(std::isfinite(p.scale));
}

TEST(ChooseSymmetric, ZeroPointIsZero) {
  QuantParams p;
  ASSERT_TRUE(choose_symmetric(-2.f, 1.f, 127, &p));
  EXPECT_EQ(p.zero_point, 0);
  EXPECT_FLOAT_EQ(p.scale, 2.f / 127);
  ASSERT_TRUE(choose_symmetric(0.f, 0.f, 127, &p));
  EXPECT_EQ(p.scale, 1.f);
}

TEST(QuantizeValue, RoundsAndSaturates) {
  const QuantParams p{0.5f, 10};
  EXPECT_EQ(quantize_value(1.0f, p, -128, 127), 12);
  EXPECT_EQ(quantize_value(1000.f, p, -128, 127), 127);
  EXPECT_EQ(quantize_value(-1000.f, p, -128, 127), -128);
  EXPECT_EQ(quantize_value(NAN, p, -128, 127), -128);
}

TEST(PerChannelWeights, AsymmetricNeverUsesMinus128AndKeepsZeroExact) {
  std::mt19937 rng(5);
  std::normal_distribution<float> d(0.1f, 0.3f);
  const int C = 16, K = 27;
  std::vector<float> w(C * K);
  for (auto& v : w) v = d(rng);
  for (int k = 0; k < K; ++k) w[3 * K + k] = 0.f;      // all-zero channel
  for (int k = 0; k < K; ++k) w[4 * K + k] = 0.25f;    // constant channel
  PerChannelQuant q;
  ASSERT_TRUE(quantize_weights_per_channel(w.data(), C, K, WeightScheme::kAsymmetric, &q));
  for (int c = 0; c < C; ++c) {
    const QuantParams p{q.scales[c], q.zero_points[c]};
    for (int k = 0; k < K; ++k) {
      const int8_t v = q.values[c * K + k];
      ASSERT_GE(v, -127);
      EXPECT_NEAR(dequant(v, p), w[c * K + k], p.scale * 0.5001f) << c << " " << k;
    }
  }
  for (int k = 0; k < K; ++k) EXPECT_EQ(dequant(q.values[3 * K + k], {q.scales[3], q.zero_points[3]}), 0.f);
}

TEST(PerChannelWeights, SymmetricAndNaN) {
  std::vector<float> w = {1.f, -0.5f, 0.25f, 2.f, 0.f, -2.f};
  PerChannelQuant q;
  ASSERT_TRUE(quantize_weights_per_channel(w.data(), 2, 3, WeightScheme::kSymmetric, &q));
  EXPECT_EQ(q.zero_points[0], 0);
  EXPECT_EQ(q.values[0], 127);
  EXPECT_EQ(q.values[5], -127);
  w[4] = NAN;
  EXPECT_FALSE(quantize_weights_per_channel(w.data(), 2, 3, WeightScheme::kSymmetric, &q));
}

}  // namespace
}  // namespace octet

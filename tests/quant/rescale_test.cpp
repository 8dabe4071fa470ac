#include "quant/rescale.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace octet {
namespace {

// Independent model of the stated rounding: floor division plus an explicit remainder test.
int64_t floor_div_pow2(int64_t v, int n) {  // floor(v / 2^n)
  const int64_t d = int64_t{1} << n;
  int64_t q = v / d;
  if (v % d != 0 && v < 0) --q;
  return q;
}
int64_t round_half_up_div_pow2(int64_t v, int n) {
  const int64_t q = floor_div_pow2(v, n);
  const int64_t r = v - q * (int64_t{1} << n);  // in [0, 2^n)
  return q + (2 * r >= (int64_t{1} << n) ? 1 : 0);
}
int32_t model_rescale(int32_t acc, int32_t m, int32_t shift) {
  int64_t x = acc;
  if (shift > 0) {
    x = x * (int64_t{1} << shift);
    x = std::min<int64_t>(INT32_MAX, std::max<int64_t>(INT32_MIN, x));
  }
  int64_t y = round_half_up_div_pow2(x * m, 31);
  y = std::min<int64_t>(INT32_MAX, y);
  if (shift < 0) y = round_half_up_div_pow2(y, -shift);
  return static_cast<int32_t>(y);
}

TEST(Rescale, MatchesModelOnRandomSamples) {
  std::mt19937 rng(1234);
  std::uniform_int_distribution<int32_t> acc_d(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int32_t> small_d(-100000, 100000);
  std::uniform_int_distribution<int32_t> m_d(1 << 30, INT32_MAX);
  std::uniform_int_distribution<int32_t> s_d(-31, 30);
  for (int i = 0; i < 200000; ++i) {
    const int32_t acc = (i & 1) ? acc_d(rng) : small_d(rng);
    const int32_t m = m_d(rng), s = s_d(rng);
    ASSERT_EQ(rescale(acc, m, s), model_rescale(acc, m, s)) << acc << " " << m << " " << s;
  }
}

TEST(Rescale, ExhaustiveSixteenBitAccumulators) {
  // Every accumulator in [-2^16, 2^16] for multipliers typical of conv layers.
  const double reals[] = {0.5, 0.0123, 0.000731, 1.0 / 3, 0.999999, 1.7, 1e-6};
  for (double real : reals) {
    Multiplier mm;
    ASSERT_TRUE(quantize_multiplier(real, &mm));
    for (int32_t acc = -(1 << 16); acc <= (1 << 16); ++acc) {
      const int32_t got = rescale(acc, mm);
      ASSERT_EQ(got, model_rescale(acc, mm.multiplier, mm.shift));
      ASSERT_LE(std::abs(got - acc * real), 1.0) << acc << " " << real;
    }
  }
}

TEST(Rescale, TiesRoundTowardsPlusInfinity) {
  // M = 0.5 exactly: multiplier 2^30, shift 0.
  Multiplier half;
  ASSERT_TRUE(quantize_multiplier(0.5, &half));
  EXPECT_EQ(half.multiplier, 1 << 30);
  EXPECT_EQ(half.shift, 0);
  EXPECT_EQ(rescale(3, half), 2);    // 1.5 -> 2
  EXPECT_EQ(rescale(-3, half), -1);  // -1.5 -> -1
  EXPECT_EQ(rescale(1, half), 1);    // 0.5 -> 1
  EXPECT_EQ(rescale(-1, half), 0);   // -0.5 -> 0
  // M = 0.25 via the right shift: ties in the shift step round up too.
  Multiplier quarter;
  ASSERT_TRUE(quantize_multiplier(0.25, &quarter));
  EXPECT_EQ(quarter.shift, -1);
  EXPECT_EQ(rescale(6, quarter), 2);    // 1.5 -> 2
  EXPECT_EQ(rescale(-6, quarter), -1);  // -1.5 -> -1
}

TEST(Rescale, AccumulatorExtremes) {
  for (double real : {1e-9, 0.001, 0.49, 0.5, 0.75, 0.9999999, 1.0, 2.0, 1000.0, 1073741823.0}) {
    Multiplier mm;
    ASSERT_TRUE(quantize_multiplier(real, &mm)) << real;
    for (int32_t acc : {INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX}) {
      const int32_t got = rescale(acc, mm);
      EXPECT_EQ(got, model_rescale(acc, mm.multiplier, mm.shift)) << acc << " " << real;
      const double exact = acc * real;
      if (std::abs(exact) < 1073741824.0) {
        EXPECT_LE(std::abs(got - exact), 1.0 + std::abs(exact) * 1e-9) << acc << " " << real;
      } else {
        // Beyond 2^30 the result saturates (at the latest at +-2^30 when shift > 0), keeping its sign.
        EXPECT_GE(std::abs(static_cast<double>(got)), 1073741823.0) << acc << " " << real;
        EXPECT_EQ(got > 0, exact > 0) << acc << " " << real;
      }
    }
  }
}

TEST(Rescale, ShiftExtremes) {
  EXPECT_EQ(rescale(INT32_MAX, INT32_MAX, -31), 1);  // ~0.99999 rounds to 1
  EXPECT_EQ(rescale(INT32_MIN, 1 << 30, -31), 0);  // -2^31 * 2^-32 = -0.5: the tie rounds up to 0
  EXPECT_EQ(rescale(INT32_MIN, 1 << 30, -31), model_rescale(INT32_MIN, 1 << 30, -31));
  EXPECT_EQ(rescale(1, 1 << 30, 30), 1 << 29);
  EXPECT_EQ(rescale(4, 1 << 30, 30), 1 << 30);  // the left shift saturates at INT32_MAX first
  EXPECT_EQ(rescale(-4, 1 << 30, 30), INT32_MIN / 2);
}

TEST(QuantizeMultiplier, RoundTripsOverTheWholeRange) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> e(-32.0, 29.9);
  for (int i = 0; i < 100000; ++i) {
    const double real = std::pow(2.0, e(rng));
    Multiplier m;
    ASSERT_TRUE(quantize_multiplier(real, &m));
    ASSERT_GE(m.shift, -31);
    ASSERT_LE(m.shift, 30);
    const double back = m.multiplier * std::ldexp(1.0, m.shift - 31);
    ASSERT_LE(std::abs(back - real) / real, 1.0 / (1u << 30)) << real;
    ASSERT_GE(m.multiplier, 1 << 30);
  }
}

TEST(QuantizeMultiplier, MantissaRoundingUpToTwoToThe31) {
  // Just below 1.0: the mantissa rounds to 2^31, which must become 2^30 with shift + 1.
  const double real = 1.0 - std::ldexp(1.0, -40);
  Multiplier m;
  ASSERT_TRUE(quantize_multiplier(real, &m));
  EXPECT_EQ(m.multiplier, 1 << 30);
  EXPECT_EQ(m.shift, 1);
  EXPECT_EQ(rescale(1000, m), 1000);
}

TEST(QuantizeMultiplier, TinyAndInvalid) {
  Multiplier m;
  EXPECT_TRUE(quantize_multiplier(1e-30, &m));
  EXPECT_EQ(m.multiplier, 0);
  EXPECT_EQ(rescale(INT32_MAX, m), 0);
  EXPECT_EQ(rescale(INT32_MIN, m), 0);
  EXPECT_FALSE(quantize_multiplier(0.0, &m));
  EXPECT_FALSE(quantize_multiplier(-1.0, &m));
  EXPECT_FALSE(quantize_multiplier(NAN, &m));
  EXPECT_FALSE(quantize_multiplier(INFINITY, &m));
  EXPECT_FALSE(quantize_multiplier(std::ldexp(1.0, 31), &m));
  EXPECT_TRUE(quantize_multiplier(std::ldexp(1.0, 29), &m));
}

TEST(QuantizeRequantMultiplier, UnshiftedFromTwoToTheMinus14ToOne) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> e(-14.0, 0.0);
  for (int i = 0; i < 100000; ++i) {
    const double real = std::pow(2.0, e(rng));
    Multiplier m;
    ASSERT_TRUE(quantize_requant_multiplier(real, &m));
    if (real >= 1.0) continue;
    ASSERT_EQ(m.shift, 0) << real;
    ASSERT_GE(m.multiplier, 1 << 17) << real;
    ASSERT_LE(std::abs(m.multiplier - real * 2147483648.0), 0.5) << real;
  }
}

TEST(QuantizeRequantMultiplier, OutsideTheRangeAsQuantizeMultiplier) {
  for (double real : {1e-9, 0.99 / 16384, 1.0, 1.0 - std::ldexp(1.0, -40), 1.5, 1000.0}) {
    Multiplier a, b;
    ASSERT_TRUE(quantize_requant_multiplier(real, &a)) << real;
    ASSERT_TRUE(quantize_multiplier(real, &b)) << real;
    EXPECT_EQ(a.multiplier, b.multiplier) << real;
    EXPECT_EQ(a.shift, b.shift) << real;
  }
  Multiplier m;
  EXPECT_FALSE(quantize_requant_multiplier(0.0, &m));
  EXPECT_FALSE(quantize_requant_multiplier(NAN, &m));
  ASSERT_TRUE(quantize_requant_multiplier(1.0 / 16384, &m));
  EXPECT_EQ(m.multiplier, 1 << 17);
  EXPECT_EQ(m.shift, 0);
}

TEST(QuantizeRequantMultiplier, RoundsOnceWithinTheStatedBound) {
  // Every result within +-256 is the exact product rounded, give or take 2^-10 of a step.
  std::mt19937 rng(12);
  std::uniform_real_distribution<double> e(-14.0, -0.01);
  for (int i = 0; i < 2000; ++i) {
    const double real = std::pow(2.0, e(rng));
    Multiplier m;
    ASSERT_TRUE(quantize_requant_multiplier(real, &m));
    const int32_t reach = static_cast<int32_t>(256.0 / real);
    std::uniform_int_distribution<int32_t> acc_d(-reach, reach);
    for (int j = 0; j < 200; ++j) {
      const int32_t acc = acc_d(rng);
      ASSERT_LE(std::abs(rescale(acc, m) - acc * real), 0.5 + 1.0 / 1024) << acc << " " << real;
    }
  }
}

TEST(Requantize, ClampsAndAddsZeroPoint) {
  Multiplier m;
  ASSERT_TRUE(quantize_multiplier(0.01, &m));
  EXPECT_EQ(requantize(100000, m.multiplier, m.shift, 5, -128, 127), 127);
  EXPECT_EQ(requantize(-100000, m.multiplier, m.shift, 5, -128, 127), -128);
  EXPECT_EQ(requantize(1000, m.multiplier, m.shift, 5, -128, 127), 15);
  EXPECT_EQ(requantize(-1000, m.multiplier, m.shift, 5, 0, 127), 0);  // fused ReLU
  EXPECT_EQ(requantize(INT32_MAX, m.multiplier, m.shift, -128, -128, 127), 127);
  EXPECT_EQ(requantize(INT32_MIN, m.multiplier, m.shift, 127, -128, 127), -128);
}

}  // namespace
}  // namespace octet

// int8 add and concatenation vs the double model of the same quantized operation.
#include <gtest/gtest.h>

#include "kernels/ref/ref_kernels.h"
#include "quant/op_quant.h"
#include "ref_test_util.h"

namespace octet {
namespace {

using testing::LsbStats;
using testing::Rng;

TEST(AddQ8, RandomScalesWithinOneLsb) {
  Rng rng(41);
  LsbStats all;
  for (int i = 0; i < 300; ++i) {
    const float sa = rng.log_uniform(1e-4, 1e2);
    const float sb = sa * rng.log_uniform(i % 10 == 0 ? 1e-6 : 0.01, i % 10 == 0 ? 1e6 : 100);
    const float so = std::max(sa, sb) * rng.log_uniform(0.1, 4);  // saturates now and then
    const int32_t za = rng.uniform(-128, 127), zb = rng.uniform(-128, 127), zo = rng.uniform(-128, 127);
    int32_t lo = -128, hi = 127;
    if (rng.coin(0.3)) lo = std::max(-128, zo);  // ReLU
    if (rng.coin(0.2)) hi = rng.uniform(lo, 127);
    QAddParams p;
    ASSERT_TRUE(make_add_params(sa, za, sb, zb, so, zo, lo, hi, &p));
    const size_t n = rng.uniform(1, 64);
    const std::vector<int8_t> a = rng.int8s(n), b = rng.int8s(n);
    std::vector<int8_t> out(n);
    ref::add_q8(p, a.data(), b.data(), out.data(), n);
    for (size_t k = 0; k < n; ++k) {
      const double real = double(sa) * (a[k] - za) + double(sb) * (b[k] - zb);
      const int expected = testing::quantize_double(real, so, zo, lo, hi);
      ASSERT_LE(std::abs(out[k] - expected), 1) << "case " << i << ": " << real / so;
      all.add(out[k], expected);
    }
  }
  EXPECT_GE(all.exact * 10, all.count * 9) << all.exact << " of " << all.count;
}

TEST(AddQ8, SaturatesAtBothEndsAndInPlace) {
  QAddParams p;
  ASSERT_TRUE(make_add_params(1.0f, 0, 1.0f, 0, 0.5f, 0, -128, 127, &p));
  std::vector<int8_t> a = {127, -128, 10, -10, 0}, b = {127, -128, 20, 5, 0};
  ref::add_q8(p, a.data(), b.data(), a.data(), a.size());  // output aliases an input
  EXPECT_EQ(a, (std::vector<int8_t>{127, -128, 60, -10, 0}));
}

TEST(ConcatQ8, CopiesEqualAndRequantizesOthers) {
  Rng rng(42);
  for (int i = 0; i < 40; ++i) {
    const int pixels = rng.uniform(1, 20), n = rng.uniform(1, 4);
    const float so = rng.log_uniform(1e-3, 1);
    const int32_t zo = rng.uniform(-100, 100);
    std::vector<std::vector<int8_t>> data(n);
    std::vector<const int8_t*> inputs(n);
    std::vector<int> channels(n);
    std::vector<float> scales(n);
    std::vector<int32_t> zps(n);
    int out_c = 0;
    for (int k = 0; k < n; ++k) {
      channels[k] = rng.uniform(1, 9);
      const bool same = rng.coin(0.4);
      scales[k] = same ? so : so * rng.log_uniform(0.05, 20);
      zps[k] = same ? zo : rng.uniform(-128, 127);
      data[k] = rng.int8s(size_t(pixels) * channels[k]);
      inputs[k] = data[k].data();
      out_c += channels[k];
    }
    std::vector<int8_t> out(size_t(pixels) * out_c);
    ref::concat_q8(pixels, n, inputs.data(), channels.data(), scales.data(), zps.data(), so, zo, out.data());
    for (int px = 0; px < pixels; ++px) {
      int off = 0;
      for (int k = 0; k < n; ++k) {
        for (int c = 0; c < channels[k]; ++c) {
          const int q = data[k][size_t(px) * channels[k] + c];
          const int got = out[size_t(px) * out_c + off + c];
          if (scales[k] == so && zps[k] == zo) {
            ASSERT_EQ(got, q);
          } else {
            const double real = double(scales[k]) * (q - zps[k]);
            ASSERT_LE(std::abs(got - testing::quantize_double(real, so, zo, -128, 127)), 1);
          }
        }
        off += channels[k];
      }
    }
  }
}

TEST(ConcatQ8, TiesRoundUp) {
  // Input scale 1, output scale 2: odd values land exactly on .5 and round towards +infinity.
  const std::vector<int8_t> a = {1, -1, 3, -3, 127, -128};
  const int8_t* inputs[1] = {a.data()};
  const int channels[1] = {6};
  const float scales[1] = {1.0f};
  const int32_t zps[1] = {0};
  std::vector<int8_t> out(6);
  ref::concat_q8(1, 1, inputs, channels, scales, zps, 2.0f, 0, out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{1, 0, 2, -1, 64, -64}));
}

}  // namespace
}  // namespace octet

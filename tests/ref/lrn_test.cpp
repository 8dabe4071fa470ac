// LRN: the int8 kernel within 1 LSB of the double-precision model (dequantize, ONNX LRN with
// std::pow in double, quantize) on randomized shapes and parameters; the float kernel against the
// same model; and an output hash on a fixed input that must be the same literal on every target
// (this test runs on the host, under qemu aarch64 and armv7), which is what makes the runtime's
// LRN bit-identical across them.
#include <gtest/gtest.h>

#include <cstring>

#include "kernels/ref/ref_kernels.h"
#include "ref_test_util.h"

namespace octet {
namespace {

using testing::LsbStats;
using testing::Rng;

// ONNX LRN in double on real values [pixels][C].
std::vector<double> lrn_model(const std::vector<double>& x, int pixels, int C, int size, double alpha,
                              double beta, double bias) {
  const int lo = (size - 1) / 2, hi = size - 1 - lo;
  std::vector<double> y(x.size());
  for (int p = 0; p < pixels; ++p)
    for (int c = 0; c < C; ++c) {
      double s = 0;
      for (int j = std::max(c - lo, 0); j <= std::min(c + hi, C - 1); ++j) s += x[p * C + j] * x[p * C + j];
      y[p * C + c] = x[p * C + c] / std::pow(bias + alpha / size * s, beta);
    }
  return y;
}

ref::LrnParams random_params(Rng& rng) {
  ref::LrnParams p;
  static const int kSizes[] = {1, 2, 3, 4, 5, 5, 5, 7, 9};
  p.size = kSizes[rng.uniform(0, 8)];
  p.alpha = rng.log_uniform(1e-5, 4.0);
  p.beta = static_cast<float>(rng.real(0.0, 1.5));
  p.bias = rng.log_uniform(0.25, 4.0);
  p.input_scale = rng.log_uniform(1e-3, 0.5);
  p.input_zero_point = rng.uniform(-128, 127);
  p.output_zero_point = rng.uniform(-128, 127);
  return p;
}

TEST(RefLrn, Int8WithinOneLsbOfDoubleModel) {
  Rng rng(4242);
  LsbStats st;
  for (int trial = 0; trial < 300; ++trial) {
    ref::LrnParams p = random_params(rng);
    const int pixels = rng.uniform(1, 12);
    const int C = rng.coin(0.15) ? 1 : (rng.coin(0.5) ? 2 * rng.uniform(0, 24) + 1 : rng.uniform(2, 64));
    const std::vector<int8_t> q = rng.int8s(static_cast<size_t>(pixels) * C);
    std::vector<double> x(q.size());
    for (size_t i = 0; i < q.size(); ++i) x[i] = static_cast<double>(p.input_scale) * (q[i] - p.input_zero_point);
    const std::vector<double> y = lrn_model(x, pixels, C, p.size, p.alpha, p.beta, p.bias);
    // Output scale so that the results span most of the int8 range (some clamp).
    double ymax = 1e-6;
    for (double v : y) ymax = std::max(ymax, std::abs(v));
    p.output_scale = static_cast<float>(ymax / 127.0 * rng.real(0.6, 2.2));
    std::vector<int8_t> out(q.size());
    ref::lrn_q8(p, q.data(), out.data(), pixels, C);
    for (size_t i = 0; i < q.size(); ++i) {
      const int want = testing::quantize_double(y[i], p.output_scale, p.output_zero_point, -128, 127);
      st.add(out[i], want);
      ASSERT_LE(std::abs(out[i] - want), 1) << "trial " << trial << " i " << i << " C " << C << " size " << p.size;
      if (q[i] == p.input_zero_point) {
        ASSERT_EQ(out[i], p.output_zero_point);
      }
    }
  }
  EXPECT_GT(st.count, 10000u);
  // Off by one only where the double model sits within rounding noise of a tie.
  EXPECT_GE(static_cast<double>(st.exact) / st.count, 0.999) << st.exact << " / " << st.count;
}

TEST(RefLrn, DegenerateParameters) {
  // beta = 0: y = x (a pure requantization); alpha = 0: y = x / bias^beta. The scales make many
  // results exact ties (n / 4), so this also pins down round-half-to-even.
  ref::LrnParams p;
  p.size = 5; p.alpha = 1.0f; p.beta = 0.0f; p.bias = 1.0f;
  p.input_scale = 0.1f; p.input_zero_point = 3; p.output_scale = 0.2f; p.output_zero_point = -5;
  std::vector<int8_t> q(256), out(256);
  for (int i = 0; i < 256; ++i) q[i] = static_cast<int8_t>(i - 128);
  ref::lrn_q8(p, q.data(), out.data(), 16, 16);
  for (int i = 0; i < 256; ++i)
    EXPECT_EQ(out[i], testing::quantize_double(static_cast<double>(0.1f) * (q[i] - 3), 0.2f, -5, -128, 127)) << i;
  p.alpha = 0.0f; p.beta = 1.0f; p.bias = 2.0f;
  ref::lrn_q8(p, q.data(), out.data(), 16, 16);
  for (int i = 0; i < 256; ++i)
    EXPECT_EQ(out[i], testing::quantize_double(static_cast<double>(0.1f) * (q[i] - 3) / 2.0, 0.2f, -5, -128, 127)) << i;
}

TEST(RefLrn, AnyPixelSplitGivesTheSameBytes) {
  Rng rng(7);
  ref::LrnParams p = random_params(rng);
  p.size = 5;
  p.output_scale = 0.05f;
  const int pixels = 9, C = 37;
  const std::vector<int8_t> q = rng.int8s(pixels * C);
  std::vector<int8_t> whole(q.size()), parts(q.size());
  ref::lrn_q8(p, q.data(), whole.data(), pixels, C);
  ref::lrn_q8(p, q.data(), parts.data(), 4, C);
  ref::lrn_q8(p, q.data() + 4 * C, parts.data() + 4 * C, pixels - 4, C);
  EXPECT_EQ(whole, parts);
}

TEST(RefLrn, FloatMatchesDoubleModel) {
  Rng rng(99);
  for (int trial = 0; trial < 50; ++trial) {
    const ref::LrnParams p = random_params(rng);
    const int pixels = rng.uniform(1, 6), C = rng.uniform(1, 40);
    const std::vector<float> x = rng.floats(static_cast<size_t>(pixels) * C, -3.0, 3.0);
    const std::vector<double> xd(x.begin(), x.end());
    const std::vector<double> want = lrn_model(xd, pixels, C, p.size, p.alpha, p.beta, p.bias);
    std::vector<float> got(x.size());
    ref::lrn_f32(p.size, p.alpha, p.beta, p.bias, x.data(), got.data(), pixels, C);
    for (size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-6 * (1 + std::abs(want[i]))) << i;
  }
}

uint64_t fnv1a(const std::vector<int8_t>& v, uint64_t h) {
  for (int8_t b : v) {
    h ^= static_cast<uint8_t>(b);
    h *= 1099511628211ull;
  }
  return h;
}

// Fixed input from an LCG (no library distribution involved) through several parameter sets:
// the hash literals were computed once and are checked on x86 (SIMDe host build), aarch64
// (cortex-a53, neoverse-n1) and armv7. A libm pow or an FMA contraction in the kernel would make
// the targets disagree here (the factor hash changes when lrn.cpp is built with
// -ffp-contract=fast -mfma on x86).
TEST(RefLrn, OutputHashIsTheSameOnEveryTarget) {
  uint32_t s = 12345;
  std::vector<int8_t> q(64 * 67);
  for (auto& v : q) {
    s = s * 1664525u + 1013904223u;
    v = static_cast<int8_t>(s >> 24);
  }
  struct Set { int size; float alpha, beta, bias, si; int zi; float so; int zo; int C; };
  const Set sets[] = {
      {5, 1e-4f, 0.75f, 1.0f, 0.5f, -3, 0.3f, 2, 67},      // GoogLeNet's parameters
      {5, 2e-3f, 0.75f, 1.0f, 0.37f, 11, 0.11f, -7, 64},
      {3, 0.5f, 0.6f, 2.0f, 0.05f, 0, 0.031f, 0, 67},
      {1, 1.0f, 1.3f, 0.7f, 0.021f, -128, 0.013f, 5, 1},
      {4, 0.01f, 0.5f, 1.5f, 0.2f, 40, 0.17f, -20, 33},
      {9, 3e-3f, 1.0f, 1.0f, 0.9f, -60, 0.07f, 100, 67},
  };
  uint64_t h = 14695981039346656037ull, hf = h;
  std::vector<int8_t> out(q.size());
  for (const Set& t : sets) {
    ref::LrnParams p;
    p.size = t.size; p.alpha = t.alpha; p.beta = t.beta; p.bias = t.bias;
    p.input_scale = t.si; p.input_zero_point = t.zi; p.output_scale = t.so; p.output_zero_point = t.zo;
    const int pixels = static_cast<int>(q.size()) / t.C;
    ref::lrn_q8(p, q.data(), out.data(), pixels, t.C);
    h = fnv1a(out, h);
    // The unrounded factor's bits: an ULP of difference between targets shows here even where
    // no int8 output happens to sit close enough to a rounding tie to flip.
    for (int64_t S = 0; S <= 65025 * t.size; S += 1 + S / 64) {
      const double f = ref::lrn_q8_factor(p, S);
      std::vector<int8_t> bytes(sizeof f);
      std::memcpy(bytes.data(), &f, sizeof f);
      hf = fnv1a(bytes, hf);
    }
  }
  EXPECT_EQ(h, 0x5ac7bb25280db185ull) << std::hex << "0x" << h;
  EXPECT_EQ(hf, 0x0ef0346a5e436d97ull) << std::hex << "0x" << hf;
}

}  // namespace
}  // namespace octet

// Float convolution, fully connected and GEMM vs naive double loops (tight tolerance relative to
// the sum of absolute products, so reordered float sums pass and real mistakes do not).
#include <gtest/gtest.h>

#include <limits>

#include "kernels/ref/ref_kernels.h"
#include "ref_test_util.h"

namespace octet {
namespace {

using testing::Rng;

constexpr float kInf = std::numeric_limits<float>::infinity();

// Naive convolution in double; `mag` receives the sum of |terms| per output (error scale).
void naive_conv(const FConvParams& p, const float* in, std::vector<double>* out, std::vector<double>* mag) {
  const ConvGeometry& g = p.geom;
  const int icg = g.in_c_per_group(), ocg = g.out_c_per_group();
  out->assign(static_cast<size_t>(g.batch) * g.out_h * g.out_w * g.out_c, 0.0);
  mag->assign(out->size(), 0.0);
  size_t at = 0;
  for (int b = 0; b < g.batch; ++b)
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox)
        for (int oc = 0; oc < g.out_c; ++oc, ++at) {
          double s = p.bias ? p.bias[oc] : 0.0, m = std::abs(s);
          for (int ky = 0; ky < g.kernel_h; ++ky)
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) continue;
              for (int ic = 0; ic < icg; ++ic) {
                const double t = double(in[((size_t(b) * g.in_h + iy) * g.in_w + ix) * g.in_c + (oc / ocg) * icg + ic]) *
                                 p.weights[((size_t(oc) * g.kernel_h + ky) * g.kernel_w + kx) * icg + ic];
                s += t;
                m += std::abs(t);
              }
            }
          (*out)[at] = std::clamp<double>(s, p.clamp_min, p.clamp_max);
          (*mag)[at] = m;
        }
}

void check_conv(const ConvGeometry& g, Rng& rng, bool with_bias, float lo, float hi) {
  FConvParams p;
  p.geom = g;
  const std::vector<float> input = rng.floats(size_t(g.batch) * g.in_h * g.in_w * g.in_c, -2, 2);
  const std::vector<float> weights = rng.floats(size_t(g.out_c) * g.kernel_elements());
  const std::vector<float> bias = rng.floats(g.out_c);
  p.weights = weights.data();
  p.bias = with_bias ? bias.data() : nullptr;
  p.clamp_min = lo;
  p.clamp_max = hi;
  std::vector<float> out(size_t(g.batch) * g.out_h * g.out_w * g.out_c, -1234.5f);
  ref::conv_f32(p, input.data(), out.data());
  std::vector<double> expected, mag;
  naive_conv(p, input.data(), &expected, &mag);
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_NEAR(out[i], expected[i], 1e-5 * mag[i] + 1e-6)
        << "at " << i << " groups " << g.groups << " k " << g.kernel_h << "x" << g.kernel_w;
}

ConvGeometry random_float_geometry(Rng& rng, int kind) {
  ConvGeometry g;
  g.batch = rng.uniform(1, 2);
  g.kernel_h = rng.uniform(1, 5);
  g.kernel_w = rng.coin(0.7) ? g.kernel_h : rng.uniform(1, 5);
  g.stride_h = rng.uniform(1, 3);
  g.stride_w = rng.uniform(1, 3);
  g.dilation_h = rng.uniform(1, 2);
  g.dilation_w = rng.uniform(1, 2);
  g.in_h = rng.uniform(1, 10);
  g.in_w = rng.uniform(1, 10);
  switch (kind) {
    case 0: g.in_c = rng.uniform(1, 40); g.out_c = rng.uniform(1, 40); break;
    case 1: g.groups = rng.uniform(2, 4); g.in_c = g.groups * rng.uniform(1, 5); g.out_c = g.groups * rng.uniform(1, 5); break;
    case 2: g.groups = g.in_c = rng.uniform(1, 20); g.out_c = g.in_c; break;
    default: g.groups = g.in_c = rng.uniform(1, 20); g.out_c = g.in_c * rng.uniform(2, 3); break;
  }
  const int ext_h = g.dilation_h * (g.kernel_h - 1) + 1, ext_w = g.dilation_w * (g.kernel_w - 1) + 1;
  g.pad_top = rng.uniform(0, ext_h - 1);
  g.pad_left = rng.uniform(0, ext_w - 1);
  const int pad_h = g.pad_top + rng.uniform(0, ext_h - 1), pad_w = g.pad_left + rng.uniform(0, ext_w - 1);
  g.in_h = std::max(g.in_h, ext_h - pad_h);
  g.in_w = std::max(g.in_w, ext_w - pad_w);
  g.out_h = ConvGeometry::out_extent(g.in_h, g.kernel_h, g.stride_h, g.dilation_h, pad_h);
  g.out_w = ConvGeometry::out_extent(g.in_w, g.kernel_w, g.stride_w, g.dilation_w, pad_w);
  return g;
}

TEST(ConvF32, RandomShapesAllGroupKinds) {
  Rng rng(21);
  for (int i = 0; i < 160; ++i) {
    const ConvGeometry g = random_float_geometry(rng, i % 4);
    const bool clamp = rng.coin(0.3);
    check_conv(g, rng, rng.coin(0.8), clamp ? 0.0f : -kInf, clamp ? 0.5f : kInf);
    if (HasFatalFailure()) return;
  }
}

TEST(ConvF32, PointwiseIsAGemmOnTheInput) {
  Rng rng(22);
  for (int groups : {1, 1, 2, 3}) {
    ConvGeometry g;
    g.batch = 2; g.in_h = 5; g.in_w = 7; g.groups = groups;
    g.in_c = groups * rng.uniform(1, 30); g.out_c = groups * rng.uniform(1, 30);
    g.out_h = 5; g.out_w = 7;
    check_conv(g, rng, true, -kInf, kInf);
    check_conv(g, rng, false, -1.0f, 6.0f);
  }
}

TEST(ConvF32, DeepReductionCrossesKBlocks) {
  Rng rng(23);
  ConvGeometry g;
  g.in_h = 6; g.in_w = 5; g.in_c = 70; g.out_c = 19;  // K = 630: three K blocks
  g.kernel_h = g.kernel_w = 3; g.pad_top = g.pad_left = 1;
  g.out_h = 6; g.out_w = 5;
  check_conv(g, rng, true, -kInf, kInf);
  check_conv(g, rng, true, 0.0f, 6.0f);
}

TEST(GemmF32, RandomSizesAndTails) {
  Rng rng(24);
  for (int i = 0; i < 40; ++i) {
    // Every blocking boundary: M across kMC = 72, N across kNC = 512, K across kKC = 256.
    // (Kept to a few million MACs in all: the double check runs under qemu too.)
    const int M = i % 5 == 0 ? rng.uniform(60, 160) : i % 5 == 1 ? rng.uniform(1, 8) : rng.uniform(1, 30);
    const int N = i % 5 == 1 ? rng.uniform(500, 530) : rng.uniform(1, 40);
    const int K = i % 5 == 2 ? rng.uniform(250, 600) : rng.uniform(1, 40);
    const std::vector<float> A = rng.floats(size_t(M) * K), B = rng.floats(size_t(N) * K), bias = rng.floats(N);
    const bool use_bias = rng.coin(), clamp = rng.coin(0.3);
    const float lo = clamp ? -0.3f : -kInf, hi = clamp ? 0.4f : kInf;
    std::vector<float> C(size_t(M) * N);
    ref::gemm_f32(M, N, K, A.data(), B.data(), use_bias ? bias.data() : nullptr, lo, hi, C.data());
    for (int m = 0; m < M; ++m)
      for (int n = 0; n < N; ++n) {
        double s = use_bias ? bias[n] : 0.0, mag = std::abs(s);
        for (int k = 0; k < K; ++k) {
          s += double(A[size_t(m) * K + k]) * B[size_t(n) * K + k];
          mag += std::abs(double(A[size_t(m) * K + k]) * B[size_t(n) * K + k]);
        }
        ASSERT_NEAR(C[size_t(m) * N + n], std::clamp<double>(s, lo, hi), 1e-5 * mag + 1e-6)
            << "M " << M << " N " << N << " K " << K << " at " << m << "," << n;
      }
  }
}

TEST(FullyConnectedF32, EqualsGemmWithBias) {
  Rng rng(25);
  FConvParams p;
  p.geom.batch = 3; p.geom.in_c = 50; p.geom.out_c = 11;
  const std::vector<float> in = rng.floats(150), w = rng.floats(550), bias = rng.floats(11);
  p.weights = w.data();
  p.bias = bias.data();
  p.clamp_min = 0.0f;
  std::vector<float> out(33);
  ref::fully_connected_f32(p, in.data(), out.data());
  for (int b = 0; b < 3; ++b)
    for (int c = 0; c < 11; ++c) {
      double s = bias[c];
      for (int k = 0; k < 50; ++k) s += double(in[b * 50 + k]) * w[c * 50 + k];
      EXPECT_NEAR(out[b * 11 + c], std::max(0.0, s), 1e-5);
    }
}

}  // namespace
}  // namespace octet

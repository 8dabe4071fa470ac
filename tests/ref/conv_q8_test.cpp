// int8 convolution and fully connected vs the double model of the same quantized operation:
// dequantize input and weights, convolve in double, quantize the output; within 1 LSB.
#include <gtest/gtest.h>

#include <cstring>

#include "kernels/ref/ref_kernels.h"
#include "quant/op_quant.h"
#include "quant/rescale.h"
#include "ref_test_util.h"

namespace octet {
namespace {

using testing::LsbStats;
using testing::Rng;

struct ConvCase {
  ConvGeometry g;
  float input_scale = 0.05f;
  int32_t input_zero_point = 0;
  float output_scale = 0.1f;  // <= 0: derive from the data range (times output_range_factor)
  double output_range_factor = 1.0;
  int32_t output_zero_point = 0;
  int32_t clamp_min = -128, clamp_max = 127;
  bool symmetric_weights = false;
  double bias_range = 1.0;  // bias magnitude relative to the typical accumulator
  int in_stride = 0, out_stride = 0, out_offset = 0;
};

// Runs one case through conv_q8 and checks it against the double model, and checks that an
// output with pixel stride > out_c has only its channel slice written.
LsbStats run_conv_case(const ConvCase& cc, Rng& rng) {
  const ConvGeometry& g = cc.g;
  const int K = g.kernel_elements();
  const int in_stride = cc.in_stride ? cc.in_stride : g.in_c;
  const int out_stride = cc.out_stride ? cc.out_stride : g.out_c;
  const size_t in_pixels = static_cast<size_t>(g.batch) * g.in_h * g.in_w;
  const size_t out_pixels = static_cast<size_t>(g.batch) * g.out_h * g.out_w;
  std::vector<int8_t> input = rng.int8s(in_pixels * in_stride);
  std::vector<int8_t> weights(static_cast<size_t>(g.out_c) * K);
  std::vector<float> wscale(g.out_c);
  std::vector<int32_t> wzp(g.out_c), bias(g.out_c), folded(g.out_c), mult(g.out_c), shift(g.out_c);
  const double typical_acc = std::sqrt(static_cast<double>(K)) * 74.0 * 74.0;
  for (int c = 0; c < g.out_c; ++c) {
    wscale[c] = rng.log_uniform(1e-3, 1.0);
    wzp[c] = cc.symmetric_weights ? 0 : rng.uniform(-12, 12);
    for (int k = 0; k < K; ++k) weights[static_cast<size_t>(c) * K + k] = static_cast<int8_t>(rng.uniform(-127, 127));
    const int b = static_cast<int>(std::min(1e9, typical_acc * cc.bias_range));
    bias[c] = rng.uniform(-b, b);
  }
  fold_zero_point_terms(weights.data(), g.out_c, K, wzp.data(), cc.input_zero_point, bias.data(),
                        folded.data());

  // Double model of every output value (before the output quantization), and the exact integer
  // accumulator bias + sum_k (a_k - z_a)(w_k - z_c) that the folded form must reproduce.
  std::vector<double> real(out_pixels * g.out_c);
  std::vector<int64_t> exact_acc(out_pixels * g.out_c);
  const int icg = g.in_c_per_group(), ocg = g.out_c_per_group();
  for (int b = 0; b < g.batch; ++b)
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox)
        for (int oc = 0; oc < g.out_c; ++oc) {
          const int grp = oc / ocg;
          double s = static_cast<double>(cc.input_scale) * wscale[oc] * bias[oc];
          int64_t acc = bias[oc];
          for (int ky = 0; ky < g.kernel_h; ++ky)
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) continue;  // real 0
              for (int ic = 0; ic < icg; ++ic) {
                const int a = input[((static_cast<size_t>(b) * g.in_h + iy) * g.in_w + ix) * in_stride + grp * icg + ic];
                const int w = weights[((static_cast<size_t>(oc) * g.kernel_h + ky) * g.kernel_w + kx) * icg + ic];
                s += static_cast<double>(cc.input_scale) * (a - cc.input_zero_point) *
                     (static_cast<double>(wscale[oc]) * (w - wzp[oc]));
                acc += static_cast<int64_t>(a - cc.input_zero_point) * (w - wzp[oc]);
              }
            }
          real[((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * g.out_c + oc] = s;
          exact_acc[((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * g.out_c + oc] = acc;
        }
  float output_scale = cc.output_scale;
  if (output_scale <= 0) {
    double max_abs = 1e-3 * cc.input_scale;  // all-zero results: any scale keeping M < 2^30
    for (double v : real) max_abs = std::max(max_abs, std::abs(v));
    output_scale = static_cast<float>(max_abs / 127.0 * cc.output_range_factor);
  }

  QConvParams p;
  p.geom = g;
  p.input_zero_point = cc.input_zero_point;
  p.weights = weights.data();
  p.weight_zero_points = wzp.data();
  p.bias_folded = folded.data();
  EXPECT_TRUE(make_conv_multipliers(cc.input_scale, wscale.data(), output_scale, g.out_c,
                                    mult.data(), shift.data()));
  p.requant.multiplier = mult.data();
  p.requant.shift = shift.data();
  p.requant.output_zero_point = cc.output_zero_point;
  p.requant.clamp_min = cc.clamp_min;
  p.requant.clamp_max = cc.clamp_max;

  constexpr int8_t kSentinel = 0x5A;
  std::vector<int8_t> out_buf(out_pixels * out_stride + 16, kSentinel);
  ref::conv_q8(p, input.data(), out_buf.data() + cc.out_offset, cc.in_stride, cc.out_stride);

  LsbStats stats;
  for (size_t px = 0; px < out_pixels; ++px)
    for (int c = 0; c < out_stride; ++c) {
      const size_t at = px * out_stride + c;
      if (c < cc.out_offset || c >= cc.out_offset + g.out_c) {
        EXPECT_EQ(out_buf[at], kSentinel) << "wrote outside its slice at pixel " << px << " channel " << c;
        continue;
      }
      const int oc = c - cc.out_offset;
      const int expected = testing::quantize_double(real[px * g.out_c + oc], output_scale,
                                                    cc.output_zero_point, cc.clamp_min, cc.clamp_max);
      stats.add(out_buf[at], expected);
      // Bit-exact against the normative integer arithmetic (what NEON must reproduce).
      const int64_t acc = exact_acc[px * g.out_c + oc];
      EXPECT_TRUE(acc >= INT32_MIN && acc <= INT32_MAX);
      EXPECT_EQ(out_buf[at], requantize(static_cast<int32_t>(acc), mult[oc], shift[oc], cc.output_zero_point,
                                        cc.clamp_min, cc.clamp_max))
          << "pixel " << px << " channel " << oc;
    }
  for (size_t i = out_pixels * out_stride; i < out_buf.size(); ++i) EXPECT_EQ(out_buf[i], kSentinel);
  return stats;
}

// A random geometry: groups kind 0 = dense, 1 = grouped, 2 = depthwise x1, 3 = depthwise x2.
ConvGeometry random_geometry(Rng& rng, int kind) {
  ConvGeometry g;
  g.batch = rng.uniform(1, 2);
  g.kernel_h = rng.uniform(1, 5);
  g.kernel_w = rng.coin(0.7) ? g.kernel_h : rng.uniform(1, 5);
  g.stride_h = rng.uniform(1, 3);
  g.stride_w = rng.coin(0.7) ? g.stride_h : rng.uniform(1, 3);
  g.dilation_h = rng.coin(0.75) ? 1 : 2;
  g.dilation_w = rng.coin(0.75) ? g.dilation_h : rng.uniform(1, 2);
  g.in_h = rng.uniform(1, 9);
  g.in_w = rng.uniform(1, 9);
  switch (kind) {
    case 0: g.groups = 1; g.in_c = rng.uniform(1, 12); g.out_c = rng.uniform(1, 12); break;
    case 1: g.groups = rng.uniform(2, 3); g.in_c = g.groups * rng.uniform(1, 4); g.out_c = g.groups * rng.uniform(1, 4); break;
    default: g.groups = g.in_c = rng.uniform(1, 12); g.out_c = g.in_c * (kind - 1); break;
  }
  const int ext_h = g.dilation_h * (g.kernel_h - 1) + 1, ext_w = g.dilation_w * (g.kernel_w - 1) + 1;
  for (;;) {
    g.pad_top = rng.uniform(0, ext_h - 1);
    g.pad_left = rng.uniform(0, ext_w - 1);
    const int pad_h = g.pad_top + rng.uniform(0, ext_h - 1), pad_w = g.pad_left + rng.uniform(0, ext_w - 1);
    g.out_h = ConvGeometry::out_extent(g.in_h, g.kernel_h, g.stride_h, g.dilation_h, pad_h);
    g.out_w = ConvGeometry::out_extent(g.in_w, g.kernel_w, g.stride_w, g.dilation_w, pad_w);
    if (g.in_h + pad_h >= ext_h && g.in_w + pad_w >= ext_w && g.out_h >= 1 && g.out_w >= 1) break;
    ++g.in_h;  // too small for the kernel even with padding: grow the input
    ++g.in_w;
  }
  return g;
}

void randomize_quantization(Rng& rng, ConvCase* cc) {
  cc->input_scale = rng.log_uniform(1e-3, 10.0);
  cc->input_zero_point = rng.uniform(-128, 127);
  cc->output_scale = 0;  // from the data range ...
  cc->output_range_factor = rng.log_uniform(0.25, 4.0);  // ... saturating now and then
  cc->output_zero_point = rng.uniform(-60, 60);
  cc->symmetric_weights = rng.coin(0.3);
  cc->bias_range = rng.coin(0.2) ? 0.0 : rng.log_uniform(0.01, 3.0);
  switch (rng.uniform(0, 3)) {
    case 0: cc->clamp_min = -128; cc->clamp_max = 127; break;
    case 1: cc->clamp_min = std::max(-128, cc->output_zero_point); cc->clamp_max = 127; break;  // ReLU
    case 2: cc->clamp_min = rng.uniform(-128, 0); cc->clamp_max = rng.uniform(cc->clamp_min, 127); break;
    default: cc->clamp_min = cc->output_zero_point; cc->clamp_max = std::min(127, cc->output_zero_point + 60); break;  // ReLU6-like
  }
}

void expect_within_one_lsb(const LsbStats& s, const char* what) {
  EXPECT_LE(s.worst, 1) << what;
  // Off-by-one only where the double result sits within rounding noise of a .5 boundary.
  EXPECT_GE(s.exact * 10, s.count * 9) << what << ": " << s.exact << " of " << s.count << " exact";
}

TEST(ConvQ8, RandomDense) {
  Rng rng(1);
  LsbStats all;
  for (int i = 0; i < 120; ++i) {
    ConvCase cc;
    cc.g = random_geometry(rng, 0);
    randomize_quantization(rng, &cc);
    const LsbStats s = run_conv_case(cc, rng);
    ASSERT_LE(s.worst, 1) << "case " << i;
    all.count += s.count; all.exact += s.exact; all.worst = std::max(all.worst, s.worst);
  }
  expect_within_one_lsb(all, "dense");
}

TEST(ConvQ8, RandomGroupedAndDepthwise) {
  Rng rng(2);
  LsbStats all;
  for (int i = 0; i < 150; ++i) {
    ConvCase cc;
    cc.g = random_geometry(rng, 1 + i % 3);
    randomize_quantization(rng, &cc);
    const LsbStats s = run_conv_case(cc, rng);
    ASSERT_LE(s.worst, 1) << "case " << i << " groups " << cc.g.groups << " out_c " << cc.g.out_c;
    all.count += s.count; all.exact += s.exact; all.worst = std::max(all.worst, s.worst);
  }
  expect_within_one_lsb(all, "grouped/depthwise");
}

TEST(ConvQ8, StridedInputAndOutputSlices) {
  Rng rng(3);
  for (int i = 0; i < 60; ++i) {
    ConvCase cc;
    cc.g = random_geometry(rng, i % 4);
    randomize_quantization(rng, &cc);
    cc.in_stride = cc.g.in_c + rng.uniform(0, 5);
    cc.out_offset = rng.uniform(0, 4);
    cc.out_stride = cc.g.out_c + cc.out_offset + rng.uniform(0, 5);
    const LsbStats s = run_conv_case(cc, rng);
    ASSERT_LE(s.worst, 1) << "case " << i;
  }
}

TEST(ConvQ8, OnePixelImageKernelLargerThanInput) {
  Rng rng(4);
  ConvCase cc;
  cc.g.in_h = cc.g.in_w = 1;
  cc.g.in_c = 1;
  cc.g.out_c = 1;
  cc.g.kernel_h = cc.g.kernel_w = 3;
  cc.g.pad_top = cc.g.pad_left = 1;
  cc.g.out_h = cc.g.out_w = 1;
  for (int i = 0; i < 20; ++i) {
    randomize_quantization(rng, &cc);
    expect_within_one_lsb(run_conv_case(cc, rng), "1x1 image, 3x3 kernel");
  }
  // 2x2 input, 5x5 kernel, padding 2: every output sees padded taps.
  cc.g.in_h = cc.g.in_w = 2;
  cc.g.in_c = 3;
  cc.g.out_c = 2;
  cc.g.kernel_h = cc.g.kernel_w = 5;
  cc.g.pad_top = cc.g.pad_left = 2;
  cc.g.out_h = cc.g.out_w = 2;
  for (int i = 0; i < 20; ++i) {
    randomize_quantization(rng, &cc);
    expect_within_one_lsb(run_conv_case(cc, rng), "2x2 image, 5x5 kernel");
  }
}

TEST(ConvQ8, StrideLargerThanKernelAndDilation) {
  Rng rng(5);
  ConvCase cc;
  cc.g.in_h = 11; cc.g.in_w = 10; cc.g.in_c = 3; cc.g.out_c = 4;
  cc.g.kernel_h = cc.g.kernel_w = 2;
  cc.g.stride_h = 4; cc.g.stride_w = 3;
  cc.g.out_h = ConvGeometry::out_extent(11, 2, 4, 1, 0);
  cc.g.out_w = ConvGeometry::out_extent(10, 2, 3, 1, 0);
  randomize_quantization(rng, &cc);
  expect_within_one_lsb(run_conv_case(cc, rng), "stride > kernel");
  cc.g.kernel_h = cc.g.kernel_w = 3;
  cc.g.stride_h = cc.g.stride_w = 1;
  cc.g.dilation_h = 3; cc.g.dilation_w = 2;
  cc.g.pad_top = 3; cc.g.pad_left = 2;
  cc.g.out_h = ConvGeometry::out_extent(11, 3, 1, 3, 6);
  cc.g.out_w = ConvGeometry::out_extent(10, 3, 1, 2, 4);
  randomize_quantization(rng, &cc);
  expect_within_one_lsb(run_conv_case(cc, rng), "dilation");
}

TEST(ConvQ8, ExtremeScalesAndSaturation) {
  Rng rng(6);
  ConvCase cc;
  cc.g.in_h = 4; cc.g.in_w = 5; cc.g.in_c = 6; cc.g.out_c = 5;
  cc.g.kernel_h = cc.g.kernel_w = 3;
  cc.g.pad_top = cc.g.pad_left = 1;
  cc.g.out_h = 4; cc.g.out_w = 5;
  for (float in_scale : {1e-6f, 1e-3f, 1.0f, 1e3f}) {
    randomize_quantization(rng, &cc);
    cc.input_scale = in_scale;
    cc.clamp_min = -128; cc.clamp_max = 127;
    cc.output_range_factor = 1.0;
    expect_within_one_lsb(run_conv_case(cc, rng), "range-fitted output");
    cc.output_range_factor = 1.0 / 500;  // most values saturate, at both ends
    const LsbStats s = run_conv_case(cc, rng);
    EXPECT_LE(s.worst, 1);
    cc.output_range_factor = 1e9;  // multiplier far below one LSB: everything is the zero point
    expect_within_one_lsb(run_conv_case(cc, rng), "tiny multiplier");
  }
  // Huge multipliers (M ~ 2^20): any non-zero accumulator saturates.
  cc.input_scale = 1.0f;
  cc.output_scale = 1e-8f;
  cc.bias_range = 0;
  expect_within_one_lsb(run_conv_case(cc, rng), "huge multiplier");
}

TEST(ConvQ8, SaturatesAtBothEnds) {
  // Constant input and weights: the sign of the bias decides, the magnitude saturates.
  ConvGeometry g;
  g.in_h = g.in_w = 3; g.in_c = 2; g.out_c = 2; g.out_h = g.out_w = 3;
  std::vector<int8_t> input(18, 100), weights(4, 0), out(18);
  const int32_t wzp[2] = {0, 0}, bias[2] = {1 << 24, -(1 << 24)};
  const int32_t mult[2] = {1 << 30, 1 << 30}, shift[2] = {0, 0};  // M = 0.5
  QConvParams p;
  p.geom = g;
  p.weights = weights.data();
  p.weight_zero_points = wzp;
  p.bias_folded = bias;
  p.requant.multiplier = mult;
  p.requant.shift = shift;
  p.requant.output_zero_point = 3;
  ref::conv_q8(p, input.data(), out.data());
  for (int px = 0; px < 9; ++px) {
    EXPECT_EQ(out[px * 2], 127);
    EXPECT_EQ(out[px * 2 + 1], -128);
  }
  p.requant.clamp_min = 3;  // ReLU
  p.requant.clamp_max = 60;
  ref::conv_q8(p, input.data(), out.data());
  for (int px = 0; px < 9; ++px) {
    EXPECT_EQ(out[px * 2], 60);
    EXPECT_EQ(out[px * 2 + 1], 3);
  }
}

TEST(FullyConnectedQ8, RandomShapesMatchConvolution) {
  Rng rng(7);
  for (int i = 0; i < 80; ++i) {
    ConvCase cc;
    cc.g.batch = rng.uniform(1, 3);
    cc.g.in_c = rng.coin(0.2) ? 1 : rng.uniform(1, 300);
    cc.g.out_c = rng.coin(0.2) ? 1 : rng.uniform(1, 40);
    cc.g.in_h = cc.g.in_w = cc.g.out_h = cc.g.out_w = 1;
    randomize_quantization(rng, &cc);
    // Same data through conv_q8 (checked against the double model) and fully_connected_q8.
    const LsbStats s = run_conv_case(cc, rng);
    ASSERT_LE(s.worst, 1);
    const int K = cc.g.in_c;
    std::vector<int8_t> input = rng.int8s(static_cast<size_t>(cc.g.batch) * K);
    std::vector<int8_t> weights = rng.int8s(static_cast<size_t>(cc.g.out_c) * K, -127, 127);
    std::vector<int32_t> wzp(cc.g.out_c), bias(cc.g.out_c), mult(cc.g.out_c), shift(cc.g.out_c);
    for (int c = 0; c < cc.g.out_c; ++c) {
      wzp[c] = rng.uniform(-10, 10);
      bias[c] = rng.uniform(-100000, 100000);
      mult[c] = rng.uniform(1 << 30, INT32_MAX);
      shift[c] = rng.uniform(-14, -6);
    }
    QConvParams p;
    p.geom = cc.g;
    p.input_zero_point = cc.input_zero_point;
    p.weights = weights.data();
    p.weight_zero_points = wzp.data();
    p.bias_folded = bias.data();
    p.requant.multiplier = mult.data();
    p.requant.shift = shift.data();
    p.requant.output_zero_point = cc.output_zero_point;
    p.requant.clamp_min = cc.clamp_min;
    p.requant.clamp_max = cc.clamp_max;
    std::vector<int8_t> fc(static_cast<size_t>(cc.g.batch) * cc.g.out_c), conv(fc.size());
    ref::fully_connected_q8(p, input.data(), fc.data());
    ref::conv_q8(p, input.data(), conv.data());
    ASSERT_EQ(fc, conv) << "case " << i;
  }
}

TEST(FullyConnectedQ8, AgainstDoubleModel) {
  Rng rng(8);
  const int B = 2, K = 37, N = 9;
  std::vector<int8_t> input = rng.int8s(B * K), weights = rng.int8s(N * K, -127, 127), out(B * N);
  std::vector<float> ws(N);
  std::vector<int32_t> wzp(N), bias(N), folded(N), mult(N), shift(N);
  const float sa = 0.02f, so = 0.5f;
  const int32_t za = -9, zo = 4;
  for (int c = 0; c < N; ++c) {
    ws[c] = rng.log_uniform(0.005, 0.05);
    wzp[c] = rng.uniform(-5, 5);
    bias[c] = rng.uniform(-20000, 20000);
  }
  fold_zero_point_terms(weights.data(), N, K, wzp.data(), za, bias.data(), folded.data());
  ASSERT_TRUE(make_conv_multipliers(sa, ws.data(), so, N, mult.data(), shift.data()));
  QConvParams p;
  p.geom.batch = B; p.geom.in_c = K; p.geom.out_c = N;
  p.input_zero_point = za;
  p.weights = weights.data();
  p.weight_zero_points = wzp.data();
  p.bias_folded = folded.data();
  p.requant.multiplier = mult.data();
  p.requant.shift = shift.data();
  p.requant.output_zero_point = zo;
  ref::fully_connected_q8(p, input.data(), out.data());
  LsbStats s;
  for (int b = 0; b < B; ++b)
    for (int c = 0; c < N; ++c) {
      double r = double(sa) * ws[c] * bias[c];
      for (int k = 0; k < K; ++k)
        r += double(sa) * (input[b * K + k] - za) * double(ws[c]) * (weights[c * K + k] - wzp[c]);
      s.add(out[b * N + c], testing::quantize_double(r, so, zo, -128, 127));
    }
  expect_within_one_lsb(s, "fully connected");
}

}  // namespace
}  // namespace octet

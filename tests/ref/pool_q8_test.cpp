// int8 pooling vs the double model: max pool exactly (it only moves values), average pools
// within 1 LSB of dequantize -> mean -> quantize.
#include <gtest/gtest.h>

#include "kernels/ref/ref_kernels.h"
#include "ref_test_util.h"

namespace octet {
namespace {

using testing::LsbStats;
using testing::Rng;

PoolGeometry random_pool_geometry(Rng& rng) {
  PoolGeometry g;
  g.batch = rng.uniform(1, 2);
  g.channels = rng.coin(0.2) ? 1 : rng.uniform(1, 13);
  g.kernel_h = rng.uniform(1, 4);
  g.kernel_w = rng.coin(0.7) ? g.kernel_h : rng.uniform(1, 4);
  g.stride_h = rng.uniform(1, 5);  // stride > kernel now and then
  g.stride_w = rng.uniform(1, 5);
  g.in_h = rng.uniform(1, 9);
  g.in_w = rng.uniform(1, 9);
  g.pad_top = rng.uniform(0, g.kernel_h - 1);
  g.pad_left = rng.uniform(0, g.kernel_w - 1);
  const int pad_h = g.pad_top + rng.uniform(0, g.kernel_h - 1), pad_w = g.pad_left + rng.uniform(0, g.kernel_w - 1);
  g.in_h = std::max(g.in_h, g.kernel_h - pad_h);
  g.in_w = std::max(g.in_w, g.kernel_w - pad_w);
  g.out_h = ConvGeometry::out_extent(g.in_h, g.kernel_h, g.stride_h, 1, pad_h);
  g.out_w = ConvGeometry::out_extent(g.in_w, g.kernel_w, g.stride_w, 1, pad_w);
  g.count_include_pad = rng.coin();
  return g;
}

// Runs fn over every output element: fn(b, oy, ox, c, taps) with the in-bounds input offsets.
template <class Fn>
void for_each_window(const PoolGeometry& g, int in_stride, Fn fn) {
  for (int b = 0; b < g.batch; ++b)
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox)
        for (int c = 0; c < g.channels; ++c) {
          std::vector<size_t> taps;
          for (int ky = 0; ky < g.kernel_h; ++ky)
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int y = oy * g.stride_h - g.pad_top + ky, x = ox * g.stride_w - g.pad_left + kx;
              if (y >= 0 && y < g.in_h && x >= 0 && x < g.in_w)
                taps.push_back(((size_t(b) * g.in_h + y) * g.in_w + x) * in_stride + c);
            }
          fn(((size_t(b) * g.out_h + oy) * g.out_w + ox), c, taps);
        }
}

constexpr int8_t kSentinel = 0x33;

// Output buffer with pixel stride `out_stride` and the slice at `offset`; checks the rest.
void expect_only_slice_written(const std::vector<int8_t>& buf, size_t pixels, int out_stride,
                               int offset, int channels) {
  for (size_t px = 0; px < pixels; ++px)
    for (int c = 0; c < out_stride; ++c)
      if (c < offset || c >= offset + channels) {
        ASSERT_EQ(buf[px * out_stride + c], kSentinel) << "pixel " << px << " channel " << c;
      }
}

TEST(MaxPoolQ8, RandomShapesExact) {
  Rng rng(31);
  for (int i = 0; i < 150; ++i) {
    const PoolGeometry g = random_pool_geometry(rng);
    const bool strided = rng.coin(0.3);
    const int in_stride = strided ? g.channels + rng.uniform(0, 3) : g.channels;
    const int offset = strided ? rng.uniform(0, 3) : 0;
    const int out_stride = strided ? g.channels + offset + rng.uniform(0, 3) : g.channels;
    const int32_t lo = rng.coin(0.5) ? -128 : rng.uniform(-128, 20), hi = rng.coin(0.5) ? 127 : rng.uniform(lo, 127);
    const std::vector<int8_t> input = rng.int8s(size_t(g.batch) * g.in_h * g.in_w * in_stride);
    const size_t out_px = size_t(g.batch) * g.out_h * g.out_w;
    std::vector<int8_t> out(out_px * out_stride, kSentinel);
    ref::max_pool_q8(g, lo, hi, input.data(), out.data() + offset, strided ? in_stride : 0, strided ? out_stride : 0);
    for_each_window(g, in_stride, [&](size_t px, int c, const std::vector<size_t>& taps) {
      ASSERT_FALSE(taps.empty());
      int m = -128;
      for (size_t t : taps) m = std::max<int>(m, input[t]);
      ASSERT_EQ(out[px * out_stride + offset + c], std::clamp(m, lo, hi)) << "case " << i;
    });
    expect_only_slice_written(out, out_px, out_stride, offset, g.channels);
  }
}

// Average pool with random scales (ratio from 1e-3 to 1e3), zero points, clamps and strides.
TEST(AvgPoolQ8, RandomShapesWithinOneLsb) {
  Rng rng(32);
  LsbStats all;
  for (int i = 0; i < 200; ++i) {
    QPoolParams p;
    p.geom = random_pool_geometry(rng);
    const PoolGeometry& g = p.geom;
    p.input_scale = rng.log_uniform(1e-4, 1e2);
    p.output_scale = p.input_scale * rng.log_uniform(1e-3, 1e3);
    p.input_zero_point = rng.uniform(-128, 127);
    p.output_zero_point = rng.uniform(-128, 127);
    if (rng.coin(0.3)) { p.clamp_min = std::max(-128, p.output_zero_point); }  // ReLU
    if (rng.coin(0.2)) { p.clamp_max = rng.uniform(p.clamp_min, 127); }
    const bool strided = rng.coin(0.3);
    const int in_stride = strided ? g.channels + rng.uniform(0, 3) : g.channels;
    const int offset = strided ? rng.uniform(0, 3) : 0;
    const int out_stride = strided ? g.channels + offset + rng.uniform(0, 3) : g.channels;
    const std::vector<int8_t> input = rng.int8s(size_t(g.batch) * g.in_h * g.in_w * in_stride);
    const size_t out_px = size_t(g.batch) * g.out_h * g.out_w;
    std::vector<int8_t> out(out_px * out_stride, kSentinel);
    ref::avg_pool_q8(p, input.data(), out.data() + offset, strided ? in_stride : 0, strided ? out_stride : 0);
    for_each_window(g, in_stride, [&](size_t px, int c, const std::vector<size_t>& taps) {
      double sum = 0;  // padded taps are real 0
      for (size_t t : taps) sum += double(p.input_scale) * (input[t] - p.input_zero_point);
      const int count = g.count_include_pad ? g.kernel_h * g.kernel_w : int(taps.size());
      const int expected = testing::quantize_double(sum / count, p.output_scale, p.output_zero_point,
                                                    p.clamp_min, p.clamp_max);
      const int got = out[px * out_stride + offset + c];
      ASSERT_LE(std::abs(got - expected), 1) << "case " << i << " count " << count;
      all.add(got, expected);
    });
    expect_only_slice_written(out, out_px, out_stride, offset, g.channels);
  }
  EXPECT_GE(all.exact * 10, all.count * 9);
}

TEST(AvgPoolQ8, PaddingCountedOrNot) {
  // 2x2 input of real 1.0 (scale 0.5, zp 0: q = 2), 3x3 window with padding 1, output scale 1/64.
  QPoolParams p;
  p.geom.in_h = p.geom.in_w = 2; p.geom.channels = 1;
  p.geom.kernel_h = p.geom.kernel_w = 3; p.geom.pad_top = p.geom.pad_left = 1;
  p.geom.out_h = p.geom.out_w = 2;
  p.input_scale = 0.5f;
  p.output_scale = 1.0f / 64;
  const std::vector<int8_t> input(4, 2);
  std::vector<int8_t> out(4);
  p.geom.count_include_pad = false;
  ref::avg_pool_q8(p, input.data(), out.data());
  for (int8_t v : out) EXPECT_EQ(v, 64);  // mean 1.0 -> 64
  p.geom.count_include_pad = true;
  ref::avg_pool_q8(p, input.data(), out.data());
  for (int8_t v : out) EXPECT_EQ(v, 28);  // 4 taps of 1.0 over 9: 0.444 * 64 = 28.4
}

TEST(GlobalAvgPoolQ8, RandomWithinOneLsb) {
  Rng rng(33);
  for (int i = 0; i < 60; ++i) {
    QPoolParams p;
    PoolGeometry& g = p.geom;
    g.batch = rng.uniform(1, 3);
    g.in_h = rng.coin(0.2) ? 1 : rng.uniform(1, 12);
    g.in_w = rng.coin(0.2) ? 1 : rng.uniform(1, 12);
    g.channels = rng.uniform(1, 20);
    p.input_scale = rng.log_uniform(1e-3, 10);
    p.output_scale = p.input_scale * rng.log_uniform(0.05, 5);
    p.input_zero_point = rng.uniform(-128, 127);
    p.output_zero_point = rng.uniform(-128, 127);
    const std::vector<int8_t> input = rng.int8s(size_t(g.batch) * g.in_h * g.in_w * g.channels);
    std::vector<int8_t> out(size_t(g.batch) * g.channels);
    ref::global_avg_pool_q8(p, input.data(), out.data());
    for (int b = 0; b < g.batch; ++b)
      for (int c = 0; c < g.channels; ++c) {
        double sum = 0;
        for (int k = 0; k < g.in_h * g.in_w; ++k)
          sum += double(p.input_scale) * (input[(size_t(b) * g.in_h * g.in_w + k) * g.channels + c] - p.input_zero_point);
        const int expected = testing::quantize_double(sum / (g.in_h * g.in_w), p.output_scale,
                                                      p.output_zero_point, -128, 127);
        ASSERT_LE(std::abs(out[size_t(b) * g.channels + c] - expected), 1) << "case " << i;
      }
  }
}

}  // namespace
}  // namespace octet

namespace octet {
namespace {

TEST(PoolQ8, WindowEntirelyInPadding) {
  // 1x1 input, 1x1 window, padding 1 on every side: only the centre output sees the input.
  QPoolParams p;
  p.geom.in_h = p.geom.in_w = 1; p.geom.channels = 1;
  p.geom.pad_top = p.geom.pad_left = 1;
  p.geom.out_h = p.geom.out_w = 3;
  p.input_scale = p.output_scale = 1.0f;
  p.output_zero_point = -9;
  const int8_t input[1] = {50};
  int8_t out[9];
  for (bool include_pad : {false, true}) {
    p.geom.count_include_pad = include_pad;
    ref::avg_pool_q8(p, input, out);
    for (int i = 0; i < 9; ++i) EXPECT_EQ(out[i], i == 4 ? 41 : -9) << i;
  }
  ref::max_pool_q8(p.geom, -100, 127, input, out);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(out[i], i == 4 ? 50 : -100) << i;
}

}  // namespace
}  // namespace octet

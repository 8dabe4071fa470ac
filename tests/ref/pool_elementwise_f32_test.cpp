// Float pooling and elementwise kernels vs naive loops.
#include <gtest/gtest.h>

#include <limits>

#include "kernels/ref/ref_kernels.h"
#include "ref_test_util.h"

namespace octet {
namespace {

using testing::Rng;

TEST(PoolF32, MaxAndAverageMatchNaiveLoops) {
  Rng rng(61);
  for (int i = 0; i < 120; ++i) {
    PoolGeometry g;
    g.batch = rng.uniform(1, 2);
    g.channels = rng.uniform(1, 17);
    g.kernel_h = rng.uniform(1, 4);
    g.kernel_w = rng.uniform(1, 4);
    g.stride_h = rng.uniform(1, 4);
    g.stride_w = rng.uniform(1, 4);
    g.pad_top = rng.uniform(0, g.kernel_h - 1);
    g.pad_left = rng.uniform(0, g.kernel_w - 1);
    g.in_h = std::max(rng.uniform(1, 9), g.kernel_h - g.pad_top);
    g.in_w = std::max(rng.uniform(1, 9), g.kernel_w - g.pad_left);
    g.out_h = ConvGeometry::out_extent(g.in_h, g.kernel_h, g.stride_h, 1, g.pad_top);
    g.out_w = ConvGeometry::out_extent(g.in_w, g.kernel_w, g.stride_w, 1, g.pad_left);
    g.count_include_pad = rng.coin();
    const std::vector<float> in = rng.floats(size_t(g.batch) * g.in_h * g.in_w * g.channels, -3, 3);
    std::vector<float> mx(size_t(g.batch) * g.out_h * g.out_w * g.channels), av(mx.size());
    ref::max_pool_f32(g, in.data(), mx.data());
    ref::avg_pool_f32(g, in.data(), av.data());
    size_t at = 0;
    for (int b = 0; b < g.batch; ++b)
      for (int oy = 0; oy < g.out_h; ++oy)
        for (int ox = 0; ox < g.out_w; ++ox)
          for (int c = 0; c < g.channels; ++c, ++at) {
            double m = -1e30, s = 0;
            int n = 0;
            for (int ky = 0; ky < g.kernel_h; ++ky)
              for (int kx = 0; kx < g.kernel_w; ++kx) {
                const int y = oy * g.stride_h - g.pad_top + ky, x = ox * g.stride_w - g.pad_left + kx;
                if (y < 0 || y >= g.in_h || x < 0 || x >= g.in_w) continue;
                const float v = in[((size_t(b) * g.in_h + y) * g.in_w + x) * g.channels + c];
                m = std::max<double>(m, v);
                s += v;
                ++n;
              }
            ASSERT_GT(n, 0);
            ASSERT_EQ(mx[at], m) << "case " << i;
            ASSERT_NEAR(av[at], s / (g.count_include_pad ? g.kernel_h * g.kernel_w : n), 1e-5) << "case " << i;
          }
  }
}

TEST(PoolF32, GlobalAverage) {
  Rng rng(62);
  PoolGeometry g;
  g.batch = 2; g.in_h = 7; g.in_w = 5; g.channels = 19;
  const std::vector<float> in = rng.floats(2 * 7 * 5 * 19);
  std::vector<float> out(2 * 19);
  ref::global_avg_pool_f32(g, in.data(), out.data());
  for (int b = 0; b < 2; ++b)
    for (int c = 0; c < 19; ++c) {
      double s = 0;
      for (int k = 0; k < 35; ++k) s += in[(b * 35 + k) * 19 + c];
      EXPECT_NEAR(out[b * 19 + c], s / 35, 1e-6);
    }
}

TEST(ElementwiseF32, AddClampConcatSoftmax) {
  Rng rng(63);
  const std::vector<float> a = rng.floats(37, -4, 4), b = rng.floats(37, -4, 4);
  std::vector<float> out(37);
  ref::add_f32(a.data(), b.data(), out.data(), 37, 0.0f, 6.0f);
  for (int i = 0; i < 37; ++i) EXPECT_EQ(out[i], std::clamp(a[i] + b[i], 0.0f, 6.0f));
  ref::clamp_f32(a.data(), out.data(), 37, -1.0f, 1.5f);
  for (int i = 0; i < 37; ++i) EXPECT_EQ(out[i], std::clamp(a[i], -1.0f, 1.5f));

  const int pixels = 5, ch[3] = {2, 1, 4};
  const std::vector<float> x = rng.floats(10), y = rng.floats(5), z = rng.floats(20);
  const float* ins[3] = {x.data(), y.data(), z.data()};
  std::vector<float> cat(pixels * 7);
  ref::concat_f32(pixels, 3, ins, ch, cat.data());
  for (int px = 0; px < pixels; ++px) {
    EXPECT_EQ(cat[px * 7 + 0], x[px * 2]);
    EXPECT_EQ(cat[px * 7 + 1], x[px * 2 + 1]);
    EXPECT_EQ(cat[px * 7 + 2], y[px]);
    for (int c = 0; c < 4; ++c) EXPECT_EQ(cat[px * 7 + 3 + c], z[px * 4 + c]);
  }

  std::vector<float> logits = rng.floats(2 * 50, -100, 100), prob(100);
  ref::softmax_f32(logits.data(), 2, 50, prob.data());
  for (int r = 0; r < 2; ++r) {
    const double m = *std::max_element(logits.begin() + r * 50, logits.begin() + r * 50 + 50);
    double sum = 0;
    for (int c = 0; c < 50; ++c) sum += std::exp(logits[r * 50 + c] - m);
    for (int c = 0; c < 50; ++c) {
      const double p = std::exp(logits[r * 50 + c] - m) / sum;
      EXPECT_NEAR(prob[r * 50 + c], p, 1e-6 + 1e-5 * p);
    }
  }
}

}  // namespace
}  // namespace octet

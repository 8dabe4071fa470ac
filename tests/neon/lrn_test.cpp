// NEON LRN vs the oracle ref::lrn_q8, byte for byte: random window sizes, channel counts off the
// 16-element step, zero points, scales; outputs a hair from a rounding tie (the float32 screen
// must hand them to the exact evaluation); layers outside the screen's range (ref's libm lanes,
// non-positive d); and the screen's error bound on each path, exhaustively over the window sums.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "dw_test_util.h"
#include "kernels/neon/lrn.h"
#include "kernels/neon/lrn_kernels.h"

namespace octet {
namespace {

using dwtest::rnd;

void expect_same_as_ref(const ref::LrnParams& p, int pixels, int channels, const std::vector<int8_t>& in,
                        const char* what) {
  std::vector<int8_t> want(in.size());
  ref::lrn_q8(p, in.data(), want.data(), pixels, channels);
  for (neon::Isa path : dwtest::runnable_paths()) {
    std::vector<int8_t> got(in.size(), 0x5a);
    ASSERT_TRUE(neon::lrn_run(path, p, in.data(), got.data(), pixels, channels)) << neon::isa_name(path);
    for (size_t i = 0; i < in.size(); ++i)
      ASSERT_EQ(got[i], want[i]) << what << " " << neon::isa_name(path) << " size " << p.size << " C "
                                 << channels << " element " << i << " input " << int(in[i]);
  }
}

void expect_same_as_ref(const ref::LrnParams& p, int pixels, int channels, std::mt19937& rng,
                        const char* what) {
  std::vector<int8_t> in(static_cast<size_t>(pixels) * channels);
  for (auto& v : in) v = static_cast<int8_t>(rnd(rng, -128, 127));
  if (rnd(rng, 0, 2) == 0)  // runs of the input zero point (the zero-input shortcut)
    for (size_t i = 0; i < in.size(); i += 3) in[i] = static_cast<int8_t>(p.input_zero_point);
  expect_same_as_ref(p, pixels, channels, in, what);
}

TEST(NeonLrn, MatchesRefOnRandomLayers) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0, 1);
  for (int it = 0; it < 60; ++it) {
    ref::LrnParams p;
    p.size = rnd(rng, 1, 9);
    p.alpha = 1e-4f * (0.5f + 20 * u(rng));
    p.beta = 0.3f + u(rng);
    p.bias = 0.5f + 2 * u(rng);
    p.input_scale = 0.01f + u(rng);
    p.output_scale = 0.005f + 0.2f * u(rng);
    p.input_zero_point = rnd(rng, -30, 30);
    p.output_zero_point = rnd(rng, -30, 30);
    expect_same_as_ref(p, rnd(rng, 1, 7), rnd(rng, 1, 70), rng, "random");
  }
  for (int C : {1, 8, 9, 15, 16, 17, 192, 4096}) {  // channel counts at the step and the stack buffer's edges
    ref::LrnParams p;
    p.size = C == 4096 ? 64 : 5;
    p.alpha = 1e-4f;
    p.beta = 0.75f;
    p.bias = 1;
    p.input_scale = 0.1f;
    p.output_scale = 0.05f;
    p.input_zero_point = 3;
    p.output_zero_point = -2;
    expect_same_as_ref(p, 2, C, rng, "edge channels");
  }
}

using ScreenFactors = bool (*)(const ref::LrnParams&, const int32_t*, int, float*);

// The bound the kernels rely on: over every window sum a layer can have (0 .. 65025 * size), the
// screen's factor is within a quarter of kLrnScreenTolerance of ref's double factor.
void expect_screen_within_tolerance(ScreenFactors screen, const char* path) {
  struct Case {
    int size;
    float alpha, beta, bias, s_in, s_out;
  };
  const Case cases[] = {
      {5, 1e-4f, 0.75f, 1.0f, 0.1f, 0.05f},     // GoogLeNet / AlexNet style
      {5, 1e-4f, 0.75f, 1.0f, 1.0f, 0.5f},      // wide input range: d up to ~7
      {5, 2e-5f, 0.75f, 2.0f, 0.03f, 0.02f},
      {3, 1e-2f, 1.5f, 0.5f, 0.5f, 0.01f},      // d up to ~500, beta 1.5
      {9, 1e-3f, 0.3f, 1.0f, 0.2f, 0.2f},
      {1, 1.0f, 8.0f, 1.0f, 0.01f, 1e-3f},      // the largest beta covered
  };
  const double tol = neon::kLrnScreenTolerance / 4.0;
  for (const Case& k : cases) {
    ref::LrnParams p;
    p.size = k.size;
    p.alpha = k.alpha;
    p.beta = k.beta;
    p.bias = k.bias;
    p.input_scale = k.s_in;
    p.output_scale = k.s_out;
    const int n_sums = (65025 * k.size + 4) / 4 * 4;
    std::vector<int32_t> S(n_sums);
    for (int i = 0; i < n_sums; ++i) S[i] = i;
    std::vector<float> f(n_sums);
    ASSERT_TRUE(screen(p, S.data(), n_sums, f.data())) << path << " size " << k.size;
    double worst = 0;
    for (int i = 0; i < n_sums; ++i) {
      const double want = ref::lrn_q8_factor(p, S[i]);
      worst = std::max(worst, std::fabs(f[i] / want - 1.0));
    }
    EXPECT_LE(worst, tol) << path << " size " << k.size << " beta " << k.beta;
  }
  ref::LrnParams p;  // outside the analysed range: no screen
  p.size = 5;
  p.alpha = 1e-4f;
  p.beta = 9;
  int32_t S[4] = {0, 1, 2, 3};
  float f[4];
  EXPECT_FALSE(screen(p, S, 4, f)) << path;
  p.beta = 0.75f;
  p.bias = 0;
  EXPECT_FALSE(screen(p, S, 4, f)) << path;
}

TEST(NeonLrn, ScreenFactorWithinToleranceOfRefOverEveryWindowSum) {
  int paths = 0;
#if defined(OCTET_ARCH_aarch64) || defined(OCTET_ARCH_simde)
  expect_screen_within_tolerance(neon::v80::lrn_screen_factors, "v80");
  ++paths;
#endif
#if defined(OCTET_ARCH_armv7) || defined(OCTET_ARCH_simde)
  expect_screen_within_tolerance(neon::armv7::lrn_screen_factors, "armv7");
  ++paths;
#endif
  EXPECT_GT(paths, 0);
}

// Outputs whose exact value f * diff lies a hair (1e-7 .. 1e-3 relative) to either side of a
// rounding tie: with size 1, S = diff^2, and the output scale puts f * diff next to k + 1/2.
TEST(NeonLrn, MatchesRefNextToRoundingTies) {
  std::mt19937 rng(17);
  const double offsets[] = {1e-7, -1e-7, 1e-6, -1e-6, 1e-5, -1e-5, 3e-5, -3e-5, 1e-4, -1e-4, 1e-3, -1e-3};
  int cases = 0;
  for (int it = 0; it < 400; ++it) {
    ref::LrnParams p;
    p.size = 1;
    p.alpha = 1e-4f * static_cast<float>(rnd(rng, 1, 50));
    p.beta = 0.75f;
    p.bias = 1;
    p.input_scale = 0.05f * static_cast<float>(rnd(rng, 1, 20));
    p.input_zero_point = rnd(rng, -20, 20);
    p.output_zero_point = rnd(rng, -20, 20);
    const int diff = rnd(rng, 1, 100) * (rnd(rng, 0, 1) ? 1 : -1);
    const int q = p.input_zero_point + diff;
    if (q < -128 || q > 127) continue;
    const double half = rnd(rng, 1, 90) + 0.5;  // the tie: |f * diff| = half
    const double offset = offsets[it % 12];
    p.output_scale = 1.0f;
    const double f1 = ref::lrn_q8_factor(p, static_cast<int64_t>(diff) * diff);  // f at scale 1
    p.output_scale = static_cast<float>(f1 * std::abs(diff) / (half * (1 + offset)));
    std::vector<int8_t> in(8, static_cast<int8_t>(q));  // 8 pixels of one channel
    expect_same_as_ref(p, 8, 1, in, "next to a tie");
    ++cases;
  }
  EXPECT_GT(cases, 300);
}

// Layers outside the screen's analysed range (ref's libm lanes: subnormal or huge d, 2^n out of
// the normal range; non-positive d; beta over 8) have no NEON kernel: the probe says so and the
// runtime binds ref. One just inside (beta 8) runs the kernel.
TEST(NeonLrn, LeavesLayersOutsideTheScreenToRef) {
  ref::LrnParams p;
  p.size = 5;
  p.input_scale = 0.05f;
  p.output_scale = 0.05f;
  p.alpha = 1e-4f;
  p.beta = 0.75f;
  auto refused = [&](const char* what) {
    for (neon::Isa path : dwtest::runnable_paths())
      EXPECT_FALSE(neon::lrn_run(path, p, nullptr, nullptr, 0, 37)) << what << " " << neon::isa_name(path);
  };
  p.bias = 1e-38f;
  refused("tiny bias");
  p.bias = 0;  // S = 0 windows give d = 0
  refused("zero bias");
  p.alpha = -1;  // d <= 0
  p.bias = 0.5f;
  refused("negative alpha");
  p.alpha = 1e-30f;
  p.bias = 1e-30f;
  p.beta = 40;  // d^-beta beyond the float range
  refused("huge beta");
  p.alpha = 30;
  p.bias = 1e30f;
  refused("tiny factor");
  p.alpha = 1e-4f;
  p.bias = 1;
  p.beta = 8.5f;
  refused("beta over 8");
  p.beta = 8;
  p.output_scale = 1e-3f;
  std::mt19937 rng(9);
  expect_same_as_ref(p, 4, 23, rng, "beta 8");
}

TEST(NeonLrn, RefusesRefPathAndBadArguments) {
  ref::LrnParams p;
  p.size = 3;
  int8_t in[4] = {}, out[4] = {};
  EXPECT_FALSE(neon::lrn_run(neon::Isa::ref, p, in, out, 1, 4));
  p.size = 0;
  EXPECT_FALSE(neon::lrn_run(neon::Isa::v80, p, in, out, 1, 4));
  // The bind-time probe: the kernel takes up to 4096 channels and windows up to 64.
  p.size = 5;
  for (neon::Isa path : dwtest::runnable_paths()) {
    EXPECT_TRUE(neon::lrn_run(path, p, nullptr, nullptr, 0, 4096)) << neon::isa_name(path);
    EXPECT_FALSE(neon::lrn_run(path, p, nullptr, nullptr, 0, 4097)) << neon::isa_name(path);
    p.size = 65;
    EXPECT_FALSE(neon::lrn_run(path, p, nullptr, nullptr, 0, 64)) << neon::isa_name(path);
    p.size = 5;
  }
}

}  // namespace
}  // namespace octet

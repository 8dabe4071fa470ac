// NEON (float64x2) LRN vs the oracle ref::lrn_q8, byte for byte: random window sizes, channel
// counts off the 8-element step, zero points, scales; the lanes ref hands to libm (subnormal or
// infinite d, 2^n out of the normal range) and non-positive d; armv7 has no kernel.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "dw_test_util.h"
#include "kernels/neon/lrn.h"

namespace octet {
namespace {

using dwtest::rnd;

void expect_same_as_ref(const ref::LrnParams& p, int pixels, int channels, std::mt19937& rng,
                        const char* what) {
  std::vector<int8_t> in(static_cast<size_t>(pixels) * channels);
  for (auto& v : in) v = static_cast<int8_t>(rnd(rng, -128, 127));
  if (rnd(rng, 0, 2) == 0)  // runs of the input zero point (the zero-input shortcut)
    for (size_t i = 0; i < in.size(); i += 3) in[i] = static_cast<int8_t>(p.input_zero_point);
  std::vector<int8_t> want(in.size());
  ref::lrn_q8(p, in.data(), want.data(), pixels, channels);
  for (neon::Isa path : dwtest::runnable_paths()) {
    std::vector<int8_t> got(in.size(), 0x5a);
    if (path == neon::Isa::armv7) {
      EXPECT_FALSE(neon::lrn_run(path, p, in.data(), got.data(), pixels, channels));
      continue;
    }
    ASSERT_TRUE(neon::lrn_run(path, p, in.data(), got.data(), pixels, channels)) << neon::isa_name(path);
    for (size_t i = 0; i < in.size(); ++i)
      ASSERT_EQ(got[i], want[i]) << what << " " << neon::isa_name(path) << " size " << p.size << " C "
                                 << channels << " element " << i << " input " << int(in[i]);
  }
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
  for (int C : {1, 8, 9, 192, 4096}) {  // channel counts at the step and the stack buffer's edges
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

TEST(NeonLrn, MatchesRefOnLibmLanesAndNonPositiveDivisors) {
  std::mt19937 rng(9);
  ref::LrnParams p;
  p.size = 5;
  p.input_scale = 0.05f;
  p.output_scale = 0.05f;
  p.alpha = 1e-4f;
  p.beta = 0.75f;
  p.bias = 1e-38f;
  expect_same_as_ref(p, 5, 37, rng, "tiny bias");
  p.bias = 0;  // S = 0 windows give d = 0: not positive, factor 0
  expect_same_as_ref(p, 5, 37, rng, "zero bias");
  p.alpha = -1;  // d <= 0 everywhere
  p.bias = 0.5f;
  expect_same_as_ref(p, 3, 19, rng, "negative alpha");
  p.alpha = 1e-30f;
  p.bias = 1e-30f;
  p.beta = 40;  // d ~ 1e-31: d^-beta beyond the double range, 2^n out of the normal exponents
  expect_same_as_ref(p, 4, 23, rng, "huge beta");
  p.alpha = 30;
  p.bias = 1e30f;
  p.beta = 40;  // d ~ 1e30: d^-beta below the normal range
  expect_same_as_ref(p, 4, 23, rng, "tiny factor");
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
    const bool has = path != neon::Isa::armv7;
    EXPECT_EQ(neon::lrn_run(path, p, nullptr, nullptr, 0, 4096), has) << neon::isa_name(path);
    EXPECT_FALSE(neon::lrn_run(path, p, nullptr, nullptr, 0, 4097)) << neon::isa_name(path);
    p.size = 65;
    EXPECT_FALSE(neon::lrn_run(path, p, nullptr, nullptr, 0, 64)) << neon::isa_name(path);
    p.size = 5;
  }
}

}  // namespace
}  // namespace octet

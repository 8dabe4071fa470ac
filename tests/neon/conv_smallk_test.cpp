// Small-K convolution (K = kh * kw * in_c <= 32, v80 path) bit-exact against octet::ref::conv_q8:
// K from 1 to 32 (full 8-k steps, every tail length 1..7, both), strides, dilation, padding, pixel counts
// off the 8-pixel tile, channel counts off the 8-channel groups and past the 16 groups of one GEMM
// call, split ranges, pixel strides, extreme values; plus the packed buffer's validation.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <random>
#include <vector>

#include "conv_test_util.h"
#include "kernels/neon/conv_smallk.h"

namespace octet::neon {
namespace {
using namespace test;  // NOLINT: Case, Layer, make_layer, conv_geom, Aligned, pack_layer, check_ranges

Aligned packed_for(const Layer& L) {
  return pack_layer(L, smallk_packed_size(L.p.geom), smallk_pack, smallk_packed_valid);
}

// Whole range, then random pieces: ref's bytes, guards between pixels untouched.
void check_layer(const Layer& L, std::mt19937& rng) {
  const ConvGeometry& g = L.p.geom;
  const Aligned packed = packed_for(L);
  std::vector<uint8_t> scratch(smallk_scratch_size(g) + 1);
  void* sp = scratch.data() + 1;  // any alignment
  check_ranges(L, smallk_work_items(g), 13, rng, [&](int b, int e, int8_t* out) {
    return smallk_conv_run(Isa::v80, L.p, packed.ptr, L.input.data(), L.in_stride, out, L.out_stride, b, e, sp);
  });
}

void check_case(const Case& c, std::mt19937& rng) {
  SCOPED_TRACE(describe(c));
  check_layer(make_layer(c, rng), rng);
}

// conv_geom(batch, ih, iw, ic, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr)
TEST(NeonSmallK, MatchesRef) {
  if (!isa_supported(Isa::v80)) GTEST_SKIP() << "v80 not supported on this CPU/build";
  std::mt19937 rng(31);
  const std::vector<Case> cases = {
      {conv_geom(1, 17, 15, 3, 64, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1)},   // SqueezeNet conv1 shape, K 27
      {conv_geom(1, 9, 9, 3, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)},     // MobileNet conv1 padding
      {conv_geom(1, 5, 7, 3, 67, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0)},     // 1x1x3: K 3, 64 + 3 channels
      {conv_geom(1, 6, 6, 1, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)},     // 3x3x1: K 9, 13 channels
      {conv_geom(2, 7, 6, 5, 5, 2, 2, 1, 2, 1, 1, 0, 1, 1, 0)},      // 2x2x5: K 20, 5 channels
      {conv_geom(1, 9, 4, 3, 16, 7, 1, 1, 1, 1, 1, 3, 0, 3, 0)},     // 7x1x3: K 21
      {conv_geom(1, 1, 1, 1, 8, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0)},      // K 1, one pixel
      {conv_geom(1, 1, 7, 4, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0)},      // K 4 (tail only), 7 pixels
      {conv_geom(1, 3, 3, 8, 8, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0)},      // K 8 (one step), 9 pixels
      {conv_geom(1, 6, 6, 2, 24, 4, 4, 1, 1, 1, 1, 2, 2, 1, 1)},     // K 32 (four steps)
      {conv_geom(1, 4, 5, 2, 16, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0)},     // K 2
      {conv_geom(1, 6, 7, 1, 16, 3, 2, 1, 1, 1, 1, 1, 0, 1, 1)},     // K 6
      {conv_geom(1, 7, 5, 1, 16, 5, 3, 2, 1, 1, 1, 2, 1, 2, 1)},     // K 15 (a step and 7)
      {conv_geom(1, 5, 6, 5, 16, 2, 3, 1, 2, 1, 1, 1, 1, 0, 1)},     // K 30 (three steps and 6)
      {conv_geom(1, 8, 8, 3, 8, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2)},      // dilation 2
      {conv_geom(1, 3, 4, 1, 8, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2)},      // 5x5x1: mostly padding
      {conv_geom(1, 5, 5, 3, 136, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)},    // 17 channel groups: two calls
      {conv_geom(1, 9, 9, 3, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), true},          // symmetric
      {conv_geom(1, 9, 9, 3, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), false, true},   // saturating
      {conv_geom(1, 7, 7, 3, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), false, false, 5, 7},  // strides
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(smallk_supported(c.g)) << describe(c);
    check_case(c, rng);
    if (testing::Test::HasFatalFailure()) return;
  }
  for (int i = 0; i < 24; ++i) {
    Case c;
    const int kh = 1 + rng() % 4, kw = 1 + rng() % 4;
    const int ic = 1 + rng() % std::max(1, kSmallKMax / (kh * kw));
    const int sh = 1 + rng() % 2, sw = 1 + rng() % 2, ph = rng() % kh, pw = rng() % kw;
    c.g = conv_geom(1 + rng() % 2, kh + rng() % 9, kw + rng() % 9, ic, 1 + rng() % 40, kh, kw, sh,
                    sw, 1, 1, ph, pw, rng() % kh, rng() % kw);
    ASSERT_TRUE(smallk_supported(c.g));
    c.symmetric = rng() % 3 == 0;
    c.saturate = rng() % 5 == 0;
    c.in_extra = rng() % 3 == 0 ? static_cast<int>(rng() % 9) : 0;
    c.out_extra = rng() % 3 == 0 ? static_cast<int>(rng() % 9) : 0;
    check_case(c, rng);
    if (testing::Test::HasFatalFailure()) return;
  }
}

// The extremes of the int16 arithmetic: inputs -128 / 127, w - z_c = 255 or -254 on every tap,
// bias 0, a multiplier mapping the largest sum to about +-100 (a wrapped or truncated product
// would be far off), left shifts with a clamp.
TEST(NeonSmallK, ExtremeValuesStayExact) {
  if (!isa_supported(Isa::v80)) GTEST_SKIP() << "v80 not supported on this CPU/build";
  std::mt19937 rng(5);
  for (int8_t in : {int8_t{-128}, int8_t{127}}) {
    Case c;
    c.g = conv_geom(1, 6, 6, 2, 11, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1);  // K 32
    Layer L = make_layer(c, rng);
    std::fill(L.input.begin(), L.input.end(), in);
    L.p.input_zero_point = -in - 1;
    const int K = c.g.kernel_elements();
    for (int oc = 0; oc < c.g.out_c; ++oc) {
      const int8_t w = oc % 2 ? int8_t{-127} : int8_t{127};
      std::fill(L.weights.begin() + oc * K, L.weights.begin() + (oc + 1) * K, w);
      L.zc[oc] = oc % 2 ? 127 : -128;  // w - z_c = -254 or 255
      L.bias[oc] = 0;
      Multiplier m;
      ASSERT_TRUE(quantize_multiplier((oc % 3 == 2 ? 400.0 : 100.0) / (K * 128.0 * 255), &m));
      L.mult[oc] = m.multiplier;
      L.shift[oc] = m.shift;
    }
    check_layer(L, rng);
  }
  // A left shift on every channel (M > 1), clamped output.
  Case c;
  c.g = conv_geom(1, 5, 5, 3, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  c.clamp = 1;
  Layer L = make_layer(c, rng);
  for (int oc = 0; oc < c.g.out_c; ++oc) {
    Multiplier m;
    ASSERT_TRUE(quantize_multiplier(1.5 + oc, &m));
    L.mult[oc] = m.multiplier;
    L.shift[oc] = m.shift;
    L.bias[oc] = static_cast<int32_t>(rng() % 64) - 32;
  }
  std::uniform_int_distribution<int> small(-1, 1);
  for (auto& v : L.weights) v = static_cast<int8_t>(small(rng));
  check_layer(L, rng);
}

TEST(NeonSmallK, ChoosesOnlyWhereItPays) {
  const ConvGeometry squeeze = conv_geom(1, 224, 224, 3, 64, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1);
  EXPECT_TRUE(smallk_supported(squeeze));
  EXPECT_EQ(smallk_preferred(squeeze, Isa::v80), isa_supported(Isa::v80));
  EXPECT_FALSE(smallk_preferred(squeeze, Isa::dotprod));
  EXPECT_FALSE(smallk_preferred(squeeze, Isa::armv7));
  EXPECT_FALSE(smallk_preferred(squeeze, Isa::ref));
  EXPECT_FALSE(smallk_supported(conv_geom(1, 8, 8, 4, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)));  // K 36
  EXPECT_FALSE(smallk_preferred(conv_geom(1, 8, 8, 3, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), Isa::v80));
  EXPECT_FALSE(smallk_preferred(conv_geom(1, 2, 2, 3, 16, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), Isa::v80));
  // Pointwise with in_c 32: the GEMM reads the input directly; in_c 16 or strided: here.
  EXPECT_FALSE(smallk_preferred(conv_geom(1, 8, 8, 32, 64, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), Isa::v80));
  EXPECT_EQ(smallk_preferred(conv_geom(1, 8, 8, 16, 64, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), Isa::v80),
            isa_supported(Isa::v80));
  EXPECT_EQ(smallk_preferred(conv_geom(1, 8, 8, 32, 64, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0), Isa::v80),
            isa_supported(Isa::v80));
  ConvGeometry grouped = conv_geom(1, 8, 8, 4, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  grouped.groups = 2;
  EXPECT_FALSE(smallk_supported(grouped));
  EXPECT_EQ(smallk_packed_size(grouped), 0u);
}

TEST(NeonSmallK, PackingRepackingAndValidation) {
  std::mt19937 rng(9);
  Case c;
  c.g = conv_geom(1, 6, 6, 3, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);  // K 27, kp 32, n8 16
  Layer L = make_layer(c, rng);
  const ConvGeometry& g = c.g;
  const size_t n = smallk_packed_size(g);
  const Aligned direct = packed_for(L);
  // From every GEMM layout: the same bytes as packing the raw weights.
  for (WeightLayout l : {WeightLayout::ohwi, WeightLayout::n4k16, WeightLayout::n16k4}) {
    const size_t gn = packed_size(g, l);
    Aligned gemm(gn);
    ASSERT_TRUE(pack(g, l, L.weights.data(), L.zc.data(), L.bias.data(), L.mult.data(),
                     L.shift.data(), gemm.ptr));
    Aligned re(n);
    ASSERT_TRUE(smallk_repack(g, gemm.ptr, gn, re.ptr)) << layout_name(l);
    EXPECT_EQ(std::memcmp(re.ptr, direct.ptr, n), 0) << layout_name(l);
    EXPECT_FALSE(smallk_repack(g, gemm.ptr, gn - 1, re.ptr));
    EXPECT_FALSE(packed_valid(g, direct.ptr, n));  // the GEMM does not take a small_k buffer
    EXPECT_FALSE(smallk_packed_valid(g, gemm.ptr, gn));
    std::vector<uint8_t> scratch(smallk_scratch_size(g));
    std::vector<int8_t> out(static_cast<size_t>(g.out_h) * g.out_w * g.out_c);
    EXPECT_FALSE(smallk_conv_run(Isa::v80, L.p, gemm.ptr, L.input.data(), 0, out.data(), 0, 0, 1,
                                 scratch.data()));
  }
  // A -128 weight or a zero point outside int8 cannot be packed.
  Aligned out(n);
  std::vector<int8_t> bad = L.weights;
  bad[5] = -128;
  EXPECT_FALSE(smallk_pack(g, bad.data(), L.zc.data(), L.bias.data(), L.mult.data(),
                           L.shift.data(), out.ptr));
  std::vector<int32_t> bad_zp = L.zc;
  bad_zp[3] = 128;
  EXPECT_FALSE(smallk_pack(g, L.weights.data(), bad_zp.data(), L.bias.data(), L.mult.data(),
                           L.shift.data(), out.ptr));
  EXPECT_FALSE(smallk_packed_valid(g, direct.ptr, n - 2));
  auto corrupt = [&](size_t offset, auto value) {
    Aligned copy(n);
    std::memcpy(copy.ptr, direct.ptr, n);
    std::memcpy(static_cast<uint8_t*>(copy.ptr) + offset, &value, sizeof value);
    return smallk_packed_valid(g, copy.ptr, n);
  };
  const size_t n8 = 16, kp = 32, w0 = sizeof(PackedHeader) + 20 * n8;
  EXPECT_TRUE(corrupt(offsetof(PackedHeader, reserved), int32_t{0}));
  EXPECT_FALSE(corrupt(offsetof(PackedHeader, magic), int32_t{0}));
  EXPECT_FALSE(corrupt(offsetof(PackedHeader, any_zero_point), int32_t{0}));
  EXPECT_FALSE(corrupt(offsetof(PackedHeader, shifts_nonpositive), int32_t{0}));
  EXPECT_FALSE(corrupt(offsetof(PackedHeader, layout), int32_t{4}));
  EXPECT_FALSE(corrupt(offsetof(PackedHeader, kp), int32_t{28}));
  EXPECT_FALSE(corrupt(sizeof(PackedHeader) + 4 * (1 * n8 + 2), int32_t{200}));   // z_c
  EXPECT_FALSE(corrupt(sizeof(PackedHeader) + 4 * (2 * n8 + 1), int32_t{-1}));    // multiplier
  EXPECT_FALSE(corrupt(sizeof(PackedHeader) + 4 * (4 * n8 + 3), int32_t{-40}));   // right shift
  EXPECT_FALSE(corrupt(sizeof(PackedHeader) + 4 * (0 * n8 + 12), int32_t{7}));    // padding channel
  EXPECT_FALSE(corrupt(w0 + 2 * (5 * 8 + 3), int16_t{256}));                      // |w - z_c| > 255
  EXPECT_TRUE(corrupt(w0 + 2 * (5 * 8 + 3), int16_t{-255}));
  EXPECT_FALSE(corrupt(w0 + 2 * (27 * 8 + 1), int16_t{1}));                       // k >= K
  EXPECT_FALSE(corrupt(w0 + 2 * ((kp + 2) * 8 + 5), int16_t{1}));                 // channel 13
  EXPECT_TRUE(corrupt(w0 + 2 * ((kp + 2) * 8 + 2), int16_t{1}));                  // channel 10
  // Calls that do not fit: wrong ISA, range past the pixels, a geometry the buffer is not for.
  std::vector<uint8_t> scratch(smallk_scratch_size(g));
  std::vector<int8_t> o(static_cast<size_t>(g.out_h) * g.out_w * g.out_c);
  EXPECT_FALSE(smallk_conv_run(Isa::dotprod, L.p, direct.ptr, L.input.data(), 0, o.data(), 0, 0,
                               1, scratch.data()));
  EXPECT_FALSE(smallk_conv_run(Isa::v80, L.p, direct.ptr, L.input.data(), 0, o.data(), 0, 0,
                               smallk_work_items(g) + 1, scratch.data()));
  QConvParams other = L.p;
  other.geom.out_c = 12;
  EXPECT_FALSE(smallk_conv_run(Isa::v80, other, direct.ptr, L.input.data(), 0, o.data(), 0, 0, 1,
                               scratch.data()));
}

}  // namespace
}  // namespace octet::neon

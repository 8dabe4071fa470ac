// Winograd F(2x2, 3x3) and F(3x3, 3x3) convolution (v80 and armv7 paths) bit-exact against
// octet::ref::conv_q8, each variant on every case: odd output sizes (partial tiles), 1x1 outputs,
// tile groups and blocks off their sizes, padding 0..2, channel counts off the 8-channel groups,
// strides, split tile-row ranges, and the extreme values that bound the int32 arithmetic; plus the
// weight transform's validation and the choice between the variants.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "conv_test_util.h"
#include "kernels/neon/conv_winograd.h"
#include "kernels/ref/ref_kernels.h"

namespace octet::neon {
namespace {
using namespace test;  // NOLINT: Case, Layer, make_layer, conv_geom, Aligned

ConvGeometry wino_geom(int batch, int ih, int iw, int ic, int oc, int pt, int pl, int pb, int pr) {
  return conv_geom(batch, ih, iw, ic, oc, 3, 3, 1, 1, 1, 1, pt, pl, pb, pr);
}

// The variants, as tests' parameter: the output tile edge.
class NeonWinograd : public testing::TestWithParam<int> {};
INSTANTIATE_TEST_SUITE_P(Tiles, NeonWinograd, testing::Values(2, 3),
                         [](const testing::TestParamInfo<int>& i) {
                           return i.param == 2 ? std::string("F2x2") : std::string("F3x3");
                         });

// The paths with a Winograd GEMM that this CPU runs (SIMDe hosts: both).
std::vector<Isa> wino_isas() {
  std::vector<Isa> isas;
  for (Isa isa : {Isa::v80, Isa::armv7})
    if (isa_supported(isa) && wino_preferred(wino_geom(1, 56, 56, 64, 64, 1, 1, 1, 1), isa))
      isas.push_back(isa);
  return isas;
}

Aligned packed_for(const Layer& L, int tile) {
  const ConvGeometry& g = L.p.geom;
  const size_t n = wino_packed_size(g, tile);
  EXPECT_GT(n, sizeof(PackedHeader));
  Aligned packed(n);
  EXPECT_TRUE(wino_pack(g, tile, L.weights.data(), L.zc.data(), L.bias.data(), L.mult.data(),
                        L.shift.data(), packed.ptr));
  EXPECT_TRUE(wino_packed_valid(g, packed.ptr, n));
  return packed;
}

// Whole range, then random pieces, with 1..3 channel blocks: ref's bytes, guards between pixels
// untouched.
void check_layer(const Layer& L, int tile, std::mt19937& rng) {
  const ConvGeometry& g = L.p.geom;
  const size_t out_bytes = static_cast<size_t>(g.batch) * g.out_h * g.out_w * L.out_stride;
  constexpr int8_t kGuard = 0x5a;
  std::vector<int8_t> want(out_bytes, kGuard);
  ref::conv_q8(L.p, L.input.data(), want.data(), L.in_stride, L.out_stride);
  const Aligned packed = packed_for(L, tile);
  std::vector<uint8_t> scratch(wino_scratch_size(g) + 1);
  void* sp = scratch.data() + 1;  // any alignment
  const int groups = (g.out_c + 7) / 8;
  for (Isa isa : wino_isas()) {
    for (int blocks = 1; blocks <= std::min(3, groups); ++blocks) {
      const int items = blocks * wino_work_items(g, tile);
      for (int split = 0; split < 2; ++split) {
        std::vector<int8_t> got(out_bytes, kGuard);
        for (int b = 0; b < items;) {
          const int e = split == 0 ? items : std::min(items, b + 1 + static_cast<int>(rng() % 3));
          ASSERT_TRUE(wino_conv_run(isa, L.p, packed.ptr, L.input.data(), L.in_stride,
                                    got.data(), L.out_stride, b, e, sp, blocks));
          b = e;
        }
        for (size_t i = 0; i < want.size(); ++i)
          ASSERT_EQ(got[i], want[i]) << isa_name(isa) << " blocks " << blocks << " split " << split
                                     << " pixel " << i / L.out_stride << " channel "
                                     << i % L.out_stride;
      }
    }
  }
}

void check_case(const Case& c, int tile, std::mt19937& rng) {
  SCOPED_TRACE(describe(c));
  check_layer(make_layer(c, rng), tile, rng);
}

TEST_P(NeonWinograd, MatchesRef) {
  if (wino_isas().empty()) GTEST_SKIP() << "no Winograd path on this CPU/build";
  std::mt19937 rng(77);
  const std::vector<Case> cases = {
      {wino_geom(1, 8, 8, 8, 8, 1, 1, 1, 1)},           // one full tile group, one channel group
      {wino_geom(1, 7, 9, 16, 13, 1, 1, 1, 1)},         // odd sizes: partial tiles, 13 channels
      {wino_geom(2, 5, 6, 24, 1, 0, 0, 0, 0)},          // no padding, batch 2, one channel
      {wino_geom(1, 1, 1, 8, 9, 1, 1, 1, 1)},           // 1x1 output: one tile, 3 taps padded
      {wino_geom(1, 3, 3, 8, 4, 0, 0, 0, 0)},           // 1x1 output, no padding
      {wino_geom(1, 4, 7, 32, 20, 2, 2, 2, 2)},         // padding 2: a row of taps all padding
      {wino_geom(1, 6, 5, 16, 8, 0, 2, 1, 0)},          // asymmetric padding
      {wino_geom(1, 30, 30, 8, 8, 1, 1, 1, 1)},         // 225 / 100 tiles: several blocks
      {wino_geom(1, 11, 10, 8, 16, 1, 1, 1, 1)},        // rows and columns off both tile sizes
      {wino_geom(1, 15, 17, 64, 24, 1, 1, 1, 1)},       // blocks and groups off size
      {wino_geom(1, 9, 9, 16, 16, 1, 1, 1, 1), true},   // symmetric weights
      {wino_geom(1, 9, 9, 16, 16, 1, 1, 1, 1), false, true},   // saturating multipliers
      {wino_geom(1, 7, 7, 24, 12, 1, 1, 1, 1), false, false, 8, 5},  // pixel strides
  };
  for (const Case& c : cases) {
    check_case(c, GetParam(), rng);
    if (testing::Test::HasFatalFailure()) return;
  }
  // One row of 1..8 tiles: every size of a partial last group (the 1-, 4- and 8-tile kernels).
  for (int w = 1; w <= 8 * GetParam(); ++w) {
    check_case({wino_geom(1, GetParam(), w, 16, 8, 1, 1, 1, 1)}, GetParam(), rng);
    if (testing::Test::HasFatalFailure()) return;
  }
  for (int i = 0; i < 16; ++i) {
    Case c;
    const int p = rng() % 3;
    c.g = wino_geom(1 + rng() % 2, 1 + rng() % 12, 1 + rng() % 12, 8 * (1 + rng() % 5),
                    1 + rng() % 30, p, p, p, p);
    if (c.g.out_h < 1 || c.g.out_w < 1) continue;
    c.symmetric = rng() % 3 == 0;
    c.saturate = rng() % 5 == 0;
    c.in_extra = rng() % 3 == 0 ? static_cast<int>(rng() % 9) : 0;
    c.out_extra = rng() % 3 == 0 ? static_cast<int>(rng() % 9) : 0;
    check_case(c, GetParam(), rng);
    if (testing::Test::HasFatalFailure()) return;
  }
}

// The largest |sum a (w - z_c)| the int32 arithmetic allows: C = kWinoMaxChannels, every input
// -128, every w - z_c = 255 or -254, all of one sign per output channel so nothing cancels (no
// padding), and a multiplier that maps the sum to about +-100: a wrapped sum would be far off.
// F(3x3)'s transform-domain sums themselves wrap int32 here; only the division brings them back.
TEST_P(NeonWinograd, ExtremeValuesStayExact) {
  if (wino_isas().empty()) GTEST_SKIP() << "no Winograd path on this CPU/build";
  std::mt19937 rng(5);
  Case c;
  // 11 channels: a whole group of 8 (the aarch64 assembly tile) and a partial one.
  c.g = wino_geom(1, 5, 5, kWinoMaxChannels, 11, 0, 0, 0, 0);
  Layer L = make_layer(c, rng);
  std::fill(L.input.begin(), L.input.end(), int8_t{-128});
  L.p.input_zero_point = 127;
  const int K = c.g.kernel_elements();
  for (int oc = 0; oc < c.g.out_c; ++oc) {
    const int8_t w = oc % 3 == 1 ? int8_t{-127} : int8_t{127};
    std::fill(L.weights.begin() + oc * K, L.weights.begin() + (oc + 1) * K, w);
    L.zc[oc] = oc % 3 == 1 ? 128 - 1 : -128;  // w - z_c = -254 or 255
    L.bias[oc] = 0;
    Multiplier m;
    ASSERT_TRUE(quantize_multiplier(100.0 / (9.0 * kWinoMaxChannels * 128 * 255), &m));
    L.mult[oc] = m.multiplier;
    L.shift[oc] = m.shift;
  }
  L.p.requant.output_zero_point = 0;
  L.p.requant.clamp_min = -128;
  L.p.requant.clamp_max = 127;
  check_layer(L, GetParam(), rng);
}

TEST(NeonWinograd, ChoosesOnlyWhereItPays) {
  if (!isa_supported(Isa::v80)) GTEST_SKIP() << "no v80 kernels in this build";
  const ConvGeometry resnet = wino_geom(1, 56, 56, 64, 64, 1, 1, 1, 1);
  EXPECT_TRUE(wino_supported(resnet));
  EXPECT_TRUE(wino_preferred(resnet, Isa::v80));
  EXPECT_FALSE(wino_preferred(resnet, Isa::dotprod));
#if defined(OCTET_ARCH_armv7) || defined(OCTET_ARCH_simde)
  EXPECT_TRUE(wino_preferred(resnet, Isa::armv7));
#else
  EXPECT_FALSE(wino_preferred(resnet, Isa::armv7));  // no armv7 GEMM in an aarch64 build
#endif
  EXPECT_FALSE(wino_preferred(resnet, Isa::ref));
  EXPECT_TRUE(wino_preferred(wino_geom(1, 7, 7, 512, 512, 1, 1, 1, 1), Isa::v80));
  EXPECT_TRUE(wino_preferred(wino_geom(1, 3, 3, 64, 64, 1, 1, 1, 1), Isa::v80));  // 1 F(3x3) tile
  EXPECT_FALSE(wino_preferred(wino_geom(1, 1, 1, 64, 64, 1, 1, 1, 1), Isa::v80));  // 1 px, 16 mults
  // The variant whose GEMM costs less (8-tile groups, 1- and 4-tile kernels for the rest):
  // 56 = 18 * 3 + 2 (361 tiles x 25 positions < 784 x 16), 14x14 (25 x 25 < 49 x 16), 7x7
  // (8 + 1 tiles x 25 < 16 x 16), 3x3 (1 x 25 < 4 x 16), but 4x4 (4 x 16 < 4 x 25).
  EXPECT_EQ(wino_tile(resnet), 3);
  EXPECT_EQ(wino_tile(wino_geom(1, 14, 14, 256, 256, 1, 1, 1, 1)), 3);
  EXPECT_EQ(wino_tile(wino_geom(1, 7, 7, 512, 512, 1, 1, 1, 1)), 3);
  EXPECT_EQ(wino_tile(wino_geom(1, 3, 3, 64, 64, 1, 1, 1, 1)), 3);
  EXPECT_EQ(wino_tile(wino_geom(1, 4, 4, 64, 64, 1, 1, 1, 1)), 2);
  EXPECT_EQ(wino_work_items(wino_geom(2, 7, 7, 8, 8, 1, 1, 1, 1), 3), 6);
  EXPECT_EQ(wino_work_items(wino_geom(2, 7, 7, 8, 8, 1, 1, 1, 1), 2), 8);
  EXPECT_EQ(wino_packed_size(resnet, 4), 0u);
  // Channel blocks for threads: 19 tile rows split over 4 threads within 10 %, 5 do not.
  EXPECT_EQ(wino_channel_blocks(resnet, 1), 1);
  EXPECT_EQ(wino_channel_blocks(resnet, 4), 1);
  EXPECT_EQ(wino_channel_blocks(wino_geom(1, 14, 14, 256, 256, 1, 1, 1, 1), 4), 4);
  EXPECT_EQ(wino_channel_blocks(wino_geom(1, 14, 14, 256, 16, 1, 1, 1, 1), 4), 2);  // 2 groups
  EXPECT_FALSE(wino_supported(wino_geom(1, 8, 8, 12, 8, 1, 1, 1, 1)));  // C % 8 != 0
  EXPECT_FALSE(wino_supported(wino_geom(1, 8, 8, kWinoMaxChannels + 8, 8, 1, 1, 1, 1)));
  ConvGeometry s2 = wino_geom(1, 8, 8, 16, 8, 1, 1, 1, 1);
  s2.stride_h = s2.stride_w = 2;
  s2.out_h = s2.out_w = 4;
  EXPECT_FALSE(wino_supported(s2));
  ConvGeometry k1 = conv_geom(1, 8, 8, 16, 8, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
  EXPECT_FALSE(wino_supported(k1));
  EXPECT_EQ(wino_packed_size(k1), 0u);
}

TEST_P(NeonWinograd, PackingRepackingAndValidation) {
  const int tile = GetParam();
  std::mt19937 rng(9);
  Case c;
  c.g = wino_geom(1, 6, 6, 16, 11, 1, 1, 1, 1);
  Layer L = make_layer(c, rng);
  const ConvGeometry& g = c.g;
  const size_t n = wino_packed_size(g, tile);
  const Aligned direct = packed_for(L, tile);
  // From every GEMM layout: the same bytes as packing the raw weights.
  for (WeightLayout l : {WeightLayout::ohwi, WeightLayout::n4k16, WeightLayout::n16k4}) {
    const size_t gn = packed_size(g, l);
    Aligned gemm(gn);
    ASSERT_TRUE(pack(g, l, L.weights.data(), L.zc.data(), L.bias.data(), L.mult.data(),
                     L.shift.data(), gemm.ptr));
    Aligned re(n);
    ASSERT_TRUE(wino_repack(g, tile, gemm.ptr, gn, re.ptr)) << layout_name(l);
    EXPECT_EQ(std::memcmp(re.ptr, direct.ptr, n), 0) << layout_name(l);
    EXPECT_FALSE(wino_repack(g, tile, gemm.ptr, gn - 1, re.ptr));
    // The GEMM does not take a Winograd buffer, nor Winograd a GEMM one.
    EXPECT_FALSE(packed_valid(g, direct.ptr, n));
    std::vector<uint8_t> scratch(wino_scratch_size(g));
    std::vector<int8_t> out(static_cast<size_t>(g.out_h) * g.out_w * g.out_c);
    EXPECT_FALSE(wino_conv_run(Isa::v80, L.p, gemm.ptr, L.input.data(), 0, out.data(), 0, 0, 1,
                               scratch.data()));
  }
  // A -128 weight cannot be packed (its negation is not int8, like the GEMM's packing).
  std::vector<int8_t> bad = L.weights;
  bad[5] = -128;
  Aligned out(n);
  EXPECT_FALSE(wino_pack(g, tile, bad.data(), L.zc.data(), L.bias.data(), L.mult.data(),
                         L.shift.data(), out.ptr));
  std::vector<int32_t> bad_zc = L.zc;
  bad_zc[3] = 130;
  EXPECT_FALSE(wino_pack(g, tile, L.weights.data(), bad_zc.data(), L.bias.data(), L.mult.data(),
                         L.shift.data(), out.ptr));
  EXPECT_FALSE(wino_packed_valid(g, direct.ptr, n - 2));
  // Header flags that lie (the other variant's layout: its size differs), a channel field out of
  // range, a transformed weight beyond the variant's bound.
  auto corrupt = [&](size_t offset, auto value) {
    Aligned copy(n);
    std::memcpy(copy.ptr, direct.ptr, n);
    std::memcpy(static_cast<uint8_t*>(copy.ptr) + offset, &value, sizeof value);
    return wino_packed_valid(g, copy.ptr, n);
  };
  EXPECT_FALSE(corrupt(offsetof(PackedHeader, any_zero_point), int32_t{0}));
  EXPECT_FALSE(corrupt(offsetof(PackedHeader, layout), int32_t{2}));
  EXPECT_FALSE(corrupt(offsetof(PackedHeader, layout),
                       static_cast<int32_t>(tile == 2 ? WeightLayout::wino_f33 : WeightLayout::wino_f23)));
  const size_t n8 = 16;
  EXPECT_FALSE(corrupt(sizeof(PackedHeader) + 4 * (1 * n8 + 2), int32_t{200}));  // z_c not int8
  EXPECT_FALSE(corrupt(sizeof(PackedHeader) + 4 * (2 * n8 + 1), int32_t{-1}));  // multiplier < 0
  EXPECT_FALSE(corrupt(sizeof(PackedHeader) + 4 * (4 * n8 + 3), int32_t{-40}));  // right shift
  EXPECT_FALSE(corrupt(sizeof(PackedHeader) + 4 * (0 * n8 + 12), int32_t{7}));  // padding channel
  const int16_t max_u = tile == 2 ? 9 * 255 : 81 * 255;
  EXPECT_FALSE(corrupt(sizeof(PackedHeader) + 20 * n8 + 2 * 37, static_cast<int16_t>(max_u + 1)));
  EXPECT_TRUE(corrupt(sizeof(PackedHeader) + 20 * n8 + 2 * 37, max_u));
  // Calls that do not fit: wrong ISA, range past the tile rows.
  std::vector<uint8_t> scratch(wino_scratch_size(g));
  std::vector<int8_t> o(static_cast<size_t>(g.out_h) * g.out_w * g.out_c);
  EXPECT_FALSE(wino_conv_run(Isa::dotprod, L.p, direct.ptr, L.input.data(), 0, o.data(), 0, 0, 1,
                             scratch.data()));
  EXPECT_FALSE(wino_conv_run(Isa::v80, L.p, direct.ptr, L.input.data(), 0, o.data(), 0, 0,
                             wino_work_items(g, tile) + 1, scratch.data()));
  // Channel blocks: at least 1, at most the 8-channel groups (11 channels: 2).
  EXPECT_FALSE(wino_conv_run(Isa::v80, L.p, direct.ptr, L.input.data(), 0, o.data(), 0, 0, 1,
                             scratch.data(), 0));
  EXPECT_FALSE(wino_conv_run(Isa::v80, L.p, direct.ptr, L.input.data(), 0, o.data(), 0, 0, 1,
                             scratch.data(), 3));
  EXPECT_TRUE(wino_conv_run(Isa::v80, L.p, direct.ptr, L.input.data(), 0, o.data(), 0, 0,
                            2 * wino_work_items(g, tile), scratch.data(), 2) ||
              !isa_supported(Isa::v80));
}

}  // namespace
}  // namespace octet::neon

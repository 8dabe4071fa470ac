// GEMM convolution / fully connected on every path, bit-exact against octet::ref on randomized
// shapes: M, N, K off the tiles and 1, odd channels, strides, padding, dilation, both weight
// schemes, saturating multipliers, output pixel strides, split ranges; plus packing round trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "conv_test_util.h"
#include "kernels/neon/conv_gemm.h"
#include "kernels/ref/ref_kernels.h"
#include "quant/rescale.h"

namespace octet::neon {
namespace {
using namespace test;  // NOLINT: Case, Layer, make_layer, conv_geom, Aligned

void check_conv(Isa isa, const Case& c, std::mt19937& rng) {
  SCOPED_TRACE(std::string(isa_name(isa)) + ": " + describe(c));
  const ConvGeometry& g = c.g;
  Layer L = make_layer(c, rng);
  const int M = g.batch * g.out_h * g.out_w;

  const WeightLayout layout = layout_for(isa);
  const size_t n = packed_size(g, layout);
  ASSERT_GT(n, sizeof(PackedHeader));
  Aligned packed(n);
  ASSERT_TRUE(pack(g, layout, L.weights.data(), L.zc.data(), L.bias.data(), L.mult.data(),
                   L.shift.data(), packed.ptr));
  ASSERT_TRUE(packed_valid(g, packed.ptr, n));
  const size_t ss = conv_scratch_size(g, isa);
  std::vector<uint8_t> scratch(ss + 1);
  // Unaligned scratch on purpose: the API accepts any alignment.
  void* sp = scratch.data() + 1;

  // Whole range, then the same split into random pieces: identical bytes, guards untouched.
  check_ranges(L, M, 70, rng, [&](int b, int e, int8_t* out) {
    return conv_run(isa, L.p, packed.ptr, L.input.data(), L.in_stride, out, L.out_stride, b, e, sp);
  });
}

std::vector<Case> conv_cases() {
  std::vector<Case> cs;
  auto add = [&](ConvGeometry g, bool sym, bool sat, int ie, int oe) { cs.push_back({g, sym, sat, ie, oe}); };
  // 1x1 stride 1 read straight from the input (K % 16 == 0), tiles off by one everywhere.
  add(conv_geom(1, 5, 7, 32, 17, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), false, false, 0, 0);
  add(conv_geom(1, 3, 3, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), true, false, 0, 0);
  add(conv_geom(2, 4, 5, 48, 33, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), false, false, 16, 7);   // strides
  add(conv_geom(1, 1, 1, 64, 20, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), false, true, 0, 0);
  add(conv_geom(1, 11, 13, 64, 64, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), false, false, 0, 64); // concat slice
  // 1x1 with K off 16, stride 2, padding: im2col.
  add(conv_geom(1, 6, 5, 3, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), false, false, 2, 0);
  add(conv_geom(1, 9, 9, 24, 19, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0), false, false, 0, 0);
  add(conv_geom(1, 4, 4, 16, 8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), false, false, 0, 0);
  // KxK: first-layer-like, odd channels, strides, asymmetric padding, dilation.
  add(conv_geom(1, 13, 11, 3, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), false, false, 0, 0);
  add(conv_geom(1, 7, 7, 5, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), true, false, 3, 2);
  add(conv_geom(2, 8, 6, 17, 31, 3, 3, 1, 2, 1, 1, 0, 2, 1, 0), false, false, 0, 0);
  add(conv_geom(1, 9, 10, 8, 12, 3, 2, 2, 1, 2, 3, 2, 1, 2, 3), false, false, 0, 5);
  add(conv_geom(1, 6, 6, 16, 21, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2), false, true, 0, 0);
  add(conv_geom(1, 2, 3, 7, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2), false, false, 0, 0);  // mostly padding
  add(conv_geom(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), false, false, 0, 0);  // all 1
  add(conv_geom(1, 12, 12, 32, 24, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1), false, false, 0, 0);  // M > im2col block
  // im2col's interior fast paths (runs of 8..16 and 16..32 bytes, 3 or 1 kernel rows, the interior
  // of an output row split across im2col blocks and batches) next to their edge pixels.
  add(conv_geom(1, 30, 31, 3, 32, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1), false, false, 0, 0);  // stem, TF pads
  add(conv_geom(2, 10, 9, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), false, false, 0, 0);    // runs of 21
  add(conv_geom(2, 7, 9, 24, 20, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), false, false, 0, 0);   // K = 24
  add(conv_geom(1, 9, 40, 4, 6, 2, 3, 1, 2, 1, 1, 1, 0, 0, 2), true, false, 0, 3);     // runs of 12
  add(conv_geom(1, 7, 9, 48, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), false, false, 0, 0);   // runs of 144
  add(conv_geom(2, 5, 6, 16, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), false, false, 0, 0);   // runs of 48
  // Runs of 64n bytes (dotprod: the interior copy that also sums): 3x3 with 64 channels, padded
  // and strided, with and without zero points; a strided 1x1 (ResNet's downsampling).
  add(conv_geom(1, 9, 8, 64, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), false, false, 0, 0);
  add(conv_geom(2, 7, 9, 64, 33, 3, 3, 2, 2, 1, 1, 1, 0, 1, 1), true, false, 0, 0);
  add(conv_geom(1, 13, 12, 128, 17, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0), false, false, 0, 0);
  // 7x7 stems (ResNet-50, GoogLeNet): the unrolled 7-row interior, runs of 21 and of 14 bytes.
  add(conv_geom(1, 23, 21, 3, 20, 7, 7, 2, 2, 1, 1, 3, 3, 2, 2), false, false, 0, 0);
  add(conv_geom(2, 16, 17, 2, 9, 7, 7, 1, 2, 1, 1, 3, 2, 3, 3), true, false, 0, 0);
  // Every epilogue variant of the v80 kernel (z_c terms or not; some positive shift, right shifts
  // only or no shift; clamped or full int8 range) on whole tiles only, on partial row and channel
  // tiles, and through im2col.
  for (const ConvGeometry& g : {conv_geom(1, 4, 4, 16, 8, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0),
                                conv_geom(1, 3, 7, 32, 13, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0),
                                conv_geom(1, 5, 5, 24, 20, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0)})
    for (int v = 0; v < 16; ++v) {
      Case c{g, (v & 4) != 0, (v & 2) != 0, 0, 0};
      c.clamp = v & 1;
      c.unshifted = (v & 8) != 0;
      cs.push_back(c);
    }
  return cs;
}

void run_conv_suite(Isa isa) {
  if (!isa_supported(isa)) GTEST_SKIP() << isa_name(isa) << " not supported on this CPU/build";
  std::mt19937 rng(1234 + static_cast<int>(isa));
  for (const Case& c : conv_cases()) check_conv(isa, c, rng);
  // Randomized shapes.
  for (int i = 0; i < 24; ++i) {
    const int kh = 1 + rng() % 3, kw = 1 + rng() % 3, sh = 1 + rng() % 2, sw = 1 + rng() % 2;
    const int dh = 1 + rng() % 2, dw = 1 + rng() % 2;
    const int ih = kh * dh + rng() % 8, iw = kw * dw + rng() % 8;
    const int ic = 1 + rng() % 40, oc = 1 + rng() % 40;
    Case c;
    c.g = conv_geom(1 + rng() % 2, ih, iw, ic, oc, kh, kw, sh, sw, dh, dw, rng() % kh, rng() % kw,
                    rng() % kh, rng() % kw);
    c.symmetric = rng() % 3 == 0;
    c.saturate = rng() % 5 == 0;
    c.unshifted = rng() % 2 == 0;
    c.in_extra = rng() % 3 == 0 ? static_cast<int>(rng() % 9) : 0;
    c.out_extra = rng() % 3 == 0 ? static_cast<int>(rng() % 9) : 0;
    check_conv(isa, c, rng);
    if (testing::Test::HasFatalFailure()) return;
  }
}

// Row tiles and their tails (dotprod: 6-row tiles while >= 5 rows remain, then the 4-row kernel,
// 1 row alone), each M = 1..13 and around the 64- / 66-pixel blocks; channel blocks off 16; K from one
// k group up to several weight chunks; with and without activation sums, left and right shifts.
void run_tile_edge_suite(Isa isa) {
  if (!isa_supported(isa)) GTEST_SKIP() << isa_name(isa) << " not supported on this CPU/build";
  std::mt19937 rng(4321 + static_cast<int>(isa));
  const int ms[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 59, 64, 65, 66, 67, 69, 70, 71, 131, 136};
  // K of 1 to 5 and 17 steps of 16: the v80 kernel's first step, odd step and pair loop variants.
  const int ks[] = {16, 32, 48, 64, 80, 272}, ns[] = {1, 13, 16, 33, 40};
  int i = 0;
  for (int m : ms) {
    for (int v = 0; v < 4; ++v, ++i) {
      Case c;
      const int k = ks[(i / 4 + v) % 6], n = ns[i % 5];
      if (v == 3) {  // im2col: K off 16 (3x3 taps), M = one output row
        c.g = conv_geom(1, 3, m + 2, 1 + k / 16, n, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0);
      } else {       // 1x1 read straight from the input
        c.g = conv_geom(1, 1, m, k, n, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
        c.in_extra = v == 2 ? 16 : 0;
      }
      c.symmetric = v == 1;
      c.saturate = v >= 2;  // shifts up to +5: the SQSHL step runs
      c.unshifted = (m + v) % 2 == 0;  // no right shifts: the SRSHL step is skipped
      c.out_extra = v == 2 ? 3 : 0;
      check_conv(isa, c, rng);
      if (testing::Test::HasFatalFailure()) return;
    }
  }
  // Big K: weight chunks of 32 and 16 channels (gemm_block) and long k loops.
  for (int k : {1024, 2304}) {
    Case c;
    c.g = conv_geom(1, 1, 13, k, 40, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
    check_conv(isa, c, rng);
    if (testing::Test::HasFatalFailure()) return;
  }
}

TEST(NeonConvGemm, TileEdgesRef) { run_tile_edge_suite(Isa::ref); }
// The aarch64 paths pick kernels and copies per core class (isa.h): both, whatever this CPU is.
void run_as(CoreClass c, Isa isa, void (*suite)(Isa)) {
  force_core_class(c);
  suite(isa);
  clear_forced_core_class();
}
void run_dotprod_as(CoreClass c, void (*suite)(Isa)) { run_as(c, Isa::dotprod, suite); }
TEST(NeonConvGemm, TileEdgesV80) { run_tile_edge_suite(Isa::v80); }
TEST(NeonConvGemm, TileEdgesDotprodInOrder) { run_dotprod_as(CoreClass::in_order, run_tile_edge_suite); }
TEST(NeonConvGemm, TileEdgesDotprodOutOfOrder) { run_dotprod_as(CoreClass::out_of_order, run_tile_edge_suite); }
TEST(NeonConvGemm, TileEdgesArmv7) { run_tile_edge_suite(Isa::armv7); }

TEST(NeonConvGemm, Ref) { run_conv_suite(Isa::ref); }
TEST(NeonConvGemm, V80InOrder) { run_as(CoreClass::in_order, Isa::v80, run_conv_suite); }
TEST(NeonConvGemm, V80OutOfOrder) { run_as(CoreClass::out_of_order, Isa::v80, run_conv_suite); }
TEST(NeonConvGemm, DotprodInOrder) { run_dotprod_as(CoreClass::in_order, run_conv_suite); }
TEST(NeonConvGemm, DotprodOutOfOrder) { run_dotprod_as(CoreClass::out_of_order, run_conv_suite); }
TEST(NeonConvGemm, Armv7) { run_conv_suite(Isa::armv7); }

void check_fc(Isa isa, int batch, int in_c, int out_c, bool symmetric, std::mt19937& rng,
              bool unshifted = false) {
  SCOPED_TRACE(std::string(isa_name(isa)) + " fc b" + std::to_string(batch) + " " + std::to_string(in_c) +
               "->" + std::to_string(out_c) + (symmetric ? " sym" : " asym") +
               (unshifted ? " unshifted" : ""));
  Case c;
  c.g.batch = batch;
  c.g.in_h = c.g.in_w = c.g.out_h = c.g.out_w = 1;
  c.g.in_c = in_c;
  c.g.out_c = out_c;
  c.symmetric = symmetric;
  c.unshifted = unshifted;
  if (unshifted) c.clamp = 0;  // with the int8 range as clamp: the usual layer
  Layer L = make_layer(c, rng);
  std::vector<int8_t> want(static_cast<size_t>(batch) * out_c);
  ref::fully_connected_q8(L.p, L.input.data(), want.data());
  const WeightLayout layout = layout_for(isa);
  const size_t n = packed_size(c.g, layout);
  Aligned packed(n);
  ASSERT_TRUE(pack(c.g, layout, L.weights.data(), L.zc.data(), L.bias.data(), L.mult.data(),
                   L.shift.data(), packed.ptr));
  std::vector<uint8_t> scratch(fc_scratch_size(c.g, isa));
  for (int split = 0; split < 2; ++split) {
    std::vector<int8_t> got(want.size(), 0x5a);
    for (int b = 0; b < out_c;) {
      const int e = split == 0 ? out_c : std::min(out_c, b + 1 + static_cast<int>(rng() % 40));
      ASSERT_TRUE(fc_run(isa, L.p, packed.ptr, L.input.data(), got.data(), 0, b, e, scratch.data()));
      b = e;
    }
    ASSERT_EQ(got, want) << "split " << split;
  }
}

void run_fc_suite(Isa isa) {
  if (!isa_supported(isa)) GTEST_SKIP() << isa_name(isa) << " not supported on this CPU/build";
  std::mt19937 rng(99 + static_cast<int>(isa));
  check_fc(isa, 1, 64, 10, false, rng);
  check_fc(isa, 1, 1, 1, false, rng);
  check_fc(isa, 1, 33, 17, true, rng);
  check_fc(isa, 3, 256, 100, false, rng);
  check_fc(isa, 5, 20, 37, false, rng);
  check_fc(isa, 2, 1024, 45, true, rng);
  check_fc(isa, 4, 48, 23, false, rng);
  // Batches on the row tiles (6, 6 + 1, 6 + 5, 2 x 6 + 1) with split channel ranges.
  check_fc(isa, 6, 48, 40, false, rng);
  check_fc(isa, 7, 16, 33, true, rng);
  check_fc(isa, 11, 96, 17, false, rng);
  check_fc(isa, 13, 272, 50, false, rng);
  // Unshifted multipliers and the int8 range as clamp (the usual layer: the dotprod kernel's
  // own epilogues, also for the half tiles that split ranges start or end in).
  check_fc(isa, 6, 48, 40, false, rng, true);
  check_fc(isa, 7, 16, 33, true, rng, true);
  check_fc(isa, 13, 272, 56, false, rng, true);
}

TEST(NeonFullyConnected, Ref) { run_fc_suite(Isa::ref); }
TEST(NeonFullyConnected, V80) { run_fc_suite(Isa::v80); }
TEST(NeonFullyConnected, DotprodInOrder) { run_dotprod_as(CoreClass::in_order, run_fc_suite); }
TEST(NeonFullyConnected, DotprodOutOfOrder) { run_dotprod_as(CoreClass::out_of_order, run_fc_suite); }
TEST(NeonFullyConnected, Armv7) { run_fc_suite(Isa::armv7); }

TEST(NeonPacking, RoundTripsAndValidation) {
  std::mt19937 rng(7);
  Case c;
  c.g = conv_geom(1, 5, 5, 7, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  Layer L = make_layer(c, rng);
  const WeightLayout layouts[] = {WeightLayout::ohwi, WeightLayout::n4k16, WeightLayout::n16k4};
  std::vector<std::vector<uint8_t>> direct;
  for (WeightLayout l : layouts) {
    std::vector<uint8_t> buf(packed_size(c.g, l));
    ASSERT_TRUE(pack(c.g, l, L.weights.data(), L.zc.data(), L.bias.data(), L.mult.data(), L.shift.data(), buf.data()));
    EXPECT_EQ(packed_layout(buf.data()), l);
    EXPECT_TRUE(packed_valid(c.g, buf.data(), buf.size()));
    EXPECT_FALSE(packed_valid(c.g, buf.data(), buf.size() - 1));
    direct.push_back(buf);
  }
  for (size_t s = 0; s < 3; ++s) {
    for (size_t d = 0; d < 3; ++d) {
      std::vector<uint8_t> out(packed_size(c.g, layouts[d]));
      ASSERT_TRUE(repack(c.g, direct[s].data(), direct[s].size(), layouts[d], out.data()));
      EXPECT_EQ(out, direct[d]) << layout_name(layouts[s]) << " -> " << layout_name(layouts[d]);
    }
  }
  // Wrong geometry, corrupt header, -128 weights, groups: refused.
  ConvGeometry other = c.g;
  other.out_c += 1;
  EXPECT_FALSE(packed_valid(other, direct[1].data(), direct[1].size()));
  direct[2][0] ^= 1;
  EXPECT_FALSE(packed_valid(c.g, direct[2].data(), direct[2].size()));
  L.weights[3] = -128;
  std::vector<uint8_t> buf(packed_size(c.g, WeightLayout::n16k4));
  EXPECT_FALSE(pack(c.g, WeightLayout::n16k4, L.weights.data(), L.zc.data(), L.bias.data(), L.mult.data(), L.shift.data(), buf.data()));
  ConvGeometry grouped = c.g;
  grouped.groups = 7;
  EXPECT_EQ(packed_size(grouped, WeightLayout::n16k4), 0u);
}

// Header flags that disagree with the per-channel fields, or fields out of the rescale ranges,
// are refused: the kernels trust the flags, so such a file would run with other bytes than ref.
TEST(NeonPacking, RefusesInconsistentChannelFields) {
  std::mt19937 rng(11);
  Case c;
  c.g = conv_geom(1, 3, 3, 16, 21, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
  Layer L = make_layer(c, rng);
  const int n = c.g.out_c;
  struct Offsets { WeightLayout layout; size_t mult, shift, right; };  // channel 0's fields
  const size_t H = sizeof(PackedHeader);
  const Offsets layouts[] = {{WeightLayout::ohwi, H + 8 * size_t(n), H + 12 * size_t(n), 0},
                             {WeightLayout::n4k16, H + 32, H + 48, H + 64},
                             {WeightLayout::n16k4, H + 128, H + 192, H + 256}};
  auto put = [](std::vector<uint8_t>& b, size_t off, int32_t v) { std::memcpy(b.data() + off, &v, 4); };
  for (const Offsets& o : layouts) {
    std::vector<uint8_t> good(packed_size(c.g, o.layout));
    ASSERT_TRUE(pack(c.g, o.layout, L.weights.data(), L.zc.data(), L.bias.data(), L.mult.data(),
                     L.shift.data(), good.data()));
    ASSERT_TRUE(packed_valid(c.g, good.data(), good.size())) << layout_name(o.layout);
    PackedHeader h;
    std::memcpy(&h, good.data(), sizeof h);
    std::vector<uint8_t> bad = good;
    put(bad, offsetof(PackedHeader, any_zero_point), 1 - h.any_zero_point);
    EXPECT_FALSE(packed_valid(c.g, bad.data(), bad.size())) << layout_name(o.layout) << " zero-point flag";
    bad = good;
    put(bad, offsetof(PackedHeader, shifts_nonpositive), 1 - h.shifts_nonpositive);
    EXPECT_FALSE(packed_valid(c.g, bad.data(), bad.size())) << layout_name(o.layout) << " shift flag";
    // make_layer's multipliers are normalized: right shifts, so the no-right-shift flag is 0 and
    // claiming 1 is a lie; 0 is always accepted (files written before the flag existed).
    EXPECT_EQ(h.shifts_nonnegative, 0) << layout_name(o.layout);
    bad = good;
    put(bad, offsetof(PackedHeader, shifts_nonnegative), 1);
    EXPECT_FALSE(packed_valid(c.g, bad.data(), bad.size())) << layout_name(o.layout) << " right-shift flag";
    bad = good;
    put(bad, offsetof(PackedHeader, shifts_nonnegative), 2);
    EXPECT_FALSE(packed_valid(c.g, bad.data(), bad.size())) << layout_name(o.layout) << " right-shift flag 2";
    bad = good;
    put(bad, o.mult, -5);
    EXPECT_FALSE(packed_valid(c.g, bad.data(), bad.size())) << layout_name(o.layout) << " multiplier";
    bad = good;
    put(bad, o.shift, 31);
    EXPECT_FALSE(packed_valid(c.g, bad.data(), bad.size())) << layout_name(o.layout) << " shift 31";
    if (o.right) {
      bad = good;
      put(bad, o.right, 1);
      EXPECT_FALSE(packed_valid(c.g, bad.data(), bad.size())) << layout_name(o.layout) << " right shift > 0";
      bad = good;
      put(bad, o.shift, 2);
      put(bad, o.right, -3);
      put(bad, offsetof(PackedHeader, shifts_nonpositive), 0);
      EXPECT_FALSE(packed_valid(c.g, bad.data(), bad.size())) << layout_name(o.layout) << " both shifts";
    }
  }
}

// Unshifted multipliers (as qconvert makes them) set the no-right-shift flag; a file that leaves it
// 0 is still valid (and runs the general epilogue, tested by the suites with both flag values).
TEST(NeonPacking, NoRightShiftFlag) {
  std::mt19937 rng(12);
  Case c;
  c.g = conv_geom(1, 3, 3, 16, 21, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
  c.unshifted = true;
  Layer L = make_layer(c, rng);
  for (WeightLayout l : {WeightLayout::ohwi, WeightLayout::n4k16, WeightLayout::n16k4}) {
    std::vector<uint8_t> buf(packed_size(c.g, l));
    ASSERT_TRUE(pack(c.g, l, L.weights.data(), L.zc.data(), L.bias.data(), L.mult.data(), L.shift.data(), buf.data()));
    PackedHeader h;
    std::memcpy(&h, buf.data(), sizeof h);
    EXPECT_EQ(h.shifts_nonnegative, 1) << layout_name(l);
    const int32_t zero = 0;
    std::memcpy(buf.data() + offsetof(PackedHeader, shifts_nonnegative), &zero, 4);
    EXPECT_TRUE(packed_valid(c.g, buf.data(), buf.size())) << layout_name(l);
  }
}

TEST(NeonConvGemm, RefusesMismatchedCalls) {
  std::mt19937 rng(3);
  Case c;
  c.g = conv_geom(1, 4, 4, 16, 8, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
  Layer L = make_layer(c, rng);
  std::vector<uint8_t> buf(packed_size(c.g, WeightLayout::ohwi));
  ASSERT_TRUE(pack(c.g, WeightLayout::ohwi, L.weights.data(), L.zc.data(), L.bias.data(), L.mult.data(), L.shift.data(), buf.data()));
  std::vector<uint8_t> scratch(conv_scratch_size(c.g, Isa::ref));
  std::vector<int8_t> out(16 * 8, 0x11);
  const auto untouched = out;
  // Layout of another path, bad ranges, unsupported path: false, nothing written.
  EXPECT_FALSE(conv_run(Isa::i8mm, L.p, buf.data(), L.input.data(), 0, out.data(), 0, 0, 16, scratch.data()));
  if (isa_supported(Isa::v80)) {
    EXPECT_FALSE(conv_run(Isa::v80, L.p, buf.data(), L.input.data(), 0, out.data(), 0, 0, 16, scratch.data()));
  }
  EXPECT_FALSE(conv_run(Isa::ref, L.p, buf.data(), L.input.data(), 0, out.data(), 0, 5, 17, scratch.data()));
  EXPECT_FALSE(conv_run(Isa::ref, L.p, buf.data(), L.input.data(), 0, out.data(), 0, 6, 5, scratch.data()));
  EXPECT_EQ(out, untouched);
  EXPECT_TRUE(conv_run(Isa::ref, L.p, buf.data(), L.input.data(), 0, out.data(), 0, 0, 16, scratch.data()));
}

}  // namespace
}  // namespace octet::neon

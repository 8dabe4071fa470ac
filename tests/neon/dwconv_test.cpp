// NEON depthwise convolution vs the oracle, bit for bit, on every path this CPU runs.
#include <gtest/gtest.h>

#include <cstring>

#include "dw_test_util.h"
#include "kernels/neon/dwconv.h"

namespace octet {
namespace {

using dwtest::rnd;

struct DwCase {
  ConvGeometry g;
  bool symmetric = false;  // z_c = 0
  bool saturate = false;   // large multipliers: most outputs hit the clamp
  bool narrow_clamp = false;
  bool zp_minus_128 = false;  // one z_c = -128: the SDOT section cannot negate it
  bool unshifted = false;     // no right shifts (quantize_requant_multiplier): kernels skip SRSHL
  int in_extra = 0, out_extra = 0;  // pixel stride beyond the channel count
};

// Random depthwise geometry; kernel, stride, dilation and multiplier from the given sets.
ConvGeometry random_geometry(std::mt19937& rng, int kh, int kw, int stride, int dil, int mult,
                             int max_hw = 9) {
  static const int kChannels[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 33};
  for (;;) {
    ConvGeometry g;
    g.batch = rnd(rng, 1, 2);
    g.in_h = rnd(rng, 1, max_hw);
    g.in_w = rnd(rng, 1, max_hw);
    g.in_c = kChannels[rnd(rng, 0, 10)];
    g.out_c = g.in_c * mult;
    g.groups = g.in_c;
    g.kernel_h = kh;
    g.kernel_w = kw;
    g.stride_h = g.stride_w = stride;
    g.dilation_h = g.dilation_w = dil;
    const int ph = rnd(rng, 0, (kh - 1) * dil), pb = rnd(rng, 0, (kh - 1) * dil);
    const int pl = rnd(rng, 0, (kw - 1) * dil), pr = rnd(rng, 0, (kw - 1) * dil);
    g.pad_top = ph;
    g.pad_left = pl;
    g.out_h = ConvGeometry::out_extent(g.in_h, kh, stride, dil, ph + pb);
    g.out_w = ConvGeometry::out_extent(g.in_w, kw, stride, dil, pl + pr);
    if (g.out_h >= 1 && g.out_w >= 1) return g;
  }
}

// Builds parameters, runs the oracle and every runnable path (whole range, then split in three
// row ranges), and compares the full output buffers (gaps of a strided output must stay untouched).
void check_case(const DwCase& c, std::mt19937& rng) {
  SCOPED_TRACE(c.unshifted ? "no right shifts" : "right shifts");
  const ConvGeometry& g = c.g;
  ASSERT_TRUE(neon::dwconv_supported(g));
  const int taps = g.kernel_h * g.kernel_w;
  const int in_stride = g.in_c + c.in_extra, out_stride = g.out_c + c.out_extra;
  std::vector<int8_t> weights = dwtest::random_bytes(rng, static_cast<size_t>(g.out_c) * taps, -127, 127);
  std::vector<int32_t> wzp(g.out_c), bias(g.out_c), mult(g.out_c), shift(g.out_c);
  for (int o = 0; o < g.out_c; ++o) {
    wzp[o] = c.symmetric ? 0 : rnd(rng, -127, 127);
    bias[o] = rnd(rng, -60000, 60000);
    mult[o] = rnd(rng, 1 << 30, INT32_MAX);
    shift[o] = c.saturate ? rnd(rng, -3, 3) : rnd(rng, -12, -6);
    if (c.unshifted && shift[o] < 0) {  // the same M with the shift folded into the multiplier
      mult[o] >>= -shift[o];
      shift[o] = 0;
    }
  }
  if (c.zp_minus_128) wzp[g.out_c / 2] = -128;
  QConvParams p;
  p.geom = g;
  p.input_zero_point = rnd(rng, -128, 127);
  p.weights = weights.data();
  p.weight_zero_points = wzp.data();
  p.bias_folded = bias.data();
  p.requant.multiplier = mult.data();
  p.requant.shift = shift.data();
  p.requant.output_zero_point = rnd(rng, -128, 127);
  if (c.narrow_clamp) {
    p.requant.clamp_min = rnd(rng, -128, 0);
    p.requant.clamp_max = rnd(rng, p.requant.clamp_min, 127);
  }
  const size_t in_size = static_cast<size_t>(g.batch) * g.in_h * g.in_w * in_stride;
  const size_t out_size = static_cast<size_t>(g.batch) * g.out_h * g.out_w * out_stride;
  std::vector<int8_t> input = dwtest::random_bytes(rng, in_size);
  std::vector<int8_t> expected(out_size, 0x5A);
  dwtest::oracle_dwconv(p, input.data(), expected.data(), in_stride, out_stride);

  std::vector<int8_t> packed_storage(neon::dwconv_packed_size(g) + 16);
  void* packed = packed_storage.data() + (16 - reinterpret_cast<uintptr_t>(packed_storage.data()) % 16) % 16;
  ASSERT_TRUE(neon::dwconv_pack(p, packed));
  QConvParams run_p = p;  // the run reads only what is documented: drop the rest
  run_p.weights = nullptr;
  run_p.weight_zero_points = nullptr;
  run_p.bias_folded = nullptr;
  run_p.requant.multiplier = nullptr;
  run_p.requant.shift = nullptr;
  const int rows = g.batch * g.out_h;
  for (neon::Isa path : dwtest::runnable_paths()) {
    SCOPED_TRACE(neon::isa_name(path));
    std::vector<int8_t> out(out_size, 0x5A);
    ASSERT_TRUE(neon::dwconv_run(path, run_p, packed, input.data(), out.data(), 0, rows, in_stride, out_stride));
    ASSERT_EQ(0, std::memcmp(out.data(), expected.data(), out_size));
    std::fill(out.begin(), out.end(), 0x5A);
    const int r1 = rnd(rng, 0, rows), r2 = rnd(rng, r1, rows);
    for (auto [b, e] : {std::pair{0, r1}, std::pair{r1, r2}, std::pair{r2, rows}})
      ASSERT_TRUE(neon::dwconv_run(path, run_p, packed, input.data(), out.data(), b, e, in_stride, out_stride));
    ASSERT_EQ(0, std::memcmp(out.data(), expected.data(), out_size)) << "split run";
  }
}

std::string describe(const ConvGeometry& g) {
  return "in " + std::to_string(g.batch) + "x" + std::to_string(g.in_h) + "x" + std::to_string(g.in_w) +
         "x" + std::to_string(g.in_c) + " out_c " + std::to_string(g.out_c) + " k " +
         std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) + " s " + std::to_string(g.stride_h) +
         " d " + std::to_string(g.dilation_h) + " pad " + std::to_string(g.pad_top) + "," +
         std::to_string(g.pad_left) + " out " + std::to_string(g.out_h) + "x" + std::to_string(g.out_w);
}

void random_cases(uint32_t seed, int count, int kh, int kw, int stride, int dil, int mult, int max_hw = 9) {
  std::mt19937 rng(seed);
  for (int i = 0; i < count; ++i) {
    DwCase c;
    c.g = random_geometry(rng, kh, kw, stride, dil, mult, max_hw);
    c.symmetric = i % 4 == 1;
    c.saturate = i % 5 == 2;
    c.unshifted = i % 2 == 1;
    c.narrow_clamp = i % 3 == 0;
    c.in_extra = i % 4 == 3 ? rnd(rng, 1, 5) : 0;
    c.out_extra = i % 3 == 2 ? rnd(rng, 1, 5) : 0;
    SCOPED_TRACE(describe(c.g) + " case " + std::to_string(i));
    check_case(c, rng);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(NeonDwconv, PathsAvailable) { EXPECT_FALSE(dwtest::runnable_paths().empty()); }

TEST(NeonDwconv, Specialised3x3IsChosen) {
  ConvGeometry g;
  g.in_c = g.out_c = g.groups = 8;
  g.kernel_h = g.kernel_w = 3;
  EXPECT_EQ(neon::dwconv_kernel_for(g), neon::DwKernel::k3x3s1);
  g.stride_h = g.stride_w = 2;
  EXPECT_EQ(neon::dwconv_kernel_for(g), neon::DwKernel::k3x3s2);
  g.out_c = 16;
  EXPECT_EQ(neon::dwconv_kernel_for(g), neon::DwKernel::general);
}

TEST(NeonDwconv, Conv3x3Stride1) { random_cases(101, 40, 3, 3, 1, 1, 1, 12); }
TEST(NeonDwconv, Conv3x3Stride2) { random_cases(102, 40, 3, 3, 2, 1, 1, 12); }
TEST(NeonDwconv, GeneralKernelSizes) {
  for (int kh = 1; kh <= 5; kh += 2)
    for (int kw = 1; kw <= 5; kw += 2) random_cases(200 + kh * 10 + kw, 6, kh, kw, 1 + (kh + kw) % 3, 1, 1);
}
TEST(NeonDwconv, GeneralDilation) {
  random_cases(301, 12, 3, 3, 1, 2, 1);
  random_cases(302, 8, 2, 3, 2, 3, 1);
}
TEST(NeonDwconv, GeneralMultiplier) {
  random_cases(401, 12, 3, 3, 1, 1, 2);
  random_cases(402, 12, 3, 3, 2, 1, 2);
  random_cases(403, 8, 5, 5, 1, 1, 3);
  random_cases(404, 6, 3, 3, 2, 2, 5);
}

TEST(NeonDwconv, OneByOneImages) {
  std::mt19937 rng(7);
  for (int k : {1, 3, 5})
    for (int ch : {1, 8, 13}) {
      DwCase c;
      ConvGeometry& g = c.g;
      g.in_h = g.in_w = g.out_h = g.out_w = 1;
      g.in_c = g.out_c = g.groups = ch;
      g.kernel_h = g.kernel_w = k;
      g.pad_top = g.pad_left = k / 2;
      SCOPED_TRACE(describe(g));
      check_case(c, rng);
    }
}

TEST(NeonDwconv, MobileNetLikeInteriorAndBorders) {
  std::mt19937 rng(9);
  for (int s : {1, 2}) {
    DwCase c;
    ConvGeometry& g = c.g;
    g.in_h = g.in_w = 14;
    g.in_c = g.out_c = g.groups = 32;
    g.kernel_h = g.kernel_w = 3;
    g.stride_h = g.stride_w = s;
    g.pad_top = g.pad_left = 1;
    g.out_h = g.out_w = ConvGeometry::out_extent(14, 3, s, 1, s == 1 ? 2 : 1);
    SCOPED_TRACE(describe(g));
    check_case(c, rng);
  }
}

// Rows long enough that the dotprod 3x3 kernels split the image into bands of 2 and 4 output rows
// (about 32 KiB of input each), with a channel tail, odd row counts and asymmetric padding.
TEST(NeonDwconv, WideRowsRunInBands) {
  std::mt19937 rng(11);
  for (int s : {1, 2})
    for (auto [w, ch] : {std::pair{40, 523}, std::pair{24, 300}}) {
      DwCase c;
      ConvGeometry& g = c.g;
      g.batch = 2;
      g.in_h = 11;
      g.in_w = w;
      g.in_c = g.out_c = g.groups = ch;
      g.kernel_h = g.kernel_w = 3;
      g.stride_h = g.stride_w = s;
      g.pad_top = s;
      g.pad_left = 2 - s;
      g.out_h = ConvGeometry::out_extent(g.in_h, 3, s, 1, g.pad_top + 1);
      g.out_w = ConvGeometry::out_extent(g.in_w, 3, s, 1, g.pad_left + 2);
      SCOPED_TRACE(describe(g));
      check_case(c, rng);
    }
}

// The SMLAL 3x3 kernel (v80) copies each block's input rows into zero-point-padded band buffers
// (16 KiB): several bands per image and bands ending at image boundaries (tall, wide rows, batch 2),
// odd output widths (an extra pixel per row through an output buffer, itself limiting the band),
// rows too wide for the buffer (the unbuffered fallback), padding wider than the kernel, widths 1-3.
TEST(NeonDwconv, BandBuffersAndFallbacks) {
  std::mt19937 rng(12);
  struct Shape {
    int h, w, ch, s, pt, pl, pb, pr;
  };
  const Shape shapes[] = {
      {21, 200, 16, 1, 1, 1, 1, 1}, {21, 200, 16, 2, 1, 1, 1, 1}, {13, 201, 8, 1, 1, 1, 1, 1},
      {13, 203, 17, 2, 0, 1, 1, 1}, {4, 700, 8, 1, 1, 1, 1, 1},   {4, 701, 9, 2, 1, 1, 1, 1},
      {3, 690, 8, 2, 1, 0, 1, 0},   {5, 4, 8, 1, 3, 4, 3, 2},     {6, 3, 24, 2, 4, 3, 2, 4},
      {7, 1, 8, 1, 1, 1, 1, 1},     {7, 2, 16, 2, 1, 1, 1, 1},    {9, 3, 8, 1, 0, 0, 0, 0},
      {7, 7, 1024 / 64, 1, 1, 1, 1, 1}, {14, 14, 24, 2, 0, 0, 1, 1}};
  int i = 0;
  for (const Shape& sh : shapes) {
    DwCase c;
    ConvGeometry& g = c.g;
    g.batch = 2;
    g.in_h = sh.h;
    g.in_w = sh.w;
    g.in_c = g.out_c = g.groups = sh.ch;
    g.kernel_h = g.kernel_w = 3;
    g.stride_h = g.stride_w = sh.s;
    g.pad_top = sh.pt;
    g.pad_left = sh.pl;
    g.out_h = ConvGeometry::out_extent(g.in_h, 3, sh.s, 1, sh.pt + sh.pb);
    g.out_w = ConvGeometry::out_extent(g.in_w, 3, sh.s, 1, sh.pl + sh.pr);
    c.saturate = i % 4 == 3;
    c.unshifted = i % 2 == 0;
    c.in_extra = i % 3 == 1 ? 3 : 0;
    c.out_extra = i % 3 == 2 ? 5 : 0;
    ++i;
    SCOPED_TRACE(describe(g));
    check_case(c, rng);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// Every border the dotprod assembly row kernels take (left padding 0 / 1, 0 / 1 padded column on
// the right, no interior column, a single last row) and the ones they leave to the intrinsics
// kernel (left 2, right 2), each width 1-9, with and without the z_c correction; and channel
// counts past the kernels' 1024-channel group (two groups plus a tail).
TEST(NeonDwconv, RowKernelBorders) {
  std::mt19937 rng(12);
  for (int s : {1, 2})
    for (int w = 1; w <= 9; ++w)
      for (int pl = 0; pl <= 2; ++pl)
        for (int pr = 0; pr <= 2; ++pr) {
          DwCase c;
          ConvGeometry& g = c.g;
          g.in_h = 1 + (w + pl) % 5;
          g.in_w = w;
          g.in_c = g.out_c = g.groups = (w + pr) % 2 ? 16 : 11;
          g.kernel_h = g.kernel_w = 3;
          g.stride_h = g.stride_w = s;
          g.pad_top = pr % 2;
          g.pad_left = pl;
          g.out_h = ConvGeometry::out_extent(g.in_h, 3, s, 1, g.pad_top + 1);
          g.out_w = ConvGeometry::out_extent(g.in_w, 3, s, 1, pl + pr);
          if (g.out_w < 1 || g.out_h < 1) continue;
          c.symmetric = (w + pl + pr) % 3 == 0;
          c.unshifted = (w + pr) % 2 == 0;
          c.out_extra = pr == 1 ? 3 : 0;
          SCOPED_TRACE(describe(g));
          check_case(c, rng);
          if (::testing::Test::HasFatalFailure()) return;
        }
  for (int s : {1, 2}) {
    DwCase c;
    ConvGeometry& g = c.g;
    g.batch = 2;
    g.in_h = 3;
    g.in_w = 4;
    g.in_c = g.out_c = g.groups = 2 * 1024 + 13;
    g.kernel_h = g.kernel_w = 3;
    g.stride_h = g.stride_w = s;
    g.pad_top = g.pad_left = 1;
    g.out_h = ConvGeometry::out_extent(g.in_h, 3, s, 1, 2);
    g.out_w = ConvGeometry::out_extent(g.in_w, 3, s, 1, 2);
    SCOPED_TRACE(describe(g));
    check_case(c, rng);
  }
}

TEST(NeonDwconv, WeightZeroPointMinus128) {
  std::mt19937 rng(10);
  for (int s : {1, 2})
    for (int ch : {8, 13}) {
      DwCase c;
      c.g = random_geometry(rng, 3, 3, s, 1, 1);
      c.g.in_c = c.g.out_c = c.g.groups = ch;
      c.zp_minus_128 = true;
      SCOPED_TRACE(describe(c.g));
      check_case(c, rng);
    }
}

TEST(NeonDwconv, RunRejectsForeignBuffer) {
  ConvGeometry g;
  g.in_h = g.in_w = g.out_h = g.out_w = 2;
  g.in_c = g.out_c = g.groups = 8;
  QConvParams p;
  p.geom = g;
  std::vector<int32_t> junk(neon::dwconv_packed_size(g) / 4 + 4, 7);
  std::vector<int8_t> in(32), out(32);
  for (neon::Isa path : dwtest::runnable_paths())
    EXPECT_FALSE(neon::dwconv_run(path, p, junk.data(), in.data(), out.data(), 0, 2));
}

TEST(NeonDwconv, PackRejectsBadInput) {
  ConvGeometry g;
  g.in_c = 4;
  g.out_c = 6;  // not a multiple of in_c
  g.groups = 4;
  EXPECT_FALSE(neon::dwconv_supported(g));
  QConvParams p;
  p.geom = g;
  std::vector<int8_t> buf(1024);
  EXPECT_FALSE(neon::dwconv_pack(p, buf.data()));
}

}  // namespace
}  // namespace octet

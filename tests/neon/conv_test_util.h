// Random int8 conv layers for the NEON conv suites (GEMM, Winograd, small-K): geometry, data, the
// reference arrays QConvParams points at, aligned buffers like the model file's, packing and the
// range-by-range check against ref::conv_q8.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/neon/conv_gemm.h"
#include "kernels/op_params.h"
#include "kernels/ref/ref_kernels.h"
#include "quant/rescale.h"

namespace octet::neon::test {

struct Case {
  ConvGeometry g;
  bool symmetric = false;   // all z_c = 0
  bool saturate = false;    // large multipliers: outputs pile up at the clamp bounds
  int in_extra = 0;         // in_stride - in_c
  int out_extra = 0;        // out_stride - out_c
  int clamp = -1;           // -1: a fused clamp one time in three, 0: full int8 range, 1: clamped
  bool unshifted = false;   // multipliers as the converter makes them (quantize_requant_multiplier):
                            // no right shifts, the kernels skip SRSHL
};

inline std::string describe(const Case& c) {
  const ConvGeometry& g = c.g;
  return "b" + std::to_string(g.batch) + " in " + std::to_string(g.in_h) + "x" + std::to_string(g.in_w) + "x" +
         std::to_string(g.in_c) + " out " + std::to_string(g.out_h) + "x" + std::to_string(g.out_w) + "x" +
         std::to_string(g.out_c) + " k" + std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) + " s" +
         std::to_string(g.stride_h) + "," + std::to_string(g.stride_w) + " d" + std::to_string(g.dilation_h) + "," +
         std::to_string(g.dilation_w) + " p" + std::to_string(g.pad_top) + "," + std::to_string(g.pad_left) +
         (c.symmetric ? " sym" : " asym") + (c.saturate ? " sat" : "") + (c.unshifted ? " unshifted" : "") + " in+" + std::to_string(c.in_extra) +
         " out+" + std::to_string(c.out_extra) + " clamp" + std::to_string(c.clamp);
}

// Random layer data + the reference output.
struct Layer {
  std::vector<int8_t> input, weights;
  std::vector<int32_t> zc, bias, mult, shift;
  QConvParams p;
  int in_stride, out_stride;
};

inline Layer make_layer(const Case& c, std::mt19937& rng) {
  const ConvGeometry& g = c.g;
  Layer L;
  const int K = g.kernel_elements();
  L.in_stride = g.in_c + c.in_extra;
  L.out_stride = g.out_c + c.out_extra;
  std::uniform_int_distribution<int> i8(-128, 127), w8(-127, 127), zpd(-20, 20);
  L.input.resize(static_cast<size_t>(g.batch) * g.in_h * g.in_w * L.in_stride);
  for (auto& v : L.input) v = static_cast<int8_t>(i8(rng));
  L.weights.resize(static_cast<size_t>(g.out_c) * K);
  for (auto& v : L.weights) v = static_cast<int8_t>(w8(rng));
  if (!L.weights.empty() && rng() % 2) L.weights[0] = 127;
  L.zc.resize(g.out_c);
  L.bias.resize(g.out_c);
  L.mult.resize(g.out_c);
  L.shift.resize(g.out_c);
  std::uniform_real_distribution<double> mantissa(0.5, 1.0);
  std::uniform_int_distribution<int> bias_d(-20000, 20000);
  for (int i = 0; i < g.out_c; ++i) {
    L.zc[i] = c.symmetric ? 0 : zpd(rng);
    L.bias[i] = bias_d(rng);
    // M ~ 1/(K*64) keeps outputs spread over int8; saturating cases use M up to 2^4.
    const int e = c.saturate ? static_cast<int>(rng() % 12) - 6 : -static_cast<int>(rng() % 4) - 6 -
                                                                       (K > 64 ? 4 : 0);
    Multiplier m;
    const double real = std::ldexp(mantissa(rng), e);
    EXPECT_TRUE(c.unshifted ? quantize_requant_multiplier(real, &m) : quantize_multiplier(real, &m));
    L.mult[i] = m.multiplier;
    L.shift[i] = m.shift;
  }
  L.p.geom = g;
  L.p.input_zero_point = static_cast<int32_t>(rng() % 256) - 128;
  L.p.weights = L.weights.data();
  L.p.weight_zero_points = L.zc.data();
  L.p.bias_folded = L.bias.data();
  L.p.requant.multiplier = L.mult.data();
  L.p.requant.shift = L.shift.data();
  L.p.requant.output_zero_point = static_cast<int32_t>(rng() % 256) - 128;
  if (c.clamp == 1 || (c.clamp < 0 && rng() % 3 == 0)) {  // a fused ReLU-like clamp
    L.p.requant.clamp_min = std::max(-128, L.p.requant.output_zero_point);
    L.p.requant.clamp_max = 127 - static_cast<int32_t>(rng() % 8);
  }
  return L;
}

// 64-byte aligned storage like the model file's buffers.
struct Aligned {
  std::vector<uint8_t> raw;
  void* ptr = nullptr;
  explicit Aligned(size_t n) : raw(n + 64) {
    ptr = raw.data() + (64 - reinterpret_cast<uintptr_t>(raw.data()) % 64) % 64;
  }
};

inline ConvGeometry conv_geom(int batch, int ih, int iw, int ic, int oc, int kh, int kw, int sh, int sw,
                       int dh, int dw, int pt, int pl, int pb, int pr) {
  ConvGeometry g;
  g.batch = batch;
  g.in_h = ih;
  g.in_w = iw;
  g.in_c = ic;
  g.out_c = oc;
  g.kernel_h = kh;
  g.kernel_w = kw;
  g.stride_h = sh;
  g.stride_w = sw;
  g.dilation_h = dh;
  g.dilation_w = dw;
  g.pad_top = pt;
  g.pad_left = pl;
  g.out_h = ConvGeometry::out_extent(ih, kh, sh, dh, pt + pb);
  g.out_w = ConvGeometry::out_extent(iw, kw, sw, dw, pl + pr);
  return g;
}

// Fills the outputs before a run: bytes between pixels (out_stride > out_c) must keep it.
constexpr int8_t kGuard = 0x5a;

// L's arrays packed by pack(g, weights, z_c, bias, multiplier, shift, dst) into n bytes, the
// buffer checked by valid(g, buf, n).
template <typename Pack, typename Valid>
Aligned pack_layer(const Layer& L, size_t n, Pack pack, Valid valid) {
  const ConvGeometry& g = L.p.geom;
  EXPECT_GT(n, sizeof(PackedHeader));
  Aligned packed(n);
  EXPECT_TRUE(pack(g, L.weights.data(), L.zc.data(), L.bias.data(), L.mult.data(), L.shift.data(),
                   packed.ptr));
  EXPECT_TRUE(valid(g, packed.ptr, n));
  return packed;
}

// run(b, e, out) over the work items [0, items): whole, then in random pieces of 1 to max_piece
// items; ref's bytes both times, guards between pixels untouched.
template <typename Run>
void check_ranges(const Layer& L, int items, int max_piece, std::mt19937& rng, Run run) {
  const ConvGeometry& g = L.p.geom;
  std::vector<int8_t> want(static_cast<size_t>(g.batch) * g.out_h * g.out_w * L.out_stride, kGuard);
  ref::conv_q8(L.p, L.input.data(), want.data(), L.in_stride, L.out_stride);
  for (int split = 0; split < 2; ++split) {
    std::vector<int8_t> got(want.size(), kGuard);
    for (int b = 0; b < items;) {
      const int e = split == 0 ? items : std::min(items, b + 1 + static_cast<int>(rng() % max_piece));
      ASSERT_TRUE(run(b, e, got.data()));
      b = e;
    }
    for (size_t i = 0; i < want.size(); ++i)
      ASSERT_EQ(got[i], want[i]) << "split " << split << " pixel " << i / L.out_stride
                                 << " channel " << i % L.out_stride;
  }
}

}  // namespace octet::neon::test

// Depthwise kernels written once in ARMv7-compatible intrinsics and compiled per path
// (dwconv_v80.cpp, dwconv_armv7.cpp, and dwconv_dotprod.cpp for what it does not specialise).
// Include only from those files: everything here has internal linkage, so copies compiled with
// different -march flags never mix.
//
// Arithmetic (see dwconv.h): acc = bias + sum over taps inside the input of (a - z_a) * w16, the
// int16 weights pre-subtracted at packing; SSUBL widens the activations and subtracts z_a in one
// instruction, SMLAL/SMLAL2 accumulate 8 channels per tap, then the shared requant epilogue.
#pragma once
#include "kernels/neon/dw_memory.h"
#include "kernels/neon/dw_neon_include.h"
#include "kernels/neon/dw_requant.h"
#include "kernels/neon/dwconv_kernels.h"
#include "kernels/neon/pool_window.h"

namespace octet::neon::detail {
namespace {

// Taps [k0, k1) of one kernel axis whose input coordinate origin + k * dil lies in [0, size).
inline void dw_tap_range(int origin, int dil, int kernel, int size, int* k0, int* k1) {
  int lo = origin < 0 ? (-origin + dil - 1) / dil : 0;
  int hi = kernel;
  if (origin + (kernel - 1) * dil > size - 1) hi = size - 1 - origin < 0 ? 0 : (size - 1 - origin) / dil + 1;
  if (lo > kernel) lo = kernel;
  if (hi < lo) hi = lo;
  *k0 = lo;
  *k1 = hi;
}

// acc += low / high 4 lanes of x * w (SMLAL / SMLAL2; armv7 reads the high D register directly).
inline int32x4_t dw_mlal_lo(int32x4_t acc, int16x8_t x, int16x8_t w) {
  return vmlal_s16(acc, vget_low_s16(x), vget_low_s16(w));
}
inline int32x4_t dw_mlal_hi(int32x4_t acc, int16x8_t x, int16x8_t w) {
#if defined(__aarch64__) || defined(OCTET_ARCH_simde)
  return vmlal_high_s16(acc, x, w);
#else
  return vmlal_s16(acc, vget_high_s16(x), vget_high_s16(w));
#endif
}

struct DwConsts {
  int16x8_t zp;
  int8x8_t za, lo, hi;
  explicit DwConsts(const DwArgs& a)
      : zp(vdupq_n_s16(static_cast<int16_t>(a.output_zero_point))),
        za(vdup_n_s8(static_cast<int8_t>(a.input_zero_point))),
        lo(vdup_n_s8(static_cast<int8_t>(a.clamp_min))),
        hi(vdup_n_s8(static_cast<int8_t>(a.clamp_max))) {}
};

inline int8x8_t dw_requant_block(const DwArgs& a, const DwConsts& k, int o0, int32x4_t acc_lo,
                                 int32x4_t acc_hi) {
  acc_lo = dw_rescale(acc_lo, vld1q_s32(a.mult + o0), vld1q_s32(a.lshift + o0), vld1q_s32(a.rshift + o0));
  acc_hi = dw_rescale(acc_hi, vld1q_s32(a.mult + o0 + 4), vld1q_s32(a.lshift + o0 + 4),
                      vld1q_s32(a.rshift + o0 + 4));
  return dw_narrow(acc_lo, acc_hi, k.zp, k.lo, k.hi);
}

// One output pixel, output channels [o0, o0 + n), n <= 8, taps [ky0, ky1) x [kx0, kx1), any
// channel multiplier m (output channel o reads input channel o / m).
inline void dw_pixel_block(const DwArgs& a, const DwConsts& k, const int8_t* img, int iy0, int ix0,
                           int ky0, int ky1, int kx0, int kx1, int o0, int n, int m, int8_t* out) {
  const ConvGeometry& g = *a.g;
  int32x4_t acc_lo = vld1q_s32(a.bias + o0), acc_hi = vld1q_s32(a.bias + o0 + 4);
  int base = o0, cnt = n;
  int8x8_t idx = vdup_n_s8(0);
  if (m != 1) {  // gather: lane i reads input channel (o0 + i) / m
    base = o0 / m;
    cnt = g.in_c - base < 8 ? g.in_c - base : 8;
    int8_t ib[8];
    for (int i = 0; i < 8; ++i) ib[i] = static_cast<int8_t>(i < n ? (o0 + i) / m - base : 0);
    idx = vld1_s8(ib);
  }
  for (int ky = ky0; ky < ky1; ++ky) {
    const int8_t* row = img + static_cast<ptrdiff_t>(iy0 + ky * g.dilation_h) * g.in_w * a.in_stride;
    const int16_t* wrow = a.w + static_cast<ptrdiff_t>(ky * g.kernel_w) * a.cp + o0;
    for (int kx = kx0; kx < kx1; ++kx) {
      const int8_t* px = row + static_cast<ptrdiff_t>(ix0 + kx * g.dilation_w) * a.in_stride + base;
      int8x8_t v = dw_load8(px, cnt);
      if (m != 1) v = vtbl1_s8(v, idx);
      const int16x8_t x = vsubl_s8(v, k.za);
      const int16x8_t w = vld1q_s16(wrow + static_cast<ptrdiff_t>(kx) * a.cp);
      acc_lo = dw_mlal_lo(acc_lo, x, w);
      acc_hi = dw_mlal_hi(acc_hi, x, w);
    }
  }
  dw_store8(out, dw_requant_block(a, k, o0, acc_lo, acc_hi), n);
}

// Every output pixel of a row range through dw_pixel_block: any geometry.
inline void dw_general_impl(const DwArgs& a) {
  const ConvGeometry& g = *a.g;
  const DwConsts k(a);
  const int m = g.out_c / g.in_c;
  for (int r = a.row_begin; r < a.row_end; ++r) {
    const int b = r / g.out_h, oy = r % g.out_h;
    const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * g.in_h * g.in_w * a.in_stride;
    int8_t* orow = a.output + static_cast<ptrdiff_t>(r) * g.out_w * a.out_stride;
    const int iy0 = oy * g.stride_h - g.pad_top;
    int ky0, ky1;
    dw_tap_range(iy0, g.dilation_h, g.kernel_h, g.in_h, &ky0, &ky1);
    for (int ox = 0; ox < g.out_w; ++ox) {
      const int ix0 = ox * g.stride_w - g.pad_left;
      int kx0, kx1;
      dw_tap_range(ix0, g.dilation_w, g.kernel_w, g.in_w, &kx0, &kx1);
      int8_t* out = orow + static_cast<ptrdiff_t>(ox) * a.out_stride;
      for (int o0 = 0; o0 < g.out_c; o0 += 8) {
        const int n = g.out_c - o0 < 8 ? g.out_c - o0 : 8;
        dw_pixel_block(a, k, img, iy0, ix0, ky0, ky1, kx0, kx1, o0, n, m, out + o0);
      }
    }
  }
}

// `count` interior output pixels of one row and one block of 8 channels (all nine taps inside the
// input), p at the top-left tap. The nine weight vectors and the requant constants stay in
// registers. HasL: some channel of the block has a positive shift (SQSHL needed).
template <int S, bool HasL>
inline void dw_3x3_interior(const DwArgs& a, const DwConsts& k, const int8_t* p, int8_t* out,
                            int count, int o0, ptrdiff_t row_step) {
  const ptrdiff_t is = a.in_stride, os = a.out_stride;
  const int16_t* wp = a.w + o0;
  const int16x8_t w0 = vld1q_s16(wp), w1 = vld1q_s16(wp + a.cp), w2 = vld1q_s16(wp + 2 * a.cp);
  const int16x8_t w3 = vld1q_s16(wp + 3 * a.cp), w4 = vld1q_s16(wp + 4 * a.cp), w5 = vld1q_s16(wp + 5 * a.cp);
  const int16x8_t w6 = vld1q_s16(wp + 6 * a.cp), w7 = vld1q_s16(wp + 7 * a.cp), w8 = vld1q_s16(wp + 8 * a.cp);
  const int32x4_t b_lo = vld1q_s32(a.bias + o0), b_hi = vld1q_s32(a.bias + o0 + 4);
  const int32x4_t m_lo = vld1q_s32(a.mult + o0), m_hi = vld1q_s32(a.mult + o0 + 4);
  const int32x4_t l_lo = vld1q_s32(a.lshift + o0), l_hi = vld1q_s32(a.lshift + o0 + 4);
  const int32x4_t r_lo = vld1q_s32(a.rshift + o0), r_hi = vld1q_s32(a.rshift + o0 + 4);
  auto requant = [&](int32x4_t lo, int32x4_t hi) __attribute__((always_inline)) {
#if defined(OCTET_ARCH_simde)
    lo = dw_rescale(lo, m_lo, l_lo, r_lo);
    hi = dw_rescale(hi, m_hi, l_hi, r_hi);
#else
    if (HasL) {
      lo = vqshlq_s32(lo, l_lo);
      hi = vqshlq_s32(hi, l_hi);
    }
    lo = vrshlq_s32(vqrdmulhq_s32(lo, m_lo), r_lo);
    hi = vrshlq_s32(vqrdmulhq_s32(hi, m_hi), r_hi);
#endif
    return dw_narrow(lo, hi, k.zp, k.lo, k.hi);
  };
  // Tap t of the pixel at q: input (row t / 3, column t % 3).
#define OCTET_DW_X(q, r, c) vsubl_s8(vld1_s8((q) + (r) * row_step + (c) * is), k.za)
  int i = 0;
  // Two pixels per step: four independent accumulator chains hide the SMLAL latency on in-order cores.
  for (; i + 2 <= count; i += 2) {
    const int8_t* q = p + S * is;
    int32x4_t lo = b_lo, hi = b_hi, lo2 = b_lo, hi2 = b_hi;
    int16x8_t x, y;
#define OCTET_DW_TAP2(r, c, w)                                   \
  x = OCTET_DW_X(p, r, c);                                        \
  y = OCTET_DW_X(q, r, c);                                        \
  lo = dw_mlal_lo(lo, x, w), hi = dw_mlal_hi(hi, x, w);           \
  lo2 = dw_mlal_lo(lo2, y, w), hi2 = dw_mlal_hi(hi2, y, w);
    OCTET_DW_TAP2(0, 0, w0) OCTET_DW_TAP2(0, 1, w1) OCTET_DW_TAP2(0, 2, w2)
    OCTET_DW_TAP2(1, 0, w3) OCTET_DW_TAP2(1, 1, w4) OCTET_DW_TAP2(1, 2, w5)
    OCTET_DW_TAP2(2, 0, w6) OCTET_DW_TAP2(2, 1, w7) OCTET_DW_TAP2(2, 2, w8)
#undef OCTET_DW_TAP2
    vst1_s8(out, requant(lo, hi));
    vst1_s8(out + os, requant(lo2, hi2));
    p += 2 * S * is;
    out += 2 * os;
  }
  if (i < count) {
    int32x4_t lo = b_lo, hi = b_hi;
    int16x8_t x;
#define OCTET_DW_TAP1(r, c, w) \
  x = OCTET_DW_X(p, r, c);     \
  lo = dw_mlal_lo(lo, x, w), hi = dw_mlal_hi(hi, x, w);
    OCTET_DW_TAP1(0, 0, w0) OCTET_DW_TAP1(0, 1, w1) OCTET_DW_TAP1(0, 2, w2)
    OCTET_DW_TAP1(1, 0, w3) OCTET_DW_TAP1(1, 1, w4) OCTET_DW_TAP1(1, 2, w5)
    OCTET_DW_TAP1(2, 0, w6) OCTET_DW_TAP1(2, 1, w7) OCTET_DW_TAP1(2, 2, w8)
#undef OCTET_DW_TAP1
    vst1_s8(out, requant(lo, hi));
  }
#undef OCTET_DW_X
}

template <int S>
inline void dw_3x3_impl(const DwArgs& a) {
  const ConvGeometry& g = *a.g;
  const DwConsts k(a);
  const int C = g.out_c, W = g.in_w, is = a.in_stride, os = a.out_stride;
  const ptrdiff_t row_step = static_cast<ptrdiff_t>(W) * is;
  // Interior columns [in_lo, in_hi): all three taps inside the input (none in a row with a tap row
  // outside).
  int in_lo, in_hi;
  pool_interior_range(g.out_w, 3, S, g.pad_left, W, &in_lo, &in_hi);
  for (int r = a.row_begin; r < a.row_end; ++r) {
    const int b = r / g.out_h, oy = r % g.out_h;
    const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * g.in_h * W * is;
    int8_t* orow = a.output + static_cast<ptrdiff_t>(r) * g.out_w * os;
    const int iy0 = oy * S - g.pad_top;
    int ky0, ky1;
    dw_tap_range(iy0, 1, 3, g.in_h, &ky0, &ky1);
    const bool rows_inside = ky0 == 0 && ky1 == 3;
    const int ox_lo = rows_inside ? in_lo : 0, ox_hi = rows_inside ? in_hi : 0;
    auto border = [&](int o0, int n, int ox) {
      const int ix0 = ox * S - g.pad_left;
      int kx0, kx1;
      dw_tap_range(ix0, 1, 3, W, &kx0, &kx1);
      dw_pixel_block(a, k, img, iy0, ix0, ky0, ky1, kx0, kx1, o0, n, 1,
                     orow + static_cast<ptrdiff_t>(ox) * os + o0);
    };
    int o0 = 0;
    for (; o0 + 8 <= C; o0 += 8) {
      for (int ox = 0; ox < ox_lo; ++ox) border(o0, 8, ox);
      if (ox_hi > ox_lo) {
        const int8_t* p = img + static_cast<ptrdiff_t>(iy0) * row_step +
                          static_cast<ptrdiff_t>(ox_lo * S - g.pad_left) * is + o0;
        int8_t* out = orow + static_cast<ptrdiff_t>(ox_lo) * os + o0;
        const bool has_l = dw_block_has_left_shift(a, o0);
        if (has_l)
          dw_3x3_interior<S, true>(a, k, p, out, ox_hi - ox_lo, o0, row_step);
        else
          dw_3x3_interior<S, false>(a, k, p, out, ox_hi - ox_lo, o0, row_step);
      }
      for (int ox = ox_hi > ox_lo ? ox_hi : ox_lo; ox < g.out_w; ++ox) border(o0, 8, ox);
    }
    if (o0 < C)
      for (int ox = 0; ox < g.out_w; ++ox) border(o0, C - o0, ox);
  }
}

}  // namespace
}  // namespace octet::neon::detail

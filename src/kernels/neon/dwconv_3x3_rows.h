// 3x3 depthwise (multiplier 1, dilation 1, stride 1 or 2) for the SMLAL paths (v80; intrinsics
// only, so SIMDe and armv7 compile it too). Same arithmetic as dwconv_impl.h: acc = bias + sum over
// taps inside the input of (a - z_a) * (w - z_c), SMLAL/SMLAL2 on 8 channels, shared epilogue.
//
// Every pixel of a full block of 8 channels uses one of two loops with the block's weights and
// requant constants in registers (the generic per-tap loop only serves the channel tail):
// * Border rows: a kernel row outside the input gets zero weights and reads a clamped (valid) row,
//   so border rows run the interior loop; x * 0 adds nothing, exactly like skipping the tap.
// * Border columns: one pixel at a time, columns clamped into the input, out-of-input columns masked
//   to zero in the weights (AND), again the same sums as skipping.
// * Interior columns: two output pixels per step. Each input column of a kernel row is loaded and
//   widened (SSUBL) once for both pixels (stride 1: 4 columns instead of 6), four independent
//   accumulator chains for the in-order cores' SMLAL latency.
#pragma once
#include "kernels/neon/dwconv_impl.h"
#if defined(__aarch64__)
#include "kernels/neon/dw3_schedule_aarch64.inc"
#endif

namespace octet::neon::detail {
namespace {

struct Dw3Block {
  int16x8_t w[9];  // tap-major, zero for kernel rows outside the input
  int32x4_t b_lo, b_hi, m_lo, m_hi, l_lo, l_hi, r_lo, r_hi;
};

template <bool HasL>
inline int8x8_t dw3_requant(const Dw3Block& B, const DwConsts& k, int32x4_t lo, int32x4_t hi) {
#if defined(OCTET_ARCH_simde)
  lo = dw_rescale(lo, B.m_lo, B.l_lo, B.r_lo);
  hi = dw_rescale(hi, B.m_hi, B.l_hi, B.r_hi);
#else
  if (HasL) {
    lo = vqshlq_s32(lo, B.l_lo);
    hi = vqshlq_s32(hi, B.l_hi);
  }
  lo = vrshlq_s32(vqrdmulhq_s32(lo, B.m_lo), B.r_lo);
  hi = vrshlq_s32(vqrdmulhq_s32(hi, B.m_hi), B.r_hi);
#endif
  return dw_narrow(lo, hi, k.zp, k.lo, k.hi);
}

// One border-column pixel: rows[ky] + col[kx] * is is a valid input pixel; colmask[kx] is all ones
// when column kx is inside the input, else zero (masks the weights).
template <bool HasL>
inline void dw3_edge_pixel(const Dw3Block& B, const DwConsts& k, const int8_t* const rows[3],
                           const ptrdiff_t col[3], const int16x8_t colmask[3], int8_t* out) {
  int32x4_t lo = B.b_lo, hi = B.b_hi;
  for (int ky = 0; ky < 3; ++ky)
    for (int kx = 0; kx < 3; ++kx) {
      const int16x8_t x = vsubl_s8(vld1_s8(rows[ky] + col[kx]), k.za);
      const int16x8_t w = vandq_s16(B.w[ky * 3 + kx], colmask[kx]);
      lo = dw_mlal_lo(lo, x, w);
      hi = dw_mlal_hi(hi, x, w);
    }
  vst1_s8(out, dw3_requant<HasL>(B, k, lo, hi));
}

// `count` interior output pixels of one row: p0 at the top-left tap of the first one, the kernel's
// rows 1 and 2 at p0 + d1 / p0 + d2 (clamped rows for borders: their weights are zero).
template <int S, bool HasL>
inline void dw3_interior(const Dw3Block& B, const DwConsts& k, const int8_t* p0, ptrdiff_t d1,
                         ptrdiff_t d2, ptrdiff_t is, int8_t* out, ptrdiff_t os, int count) {
  constexpr int NC = S + 3;  // input columns read by two neighbouring output pixels
  const int16x8_t w0 = B.w[0], w1 = B.w[1], w2 = B.w[2], w3 = B.w[3], w4 = B.w[4];
  const int16x8_t w5 = B.w[5], w6 = B.w[6], w7 = B.w[7], w8 = B.w[8];
  int i = 0;
  for (; i + 2 <= count; i += 2) {
    int32x4_t lo0 = B.b_lo, hi0 = B.b_hi, lo1 = B.b_lo, hi1 = B.b_hi;
    int16x8_t x[NC];
#define OCTET_DW3_ROW(q, wa, wb, wc)                                                    \
  for (int c = 0; c < NC; ++c) x[c] = vsubl_s8(vld1_s8((q) + c * is), k.za);            \
  lo0 = dw_mlal_lo(lo0, x[0], wa), hi0 = dw_mlal_hi(hi0, x[0], wa);                     \
  lo1 = dw_mlal_lo(lo1, x[S], wa), hi1 = dw_mlal_hi(hi1, x[S], wa);                     \
  lo0 = dw_mlal_lo(lo0, x[1], wb), hi0 = dw_mlal_hi(hi0, x[1], wb);                     \
  lo1 = dw_mlal_lo(lo1, x[S + 1], wb), hi1 = dw_mlal_hi(hi1, x[S + 1], wb);             \
  lo0 = dw_mlal_lo(lo0, x[2], wc), hi0 = dw_mlal_hi(hi0, x[2], wc);                     \
  lo1 = dw_mlal_lo(lo1, x[S + 2], wc), hi1 = dw_mlal_hi(hi1, x[S + 2], wc);
    OCTET_DW3_ROW(p0, w0, w1, w2)
    OCTET_DW3_ROW(p0 + d1, w3, w4, w5)
    OCTET_DW3_ROW(p0 + d2, w6, w7, w8)
#undef OCTET_DW3_ROW
    vst1_s8(out, dw3_requant<HasL>(B, k, lo0, hi0));
    vst1_s8(out + os, dw3_requant<HasL>(B, k, lo1, hi1));
    p0 += 2 * S * is;
    out += 2 * os;
  }
  if (i < count) {
    int32x4_t lo = B.b_lo, hi = B.b_hi;
    const int8_t* rows[3] = {p0, p0 + d1, p0 + d2};
    const int16x8_t* w = B.w;
    for (int ky = 0; ky < 3; ++ky)
      for (int kx = 0; kx < 3; ++kx) {
        const int16x8_t xx = vsubl_s8(vld1_s8(rows[ky] + kx * is), k.za);
        lo = dw_mlal_lo(lo, xx, w[ky * 3 + kx]);
        hi = dw_mlal_hi(hi, xx, w[ky * 3 + kx]);
      }
    vst1_s8(out, dw3_requant<HasL>(B, k, lo, hi));
  }
}


#if defined(__aarch64__)
// Everything the assembly interior loop reads for one block of 8 channels (offsets are in the asm).
struct alignas(16) Dw3AsmConsts {
  int16_t w[9][8];      // 0: masked weights, tap-major
  int32_t bias[8];      // 144
  int32_t mult[8];      // 176
  int32_t rshift[8];    // 208 (only used when no channel has a positive shift)
  int8_t za[16];        // 240
  int16_t zp[8];        // 256
  int8_t lo[16], hi[16];  // 272, 288
};

// npairs >= 1 pairs of interior pixels (the generated schedule, software-pipelined: each iteration
// requantizes and stores the previous pair while accumulating the current one). Registers: v0-v8
// weights, v9 z_a, v10-v13 multiplier / right shift, v14 output zero point, v15 / v29 clamp bounds,
// v16-v19 accumulators (lo/hi of the two pixels), v20-v23 requantization, v24-v28 / v30-v31 input
// columns. o<ky><c>: byte offset of kernel row ky, input column c from p.
template <int S>
inline void dw3_interior_asm(const Dw3AsmConsts& c, const int8_t*& p, ptrdiff_t d1, ptrdiff_t d2,
                             ptrdiff_t is, int8_t*& out, ptrdiff_t os, int npairs) {
  const ptrdiff_t o01 = is, o02 = 2 * is, o03 = 3 * is, o04 = 4 * is;
  const ptrdiff_t o10 = d1, o11 = d1 + is, o12 = d1 + 2 * is, o13 = d1 + 3 * is, o14 = d1 + 4 * is;
  const ptrdiff_t o20 = d2, o21 = d2 + is, o22 = d2 + 2 * is, o23 = d2 + 3 * is, o24 = d2 + 4 * is;
  int64_t n = npairs;
  int8_t* tmp;
#define OCTET_DW3_ASM(PRO, BODY, EPI)                                                            \
  "ldp q0, q1, [%[cst]]\n"                                                                       \
  "ldp q2, q3, [%[cst], #32]\n"                                                                  \
  "ldp q4, q5, [%[cst], #64]\n"                                                                  \
  "ldp q6, q7, [%[cst], #96]\n"                                                                  \
  "ldr q8, [%[cst], #128]\n"                                                                     \
  "ldp q10, q11, [%[cst], #176]\n"                                                               \
  "ldp q12, q13, [%[cst], #208]\n"                                                               \
  "ldr q9, [%[cst], #240]\n"                                                                     \
  "ldr q14, [%[cst], #256]\n"                                                                    \
  "ldr q15, [%[cst], #272]\n"                                                                    \
  "ldr q29, [%[cst], #288]\n" PRO                                                                \
  "subs %[n], %[n], #1\n"                                                                        \
  "b.eq 2f\n"                                                                                    \
  "1:\n" BODY                                                                                    \
  "subs %[n], %[n], #1\n"                                                                        \
  "b.ne 1b\n"                                                                                    \
  "2:\n" EPI
#define OCTET_DW3_CLOBBERS                                                                       \
  "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", \
      "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25",   \
      "v26", "v27", "v28", "v29", "v30", "v31"
  if (S == 1) {
    asm volatile(OCTET_DW3_ASM(OCTET_DW3_S1_PROLOGUE, OCTET_DW3_S1_BODY, OCTET_DW3_S1_EPILOGUE)
                 : [p] "+r"(p), [out] "+r"(out), [n] "+r"(n), [tmp] "=&r"(tmp)
                 : [cst] "r"(&c), [os] "r"(os), [o01] "r"(o01), [o02] "r"(o02), [o03] "r"(o03),
                   [o10] "r"(o10), [o11] "r"(o11), [o12] "r"(o12), [o13] "r"(o13), [o20] "r"(o20),
                   [o21] "r"(o21), [o22] "r"(o22), [o23] "r"(o23)
                 : OCTET_DW3_CLOBBERS);
  } else {
    asm volatile(OCTET_DW3_ASM(OCTET_DW3_S2_PROLOGUE, OCTET_DW3_S2_BODY, OCTET_DW3_S2_EPILOGUE)
                 : [p] "+r"(p), [out] "+r"(out), [n] "+r"(n), [tmp] "=&r"(tmp)
                 : [cst] "r"(&c), [os] "r"(os), [o01] "r"(o01), [o02] "r"(o02), [o03] "r"(o03),
                   [o04] "r"(o04), [o10] "r"(o10), [o11] "r"(o11), [o12] "r"(o12), [o13] "r"(o13),
                   [o14] "r"(o14), [o20] "r"(o20), [o21] "r"(o21), [o22] "r"(o22), [o23] "r"(o23),
                   [o24] "r"(o24)
                 : OCTET_DW3_CLOBBERS);
  }
#undef OCTET_DW3_ASM
#undef OCTET_DW3_CLOBBERS
}
#endif

template <int S, bool HasL>
inline void dw3_row_block(const DwArgs& a, const DwConsts& k, const int8_t* const rows_in[3],
                          const bool row_ok[3], int ox_lo, int ox_hi, int o0, int8_t* orow) {
  const ConvGeometry& g = *a.g;
  const ptrdiff_t is = a.in_stride, os = a.out_stride;
  Dw3Block B;
  const int16_t* wp = a.w + o0;
  for (int t = 0; t < 9; ++t)
    B.w[t] = row_ok[t / 3] ? vld1q_s16(wp + static_cast<ptrdiff_t>(t) * a.cp) : vdupq_n_s16(0);
  B.b_lo = vld1q_s32(a.bias + o0), B.b_hi = vld1q_s32(a.bias + o0 + 4);
  B.m_lo = vld1q_s32(a.mult + o0), B.m_hi = vld1q_s32(a.mult + o0 + 4);
  B.l_lo = vld1q_s32(a.lshift + o0), B.l_hi = vld1q_s32(a.lshift + o0 + 4);
  B.r_lo = vld1q_s32(a.rshift + o0), B.r_hi = vld1q_s32(a.rshift + o0 + 4);
  const int8_t* rows[3] = {rows_in[0] + o0, rows_in[1] + o0, rows_in[2] + o0};
  auto edge = [&](int ox) {
    const int ix0 = ox * S - g.pad_left;
    ptrdiff_t col[3];
    int16x8_t mask[3];
    for (int kx = 0; kx < 3; ++kx) {
      const int ix = ix0 + kx;
      const bool in = ix >= 0 && ix < g.in_w;
      col[kx] = static_cast<ptrdiff_t>(ix < 0 ? 0 : ix >= g.in_w ? g.in_w - 1 : ix) * is;
      mask[kx] = vdupq_n_s16(static_cast<int16_t>(in ? -1 : 0));
    }
    dw3_edge_pixel<HasL>(B, k, rows, col, mask, orow + static_cast<ptrdiff_t>(ox) * os + o0);
  };
  for (int ox = 0; ox < ox_lo; ++ox) edge(ox);
  if (ox_hi > ox_lo) {
    const ptrdiff_t c0 = static_cast<ptrdiff_t>(ox_lo * S - g.pad_left) * is;
    const int8_t* p = rows[0] + c0;
    int8_t* out = orow + static_cast<ptrdiff_t>(ox_lo) * os + o0;
    int count = ox_hi - ox_lo;
#if defined(__aarch64__)
    if (!HasL && count >= 2) {
      alignas(16) Dw3AsmConsts c;
      for (int t = 0; t < 9; ++t) vst1q_s16(c.w[t], B.w[t]);
      vst1q_s32(c.bias, B.b_lo), vst1q_s32(c.bias + 4, B.b_hi);
      vst1q_s32(c.mult, B.m_lo), vst1q_s32(c.mult + 4, B.m_hi);
      vst1q_s32(c.rshift, B.r_lo), vst1q_s32(c.rshift + 4, B.r_hi);
      vst1q_s8(c.za, vcombine_s8(k.za, k.za));
      vst1q_s16(c.zp, k.zp);
      vst1q_s8(c.lo, vcombine_s8(k.lo, k.lo));
      vst1q_s8(c.hi, vcombine_s8(k.hi, k.hi));
      dw3_interior_asm<S>(c, p, rows[1] - rows[0], rows[2] - rows[0], is, out, os, count / 2);
      count &= 1;
    }
#endif
    if (count > 0) dw3_interior<S, HasL>(B, k, p, rows[1] - rows[0], rows[2] - rows[0], is, out, os, count);
  }
  for (int ox = ox_hi > ox_lo ? ox_hi : ox_lo; ox < g.out_w; ++ox) edge(ox);
}

template <int S>
inline void dw3_rows_impl(const DwArgs& a) {
  const ConvGeometry& g = *a.g;
  const DwConsts k(a);
  const int C = g.out_c, W = g.in_w, H = g.in_h;
  const ptrdiff_t is = a.in_stride, os = a.out_stride;
  const ptrdiff_t row_step = static_cast<ptrdiff_t>(W) * is;
  // Interior columns: all three taps inside the input (ox_lo > ox_hi: none).
  int ox_lo = (g.pad_left + S - 1) / S;
  int ox_hi = W - 3 + g.pad_left >= 0 ? (W - 3 + g.pad_left) / S + 1 : 0;
  if (ox_hi > g.out_w) ox_hi = g.out_w;
  if (ox_lo > g.out_w) ox_lo = g.out_w;
  if (ox_hi < ox_lo) ox_hi = ox_lo;
  for (int r = a.row_begin; r < a.row_end; ++r) {
    const int b = r / g.out_h, oy = r % g.out_h;
    const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * H * row_step;
    int8_t* orow = a.output + static_cast<ptrdiff_t>(r) * g.out_w * os;
    const int iy0 = oy * S - g.pad_top;
    const int8_t* rows[3];
    bool row_ok[3];
    for (int ky = 0; ky < 3; ++ky) {
      const int iy = iy0 + ky;
      row_ok[ky] = iy >= 0 && iy < H;
      rows[ky] = img + static_cast<ptrdiff_t>(iy < 0 ? 0 : iy >= H ? H - 1 : iy) * row_step;
    }
    int o0 = 0;
    for (; o0 + 8 <= C; o0 += 8) {
      bool has_l = false;
      for (int c = o0; c < o0 + 8; ++c) has_l |= a.lshift[c] != 0;
      if (has_l)
        dw3_row_block<S, true>(a, k, rows, row_ok, ox_lo, ox_hi, o0, orow);
      else
        dw3_row_block<S, false>(a, k, rows, row_ok, ox_lo, ox_hi, o0, orow);
    }
    if (o0 < C) {  // channel tail (fewer than 8): the generic per-tap loop
      int ky0, ky1;
      dw_tap_range(iy0, 1, 3, H, &ky0, &ky1);
      for (int ox = 0; ox < g.out_w; ++ox) {
        const int ix0 = ox * S - g.pad_left;
        int kx0, kx1;
        dw_tap_range(ix0, 1, 3, W, &kx0, &kx1);
        dw_pixel_block(a, k, img, iy0, ix0, ky0, ky1, kx0, kx1, o0, C - o0, 1,
                       orow + static_cast<ptrdiff_t>(ox) * os + o0);
      }
    }
  }
}

}  // namespace
}  // namespace octet::neon::detail

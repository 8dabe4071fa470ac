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
// npairs >= 1 pairs of output pixels from row buffers (input column j of kernel row ky at
// p + d_ky + 8 * j; d0 = 0), the generated schedule: each iteration requantizes and stores the
// previous pair while accumulating the current one. Registers: v0-v8 weights, v9 z_a, v10-v13
// multiplier / right shift, v14 output zero point, v15 / v29 clamp bounds, v16-v19 accumulators
// (lo/hi of the two pixels), v20-v23 requantization, v24-v28 / v30-v31 input columns.
// o<ky><c>: byte offset of kernel row ky, buffer column c from p.
// nrows rows of ppr pairs: after each row p moves on by `jump`, out continues contiguously.
template <int S>
inline void dw3_interior_asm(const Dw3AsmConsts& c, const int8_t*& p, ptrdiff_t d1, ptrdiff_t d2,
                             int8_t*& out, ptrdiff_t os, int ppr, int nrows, ptrdiff_t jump) {
  const ptrdiff_t o02 = 16, o04 = 32;
  const ptrdiff_t o10 = d1, o12 = d1 + 16, o14 = d1 + 32;
  const ptrdiff_t o20 = d2, o22 = d2 + 16, o24 = d2 + 32;
  int64_t n = ppr, rows = nrows;
  const int64_t pairs = ppr;
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
  "b.ne 1f\n"                                                                                    \
  "add %[p], %[p], %[jump]\n"                                                                    \
  "mov %[n], %[pairs]\n"                                                                         \
  "subs %[rows], %[rows], #1\n"                                                                  \
  "b.eq 2f\n"                                                                                    \
  "1:\n" BODY                                                                                    \
  "subs %[n], %[n], #1\n"                                                                        \
  "b.ne 1b\n"                                                                                    \
  "add %[p], %[p], %[jump]\n"                                                                    \
  "mov %[n], %[pairs]\n"                                                                         \
  "subs %[rows], %[rows], #1\n"                                                                  \
  "b.ne 1b\n"                                                                                    \
  "2:\n" EPI
#define OCTET_DW3_CLOBBERS                                                                       \
  "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", \
      "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25",   \
      "v26", "v27", "v28", "v29", "v30", "v31"
  if (S == 1) {
    asm volatile(OCTET_DW3_ASM(OCTET_DW3_S1_PROLOGUE, OCTET_DW3_S1_BODY, OCTET_DW3_S1_EPILOGUE)
                 : [p] "+&r"(p), [out] "+&r"(out), [n] "+&r"(n), [rows] "+&r"(rows), [tmp] "=&r"(tmp)
                 : [cst] "r"(&c), [os] "r"(os), [pairs] "r"(pairs), [jump] "r"(jump), [o02] "r"(o02), [o10] "r"(o10), [o12] "r"(o12),
                   [o20] "r"(o20), [o22] "r"(o22)
                 : OCTET_DW3_CLOBBERS);
  } else {
    asm volatile(OCTET_DW3_ASM(OCTET_DW3_S2_PROLOGUE, OCTET_DW3_S2_BODY, OCTET_DW3_S2_EPILOGUE)
                 : [p] "+&r"(p), [out] "+&r"(out), [n] "+&r"(n), [rows] "+&r"(rows), [tmp] "=&r"(tmp)
                 : [cst] "r"(&c), [os] "r"(os), [pairs] "r"(pairs), [jump] "r"(jump), [o02] "r"(o02), [o04] "r"(o04), [o10] "r"(o10),
                   [o12] "r"(o12), [o14] "r"(o14), [o20] "r"(o20), [o22] "r"(o22), [o24] "r"(o24)
                 : OCTET_DW3_CLOBBERS);
  }
#undef OCTET_DW3_ASM
#undef OCTET_DW3_CLOBBERS
}
#endif

inline void dw3_asm_consts(const Dw3Block& B, const DwConsts& k, Dw3AsmConsts* c) {
  for (int t = 0; t < 9; ++t) vst1q_s16(c->w[t], B.w[t]);
  vst1q_s32(c->bias, B.b_lo), vst1q_s32(c->bias + 4, B.b_hi);
  vst1q_s32(c->mult, B.m_lo), vst1q_s32(c->mult + 4, B.m_hi);
  vst1q_s32(c->rshift, B.r_lo), vst1q_s32(c->rshift + 4, B.r_hi);
  vst1q_s8(c->za, vcombine_s8(k.za, k.za));
  vst1q_s16(c->zp, k.zp);
  vst1q_s8(c->lo, vcombine_s8(k.lo, k.lo));
  vst1q_s8(c->hi, vcombine_s8(k.hi, k.hi));
}

// Interior pixels [0, count) of one output row for one block: p at the top-left tap of pixel 0.
// c: B and k in the assembly loop's layout (aarch64, !HasL).
template <int S, bool HasL>
inline void dw3_run(const Dw3Block& B, const Dw3AsmConsts& c, const DwConsts& k, const int8_t* p,
                    ptrdiff_t d1, ptrdiff_t d2, ptrdiff_t is, int8_t* out, ptrdiff_t os, int count) {
#if defined(__aarch64__)
  if (!HasL && is == 8 && count >= 2) {  // columns contiguous (row buffers)
    dw3_interior_asm<S>(c, p, d1, d2, out, os, count / 2, 1, 0);
    count &= 1;
  }
#else
  (void)c;
#endif
  if (count > 0) dw3_interior<S, HasL>(B, k, p, d1, d2, is, out, os, count);
}

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
    alignas(16) Dw3AsmConsts c;
    if (!HasL) dw3_asm_consts(B, k, &c);
    dw3_run<S, HasL>(B, c, k, rows[0] + c0, rows[1] - rows[0], rows[2] - rows[0], is,
                     orow + static_cast<ptrdiff_t>(ox_lo) * os + o0, os, ox_hi - ox_lo);
  }
  for (int ox = ox_hi > ox_lo ? ox_hi : ox_lo; ox < g.out_w; ++ox) edge(ox);
}

template <int S>
inline void dw3_rows_direct(const DwArgs& a) {
  const ConvGeometry& g = *a.g;
  const DwConsts k(a);
  const int C = g.out_c, W = g.in_w, H = g.in_h;
  const ptrdiff_t is = a.in_stride, os = a.out_stride;
  const ptrdiff_t row_step = static_cast<ptrdiff_t>(W) * is;
  // Interior columns: all three taps inside the input.
  int ox_lo, ox_hi;
  pool_interior_range(g.out_w, 3, S, g.pad_left, W, &ox_lo, &ox_hi);
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
      const bool has_l = dw_block_has_left_shift(a, o0);
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


// Row band buffers on the stack: input rows of one block of 8 channels, 8 bytes per column.
constexpr int kDw3BandBytes = 16384;
// Output buffer for odd row widths (rows of out_w + 1 pixels, 8 bytes each).
constexpr int kDw3OutBytes = 4096;

// Buffer columns [lo, hi) of one row: the input pixels src[(j - lo) * is].
inline void dw3_copy_row(int8_t* dst, const int8_t* src, ptrdiff_t is, int lo, int hi) {
  int8_t* d = dst + 8 * lo;
  int8_t* const d_hi = dst + 8 * hi;
  for (; d + 32 <= d_hi; d += 32, src += 4 * is) {
    const int8x8_t v0 = vld1_s8(src), v1 = vld1_s8(src + is);
    const int8x8_t v2 = vld1_s8(src + 2 * is), v3 = vld1_s8(src + 3 * is);
    vst1_s8(d, v0);
    vst1_s8(d + 8, v1);
    vst1_s8(d + 16, v2);
    vst1_s8(d + 24, v3);
  }
  for (; d < d_hi; d += 8, src += is) vst1_s8(d, vld1_s8(src));
}

inline void dw3_fill_za(int8_t* dst, int8x8_t za, int lo, int hi) {
  for (int j = lo; j < hi; ++j) vst1_s8(dst + 8 * j, za);
}

// One block of 8 channels, output rows in bands: the band's input rows are copied into a
// zero-point-padded buffer (columns and rows outside the input hold z_a, which SSUBL turns into 0),
// so every output pixel, borders included, runs the interior loop; a band with an even row width
// is one assembly call (the software pipeline runs through the row ends: output rows are
// contiguous). Weights and constants are set up once per block.
template <int S, bool HasL>
inline void dw3_band_block(const DwArgs& a, const DwConsts& k, int o0, int cols, int band_rows,
                           int8_t* buf, bool* zero_row, int8_t* obuf) {
  const ConvGeometry& g = *a.g;
  const int W = g.in_w, H = g.in_h;
  const ptrdiff_t is = a.in_stride, os = a.out_stride, pitch = static_cast<ptrdiff_t>(cols) * 8;
  Dw3Block B;
  const int16_t* wp = a.w + o0;
  for (int t = 0; t < 9; ++t) B.w[t] = vld1q_s16(wp + static_cast<ptrdiff_t>(t) * a.cp);
  B.b_lo = vld1q_s32(a.bias + o0), B.b_hi = vld1q_s32(a.bias + o0 + 4);
  B.m_lo = vld1q_s32(a.mult + o0), B.m_hi = vld1q_s32(a.mult + o0 + 4);
  B.l_lo = vld1q_s32(a.lshift + o0), B.l_hi = vld1q_s32(a.lshift + o0 + 4);
  B.r_lo = vld1q_s32(a.rshift + o0), B.r_hi = vld1q_s32(a.rshift + o0 + 4);
  alignas(16) Dw3AsmConsts c;
  if (!HasL) dw3_asm_consts(B, k, &c);
  int max_rows = band_rows;
#if defined(__aarch64__)
  // Odd widths go through the output buffer: bands no taller than it holds.
  const int out_fit = kDw3OutBytes / ((g.out_w + 1) * 8);
  if (!HasL && g.out_w % 2 != 0 && out_fit >= 1 && out_fit < max_rows) max_rows = out_fit;
#endif
  const int pad_l = g.pad_left < cols ? g.pad_left : cols;
  const int hi_col = pad_l + W < cols ? pad_l + W : cols;  // see dw3_rows_impl
  for (int r0 = a.row_begin; r0 < a.row_end;) {
    const int b = r0 / g.out_h, oy0 = r0 % g.out_h;
    int n = a.row_end - r0;
    if (n > g.out_h - oy0) n = g.out_h - oy0;  // a band stays inside one image
    if (n > max_rows) n = max_rows;
    const int in_rows = (n - 1) * S + 3, iy0 = oy0 * S - g.pad_top;
    const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * H * W * is + o0;
    for (int i = 0; i < in_rows; ++i) {
      const int iy = iy0 + i;
      int8_t* dst = buf + i * pitch;
      if (iy >= 0 && iy < H) {
        if (zero_row[i]) {  // held a row outside the input: restore the padding columns
          dw3_fill_za(dst, k.za, 0, pad_l);
          dw3_fill_za(dst, k.za, hi_col, cols);
          zero_row[i] = false;
        }
        dw3_copy_row(dst, img + static_cast<ptrdiff_t>(iy) * W * is, is, pad_l, hi_col);
      } else if (!zero_row[i]) {
        dw3_fill_za(dst, k.za, 0, cols);
        zero_row[i] = true;
      }
    }
    int8_t* out = a.output + static_cast<ptrdiff_t>(r0) * g.out_w * os + o0;
#if defined(__aarch64__)
    if (!HasL) {
      const int8_t* p = buf;
      if (g.out_w % 2 == 0) {
        dw3_interior_asm<S>(c, p, pitch, 2 * pitch, out, os, g.out_w / 2, n,
                            S * pitch - static_cast<ptrdiff_t>(g.out_w) * S * 8);
        r0 += n;
        continue;
      }
      // Odd width: out_w + 1 pixels per row (the last one reads the buffer's spare columns) into
      // an even-width output buffer, then copied out.
      const int ow = g.out_w + 1;
      if (n * ow * 8 <= kDw3OutBytes) {
        int8_t* ob = obuf;
        dw3_interior_asm<S>(c, p, pitch, 2 * pitch, ob, 8, ow / 2, n,
                            S * pitch - static_cast<ptrdiff_t>(ow) * S * 8);
        for (int i = 0; i < n; ++i) {
          const int8_t* src = obuf + static_cast<ptrdiff_t>(i) * ow * 8;
          int8_t* dst = out + static_cast<ptrdiff_t>(i) * g.out_w * os;
          int x = 0;
          for (; x + 2 <= g.out_w; x += 2, src += 16, dst += 2 * os) {
            const int8x8_t v0 = vld1_s8(src), v1 = vld1_s8(src + 8);
            vst1_s8(dst, v0);
            vst1_s8(dst + os, v1);
          }
          if (x < g.out_w) vst1_s8(dst, vld1_s8(src));
        }
        r0 += n;
        continue;
      }
    }
#endif
    for (int i = 0; i < n; ++i)
      dw3_run<S, HasL>(B, c, k, buf + i * S * pitch, pitch, 2 * pitch, 8,
                       out + static_cast<ptrdiff_t>(i) * g.out_w * os, os, g.out_w);
    r0 += n;
  }
}

template <int S>
inline void dw3_rows_impl(const DwArgs& a) {
  const ConvGeometry& g = *a.g;
  // Buffer columns read, starting at input column -pad_left (odd widths: S spare columns for the
  // extra pixel that makes the row width even).
  const int cols = (g.out_w - 1) * S + 3 + (g.out_w % 2 ? S : 0);
  // Output rows per band: (rows - 1) * S + 3 input rows fit the buffer (at least one output row).
  const int fit = kDw3BandBytes / (cols * 8);
  const int band_rows = fit < 3 ? 0 : (fit - 3) / S + 1;
  if (band_rows < 1 || g.out_c < 8) {
    dw3_rows_direct<S>(a);
    return;
  }
  const DwConsts k(a);
  alignas(16) int8_t buf[kDw3BandBytes];
  alignas(16) int8_t obuf[kDw3OutBytes];
  // The padding columns of every buffer row hold z_a for the whole call (set here, never
  // overwritten); zero_row[i]: buffer row i is all z_a (a row outside the input).
  bool zero_row[kDw3BandBytes / 24];
  const ptrdiff_t pitch = static_cast<ptrdiff_t>(cols) * 8;
  const int pad_l = g.pad_left < cols ? g.pad_left : cols;
  const int hi_col = pad_l + g.in_w < cols ? pad_l + g.in_w : cols;
  for (int i = 0; i < (band_rows - 1) * S + 3; ++i) {
    dw3_fill_za(buf + i * pitch, k.za, 0, pad_l);
    dw3_fill_za(buf + i * pitch, k.za, hi_col, cols);
    zero_row[i] = false;
  }
  const int C = g.out_c;
  int o0 = 0;
  for (; o0 + 8 <= C; o0 += 8) {
    const bool has_l = dw_block_has_left_shift(a, o0);
    if (has_l)
      dw3_band_block<S, true>(a, k, o0, cols, band_rows, buf, zero_row, obuf);
    else
      dw3_band_block<S, false>(a, k, o0, cols, band_rows, buf, zero_row, obuf);
  }
  if (o0 < C) {  // channel tail (fewer than 8): the generic per-tap loop
    for (int r = a.row_begin; r < a.row_end; ++r) {
      const int b = r / g.out_h, oy = r % g.out_h;
      const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * g.in_h * g.in_w * a.in_stride;
      int8_t* orow = a.output + static_cast<ptrdiff_t>(r) * g.out_w * a.out_stride;
      const int iy0 = oy * S - g.pad_top;
      int ky0, ky1;
      dw_tap_range(iy0, 1, 3, g.in_h, &ky0, &ky1);
      for (int ox = 0; ox < g.out_w; ++ox) {
        const int ix0 = ox * S - g.pad_left;
        int kx0, kx1;
        dw_tap_range(ix0, 1, 3, g.in_w, &kx0, &kx1);
        dw_pixel_block(a, k, img, iy0, ix0, ky0, ky1, kx0, kx1, o0, C - o0, 1,
                       orow + static_cast<ptrdiff_t>(ox) * a.out_stride + o0);
      }
    }
  }
}

}  // namespace
}  // namespace octet::neon::detail

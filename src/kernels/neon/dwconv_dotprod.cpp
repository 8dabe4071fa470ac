// Depthwise kernels of the dotprod path. 3x3 with the SDOT section of the packed buffer: SDOT needs
// four products of the same channel in one 32-bit lane, so the kernel interleaves four input rows
// per channel (ZIP1/ZIP2: lane = a column's rows) and multiplies them by one kernel column
// [w(0,kx), w(1,kx), w(2,kx), 0]. acc = bias_folded + sum a*w - z_c * sum a: the z_c term is a
// second SDOT of the same columns with [-z_c x3, 0], skipped for blocks whose w - z_c fit int8.
// Stride 1: lanes hold rows r0..r3, which serve output row o through Wa and row o + 1 through
// Wb = [0, w(0,kx), w(1,kx), w(2,kx)]; every column serves three output columns.
// Stride 2: a pair of output rows reads five input rows r0..r4; ZIP the byte pairs (r0,r1), (r2,r3),
// (r4,r4) once and combine them into lanes (r0,r1,r2,r3) for row o and (r2,r3,r4,r4) for row o + 1,
// both against Wa (7 ZIPs per column for two rows instead of 8); even columns serve two outputs.
// Stride 2 carries the accumulators instead of a column: each step adds the two new columns,
// requantizes, and restarts the accumulators from the third (no register rotation).
// Two implementations: on aarch64 the assembly row kernels of dwconv_dotprod_rows.h (row pairs
// outside, channel blocks inside, each call a whole row pair of all blocks with its borders) for
// left padding <= 1, at most one padded column on the right and no positive shift; the intrinsics
// kernels below for everything else and for SIMDe: rows in bands of the 64-byte channel slice,
// channel blocks inside a band, borders checked on the first and last columns. Padded rows read a
// z_a-filled row, padded columns are z_a vectors: exactly the ref's padding. Accumulators start
// from a load of the bias (a load instead of a V-pipe register copy).
// Everything else (general geometry, channel tails, a packed buffer without the SDOT section) runs
// the SMLAL kernels of dwconv_impl.h, compiled here too.
#include <algorithm>
#include <cstring>

#include "kernels/neon/dwconv_impl.h"
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
#include "kernels/neon/dwconv_dotprod_rows.h"
#define OCTET_DW_ROWS_ASM 1
#endif

namespace octet::neon::dotprod {
namespace {

using detail::DwConsts;

// Requantization of 8 channels (one row) or of 8 channels in two rows at once (one narrowing
// SQXTN/SQXTN2 pair and one clamp for 16 bytes); HasL: some channel has a positive shift.
template <bool HasL>
struct Requant8 {
  int32x4_t m0, m1, l0, l1, r0, r1;
  Requant8(const DwArgs& a, int c0)
      : m0(vld1q_s32(a.mult + c0)), m1(vld1q_s32(a.mult + c0 + 4)), l0(vld1q_s32(a.lshift + c0)),
        l1(vld1q_s32(a.lshift + c0 + 4)), r0(vld1q_s32(a.rshift + c0)), r1(vld1q_s32(a.rshift + c0 + 4)) {}
  void rescale(int32x4_t& lo, int32x4_t& hi) const {
#if defined(OCTET_ARCH_simde)
    lo = detail::dw_rescale(lo, m0, l0, r0);
    hi = detail::dw_rescale(hi, m1, l1, r1);
#else
    if (HasL) {
      lo = vqshlq_s32(lo, l0);
      hi = vqshlq_s32(hi, l1);
    }
    lo = vrshlq_s32(vqrdmulhq_s32(lo, m0), r0);
    hi = vrshlq_s32(vqrdmulhq_s32(hi, m1), r1);
#endif
  }
  int8x8_t operator()(int32x4_t lo, int32x4_t hi, const DwConsts& k) const {
    rescale(lo, hi);
    return detail::dw_narrow(lo, hi, k.zp, k.lo, k.hi);
  }
  // Row a in the low 8 bytes, row b in the high 8: the same lane arithmetic as dw_narrow.
  int8x16_t two(int32x4_t alo, int32x4_t ahi, int32x4_t blo, int32x4_t bhi, const DwConsts& k) const {
    rescale(alo, ahi);
    rescale(blo, bhi);
    const int16x8_t sa = vqaddq_s16(vcombine_s16(vqmovn_s32(alo), vqmovn_s32(ahi)), k.zp);
    const int16x8_t sb = vqaddq_s16(vcombine_s16(vqmovn_s32(blo), vqmovn_s32(bhi)), k.zp);
    const int8x16_t s = vcombine_s8(vqmovn_s16(sa), vqmovn_s16(sb));
    return vminq_s8(vmaxq_s8(s, vcombine_s8(k.lo, k.lo)), vcombine_s8(k.hi, k.hi));
  }
};

// One interleaved column of 8 channels: a0/a1 = lanes for output row o (channels 0-3 / 4-7),
// b0/b1 = stride 2 lanes for output row o + 1 (unused otherwise).
struct Col {
  int8x16_t a0, a1, b0, b1;
};

inline int8x16_t load_row8(const int8_t* p) { return vcombine_s8(vld1_s8(p), vcreate_s8(0)); }

// Keeps GCC from hoisting or merging the bias loads of the column loop (it would then copy a
// register per accumulator instead, a V-pipe instruction; a load runs on the load pipes).
inline const int32_t* opaque(const int32_t* p) {
#if !defined(OCTET_ARCH_simde)
  __asm__ volatile("" : "+r"(p));
#endif
  return p;
}

// Everything a block of 8 channels keeps in registers across its rows: weights (Wb, Zb for
// stride 1 only), bias pointer, requantization, padding and output constants.
template <int S, bool HasL>
struct BlockRegs {
  int8x16_t wa[3][2], wb[3][2], za[2], zb[2];
  const int32_t* bias;
  Requant8<HasL> rq;
  int8x16_t zdup;
  DwConsts k;  // a copy: through a reference GCC would reload it after every (int8) store
  // For the assembly loops, which load their constants themselves: the packed block, the
  // multipliers and right shifts, and kc = output zero point (8 x int16), clamp low, clamp high (16 x int8).
  const int8_t* blk;
  const int32_t *mult, *rshift;
  alignas(16) int8_t kc[48];
  BlockRegs(const DwArgs& a, const DwConsts& kk, int c0)
      : bias(a.dot_bias + c0), rq(a, c0), zdup(vdupq_n_s8(static_cast<int8_t>(a.input_zero_point))), k(kk),
        blk(a.dot_blocks + static_cast<size_t>(c0 / 8) * kDwDotBlockBytes), mult(a.mult + c0), rshift(a.rshift + c0) {
    vst1q_s16(reinterpret_cast<int16_t*>(kc), k.zp);
    vst1q_s8(kc + 16, vcombine_s8(k.lo, k.lo));
    vst1q_s8(kc + 32, vcombine_s8(k.hi, k.hi));
    for (int kx = 0; kx < 3; ++kx)
      for (int q = 0; q < 2; ++q) {
        wa[kx][q] = vld1q_s8(blk + (kx * 2 + q) * 16);
        wb[kx][q] = S == 1 ? vld1q_s8(blk + 96 + (kx * 2 + q) * 16) : wa[kx][q];
      }
    for (int q = 0; q < 2; ++q) {
      za[q] = vld1q_s8(blk + 192 + q * 16);
      zb[q] = S == 1 ? vld1q_s8(blk + 224 + q * 16) : za[q];
    }
  }
};


// Output rows o (and o + 1 when Two) of one block of 8 channels. p / st: the input rows' column-0
// pointers and pixel strides (stride 0 for padded rows, which point at a z_a row): 4 rows for
// S = 1, 5 (Two) or 3 for S = 2. HasZ: the block needs the z_c correction SDOTs. Inlined into the
// row loop of dot_band so that the block's registers are set up once per band.
template <int S, bool HasZ, bool HasL, bool Two>
__attribute__((always_inline)) inline void dot_rows(const BlockRegs<S, HasL>& R, const DwArgs& a,
                                                    const int8_t* const* p, const ptrdiff_t* st,
                                                    int8_t* out_a, int8_t* out_b) {
  const ConvGeometry& g = *a.g;
  const int W = g.in_w, pl = g.pad_left, out_w = g.out_w;
  const ptrdiff_t os = a.out_stride;
  const auto& wa = R.wa;
  const auto& wb = R.wb;
  const auto& za = R.za;
  const auto& zb = R.zb;
  const int32_t* bias = R.bias;
  const auto& rq = R.rq;
  const int8x16_t zdup = R.zdup;
  const DwConsts& kl = R.k;
  // Column cursor: q0..q4 point at column `next` of each input row and advance by the row's pixel
  // stride (0 for a padded row), one pointer add per row and column.
  const int8_t *q0 = p[0], *q1 = p[1], *q2 = p[2], *q3 = S == 1 || Two ? p[3] : p[0],
               *q4 = S == 2 && Two ? p[4] : p[0];
  const ptrdiff_t d0 = st[0], d1 = st[1], d2 = st[2], d3 = S == 1 || Two ? st[3] : 0,
                  d4 = S == 2 && Two ? st[4] : 0;
  q0 -= pl * d0;
  q1 -= pl * d1;
  q2 -= pl * d2;
  q3 -= pl * d3;
  q4 -= pl * d4;
  int next = -pl;
  auto advance = [&]() __attribute__((always_inline)) {
    q0 += d0;
    q1 += d1;
    q2 += d2;
    q3 += d3;
    q4 += d4;
    ++next;
  };
  auto load = [&]() __attribute__((always_inline)) {  // column `next`, inside the image
    Col c;
    const int16x8_t z01 = vreinterpretq_s16_s8(vzip1q_s8(load_row8(q0), load_row8(q1)));
    if (S == 1) {
      const int16x8_t z23 = vreinterpretq_s16_s8(vzip1q_s8(load_row8(q2), load_row8(q3)));
      c.a0 = vreinterpretq_s8_s16(vzip1q_s16(z01, z23));
      c.a1 = vreinterpretq_s8_s16(vzip2q_s16(z01, z23));
      c.b0 = c.b1 = c.a0;
    } else if (Two) {
      const int8x16_t r4 = load_row8(q4);
      const int16x8_t z23 = vreinterpretq_s16_s8(vzip1q_s8(load_row8(q2), load_row8(q3)));
      const int16x8_t z44 = vreinterpretq_s16_s8(vzip1q_s8(r4, r4));
      c.a0 = vreinterpretq_s8_s16(vzip1q_s16(z01, z23));
      c.a1 = vreinterpretq_s8_s16(vzip2q_s16(z01, z23));
      c.b0 = vreinterpretq_s8_s16(vzip1q_s16(z23, z44));
      c.b1 = vreinterpretq_s8_s16(vzip2q_s16(z23, z44));
    } else {
      const int8x16_t r2 = load_row8(q2);
      const int16x8_t z22 = vreinterpretq_s16_s8(vzip1q_s8(r2, r2));
      c.a0 = vreinterpretq_s8_s16(vzip1q_s16(z01, z22));
      c.a1 = vreinterpretq_s8_s16(vzip2q_s16(z01, z22));
      c.b0 = c.b1 = c.a0;
    }
    advance();
    return c;
  };
  auto load_checked = [&]() __attribute__((always_inline)) {
    if (next < 0 || next >= W) {
      advance();
      return Col{zdup, zdup, zdup, zdup};
    }
    return load();
  };
  // Output column ox from input columns x, y, z (kx = 0, 1, 2).
  auto out = [&](const Col& x, const Col& y, const Col& z, int ox) __attribute__((always_inline)) {
    const int32_t* b = opaque(bias);
    int32x4_t s0 = vld1q_s32(b), s1 = vld1q_s32(b + 4);
    s0 = vdotq_s32(s0, x.a0, wa[0][0]);
    s1 = vdotq_s32(s1, x.a1, wa[0][1]);
    s0 = vdotq_s32(s0, y.a0, wa[1][0]);
    s1 = vdotq_s32(s1, y.a1, wa[1][1]);
    s0 = vdotq_s32(s0, z.a0, wa[2][0]);
    s1 = vdotq_s32(s1, z.a1, wa[2][1]);
    if (HasZ) {
      s0 = vdotq_s32(vdotq_s32(vdotq_s32(s0, x.a0, za[0]), y.a0, za[0]), z.a0, za[0]);
      s1 = vdotq_s32(vdotq_s32(vdotq_s32(s1, x.a1, za[1]), y.a1, za[1]), z.a1, za[1]);
    }
    if (!Two) {
      vst1_s8(out_a + ox * os, rq(s0, s1, kl));
      return;
    }
    // Row o + 1: stride 1 reads the same lanes through Wb, stride 2 its own lanes through Wa.
    const int8x16_t& x0 = S == 1 ? x.a0 : x.b0;
    const int8x16_t& x1 = S == 1 ? x.a1 : x.b1;
    const int8x16_t& y0 = S == 1 ? y.a0 : y.b0;
    const int8x16_t& y1 = S == 1 ? y.a1 : y.b1;
    const int8x16_t& z0 = S == 1 ? z.a0 : z.b0;
    const int8x16_t& z1 = S == 1 ? z.a1 : z.b1;
    const int32_t* bb = opaque(bias);
    int32x4_t t0 = vld1q_s32(bb), t1 = vld1q_s32(bb + 4);
    t0 = vdotq_s32(t0, x0, wb[0][0]);
    t1 = vdotq_s32(t1, x1, wb[0][1]);
    t0 = vdotq_s32(t0, y0, wb[1][0]);
    t1 = vdotq_s32(t1, y1, wb[1][1]);
    t0 = vdotq_s32(t0, z0, wb[2][0]);
    t1 = vdotq_s32(t1, z1, wb[2][1]);
    if (HasZ) {
      t0 = vdotq_s32(vdotq_s32(vdotq_s32(t0, x0, zb[0]), y0, zb[0]), z0, zb[0]);
      t1 = vdotq_s32(vdotq_s32(vdotq_s32(t1, x1, zb[1]), y1, zb[1]), z1, zb[1]);
    }
    const int8x16_t r = rq.two(s0, s1, t0, t1, kl);
    vst1_s8(out_a + ox * os, vget_low_s8(r));
#if defined(OCTET_ARCH_simde)
    vst1_s8(out_b + ox * os, vget_high_s8(r));  // SIMDe's lane store is a typed (aligned) int64 store
#else
    // ST1 of the high lane: no register move (a V-pipe instruction) to extract it first.
    vst1q_lane_s64(reinterpret_cast<int64_t*>(out_b + ox * os), vreinterpretq_s64_s8(r), 1);
#endif
  };

  int ox = 0;
  if (S == 1) {
    // Output ox reads columns ox - pl + {0, 1, 2}; A, B hold the first two. Columns are unchecked
    // for ox in [lo, hi).
    const int lo = std::min(out_w, std::max(0, pl - 2)), hi = std::min(out_w, W - 2 + pl);
    Col A = load_checked();
    Col B = load_checked();
    for (; ox < lo; ++ox) {
      const Col C = load_checked();
      out(A, B, C, ox);
      A = B;
      B = C;
    }
    // One output column per iteration (the register moves below cost 2 V-cycles per column, but
    // an unrolled body outgrows one qemu translation block, which armperf costs in isolation).
    for (; ox < hi; ++ox) {
      const Col C = load();
      out(A, B, C, ox);
      A = B;
      B = C;
    }
    for (; ox < out_w; ++ox) {
      const Col C = load_checked();
      out(A, B, C, ox);
      A = B;
      B = C;
    }
  } else if constexpr (S == 2 && Two) {
    // Output ox reads columns 2 ox - pl + {0, 1, 2}. The accumulators carry the contribution of
    // the first column (kx = 0, the previous output's third): each step adds the two new columns,
    // requantizes, and restarts the accumulators (in place) from the third column. Nothing rotates
    // through registers, so the loop needs no register moves.
    struct Acc {
      int32x4_t s0, s1, t0, t1;
    };
    auto start = [&](const Col& c) __attribute__((always_inline)) {
      const int32_t* b = opaque(bias);
      const int32_t* bb = opaque(bias);
      Acc r{vld1q_s32(b), vld1q_s32(b + 4), vld1q_s32(bb), vld1q_s32(bb + 4)};
      r.s0 = vdotq_s32(r.s0, c.a0, wa[0][0]);
      r.s1 = vdotq_s32(r.s1, c.a1, wa[0][1]);
      r.t0 = vdotq_s32(r.t0, c.b0, wa[0][0]);
      r.t1 = vdotq_s32(r.t1, c.b1, wa[0][1]);
      if (HasZ) {
        r.s0 = vdotq_s32(r.s0, c.a0, za[0]);
        r.s1 = vdotq_s32(r.s1, c.a1, za[1]);
        r.t0 = vdotq_s32(r.t0, c.b0, za[0]);
        r.t1 = vdotq_s32(r.t1, c.b1, za[1]);
      }
      return r;
    };
    auto finish = [&](Acc& r, const Col& x, const Col& y, int ox) __attribute__((always_inline)) {
      r.s0 = vdotq_s32(vdotq_s32(r.s0, x.a0, wa[1][0]), y.a0, wa[2][0]);
      r.s1 = vdotq_s32(vdotq_s32(r.s1, x.a1, wa[1][1]), y.a1, wa[2][1]);
      r.t0 = vdotq_s32(vdotq_s32(r.t0, x.b0, wa[1][0]), y.b0, wa[2][0]);
      r.t1 = vdotq_s32(vdotq_s32(r.t1, x.b1, wa[1][1]), y.b1, wa[2][1]);
      if (HasZ) {
        r.s0 = vdotq_s32(vdotq_s32(r.s0, x.a0, za[0]), y.a0, za[0]);
        r.s1 = vdotq_s32(vdotq_s32(r.s1, x.a1, za[1]), y.a1, za[1]);
        r.t0 = vdotq_s32(vdotq_s32(r.t0, x.b0, za[0]), y.b0, za[0]);
        r.t1 = vdotq_s32(vdotq_s32(r.t1, x.b1, za[1]), y.b1, za[1]);
      }
      const int8x16_t o = rq.two(r.s0, r.s1, r.t0, r.t1, kl);
      vst1_s8(out_a + ox * os, vget_low_s8(o));
      vst1_s8(out_b + ox * os, vget_high_s8(o));
    };
    const int lo = std::min(out_w, pl / 2);
    const int hi = std::min(out_w, W - 3 + pl >= 0 ? (W - 3 + pl) / 2 + 1 : 0);
    Acc acc = start(load_checked());
    for (; ox < lo; ++ox) {
      const Col B = load_checked();
      const Col C = load_checked();
      finish(acc, B, C, ox);
      acc = start(C);
    }
    for (; ox < hi; ++ox) {
      const Col B = load();
      const Col C = load();
      finish(acc, B, C, ox);
      acc = start(C);
    }
    for (; ox < out_w; ++ox) {
      const Col B = load_checked();
      const Col C = load_checked();
      finish(acc, B, C, ox);
      acc = start(C);
    }
  } else {  // stride 2, one row
    // Output ox reads columns 2 ox - pl + {0, 1, 2}; A holds the first (the previous third).
    const int lo = std::min(out_w, pl / 2);
    const int hi = std::min(out_w, W - 3 + pl >= 0 ? (W - 3 + pl) / 2 + 1 : 0);
    Col A = load_checked();
    for (; ox < lo; ++ox) {
      const Col B = load_checked();
      const Col C = load_checked();
      out(A, B, C, ox);
      A = C;
    }
    for (; ox < hi; ++ox) {
      const Col B = load();
      const Col C = load();
      out(A, B, C, ox);
      A = C;
    }
    for (; ox < out_w; ++ox) {
      const Col B = load_checked();
      const Col C = load_checked();
      out(A, B, C, ox);
      A = C;
    }
  }
}

// Rows [r, r_end) of one image (batch b) for one block of 8 channels, in pairs where possible.
template <int S, bool HasZ, bool HasL>
__attribute__((optimize("no-schedule-insns"))) void dot_band(const DwArgs& a, const DwConsts& k, const int8_t* zrow, int c0, int r, int r_end) {
  const ConvGeometry& g = *a.g;
  const BlockRegs<S, HasL> R(a, k, c0);
  const ptrdiff_t is = a.in_stride, os = a.out_stride;
  const ptrdiff_t row_step = static_cast<ptrdiff_t>(g.in_w) * is;
  const int b = r / g.out_h;
  const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * g.in_h * row_step + c0;
  while (r < r_end) {
    const int oy = r % g.out_h;
    const bool two = r + 1 < r_end;
    // Input rows: stride 1 always 4 (the 4th has weight 0 in row o); stride 2 five for a pair,
    // three for a single row.
    const int rows = S == 1 ? 4 : (two ? 5 : 3);
    const int iy0 = oy * S - g.pad_top;
    const int8_t* p[5];
    ptrdiff_t st[5];
    for (int j = 0; j < rows; ++j) {
      const int iy = iy0 + j;
      const bool inside = iy >= 0 && iy < g.in_h;
      p[j] = inside ? img + iy * row_step : zrow;
      st[j] = inside ? is : 0;
    }
    int8_t* out_a = a.output + static_cast<ptrdiff_t>(r) * g.out_w * os + c0;
    int8_t* out_b = out_a + static_cast<ptrdiff_t>(g.out_w) * os;
    if (two)
      dot_rows<S, HasZ, HasL, true>(R, a, p, st, out_a, out_b);
    else
      dot_rows<S, HasZ, HasL, false>(R, a, p, st, out_a, out_b);
    r += two ? 2 : 1;
  }
}

#if defined(OCTET_DW_ROWS_ASM)
// The assembly row kernels (dwconv_dotprod_rows.h) for the whole call, when the borders allow it
// (left padding <= 1, at most one padded column on the right) and no channel needs a positive
// shift; false otherwise. Row pairs outside, channel blocks inside: a pair's input rows (4 or 5
// rows x width x channels) stay in L1 while every block reads them; channels go in groups when
// those rows exceed ~40 KiB.
constexpr int kZbuf = 1024;
// The usual kernel (unshifted, unclamped) first and the function on a page of its own: a hot
// loop that crosses a page is two translation blocks under qemu, which armperf costs apart.
template <int S, bool Two, bool HasZ>
__attribute__((aligned(4096))) void rows_asm(const DwRowJob* j, bool any_r, bool clamp) {
  if constexpr (S == 1) {
    if (!any_r && !clamp) dw_rows_unclamped_s1<Two, HasZ>(j);
    else if (any_r) dw_rows_s1<Two, HasZ>(j);
    else dw_rows_unshifted_s1<Two, HasZ>(j);
  } else {
    if (!any_r && !clamp) dw_rows_unclamped_s2<Two, HasZ>(j);
    else if (any_r) dw_rows_s2<Two, HasZ>(j);
    else dw_rows_unshifted_s2<Two, HasZ>(j);
  }
}
// The row kernel for a row pair or a single row, with or without z_c SDOTs, right shifts and a
// clamp inside the int8 range.
template <int S>
void rows_asm(const DwRowJob* j, bool two, bool any_z, bool any_r, bool clamp) {
  if (two)
    any_z ? rows_asm<S, true, true>(j, any_r, clamp) : rows_asm<S, true, false>(j, any_r, clamp);
  else
    any_z ? rows_asm<S, false, true>(j, any_r, clamp) : rows_asm<S, false, false>(j, any_r, clamp);
}

template <int S>
bool dot_3x3_asm(const DwArgs& a, const DwConsts& k, int full) {
  const ConvGeometry& g = *a.g;
  const int W = g.in_w, pl = g.pad_left, out_w = g.out_w;
  const int rpad = std::max(0, S == 1 ? out_w + 2 - pl - W : 2 * out_w + 1 - pl - W);
  if (pl > 1 || rpad > 1 || full == 0) return false;
  // Vector ORs: one call per layer, up to 1024 channels.
  int32x4_t l_or = vdupq_n_s32(0), r_or = vdupq_n_s32(0), z_or = vdupq_n_s32(0);
  for (int c = 0; c < full; c += 8) {
    l_or = vorrq_s32(l_or, vorrq_s32(vld1q_s32(a.lshift + c), vld1q_s32(a.lshift + c + 4)));
    r_or = vorrq_s32(r_or, vorrq_s32(vld1q_s32(a.rshift + c), vld1q_s32(a.rshift + c + 4)));
  }
  if (vmaxvq_u32(vreinterpretq_u32_s32(l_or)) != 0) return false;
  const bool any_r = vmaxvq_u32(vreinterpretq_u32_s32(r_or)) != 0;
  int b8 = 0;
  for (; b8 + 4 <= full / 8; b8 += 4) z_or = vorrq_s32(z_or, vld1q_s32(a.dot_has_z + b8));
  bool any_z = vmaxvq_u32(vreinterpretq_u32_s32(z_or)) != 0;
  for (; b8 < full / 8; ++b8) any_z |= a.dot_has_z[b8] != 0;
  const bool clamp = !clamp_is_int8_range(a.clamp_min, a.clamp_max);
  alignas(16) int8_t kc[64];
  vst1q_s16(reinterpret_cast<int16_t*>(kc), k.zp);
  vst1q_s8(kc + 16, vcombine_s8(k.lo, k.lo));
  vst1q_s8(kc + 32, vcombine_s8(k.hi, k.hi));
  vst1q_s8(kc + 48, vdupq_n_s8(static_cast<int8_t>(a.input_zero_point)));
  const ptrdiff_t is = a.in_stride, os = a.out_stride;
  const ptrdiff_t row_step = static_cast<ptrdiff_t>(W) * is;
  const int in_rows = S == 1 ? 4 : 5;
  const int group = static_cast<int>(std::min<ptrdiff_t>(kZbuf, std::max<ptrdiff_t>(64, 40 * 1024 / (in_rows * W)))) / 8 * 8;
  // Padded rows read this z_a buffer (one byte per channel of a group, every block advances 8).
  alignas(16) int8_t zbuf[kZbuf];
  std::memset(zbuf, static_cast<int8_t>(a.input_zero_point), static_cast<size_t>(std::min(full, group)));
  DwRowJob job;
  job.os = os;
  job.kc = kc;
  job.n = out_w - rpad;
  job.lpad = pl;
  job.rpad = rpad;
  for (int cg = 0; cg < full; cg += group) {
    const int cg_end = std::min(full, cg + group);
    for (int r = a.row_begin; r < a.row_end;) {
      const int b = r / g.out_h, oy = r % g.out_h;
      const bool two = r + 1 < std::min(a.row_end, (b + 1) * g.out_h);
      const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * g.in_h * row_step;
      const int rows = S == 1 ? 4 : (two ? 5 : 3);
      const int iy0 = oy * S - g.pad_top;
      for (int j = 0; j < 5; ++j) {
        const int iy = iy0 + j;
        const bool inside = j < rows && iy >= 0 && iy < g.in_h;
        job.q[j] = inside ? img + iy * row_step + cg : zbuf;
        job.d[j] = inside ? is : 0;
      }
      job.oa = a.output + static_cast<ptrdiff_t>(r) * out_w * os + cg;
      job.ob = two ? job.oa + static_cast<ptrdiff_t>(out_w) * os : job.oa;
      job.blk = a.dot_blocks + static_cast<size_t>(cg / 8) * kDwDotBlockBytes;
      job.bias = a.dot_bias + cg;
      job.mult = a.mult + cg;
      job.rsh = a.rshift + cg;
      job.blocks = (cg_end - cg) / 8;
      rows_asm<S>(&job, two, any_z, any_r, clamp);
      r += two ? 2 : 1;
    }
  }
  return true;
}
#endif

// A band of output rows runs channel block by channel block; the blocks sharing a 64-byte cache
// line reread the band's lines of that channel slice, so the slice (input rows x width x 64 bytes)
// is what must stay in L1: up to 32 KiB (half of a 64 KiB L1 data cache), at least 4 output rows.
// Small images (14x14, 7x7) run as one band: each block sets up its registers once per image.
constexpr ptrdiff_t kBandBytes = 32 * 1024;
template <int S>
void dot_3x3(const DwArgs& a) {
  const ConvGeometry& g = *a.g;
  const DwConsts k(a);
  const int C = g.out_c, full = C / 8 * 8, os = a.out_stride;
  const ptrdiff_t in_row_bytes = std::max<ptrdiff_t>(1, static_cast<ptrdiff_t>(g.in_w) * std::min(a.in_stride, 64));
  const int band = static_cast<int>(std::max<ptrdiff_t>(4, (kBandBytes / in_row_bytes - 2) / S) / 2 * 2);
  int8_t zrow[8];
  std::memset(zrow, static_cast<int8_t>(a.input_zero_point), sizeof zrow);
#if defined(OCTET_DW_ROWS_ASM)
  const bool blocks_done = dot_3x3_asm<S>(a, k, full);
#else
  const bool blocks_done = false;
#endif
  for (int r = a.row_begin; r < a.row_end;) {
    const int b = r / g.out_h;
    const int r_end = std::min({a.row_end, (b + 1) * g.out_h, r + band});
    for (int c0 = 0; c0 < (blocks_done ? 0 : full); c0 += 8) {
      const bool has_l = dw_block_has_left_shift(a, c0);
      const bool has_z = a.dot_has_z[c0 / 8] != 0;
      if (has_z)
        has_l ? dot_band<S, true, true>(a, k, zrow, c0, r, r_end)
              : dot_band<S, true, false>(a, k, zrow, c0, r, r_end);
      else
        has_l ? dot_band<S, false, true>(a, k, zrow, c0, r, r_end)
              : dot_band<S, false, false>(a, k, zrow, c0, r, r_end);
    }
    if (full < C) {  // channel tail through the SMLAL pixel kernel
      const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * g.in_h * g.in_w * a.in_stride;
      for (int rr = r; rr < r_end; ++rr) {
        const int iy = (rr % g.out_h) * S - g.pad_top;
        int ky0, ky1;
        detail::dw_tap_range(iy, 1, 3, g.in_h, &ky0, &ky1);
        for (int ox = 0; ox < g.out_w; ++ox) {
          const int ix0 = ox * S - g.pad_left;
          int kx0, kx1;
          detail::dw_tap_range(ix0, 1, 3, g.in_w, &kx0, &kx1);
          detail::dw_pixel_block(a, k, img, iy, ix0, ky0, ky1, kx0, kx1, full, C - full, 1,
                                 a.output + (static_cast<ptrdiff_t>(rr) * g.out_w + ox) * os + full);
        }
      }
    }
    r = r_end;
  }
}

}  // namespace

void dwconv_general(const DwArgs& a) { detail::dw_general_impl(a); }

void dwconv_3x3(const DwArgs& a, int stride) {
  if (a.dot_blocks == nullptr) {
    if (stride == 1)
      detail::dw_3x3_impl<1>(a);
    else
      detail::dw_3x3_impl<2>(a);
    return;
  }
  if (stride == 1)
    dot_3x3<1>(a);
  else
    dot_3x3<2>(a);
}

}  // namespace octet::neon::dotprod

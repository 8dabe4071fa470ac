// Depthwise kernels of the dotprod path. 3x3 with the SDOT section of the packed buffer: SDOT needs
// four products of the same channel in one 32-bit lane, so the kernel interleaves four input rows
// per channel (ZIP1/ZIP2: lane = the column's rows r0..r3) and multiplies them by one kernel column
// [w(0,kx), w(1,kx), w(2,kx), 0]. With stride 1 the same interleaved column also serves the next
// output row through [0, w(0,kx), w(1,kx), w(2,kx)], so two output rows share every ZIP, and each
// column serves three output columns. acc = bias_folded + sum a*w - z_c * sum a: the z_c term is a
// second SDOT of the same columns with [-z_c x3, 0], skipped for blocks whose z_c are all 0.
// Padded rows read a z_a-filled row, padded columns are z_a vectors: exactly the ref's padding.
// Everything else (general geometry, channel tails, a packed buffer without the SDOT section) runs
// the SMLAL kernels of dwconv_impl.h, compiled here too.
#include <algorithm>
#include <cstring>

#include "kernels/neon/dwconv_impl.h"

namespace octet::neon::dotprod {
namespace {

using detail::DwConsts;

// Requantization of 8 channels; HasL: some channel has a positive shift (SQSHL needed).
template <bool HasL>
struct Requant8 {
  int32x4_t m0, m1, l0, l1, r0, r1;
  Requant8(const DwArgs& a, int c0)
      : m0(vld1q_s32(a.mult + c0)), m1(vld1q_s32(a.mult + c0 + 4)), l0(vld1q_s32(a.lshift + c0)),
        l1(vld1q_s32(a.lshift + c0 + 4)), r0(vld1q_s32(a.rshift + c0)), r1(vld1q_s32(a.rshift + c0 + 4)) {}
  int8x8_t operator()(int32x4_t lo, int32x4_t hi, const DwConsts& k) const {
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
    return detail::dw_narrow(lo, hi, k.zp, k.lo, k.hi);
  }
};

// One block of 8 channels over a row (S = 2) or a pair of rows (S = 1, `two`). HasZ: the block
// needs the z_c correction SDOTs.
template <int S, bool HasZ, bool HasL>
void dot_block(const DwArgs& a, const DwConsts& k, const int8_t* const* base, const int* cs, int c0,
               int8_t* out_a, int8_t* out_b, bool two) {
  const ConvGeometry& g = *a.g;
  const int W = g.in_w, os = a.out_stride, out_w = g.out_w;
  const int8_t* blk = a.dot_blocks + static_cast<size_t>(c0 / 8) * kDwDotBlockBytes;
  int8x16_t wa[3][2], wb[3][2], za[2], zb[2];
  for (int kx = 0; kx < 3; ++kx)
    for (int q = 0; q < 2; ++q) {
      wa[kx][q] = vld1q_s8(blk + (kx * 2 + q) * 16);
      wb[kx][q] = S == 1 ? vld1q_s8(blk + 96 + (kx * 2 + q) * 16) : wa[kx][q];
    }
  for (int q = 0; q < 2; ++q) {
    za[q] = vld1q_s8(blk + 192 + q * 16);
    zb[q] = S == 1 ? vld1q_s8(blk + 224 + q * 16) : za[q];
  }
  const int32x4_t b0 = vld1q_s32(a.dot_bias + c0), b1 = vld1q_s32(a.dot_bias + c0 + 4);
  const Requant8<HasL> rq(a, c0);
  const int8x16_t zdup = vdupq_n_s8(static_cast<int8_t>(a.input_zero_point));

  // Column pointers advance by one pixel per column (cs = 0 for padded rows); columns outside the
  // input are z_a vectors. t[0..2] hold the columns ix, ix + 1, ix + 2 of output column ox.
  const int8_t *p0 = base[0], *p1 = base[1], *p2 = base[2], *p3 = base[3];
  const ptrdiff_t s0 = cs[0], s1 = cs[1], s2 = cs[2], s3 = cs[3];
  auto column = [&](int ix, int8x16_t* t) __attribute__((always_inline)) {
    if (ix < 0 || ix >= W) {
      t[0] = t[1] = zdup;
      return;
    }
    const int8x16_t r0 = vcombine_s8(vld1_s8(p0 + ix * s0), vcreate_s8(0));
    const int8x16_t r1 = vcombine_s8(vld1_s8(p1 + ix * s1), vcreate_s8(0));
    const int8x16_t r2 = vcombine_s8(vld1_s8(p2 + ix * s2), vcreate_s8(0));
    const int8x16_t r3 = vcombine_s8(vld1_s8(p3 + ix * s3), vcreate_s8(0));
    const int16x8_t z01 = vreinterpretq_s16_s8(vzip1q_s8(r0, r1));
    const int16x8_t z23 = vreinterpretq_s16_s8(vzip1q_s8(r2, r3));
    t[0] = vreinterpretq_s8_s16(vzip1q_s16(z01, z23));
    t[1] = vreinterpretq_s8_s16(vzip2q_s16(z01, z23));
  };
  int8x16_t t[3][2];
  int ix = -g.pad_left;
  column(ix, t[0]);
  if (S == 1) column(ix + 1, t[1]);
  for (int ox = 0; ox < out_w; ++ox, ix += S) {
    if (S == 2) column(ix + 1, t[1]);
    column(ix + 2, t[2]);
    int32x4_t a0 = vdotq_s32(b0, t[0][0], wa[0][0]), a1 = vdotq_s32(b1, t[0][1], wa[0][1]);
    a0 = vdotq_s32(a0, t[1][0], wa[1][0]);
    a1 = vdotq_s32(a1, t[1][1], wa[1][1]);
    a0 = vdotq_s32(a0, t[2][0], wa[2][0]);
    a1 = vdotq_s32(a1, t[2][1], wa[2][1]);
    if (HasZ) {
      a0 = vdotq_s32(vdotq_s32(vdotq_s32(a0, t[0][0], za[0]), t[1][0], za[0]), t[2][0], za[0]);
      a1 = vdotq_s32(vdotq_s32(vdotq_s32(a1, t[0][1], za[1]), t[1][1], za[1]), t[2][1], za[1]);
    }
    vst1_s8(out_a + static_cast<ptrdiff_t>(ox) * os, rq(a0, a1, k));
    if (S == 1 && two) {
      int32x4_t c0v = vdotq_s32(b0, t[0][0], wb[0][0]), c1v = vdotq_s32(b1, t[0][1], wb[0][1]);
      c0v = vdotq_s32(c0v, t[1][0], wb[1][0]);
      c1v = vdotq_s32(c1v, t[1][1], wb[1][1]);
      c0v = vdotq_s32(c0v, t[2][0], wb[2][0]);
      c1v = vdotq_s32(c1v, t[2][1], wb[2][1]);
      if (HasZ) {
        c0v = vdotq_s32(vdotq_s32(vdotq_s32(c0v, t[0][0], zb[0]), t[1][0], zb[0]), t[2][0], zb[0]);
        c1v = vdotq_s32(vdotq_s32(vdotq_s32(c1v, t[0][1], zb[1]), t[1][1], zb[1]), t[2][1], zb[1]);
      }
      vst1_s8(out_b + static_cast<ptrdiff_t>(ox) * os, rq(c0v, c1v, k));
    }
    if (S == 1) {
      t[0][0] = t[1][0];
      t[0][1] = t[1][1];
      t[1][0] = t[2][0];
      t[1][1] = t[2][1];
    } else {
      t[0][0] = t[2][0];
      t[0][1] = t[2][1];
    }
  }
}

template <int S>
void dot_3x3(const DwArgs& a) {
  const ConvGeometry& g = *a.g;
  const DwConsts k(a);
  const int C = g.out_c, full = C / 8 * 8, is = a.in_stride, os = a.out_stride;
  const ptrdiff_t row_step = static_cast<ptrdiff_t>(g.in_w) * is;
  int8_t zrow[8];
  std::memset(zrow, static_cast<int8_t>(a.input_zero_point), sizeof zrow);
  for (int r = a.row_begin; r < a.row_end;) {
    const int b = r / g.out_h, oy = r % g.out_h;
    const bool two = S == 1 && r + 1 < a.row_end && oy + 1 < g.out_h;
    const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * g.in_h * row_step;
    int8_t* out_a = a.output + static_cast<ptrdiff_t>(r) * g.out_w * os;
    int8_t* out_b = out_a + static_cast<ptrdiff_t>(g.out_w) * os;
    const int iy0 = oy * S - g.pad_top;
    for (int c0 = 0; c0 < full; c0 += 8) {
      const int8_t* base[4];
      int cs[4];
      for (int j = 0; j < 4; ++j) {
        const int iy = iy0 + (S == 1 ? j : std::min(j, 2));  // stride 2: the 4th row has weight 0
        const bool inside = iy >= 0 && iy < g.in_h;
        base[j] = inside ? img + iy * row_step + c0 : zrow;
        cs[j] = inside ? is : 0;
      }
      bool has_l = false;
      for (int c = c0; c < c0 + 8; ++c) has_l |= a.lshift[c] != 0;
      const bool has_z = a.dot_has_z[c0 / 8] != 0;
      int8_t* oa = out_a + c0;
      int8_t* ob = out_b + c0;
      if (has_z)
        has_l ? dot_block<S, true, true>(a, k, base, cs, c0, oa, ob, two)
              : dot_block<S, true, false>(a, k, base, cs, c0, oa, ob, two);
      else
        has_l ? dot_block<S, false, true>(a, k, base, cs, c0, oa, ob, two)
              : dot_block<S, false, false>(a, k, base, cs, c0, oa, ob, two);
    }
    if (full < C) {  // channel tail through the SMLAL pixel kernel
      for (int rr = 0; rr < (two ? 2 : 1); ++rr) {
        const int iy = (oy + rr) * S - g.pad_top;
        int ky0, ky1;
        detail::dw_tap_range(iy, 1, 3, g.in_h, &ky0, &ky1);
        for (int ox = 0; ox < g.out_w; ++ox) {
          const int ix0 = ox * S - g.pad_left;
          int kx0, kx1;
          detail::dw_tap_range(ix0, 1, 3, g.in_w, &kx0, &kx1);
          detail::dw_pixel_block(a, k, img, iy, ix0, ky0, ky1, kx0, kx1, full, C - full, 1,
                                 out_a + static_cast<ptrdiff_t>(rr * g.out_w + ox) * os + full);
        }
      }
    }
    r += two ? 2 : 1;
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

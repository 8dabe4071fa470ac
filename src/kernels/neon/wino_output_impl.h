// Internal: what the F(2x2) and F(3x3) output transforms share (wino_f23.cpp,
// wino_f33.cpp): a group's requantization constants, bias + Y / scale -> int8, and the stores
// of a tile's pixels. Each transform hands over 4 * sum a (w - z_c) per pixel, exact in int32.
#pragma once
#include "kernels/neon/neon_include.h"
#include "kernels/neon/wino_kernels.h"

namespace octet::neon::wino {

struct GroupConsts {
  int32x4_t bias_lo, bias_hi, mult_lo, mult_hi, left_lo, left_hi, right_lo, right_hi;
  int16x8_t zp;
  int8x8_t qmin, qmax;
};

inline GroupConsts group_consts(const WinoGroupRequant& q) {
  GroupConsts k;
  k.bias_lo = vld1q_s32(q.bias);
  k.bias_hi = vld1q_s32(q.bias + 4);
  k.mult_lo = vld1q_s32(q.multiplier);
  k.mult_hi = vld1q_s32(q.multiplier + 4);
  k.left_lo = vld1q_s32(q.left_shift);
  k.left_hi = vld1q_s32(q.left_shift + 4);
  k.right_lo = vld1q_s32(q.right_shift);
  k.right_hi = vld1q_s32(q.right_shift + 4);
  k.zp = vdupq_n_s16(static_cast<int16_t>(q.zero_point));
  k.qmin = vdup_n_s8(static_cast<int8_t>(q.qmin));
  k.qmax = vdup_n_s8(static_cast<int8_t>(q.qmax));
  return k;
}

// bias + y4 / 4 (y4 = 4 * the sum, so the arithmetic shift is exact), wrapping like ref.
inline int32x4_t accumulator(int32x4_t bias, uint32x4_t y4) {
#if defined(OCTET_ARCH_simde)
  const int32x4_t quarter = vshrq_n_s32(vreinterpretq_s32_u32(y4), 2);
  return vreinterpretq_s32_u32(vaddq_u32(vreinterpretq_u32_s32(bias), vreinterpretq_u32_s32(quarter)));
#else
  return vsraq_n_s32(bias, vreinterpretq_s32_u32(y4), 2);  // SSRA wraps
#endif
}

// One pixel's 8 channels: y4 of channels 0-3 and 4-7 -> int8.
template <bool kLeftShift>
inline int8x8_t requantize8(const GroupConsts& k, uint32x4_t lo, uint32x4_t hi) {
  int32x4_t a = accumulator(k.bias_lo, lo), b = accumulator(k.bias_hi, hi);
  if (kLeftShift) {
    a = left_shift_s32x4(a, k.left_lo);
    b = left_shift_s32x4(b, k.left_hi);
  }
  return narrow_s32x8(mul_right_shift_s32x4(a, k.mult_lo, k.right_lo),
                      mul_right_shift_s32x4(b, k.mult_hi, k.right_hi), k.zp, k.qmin, k.qmax);
}

// A tile's kM x kM pixels (o[kM * row + column]) to the output, those inside it only.
template <int kM>
inline void store_tile(const int8x8_t* o, const WinoTileOut& d, const WinoGroupRequant& q) {
  int8_t* out = d.out + q.first_channel;
  if (q.channels == 8 && d.rows == kM && d.cols == kM) {  // the common tile: unrolled stores
    for (int r = 0; r < kM; ++r)
      for (int c = 0; c < kM; ++c) vst1_s8(out + r * q.row_stride + c * q.pixel_stride, o[kM * r + c]);
    return;
  }
  if (q.channels == 8) {  // whole groups: 8-byte stores
    for (int r = 0; r < d.rows; ++r)
      for (int c = 0; c < d.cols; ++c) vst1_s8(out + r * q.row_stride + c * q.pixel_stride, o[kM * r + c]);
    return;
  }
  int8_t px[8];
  for (int r = 0; r < d.rows; ++r)
    for (int c = 0; c < d.cols; ++c) {
      vst1_s8(px, o[kM * r + c]);
      for (int ch = 0; ch < q.channels; ++ch) out[r * q.row_stride + c * q.pixel_stride + ch] = px[ch];
    }
}

// Every tile of m ([tile][kPositions][8] int32): tile_fn(m, consts, o) writes its kM * kM pixels.
template <int kM, int kPositions, bool kLeftShift, typename TileFn>
void output_tiles(const int32_t* m, int tiles, const WinoTileOut* dst, const WinoGroupRequant& q,
                  TileFn tile_fn) {
  const GroupConsts k = group_consts(q);
  for (int t = 0; t < tiles; ++t, m += 8 * kPositions) {
    int8x8_t o[kM * kM];
    tile_fn(m, k, o);
    store_tile<kM>(o, dst[t], q);
  }
}

}  // namespace octet::neon::wino

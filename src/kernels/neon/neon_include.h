// Internal: the NEON intrinsics header (SIMDe on x86 hosts) plus the requant epilogue shared by
// the microkernels. rescale() of quant/rescale.h maps 1:1 onto SQSHL, SQRDMULH, SRSHL; requantize
// then narrows with saturation (SQXTN), adds the zero point saturating in int16 and clamps —
// bit-exact with quant/rescale.h since the saturation points lie far outside [-128, 127].
#pragma once
#if defined(OCTET_ARCH_simde)
#include <simde/arm/neon.h>
#else
#include <arm_neon.h>
#endif
#include <cstdint>

namespace octet::neon {

#if defined(OCTET_ARCH_simde)
// SIMDe 0.7.4 left-shifts negative values in vqrdmulhq_s32 / vqshlq_s32 (UBSan aborts): on x86
// hosts emulate the three instructions of rescale() lane by lane from their Arm definitions
// (SQSHL by left >= 0, SQRDMULH, SRSHL by right <= 0), 64-bit intermediates, saturating.
static inline int32x4_t left_shift_s32x4(int32x4_t acc, int32x4_t left) {  // SQSHL
  int32_t a[4], l[4], o[4];
  vst1q_s32(a, acc);
  vst1q_s32(l, left);
  for (int i = 0; i < 4; ++i) {
    const int64_t x = static_cast<int64_t>(a[i]) * (int64_t{1} << l[i]);
    o[i] = static_cast<int32_t>(x > INT32_MAX ? INT32_MAX : x < INT32_MIN ? INT32_MIN : x);
  }
  return vld1q_s32(o);
}
static inline int32x4_t mul_right_shift_s32x4(int32x4_t x4, int32x4_t mult, int32x4_t right) {
  int32_t a[4], m[4], r[4], o[4];
  vst1q_s32(a, x4);
  vst1q_s32(m, mult);
  vst1q_s32(r, right);
  for (int i = 0; i < 4; ++i) {
    int64_t y = (static_cast<int64_t>(a[i]) * m[i] + (int64_t{1} << 30)) >> 31;  // SQRDMULH
    y = y > INT32_MAX ? INT32_MAX : y;
    if (r[i] < 0) y = (y + (int64_t{1} << (-r[i] - 1))) >> -r[i];            // SRSHL
    o[i] = static_cast<int32_t>(y);
  }
  return vld1q_s32(o);
}
static inline int32x4_t mul_s32x4(int32x4_t x4, int32x4_t mult) {  // SQRDMULH alone
  return mul_right_shift_s32x4(x4, mult, vdupq_n_s32(0));
}
#else
static inline int32x4_t left_shift_s32x4(int32x4_t acc, int32x4_t left) {
  return vqshlq_s32(acc, left);
}
static inline int32x4_t mul_right_shift_s32x4(int32x4_t x, int32x4_t mult, int32x4_t right) {
  return vrshlq_s32(vqrdmulhq_s32(x, mult), right);
}
// For layers whose shifts are all >= 0 (no right shift: quantize_requant_multiplier).
static inline int32x4_t mul_s32x4(int32x4_t x, int32x4_t mult) { return vqrdmulhq_s32(x, mult); }
#endif

// rescale(acc) for 4 channels: left = max(shift, 0), right = min(shift, 0). Kernels skip the
// left shift when the packed header says every shift is <= 0 (the usual case: M < 1).
static inline int32x4_t rescale_s32x4(int32x4_t acc, int32x4_t mult, int32x4_t left,
                                      int32x4_t right) {
  return mul_right_shift_s32x4(left_shift_s32x4(acc, left), mult, right);
}

// 8 rescaled values -> int8 with zero point and clamp (lanes 0..7).
static inline int8x8_t narrow_s32x8(int32x4_t lo, int32x4_t hi, int16x8_t zp, int8x8_t qmin,
                                    int8x8_t qmax) {
  const int16x8_t v = vqaddq_s16(vcombine_s16(vqmovn_s32(lo), vqmovn_s32(hi)), zp);
  return vmin_s8(vmax_s8(vqmovn_s16(v), qmin), qmax);
}

}  // namespace octet::neon

// Vector requantization shared by the depthwise, pooling and add kernels. Bit-exact with
// octet::requantize (quant/rescale.h): SQSHL by the positive part of the shift, SQRDMULH, SRSHL
// by the negative part, SQXTN, SQADD zero point, SQXTN, clamp. Only ARMv7-compatible intrinsics,
// so the same code serves the v80 and armv7 paths.
#pragma once
#include "kernels/neon/dw_neon_include.h"
#include "quant/rescale.h"

namespace octet::neon::detail {
// static: these are compiled into TUs with different -march flags (v80, dotprod); internal linkage
// keeps the linker from sharing a +dotprod copy with the ARMv8.0 path.

#if defined(OCTET_ARCH_simde)
// SIMDe's portable SQSHL / SQRDMULH / SRSHL left-shift negative values (undefined behaviour, which
// UBSan stops on) and SQRDMULH does not saturate; on x86 hosts use the normative scalar definition
// lane by lane instead (the Arm instructions compute exactly that).
static inline int32x4_t dw_rescale(int32x4_t acc, int32x4_t mult, int32x4_t lshift, int32x4_t rshift) {
  int32_t x[4], m[4], l[4], r[4];
  vst1q_s32(x, acc);
  vst1q_s32(m, mult);
  vst1q_s32(l, lshift);
  vst1q_s32(r, rshift);
  for (int i = 0; i < 4; ++i) x[i] = rescale(x[i], m[i], l[i] + r[i]);
  return vld1q_s32(x);
}
// SRSHL by shift <= 0 alone (the add's one rounding), lane by lane for the same reason.
static inline int32x4_t dw_rounding_shift(int32x4_t x, int32x4_t shift) {
  int32_t v[4], s[4];
  vst1q_s32(v, x);
  vst1q_s32(s, shift);
  for (int i = 0; i < 4; ++i) v[i] = rounding_right_shift(v[i], -s[i]);
  return vld1q_s32(v);
}
#else
static inline int32x4_t dw_rescale(int32x4_t acc, int32x4_t mult, int32x4_t lshift, int32x4_t rshift) {
  return vrshlq_s32(vqrdmulhq_s32(vqshlq_s32(acc, lshift), mult), rshift);
}
static inline int32x4_t dw_rounding_shift(int32x4_t x, int32x4_t shift) { return vrshlq_s32(x, shift); }
#endif

// Two int32x4 (already rescaled) -> 8 int8 with zero point and clamp.
static inline int8x8_t dw_narrow(int32x4_t lo, int32x4_t hi, int16x8_t zp, int8x8_t lo_clamp,
                          int8x8_t hi_clamp) {
  const int16x8_t s = vqaddq_s16(vcombine_s16(vqmovn_s32(lo), vqmovn_s32(hi)), zp);
  return vmin_s8(vmax_s8(vqmovn_s16(s), lo_clamp), hi_clamp);
}

}  // namespace octet::neon::detail

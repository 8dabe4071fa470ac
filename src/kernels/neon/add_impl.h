// Elementwise add written once in ARMv7-compatible intrinsics, compiled per path (add_v80.cpp,
// add_armv7.cpp). Per lane, exactly the ref arithmetic (QAddParams in op_params.h):
//   acc = (a - z_a) * m_a + (b - z_b) * m_b;  out = clamp(z_o + rounding_shift_right(acc, shift))
// (a - z_a) fits int16 (SSUBL) and the multipliers are 15-bit, so SMULL/SMLAL by scalar give acc
// exactly (|acc| < 2^24); SRSHL by -shift rounds ties up like the ref; the narrowing saturates in
// steps whose composition equals the ref's one clamp (the clamp bounds lie inside int8).
#pragma once
#include <cstddef>

#include "kernels/neon/dw_memory.h"
#include "kernels/neon/dw_neon_include.h"
#include "kernels/neon/dw_requant.h"
#include "kernels/op_params.h"

namespace octet::neon::detail {
namespace {

struct AddConsts {
  int8x8_t za, zb, lo, hi;
  int16x8_t zo;
  int16_t ma, mb;
  int32x4_t right_shift;
  explicit AddConsts(const QAddParams& p)
      : za(vdup_n_s8(static_cast<int8_t>(p.a_zero_point))),
        zb(vdup_n_s8(static_cast<int8_t>(p.b_zero_point))),
        lo(vdup_n_s8(static_cast<int8_t>(p.clamp_min))),
        hi(vdup_n_s8(static_cast<int8_t>(p.clamp_max))),
        zo(vdupq_n_s16(static_cast<int16_t>(p.output_zero_point))),
        ma(static_cast<int16_t>(p.a_multiplier)),
        mb(static_cast<int16_t>(p.b_multiplier)),
        right_shift(vdupq_n_s32(-p.shift)) {}
};

// 8 elements.
inline int8x8_t add8(const AddConsts& k, int8x8_t a, int8x8_t b) {
  const int16x8_t da = vsubl_s8(a, k.za), db = vsubl_s8(b, k.zb);
  int32x4_t lo = vmull_n_s16(vget_low_s16(da), k.ma);
  int32x4_t hi = vmull_n_s16(vget_high_s16(da), k.ma);
  lo = vmlal_n_s16(lo, vget_low_s16(db), k.mb);
  hi = vmlal_n_s16(hi, vget_high_s16(db), k.mb);
  return dw_narrow(vrshlq_s32(lo, k.right_shift), vrshlq_s32(hi, k.right_shift), k.zo, k.lo, k.hi);
}

#if defined(__aarch64__) || defined(OCTET_ARCH_simde)
// SMULL2 by scalar (SIMDe 0.7.4 lacks vmull_high_n_s16: the same product from the high half).
inline int32x4_t mull_high_n(int16x8_t a, int16_t m) {
#if defined(OCTET_ARCH_simde)
  return vmull_n_s16(vget_high_s16(a), m);
#else
  return vmull_high_n_s16(a, m);
#endif
}

// 16 elements with the A64 "high half" forms (SSUBL2, SMULL2, SMLAL2, SQXTN2) and one
// full-width clamp: the same operations per lane as add8, without the lane moves that splitting a
// q register into halves costs (~14 instructions per 16 elements on the in-order A53).
inline int8x16_t add16_a64(const AddConsts& k, int8x16_t a, int8x16_t b) {
  const int8x16_t za = vcombine_s8(k.za, k.za), zb = vcombine_s8(k.zb, k.zb);
  const int16x8_t da0 = vsubl_s8(vget_low_s8(a), k.za), da1 = vsubl_high_s8(a, za);
  const int16x8_t db0 = vsubl_s8(vget_low_s8(b), k.zb), db1 = vsubl_high_s8(b, zb);
  int32x4_t x0 = vmull_n_s16(vget_low_s16(da0), k.ma), x1 = mull_high_n(da0, k.ma);
  int32x4_t x2 = vmull_n_s16(vget_low_s16(da1), k.ma), x3 = mull_high_n(da1, k.ma);
  x0 = vmlal_n_s16(x0, vget_low_s16(db0), k.mb);
  x1 = vmlal_high_n_s16(x1, db0, k.mb);
  x2 = vmlal_n_s16(x2, vget_low_s16(db1), k.mb);
  x3 = vmlal_high_n_s16(x3, db1, k.mb);
  x0 = vrshlq_s32(x0, k.right_shift);
  x1 = vrshlq_s32(x1, k.right_shift);
  x2 = vrshlq_s32(x2, k.right_shift);
  x3 = vrshlq_s32(x3, k.right_shift);
  const int16x8_t s0 = vqaddq_s16(vqmovn_high_s32(vqmovn_s32(x0), x1), k.zo);
  const int16x8_t s1 = vqaddq_s16(vqmovn_high_s32(vqmovn_s32(x2), x3), k.zo);
  const int8x16_t r = vqmovn_high_s16(vqmovn_s16(s0), s1);
  return vminq_s8(vmaxq_s8(r, vcombine_s8(k.lo, k.lo)), vcombine_s8(k.hi, k.hi));
}
#endif

// kA64: the 16-element body uses add16_a64 (aarch64 and SIMDe builds of the v80 path).
template <bool kA64>
inline void add_impl(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* out, size_t n) {
  const AddConsts k(p);
  size_t i = 0;
#if defined(__aarch64__) || defined(OCTET_ARCH_simde)
  // Two independent 16-element chains per step: on the in-order A53 each NEON result is several
  // cycles away, one chain alone stalls at every step.
  if (kA64)
    for (; i + 32 <= n; i += 32) {
      const int8x16_t a0 = vld1q_s8(a + i), b0 = vld1q_s8(b + i);
      const int8x16_t a1 = vld1q_s8(a + i + 16), b1 = vld1q_s8(b + i + 16);
      const int8x16_t r0 = add16_a64(k, a0, b0), r1 = add16_a64(k, a1, b1);
      vst1q_s8(out + i, r0);
      vst1q_s8(out + i + 16, r1);
    }
#endif
  for (; i + 16 <= n; i += 16) {
    const int8x16_t va = vld1q_s8(a + i), vb = vld1q_s8(b + i);
#if defined(__aarch64__) || defined(OCTET_ARCH_simde)
    if (kA64) {
      vst1q_s8(out + i, add16_a64(k, va, vb));
      continue;
    }
#endif
    const int8x8_t r0 = add8(k, vget_low_s8(va), vget_low_s8(vb));
    const int8x8_t r1 = add8(k, vget_high_s8(va), vget_high_s8(vb));
    vst1q_s8(out + i, vcombine_s8(r0, r1));
  }
  for (; i < n; i += 8) {
    const int m = n - i < 8 ? static_cast<int>(n - i) : 8;
    dw_store8(out + i, add8(k, dw_load8(a + i, m), dw_load8(b + i, m)), m);
  }
}

}  // namespace
}  // namespace octet::neon::detail

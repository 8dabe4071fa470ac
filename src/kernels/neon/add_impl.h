// Elementwise add in ARMv7-compatible intrinsics: the constants, the 8-element step and the loop,
// compiled per path (add_v80.cpp, add_armv7.cpp), each path passing its own 16-element step.
// Per lane, exactly the ref arithmetic (QAddParams in op_params.h):
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
  return dw_narrow(dw_rounding_shift(lo, k.right_shift), dw_rounding_shift(hi, k.right_shift), k.zo, k.lo, k.hi);
}

// 16 elements as two 8-element halves (the ARMv7 step: no high-half instruction forms).
inline int8x16_t add16_halves(const AddConsts& k, int8x16_t a, int8x16_t b) {
  const int8x8_t r0 = add8(k, vget_low_s8(a), vget_low_s8(b));
  const int8x8_t r1 = add8(k, vget_high_s8(a), vget_high_s8(b));
  return vcombine_s8(r0, r1);
}

using Add16 = int8x16_t (*)(const AddConsts& k, int8x16_t a, int8x16_t b);

// The loop of every path around its 16-element step kAdd16; the last n % 16 elements 8 at a time.
// kChains == 2 runs two independent 16-element chains per step: on the in-order A53 each NEON
// result is several cycles away, one chain alone stalls at every step.
template <Add16 kAdd16, int kChains>
inline void add_impl(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* out, size_t n) {
  static_assert(kChains == 1 || kChains == 2, "one or two chains");
  const AddConsts k(p);
  size_t i = 0;
  if (kChains == 2)
    for (; i + 32 <= n; i += 32) {
      const int8x16_t a0 = vld1q_s8(a + i), b0 = vld1q_s8(b + i);
      const int8x16_t a1 = vld1q_s8(a + i + 16), b1 = vld1q_s8(b + i + 16);
      const int8x16_t r0 = kAdd16(k, a0, b0), r1 = kAdd16(k, a1, b1);
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
      // One STP: half the vector-pipe slots of two STR q on the N1 model (2 of its 44 per step)
      // and one cycle instead of two on the A53 / A55 models; GCC writes two STR. No "memory"
      // clobber here (it made GCC reload the constants every step): the loop reads a and b
      // only at later elements than it has written (also when out is a or b), and the barrier
      // after the loop orders everything else.
      asm volatile("stp %q0, %q1, [%2]" : : "w"(r0), "w"(r1), "r"(out + i));
#else
      vst1q_s8(out + i, r0);
      vst1q_s8(out + i + 16, r1);
#endif
    }
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
  asm volatile("" : : : "memory");  // the STP stores above, for the compiler
#endif
  for (; i + 16 <= n; i += 16) vst1q_s8(out + i, kAdd16(k, vld1q_s8(a + i), vld1q_s8(b + i)));
  for (; i < n; i += 8) {
    const int m = n - i < 8 ? static_cast<int>(n - i) : 8;
    dw_store8(out + i, add8(k, dw_load8(a + i, m), dw_load8(b + i, m)), m);
  }
}

}  // namespace
}  // namespace octet::neon::detail

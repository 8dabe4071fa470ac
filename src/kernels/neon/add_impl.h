// Elementwise add written once in ARMv7-compatible intrinsics, compiled per path (add_v80.cpp,
// add_armv7.cpp). Per lane, exactly the ref arithmetic:
//   x = rescale((a - z_a) << 20, m_a) + rescale((b - z_b) << 20, m_b);  out = clamp(z_o + rescale(x, m_o))
// (a - z_a) fits int16 (SSUBL), the shifted value int32 (|255 << 20| < 2^31), and the sum of the two
// rescaled halves stays below 2^29, so no step can wrap.
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
  int32x4_t ma, la, ra, mb, lb, rb, mo, lo_s, ro;
  explicit AddConsts(const QAddParams& p)
      : za(vdup_n_s8(static_cast<int8_t>(p.a_zero_point))),
        zb(vdup_n_s8(static_cast<int8_t>(p.b_zero_point))),
        lo(vdup_n_s8(static_cast<int8_t>(p.clamp_min))),
        hi(vdup_n_s8(static_cast<int8_t>(p.clamp_max))),
        zo(vdupq_n_s16(static_cast<int16_t>(p.output_zero_point))),
        ma(vdupq_n_s32(p.a_multiplier)), la(vdupq_n_s32(p.a_shift > 0 ? p.a_shift : 0)),
        ra(vdupq_n_s32(p.a_shift < 0 ? p.a_shift : 0)), mb(vdupq_n_s32(p.b_multiplier)),
        lb(vdupq_n_s32(p.b_shift > 0 ? p.b_shift : 0)), rb(vdupq_n_s32(p.b_shift < 0 ? p.b_shift : 0)),
        mo(vdupq_n_s32(p.output_multiplier)), lo_s(vdupq_n_s32(p.output_shift > 0 ? p.output_shift : 0)),
        ro(vdupq_n_s32(p.output_shift < 0 ? p.output_shift : 0)) {}
};

// 8 elements.
inline int8x8_t add8(const AddConsts& k, int8x8_t a, int8x8_t b) {
  const int16x8_t da = vsubl_s8(a, k.za), db = vsubl_s8(b, k.zb);
  int32x4_t xa_lo = dw_rescale(vshlq_n_s32(vmovl_s16(vget_low_s16(da)), kAddLeftShift), k.ma, k.la, k.ra);
  int32x4_t xa_hi = dw_rescale(vshlq_n_s32(vmovl_s16(vget_high_s16(da)), kAddLeftShift), k.ma, k.la, k.ra);
  const int32x4_t xb_lo = dw_rescale(vshlq_n_s32(vmovl_s16(vget_low_s16(db)), kAddLeftShift), k.mb, k.lb, k.rb);
  const int32x4_t xb_hi = dw_rescale(vshlq_n_s32(vmovl_s16(vget_high_s16(db)), kAddLeftShift), k.mb, k.lb, k.rb);
  xa_lo = dw_rescale(vaddq_s32(xa_lo, xb_lo), k.mo, k.lo_s, k.ro);
  xa_hi = dw_rescale(vaddq_s32(xa_hi, xb_hi), k.mo, k.lo_s, k.ro);
  return dw_narrow(xa_lo, xa_hi, k.zo, k.lo, k.hi);
}

inline void add_impl(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* out, size_t n) {
  const AddConsts k(p);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const int8x16_t va = vld1q_s8(a + i), vb = vld1q_s8(b + i);
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

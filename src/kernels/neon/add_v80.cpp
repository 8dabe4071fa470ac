// Elementwise add of the v80 path (aarch64 and SIMDe builds): add_impl.h's loop around a
// 16-element step in the A64 high-half forms, two chains per step.
#include "kernels/neon/add_impl.h"

#include "kernels/neon/add_kernels.h"

namespace octet::neon::v80 {
namespace {

using detail::AddConsts;

// SMULL2 by scalar (SIMDe 0.7.4 lacks vmull_high_n_s16: the same product from the high half).
inline int32x4_t mull_high_n(int16x8_t a, int16_t m) {
#if defined(OCTET_ARCH_simde)
  return vmull_n_s16(vget_high_s16(a), m);
#else
  return vmull_high_n_s16(a, m);
#endif
}

// acc = (a - z_a) * m_a + (b - z_b) * m_b of 16 elements, four int32 lanes each in x[0..3], with
// the A64 "high half" forms (SSUBL2, SMULL2, SMLAL2): the same operations per lane as detail::add8,
// without the lane moves that splitting a q register into halves costs (~14 instructions per 16
// elements on the in-order A53).
struct Acc16 {
  int32x4_t x[4];
};
inline Acc16 weighted_sum16(const AddConsts& k, int8x16_t a, int8x16_t b) {
  const int8x16_t za = vcombine_s8(k.za, k.za), zb = vcombine_s8(k.zb, k.zb);
  const int16x8_t da0 = vsubl_s8(vget_low_s8(a), k.za), da1 = vsubl_high_s8(a, za);
  const int16x8_t db0 = vsubl_s8(vget_low_s8(b), k.zb), db1 = vsubl_high_s8(b, zb);
  Acc16 s;
  s.x[0] = vmlal_n_s16(vmull_n_s16(vget_low_s16(da0), k.ma), vget_low_s16(db0), k.mb);
  s.x[1] = vmlal_high_n_s16(mull_high_n(da0, k.ma), db0, k.mb);
  s.x[2] = vmlal_n_s16(vmull_n_s16(vget_low_s16(da1), k.ma), vget_low_s16(db1), k.mb);
  s.x[3] = vmlal_high_n_s16(mull_high_n(da1, k.ma), db1, k.mb);
  return s;
}

// The shifted sums as int16 (n0: elements 0-7, n1: 8-15) + output zero point, to int8, clamped
// once at full width (kClamp false: the clamp is the int8 range, the saturation applies it).
template <bool kClamp = true>
inline int8x16_t finish16(const AddConsts& k, int16x8_t n0, int16x8_t n1) {
  const int16x8_t s0 = vqaddq_s16(n0, k.zo), s1 = vqaddq_s16(n1, k.zo);
  const int8x16_t r = vqmovn_high_s16(vqmovn_s16(s0), s1);
  if (!kClamp) return r;
  return vminq_s8(vmaxq_s8(r, vcombine_s8(k.lo, k.lo)), vcombine_s8(k.hi, k.hi));
}

// Any shift: SRSHL, then SQXTN.
inline int8x16_t add16_a64(const AddConsts& k, int8x16_t a, int8x16_t b) {
  const Acc16 s = weighted_sum16(k, a, b);
  int32x4_t x[4];
  for (int i = 0; i < 4; ++i) x[i] = detail::dw_rounding_shift(s.x[i], k.right_shift);
  return finish16(k, vqmovn_high_s32(vqmovn_s32(x[0]), x[1]), vqmovn_high_s32(vqmovn_s32(x[2]), x[3]));
}

// The shift as an immediate (kShift in 1..16): SQRSHRN rounds, shifts and narrows to int16 with
// saturation in one instruction where SRSHL + SQXTN took two (SRSHL's ties up and SQXTN's
// saturation, the same bits): 22 instead of 26 instructions per 16 elements.
template <int kShift, bool kClamp>
inline int8x16_t add16_a64_shift(const AddConsts& k, int8x16_t a, int8x16_t b) {
  const Acc16 s = weighted_sum16(k, a, b);
#if defined(OCTET_ARCH_simde)
  return finish16<kClamp>(k, vcombine_s16(vqrshrn_n_s32(s.x[0], kShift), vqrshrn_n_s32(s.x[1], kShift)),
                          vcombine_s16(vqrshrn_n_s32(s.x[2], kShift), vqrshrn_n_s32(s.x[3], kShift)));
#else
  return finish16<kClamp>(k, vqrshrn_high_n_s32(vqrshrn_n_s32(s.x[0], kShift), s.x[1], kShift),
                          vqrshrn_high_n_s32(vqrshrn_n_s32(s.x[2], kShift), s.x[3], kShift));
#endif
}

using AddFn = void (*)(const QAddParams&, const int8_t*, const int8_t*, int8_t*, size_t);
// Layers whose clamp is the int8 range (no activation after the add, or a calibrated ReLU: every
// residual add of the zoo) skip the SMAX/SMIN pair.
template <int kShift>
void add_shift(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* out, size_t n) {
  if (clamp_is_int8_range(p.clamp_min, p.clamp_max))
    detail::add_impl<add16_a64_shift<kShift, false>, 2>(p, a, b, out, n);
  else
    detail::add_impl<add16_a64_shift<kShift, true>, 2>(p, a, b, out, n);
}
// Shifts 8..16 (make_add_params picks the largest that keeps the multipliers in 15 bits: 14..16
// when the input and output scales are alike; every residual add of the zoo has 13..15).
constexpr int kFirstShift = 8;
constexpr AddFn kAddByShift[] = {add_shift<8>,  add_shift<9>,  add_shift<10>,
                                 add_shift<11>, add_shift<12>, add_shift<13>,
                                 add_shift<14>, add_shift<15>, add_shift<16>};

}  // namespace

void add(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* out, size_t n) {
  const int i = p.shift - kFirstShift;
  if (i >= 0 && i < static_cast<int>(sizeof kAddByShift / sizeof kAddByShift[0]))
    kAddByShift[i](p, a, b, out, n);
  else
    detail::add_impl<add16_a64, 2>(p, a, b, out, n);
}

}  // namespace octet::neon::v80

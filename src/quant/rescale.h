// The normative integer arithmetic of octet (DESIGN.md §3). Every kernel — ref, NEON aarch64,
// NEON armv7 — re-quantizes through exactly this definition, so they agree bit for bit.
#pragma once
#include <cstdint>

namespace octet {

// A positive real multiplier M as a Q31 fixed-point value and a power-of-two exponent:
//   M ~= multiplier * 2^(shift - 31),  multiplier in [2^30, 2^31 - 1],  shift in [-31, 30]
// (for M in [2^-33, 2^-32) the multiplier drops to [2^29, 2^30) at shift -31). A multiplier of 0
// (with shift 0) stands for every M below 2^-33, where |acc * M| < 0.25: rescale() returns 0.
struct Multiplier {
  int32_t multiplier = 0;
  int32_t shift = 0;
};

// rescale(acc, m) = round(acc * M), computed in three steps that map 1:1 onto NEON:
//  1. shift > 0:  x = saturate_int32(acc * 2^shift)          (SQSHL / VQSHL)
//     else        x = acc
//  2. y = saturate_int32((2*x*multiplier + 2^31) >> 32)       (SQRDMULH / VQRDMULH)
//     i.e. the high half of the doubled product, rounded half up (towards +infinity).
//  3. shift < 0:  y = (y + 2^(-shift-1)) >> -shift            (SRSHL / VRSHL by a negative amount)
//     an arithmetic shift rounding half up (towards +infinity).
// Results beyond +-2^30 saturate (at +-2^30 already when shift > 0, since the left shift saturates
// first); every caller clamps to int8 afterwards, so that is harmless.
// Ties therefore round towards +infinity in both steps (TFLite's reference rounds the final shift
// half away from zero instead; ours is what the instructions do, with no fix-up).
inline int32_t saturating_left_shift(int32_t x, int shift) {
  const int64_t v = static_cast<int64_t>(x) * (int64_t{1} << shift);
  if (v > INT32_MAX) return INT32_MAX;
  if (v < INT32_MIN) return INT32_MIN;
  return static_cast<int32_t>(v);
}

inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  const int64_t p = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  return static_cast<int32_t>((p + (int64_t{1} << 30)) >> 31);
}

inline int32_t rounding_right_shift(int32_t x, int shift) {
  if (shift <= 0) return x;
  return static_cast<int32_t>((static_cast<int64_t>(x) + (int64_t{1} << (shift - 1))) >> shift);
}

inline int32_t rescale(int32_t acc, int32_t multiplier, int32_t shift) {
  const int32_t x = shift > 0 ? saturating_left_shift(acc, shift) : acc;
  const int32_t y = saturating_rounding_doubling_high_mul(x, multiplier);
  return shift < 0 ? rounding_right_shift(y, -shift) : y;
}
inline int32_t rescale(int32_t acc, Multiplier m) { return rescale(acc, m.multiplier, m.shift); }

// Requantize an accumulator to int8: clamp(zero_point + rescale(acc), lo, hi). Fused activations
// (ReLU, ReLU6, Clip) are only the bounds lo/hi. NEON narrows with saturation (SQXTN) before adding
// the zero point; since the saturation points lie far outside [-128, 127] the result is the same.
inline int8_t requantize(int32_t acc, int32_t multiplier, int32_t shift, int32_t zero_point,
                         int32_t lo, int32_t hi) {
  int64_t v = static_cast<int64_t>(rescale(acc, multiplier, shift)) + zero_point;
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  return static_cast<int8_t>(v);
}

// Q31 multiplier and shift for a real multiplier > 0 (round to nearest; a mantissa that rounds up
// to 2^31 becomes 2^30 with shift + 1). Returns false for M <= 0, NaN/Inf, or M >= 2^30.
bool quantize_multiplier(double real_multiplier, Multiplier* out);

// The multiplier of a convolution's requantization: for M in [2^-14, 1) the Q31 multiplier alone,
// round(M * 2^31) (>= 2^17, shift 0), so rescale() is one SQRDMULH and kernels skip the rounding
// shift when no channel has one; any other M as quantize_multiplier. One rounding instead of two;
// the multiplier's own rounding moves a result by at most |acc| * 2^-32, i.e. under 2^-10 of an
// output step for every accumulator whose result is within +-256 (|acc| <= 256 / M <= 2^22).
bool quantize_requant_multiplier(double real_multiplier, Multiplier* out);

}  // namespace octet

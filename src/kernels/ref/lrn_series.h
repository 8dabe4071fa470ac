// The constants of lrn_q8's double evaluation (lrn.cpp), shared with the NEON kernel that must
// reproduce it bit for bit (kernels/neon/lrn_v80.cpp).
#pragma once
#include "kernels/ref/ref_kernels.h"

namespace octet::ref::lrn_series {

inline constexpr double kLn2 = 0.693147180559945309417232121458176568;
inline constexpr double kLog2e = 1.44269504088896340735992468100189214;
inline constexpr double kSqrtHalf = 0.707106781186547524400844362104849039;

// 1 / (2k + 1) and 1 / k as constants: the compiler's correctly rounded quotients, the same
// bits a runtime division gives, without ~25 divisions per element (each 7-30 cycles on Arm).
// log2: ln(m) = 2 atanh(t) by the odd series up to t^21 (kInvOdd[10]); exp2: Taylor to x^14.
inline constexpr double kInvOdd[11] = {1.0,      1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9, 1.0 / 11,
                                       1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21};
inline constexpr double kInv[15] = {0.0,      1.0,      1.0 / 2,  1.0 / 3,  1.0 / 4,
                                    1.0 / 5,  1.0 / 6,  1.0 / 7,  1.0 / 8,  1.0 / 9,
                                    1.0 / 10, 1.0 / 11, 1.0 / 12, 1.0 / 13, 1.0 / 14};
inline constexpr int kLogTerms = 10;  // s = kInvOdd[10], then k = 9..0
inline constexpr int kExpTerms = 14;  // k = 14..1
inline constexpr double kExpClamp = 1100.0;  // |y| beyond: 2^y is 0 or inf anyway

// The per-call constants: y - z_out = round(factor(S) * (q - z_in)) with
// factor(S) = ratio * d^minus_beta, d = bias + k * S, S the integer window sum of squares.
struct Constants {
  double k, bias, minus_beta, ratio;
};
inline Constants constants(const LrnParams& p) {
  const double s_in = static_cast<double>(p.input_scale);
  return {static_cast<double>(p.alpha) / static_cast<double>(p.size) * s_in * s_in,
          static_cast<double>(p.bias), -static_cast<double>(p.beta),
          s_in / static_cast<double>(p.output_scale)};
}

}  // namespace octet::ref::lrn_series

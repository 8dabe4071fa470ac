// Local response normalization across channels (ONNX LRN): the int8 kernel that the runtime and
// the converter's int8 simulation both call, and the float kernel of the converter's float
// executor.
//
// Cross-target identity of lrn_q8. Its result is a rounding of a real number, so an ULP of
// difference in the float evaluation can flip an output by one LSB. The int8 output must be the
// same bytes on x86 (host), aarch64 and armv7, so:
//  - the window's sum of squares is an integer sum of (q - z)^2: exact;
//  - the rest is double arithmetic with IEEE basic operations only (+ - * /, exact frexp/ldexp,
//    exact nearbyint), each correctly rounded, hence identical on every IEEE target;
//  - pow() is our own log2/exp2 series below, never libm's (its last bit differs between libms);
//  - this file is compiled with -ffp-contract=off (src/kernels/ref/CMakeLists.txt): GCC's default
//    -ffp-contract=fast fuses a*b+c into one FMA (one rounding instead of two) where the target has
//    FMA (aarch64, armv7 VFPv4) but not on the x86 baseline, which changes results by an ULP.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/ref/ref_kernels.h"

namespace octet::ref {
namespace {

constexpr double kLn2 = 0.693147180559945309417232121458176568;
constexpr double kLog2e = 1.44269504088896340735992468100189214;
constexpr double kSqrtHalf = 0.707106781186547524400844362104849039;

// log2(d) for finite d > 0. d = m * 2^e exactly (frexp), m moved into [sqrt(1/2), sqrt(2));
// ln(m) = 2 atanh(t), t = (m - 1) / (m + 1), |t| <= 0.1716, by the odd series up to t^21
// (truncation below 1e-17 relative).
double log2_positive(double d) {
  int e = 0;
  double m = std::frexp(d, &e);  // [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2.0;  // exact
    --e;
  }
  const double t = (m - 1.0) / (m + 1.0);
  const double t2 = t * t;
  double s = 1.0 / 21.0;
  for (int k = 9; k >= 0; --k) s = s * t2 + 1.0 / (2 * k + 1);
  return static_cast<double>(e) + 2.0 * t * s * kLog2e;
}

// 2^y. y = n + f with n an integer and |f| <= 1/2 (plus rounding); 2^f = e^(f ln2) by its Taylor
// series to x^14 (|x| <= 0.35: truncation below 1e-18 relative), then scaled by 2^n exactly.
// |y| is clamped to 1100, beyond which the result is 0 or inf anyway.
double exp2_series(double y) {
  y = std::min(std::max(y, -1100.0), 1100.0);
  const int n = static_cast<int>(y < 0 ? y - 0.5 : y + 0.5);  // truncation toward zero
  const double x = (y - static_cast<double>(n)) * kLn2;
  double p = 1.0;
  for (int k = 14; k >= 1; --k) p = 1.0 + x * p / static_cast<double>(k);
  return std::ldexp(p, n);
}

// The per-call constants and the per-element factor: y - z_out = round(factor(S) * (q - z_in)).
struct LrnFactor {
  explicit LrnFactor(const LrnParams& p)
      // d = bias + alpha / size * s_in^2 * S, with S the integer sum of squares over the window.
      : k(static_cast<double>(p.alpha) / static_cast<double>(p.size) * static_cast<double>(p.input_scale) *
          static_cast<double>(p.input_scale)),
        bias(p.bias),
        minus_beta(-static_cast<double>(p.beta)),
        ratio(static_cast<double>(p.input_scale) / static_cast<double>(p.output_scale)) {}
  // s_in / s_out * d^-beta; 0 when d <= 0 (alpha < 0, refused by the converter).
  double operator()(int64_t S) const {
    const double d = bias + k * static_cast<double>(S);
    if (!(d > 0)) return 0.0;
    return ratio * exp2_series(minus_beta * log2_positive(d));
  }
  double k, bias, minus_beta, ratio;
};

}  // namespace

double lrn_q8_factor(const LrnParams& p, int64_t sum_squares) { return LrnFactor(p)(sum_squares); }

void lrn_q8(const LrnParams& p, const int8_t* input, int8_t* output, int pixels, int channels) {
  const int C = channels;
  const int lo = (p.size - 1) / 2, hi = p.size - 1 - lo;
  const LrnFactor factor(p);
  const int32_t zi = p.input_zero_point;
  const double zo = static_cast<double>(p.output_zero_point);
  for (int px = 0; px < pixels; ++px) {
    const int8_t* x = input + static_cast<size_t>(px) * C;
    int8_t* y = output + static_cast<size_t>(px) * C;
    // Running window [c - lo, c + hi] clipped to [0, C): add the entering channel, drop the
    // leaving one. Integer, so the order does not matter.
    int64_t S = 0;
    for (int j = 0; j <= std::min(hi, C - 1); ++j) {
      const int64_t v = x[j] - zi;
      S += v * v;
    }
    for (int c = 0; c < C; ++c) {
      if (c > 0) {
        if (c + hi < C) {
          const int64_t v = x[c + hi] - zi;
          S += v * v;
        }
        if (c - lo - 1 >= 0) {
          const int64_t v = x[c - lo - 1] - zi;
          S -= v * v;
        }
      }
      const int32_t diff = x[c] - zi;
      double q = zo;  // a zero input stays zero whatever the divisor (and never 0 * inf)
      if (diff != 0) q = std::nearbyint(factor(S) * static_cast<double>(diff)) + zo;
      q = std::min(std::max(q, -128.0), 127.0);
      y[c] = static_cast<int8_t>(q);
    }
  }
}

void lrn_f32(int size, float alpha, float beta, float bias, const float* input, float* output,
             int pixels, int channels) {
  const int C = channels;
  const int lo = (size - 1) / 2, hi = size - 1 - lo;
  const double k = static_cast<double>(alpha) / size;
  for (int px = 0; px < pixels; ++px) {
    const float* x = input + static_cast<size_t>(px) * C;
    float* y = output + static_cast<size_t>(px) * C;
    for (int c = 0; c < C; ++c) {
      double s = 0;
      for (int j = std::max(c - lo, 0); j <= std::min(c + hi, C - 1); ++j)
        s += static_cast<double>(x[j]) * x[j];
      y[c] = static_cast<float>(x[c] / std::pow(bias + k * s, static_cast<double>(beta)));
    }
  }
}

}  // namespace octet::ref

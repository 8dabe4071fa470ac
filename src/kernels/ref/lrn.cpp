// Local response normalization across channels (ONNX LRN): the int8 kernel that the runtime and
// the converter's int8 simulation both call, and the float kernel of the converter's float
// executor.
//
// Cross-target identity of lrn_q8. Its result is a rounding of a real number, so an ULP of
// difference in the float evaluation can flip an output by one LSB. The int8 output must be the
// same bytes on x86 (host), aarch64 and armv7, so:
//  - the window's sum of squares is an integer sum of (q - z)^2: exact;
//  - the rest is double arithmetic with IEEE basic operations only (+ - * /, exact frexp/ldexp
//    by exponent bits, exact nearbyint), each correctly rounded, hence identical on every IEEE
//    target;
//  - pow() is our own log2/exp2 series below, never libm's (its last bit differs between libms);
//  - this file is compiled with -ffp-contract=off (src/kernels/ref/CMakeLists.txt): GCC's default
//    -ffp-contract=fast fuses a*b+c into one FMA (one rounding instead of two) where the target has
//    FMA (aarch64, armv7 VFPv4) but not on the x86 baseline, which changes results by an ULP.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/ref/lrn_series.h"
#include "kernels/ref/ref_kernels.h"

namespace octet::ref {
namespace {

using namespace lrn_series;

// frexp for d > 0 from the exponent bits (exact, as std::frexp; a libm call costs more than the
// arithmetic). Subnormals and inf go to std::frexp.
double frexp_positive(double d, int* e) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  const int biased = static_cast<int>(b >> 52) & 0x7ff;
  if (biased == 0 || biased == 0x7ff) return std::frexp(d, e);
  *e = biased - 1022;
  b = (b & ((uint64_t{1} << 52) - 1)) | (uint64_t{1022} << 52);  // mantissa in [0.5, 1)
  std::memcpy(&d, &b, sizeof d);
  return d;
}

// ldexp(p, n): one multiplication by 2^n built from bits while 2^n is a normal double (then the
// product is the correctly rounded p * 2^n, as ldexp's), std::ldexp beyond.
double ldexp_fast(double p, int n) {
  if (n < -1022 || n > 1023) return std::ldexp(p, n);
  const uint64_t b = static_cast<uint64_t>(n + 1023) << 52;
  double two_n;
  std::memcpy(&two_n, &b, sizeof two_n);
  return p * two_n;
}

// The factor is evaluated for kLanes window sums at once, lane by lane with the same operations
// (so each lane's bits are those of a one-lane evaluation): independent chains that an in-order
// core (and armperf, which costs a block by itself) can overlap. One lane alone is the chain's
// latency: ~150 cycles.
constexpr int kLanes = 4;

// log2(d) for finite d > 0. d = m * 2^e exactly (frexp), m moved into [sqrt(1/2), sqrt(2));
// ln(m) = 2 atanh(t), t = (m - 1) / (m + 1), |t| <= 0.1716, by the odd series up to t^21
// (truncation below 1e-17 relative).
void log2_positive(const double* d, double* out) {
  double t[kLanes], t2[kLanes], s[kLanes];
  int e[kLanes];
  for (int i = 0; i < kLanes; ++i) {
    double m = frexp_positive(d[i], &e[i]);  // [0.5, 1)
    if (m < kSqrtHalf) {
      m *= 2.0;  // exact
      --e[i];
    }
    t[i] = (m - 1.0) / (m + 1.0);
    t2[i] = t[i] * t[i];
    s[i] = kInvOdd[kLogTerms];
  }
  for (int k = kLogTerms - 1; k >= 0; --k)
    for (int i = 0; i < kLanes; ++i) s[i] = s[i] * t2[i] + kInvOdd[k];
  for (int i = 0; i < kLanes; ++i) out[i] = static_cast<double>(e[i]) + 2.0 * t[i] * s[i] * kLog2e;
}

// 2^y. y = n + f with n an integer and |f| <= 1/2 (plus rounding); 2^f = e^(f ln2) by its Taylor
// series to x^14 in Horner form, p = 1 + (x (1/k)) p (|x| <= 0.35: truncation below 1e-18
// relative), then scaled by 2^n exactly. |y| is clamped to 1100, beyond which the result is 0 or
// inf anyway.
void exp2_series(const double* y_in, double* out) {
  double x[kLanes], p[kLanes];
  int n[kLanes];
  for (int i = 0; i < kLanes; ++i) {
    const double y = std::min(std::max(y_in[i], -kExpClamp), kExpClamp);
    n[i] = static_cast<int>(y < 0 ? y - 0.5 : y + 0.5);  // truncation toward zero
    x[i] = (y - static_cast<double>(n[i])) * kLn2;
    p[i] = 1.0;
  }
  for (int k = kExpTerms; k >= 1; --k)
    for (int i = 0; i < kLanes; ++i) p[i] = 1.0 + (x[i] * kInv[k]) * p[i];  // x / k off p's chain
  for (int i = 0; i < kLanes; ++i) out[i] = ldexp_fast(p[i], n[i]);
}

// The per-call constants and the per-element factor: y - z_out = round(factor(S) * (q - z_in)).
struct LrnFactor {
  explicit LrnFactor(const LrnParams& p) : c(constants(p)) {}
  // f[i] = s_in / s_out * d^-beta for the window sum S[i]; 0 when d <= 0 (alpha < 0, refused by
  // the converter).
  void operator()(const int64_t* S, double* f) const {
    double d[kLanes], y[kLanes];
    bool positive[kLanes];
    for (int i = 0; i < kLanes; ++i) {
      d[i] = c.bias + c.k * static_cast<double>(S[i]);
      positive[i] = d[i] > 0;
      if (!positive[i]) d[i] = 1.0;  // any valid argument; the lane's result is replaced by 0
    }
    log2_positive(d, y);
    for (int i = 0; i < kLanes; ++i) y[i] = c.minus_beta * y[i];
    exp2_series(y, f);
    for (int i = 0; i < kLanes; ++i) f[i] = positive[i] ? c.ratio * f[i] : 0.0;
  }
  Constants c;
};

// Elements waiting for their factor: up to kLanes (window sum, q - z_in, where the output goes).
struct PendingLanes {
  int64_t S[kLanes] = {};
  int32_t diff[kLanes] = {};
  int8_t* out[kLanes] = {};
  int count = 0;

  void flush(const LrnFactor& factor, double zo) {
    if (count == 0) return;
    double f[kLanes];
    factor(S, f);
    for (int i = 0; i < count; ++i) {
      double q = std::nearbyint(f[i] * static_cast<double>(diff[i])) + zo;
      q = std::min(std::max(q, -128.0), 127.0);
      *out[i] = static_cast<int8_t>(q);
    }
    count = 0;
  }

  void add(int64_t sum, int32_t d, int8_t* o, const LrnFactor& factor, double zo) {
    S[count] = sum;
    diff[count] = d;
    out[count] = o;
    if (++count == kLanes) flush(factor, zo);
  }
};

}  // namespace

double lrn_q8_factor(const LrnParams& p, int64_t sum_squares) {
  int64_t S[kLanes];
  for (int64_t& s : S) s = sum_squares;
  double f[kLanes];
  const LrnFactor factor(p);
  factor(S, f);
  return f[0];
}

void lrn_q8_exact(const LrnParams& p, const int64_t* sums, const int32_t* diffs, int n, int8_t* out) {
  const LrnFactor factor(p);
  const double zo = static_cast<double>(p.output_zero_point);
  PendingLanes pending;
  for (int i = 0; i < n; ++i) {
    pending.add(sums[i], diffs[i], out + i, factor, zo);
  }
  pending.flush(factor, zo);
}

void lrn_q8(const LrnParams& p, const int8_t* input, int8_t* output, int pixels, int channels) {
  const int C = channels;
  const int lo = (p.size - 1) / 2, hi = p.size - 1 - lo;
  const LrnFactor factor(p);
  const int32_t zi = p.input_zero_point;
  const double zo = static_cast<double>(p.output_zero_point);
  PendingLanes pending;
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
      if (diff == 0) {  // a zero input stays zero whatever the divisor (and never 0 * inf)
        y[c] = static_cast<int8_t>(std::min(std::max(zo, -128.0), 127.0));
        continue;
      }
      pending.add(S, diff, y + c, factor, zo);
    }
  }
  pending.flush(factor, zo);
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

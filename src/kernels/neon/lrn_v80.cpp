// int8 LRN, ARMv8 (float64x2): ref::lrn_q8's evaluation (kernels/ref/lrn.cpp) two lanes per
// instruction, kGroup elements per step as independent chains. Per lane the operations and
// their order are ref's — d = bias + k*S; frexp by exponent bits; t = (m-1)/(m+1); the odd series
// in t^2; e + 2t*s*log2(e); * -beta; 2^y = 2^n * p(x) with the Taylor series p = 1 + (x/k) p;
// * ratio; round half to even — and this file is built with -ffp-contract=off, so no step is
// fused: the same IEEE roundings, the same bytes. Lanes that ref sends to libm (a subnormal or
// infinite d, 2^n beyond the normal range) are recomputed through ref::lrn_q8_factor.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/neon/lrn_kernels.h"
#include "kernels/neon/neon_include.h"
#include "kernels/ref/lrn_series.h"
#include "kernels/ref/ref_kernels.h"

namespace octet::neon::v80 {
namespace {

using namespace ref::lrn_series;

constexpr int kVecs = 4;              // float64x2 chains per step
constexpr int kGroup = 2 * kVecs;     // elements per step

inline float64x2_t dup(double v) { return vdupq_n_f64(v); }

// FDIV (SIMDe 0.7.4 lacks vdivq_f64: lane by lane there, the same IEEE quotient).
inline float64x2_t div_f64(float64x2_t a, float64x2_t b) {
#if defined(OCTET_ARCH_simde)
  double x[2], y[2];
  vst1q_f64(x, a);
  vst1q_f64(y, b);
  x[0] /= y[0];
  x[1] /= y[1];
  return vld1q_f64(x);
#else
  return vdivq_f64(a, b);
#endif
}

// f for kGroup window sums; *exotic set if a lane needs ref's libm fallback.
void factors(const Constants& c, const float64x2_t* S, float64x2_t* f_out, bool* exotic) {
  float64x2_t d[kVecs], t[kVecs], t2[kVecs], s[kVecs], y[kVecs];
  uint64x2_t positive[kVecs], odd = vdupq_n_u64(0);
  int64x2_t e[kVecs];
  for (int j = 0; j < kVecs; ++j) {
    d[j] = vaddq_f64(dup(c.bias), vmulq_f64(dup(c.k), S[j]));
    positive[j] = vcgtq_f64(d[j], dup(0.0));
    d[j] = vbslq_f64(positive[j], d[j], dup(1.0));
    // frexp: m in [0.5, 1), d = m * 2^e; biased exponent 0 or 0x7ff is ref's std::frexp case.
    const uint64x2_t bits = vreinterpretq_u64_f64(d[j]);
    const int64x2_t biased = vreinterpretq_s64_u64(vandq_u64(vshrq_n_u64(bits, 52), vdupq_n_u64(0x7ff)));
    odd = vorrq_u64(odd, vorrq_u64(vceqq_s64(biased, vdupq_n_s64(0)), vceqq_s64(biased, vdupq_n_s64(0x7ff))));
    e[j] = vsubq_s64(biased, vdupq_n_s64(1022));
    float64x2_t m = vreinterpretq_f64_u64(vorrq_u64(vandq_u64(bits, vdupq_n_u64((uint64_t{1} << 52) - 1)),
                                                    vdupq_n_u64(uint64_t{1022} << 52)));
    const uint64x2_t low = vcltq_f64(m, dup(kSqrtHalf));
    m = vbslq_f64(low, vmulq_f64(m, dup(2.0)), m);
    e[j] = vaddq_s64(e[j], vreinterpretq_s64_u64(low));  // all-ones lanes: -1
    t[j] = div_f64(vsubq_f64(m, dup(1.0)), vaddq_f64(m, dup(1.0)));
    t2[j] = vmulq_f64(t[j], t[j]);
    s[j] = dup(kInvOdd[kLogTerms]);
  }
  for (int k = kLogTerms - 1; k >= 0; --k)
    for (int j = 0; j < kVecs; ++j) s[j] = vaddq_f64(vmulq_f64(s[j], t2[j]), dup(kInvOdd[k]));
  float64x2_t x[kVecs], p[kVecs];
  int64x2_t n[kVecs];
  for (int j = 0; j < kVecs; ++j) {
    const float64x2_t lg = vaddq_f64(vcvtq_f64_s64(e[j]),
                                     vmulq_f64(vmulq_f64(vmulq_f64(dup(2.0), t[j]), s[j]), dup(kLog2e)));
    y[j] = vmulq_f64(dup(c.minus_beta), lg);
    y[j] = vminq_f64(vmaxq_f64(y[j], dup(-kExpClamp)), dup(kExpClamp));
    const float64x2_t half = vbslq_f64(vcltq_f64(y[j], dup(0.0)), dup(-0.5), dup(0.5));
    n[j] = vcvtq_s64_f64(vaddq_f64(y[j], half));  // y - 0.5 or y + 0.5, truncated toward zero
    x[j] = vmulq_f64(vsubq_f64(y[j], vcvtq_f64_s64(n[j])), dup(kLn2));
    p[j] = dup(1.0);
  }
  for (int k = kExpTerms; k >= 1; --k)
    for (int j = 0; j < kVecs; ++j) p[j] = vaddq_f64(dup(1.0), vmulq_f64(vmulq_f64(x[j], dup(kInv[k])), p[j]));
  for (int j = 0; j < kVecs; ++j) {
    // ldexp(p, n) as one multiplication by 2^n while 2^n is normal (ref's ldexp_fast).
    odd = vorrq_u64(odd, vorrq_u64(vcltq_s64(n[j], vdupq_n_s64(-1022)), vcgtq_s64(n[j], vdupq_n_s64(1023))));
    const float64x2_t two_n = vreinterpretq_f64_s64(vshlq_n_s64(vaddq_s64(n[j], vdupq_n_s64(1023)), 52));
    const float64x2_t f = vmulq_f64(p[j], two_n);
    f_out[j] = vbslq_f64(positive[j], vmulq_f64(dup(c.ratio), f), dup(0.0));
  }
  *exotic = (vgetq_lane_u64(odd, 0) | vgetq_lane_u64(odd, 1)) != 0;
}

// Per-pixel window sums: Q[j] = sum of (x[i] - z_in)^2 over channels i < j - lo, clamped to
// [0, C], so that S[c] = Q[c + size] - Q[c] for every channel c, borders included (int32: at most
// 65025 * C). Channels per pixel up to kMaxChannels use this stack buffer; wider tensors run ref.
constexpr int kMaxChannels = 4096, kMaxSize = 64;
constexpr int kPrefixLen = kMaxChannels + kGroup + kMaxSize + 1;

void window_sums(const int8_t* x, int C, int size, int lo, int32_t zi, int32_t* Q) {
  int j = 0;
  for (; j <= lo; ++j) Q[j] = 0;
  int32_t run = 0;
  for (int i = 0; i < C; ++i, ++j) {
    const int32_t v = x[i] - zi;
    run += v * v;
    Q[j] = run;
  }
  for (const int end = (C + kGroup - 1) / kGroup * kGroup + size; j <= end; ++j) Q[j] = run;
}

// Non-zero inputs waiting for their factor (a zero input gives the output zero point whatever the
// factor, and after a ReLU about half the inputs are zero: only the others are evaluated, as in
// ref). Lanes past `n` hold stale values: computed, never stored.
// Room for 2 * kGroup: a chunk of kGroup channels is appended without a branch per element, and
// a flush takes the first kGroup, moving the rest down.
struct Pending {
  alignas(16) int32_t S[2 * kGroup] = {};
  alignas(16) int32_t diff[2 * kGroup] = {};
  size_t off[2 * kGroup] = {};  // output element
  int n = 0;
};

void flush(const ref::LrnParams& prm, const Constants& c, double zo, Pending& pd, int8_t* output) {
  float64x2_t S[kVecs], diff[kVecs], f[kVecs];
  for (int h = 0; h < 2; ++h) {
    const int32x4_t s32 = vld1q_s32(pd.S + 4 * h), d32 = vld1q_s32(pd.diff + 4 * h);
    S[2 * h] = vcvtq_f64_s64(vmovl_s32(vget_low_s32(s32)));
    S[2 * h + 1] = vcvtq_f64_s64(vmovl_s32(vget_high_s32(s32)));
    diff[2 * h] = vcvtq_f64_s64(vmovl_s32(vget_low_s32(d32)));
    diff[2 * h + 1] = vcvtq_f64_s64(vmovl_s32(vget_high_s32(d32)));
  }
  const int lanes = pd.n < kGroup ? pd.n : kGroup;  // the ones to store
  bool exotic;
  factors(c, S, f, &exotic);
  alignas(16) double fl[kGroup];
  for (int j = 0; j < kVecs; ++j) vst1q_f64(fl + 2 * j, f[j]);
  if (exotic)  // ref's libm lanes: recompute those factors the way ref does
    for (int i = 0; i < lanes; ++i) fl[i] = ref::lrn_q8_factor(prm, pd.S[i]);
  for (int j = 0; j < kVecs; ++j) {
    float64x2_t v = vaddq_f64(vrndnq_f64(vmulq_f64(vld1q_f64(fl + 2 * j), diff[j])), dup(zo));
    v = vminq_f64(vmaxq_f64(v, dup(-128.0)), dup(127.0));
    v = vbslq_f64(vceqq_f64(diff[j], dup(0.0)), dup(0.0), v);  // stale lanes: no NaN to convert
    const int64x2_t q = vcvtq_s64_f64(v);
    if (2 * j < lanes) output[pd.off[2 * j]] = static_cast<int8_t>(vgetq_lane_s64(q, 0));
    if (2 * j + 1 < lanes) output[pd.off[2 * j + 1]] = static_cast<int8_t>(vgetq_lane_s64(q, 1));
  }
  // The upper half moves down whole (fixed-size copies, no memmove call): entries past the new
  // n are stale, never stored.
  pd.n -= lanes;
  std::memcpy(pd.S, pd.S + kGroup, sizeof(int32_t) * kGroup);
  std::memcpy(pd.diff, pd.diff + kGroup, sizeof(int32_t) * kGroup);
  std::memcpy(pd.off, pd.off + kGroup, sizeof(size_t) * kGroup);
}

}  // namespace

// ref::lrn_q8: window sums from a per-pixel prefix of squares (integer, exact: ref's S), every
// output first set to the zero-input value, the non-zero inputs gathered kGroup at a time.
bool lrn_q8(const ref::LrnParams& p, const int8_t* input, int8_t* output, int pixels, int channels) {
  const int C = channels;
  if (C > kMaxChannels || p.size > kMaxSize) return false;
  const int lo = (p.size - 1) / 2, size = p.size;
  const Constants c = constants(p);
  const int32_t zi = p.input_zero_point;
  const double zo = static_cast<double>(p.output_zero_point);
  const int8_t zero_out = static_cast<int8_t>(std::min(std::max(zo, -128.0), 127.0));
  alignas(16) int32_t Q[kPrefixLen];
  Pending pd;
  int n = 0;  // a local, not pd.n: an int8 store may alias it, which would reload it per element
  for (int px = 0; px < pixels; ++px) {
    const size_t base = static_cast<size_t>(px) * C;
    const int8_t* x = input + base;
    window_sums(x, C, size, lo, zi, Q);
    std::memset(output + base, zero_out, C);
    for (int c0 = 0; c0 < C; c0 += kGroup) {
      // One block per kGroup channels (no branch per element: qemu, and armperf with it, would
      // split the loop into a block per element).
      auto append = [&](int ch) {
        const int32_t d = x[ch] - zi;
        pd.S[n] = Q[ch + size] - Q[ch];
        pd.diff[n] = d;
        pd.off[n] = base + ch;
        n += d != 0;
      };
      if (c0 + kGroup <= C) {
#pragma GCC unroll 8
        for (int i = 0; i < kGroup; ++i) append(c0 + i);
      } else {
        for (int ch = c0; ch < C; ++ch) append(ch);
      }
      if (n >= kGroup) {
        pd.n = n;
        flush(p, c, zo, pd, output);
        n = pd.n;
      }
    }
  }
  pd.n = n;
  if (pd.n > 0) flush(p, c, zo, pd, output);  // n < kGroup here: one partial flush
  return true;
}

}  // namespace octet::neon::v80

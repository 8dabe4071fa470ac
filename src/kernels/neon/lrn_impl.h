// int8 LRN with ref::lrn_q8's bytes from a float32 screen, in intrinsics common to ARMv8 and ARMv7
// (lrn_v80.cpp, lrn_armv7.cpp instantiate it with their Ops). ref evaluates the factor
// f(S) = ratio * (bias + k S)^-beta in double by long series (~150 cycles of latency per element)
// so that every target rounds alike; an output only needs round(f * diff) to be right. Here f is
// evaluated four lanes per instruction in float32 with short polynomials (relative error ~1e-6,
// kLrnScreenTolerance allows 2^-16), and an output is taken when f * diff is far enough from a
// rounding tie that the exact value must round the same way; the rare others (about 2 * tolerance
// * |f * diff| of them) go to ref's exact evaluation. So the bytes are ref's on every target,
// whatever fused or separate multiply-adds or SIMDe do to the screen.
// Layers outside the screen's analysed range (non-positive bias or alpha, beta over 8, factors
// beyond 2^+-60: no zoo or paper network) have no kernel: lrn_q8 returns false, the runtime binds
// ref.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/neon/lrn_kernels.h"
#include "kernels/neon/neon_include.h"
#include "kernels/ref/lrn_series.h"
#include "kernels/ref/ref_kernels.h"

namespace octet::neon::detail {
namespace {

using ref::lrn_series::Constants;

// The three operations that differ between the paths.
#if defined(__aarch64__) || defined(OCTET_ARCH_simde)
struct LrnOpsV80 {
  static float32x4_t fma(float32x4_t a, float32x4_t b, float32x4_t c) { return vfmaq_f32(a, b, c); }
  static float32x4_t round_even(float32x4_t v) { return vrndnq_f32(v); }  // FRINTN
  static bool all(uint32x4_t m) { return vminvq_u32(m) != 0; }
};
#endif
struct LrnOpsArmv7 {
  static float32x4_t fma(float32x4_t a, float32x4_t b, float32x4_t c) { return vmlaq_f32(a, b, c); }
  // Half to even for |v| < 2^22 (adding 1.5 * 2^23 leaves no fraction bits); beyond, a value of
  // about v, enough for the callers (|v| > 1024 is settled and saturates either way).
  static float32x4_t round_even(float32x4_t v) {
    const float32x4_t magic = vdupq_n_f32(0x1.8p23f);
    return vsubq_f32(vaddq_f32(v, magic), magic);
  }
  static bool all(uint32x4_t m) {
    const uint32x2_t h = vpmin_u32(vget_low_u32(m), vget_high_u32(m));
    return vget_lane_u32(vpmin_u32(h, h), 0) != 0;
  }
};

// log2(1 + x) = x * P(x) on [sqrt(1/2) - 1, sqrt(2) - 1] (|error| <= 1.1e-7) and 2^r = Q(r) on
// [-1/2, 1/2] (relative error <= 1.8e-7): Chebyshev interpolants, coefficients rounded to float.
constexpr float kLog2P[8] = {1.442694902420044f,    -0.721352756023407f,  0.4809240400791168f,
                             -0.36024197936058044f, 0.28707560896873474f, -0.24882180988788605f,
                             0.2342098504304886f,   -0.14620353281497955f};
constexpr float kExp2Q[6] = {1.0000001192092896f,   0.6931471824645996f,    0.2402210682630539f,
                             0.05550327152013779f,  0.009676037356257439f,  0.0013400432653725147f};

// The screen's float32 constants: k, bias, -beta of ref's Constants and the 2^r coefficients
// times ratio (rounded).
struct Screen {
  float32x4_t k, bias, minus_beta, q[6];
};

// Whether the screen's error analysis covers this layer: d = bias + k S >= bias > 0 and normal for
// every S up to 65025 * size, |y| = beta |log2 d| <= 60 and ratio 2^y a normal float. Then the
// screen's relative error (d's three roundings, the polynomials, y's rounding times ln 2 |y|) stays
// within a quarter of kLrnScreenTolerance: the tests check that exhaustively over S (worst seen:
// 1.6e-6, at beta 8).
bool screen_covers(const Constants& c, int size) {
  if (!(c.k >= 0) || !(c.bias >= 0x1p-60) || !(c.minus_beta <= 0) || c.minus_beta < -8) return false;
  if (!(c.ratio >= 0x1p-30 && c.ratio <= 0x1p30)) return false;
  const double d_max = c.bias + c.k * 65025.0 * size;
  const double log_span = std::max(std::fabs(std::log2(c.bias)), std::fabs(std::log2(d_max)));
  return std::isfinite(d_max) && -c.minus_beta * log_span <= 60;
}

Screen make_screen(const Constants& c) {
  Screen s{vdupq_n_f32(static_cast<float>(c.k)), vdupq_n_f32(static_cast<float>(c.bias)),
           vdupq_n_f32(static_cast<float>(c.minus_beta)), {}};
  for (int i = 0; i < 6; ++i) s.q[i] = vdupq_n_f32(static_cast<float>(c.ratio * kExp2Q[i]));
  return s;
}

// f(S) for four window sums (S < 2^24, exact as float).
template <class Ops>
inline float32x4_t screen_factor(const Screen& s, int32x4_t S) {
  const float32x4_t d = Ops::fma(s.bias, s.k, vcvtq_f32_s32(S));
  // d = m 2^e with m in [sqrt(1/2), sqrt(2)): subtracting sqrt(1/2)'s bits leaves e in the
  // exponent field and m's offset in the mantissa. m - 1 is exact.
  const int32x4_t sqrt_half = vdupq_n_s32(0x3f3504f3);
  const int32x4_t ix = vsubq_s32(vreinterpretq_s32_f32(d), sqrt_half);
  const float32x4_t e = vcvtq_f32_s32(vshrq_n_s32(ix, 23));
  const float32x4_t m = vreinterpretq_f32_s32(vaddq_s32(vandq_s32(ix, vdupq_n_s32(0x7fffff)), sqrt_half));
  const float32x4_t x = vsubq_f32(m, vdupq_n_f32(1.0f));
  float32x4_t p = vdupq_n_f32(kLog2P[7]);
  for (int i = 6; i >= 0; --i) p = Ops::fma(vdupq_n_f32(kLog2P[i]), p, x);
  const float32x4_t y = vmulq_f32(s.minus_beta, Ops::fma(e, p, x));
  // ratio 2^y = 2^n (ratio Q(y - n)): n goes into the exponent field (the result stays normal:
  // |y| <= 60, ratio within 2^+-30).
  const float32x4_t n = Ops::round_even(y);
  const float32x4_t r = vsubq_f32(y, n);
  float32x4_t q = s.q[5];
  for (int i = 4; i >= 0; --i) q = Ops::fma(s.q[i], q, r);
  return vreinterpretq_f32_s32(vaddq_s32(vreinterpretq_s32_f32(q), vshlq_n_s32(vcvtq_s32_f32(n), 23)));
}

// Output values for four (S, diff) lanes, saturated to int16; `sure` lanes are all-ones where the
// byte is certainly ref's. v = f diff is within kLrnScreenTolerance * |v| of ref's double product,
// so when v is further than that from every half-integer, both round to the same integer; beyond
// |v| = 1024 both clamp alike (|diff| <= 255, zero points within int8).
template <class Ops>
inline int16x4_t screen_round(const Screen& s, int32x4_t S, int32x4_t diff, int32x4_t zo, uint32x4_t& sure) {
  const float32x4_t v = vmulq_f32(screen_factor<Ops>(s, S), vcvtq_f32_s32(diff));
  const float32x4_t rn = Ops::round_even(v);  // half to even, as nearbyint
  const float32x4_t slack = vsubq_f32(vdupq_n_f32(0.5f), vabdq_f32(v, rn));
  const float32x4_t av = vabsq_f32(v);
  const float32x4_t need = Ops::fma(vdupq_n_f32(0x1p-20f), av, vdupq_n_f32(kLrnScreenTolerance));
  sure = vorrq_u32(vcgtq_f32(slack, need), vcgtq_f32(av, vdupq_n_f32(1024.0f)));
  // FCVTZS of an integer saturates beyond int32; int8 saturation follows.
  return vqmovn_s32(vqaddq_s32(vcvtq_s32_f32(rn), zo));
}

// Outputs the screen could not settle, kept until four of them go to ref's exact evaluation
// together (ref evaluates four lanes at once).
struct Deferred {
  int64_t S[4];
  int32_t diff[4];
  int8_t* out[4];
  int n = 0;
  void flush(const ref::LrnParams& p) {
    if (n == 0) return;  // the usual case at a pixel's tail
    int8_t bytes[4];
    ref::lrn_q8_exact(p, S, diff, n, bytes);
    for (int i = 0; i < n; ++i) *out[i] = bytes[i];
    n = 0;
  }
  void add(const ref::LrnParams& p, int64_t s, int32_t d, int8_t* o) {
    S[n] = s;
    diff[n] = d;
    out[n] = o;
    if (++n == 4) flush(p);
  }
};

constexpr int kMaxChannels = 4096, kMaxSize = 64;

// One pixel's squares (x - z_in)^2 into sq[0, C).
void squares(const int8_t* x, int C, int32_t zi, int32_t* sq) {
  const int8x8_t z = vdup_n_s8(static_cast<int8_t>(zi));
  int c = 0;
  for (; c + 8 <= C; c += 8) {
    const int16x8_t d = vsubl_s8(vld1_s8(x + c), z);
    vst1q_s32(sq + c, vmull_s16(vget_low_s16(d), vget_low_s16(d)));
    vst1q_s32(sq + c + 4, vmull_s16(vget_high_s16(d), vget_high_s16(d)));
  }
  for (; c < C; ++c) sq[c] = (x[c] - zi) * (x[c] - zi);
}

// Window sum of the four channels from sq (the window's first square): Size > 0 a compile-time
// window (the usual 5), 0 the run-time `size`.
template <int Size>
inline int32x4_t window_sum(const int32_t* sq, int size) {
  const int n = Size > 0 ? Size : size;
  int32x4_t acc = vld1q_s32(sq);
  for (int t = 1; t < n; ++t) acc = vaddq_s32(acc, vld1q_s32(sq + t));
  return acc;
}

// 16 channels from x (window sums from sq, at the same channel) into out; lanes the screen cannot
// settle go to `later` (their bytes are written when it flushes). The tail's out is a local copy:
// it settles everything before returning.
template <class Ops, int Size>
inline void lrn16(const ref::LrnParams& p, const Screen& s, int32x4_t zo, const int8_t* x, const int32_t* sq,
                  int8_t* out, Deferred& later) {
  const int16x8_t dl = vsubl_s8(vld1_s8(x), vdup_n_s8(static_cast<int8_t>(p.input_zero_point)));
  const int16x8_t dh = vsubl_s8(vld1_s8(x + 8), vdup_n_s8(static_cast<int8_t>(p.input_zero_point)));
  const int32x4_t d[4] = {vmovl_s16(vget_low_s16(dl)), vmovl_s16(vget_high_s16(dl)), vmovl_s16(vget_low_s16(dh)),
                          vmovl_s16(vget_high_s16(dh))};
  uint32x4_t sure[4];
  int16x4_t h[4];
  for (int j = 0; j < 4; ++j) h[j] = screen_round<Ops>(s, window_sum<Size>(sq + 4 * j, p.size), d[j], zo, sure[j]);
  vst1q_s8(out, vcombine_s8(vqmovn_s16(vcombine_s16(h[0], h[1])), vqmovn_s16(vcombine_s16(h[2], h[3]))));
  if (Ops::all(vandq_u32(vandq_u32(sure[0], sure[1]), vandq_u32(sure[2], sure[3])))) return;
  alignas(16) uint32_t flags[16];
  for (int j = 0; j < 4; ++j) vst1q_u32(flags + 4 * j, sure[j]);
  for (int i = 0; i < 16; ++i)
    if (!flags[i]) {
      int64_t S = 0;
      for (int t = 0; t < p.size; ++t) S += sq[i + t];
      later.add(p, S, x[i] - p.input_zero_point, out + i);
    }
}

template <class Ops, int Size>
void lrn_pixels(const ref::LrnParams& p, const Screen& s, const int8_t* input, int8_t* output, int pixels, int C) {
  const int lo = (p.size - 1) / 2;
  const int32x4_t zo = vdupq_n_s32(p.output_zero_point);
  // The pixel's squares at buf[lo + c] between zero borders: the window sum of channel c is
  // buf[c] + ... + buf[c + size - 1] (ref's window clipped to [0, C)), for c up to C + 15.
  alignas(16) int32_t buf[kMaxChannels + kMaxSize + 16];
  std::memset(buf, 0, sizeof(int32_t) * static_cast<size_t>(lo));
  std::memset(buf + lo + C, 0, sizeof(int32_t) * static_cast<size_t>(p.size + 16 - lo));
  int32_t* sq = buf + lo;
  Deferred later;
  for (int px = 0; px < pixels; ++px) {
    const int8_t* x = input + static_cast<size_t>(px) * C;
    int8_t* y = output + static_cast<size_t>(px) * C;
    squares(x, C, p.input_zero_point, sq);
    int c = 0;
    for (; c + 16 <= C; c += 16) lrn16<Ops, Size>(p, s, zo, x + c, buf + c, y + c, later);
    if (c < C) {  // the last channels through 16-byte copies; their window sums read zero borders
      alignas(16) int8_t xt[16], yt[16];
      std::memset(xt, p.input_zero_point, sizeof xt);
      std::memcpy(xt, x + c, static_cast<size_t>(C - c));
      lrn16<Ops, Size>(p, s, zo, xt, buf + c, yt, later);
      later.flush(p);
      std::memcpy(y + c, yt, static_cast<size_t>(C - c));
    }
  }
  later.flush(p);
}


template <class Ops>
bool lrn_screen_factors(const ref::LrnParams& p, const int32_t* S, int n, float* f) {
  const Constants c = ref::lrn_series::constants(p);
  if (!screen_covers(c, p.size) || n % 4 != 0) return false;
  const Screen s = make_screen(c);
  for (int i = 0; i < n; i += 4) vst1q_f32(f + i, screen_factor<Ops>(s, vld1q_s32(S + i)));
  return true;
}

// Every element through the screen, zero inputs too (f * 0 = 0: the output zero point, as ref's
// shortcut): one dense pass, no gathering of the non-zero ones.
template <class Ops>
bool lrn_q8(const ref::LrnParams& p, const int8_t* input, int8_t* output, int pixels, int channels) {
  const int C = channels;
  if (C < 1 || C > kMaxChannels || p.size < 1 || p.size > kMaxSize) return false;
  const Constants c = ref::lrn_series::constants(p);
  if (!screen_covers(c, p.size)) return false;
  const Screen s = make_screen(c);
  if (p.size == 5)
    lrn_pixels<Ops, 5>(p, s, input, output, pixels, C);
  else
    lrn_pixels<Ops, 0>(p, s, input, output, pixels, C);
  return true;
}

}  // namespace
}  // namespace octet::neon::detail

// Pooling kernels written once in ARMv7-compatible intrinsics and compiled per path
// (pool_v80.cpp, pool_armv7.cpp). Internal linkage throughout (see dw_memory.h).
//
// Max: pool_max_impl.h.
// Average: int8 taps summed in int16 lanes (SADDW; at most 256 taps per int16 partial sum, so it
// cannot overflow), widened to int32, minus n_valid * z_i, then rescale by avg_pool_multiplier(count)
// and the shared requant epilogue, exactly the ref's clamp(z_o + rescale(sum(a - z_i), M(count))).
#pragma once
#include "kernels/neon/dw_memory.h"
#include "kernels/neon/dw_neon_include.h"
#include "kernels/neon/dw_requant.h"
#include "kernels/neon/pool_kernels.h"
#include "kernels/neon/pool_max_impl.h"
#include "kernels/neon/pool_window.h"
#include "quant/op_quant.h"

namespace octet::neon::detail {
namespace {

// Requant constants of an average over `count` taps, recomputed only when the count changes
// (it does only at the borders when padding is excluded).
struct AvgMultiplier {
  int count = -1;
  int32x4_t mult = vdupq_n_s32(0), lshift = vdupq_n_s32(0), rshift = vdupq_n_s32(0);
  void set(const PoolArgs& a, int n) {
    if (n == count) return;
    count = n;
    const Multiplier m = n > 0 ? avg_pool_multiplier(a.input_scale, a.output_scale, n) : Multiplier{};
    mult = vdupq_n_s32(m.multiplier);
    lshift = vdupq_n_s32(m.shift > 0 ? m.shift : 0);
    rshift = vdupq_n_s32(m.shift < 0 ? m.shift : 0);
  }
};

// Sum of `taps` int8 vectors of 8 channels at ptr(i), as two int32x4, with int16 partial sums of
// at most 256 taps.
template <typename Ptr>
inline void pool_sum8(int taps, int n, Ptr ptr, int32x4_t* lo, int32x4_t* hi) {
  for (int t0 = 0; t0 < taps; t0 += 256) {
    const int t1 = taps - t0 < 256 ? taps : t0 + 256;
    int16x8_t s = vdupq_n_s16(0);
    for (int t = t0; t < t1; ++t) s = vaddw_s8(s, dw_load8(ptr(t), n));
    *lo = vaddw_s16(*lo, vget_low_s16(s));
    *hi = vaddw_s16(*hi, vget_high_s16(s));
  }
}

inline void avg_pool_impl(const PoolArgs& a) {
  const PoolGeometry& g = *a.g;
  const int C = g.channels, is = a.in_stride, os = a.out_stride;
  const int16x8_t zp = vdupq_n_s16(static_cast<int16_t>(a.output_zero_point));
  const int8x8_t lo8 = vdup_n_s8(static_cast<int8_t>(a.clamp_min)),
                 hi8 = vdup_n_s8(static_cast<int8_t>(a.clamp_max));
  AvgMultiplier am;
  for (int r = a.begin; r < a.end; ++r) {
    const int b = r / g.out_h, oy = r % g.out_h;
    const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * g.in_h * g.in_w * is;
    int8_t* orow = a.output + static_cast<ptrdiff_t>(r) * g.out_w * os;
    const int iy0 = oy * g.stride_h - g.pad_top;
    int ky0, ky1;
    pool_tap_range(iy0, g.kernel_h, g.in_h, &ky0, &ky1);
    for (int ox = 0; ox < g.out_w; ++ox) {
      const int ix0 = ox * g.stride_w - g.pad_left;
      int kx0, kx1;
      pool_tap_range(ix0, g.kernel_w, g.in_w, &kx0, &kx1);
      const int kw = kx1 - kx0, kh = ky1 - ky0, valid = kh * kw;
      am.set(a, g.count_include_pad ? g.kernel_h * g.kernel_w : valid);
      const int32x4_t init = vdupq_n_s32(-valid * a.input_zero_point);
      int8_t* out = orow + static_cast<ptrdiff_t>(ox) * os;
      const int8_t* base = img + (static_cast<ptrdiff_t>(iy0 + ky0) * g.in_w + ix0 + kx0) * is;
      for (int c = 0; c < C; c += 8) {
        const int n = C - c < 8 ? C - c : 8;
        int32x4_t lo = init, hi = init;
        if (valid <= 256) {  // the usual case: one int16 partial sum, taps walked row by row
          int16x8_t s = vdupq_n_s16(0);
          for (int ky = 0; ky < kh; ++ky) {
            const int8_t* row = base + static_cast<ptrdiff_t>(ky) * g.in_w * is + c;
            if (n == 8)
              for (int kx = 0; kx < kw; ++kx) s = vaddw_s8(s, vld1_s8(row + static_cast<ptrdiff_t>(kx) * is));
            else
              for (int kx = 0; kx < kw; ++kx) s = vaddw_s8(s, dw_load8(row + static_cast<ptrdiff_t>(kx) * is, n));
          }
          lo = vaddw_s16(lo, vget_low_s16(s));
          hi = vaddw_s16(hi, vget_high_s16(s));
        } else {
          pool_sum8(valid, n,
                    [&](int t) { return base + (static_cast<ptrdiff_t>(t / kw) * g.in_w + t % kw) * is + c; },
                    &lo, &hi);
        }
        lo = dw_rescale(lo, am.mult, am.lshift, am.rshift);
        hi = dw_rescale(hi, am.mult, am.lshift, am.rshift);
        dw_store8(out + c, dw_narrow(lo, hi, zp, lo8, hi8), n);
      }
    }
  }
}

inline void global_avg_pool_impl(const PoolArgs& a) {
  const PoolGeometry& g = *a.g;
  const int C = g.channels, pixels = g.in_h * g.in_w;
  const int16x8_t zp = vdupq_n_s16(static_cast<int16_t>(a.output_zero_point));
  const int8x8_t lo8 = vdup_n_s8(static_cast<int8_t>(a.clamp_min)),
                 hi8 = vdup_n_s8(static_cast<int8_t>(a.clamp_max));
  AvgMultiplier am;
  am.set(a, pixels);
  const int32x4_t init = vdupq_n_s32(-pixels * a.input_zero_point);
  for (int b = 0; b < g.batch; ++b) {
    const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * pixels * C;
    for (int c = a.begin; c < a.end; c += 8) {
      const int n = a.end - c < 8 ? a.end - c : 8;
      int32x4_t lo = init, hi = init;
      pool_sum8(pixels, n, [&](int t) { return img + static_cast<ptrdiff_t>(t) * C + c; }, &lo, &hi);
      lo = dw_rescale(lo, am.mult, am.lshift, am.rshift);
      hi = dw_rescale(hi, am.mult, am.lshift, am.rshift);
      dw_store8(a.output + static_cast<ptrdiff_t>(b) * C + c, dw_narrow(lo, hi, zp, lo8, hi8), n);
    }
  }
}

}  // namespace
}  // namespace octet::neon::detail

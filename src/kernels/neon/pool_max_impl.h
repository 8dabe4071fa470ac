// int8 max pooling, written once in ARMv7-compatible intrinsics and compiled per path (through
// pool_impl.h): max over the taps inside the input (padding never wins), then the clamp. Rows of
// the networks' pools take the fast path (pool_max_rows.h); other kernels and rows whose windows
// lie entirely in the padding take the generic per-pixel loop here.
#pragma once
#include <cstddef>

#include "kernels/neon/dw_memory.h"
#include "kernels/neon/dw_neon_include.h"
#include "kernels/neon/pool_kernels.h"
#include "kernels/neon/pool_max_rows.h"
#include "kernels/neon/pool_window.h"

namespace octet::neon::detail {
namespace {

// Generic: output pixel ox of a row, any window, taps iy0 + [ky0, ky1) vertically.
inline void max_pool_pixel(const PoolArgs& a, const int8_t* img, int iy0, int ky0, int ky1, int8_t* orow,
                           int ox) {
  const PoolGeometry& g = *a.g;
  const int C = g.channels, is = a.in_stride;
  const int8x16_t lo16 = vdupq_n_s8(static_cast<int8_t>(a.clamp_min)),
                  hi16 = vdupq_n_s8(static_cast<int8_t>(a.clamp_max));
  const int8x8_t lo8 = vget_low_s8(lo16), hi8 = vget_low_s8(hi16);
  const int ix0 = ox * g.stride_w - g.pad_left;
  int kx0, kx1;
  pool_tap_range(ix0, g.kernel_w, g.in_w, &kx0, &kx1);
  int8_t* out = orow + static_cast<ptrdiff_t>(ox) * a.out_stride;
  const int8_t* base = img + (static_cast<ptrdiff_t>(iy0) * g.in_w + ix0) * is;
  int c = 0;
  for (; c + 16 <= C; c += 16) {
    int8x16_t m = vdupq_n_s8(-128);
    for (int ky = ky0; ky < ky1; ++ky)
      for (int kx = kx0; kx < kx1; ++kx)
        m = vmaxq_s8(m, vld1q_s8(base + (static_cast<ptrdiff_t>(ky) * g.in_w + kx) * is + c));
    vst1q_s8(out + c, vminq_s8(vmaxq_s8(m, lo16), hi16));
  }
  for (; c < C; c += 8) {
    const int n = C - c < 8 ? C - c : 8;
    int8x8_t m = vdup_n_s8(-128);
    for (int ky = ky0; ky < ky1; ++ky)
      for (int kx = kx0; kx < kx1; ++kx)
        m = vmax_s8(m, dw_load8(base + (static_cast<ptrdiff_t>(ky) * g.in_w + kx) * is + c, n));
    dw_store8(out + c, vmin_s8(vmax_s8(m, lo8), hi8), n);
  }
}

inline void max_pool_impl(const PoolArgs& a) {
  const PoolGeometry& g = *a.g;
  const MaxRowFn fast = max_row_fast_path(a);
  for (int r = a.begin; r < a.end; ++r) {
    const int b = r / g.out_h, oy = r % g.out_h;
    const int8_t* img = a.input + static_cast<ptrdiff_t>(b) * g.in_h * g.in_w * a.in_stride;
    int8_t* orow = a.output + static_cast<ptrdiff_t>(r) * g.out_w * a.out_stride;
    const int iy0 = oy * g.stride_h - g.pad_top;
    int ky0, ky1;
    pool_tap_range(iy0, g.kernel_h, g.in_h, &ky0, &ky1);
    if (fast && ky1 > ky0)
      fast(a, img, iy0, ky0, ky1, orow);
    else
      for (int ox = 0; ox < g.out_w; ++ox) max_pool_pixel(a, img, iy0, ky0, ky1, orow, ox);
  }
}

}  // namespace
}  // namespace octet::neon::detail

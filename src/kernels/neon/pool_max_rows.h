// Max-pool fast path for the networks' pools (kernel 3x3 stride 1 or 2, 2x2 stride 2): one output
// row at a time, kernel size and stride known at compile time, so there is no per-tap address
// arithmetic.
//
// Interior outputs (window inside the input horizontally) walk the input columns once: each
// column's vertical max (K loads, K-1 VMAX) is computed once and kept in registers for the
// K - S neighbouring windows that share it. Padding is handled without a second code path because
// max is idempotent: a row or column outside the input is replaced by a valid one of the same
// window (the window must hold at least one; max_pool_impl checks), so every output is the max of
// exactly the ref's taps. Edge columns (few) redo their K column maxima each.
#pragma once
#include <cstddef>

#include "kernels/neon/dw_memory.h"
#include "kernels/neon/dw_neon_include.h"
#include "kernels/neon/pool_kernels.h"
#include "kernels/neon/pool_window.h"

namespace octet::neon::detail {
namespace {

// Channel blocks: N x 16 channels (Q registers), 8, and a tail of n < 8 that never touches memory
// past the n valid bytes. N > 1 gives the in-order cores (A53/A55: SMAX result latency of several
// cycles, no reordering) N independent chains to interleave. store() applies the clamp unless the
// clamp is the full int8 range (Clamp = false saves 2 of the 6-8 vector ops per output).
template <int N, bool Clamp>
struct MaxBlock16 {
  struct V {
    int8x16_t v[N];
  };
  int8x16_t lo, hi;
  V load(const int8_t* p) const {
    V r;
    for (int i = 0; i < N; ++i) r.v[i] = vld1q_s8(p + 16 * i);
    return r;
  }
  static V max(const V& x, const V& y) {
    V r;
    for (int i = 0; i < N; ++i) r.v[i] = vmaxq_s8(x.v[i], y.v[i]);
    return r;
  }
  void store(int8_t* p, const V& x) const {
    for (int i = 0; i < N; ++i) vst1q_s8(p + 16 * i, Clamp ? vminq_s8(vmaxq_s8(x.v[i], lo), hi) : x.v[i]);
  }
};
template <bool Clamp>
struct MaxBlock8 {
  int8x8_t lo, hi;
  int8x8_t load(const int8_t* p) const { return vld1_s8(p); }
  static int8x8_t max(int8x8_t x, int8x8_t y) { return vmax_s8(x, y); }
  void store(int8_t* p, int8x8_t v) const { vst1_s8(p, Clamp ? vmin_s8(vmax_s8(v, lo), hi) : v); }
};
struct MaxBlockTail {
  int8x8_t lo, hi;
  int n;
  int8x8_t load(const int8_t* p) const { return dw_load8(p, n); }
  static int8x8_t max(int8x8_t x, int8x8_t y) { return vmax_s8(x, y); }
  void store(int8_t* p, int8x8_t v) const { dw_store8(p, vmin_s8(vmax_s8(v, lo), hi), n); }
};

// 64-channel blocks need 12 row addresses and 12+ Q registers live: fine on A64 (31 GPRs, 32 Q
// registers), spills on ARMv7 (13 GPRs, 16 Q registers), which keeps 32-channel blocks.
#if defined(__arm__)
constexpr bool kMaxPoolWideBlocks = false;
#else
constexpr bool kMaxPoolWideBlocks = true;
#endif

// One output row: the K input rows (clipped ones replaced) and the column geometry, in bytes.
template <int K>
struct MaxRow {
  const int8_t* rows[K];
  ptrdiff_t is, os;
  int in_w, pad_left, out_w, ox0, ox1;  // [ox0, ox1): interior outputs
};

// Vertical max of one input column over the K rows (byte offset `off` from each row start).
template <int K, class B>
inline auto max_column(const B& b, const MaxRow<K>& r, ptrdiff_t off) {
  auto m = b.load(r.rows[0] + off);
  for (int k = 1; k < K; ++k) m = B::max(m, b.load(r.rows[k] + off));
  return m;
}

// Edge output ox (window partly outside horizontally): columns clamped into the input.
template <int K, int S, class B>
inline void max_edge_pixel(const B& b, const MaxRow<K>& r, int ox, int c, int8_t* orow) {
  const auto col = [&](int x) {
    x = x < 0 ? 0 : x >= r.in_w ? r.in_w - 1 : x;
    return max_column<K>(b, r, x * r.is + c);
  };
  const int ix0 = ox * S - r.pad_left;
  auto m = col(ix0);
  for (int j = 1; j < K; ++j) m = B::max(m, col(ix0 + j));
  b.store(orow + ox * r.os + c, m);
}

// Interior outputs [ox0, ox1) (ox0 < ox1) for channels [c, c + block width). The shared column
// maxima live in named variables, not an array: GCC scalarizes only small aggregates, and an
// array of K 64-channel columns would live on the stack.
template <int K, int S, class B>
inline void max_row_interior(const B& b, const MaxRow<K>& r, int c, int8_t* orow) {
  static_assert((K == 3 && (S == 1 || S == 2)) || (K == 2 && S == 2), "fast path shapes");
  const ptrdiff_t is = r.is, os = r.os;
  ptrdiff_t off = (r.ox0 * S - r.pad_left) * is + c;
  int8_t* out = orow + r.ox0 * os + c;
  int ox = r.ox0;
  if constexpr (K == 2) {
    for (; ox < r.ox1; ++ox, off += 2 * is, out += os)
      b.store(out, B::max(max_column<K>(b, r, off), max_column<K>(b, r, off + is)));
  } else if constexpr (S == 2) {
    auto c0 = max_column<K>(b, r, off);
    for (; ox < r.ox1; ++ox, off += 2 * is, out += os) {
      const auto c1 = max_column<K>(b, r, off + is), c2 = max_column<K>(b, r, off + 2 * is);
      b.store(out, B::max(B::max(c0, c1), c2));
      c0 = c2;
    }
  } else {  // 3x3 stride 1: two outputs per step share max(c1, c2)
    auto c0 = max_column<K>(b, r, off), c1 = max_column<K>(b, r, off + is);
    for (; ox + 2 <= r.ox1; ox += 2, off += 2 * is, out += 2 * os) {
      const auto c2 = max_column<K>(b, r, off + 2 * is), c3 = max_column<K>(b, r, off + 3 * is);
      const auto m12 = B::max(c1, c2);
      b.store(out, B::max(c0, m12));
      b.store(out + os, B::max(m12, c3));
      c0 = c2;
      c1 = c3;
    }
    if (ox < r.ox1) b.store(out, B::max(B::max(c0, c1), max_column<K>(b, r, off + 2 * is)));
  }
}

// The whole row for channels [c, c + block width). With no interior output the first window's
// offset may lie before the row, so the interior loop is skipped, not entered.
template <int K, int S, class B>
inline void max_row_block(const B& b, const MaxRow<K>& r, int c, int8_t* orow) {
  for (int ox = 0; ox < r.ox0; ++ox) max_edge_pixel<K, S>(b, r, ox, c, orow);
  if (r.ox0 < r.ox1) max_row_interior<K, S>(b, r, c, orow);
  for (int ox = r.ox1; ox < r.out_w; ++ox) max_edge_pixel<K, S>(b, r, ox, c, orow);
}

// Output row starting at input row iy0, input rows iy0 + [ky0, ky1) valid (ky1 > ky0); every
// window must hold at least one input column (max_row_fast_path's condition).
template <int K, int S, bool Clamp>
void max_row(const PoolArgs& a, const int8_t* img, int iy0, int ky0, int ky1, int8_t* orow) {
  const PoolGeometry& g = *a.g;
  MaxRow<K> r;
  for (int k = 0; k < K; ++k) {
    const int ky = k < ky0 ? ky0 : k >= ky1 ? ky1 - 1 : k;
    r.rows[k] = img + static_cast<ptrdiff_t>(iy0 + ky) * g.in_w * a.in_stride;
  }
  r.is = a.in_stride;
  r.os = a.out_stride;
  r.in_w = g.in_w;
  r.pad_left = g.pad_left;
  r.out_w = g.out_w;
  pool_interior_range(g.out_w, K, S, g.pad_left, g.in_w, &r.ox0, &r.ox1);
  const int C = g.channels;
  const int8x16_t lo = vdupq_n_s8(static_cast<int8_t>(a.clamp_min)),
                  hi = vdupq_n_s8(static_cast<int8_t>(a.clamp_max));
  const int8x8_t lo8 = vget_low_s8(lo), hi8 = vget_low_s8(hi);
  int c = 0;
  if constexpr (kMaxPoolWideBlocks)
    for (; c + 64 <= C; c += 64) max_row_block<K, S>(MaxBlock16<4, Clamp>{lo, hi}, r, c, orow);
  for (; c + 32 <= C && !kMaxPoolWideBlocks; c += 32) max_row_block<K, S>(MaxBlock16<2, Clamp>{lo, hi}, r, c, orow);
  if (c + 32 <= C) {
    max_row_block<K, S>(MaxBlock16<2, Clamp>{lo, hi}, r, c, orow);
    c += 32;
  }
  if (c + 16 <= C) {
    max_row_block<K, S>(MaxBlock16<1, Clamp>{lo, hi}, r, c, orow);
    c += 16;
  }
  if (c + 8 <= C) {
    max_row_block<K, S>(MaxBlock8<Clamp>{lo8, hi8}, r, c, orow);
    c += 8;
  }
  if (c < C) max_row_block<K, S>(MaxBlockTail{lo8, hi8, C - c}, r, c, orow);
}

using MaxRowFn = void (*)(const PoolArgs&, const int8_t*, int, int, int, int8_t*);

template <int K, int S>
MaxRowFn max_row_for_clamp(const PoolArgs& a) {
  if (clamp_is_int8_range(a.clamp_min, a.clamp_max)) return max_row<K, S, false>;
  return max_row<K, S, true>;
}

// The fast row kernel for this pool, or null (generic path): square kernel 3 with stride 1 or 2
// or kernel 2 with stride 2 (any vertical stride), and every window holding an input column.
inline MaxRowFn max_row_fast_path(const PoolArgs& a) {
  const PoolGeometry& g = *a.g;
  const int K = g.kernel_w, S = g.stride_w;
  if (g.kernel_h != K || g.pad_left >= K || (g.out_w - 1) * S - g.pad_left >= g.in_w) return nullptr;
  if (K == 3 && S == 1) return max_row_for_clamp<3, 1>(a);
  if (K == 3 && S == 2) return max_row_for_clamp<3, 2>(a);
  if (K == 2 && S == 2) return max_row_for_clamp<2, 2>(a);
  return nullptr;
}

}  // namespace
}  // namespace octet::neon::detail

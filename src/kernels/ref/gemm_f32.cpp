// Cache-blocked float GEMM, C = A * B^T (A [M][K], B [N][K]: both K-contiguous), the converter's
// float executor hot path. Both operands are packed k-major per block, so the micro-kernel reads
// kNR contiguous floats of B and broadcasts one A value per row into a register tile.
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/ref/gemm_f32_strided.h"
#include "kernels/ref/ref_kernels.h"

namespace octet::ref {

namespace {

// Goto-style blocking: a B block (kKC x kNC) is packed into kNR-column panels, an A block
// (kMC x kKC) into kMR-row panels; one B panel (8 KiB) stays in L1 while the micro-kernel walks
// the A block (72 KiB, L2) beneath it.
constexpr int kMR = 6;
constexpr int kNR = 8;
constexpr int kMC = 72;
constexpr int kKC = 256;
constexpr int kNC = 512;

// GCC vector extensions (4 floats: one SSE / NEON q register), so the 6 x 8 accumulator tile
// (12 registers) stays in registers whatever the auto-vectoriser decides.
typedef float f32x4 __attribute__((vector_size(16)));
constexpr int kNV = kNR / 4;

inline f32x4 load4(const float* p) {
  f32x4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store4(float* p, f32x4 v) { std::memcpy(p, &v, sizeof v); }

// Packs B[n0 .. n0+nc)[k0 .. k0+kc) into panels [nc/kNR][kc][kNR], zero-padding the last one.
void pack_b(const float* B, int ldb, int n0, int nc, int k0, int kc, float* packed) {
  for (int j0 = 0; j0 < nc; j0 += kNR) {
    const int nr = std::min(kNR, nc - j0);
    float* dst = packed + static_cast<size_t>(j0) * kc;
    for (int j = 0; j < kNR; ++j) {
      const float* src = B + static_cast<size_t>(n0 + j0 + j) * ldb + k0;
      for (int k = 0; k < kc; ++k) dst[k * kNR + j] = j < nr ? src[k] : 0.0f;
    }
  }
}

// Packs A[m0 .. m0+mc)[k0 .. k0+kc) into panels [mc/kMR][kc][kMR], zero-padding the last one.
void pack_a(const float* A, int lda, int m0, int mc, int k0, int kc, float* packed) {
  for (int i0 = 0; i0 < mc; i0 += kMR) {
    const int mr = std::min(kMR, mc - i0);
    float* dst = packed + static_cast<size_t>(i0) * kc;
    for (int i = 0; i < kMR; ++i) {
      const float* src = A + static_cast<size_t>(m0 + i0 + i) * lda + k0;
      for (int k = 0; k < kc; ++k) dst[k * kMR + i] = i < mr ? src[k] : 0.0f;
    }
  }
}

// acc = Ap (kc x kMR panel)^T * Bp (kc x kNR panel).
inline void micro_kernel(int kc, const float* __restrict Ap, const float* __restrict Bp,
                         f32x4 acc[kMR][kNV]) {
  for (int i = 0; i < kMR; ++i)
    for (int v = 0; v < kNV; ++v) acc[i][v] = f32x4{};
  for (int k = 0; k < kc; ++k) {
    f32x4 b[kNV];
    for (int v = 0; v < kNV; ++v) b[v] = load4(Bp + k * kNR + 4 * v);
    for (int i = 0; i < kMR; ++i) {
      const float a = Ap[k * kMR + i];
      for (int v = 0; v < kNV; ++v) acc[i][v] += a * b[v];
    }
  }
}

// C tile (mr x nr) = acc + (previous K blocks' C, or bias, or 0), clamped after the last block.
void store_tile(const f32x4 acc[kMR][kNV], int mr, int nr, float* C, int ldc, bool accumulate,
                const float* bias, bool last, float lo, float hi) {
  if (mr == kMR && nr == kNR) {
    for (int i = 0; i < kMR; ++i)
      for (int v = 0; v < kNV; ++v) {
        float* c = C + i * ldc + 4 * v;
        f32x4 x = acc[i][v] + (accumulate ? load4(c) : bias ? load4(bias + 4 * v) : f32x4{});
        if (last) {
          x = x < lo ? f32x4{} + lo : x;
          x = x > hi ? f32x4{} + hi : x;
        }
        store4(c, x);
      }
    return;
  }
  float tile[kMR][kNR];
  std::memcpy(tile, acc, sizeof tile);
  for (int i = 0; i < mr; ++i)
    for (int j = 0; j < nr; ++j) {
      float* c = C + i * ldc + j;
      float x = tile[i][j] + (accumulate ? *c : bias ? bias[j] : 0.0f);
      if (last) x = std::min(std::max(x, lo), hi);
      *c = x;
    }
}

}  // namespace

void gemm_f32_strided(int M, int N, int K, const float* A, int lda, const float* B, int ldb,
                      const float* bias, float lo, float hi, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // empty sum: bias only
    for (int m = 0; m < M; ++m)
      for (int n = 0; n < N; ++n)
        C[static_cast<size_t>(m) * ldc + n] = std::min(std::max(bias ? bias[n] : 0.0f, lo), hi);
    return;
  }
  const int kc_max = std::min(kKC, K);
  const int nc_max = std::min(kNC, (N + kNR - 1) / kNR * kNR);
  const int mc_max = std::min(kMC, (M + kMR - 1) / kMR * kMR);
  std::vector<float> packed_b(static_cast<size_t>(kc_max) * nc_max);
  std::vector<float> packed_a(static_cast<size_t>(kc_max) * mc_max);
  f32x4 acc[kMR][kNV];
  for (int n0 = 0; n0 < N; n0 += kNC) {
    const int nc = std::min(kNC, N - n0);
    for (int k0 = 0; k0 < K; k0 += kKC) {
      const int kc = std::min(kKC, K - k0);
      const bool accumulate = k0 > 0, last = k0 + kc == K;
      pack_b(B, ldb, n0, nc, k0, kc, packed_b.data());
      for (int m0 = 0; m0 < M; m0 += kMC) {
        const int mc = std::min(kMC, M - m0);
        pack_a(A, lda, m0, mc, k0, kc, packed_a.data());
        for (int j0 = 0; j0 < nc; j0 += kNR) {
          const float* bp = packed_b.data() + static_cast<size_t>(j0) * kc;
          const float* bs = bias ? bias + n0 + j0 : nullptr;
          for (int i0 = 0; i0 < mc; i0 += kMR) {
            micro_kernel(kc, packed_a.data() + static_cast<size_t>(i0) * kc, bp, acc);
            store_tile(acc, std::min(kMR, mc - i0), std::min(kNR, nc - j0),
                       C + static_cast<size_t>(m0 + i0) * ldc + n0 + j0, ldc, accumulate, bs, last,
                       lo, hi);
          }
        }
      }
    }
  }
}

void gemm_f32(int M, int N, int K, const float* A, const float* B, const float* bias, float lo,
              float hi, float* C) {
  gemm_f32_strided(M, N, K, A, K, B, K, bias, lo, hi, C, N);
}

}  // namespace octet::ref

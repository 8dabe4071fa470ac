// Cache-blocked float GEMM, C = A * B^T, written so that GCC vectorises the micro-tile.
// B (the weights, [N][K]) is packed per K block into panels of kNR columns, k-major, so the
// micro-kernel reads kNR contiguous floats per k and broadcasts one A value per row: an
// kMR x kNR tile of accumulators lives in registers (6 x 8 = 12 SSE / 12 NEON q registers).
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/ref/gemm_f32_strided.h"
#include "kernels/ref/ref_kernels.h"

namespace octet::ref {

namespace {

constexpr int kMR = 6;
constexpr int kNR = 8;
constexpr int kKC = 256;  // K block: a packed B panel (kKC x kNR floats = 8 KiB) stays in L1
constexpr int kNC = 512;  // N block: the packed B block (kKC x kNC floats = 512 KiB) in L2

// Packs B[n0 .. n0+nc)[k0 .. k0+kc) into panels [nc/kNR][kc][kNR], zero-padding the last panel.
void pack_b(const float* B, int ldb, int n0, int nc, int k0, int kc, float* packed) {
  for (int j0 = 0; j0 < nc; j0 += kNR) {
    const int nr = std::min(kNR, nc - j0);
    float* dst = packed + static_cast<size_t>(j0) * kc;
    for (int j = 0; j < kNR; ++j) {
      if (j < nr) {
        const float* src = B + static_cast<size_t>(n0 + j0 + j) * ldb + k0;
        for (int k = 0; k < kc; ++k) dst[k * kNR + j] = src[k];
      } else {
        for (int k = 0; k < kc; ++k) dst[k * kNR + j] = 0.0f;
      }
    }
  }
}

// Full kMR x kNR tile on GCC vector extensions (4 floats: one SSE / NEON q register), so the
// accumulators stay in registers whatever the auto-vectoriser decides for the k loop.
typedef float f32x4 __attribute__((vector_size(16)));
constexpr int kNV = kNR / 4;

inline f32x4 load4(const float* p) {
  f32x4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store4(float* p, f32x4 v) { std::memcpy(p, &v, sizeof v); }

// acc starts from C (accumulate), from bias, or from 0.
void micro_tile(int kc, const float* __restrict A, int lda, const float* __restrict Bp,
                float* __restrict C, int ldc, bool accumulate, const float* bias, bool last,
                float lo, float hi) {
  f32x4 acc[kMR][kNV];
  for (int i = 0; i < kMR; ++i)
    for (int v = 0; v < kNV; ++v)
      acc[i][v] = accumulate ? load4(C + i * ldc + 4 * v) : bias ? load4(bias + 4 * v) : f32x4{};
  for (int k = 0; k < kc; ++k) {
    f32x4 b[kNV];
    for (int v = 0; v < kNV; ++v) b[v] = load4(Bp + k * kNR + 4 * v);
    for (int i = 0; i < kMR; ++i) {
      const float a = A[i * lda + k];
      for (int v = 0; v < kNV; ++v) acc[i][v] += a * b[v];
    }
  }
  for (int i = 0; i < kMR; ++i)
    for (int v = 0; v < kNV; ++v) {
      f32x4 x = acc[i][v];
      if (last) {
        x = x < lo ? f32x4{} + lo : x;
        x = x > hi ? f32x4{} + hi : x;
      }
      store4(C + i * ldc + 4 * v, x);
    }
}

// Edge tile (mr <= kMR rows, nr <= kNR columns): same arithmetic, bounds-checked stores.
void edge_tile(int mr, int nr, int kc, const float* A, int lda, const float* Bp, float* C, int ldc,
               bool accumulate, const float* bias, bool last, float lo, float hi) {
  float acc[kMR][kNR] = {};
  for (int i = 0; i < mr; ++i)
    for (int j = 0; j < nr; ++j)
      acc[i][j] = accumulate ? C[i * ldc + j] : (bias ? bias[j] : 0.0f);
  for (int k = 0; k < kc; ++k) {
    const float* b = Bp + k * kNR;
    for (int i = 0; i < mr; ++i) {
      const float a = A[i * lda + k];
      for (int j = 0; j < kNR; ++j) acc[i][j] += a * b[j];
    }
  }
  for (int i = 0; i < mr; ++i)
    for (int j = 0; j < nr; ++j) {
      float v = acc[i][j];
      if (last) v = std::min(std::max(v, lo), hi);
      C[i * ldc + j] = v;
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
  const int nc_max = std::min(kNC, (N + kNR - 1) / kNR * kNR);
  std::vector<float> packed(static_cast<size_t>(std::min(kKC, K)) * nc_max);
  for (int n0 = 0; n0 < N; n0 += kNC) {
    const int nc = std::min(kNC, N - n0);
    for (int k0 = 0; k0 < K; k0 += kKC) {
      const int kc = std::min(kKC, K - k0);
      const bool accumulate = k0 > 0, last = k0 + kc == K;
      pack_b(B, ldb, n0, nc, k0, kc, packed.data());
      for (int m0 = 0; m0 < M; m0 += kMR) {
        const int mr = std::min(kMR, M - m0);
        const float* a = A + static_cast<size_t>(m0) * lda + k0;
        for (int j0 = 0; j0 < nc; j0 += kNR) {
          const int nr = std::min(kNR, nc - j0);
          const float* bp = packed.data() + static_cast<size_t>(j0) * kc;
          float* c = C + static_cast<size_t>(m0) * ldc + n0 + j0;
          const float* bs = bias ? bias + n0 + j0 : nullptr;
          if (mr == kMR && nr == kNR)
            micro_tile(kc, a, lda, bp, c, ldc, accumulate, bs, last, lo, hi);
          else
            edge_tile(mr, nr, kc, a, lda, bp, c, ldc, accumulate, bs, last, lo, hi);
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

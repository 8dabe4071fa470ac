// The blocked float GEMM behind gemm_f32, with explicit row strides so that conv_f32 can run one
// group at a time, reading and writing channel slices of NHWC tensors in place.
#pragma once

namespace octet::ref {

// C[m][n] (row stride ldc) = clamp(sum_k A[m][k] * B[n][k] + bias[n], lo, hi);
// A has row stride lda, B row stride ldb, bias may be null.
void gemm_f32_strided(int M, int N, int K, const float* A, int lda, const float* B, int ldb,
                      const float* bias, float lo, float hi, float* C, int ldc);

}  // namespace octet::ref

// Portable reference kernels: the oracle every other path is compared with, bit for bit (int8),
// and the float executor the converter calibrates with. NHWC; see kernels/op_params.h for the
// parameter structs and quant/rescale.h for the normative arithmetic.
//
// Strides: `in_stride` / `out_stride` are pixel strides in elements (0 means dense: the channel
// count). An output stride larger than the channel count writes a channel slice of a concatenated
// tensor.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/op_params.h"

namespace octet::ref {

// ---- int8 ----
// Convolution of any kernel size, stride, dilation, padding and groups (depthwise included).
// The accumulator is int32 arithmetic (wraps modulo 2^32, exact whenever the true sum fits);
// weight_zero_points / bias_folded may be null here (all zero). No allocation in any int8 kernel.
void conv_q8(const QConvParams& p, const int8_t* input, int8_t* output, int in_stride = 0,
             int out_stride = 0);
// Fully connected: input [batch][in_c], weights [out_c][in_c] (QConvParams with 1x1 geometry,
// in_h = in_w = out_h = out_w = 1).
void fully_connected_q8(const QConvParams& p, const int8_t* input, int8_t* output);
// Pools: a window with no tap inside the input (padding >= kernel) gives max -128 / average 0
// (the output zero point), then the clamp.
void max_pool_q8(const PoolGeometry& g, int32_t clamp_min, int32_t clamp_max, const int8_t* input,
                 int8_t* output, int in_stride = 0, int out_stride = 0);
void avg_pool_q8(const QPoolParams& p, const int8_t* input, int8_t* output, int in_stride = 0,
                 int out_stride = 0);
// Global average pool: [batch][h][w][c] -> [batch][c] (count = h * w).
void global_avg_pool_q8(const QPoolParams& p, const int8_t* input, int8_t* output);
// Elementwise add of two tensors of `count` elements each.
void add_q8(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* output, size_t count);
// Concatenation along channels: input i has channels[i] channels and quantization
// (scales[i], zero_points[i]); inputs with other parameters than the output are requantized
// (round to nearest, ties up), equal ones are copied.
void concat_q8(int pixels, int num_inputs, const int8_t* const* inputs, const int* channels,
               const float* scales, const int32_t* zero_points, float output_scale,
               int32_t output_zero_point, int8_t* output);
void clamp_q8(const int8_t* input, int8_t* output, size_t count, int32_t lo, int32_t hi);
// Softmax over the last dimension: int8 in, float out (dequantize, then a stable float softmax).
void softmax_q8_f32(const int8_t* input, float scale, int32_t zero_point, int rows, int cols,
                    float* output);
void quantize_f32_q8(const float* input, int8_t* output, size_t count, float scale,
                     int32_t zero_point);
void dequantize_q8_f32(const int8_t* input, float* output, size_t count, float scale,
                       int32_t zero_point);
// Local response normalization across channels (ONNX LRN) over [pixels][channels]:
// y[c] = x[c] / (bias + alpha / size * sum_{j in window} x[j]^2)^beta, window
// [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to the channels. The int8 form computes
// the sum of squares exactly in integers, the rest in double with IEEE basic operations only (no
// libm pow, no FMA contraction): bit-identical on every target, within 1 LSB of the real value.
// A zero input (q == input zero point) gives the output zero point.
struct LrnParams {
  int size = 1;
  float alpha = 0, beta = 0, bias = 1;
  float input_scale = 1;
  int32_t input_zero_point = 0;
  float output_scale = 1;
  int32_t output_zero_point = 0;
};
void lrn_q8(const LrnParams& p, const int8_t* input, int8_t* output, int pixels, int channels);
// What lrn_q8 multiplies (q - z_in) by for a window sum of squares S = sum (q_j - z_in)^2, before
// rounding: s_in / s_out * (bias + alpha / size * s_in^2 * S)^-beta. Exposed so that tests can
// check its bits (not only the rounded int8) are the same on every target.
double lrn_q8_factor(const LrnParams& p, int64_t sum_squares);
// lrn_q8's output bytes for n elements from their window sums and q - z_in (several lanes per
// evaluation): for kernels that settle most outputs another way and hand ref the rest.
void lrn_q8_exact(const LrnParams& p, const int64_t* sums, const int32_t* diffs, int n, int8_t* out);
// uint8 HWC image -> int8 tensor in one step: real = (pixel - mean[c]) / std[c], then quantized.
void normalize_u8_q8(const uint8_t* image, int pixels, int channels, const float* mean,
                     const float* std, float scale, int32_t zero_point, int8_t* output);
// The same step as a lookup: a uint8 pixel has 256 values, so normalize_u8_q8 is tabulated once
// per channel (table[c * 256 + v], built by normalize_u8_q8 itself: bit-exact by construction)
// and the per-image work is one byte lookup per element instead of a float divide and round.
constexpr size_t normalize_table_size(int channels) { return static_cast<size_t>(channels) * 256; }
void normalize_u8_q8_table(int channels, const float* mean, const float* std, float scale,
                           int32_t zero_point, int8_t* table);
void normalize_u8_q8_lookup(const uint8_t* image, int pixels, int channels, const int8_t* table,
                            int8_t* output);

// ---- float32 (the converter's float executor; im2col + blocked GEMM, reasonably fast) ----
void conv_f32(const FConvParams& p, const float* input, float* output);
// input [batch][in_c], weights [out_c][in_c].
void fully_connected_f32(const FConvParams& p, const float* input, float* output);
void max_pool_f32(const PoolGeometry& g, const float* input, float* output);
void avg_pool_f32(const PoolGeometry& g, const float* input, float* output);
void global_avg_pool_f32(const PoolGeometry& g, const float* input, float* output);
void add_f32(const float* a, const float* b, float* output, size_t count, float clamp_min,
             float clamp_max);
void concat_f32(int pixels, int num_inputs, const float* const* inputs, const int* channels,
                float* output);
void clamp_f32(const float* input, float* output, size_t count, float lo, float hi);
void softmax_f32(const float* input, int rows, int cols, float* output);
// LRN in float (sum of squares and power in double), same window as lrn_q8.
void lrn_f32(int size, float alpha, float beta, float bias, const float* input, float* output,
             int pixels, int channels);
// C = A[M][K] * B[N][K]^T (+ bias[N]), clamped: the GEMM under conv_f32 and fully_connected_f32.
void gemm_f32(int M, int N, int K, const float* A, const float* B, const float* bias, float lo,
              float hi, float* C);

}  // namespace octet::ref

// int8 <-> float conversions, the fused input normalization, clamp and softmax.
// Quantization rounds like quantize_value() (std::nearbyint: ties to even) and saturates, so the
// kernels agree with the converter's own quantization of constants.
#include <algorithm>
#include <cmath>

#include "kernels/ref/ref_kernels.h"
#include "quant/quant_params.h"

namespace octet::ref {

void clamp_q8(const int8_t* input, int8_t* output, size_t count, int32_t lo, int32_t hi) {
  for (size_t i = 0; i < count; ++i)
    output[i] = static_cast<int8_t>(std::min<int32_t>(std::max<int32_t>(input[i], lo), hi));
}

void softmax_q8_f32(const int8_t* input, float scale, int32_t zero_point, int rows, int cols,
                    float* output) {
  for (int r = 0; r < rows; ++r) {
    const int8_t* in = input + static_cast<size_t>(r) * cols;
    float* out = output + static_cast<size_t>(r) * cols;
    // Dequantize, then the float softmax (max subtracted for stability).
    for (int c = 0; c < cols; ++c) out[c] = scale * static_cast<float>(in[c] - zero_point);
    softmax_f32(out, 1, cols, out);
  }
}

void quantize_f32_q8(const float* input, int8_t* output, size_t count, float scale,
                     int32_t zero_point) {
  const QuantParams p{scale, zero_point};
  for (size_t i = 0; i < count; ++i)
    output[i] = static_cast<int8_t>(quantize_value(input[i], p, kActivationMin, kActivationMax));
}

void dequantize_q8_f32(const int8_t* input, float* output, size_t count, float scale,
                       int32_t zero_point) {
  for (size_t i = 0; i < count; ++i) output[i] = scale * static_cast<float>(input[i] - zero_point);
}

void normalize_u8_q8(const uint8_t* image, int pixels, int channels, const float* mean,
                     const float* std, float scale, int32_t zero_point, int8_t* output) {
  const QuantParams p{scale, zero_point};
  for (int px = 0; px < pixels; ++px)
    for (int c = 0; c < channels; ++c) {
      const size_t i = static_cast<size_t>(px) * channels + c;
      const float real = (static_cast<float>(image[i]) - mean[c]) / std[c];
      output[i] = static_cast<int8_t>(quantize_value(real, p, kActivationMin, kActivationMax));
    }
}

void normalize_u8_q8_table(int channels, const float* mean, const float* std, float scale,
                           int32_t zero_point, int8_t* table) {
  // Row v of a 256-pixel image holds value v in every channel; its output is row v of the table.
  uint8_t ramp[256 * 4];
  int8_t row[256 * 4];
  for (int c0 = 0; c0 < channels; c0 += 4) {  // 4 channels at a time keeps the buffers on the stack
    const int n = std::min(4, channels - c0);
    for (int v = 0; v < 256; ++v)
      for (int c = 0; c < n; ++c) ramp[v * n + c] = static_cast<uint8_t>(v);
    normalize_u8_q8(ramp, 256, n, mean + c0, std + c0, scale, zero_point, row);
    for (int v = 0; v < 256; ++v)
      for (int c = 0; c < n; ++c) table[(c0 + c) * 256 + v] = row[v * n + c];
  }
}

void normalize_u8_q8_lookup(const uint8_t* image, int pixels, int channels, const int8_t* table,
                            int8_t* output) {
  for (int px = 0; px < pixels; ++px)
    for (int c = 0; c < channels; ++c) {
      const size_t i = static_cast<size_t>(px) * channels + c;
      output[i] = table[c * 256 + image[i]];
    }
}

}  // namespace octet::ref

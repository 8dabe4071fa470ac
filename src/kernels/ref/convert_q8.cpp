// int8 <-> float conversions, the fused input normalization, clamp and softmax.
// Quantization rounds like quantize_value() (std::nearbyint: ties to even) and saturates, so the
// kernels agree with the converter's own quantization of constants.
#include <algorithm>
#include <cmath>
#include <cstring>

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
  if (channels == 3) {  // RGB: the common case, unrolled so no per-element channel index
    const int8_t *r = table, *g = table + 256, *b = table + 512;
    int px = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    // Four pixels at a time, every load before the stores, the 12 outputs packed into two words:
    // the stores may alias the table and the image for the compiler, so one pixel at a time was a
    // serial load -> load -> store chain (36 cycles per pixel on the A53 model), and byte arrays
    // got vectorized into lane inserts.
    const uint8_t* ur = reinterpret_cast<const uint8_t*>(r);
    const uint8_t* ug = reinterpret_cast<const uint8_t*>(g);
    const uint8_t* ub = reinterpret_cast<const uint8_t*>(b);
    for (; px + 4 <= pixels; px += 4, image += 12, output += 12) {
      const uint64_t lo = uint64_t{ur[image[0]]} | uint64_t{ug[image[1]]} << 8 |
                          uint64_t{ub[image[2]]} << 16 | uint64_t{ur[image[3]]} << 24 |
                          uint64_t{ug[image[4]]} << 32 | uint64_t{ub[image[5]]} << 40 |
                          uint64_t{ur[image[6]]} << 48 | uint64_t{ug[image[7]]} << 56;
      const uint32_t hi = uint32_t{ub[image[8]]} | uint32_t{ur[image[9]]} << 8 |
                          uint32_t{ug[image[10]]} << 16 | uint32_t{ub[image[11]]} << 24;
      std::memcpy(output, &lo, 8);
      std::memcpy(output + 8, &hi, 4);
    }
#endif
    for (; px < pixels; ++px, image += 3, output += 3) {
      output[0] = r[image[0]];
      output[1] = g[image[1]];
      output[2] = b[image[2]];
    }
    return;
  }
  for (int px = 0; px < pixels; ++px)
    for (int c = 0; c < channels; ++c, ++image, ++output) *output = table[c * 256 + *image];
}

}  // namespace octet::ref

// int8 concatenation along channels. The runtime normally concatenates for free (producers write
// their channel slice); this kernel is for inputs whose quantization differs from the output's.
#include <cmath>
#include <cstring>

#include "kernels/ref/ref_kernels.h"

namespace octet::ref {

namespace {

// Lookup table of the requantization of every int8 value: round((q - z_i) * s_i / s_o) + z_o,
// ties up, clamped. The product (q - z_i) * s_i is exact in double, so exact ties stay ties.
void requant_table(float s_in, int32_t z_in, float s_out, int32_t z_out, int8_t table[256]) {
  for (int q = -128; q <= 127; ++q) {
    const double real = static_cast<double>(q - z_in) * s_in / s_out;
    double v = std::floor(real + 0.5) + z_out;
    v = v < -128 ? -128 : v > 127 ? 127 : v;
    table[q + 128] = static_cast<int8_t>(v);
  }
}

}  // namespace

void concat_q8(int pixels, int num_inputs, const int8_t* const* inputs, const int* channels,
               const float* scales, const int32_t* zero_points, float output_scale,
               int32_t output_zero_point, int8_t* output) {
  int out_c = 0;
  for (int i = 0; i < num_inputs; ++i) out_c += channels[i];
  int offset = 0;
  for (int i = 0; i < num_inputs; ++i) {
    const int c = channels[i];
    const int8_t* in = inputs[i];
    if (scales[i] == output_scale && zero_points[i] == output_zero_point) {
      for (int px = 0; px < pixels; ++px)
        std::memcpy(output + static_cast<size_t>(px) * out_c + offset, in + static_cast<size_t>(px) * c, c);
    } else {
      int8_t table[256];
      requant_table(scales[i], zero_points[i], output_scale, output_zero_point, table);
      for (int px = 0; px < pixels; ++px) {
        int8_t* out = output + static_cast<size_t>(px) * out_c + offset;
        for (int k = 0; k < c; ++k) out[k] = table[in[static_cast<size_t>(px) * c + k] + 128];
      }
    }
    offset += c;
  }
}

}  // namespace octet::ref

// Float elementwise add, concatenation along channels, clamp and softmax.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/ref/ref_kernels.h"

namespace octet::ref {

void add_f32(const float* a, const float* b, float* output, size_t count, float clamp_min,
             float clamp_max) {
  for (size_t i = 0; i < count; ++i) output[i] = std::min(std::max(a[i] + b[i], clamp_min), clamp_max);
}

void concat_f32(int pixels, int num_inputs, const float* const* inputs, const int* channels,
                float* output) {
  int out_c = 0;
  for (int i = 0; i < num_inputs; ++i) out_c += channels[i];
  for (int px = 0; px < pixels; ++px) {
    float* out = output + static_cast<size_t>(px) * out_c;
    for (int i = 0; i < num_inputs; ++i) {
      std::memcpy(out, inputs[i] + static_cast<size_t>(px) * channels[i], sizeof(float) * channels[i]);
      out += channels[i];
    }
  }
}

void clamp_f32(const float* input, float* output, size_t count, float lo, float hi) {
  for (size_t i = 0; i < count; ++i) output[i] = std::min(std::max(input[i], lo), hi);
}

// Stable softmax per row (the row maximum is subtracted first). input == output is allowed.
void softmax_f32(const float* input, int rows, int cols, float* output) {
  for (int r = 0; r < rows; ++r) {
    const float* in = input + static_cast<size_t>(r) * cols;
    float* out = output + static_cast<size_t>(r) * cols;
    if (cols <= 0) continue;
    const float m = *std::max_element(in, in + cols);
    double sum = 0.0;
    for (int c = 0; c < cols; ++c) {
      out[c] = std::exp(in[c] - m);
      sum += out[c];
    }
    const float inv = static_cast<float>(1.0 / sum);
    for (int c = 0; c < cols; ++c) out[c] *= inv;
  }
}

}  // namespace octet::ref

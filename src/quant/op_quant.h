// Quantized operator parameters derived from real scales. Ref and NEON kernels take the integers
// these produce, so they cannot disagree about them.
#pragma once
#include <cstdint>

#include "kernels/op_params.h"
#include "quant/rescale.h"

namespace octet {

// Per-channel requant multipliers M_c = s_input * s_weight[c] / s_output.
bool make_conv_multipliers(float input_scale, const float* weight_scales, float output_scale,
                           int channels, int32_t* multipliers, int32_t* shifts);

// bias_folded[c] = bias[c] - z_a * sum_k w[c][k] + K * z_a * z_c   (bias may be null: 0).
// weights: [channels][K] int8; the data-dependent -z_c * sum_k a stays with the kernel.
void fold_zero_point_terms(const int8_t* weights, int channels, int K,
                           const int32_t* weight_zero_points, int32_t input_zero_point,
                           const int32_t* bias, int32_t* bias_folded);

// Multiplier of an int8 average over `count` taps: s_i / (s_o * count).
Multiplier avg_pool_multiplier(float input_scale, float output_scale, int count);

// Parameters of the int8 add (see QAddParams). False when a scale is not positive and finite.
bool make_add_params(float a_scale, int32_t a_zero_point, float b_scale, int32_t b_zero_point,
                     float output_scale, int32_t output_zero_point, int32_t clamp_min,
                     int32_t clamp_max, QAddParams* out);

// Clamp bounds of a fused activation [lo, hi] (real values; +-inf for none) on the output grid.
void activation_bounds(float lo, float hi, float output_scale, int32_t output_zero_point,
                       int32_t* qmin, int32_t* qmax);

}  // namespace octet

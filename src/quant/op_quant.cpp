#include "quant/op_quant.h"

#include <algorithm>
#include <cmath>

#include "quant/quant_params.h"

namespace octet {

bool make_conv_multipliers(float input_scale, const float* weight_scales, float output_scale,
                           int channels, int32_t* multipliers, int32_t* shifts) {
  for (int c = 0; c < channels; ++c) {
    Multiplier m;
    const double real = static_cast<double>(input_scale) * weight_scales[c] / output_scale;
    if (!quantize_requant_multiplier(real, &m)) return false;
    multipliers[c] = m.multiplier;
    shifts[c] = m.shift;
  }
  return true;
}

void fold_zero_point_terms(const int8_t* weights, int channels, int K,
                           const int32_t* weight_zero_points, int32_t input_zero_point,
                           const int32_t* bias, int32_t* bias_folded) {
  for (int c = 0; c < channels; ++c) {
    int64_t sum_w = 0;
    const int8_t* w = weights + static_cast<size_t>(c) * K;
    for (int k = 0; k < K; ++k) sum_w += w[k];
    const int64_t b = bias ? bias[c] : 0;
    const int64_t z_c = weight_zero_points ? weight_zero_points[c] : 0;
    bias_folded[c] = static_cast<int32_t>(b - input_zero_point * sum_w +
                                          static_cast<int64_t>(K) * input_zero_point * z_c);
  }
}

Multiplier avg_pool_multiplier(float input_scale, float output_scale, int count) {
  Multiplier m;
  quantize_multiplier(static_cast<double>(input_scale) / (static_cast<double>(output_scale) * count), &m);
  return m;
}

bool make_add_params(float a_scale, int32_t a_zero_point, float b_scale, int32_t b_zero_point,
                     float output_scale, int32_t output_zero_point, int32_t clamp_min,
                     int32_t clamp_max, QAddParams* out) {
  for (float s : {a_scale, b_scale, output_scale})
    if (!(s > 0.0f) || !std::isfinite(s)) return false;
  const double ra = static_cast<double>(a_scale) / output_scale;
  const double rb = static_cast<double>(b_scale) / output_scale;
  const double rmax = std::max(ra, rb);
  // The largest shift whose multipliers still fit; none when an input's scale is 2^15 times the
  // output's (no calibrated network comes near that).
  int shift = 31;
  while (shift >= 0 && std::nearbyint(std::ldexp(rmax, shift)) > kAddMaxMultiplier) --shift;
  if (shift < 0) return false;
  *out = QAddParams{};
  out->a_zero_point = a_zero_point;
  out->b_zero_point = b_zero_point;
  out->output_zero_point = output_zero_point;
  out->a_multiplier = static_cast<int32_t>(std::nearbyint(std::ldexp(ra, shift)));
  out->b_multiplier = static_cast<int32_t>(std::nearbyint(std::ldexp(rb, shift)));
  out->shift = shift;
  out->clamp_min = clamp_min;
  out->clamp_max = clamp_max;
  return true;
}

void activation_bounds(float lo, float hi, float output_scale, int32_t output_zero_point,
                       int32_t* qmin, int32_t* qmax) {
  const QuantParams p{output_scale, output_zero_point};
  *qmin = std::isfinite(lo) ? std::max(kActivationMin, quantize_value(lo, p, kActivationMin, kActivationMax))
                            : kActivationMin;
  *qmax = std::isfinite(hi) ? std::min(kActivationMax, quantize_value(hi, p, kActivationMin, kActivationMax))
                            : kActivationMax;
}

}  // namespace octet

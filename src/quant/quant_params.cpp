#include "quant/quant_params.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace octet {

bool choose_asymmetric(float rmin, float rmax, int32_t qmin, int32_t qmax, QuantParams* out) {
  if (!std::isfinite(rmin) || !std::isfinite(rmax) || rmin > rmax || qmin >= qmax) return false;
  const double lo = std::min(0.0, static_cast<double>(rmin));
  const double hi = std::max(0.0, static_cast<double>(rmax));
  if (hi - lo <= 0.0) {  // zero-width range: only 0.0 occurs
    out->scale = 1.0f;
    out->zero_point = 0;
    return true;
  }
  double scale = (hi - lo) / (static_cast<double>(qmax) - qmin);
  // A scale that underflows float would make 1/scale infinite: keep the smallest normal float.
  scale = std::max(scale, static_cast<double>(std::numeric_limits<float>::min()));
  const float fscale = static_cast<float>(scale);
  // Zero point from whichever end loses less to rounding (both are exact when 0 is an end).
  const double zp_from_min = qmin - lo / fscale;
  const double zp_from_max = qmax - hi / fscale;
  const double err_min = std::abs(qmin) + std::abs(lo / fscale);
  const double err_max = std::abs(qmax) + std::abs(hi / fscale);
  const double zp = err_min <= err_max ? zp_from_min : zp_from_max;
  out->scale = fscale;
  out->zero_point = static_cast<int32_t>(std::clamp<double>(std::round(zp), qmin, qmax));
  return true;
}

bool choose_symmetric(float rmin, float rmax, int32_t qmax, QuantParams* out) {
  if (!std::isfinite(rmin) || !std::isfinite(rmax) || rmin > rmax || qmax <= 0) return false;
  const double m = std::max(std::abs(static_cast<double>(rmin)), std::abs(static_cast<double>(rmax)));
  out->zero_point = 0;
  out->scale = m > 0.0 ? static_cast<float>(std::max(m / qmax,
                             static_cast<double>(std::numeric_limits<float>::min())))
                       : 1.0f;
  return true;
}

bool quantize_weights_per_channel(const float* w, int channels, int per_channel,
                                  WeightScheme scheme, PerChannelQuant* out) {
  if (channels <= 0 || per_channel <= 0) return false;
  out->scales.assign(channels, 1.0f);
  out->zero_points.assign(channels, 0);
  out->values.assign(static_cast<size_t>(channels) * per_channel, 0);
  for (int c = 0; c < channels; ++c) {
    const float* src = w + static_cast<size_t>(c) * per_channel;
    float lo = src[0], hi = src[0];
    for (int i = 0; i < per_channel; ++i) {
      if (!std::isfinite(src[i])) return false;
      lo = std::min(lo, src[i]);
      hi = std::max(hi, src[i]);
    }
    QuantParams p;
    const bool ok = scheme == WeightScheme::kSymmetric
                        ? choose_symmetric(lo, hi, kWeightMax, &p)
                        : choose_asymmetric(lo, hi, kWeightMin, kWeightMax, &p);
    if (!ok) return false;
    out->scales[c] = p.scale;
    out->zero_points[c] = p.zero_point;
    int8_t* dst = out->values.data() + static_cast<size_t>(c) * per_channel;
    for (int i = 0; i < per_channel; ++i)
      dst[i] = static_cast<int8_t>(quantize_value(src[i], p, kWeightMin, kWeightMax));
  }
  return true;
}

}  // namespace octet

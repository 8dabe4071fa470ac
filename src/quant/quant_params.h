// Quantization parameters (DESIGN.md §3): real = scale * (q - zero_point).
#pragma once
#include <cstdint>
#include <vector>

namespace octet {

// int8 activation range and int8 weight range (weights never use -128, so that two products
// of int8 values always fit in int16: the SMULL/SMLAL pairing of ARMv8.0 and ARMv7 relies on it).
constexpr int32_t kActivationMin = -128;
constexpr int32_t kActivationMax = 127;
constexpr int32_t kWeightMin = -127;
constexpr int32_t kWeightMax = 127;

struct QuantParams {
  float scale = 1.0f;
  int32_t zero_point = 0;
};

// Asymmetric parameters for the real range [rmin, rmax] on the integer grid [qmin, qmax].
// The range is first widened to contain 0.0, and the zero point is rounded to an integer, so
// that 0.0 is represented exactly (zero padding must be exact). A zero-width range (for example a
// constant-zero channel) gets scale 1 and maps 0.0 to the zero point. Non-finite bounds: false.
bool choose_asymmetric(float rmin, float rmax, int32_t qmin, int32_t qmax, QuantParams* out);

// Symmetric parameters: zero_point = 0, scale = max(|rmin|, |rmax|) / qmax.
bool choose_symmetric(float rmin, float rmax, int32_t qmax, QuantParams* out);

inline int32_t quantize_value(float real, const QuantParams& p, int32_t qmin, int32_t qmax);

// Per-channel weight quantization of a tensor whose outermost dimension is the channel:
// channel c holds values[c * per_channel .. (c + 1) * per_channel).
struct PerChannelQuant {
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  std::vector<int8_t> values;
};
enum class WeightScheme { kAsymmetric, kSymmetric };
bool quantize_weights_per_channel(const float* w, int channels, int per_channel,
                                  WeightScheme scheme, PerChannelQuant* out);

}  // namespace octet

#include <cmath>
namespace octet {
inline int32_t quantize_value(float real, const QuantParams& p, int32_t qmin, int32_t qmax) {
  const float v = std::nearbyint(real / p.scale) + static_cast<float>(p.zero_point);
  if (!(v >= static_cast<float>(qmin))) return qmin;  // also catches NaN
  if (v > static_cast<float>(qmax)) return qmax;
  return static_cast<int32_t>(v);
}
}  // namespace octet

// Activation range selection from calibration statistics: min/max, percentile, or the clipping
// range that minimises the expected int8 quantization error (MSE) over a histogram.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace octet::convert {

enum class RangeMethod { kMinMax, kPercentile, kMse };

// A fixed-range histogram of one tensor's values over the whole calibration set.
struct Histogram {
  static constexpr int kBins = 2048;
  float lo = 0.0f, hi = 0.0f;  // the min / max seen in the first pass
  std::vector<uint64_t> counts;
  void init(float min, float max) { lo = min; hi = max; counts.assign(kBins, 0); }
  void add(const float* v, size_t n);
  uint64_t total() const;
  float bin_center(int i) const { return lo + (hi - lo) * (i + 0.5f) / kBins; }
};

constexpr double kPercentile = 99.99;

// Range [lo, hi] to quantize with; min/max needs only the observed min / max.
void select_range(RangeMethod m, float min, float max, const Histogram* hist, float* lo, float* hi);

// Expected squared error of quantizing the histogram's values with range [lo, hi] (asymmetric
// int8 activation grid), per value.
double histogram_quant_mse(const Histogram& h, float lo, float hi);

}  // namespace octet::convert

#include "quant/converter/range_selection.h"

#include <algorithm>
#include <cmath>

#include "quant/quant_params.h"

namespace octet::convert {

void Histogram::add(const float* v, size_t n) {
  if (counts.empty()) return;
  const float width = hi - lo;
  const float k = width > 0.0f ? kBins / width : 0.0f;
  for (size_t i = 0; i < n; ++i) {
    int b = static_cast<int>((v[i] - lo) * k);
    b = std::clamp(b, 0, kBins - 1);
    ++counts[b];
  }
}

uint64_t Histogram::total() const {
  uint64_t t = 0;
  for (auto c : counts) t += c;
  return t;
}

double histogram_quant_mse(const Histogram& h, float lo, float hi) {
  QuantParams q;
  if (!choose_asymmetric(lo, hi, kActivationMin, kActivationMax, &q)) return INFINITY;
  double err = 0.0;
  uint64_t n = 0;
  for (int i = 0; i < Histogram::kBins; ++i) {
    if (!h.counts[i]) continue;
    const float x = h.bin_center(i);
    const float d = q.scale * (quantize_value(x, q, kActivationMin, kActivationMax) - q.zero_point) - x;
    err += static_cast<double>(d) * d * h.counts[i];
    n += h.counts[i];
  }
  return n ? err / n : 0.0;
}

namespace {

// Value below which `fraction` of the histogram's mass lies (interpolated inside the bin).
float quantile(const Histogram& h, double fraction) {
  const double total = static_cast<double>(h.total());
  const double target = fraction * total;
  double acc = 0.0;
  const float bw = (h.hi - h.lo) / Histogram::kBins;
  for (int i = 0; i < Histogram::kBins; ++i) {
    const double next = acc + h.counts[i];
    if (next >= target && h.counts[i]) {
      const double f = (target - acc) / h.counts[i];
      return h.lo + bw * (i + static_cast<float>(f));
    }
    acc = next;
  }
  return h.hi;
}

}  // namespace

void select_range(RangeMethod m, float min, float max, const Histogram* hist, float* lo, float* hi) {
  *lo = min;
  *hi = max;
  if (m == RangeMethod::kMinMax || !hist || hist->counts.empty() || !(max > min)) return;
  if (m == RangeMethod::kPercentile) {
    const double tail = 1.0 - kPercentile / 100.0;
    // A side that is exactly 0 (ReLU outputs) stays 0.
    *lo = min < 0.0f ? std::min(0.0f, quantile(*hist, tail)) : min;
    *hi = max > 0.0f ? std::max(0.0f, quantile(*hist, 1.0 - tail)) : max;
    return;
  }
  // MSE: shrink both ends together, then refine each end alone (coordinate descent).
  double best = histogram_quant_mse(*hist, min, max);
  float blo = min, bhi = max;
  for (int k = 1; k <= 100; ++k) {
    const float a = 1.0f - k * 0.0095f;
    const double e = histogram_quant_mse(*hist, min * a, max * a);
    if (e < best) best = e, blo = min * a, bhi = max * a;
  }
  for (int round = 0; round < 2; ++round) {
    for (int k = 0; k <= 60; ++k) {  // upper end between 0.5x and 1.2x of the current best
      const float c = bhi * (0.5f + k * 0.0117f);
      if (c > max || c < 0.0f) continue;
      const double e = histogram_quant_mse(*hist, blo, c);
      if (e < best) best = e, bhi = c;
    }
    for (int k = 0; k <= 60; ++k) {
      const float c = blo * (0.5f + k * 0.0117f);
      if (c < min || c > 0.0f) continue;
      const double e = histogram_quant_mse(*hist, c, bhi);
      if (e < best) best = e, blo = c;
    }
  }
  *lo = blo;
  *hi = bhi;
}

}  // namespace octet::convert

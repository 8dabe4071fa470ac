// Calibration: the float executor over the calibration samples gathers each tensor's range (and,
// for percentile / MSE, a histogram in a second pass), plus the bias correction: per output
// channel, the mean over the calibration set of conv(x, w - dequant(quant(w))).
#pragma once
#include <utility>
#include <vector>

#include "quant/converter/graph_ir.h"
#include "quant/converter/image_source.h"
#include "quant/converter/range_selection.h"
#include "quant/quant_params.h"

namespace octet::convert {

struct CalibrationResult {
  std::vector<std::pair<float, float>> ranges;   // per tensor, after range selection
  std::vector<std::pair<float, float>> minmax;   // per tensor, as observed
  std::vector<std::vector<float>> bias_delta;    // per node (empty without bias correction)
  size_t samples = 0;
};

CalibrationResult calibrate(const Graph& g, const SampleSource& samples, RangeMethod method,
                            const std::vector<PerChannelQuant>* bias_correction_weights,
                            bool progress);

}  // namespace octet::convert

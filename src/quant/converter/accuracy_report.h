// Accuracy of the int8 model against the float model on held-out samples: per-layer SQNR of the
// dequantized int8 activations, and for the output SQNR, top-1 agreement and mean KL divergence.
#pragma once
#include <string>
#include <vector>

#include "quant/converter/graph_ir.h"
#include "quant/converter/image_source.h"
#include "quant/converter/quantize_graph.h"

namespace octet::convert {

struct LayerAccuracy {
  std::string name, op, tensor;
  float scale = 1.0f;
  int zero_point = 0;
  double sqnr_db = 0.0;
};

struct AccuracyReport {
  std::vector<LayerAccuracy> layers;
  double output_sqnr_db = 0.0;
  double top1_agreement = 0.0;  // fraction in [0, 1]
  double kl = 0.0;              // mean KL(float || int8) of the output probabilities
  size_t samples = 0;
  std::string samples_from;
};

// 10 log10(signal / noise); capped at kSqnrCap dB when the noise is zero.
constexpr double kSqnrCap = 200.0;
double sqnr_db(double signal, double noise);

AccuracyReport evaluate(const Graph& g, const QuantizedGraph& q, const SampleSource& samples,
                        const InputNormalization& norm, bool progress);

std::string report_text(const AccuracyReport& r);
std::string report_json(const AccuracyReport& r, const std::string& extra_fields);

}  // namespace octet::convert

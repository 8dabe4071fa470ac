// Loads a written model file with the octet runtime, runs samples through its Interpreter on the
// reference kernels (or another kernel path: `isa`) and compares the outputs with the converter's own int8 simulation: they must
// agree bit for bit (both run the same normative arithmetic).
#pragma once
#include <string>

#include "octet/octet.h"
#include "quant/converter/graph_ir.h"
#include "quant/converter/image_source.h"
#include "quant/converter/quantize_graph.h"

namespace octet::convert {

struct RuntimeCheck {
  size_t samples = 0;
  int max_lsb_diff = 0;        // int8 outputs: largest |runtime - simulation| in LSB
  double max_float_diff = 0.0;  // float outputs (softmax)
};

// Throws ConvertError when the runtime refuses the file or fails to run it.
RuntimeCheck check_model_file(const std::string& path, const Graph& g, const QuantizedGraph& q,
                              const SampleSource& samples, const InputNormalization& norm,
                              size_t max_samples, Isa isa = Isa::kRef);

}  // namespace octet::convert

// Runs the quantized graph with the int8 reference kernels (kernels/ref): the converter's model of
// what the runtime computes, for the accuracy report and for checking the written model file.
#pragma once
#include <cstdint>
#include <vector>

#include "quant/converter/graph_ir.h"
#include "quant/converter/image_source.h"
#include "quant/converter/quantize_graph.h"

namespace octet::convert {

class Int8Executor {
 public:
  Int8Executor(const Graph& g, const QuantizedGraph& q);
  // Input as uint8 HWC pixels in model channel order (normalized and quantized in one step, as the
  // runtime does) or as a float NHWC tensor.
  void run_image(const uint8_t* pixels, const InputNormalization& norm);
  void run_float(const float* input);
  const std::vector<int8_t>& value(int t) const { return values_[t]; }
  // Tensor t as real values (a Softmax output is float already).
  std::vector<float> dequantized(int t) const;

 private:
  void run_nodes();
  const Graph& g_;
  const QuantizedGraph& q_;
  std::vector<int> order_;
  std::vector<std::vector<int8_t>> values_;
  std::vector<std::vector<float>> float_values_;  // Softmax outputs
};

}  // namespace octet::convert

// Runs the float IR (after the passes) with the float reference kernels (kernels/ref): the
// converter's float executor for calibration and for the accuracy reference.
#pragma once
#include <functional>
#include <vector>

#include "quant/converter/graph_ir.h"

namespace octet::convert {

class FloatExecutor {
 public:
  explicit FloatExecutor(const Graph& g);
  // input: the graph input in NHWC order. Afterwards value(t) holds every live tensor.
  void run(const float* input);
  const std::vector<float>& value(int t) const { return values_[t]; }

 private:
  const Graph& g_;
  std::vector<int> order_;
  std::vector<std::vector<float>> values_;
};

// One node through the float kernels, with explicit weights / bias (bias correction reruns
// convolutions with other weights). Weights and bias come from `n` when null.
void run_float_node(const Graph& g, const Node& n, const std::vector<const float*>& inputs,
                    float* output, const float* weights = nullptr, const float* bias = nullptr,
                    bool with_clamp = true);

}  // namespace octet::convert

// Float IR + activation ranges -> the int8 model (DESIGN.md §3): per-tensor asymmetric activations,
// per-output-channel weights (asymmetric by default), int32 bias at s_in * s_c, per-channel
// requantization multipliers, fused activations as clamp bounds.
#pragma once
#include <utility>
#include <vector>

#include "kernels/op_params.h"
#include "quant/converter/graph_ir.h"
#include "quant/quant_params.h"

namespace octet::convert {

struct QNode {
  // Conv / FC: raw int8 weights in the float node's layout (OHWI / [out][in]).
  PerChannelQuant weights;
  std::vector<int32_t> bias;         // int32 at scale s_in * s_c (zero-point terms not folded)
  std::vector<int32_t> bias_folded;  // fold_zero_point_terms(): what conv_q8 takes
  std::vector<int32_t> multipliers, shifts;
  int32_t clamp_min = kActivationMin, clamp_max = kActivationMax;
  QPoolParams pool;  // AvgPool / GlobalAvgPool
  QAddParams add;    // Add
};

struct QuantizedGraph {
  std::vector<QuantParams> tensors;  // per graph tensor (activations)
  std::vector<QNode> nodes;          // parallel to Graph::nodes
};

// Weight quantization alone (it does not depend on activations): per node, empty for nodes
// without weights.
std::vector<PerChannelQuant> quantize_weights(const Graph& g, WeightScheme scheme);

// ranges[t] = {lo, hi} for every tensor (only those of free-parameter tensors are used: the
// input, Conv / FC / Add / pools / Concat outputs). bias_delta[node][c], if not empty, is added to
// the float bias before it is quantized (bias correction).
QuantizedGraph quantize_graph(const Graph& g, const std::vector<PerChannelQuant>& weights,
                              const std::vector<std::pair<float, float>>& ranges,
                              const std::vector<std::vector<float>>& bias_delta);

}  // namespace octet::convert

#include "quant/converter/quantize_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "quant/op_quant.h"

namespace octet::convert {

std::vector<PerChannelQuant> quantize_weights(const Graph& g, WeightScheme scheme) {
  std::vector<PerChannelQuant> out(g.nodes.size());
  for (int i : g.live_nodes()) {
    const Node& n = g.nodes[i];
    if (n.kind != OpKind::kConv && n.kind != OpKind::kFullyConnected) continue;
    const int C = n.conv.out_c;
    const int K = static_cast<int>(n.weights.size() / C);
    if (!quantize_weights_per_channel(n.weights.data(), C, K, scheme, &out[i]))
      throw ConvertError("node '" + n.name + "': weights cannot be quantized (non-finite after folding)");
  }
  return out;
}

namespace {

// A channel whose weights are all zero contributes only its bias, and any weight scale represents
// it exactly (quantize_weights_per_channel gives 1.0, which usually made the requant multiplier
// M = s_in / s_out >= 1: a left shift that sent the whole layer to the kernels' general epilogue).
// Its scale is set so that M = 0.5 instead: multiplier 2^30, no shift.
void give_zero_channels_unit_multipliers(int K, float input_scale, float output_scale, PerChannelQuant* w) {
  const int C = static_cast<int>(w->scales.size());
  for (int c = 0; c < C; ++c) {
    const int8_t* v = w->values.data() + static_cast<size_t>(c) * K;
    if (!std::all_of(v, v + K, [&](int8_t x) { return x == w->zero_points[c]; })) continue;
    const double s = 0.5 * static_cast<double>(output_scale) / input_scale;
    if (s >= std::numeric_limits<float>::min() && s <= std::numeric_limits<float>::max())
      w->scales[c] = static_cast<float>(s);
  }
}

}  // namespace

namespace {

bool params_follow_input(OpKind k) {
  return k == OpKind::kMaxPool || k == OpKind::kReshape || k == OpKind::kClamp;
}

QuantParams choose(const Graph& g, int t, const std::pair<float, float>& r) {
  QuantParams q;
  if (!choose_asymmetric(r.first, r.second, kActivationMin, kActivationMax, &q))
    throw ConvertError("tensor '" + g.tensors[t].name + "': no finite range was observed (NaN or Inf "
                       "activations in calibration)");
  return q;
}

}  // namespace

QuantizedGraph quantize_graph(const Graph& g, const std::vector<PerChannelQuant>& weights,
                              const std::vector<std::pair<float, float>>& ranges,
                              const std::vector<std::vector<float>>& bias_delta) {
  QuantizedGraph q;
  q.tensors.resize(g.tensors.size());
  q.nodes.resize(g.nodes.size());
  const std::vector<int> order = g.live_nodes();
  q.tensors[g.input] = choose(g, g.input, ranges[g.input]);
  // 1. Tensors whose producer picks its own output parameters.
  for (int i : order) {
    const Node& n = g.nodes[i];
    if (!params_follow_input(n.kind) && n.kind != OpKind::kSoftmax)
      q.tensors[n.outputs[0]] = choose(g, n.outputs[0], ranges[n.outputs[0]]);
  }
  // 2. A concatenation input produced only for it takes the output's parameters, so that the
  //    producer can write straight into its channel slice.
  for (int i : order) {
    const Node& n = g.nodes[i];
    if (n.kind != OpKind::kConcat) continue;
    for (int t : n.inputs) {
      const int p = g.tensors[t].producer;
      if (p >= 0 && !params_follow_input(g.nodes[p].kind) && g.readers(t) == 1)
        q.tensors[t] = q.tensors[n.outputs[0]];
    }
  }
  // 3. Parameters that follow the input, then each node's integer parameters.
  for (int i : order) {
    const Node& n = g.nodes[i];
    QNode& qn = q.nodes[i];
    const QuantParams in = q.tensors[n.inputs[0]];
    if (params_follow_input(n.kind) || n.kind == OpKind::kSoftmax) q.tensors[n.outputs[0]] = in;
    const QuantParams out = q.tensors[n.outputs[0]];
    activation_bounds(n.clamp_lo, n.clamp_hi, out.scale, out.zero_point, &qn.clamp_min, &qn.clamp_max);
    switch (n.kind) {
      case OpKind::kConv:
      case OpKind::kFullyConnected: {
        qn.weights = weights[i];
        const int C = n.conv.out_c;
        const int K = static_cast<int>(n.weights.size() / C);
        give_zero_channels_unit_multipliers(K, in.scale, out.scale, &qn.weights);
        qn.bias.resize(C);
        for (int c = 0; c < C; ++c) {
          double b = n.bias[c];
          if (!bias_delta.empty() && !bias_delta[i].empty()) b += bias_delta[i][c];
          const double v = std::nearbyint(b / (static_cast<double>(in.scale) * qn.weights.scales[c]));
          qn.bias[c] = static_cast<int32_t>(std::clamp(v, -2147483647.0, 2147483647.0));
        }
        qn.bias_folded.resize(C);
        fold_zero_point_terms(qn.weights.values.data(), C, K, qn.weights.zero_points.data(),
                              in.zero_point, qn.bias.data(), qn.bias_folded.data());
        qn.multipliers.resize(C);
        qn.shifts.resize(C);
        if (!make_conv_multipliers(in.scale, qn.weights.scales.data(), out.scale, C,
                                   qn.multipliers.data(), qn.shifts.data()))
          throw ConvertError("node '" + n.name + "': requantization multiplier out of range");
        break;
      }
      case OpKind::kAvgPool:
      case OpKind::kGlobalAvgPool:
        qn.pool.geom = n.pool;
        qn.pool.input_scale = in.scale;
        qn.pool.input_zero_point = in.zero_point;
        qn.pool.output_scale = out.scale;
        qn.pool.output_zero_point = out.zero_point;
        break;
      case OpKind::kAdd: {
        const QuantParams b = q.tensors[n.inputs[1]];
        if (!make_add_params(in.scale, in.zero_point, b.scale, b.zero_point, out.scale,
                             out.zero_point, qn.clamp_min, qn.clamp_max, &qn.add))
          throw ConvertError("node '" + n.name + "': add parameters out of range");
        break;
      }
      default:
        break;
    }
  }
  return q;
}

}  // namespace octet::convert

#include "quant/converter/float_executor.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "kernels/ref/ref_kernels.h"

namespace octet::convert {

void run_float_node(const Graph& g, const Node& n, const std::vector<const float*>& in,
                    float* out, const float* weights, const float* bias, bool with_clamp) {
  const Tensor& x = g.tensors[n.inputs[0]];
  const Tensor& y = g.tensors[n.outputs[0]];
  const float inf = std::numeric_limits<float>::infinity();
  switch (n.kind) {
    case OpKind::kConv:
    case OpKind::kFullyConnected: {
      FConvParams p;
      p.geom = n.kind == OpKind::kFullyConnected
                   ? ConvGeometry::fully_connected(1, n.conv.in_c, n.conv.out_c)
                   : n.conv;
      p.weights = weights ? weights : n.weights.data();
      p.bias = bias ? bias : n.bias.data();
      p.clamp_min = with_clamp ? n.clamp_lo : -inf;
      p.clamp_max = with_clamp ? n.clamp_hi : inf;
      if (n.kind == OpKind::kConv) ref::conv_f32(p, in[0], out);
      else ref::fully_connected_f32(p, in[0], out);
      break;
    }
    case OpKind::kMaxPool: ref::max_pool_f32(n.pool, in[0], out); break;
    case OpKind::kAvgPool: ref::avg_pool_f32(n.pool, in[0], out); break;
    case OpKind::kGlobalAvgPool: ref::global_avg_pool_f32(n.pool, in[0], out); break;
    case OpKind::kAdd:
      ref::add_f32(in[0], in[1], out, y.elements(), n.clamp_lo, n.clamp_hi);
      break;
    case OpKind::kConcat: {
      std::vector<int> channels;
      for (int t : n.inputs) channels.push_back(g.tensors[t].channels());
      ref::concat_f32(y.pixels(), static_cast<int>(in.size()), in.data(), channels.data(), out);
      break;
    }
    case OpKind::kSoftmax: ref::softmax_f32(in[0], x.pixels(), x.channels(), out); break;
    case OpKind::kReshape: std::memcpy(out, in[0], x.elements() * sizeof(float)); break;
    case OpKind::kClamp: ref::clamp_f32(in[0], out, x.elements(), n.clamp_lo, n.clamp_hi); break;
    case OpKind::kLrn:
      ref::lrn_f32(n.lrn_size, n.lrn_alpha, n.lrn_beta, n.lrn_bias, in[0], out, x.pixels(), x.channels());
      break;
    default:
      throw ConvertError("node '" + n.name + "': " + op_kind_name(n.kind) + " left after the passes");
  }
}

FloatExecutor::FloatExecutor(const Graph& g) : g_(g), order_(g.live_nodes()), values_(g.tensors.size()) {
  for (int i : order_)
    for (int t : g.nodes[i].outputs) values_[t].resize(g.tensors[t].elements());
  values_[g.input].resize(g.tensors[g.input].elements());
}

void FloatExecutor::run(const float* input) {
  std::copy(input, input + values_[g_.input].size(), values_[g_.input].begin());
  std::vector<const float*> ins;
  for (int i : order_) {
    const Node& n = g_.nodes[i];
    ins.clear();
    for (int t : n.inputs) ins.push_back(values_[t].data());
    run_float_node(g_, n, ins, values_[n.outputs[0]].data());
  }
}

}  // namespace octet::convert

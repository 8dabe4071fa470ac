#include "quant/converter/graph_passes.h"

#include <algorithm>

namespace octet::convert {
namespace {

// `node` takes over the output of `absorbed` (which dies): the later tensor name survives.
void absorb(Graph& g, int node, int absorbed) {
  Node& a = g.nodes[absorbed];
  Node& n = g.nodes[node];
  n.outputs = a.outputs;
  n.onnx_op += "+" + a.onnx_op;
  for (int t : n.outputs) g.tensors[t].producer = node;
  a.dead = true;
}

// The producer of node i's first input if it is of one of the given kinds and node i is its only
// reader (so rewriting it changes nothing else), else -1.
int sole_producer(const Graph& g, int i, std::initializer_list<OpKind> kinds) {
  const int t = g.nodes[i].inputs[0];
  const int p = g.tensors[t].producer;
  if (p < 0 || g.nodes[p].dead || g.readers(t) != 1) return -1;
  for (OpKind k : kinds)
    if (g.nodes[p].kind == k) return p;
  return -1;
}

void drop_identities(Graph& g) {
  for (Node& n : g.nodes) {
    if (n.dead || n.kind != OpKind::kIdentity) continue;
    g.replace_uses(n.outputs[0], n.inputs[0]);
    n.dead = true;
  }
}

void fold_pads(Graph& g) {
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& pad = g.nodes[i];
    if (pad.dead || pad.kind != OpKind::kPad) continue;
    const int t = pad.outputs[0];
    if (g.readers(t) != 1) continue;
    for (Node& c : g.nodes) {
      if (c.dead || c.inputs.empty() || c.inputs[0] != t) continue;
      const int in = pad.inputs[0];
      const auto& s = g.tensors[in].shape;
      if (c.kind == OpKind::kConv) {
        c.conv.pad_top += pad.pads[0];
        c.conv.pad_left += pad.pads[1];
        c.conv.in_h = s[1];
        c.conv.in_w = s[2];
      } else if (c.kind == OpKind::kAvgPool &&
                 (c.pool.count_include_pad || (c.pool.pad_top == 0 && c.pool.pad_left == 0 &&
                  (c.pool.out_h - 1) * c.pool.stride_h + c.pool.kernel_h <= c.pool.in_h &&
                  (c.pool.out_w - 1) * c.pool.stride_w + c.pool.kernel_w <= c.pool.in_w))) {
        // The padded zeros count in the average, as they did as real values.
        c.pool.count_include_pad = true;
        c.pool.pad_top += pad.pads[0];
        c.pool.pad_left += pad.pads[1];
        c.pool.in_h = s[1];
        c.pool.in_w = s[2];
      } else {
        break;
      }
      c.inputs[0] = in;
      c.onnx_op = "Pad+" + c.onnx_op;
      pad.dead = true;
      break;
    }
  }
}

// BatchNorm (scale, shift) and BiasAdd (shift) folded into a preceding Conv / FC; otherwise they
// become a depthwise 1x1 convolution (rank 4) or a diagonal fully connected layer (rank 2).
void fold_affine(Graph& g) {
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& n = g.nodes[i];
    if (n.dead || (n.kind != OpKind::kBatchNorm && n.kind != OpKind::kBiasAdd)) continue;
    const int C = g.tensors[n.inputs[0]].channels();
    std::vector<float> scale = n.kind == OpKind::kBatchNorm ? n.scale : std::vector<float>(C, 1.0f);
    const int p = sole_producer(g, static_cast<int>(i), {OpKind::kConv, OpKind::kFullyConnected});
    if (p >= 0 && !g.nodes[p].has_clamp()) {
      Node& conv = g.nodes[p];
      const size_t K = conv.weights.size() / C;
      for (int c = 0; c < C; ++c) {
        for (size_t k = 0; k < K; ++k) conv.weights[c * K + k] *= scale[c];
        conv.bias[c] = conv.bias[c] * scale[c] + n.bias[c];
      }
      absorb(g, p, static_cast<int>(i));
      continue;
    }
    const auto& s = g.tensors[n.inputs[0]].shape;
    if (s.size() == 4) {
      n.kind = OpKind::kConv;
      n.conv = ConvGeometry{};
      n.conv.in_h = n.conv.out_h = s[1];
      n.conv.in_w = n.conv.out_w = s[2];
      n.conv.in_c = n.conv.out_c = C;
      n.conv.groups = C;
      n.weights = scale;
    } else {
      n.kind = OpKind::kFullyConnected;
      n.conv.in_c = n.conv.out_c = C;
      n.weights.assign(static_cast<size_t>(C) * C, 0.0f);
      for (int c = 0; c < C; ++c) n.weights[static_cast<size_t>(c) * C + c] = scale[c];
    }
  }
}

void fuse_clamps(Graph& g) {
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& n = g.nodes[i];
    if (n.dead || n.kind != OpKind::kClamp) continue;
    const int p = sole_producer(g, static_cast<int>(i),
                                {OpKind::kConv, OpKind::kFullyConnected, OpKind::kAdd, OpKind::kClamp});
    if (p < 0) continue;
    Node& prod = g.nodes[p];
    prod.clamp_lo = std::max(prod.clamp_lo, n.clamp_lo);
    prod.clamp_hi = std::min(prod.clamp_hi, n.clamp_hi);
    if (prod.clamp_lo > prod.clamp_hi) prod.clamp_lo = prod.clamp_hi;
    absorb(g, p, static_cast<int>(i));
  }
}

}  // namespace

void run_graph_passes(Graph& g) {
  drop_identities(g);
  fold_pads(g);
  fold_affine(g);
  fuse_clamps(g);
  for (const Node& n : g.nodes) {
    if (n.dead) continue;
    if (n.kind == OpKind::kPad)
      throw ConvertError("node '" + n.name + "' (Pad): only zero padding feeding a Conv or an "
                         "AveragePool can be converted (it is folded into their padding)");
    if (n.kind == OpKind::kSoftmax)
      for (const Node& m : g.nodes)
        if (!m.dead && std::find(m.inputs.begin(), m.inputs.end(), n.outputs[0]) != m.inputs.end())
          throw ConvertError("node '" + n.name + "' (Softmax): softmax is supported as the last "
                             "operator only (its output is float)");
  }
  for (int o : g.outputs)
    if (o == g.input) throw ConvertError("a graph output is the graph input itself");
}

}  // namespace octet::convert

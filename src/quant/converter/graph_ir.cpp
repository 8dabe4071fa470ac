#include "quant/converter/graph_ir.h"

#include <algorithm>

namespace octet::convert {

const char* op_kind_name(OpKind k) {
  switch (k) {
    case OpKind::kConv: return "Conv";
    case OpKind::kFullyConnected: return "FullyConnected";
    case OpKind::kMaxPool: return "MaxPool";
    case OpKind::kAvgPool: return "AvgPool";
    case OpKind::kGlobalAvgPool: return "GlobalAvgPool";
    case OpKind::kAdd: return "Add";
    case OpKind::kConcat: return "Concat";
    case OpKind::kSoftmax: return "Softmax";
    case OpKind::kReshape: return "Reshape";
    case OpKind::kClamp: return "Clamp";
    case OpKind::kLrn: return "LRN";
    case OpKind::kBatchNorm: return "BatchNorm";
    case OpKind::kBiasAdd: return "BiasAdd";
    case OpKind::kIdentity: return "Identity";
    case OpKind::kPad: return "Pad";
  }
  return "?";
}

int Graph::readers(int t) const {
  int n = 0;
  for (const Node& node : nodes) {
    if (node.dead) continue;
    for (int i : node.inputs) n += i == t;
  }
  for (int o : outputs) n += o == t;
  return n;
}

std::vector<int> Graph::live_nodes() const {
  std::vector<int> r;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (!nodes[i].dead) r.push_back(static_cast<int>(i));
  return r;
}

void Graph::replace_uses(int from, int to) {
  for (Node& node : nodes)
    for (int& i : node.inputs)
      if (i == from) i = to;
  for (int& o : outputs)
    if (o == from) o = to;
}

}  // namespace octet::convert

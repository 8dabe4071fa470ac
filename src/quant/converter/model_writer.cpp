#include "quant/converter/model_writer.h"

#include <algorithm>

#include "graph/model_builder.h"

namespace octet::convert {
namespace {

// Bottom / right padding implied by an output size (never negative: unused rows are not padding).
int trailing_pad(int in, int out, int kernel, int stride, int dilation, int lead) {
  return std::max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - in - lead);
}

graph::Pool2DArgs pool_args(const PoolGeometry& p) {
  graph::Pool2DArgs a;
  a.kernel_h = p.kernel_h; a.kernel_w = p.kernel_w;
  a.stride_h = p.stride_h; a.stride_w = p.stride_w;
  a.pad_top = p.pad_top; a.pad_left = p.pad_left;
  a.pad_bottom = trailing_pad(p.in_h, p.out_h, p.kernel_h, p.stride_h, 1, p.pad_top);
  a.pad_right = trailing_pad(p.in_w, p.out_w, p.kernel_w, p.stride_w, 1, p.pad_left);
  a.count_include_pad = p.count_include_pad;
  return a;
}

}  // namespace

void write_model_file(const Graph& g, const QuantizedGraph& q, const InputNormalization& norm,
                      bool image_input, const std::string& description, const std::string& path,
                      Isa pack) {
  graph::ModelBuilder b;
  b.set_description(description);
  b.set_pack_target(pack);
  std::vector<int> id(g.tensors.size(), -1);
  const Tensor& x = g.tensors[g.input];
  if (image_input) {
    const int raw = b.add_input(g.input_name, x.shape, DType::kUInt8);
    std::vector<float> mean, std;
    for (int c = 0; c < x.channels(); ++c) {
      mean.push_back(norm.channel_mean(c));
      std.push_back(norm.channel_std(c));
    }
    id[g.input] = b.normalize_image(raw, mean, std, q.tensors[g.input], x.name + "_normalized");
  } else {
    const int raw = b.add_input(g.input_name, x.shape, DType::kFloat32);
    id[g.input] = b.quantize(raw, q.tensors[g.input], x.name + "_quantized");
  }
  for (int i : g.live_nodes()) {
    const Node& n = g.nodes[i];
    const QNode& qn = q.nodes[i];
    const int y = n.outputs[0];
    const int in = id[n.inputs[0]];
    const QuantParams qo = q.tensors[y];
    const std::string& name = g.tensors[y].name;
    const graph::Activation act{n.clamp_lo, n.clamp_hi};
    switch (n.kind) {
      case OpKind::kConv: {
        const ConvGeometry& c = n.conv;
        graph::Conv2DArgs a;
        a.out_channels = c.out_c;
        a.kernel_h = c.kernel_h; a.kernel_w = c.kernel_w;
        a.stride_h = c.stride_h; a.stride_w = c.stride_w;
        a.dilation_h = c.dilation_h; a.dilation_w = c.dilation_w;
        a.pad_top = c.pad_top; a.pad_left = c.pad_left;
        a.pad_bottom = trailing_pad(c.in_h, c.out_h, c.kernel_h, c.stride_h, c.dilation_h, c.pad_top);
        a.pad_right = trailing_pad(c.in_w, c.out_w, c.kernel_w, c.stride_w, c.dilation_w, c.pad_left);
        a.groups = c.groups;
        a.weights = qn.weights.values;
        a.weight_scales = qn.weights.scales;
        a.weight_zero_points = qn.weights.zero_points;
        a.bias = qn.bias;
        a.activation = act;
        id[y] = b.conv2d(in, a, qo, name);
        break;
      }
      case OpKind::kFullyConnected: {
        graph::FullyConnectedArgs a;
        a.out_channels = n.conv.out_c;
        a.weights = qn.weights.values;
        a.weight_scales = qn.weights.scales;
        a.weight_zero_points = qn.weights.zero_points;
        a.bias = qn.bias;
        a.activation = act;
        id[y] = b.fully_connected(in, a, qo, name);
        break;
      }
      case OpKind::kMaxPool: id[y] = b.max_pool(in, pool_args(n.pool), name); break;
      case OpKind::kAvgPool: id[y] = b.avg_pool(in, pool_args(n.pool), qo, name); break;
      case OpKind::kGlobalAvgPool: id[y] = b.global_avg_pool(in, qo, name); break;
      case OpKind::kAdd: id[y] = b.add(in, id[n.inputs[1]], qo, act, name); break;
      case OpKind::kConcat: {
        std::vector<int> ins;
        for (int t : n.inputs) ins.push_back(id[t]);
        id[y] = b.concat(ins, qo, name);
        break;
      }
      case OpKind::kSoftmax: id[y] = b.softmax(in, name); break;
      case OpKind::kReshape: id[y] = b.reshape(in, g.tensors[y].shape, name); break;
      case OpKind::kClamp: id[y] = b.clamp(in, n.clamp_lo, n.clamp_hi, name); break;
      case OpKind::kLrn:
        id[y] = b.lrn(in, n.lrn_size, n.lrn_alpha, n.lrn_beta, n.lrn_bias, qo, name);
        break;
      default:
        throw ConvertError("node '" + n.name + "': " + op_kind_name(n.kind) + " cannot be written");
    }
    if (id[y] < 0) throw ConvertError("model file: node '" + n.name + "': " + b.error().message());
  }
  for (int o : g.outputs) b.mark_output(id[o]);
  const Status st = b.save(path);
  if (!st.ok()) throw ConvertError("model file " + path + ": " + st.message());
}

}  // namespace octet::convert

#include "quant/converter/int8_executor.h"

#include <cstring>

#include "kernels/ref/ref_kernels.h"
#include "quant/lrn_params.h"

namespace octet::convert {

Int8Executor::Int8Executor(const Graph& g, const QuantizedGraph& q)
    : g_(g), q_(q), order_(g.live_nodes()), values_(g.tensors.size()), float_values_(g.tensors.size()) {
  values_[g.input].resize(g.tensors[g.input].elements());
  for (int i : order_) {
    const int t = g.nodes[i].outputs[0];
    if (g.nodes[i].kind == OpKind::kSoftmax) float_values_[t].resize(g.tensors[t].elements());
    else values_[t].resize(g.tensors[t].elements());
  }
}

void Int8Executor::run_image(const uint8_t* pixels, const InputNormalization& norm) {
  const Tensor& x = g_.tensors[g_.input];
  float mean[3], std[3];
  for (int c = 0; c < x.channels() && c < 3; ++c) {
    mean[c] = norm.channel_mean(c);
    std[c] = norm.channel_std(c);
  }
  const QuantParams& qi = q_.tensors[g_.input];
  ref::normalize_u8_q8(pixels, x.pixels(), x.channels(), mean, std, qi.scale, qi.zero_point,
                       values_[g_.input].data());
  run_nodes();
}

void Int8Executor::run_float(const float* input) {
  const QuantParams& qi = q_.tensors[g_.input];
  ref::quantize_f32_q8(input, values_[g_.input].data(), values_[g_.input].size(), qi.scale, qi.zero_point);
  run_nodes();
}

std::vector<float> Int8Executor::dequantized(int t) const {
  if (!float_values_[t].empty()) return float_values_[t];
  std::vector<float> r(values_[t].size());
  ref::dequantize_q8_f32(values_[t].data(), r.data(), r.size(), q_.tensors[t].scale, q_.tensors[t].zero_point);
  return r;
}

void Int8Executor::run_nodes() {
  for (int i : order_) {
    const Node& n = g_.nodes[i];
    const QNode& qn = q_.nodes[i];
    const Tensor& x = g_.tensors[n.inputs[0]];
    const int yt = n.outputs[0];
    const int8_t* in = values_[n.inputs[0]].data();
    int8_t* out = values_[yt].data();
    const QuantParams& qi = q_.tensors[n.inputs[0]];
    const QuantParams& qo = q_.tensors[yt];
    switch (n.kind) {
      case OpKind::kConv:
      case OpKind::kFullyConnected: {
        QConvParams p;
        p.geom = n.kind == OpKind::kFullyConnected
                     ? ConvGeometry::fully_connected(1, n.conv.in_c, n.conv.out_c)
                     : n.conv;
        p.input_zero_point = qi.zero_point;
        p.weights = qn.weights.values.data();
        p.weight_zero_points = qn.weights.zero_points.data();
        p.bias_folded = qn.bias_folded.data();
        p.requant.multiplier = qn.multipliers.data();
        p.requant.shift = qn.shifts.data();
        p.requant.output_zero_point = qo.zero_point;
        p.requant.clamp_min = qn.clamp_min;
        p.requant.clamp_max = qn.clamp_max;
        if (n.kind == OpKind::kConv) ref::conv_q8(p, in, out);
        else ref::fully_connected_q8(p, in, out);
        break;
      }
      case OpKind::kMaxPool: ref::max_pool_q8(n.pool, kActivationMin, kActivationMax, in, out); break;
      case OpKind::kAvgPool: ref::avg_pool_q8(qn.pool, in, out); break;
      case OpKind::kGlobalAvgPool: ref::global_avg_pool_q8(qn.pool, in, out); break;
      case OpKind::kAdd:
        ref::add_q8(qn.add, in, values_[n.inputs[1]].data(), out, x.elements());
        break;
      case OpKind::kConcat: {
        std::vector<const int8_t*> ins;
        std::vector<int> channels;
        std::vector<float> scales;
        std::vector<int32_t> zps;
        for (int t : n.inputs) {
          ins.push_back(values_[t].data());
          channels.push_back(g_.tensors[t].channels());
          scales.push_back(q_.tensors[t].scale);
          zps.push_back(q_.tensors[t].zero_point);
        }
        ref::concat_q8(g_.tensors[yt].pixels(), static_cast<int>(ins.size()), ins.data(),
                       channels.data(), scales.data(), zps.data(), qo.scale, qo.zero_point, out);
        break;
      }
      case OpKind::kSoftmax:
        ref::softmax_q8_f32(in, qi.scale, qi.zero_point, x.pixels(), x.channels(), float_values_[yt].data());
        break;
      case OpKind::kReshape: std::memcpy(out, in, x.elements()); break;
      case OpKind::kClamp: ref::clamp_q8(in, out, x.elements(), qn.clamp_min, qn.clamp_max); break;
      case OpKind::kLrn: {  // the runtime's kernel (graph/op_bind.cpp): same bytes by construction
        const ref::LrnParams p = make_lrn_params(n.lrn_size, n.lrn_alpha, n.lrn_beta, n.lrn_bias, qi, qo);
        ref::lrn_q8(p, in, out, x.pixels(), x.channels());
        break;
      }
      default:
        throw ConvertError("node '" + n.name + "': " + op_kind_name(n.kind) + " left after the passes");
    }
  }
}

}  // namespace octet::convert

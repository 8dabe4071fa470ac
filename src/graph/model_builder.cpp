#include "graph/model_builder.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <new>
#include <utility>

#include "graph/model_format.h"
#include "graph/octet_model_generated.h"
#include "kernels/neon/conv_gemm.h"
#include "kernels/neon/dwconv.h"
#include "kernels/op_params.h"
#include "quant/op_quant.h"

namespace octet::graph {
namespace {

struct BTensor {
  std::string name;
  std::vector<int> shape;
  DType dtype = DType::kInt8;
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  std::vector<uint8_t> data;  // constants only
  bool constant = false;
  fb::Layout layout = fb::Layout::RAW;
};

struct BOp {
  fb::OpCode code;
  std::vector<int> inputs, outputs;
  std::string name;
  // Options, serialized lazily (only the ones the code uses are meaningful).
  fb::Conv2DOptionsT conv;
  fb::FullyConnectedOptionsT fc;
  fb::Pool2DOptionsT pool;
  fb::AddOptionsT add;
  fb::QuantizeOptionsT quant;
  fb::ClampOptionsT clamp;
  fb::LrnOptionsT lrn;
};

int64_t elements_of(const std::vector<int>& s) {
  int64_t n = 1;
  for (int d : s) n *= d;
  return n;
}

fb::DType to_fb(DType d) {
  switch (d) {
    case DType::kInt8: return fb::DType::INT8;
    case DType::kInt32: return fb::DType::INT32;
    case DType::kFloat32: return fb::DType::FLOAT32;
    case DType::kUInt8: return fb::DType::UINT8;
  }
  return fb::DType::INT8;
}

bool quant_ok(const QuantParams& q) {
  return std::isfinite(q.scale) && q.scale > 0 && q.zero_point >= -128 && q.zero_point <= 127;
}

}  // namespace

struct ModelBuilder::Impl {
  std::string description;
  std::vector<BTensor> tensors;
  std::vector<BOp> ops;
  std::vector<int> inputs, outputs;
  int counter = 0;
  Isa gemm_isa = Isa::kRef;

  // Weights constant in the configured GEMM layout, or raw OHWI.
  int add_weights(const std::string& name, std::vector<int> shape, const ConvGeometry& g,
                  const std::vector<int8_t>& w, const std::vector<float>& scales,
                  const std::vector<int32_t>& zps, const std::vector<int32_t>& bias_folded,
                  const std::vector<int32_t>& mult, const std::vector<int32_t>& shift) {
    neon::WeightLayout layout = neon::WeightLayout::ohwi;
    switch (gemm_isa) {
      case Isa::kV80: layout = neon::layout_for(neon::Isa::v80); break;
      case Isa::kDotprod: layout = neon::layout_for(neon::Isa::dotprod); break;
      case Isa::kArmv7: layout = neon::layout_for(neon::Isa::armv7); break;
      default: break;
    }
    if (layout != neon::WeightLayout::ohwi && g.groups == 1 && neon::conv_supported(g)) {
      std::vector<uint8_t> packed(neon::packed_size(g, layout));
      if (!packed.empty() && neon::pack(g, layout, w.data(), zps.data(), bias_folded.data(),
                                        mult.data(), shift.data(), packed.data()))
        return add_constant(name, std::move(shape), DType::kInt8, packed,
                            static_cast<fb::Layout>(static_cast<int>(layout)), scales, zps);
    }
    return add_constant(name, std::move(shape), DType::kInt8, w, fb::Layout::OHWI_I8, scales, zps);
  }

  // Depthwise weights in the NEON depthwise packing (bias with z_a folded, multipliers, weights
  // minus z_c) when the target is a NEON path, else raw OHWI.
  int add_dw_weights(const std::string& name, std::vector<int> shape, const ConvGeometry& g,
                     int32_t input_zero_point, const std::vector<int8_t>& w,
                     const std::vector<float>& scales, const std::vector<int32_t>& zps,
                     const std::vector<int32_t>& bias_folded, const std::vector<int32_t>& mult,
                     const std::vector<int32_t>& shift) {
    const bool neon_target = gemm_isa == Isa::kV80 || gemm_isa == Isa::kDotprod || gemm_isa == Isa::kArmv7;
    if (neon_target && neon::dwconv_supported(g)) {
      QConvParams p;
      p.geom = g;
      p.input_zero_point = input_zero_point;
      p.weights = w.data();
      p.weight_zero_points = zps.data();
      p.bias_folded = bias_folded.data();
      p.requant.multiplier = mult.data();
      p.requant.shift = shift.data();
      std::vector<uint8_t> packed(neon::dwconv_packed_size(g));
      if (!packed.empty() && neon::dwconv_pack(p, packed.data()))
        return add_constant(name, std::move(shape), DType::kInt8, packed, fb::Layout::DW_C8I16,
                            scales, zps);
    }
    return add_constant(name, std::move(shape), DType::kInt8, w, fb::Layout::OHWI_I8, scales, zps);
  }

  bool valid(int t) const { return t >= 0 && t < static_cast<int>(tensors.size()); }
  std::string auto_name(const std::string& name, const char* op) {
    return name.empty() ? std::string(op) + "_" + std::to_string(counter++) : name;
  }
  int add_tensor(const std::string& name, std::vector<int> shape, DType dtype,
                 std::vector<float> scales = {}, std::vector<int32_t> zps = {}) {
    BTensor t;
    t.name = name;
    t.shape = std::move(shape);
    t.dtype = dtype;
    t.scales = std::move(scales);
    t.zero_points = std::move(zps);
    tensors.push_back(std::move(t));
    return static_cast<int>(tensors.size()) - 1;
  }
  int add_activation(const std::string& name, std::vector<int> shape, QuantParams q) {
    return add_tensor(name, std::move(shape), DType::kInt8, {q.scale}, {q.zero_point});
  }
  template <typename T>
  int add_constant(const std::string& name, std::vector<int> shape, DType dtype,
                   const std::vector<T>& values, fb::Layout layout, std::vector<float> scales = {},
                   std::vector<int32_t> zps = {}) {
    int id = add_tensor(name, std::move(shape), dtype, std::move(scales), std::move(zps));
    BTensor& t = tensors[id];
    t.constant = true;
    t.layout = layout;
    t.data.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(t.data.data(), values.data(), t.data.size());
    return id;
  }
  BOp& add_op(fb::OpCode code, std::vector<int> ins, int out, const std::string& name) {
    BOp op;
    op.code = code;
    op.inputs = std::move(ins);
    op.outputs = {out};
    op.name = name;
    ops.push_back(std::move(op));
    return ops.back();
  }
  QuantParams quant_of(int t) const {
    const BTensor& x = tensors[t];
    if (x.scales.empty()) return {};
    return {x.scales[0], x.zero_points.empty() ? 0 : x.zero_points[0]};
  }
};

ModelBuilder::ModelBuilder() : impl_(new Impl) {}
ModelBuilder::~ModelBuilder() { delete impl_; }
ModelBuilder::ModelBuilder(ModelBuilder&& o) noexcept : impl_(o.impl_), error_(std::move(o.error_)) {
  o.impl_ = new (std::nothrow) Impl;
}
ModelBuilder& ModelBuilder::operator=(ModelBuilder&& o) noexcept {
  std::swap(impl_, o.impl_);
  std::swap(error_, o.error_);
  return *this;
}

int ModelBuilder::fail(const std::string& message) {
  if (error_.ok()) error_ = Status(StatusCode::kInvalidArgument, "ModelBuilder: " + message);
  return -1;
}

void ModelBuilder::set_description(std::string text) { impl_->description = std::move(text); }
void ModelBuilder::set_pack_target(Isa isa) { impl_->gemm_isa = isa; }

std::vector<int> ModelBuilder::shape(int t) const {
  return impl_->valid(t) ? impl_->tensors[t].shape : std::vector<int>{};
}

int ModelBuilder::add_input(const std::string& name, const std::vector<int>& shape, DType dtype,
                            QuantParams quant) {
  if (shape.empty() || shape.size() > static_cast<size_t>(kMaxRank)) return fail("input '" + name + "': bad rank");
  for (int d : shape)
    if (d <= 0) return fail("input '" + name + "': non-positive dimension");
  if (dtype == DType::kInt32) return fail("input '" + name + "': int32 inputs are not supported");
  int id;
  if (dtype == DType::kInt8) {
    if (!quant_ok(quant)) return fail("input '" + name + "': bad quantization");
    id = impl_->add_activation(name, shape, quant);
  } else {
    id = impl_->add_tensor(name, shape, dtype);
  }
  impl_->inputs.push_back(id);
  return id;
}

void ModelBuilder::mark_output(int t) {
  if (!impl_->valid(t)) {
    fail("mark_output: bad tensor id " + std::to_string(t));
    return;
  }
  impl_->outputs.push_back(t);
}

namespace {
// Shared by conv and FC: validates and expands per-tensor quant, folds the bias, computes the
// multipliers. K = weights per output channel.
bool prepare_weights(int out_c, int K, const std::vector<int8_t>& weights,
                     const std::vector<float>& scales_in, const std::vector<int32_t>& zps_in,
                     const std::vector<int32_t>& bias, QuantParams in_q, QuantParams out_q,
                     std::vector<float>* scales, std::vector<int32_t>* zps,
                     std::vector<int32_t>* bias_folded, std::vector<int32_t>* mult,
                     std::vector<int32_t>* shift, std::string* err) {
  if (static_cast<int64_t>(weights.size()) != int64_t{out_c} * K) {
    *err = "weights have " + std::to_string(weights.size()) + " values, expected " +
           std::to_string(int64_t{out_c} * K);
    return false;
  }
  for (int8_t w : weights)
    if (w == -128) {
      *err = "weight value -128 (the weight range is [-127, 127])";
      return false;
    }
  auto expand = [&](const auto& in, auto* out, auto fill, const char* what) {
    using T = typename std::decay_t<decltype(*out)>::value_type;
    if (in.empty()) {
      out->assign(out_c, static_cast<T>(fill));
    } else if (in.size() == 1) {
      out->assign(out_c, in[0]);
    } else if (static_cast<int>(in.size()) == out_c) {
      out->assign(in.begin(), in.end());
    } else {
      *err = std::string(what) + " count " + std::to_string(in.size()) + " is neither 1 nor " +
             std::to_string(out_c);
      return false;
    }
    return true;
  };
  if (scales_in.empty()) {
    *err = "weight scales missing";
    return false;
  }
  if (!expand(scales_in, scales, 1.0f, "weight scale") ||
      !expand(zps_in, zps, 0, "weight zero point"))
    return false;
  if (!bias.empty() && static_cast<int>(bias.size()) != out_c) {
    *err = "bias count " + std::to_string(bias.size()) + " != " + std::to_string(out_c);
    return false;
  }
  for (int c = 0; c < out_c; ++c) {
    if (!(std::isfinite((*scales)[c]) && (*scales)[c] > 0)) {
      *err = "weight scale of channel " + std::to_string(c) + " is not positive and finite";
      return false;
    }
    if ((*zps)[c] < -127 || (*zps)[c] > 127) {
      *err = "weight zero point of channel " + std::to_string(c) + " out of [-127, 127]";
      return false;
    }
  }
  bias_folded->assign(out_c, 0);
  fold_zero_point_terms(weights.data(), out_c, K, zps->data(), in_q.zero_point,
                        bias.empty() ? nullptr : bias.data(), bias_folded->data());
  mult->assign(out_c, 0);
  shift->assign(out_c, 0);
  if (!make_conv_multipliers(in_q.scale, scales->data(), out_q.scale, out_c, mult->data(),
                             shift->data())) {
    *err = "requantization multiplier s_in * s_w / s_out out of range";
    return false;
  }
  return true;
}
}  // namespace

int ModelBuilder::conv2d(int input, const Conv2DArgs& a, QuantParams out_q, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "conv");
  if (!m.valid(input)) return fail(name + ": bad input id");
  const BTensor& in = m.tensors[input];
  if (in.dtype != DType::kInt8 || in.shape.size() != 4) return fail(name + ": input must be int8 NHWC");
  if (!quant_ok(out_q)) return fail(name + ": bad output quantization");
  const int N = in.shape[0], H = in.shape[1], W = in.shape[2], C = in.shape[3];
  if (a.groups <= 0 || C % a.groups != 0 || a.out_channels <= 0 || a.out_channels % a.groups != 0)
    return fail(name + ": groups must divide the input and output channels");
  if (a.kernel_h <= 0 || a.kernel_w <= 0 || a.stride_h <= 0 || a.stride_w <= 0 ||
      a.dilation_h <= 0 || a.dilation_w <= 0 || a.pad_top < 0 || a.pad_left < 0 ||
      a.pad_bottom < 0 || a.pad_right < 0)
    return fail(name + ": bad kernel/stride/dilation/padding");
  const int oh = ConvGeometry::out_extent(H, a.kernel_h, a.stride_h, a.dilation_h, a.pad_top + a.pad_bottom);
  const int ow = ConvGeometry::out_extent(W, a.kernel_w, a.stride_w, a.dilation_w, a.pad_left + a.pad_right);
  if (oh <= 0 || ow <= 0) return fail(name + ": empty output");
  if (a.pad_top > a.dilation_h * (a.kernel_h - 1) || a.pad_left > a.dilation_w * (a.kernel_w - 1))
    return fail(name + ": padding larger than the kernel extent");
  const int K = a.kernel_h * a.kernel_w * (C / a.groups);
  const QuantParams in_q = m.quant_of(input);
  std::vector<float> scales;
  std::vector<int32_t> zps, bias_folded, mult, shift;
  std::string err;
  if (!prepare_weights(a.out_channels, K, a.weights, a.weight_scales, a.weight_zero_points, a.bias,
                       in_q, out_q, &scales, &zps, &bias_folded, &mult, &shift, &err))
    return fail(name + ": " + err);
  ConvGeometry g;
  g.batch = N; g.in_h = H; g.in_w = W; g.in_c = C;
  g.out_h = oh; g.out_w = ow; g.out_c = a.out_channels;
  g.kernel_h = a.kernel_h; g.kernel_w = a.kernel_w;
  g.stride_h = a.stride_h; g.stride_w = a.stride_w;
  g.dilation_h = a.dilation_h; g.dilation_w = a.dilation_w;
  g.pad_top = a.pad_top; g.pad_left = a.pad_left;
  g.groups = a.groups;
  std::vector<int> wshape{a.out_channels, a.kernel_h, a.kernel_w, C / a.groups};
  int w = g.is_depthwise()
              ? m.add_dw_weights(name + "/weights", wshape, g, in_q.zero_point, a.weights, scales,
                                 zps, bias_folded, mult, shift)
              : m.add_weights(name + "/weights", wshape, g, a.weights, scales, zps, bias_folded,
                              mult, shift);
  int b = m.add_constant(name + "/bias_folded", {a.out_channels}, DType::kInt32, bias_folded,
                         fb::Layout::RAW);
  int out = m.add_activation(name, {N, oh, ow, a.out_channels}, out_q);
  BOp& op = m.add_op(fb::OpCode::CONV2D, {input, w, b}, out, name);
  fb::Conv2DOptionsT& o = op.conv;
  o.kernel_h = a.kernel_h; o.kernel_w = a.kernel_w;
  o.stride_h = a.stride_h; o.stride_w = a.stride_w;
  o.dilation_h = a.dilation_h; o.dilation_w = a.dilation_w;
  o.pad_top = a.pad_top; o.pad_left = a.pad_left;
  o.groups = a.groups;
  activation_bounds(a.activation.min, a.activation.max, out_q.scale, out_q.zero_point, &o.clamp_min, &o.clamp_max);
  o.multiplier = mult;
  o.shift = shift;
  return out;
}

int ModelBuilder::fully_connected(int input, const FullyConnectedArgs& a, QuantParams out_q,
                                  const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "fc");
  if (!m.valid(input)) return fail(name + ": bad input id");
  const BTensor& in = m.tensors[input];
  if (in.dtype != DType::kInt8 || in.shape.empty()) return fail(name + ": input must be int8");
  if (!quant_ok(out_q)) return fail(name + ": bad output quantization");
  if (a.out_channels <= 0) return fail(name + ": out_channels must be positive");
  const int N = in.shape[0];
  const int64_t K64 = elements_of(in.shape) / N;
  if (K64 > (1 << 24)) return fail(name + ": input too large");
  const int K = static_cast<int>(K64);
  std::vector<float> scales;
  std::vector<int32_t> zps, bias_folded, mult, shift;
  std::string err;
  if (!prepare_weights(a.out_channels, K, a.weights, a.weight_scales, a.weight_zero_points, a.bias,
                       m.quant_of(input), out_q, &scales, &zps, &bias_folded, &mult, &shift, &err))
    return fail(name + ": " + err);
  const ConvGeometry g = ConvGeometry::fully_connected(N, K, a.out_channels);
  int w = m.add_weights(name + "/weights", {a.out_channels, K}, g, a.weights, scales, zps,
                        bias_folded, mult, shift);
  int b = m.add_constant(name + "/bias_folded", {a.out_channels}, DType::kInt32, bias_folded, fb::Layout::RAW);
  int out = m.add_activation(name, {N, a.out_channels}, out_q);
  BOp& op = m.add_op(fb::OpCode::FULLY_CONNECTED, {input, w, b}, out, name);
  activation_bounds(a.activation.min, a.activation.max, out_q.scale, out_q.zero_point,
                    &op.fc.clamp_min, &op.fc.clamp_max);
  op.fc.multiplier = mult;
  op.fc.shift = shift;
  return out;
}

namespace {
bool pool_shape(const Pool2DArgs& a, int H, int W, int* oh, int* ow, std::string* err) {
  if (a.kernel_h <= 0 || a.kernel_w <= 0 || a.stride_h <= 0 || a.stride_w <= 0 || a.pad_top < 0 ||
      a.pad_left < 0 || a.pad_bottom < 0 || a.pad_right < 0 || a.pad_top >= a.kernel_h ||
      a.pad_left >= a.kernel_w) {
    *err = "bad kernel/stride/padding";
    return false;
  }
  *oh = ConvGeometry::out_extent(H, a.kernel_h, a.stride_h, 1, a.pad_top + a.pad_bottom);
  *ow = ConvGeometry::out_extent(W, a.kernel_w, a.stride_w, 1, a.pad_left + a.pad_right);
  if (*oh <= 0 || *ow <= 0) {
    *err = "empty output";
    return false;
  }
  return true;
}
void set_pool(fb::Pool2DOptionsT& o, const Pool2DArgs& a) {
  o.kernel_h = a.kernel_h; o.kernel_w = a.kernel_w;
  o.stride_h = a.stride_h; o.stride_w = a.stride_w;
  o.pad_top = a.pad_top; o.pad_left = a.pad_left;
  o.count_include_pad = a.count_include_pad;
}
}  // namespace

int ModelBuilder::max_pool(int input, const Pool2DArgs& a, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "maxpool");
  if (!m.valid(input) || m.tensors[input].dtype != DType::kInt8 || m.tensors[input].shape.size() != 4)
    return fail(name + ": input must be int8 NHWC");
  auto s = m.tensors[input].shape;
  int oh, ow;
  std::string err;
  if (!pool_shape(a, s[1], s[2], &oh, &ow, &err)) return fail(name + ": " + err);
  QuantParams q = m.quant_of(input);
  int out = m.add_activation(name, {s[0], oh, ow, s[3]}, q);
  BOp& op = m.add_op(fb::OpCode::MAX_POOL, {input}, out, name);
  set_pool(op.pool, a);
  activation_bounds(a.activation.min, a.activation.max, q.scale, q.zero_point, &op.pool.clamp_min, &op.pool.clamp_max);
  return out;
}

int ModelBuilder::avg_pool(int input, const Pool2DArgs& a, QuantParams out_q, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "avgpool");
  if (!m.valid(input) || m.tensors[input].dtype != DType::kInt8 || m.tensors[input].shape.size() != 4)
    return fail(name + ": input must be int8 NHWC");
  if (!quant_ok(out_q)) return fail(name + ": bad output quantization");
  auto s = m.tensors[input].shape;
  int oh, ow;
  std::string err;
  if (!pool_shape(a, s[1], s[2], &oh, &ow, &err)) return fail(name + ": " + err);
  int out = m.add_activation(name, {s[0], oh, ow, s[3]}, out_q);
  BOp& op = m.add_op(fb::OpCode::AVG_POOL, {input}, out, name);
  set_pool(op.pool, a);
  activation_bounds(a.activation.min, a.activation.max, out_q.scale, out_q.zero_point, &op.pool.clamp_min, &op.pool.clamp_max);
  return out;
}

int ModelBuilder::global_avg_pool(int input, QuantParams out_q, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "gap");
  if (!m.valid(input) || m.tensors[input].dtype != DType::kInt8 || m.tensors[input].shape.size() != 4)
    return fail(name + ": input must be int8 NHWC");
  if (!quant_ok(out_q)) return fail(name + ": bad output quantization");
  auto s = m.tensors[input].shape;
  int out = m.add_activation(name, {s[0], 1, 1, s[3]}, out_q);
  BOp& op = m.add_op(fb::OpCode::GLOBAL_AVG_POOL, {input}, out, name);
  op.pool.kernel_h = s[1];
  op.pool.kernel_w = s[2];
  op.pool.stride_h = op.pool.stride_w = 1;
  return out;
}

int ModelBuilder::add(int a, int b, QuantParams out_q, Activation act, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "add");
  if (!m.valid(a) || !m.valid(b)) return fail(name + ": bad input id");
  if (m.tensors[a].dtype != DType::kInt8 || m.tensors[b].dtype != DType::kInt8 ||
      m.tensors[a].shape != m.tensors[b].shape)
    return fail(name + ": inputs must be int8 of the same shape");
  if (!quant_ok(out_q)) return fail(name + ": bad output quantization");
  QAddParams p;
  int32_t lo, hi;
  activation_bounds(act.min, act.max, out_q.scale, out_q.zero_point, &lo, &hi);
  QuantParams qa = m.quant_of(a), qb = m.quant_of(b);
  if (!make_add_params(qa.scale, qa.zero_point, qb.scale, qb.zero_point, out_q.scale,
                       out_q.zero_point, lo, hi, &p))
    return fail(name + ": add scales out of range");
  int out = m.add_activation(name, m.tensors[a].shape, out_q);
  BOp& op = m.add_op(fb::OpCode::ADD, {a, b}, out, name);
  op.add.a_multiplier = p.a_multiplier;
  op.add.b_multiplier = p.b_multiplier;
  op.add.shift = p.shift;
  op.add.clamp_min = p.clamp_min; op.add.clamp_max = p.clamp_max;
  return out;
}

int ModelBuilder::concat(const std::vector<int>& inputs, QuantParams out_q, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "concat");
  if (inputs.empty()) return fail(name + ": no inputs");
  if (!quant_ok(out_q)) return fail(name + ": bad output quantization");
  std::vector<int> shape;
  int channels = 0;
  for (int t : inputs) {
    if (!m.valid(t) || m.tensors[t].dtype != DType::kInt8 || m.tensors[t].shape.empty())
      return fail(name + ": inputs must be int8 tensors");
    const auto& s = m.tensors[t].shape;
    if (shape.empty()) shape = s;
    if (s.size() != shape.size() || !std::equal(s.begin(), s.end() - 1, shape.begin()))
      return fail(name + ": inputs differ in a dimension other than channels");
    channels += s.back();
  }
  shape.back() = channels;
  int out = m.add_activation(name, shape, out_q);
  m.add_op(fb::OpCode::CONCAT, inputs, out, name);
  return out;
}

int ModelBuilder::reshape(int input, const std::vector<int>& shape, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "reshape");
  if (!m.valid(input)) return fail(name + ": bad input id");
  if (shape.empty() || shape.size() > static_cast<size_t>(kMaxRank)) return fail(name + ": bad rank");
  for (int d : shape)
    if (d <= 0) return fail(name + ": non-positive dimension");
  if (elements_of(shape) != elements_of(m.tensors[input].shape))
    return fail(name + ": element count changes");
  const BTensor& in = m.tensors[input];
  int out = m.add_tensor(name, shape, in.dtype, in.scales, in.zero_points);
  m.add_op(fb::OpCode::RESHAPE, {input}, out, name);
  return out;
}

int ModelBuilder::softmax(int input, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "softmax");
  if (!m.valid(input) || m.tensors[input].dtype != DType::kInt8) return fail(name + ": input must be int8");
  int out = m.add_tensor(name, m.tensors[input].shape, DType::kFloat32);
  m.add_op(fb::OpCode::SOFTMAX, {input}, out, name);
  return out;
}

int ModelBuilder::quantize(int input, QuantParams out_q, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "quantize");
  if (!m.valid(input) || m.tensors[input].dtype != DType::kFloat32) return fail(name + ": input must be float32");
  if (!quant_ok(out_q)) return fail(name + ": bad output quantization");
  int out = m.add_activation(name, m.tensors[input].shape, out_q);
  m.add_op(fb::OpCode::QUANTIZE, {input}, out, name);
  return out;
}

int ModelBuilder::normalize_image(int input, const std::vector<float>& mean, const std::vector<float>& std_,
                                  QuantParams out_q, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "normalize");
  if (!m.valid(input) || m.tensors[input].dtype != DType::kUInt8) return fail(name + ": input must be uint8");
  if (!quant_ok(out_q)) return fail(name + ": bad output quantization");
  const size_t C = static_cast<size_t>(m.tensors[input].shape.back());
  if (mean.size() != C || std_.size() != C) return fail(name + ": need one mean and std per channel");
  for (size_t c = 0; c < C; ++c)
    if (!std::isfinite(mean[c]) || !std::isfinite(std_[c]) || std_[c] == 0)
      return fail(name + ": mean/std must be finite, std non-zero");
  int out = m.add_activation(name, m.tensors[input].shape, out_q);
  BOp& op = m.add_op(fb::OpCode::QUANTIZE, {input}, out, name);
  op.quant.mean = mean;
  op.quant.std = std_;
  return out;
}

int ModelBuilder::dequantize(int input, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "dequantize");
  if (!m.valid(input) || m.tensors[input].dtype != DType::kInt8) return fail(name + ": input must be int8");
  int out = m.add_tensor(name, m.tensors[input].shape, DType::kFloat32);
  m.add_op(fb::OpCode::DEQUANTIZE, {input}, out, name);
  return out;
}

int ModelBuilder::clamp(int input, float lo, float hi, const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "clamp");
  if (!m.valid(input) || m.tensors[input].dtype != DType::kInt8) return fail(name + ": input must be int8");
  if (!(lo <= hi)) return fail(name + ": min > max");
  QuantParams q = m.quant_of(input);
  int out = m.add_activation(name, m.tensors[input].shape, q);
  BOp& op = m.add_op(fb::OpCode::CLAMP, {input}, out, name);
  activation_bounds(lo, hi, q.scale, q.zero_point, &op.clamp.clamp_min, &op.clamp.clamp_max);
  return out;
}

int ModelBuilder::lrn(int input, int size, float alpha, float beta, float bias, QuantParams out_q,
                      const std::string& name_in) {
  Impl& m = *impl_;
  const std::string name = m.auto_name(name_in, "lrn");
  if (!m.valid(input) || m.tensors[input].dtype != DType::kInt8) return fail(name + ": input must be int8");
  if (!quant_ok(out_q)) return fail(name + ": bad output quantization");
  if (size <= 0 || !std::isfinite(alpha) || !std::isfinite(beta) || !std::isfinite(bias) || bias <= 0)
    return fail(name + ": bad LRN parameters");
  int out = m.add_activation(name, m.tensors[input].shape, out_q);
  BOp& op = m.add_op(fb::OpCode::LRN, {input}, out, name);
  op.lrn.size = size; op.lrn.alpha = alpha; op.lrn.beta = beta; op.lrn.bias = bias;
  return out;
}

namespace {
flatbuffers::Offset<fb::Operator> write_op(flatbuffers::FlatBufferBuilder& b, const BOp& op) {
  flatbuffers::Offset<void> opts;
  fb::OpOptions type = fb::OpOptions::NONE;
  switch (op.code) {
    case fb::OpCode::CONV2D: type = fb::OpOptions::Conv2DOptions; opts = fb::CreateConv2DOptions(b, &op.conv).Union(); break;
    case fb::OpCode::FULLY_CONNECTED: type = fb::OpOptions::FullyConnectedOptions; opts = fb::CreateFullyConnectedOptions(b, &op.fc).Union(); break;
    case fb::OpCode::MAX_POOL:
    case fb::OpCode::AVG_POOL:
    case fb::OpCode::GLOBAL_AVG_POOL: type = fb::OpOptions::Pool2DOptions; opts = fb::CreatePool2DOptions(b, &op.pool).Union(); break;
    case fb::OpCode::ADD: type = fb::OpOptions::AddOptions; opts = fb::CreateAddOptions(b, &op.add).Union(); break;
    case fb::OpCode::CONCAT: type = fb::OpOptions::ConcatOptions; opts = fb::CreateConcatOptions(b).Union(); break;
    case fb::OpCode::RESHAPE: type = fb::OpOptions::ReshapeOptions; opts = fb::CreateReshapeOptions(b).Union(); break;
    case fb::OpCode::SOFTMAX: type = fb::OpOptions::SoftmaxOptions; opts = fb::CreateSoftmaxOptions(b).Union(); break;
    case fb::OpCode::QUANTIZE: type = fb::OpOptions::QuantizeOptions; opts = fb::CreateQuantizeOptions(b, &op.quant).Union(); break;
    case fb::OpCode::DEQUANTIZE: type = fb::OpOptions::DequantizeOptions; opts = fb::CreateDequantizeOptions(b).Union(); break;
    case fb::OpCode::CLAMP: type = fb::OpOptions::ClampOptions; opts = fb::CreateClampOptions(b, &op.clamp).Union(); break;
    case fb::OpCode::LRN: type = fb::OpOptions::LrnOptions; opts = fb::CreateLrnOptions(b, &op.lrn).Union(); break;
  }
  return fb::CreateOperatorDirect(b, op.code, &op.inputs, &op.outputs, type, opts, op.name.c_str());
}
}  // namespace

Status ModelBuilder::finish(std::vector<uint8_t>* file) const {
  if (!error_.ok()) return error_;
  const Impl& m = *impl_;
  if (m.inputs.empty()) return Status(StatusCode::kInvalidArgument, "ModelBuilder: no inputs");
  if (m.outputs.empty()) return Status(StatusCode::kInvalidArgument, "ModelBuilder: no outputs");
  // Serialize twice: the first pass fixes the size of the flatbuffer (Buffer is a fixed-size
  // struct), the second writes the absolute 64-aligned offsets of the data section after it.
  std::vector<fb::Buffer> buffers;
  std::vector<int> buffer_of(m.tensors.size(), -1);
  for (size_t i = 0; i < m.tensors.size(); ++i)
    if (m.tensors[i].constant) {
      buffer_of[i] = static_cast<int>(buffers.size());
      buffers.emplace_back(0, m.tensors[i].data.size());
    }
  size_t fb_size = 0;
  flatbuffers::FlatBufferBuilder b(1 << 16);
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1) {
      size_t off = align_up(fb_size, kBufferAlignment);
      for (size_t i = 0, k = 0; i < m.tensors.size(); ++i)
        if (m.tensors[i].constant) {
          buffers[k] = fb::Buffer(off, m.tensors[i].data.size());
          off = align_up(off + m.tensors[i].data.size(), kBufferAlignment);
          ++k;
        }
    }
    b.Clear();
    std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
    for (size_t i = 0; i < m.tensors.size(); ++i) {
      const BTensor& t = m.tensors[i];
      flatbuffers::Offset<fb::Quantization> q;
      if (!t.scales.empty()) q = fb::CreateQuantizationDirect(b, &t.scales, &t.zero_points, 0);
      tensors.push_back(fb::CreateTensorDirect(b, t.name.c_str(), &t.shape, to_fb(t.dtype), q,
                                               buffer_of[i], t.layout));
    }
    std::vector<flatbuffers::Offset<fb::Operator>> ops;
    for (const BOp& op : m.ops) ops.push_back(write_op(b, op));
    auto root = fb::CreateModelDirect(b, kSchemaVersion, m.description.c_str(), &tensors, &buffers,
                                      &ops, &m.inputs, &m.outputs);
    fb::FinishModelBuffer(b, root);
    if (pass == 0) fb_size = b.GetSize();
    else if (b.GetSize() != fb_size) return Status(StatusCode::kInternal, "ModelBuilder: size changed");
  }
  file->assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  for (size_t i = 0, k = 0; i < m.tensors.size(); ++i)
    if (m.tensors[i].constant) {
      file->resize(buffers[k].offset(), 0);
      file->insert(file->end(), m.tensors[i].data.begin(), m.tensors[i].data.end());
      ++k;
    }
  return Status::Ok();
}

Status ModelBuilder::save(const std::string& path) const {
  std::vector<uint8_t> bytes;
  Status st = finish(&bytes);
  if (!st.ok()) return st;
  std::ofstream f(path, std::ios::binary);
  if (!f) return Status(StatusCode::kIoError, "cannot write " + path);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) return Status(StatusCode::kIoError, "write failed: " + path);
  return Status::Ok();
}

}  // namespace octet::graph

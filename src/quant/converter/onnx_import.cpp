#include "quant/converter/onnx_import.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "onnx/onnx_pb.h"

namespace octet::convert {
namespace {

constexpr const char* kSupportedOps =
    "Add, AveragePool, BatchNormalization, Clip, Concat, Constant, Conv, Dropout, Flatten, Gemm, "
    "GlobalAveragePool, Identity, LRN, MatMul, MaxPool, Pad, Relu, Reshape, Softmax";

// A constant (initializer or Constant node output), widened to double for uniform handling.
struct Const {
  std::vector<int64_t> dims;
  std::vector<double> values;
  size_t count() const { return values.size(); }
};

std::string shape_str(const std::vector<int64_t>& d) {
  std::ostringstream s;
  s << '[';
  for (size_t i = 0; i < d.size(); ++i) s << (i ? "," : "") << d[i];
  s << ']';
  return s.str();
}

template <typename T>
void append_raw(const std::string& raw, std::vector<double>* out) {
  const size_t n = raw.size() / sizeof(T);
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    out->push_back(static_cast<double>(v));
  }
}

Const read_tensor(const onnx::TensorProto& t) {
  Const c;
  for (auto d : t.dims()) c.dims.push_back(d);
  const std::string name = t.name().empty() ? "(unnamed)" : t.name();
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    throw ConvertError("tensor '" + name + "': external data files are not supported");
  const bool raw = t.has_raw_data();
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      if (raw) append_raw<float>(t.raw_data(), &c.values);
      else for (float v : t.float_data()) c.values.push_back(v);
      break;
    case onnx::TensorProto::DOUBLE:
      if (raw) append_raw<double>(t.raw_data(), &c.values);
      else for (double v : t.double_data()) c.values.push_back(v);
      break;
    case onnx::TensorProto::INT64:
      if (raw) append_raw<int64_t>(t.raw_data(), &c.values);
      else for (int64_t v : t.int64_data()) c.values.push_back(static_cast<double>(v));
      break;
    case onnx::TensorProto::INT32:
      if (raw) append_raw<int32_t>(t.raw_data(), &c.values);
      else for (int32_t v : t.int32_data()) c.values.push_back(v);
      break;
    default:
      throw ConvertError("tensor '" + name + "': data type " + std::to_string(t.data_type()) +
                         " is not supported (float, double, int32, int64 are)");
  }
  int64_t expect = 1;
  for (auto d : c.dims) expect *= d;
  if (static_cast<int64_t>(c.values.size()) != expect)
    throw ConvertError("tensor '" + name + "': holds " + std::to_string(c.values.size()) +
                       " values for shape " + shape_str(c.dims));
  return c;
}

class Importer {
 public:
  Graph run(const onnx::ModelProto& model, int height, int width);

 private:
  Graph g_;
  std::map<std::string, Const> consts_;
  std::map<std::string, int> acts_;  // ONNX value name -> tensor index
  int64_t opset_ = 0;
  const onnx::NodeProto* node_ = nullptr;  // node being imported, for messages

  [[noreturn]] void fail(const std::string& what) const {
    throw ConvertError("node '" + node_name(*node_) + "' (" + node_->op_type() + "): " + what);
  }
  static std::string node_name(const onnx::NodeProto& n) {
    if (!n.name().empty()) return n.name();
    return n.output_size() ? n.output(0) : std::string("(unnamed)");
  }

  // ---- attributes ----
  void check_attrs(std::initializer_list<const char*> allowed) const {
    for (const auto& a : node_->attribute()) {
      bool ok = false;
      for (const char* n : allowed) ok |= a.name() == n;
      if (!ok) fail("unsupported attribute '" + a.name() + "'");
    }
  }
  const onnx::AttributeProto* attr(const char* name) const {
    for (const auto& a : node_->attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  int64_t attr_int(const char* name, int64_t def) const {
    const auto* a = attr(name);
    return a ? a->i() : def;
  }
  float attr_float(const char* name, float def) const {
    const auto* a = attr(name);
    return a ? a->f() : def;
  }
  std::string attr_string(const char* name, const std::string& def) const {
    const auto* a = attr(name);
    return a ? a->s() : def;
  }
  std::vector<int64_t> attr_ints(const char* name, std::vector<int64_t> def) const {
    const auto* a = attr(name);
    if (!a) return def;
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  }

  // ---- inputs ----
  bool has_input(int i) const { return node_->input_size() > i && !node_->input(i).empty(); }
  bool is_const(int i) const { return has_input(i) && consts_.count(node_->input(i)); }
  int act_input(int i) const {
    if (!has_input(i)) fail("missing input " + std::to_string(i));
    auto it = acts_.find(node_->input(i));
    if (it == acts_.end()) {
      if (consts_.count(node_->input(i)))
        fail("input '" + node_->input(i) + "' is a constant where an activation is expected");
      fail("input '" + node_->input(i) + "' is not produced by any supported node");
    }
    return it->second;
  }
  const Const& const_input(int i) const {
    if (!has_input(i)) fail("missing input " + std::to_string(i));
    auto it = consts_.find(node_->input(i));
    if (it == consts_.end()) fail("input '" + node_->input(i) + "' must be a constant (initializer or Constant node)");
    return it->second;
  }
  // Float parameters (weights, bias, BN statistics): NaN / Inf is an error naming the tensor.
  std::vector<float> const_floats(int i) const {
    const Const& c = const_input(i);
    std::vector<float> v(c.values.size());
    for (size_t k = 0; k < v.size(); ++k) {
      v[k] = static_cast<float>(c.values[k]);
      if (!std::isfinite(v[k]))
        throw ConvertError("tensor '" + node_->input(i) + "' (input of node '" + node_name(*node_) +
                           "', " + node_->op_type() + ") holds NaN or Inf values");
    }
    return v;
  }
  const Tensor& T(int t) const { return g_.tensors[t]; }
  bool is_image(int t) const { return T(t).shape.size() == 4; }

  int add_output(std::vector<int> shape, int out_index = 0) {
    if (node_->output_size() <= out_index) fail("missing output");
    const int t = g_.add_tensor(node_->output(out_index), std::move(shape));
    g_.tensors[t].producer = static_cast<int>(g_.nodes.size());
    acts_[node_->output(out_index)] = t;
    return t;
  }
  Node& add_node(OpKind kind, std::vector<int> inputs, int output) {
    Node n;
    n.kind = kind;
    n.name = node_name(*node_);
    n.onnx_op = node_->op_type();
    n.inputs = std::move(inputs);
    n.outputs = {output};
    g_.nodes.push_back(std::move(n));
    return g_.nodes.back();
  }
  void only_first_output_used() const {
    for (int i = 1; i < node_->output_size(); ++i)
      if (!node_->output(i).empty()) used_extra_outputs_.insert(node_->output(i));
  }
  mutable std::set<std::string> used_extra_outputs_;

  // Spatial window (conv / pool) from kernel_shape, strides, dilations, pads, auto_pad.
  struct Window {
    int kh, kw, sh, sw, dh, dw, pad_top, pad_left, out_h, out_w;
  };
  Window window(int in_h, int in_w, int kh, int kw, bool ceil_mode) const;

  void import_node();
  void conv();
  void batch_norm();
  void clamp(float lo, float hi);
  void pool(OpKind kind);
  void global_avg_pool();
  void gemm();
  void matmul();
  void add();
  void flatten_to_2d(int in);
  void flatten();
  void reshape();
  void concat();
  void softmax();
  void pad();
  void lrn();
  void identity();
  void constant();
  int fc_from(int in, std::vector<float> w_onnx_order, int out_c, std::vector<float> bias);
};

Importer::Window Importer::window(int in_h, int in_w, int kh, int kw, bool ceil_mode) const {
  Window w{};
  w.kh = kh;
  w.kw = kw;
  const auto strides = attr_ints("strides", {1, 1});
  const auto dil = attr_ints("dilations", {1, 1});
  auto pads = attr_ints("pads", {0, 0, 0, 0});
  if (strides.size() != 2 || dil.size() != 2 || pads.size() != 4)
    fail("only 2-D windows are supported (strides, dilations, pads)");
  w.sh = static_cast<int>(strides[0]);
  w.sw = static_cast<int>(strides[1]);
  w.dh = static_cast<int>(dil[0]);
  w.dw = static_cast<int>(dil[1]);
  if (w.sh < 1 || w.sw < 1 || w.dh < 1 || w.dw < 1 || kh < 1 || kw < 1)
    fail("kernel, strides and dilations must be positive");
  for (auto p : pads)
    if (p < 0) fail("negative pads are not supported");
  const std::string auto_pad = attr_string("auto_pad", "NOTSET");
  const int eff_h = w.dh * (kh - 1) + 1, eff_w = w.dw * (kw - 1) + 1;
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    w.out_h = (in_h + w.sh - 1) / w.sh;
    w.out_w = (in_w + w.sw - 1) / w.sw;
    const int th = std::max(0, (w.out_h - 1) * w.sh + eff_h - in_h);
    const int tw = std::max(0, (w.out_w - 1) * w.sw + eff_w - in_w);
    const bool upper = auto_pad == "SAME_UPPER";
    w.pad_top = upper ? th / 2 : th - th / 2;
    w.pad_left = upper ? tw / 2 : tw - tw / 2;
    return w;
  }
  if (auto_pad == "VALID") pads = {0, 0, 0, 0};
  else if (auto_pad != "NOTSET" && !auto_pad.empty()) fail("unsupported auto_pad '" + auto_pad + "'");
  w.pad_top = static_cast<int>(pads[0]);
  w.pad_left = static_cast<int>(pads[1]);
  const int span_h = in_h + static_cast<int>(pads[0] + pads[2]) - eff_h;
  const int span_w = in_w + static_cast<int>(pads[1] + pads[3]) - eff_w;
  if (span_h < 0 || span_w < 0) fail("the window is larger than the padded input");
  if (ceil_mode) {
    w.out_h = (span_h + w.sh - 1) / w.sh + 1;
    w.out_w = (span_w + w.sw - 1) / w.sw + 1;
    // The last window must start inside the input or its leading padding.
    if ((w.out_h - 1) * w.sh >= in_h + w.pad_top) --w.out_h;
    if ((w.out_w - 1) * w.sw >= in_w + w.pad_left) --w.out_w;
  } else {
    w.out_h = span_h / w.sh + 1;
    w.out_w = span_w / w.sw + 1;
  }
  return w;
}

void Importer::conv() {
  check_attrs({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  const int in = act_input(0);
  if (!is_image(in)) fail("the input must be a 4-D NCHW tensor");
  const Const& wc = const_input(1);
  if (wc.dims.size() != 4) fail("weights '" + node_->input(1) + "' must be 4-D (OIHW), got " + shape_str(wc.dims));
  const std::vector<float> w = const_floats(1);
  const Tensor& x = T(in);
  const int H = x.shape[1], W = x.shape[2], C = x.shape[3];
  const int O = static_cast<int>(wc.dims[0]), I = static_cast<int>(wc.dims[1]);
  const int kh = static_cast<int>(wc.dims[2]), kw = static_cast<int>(wc.dims[3]);
  const int group = static_cast<int>(attr_int("group", 1));
  if (group < 1 || C % group || O % group || I * group != C)
    fail("weights " + shape_str(wc.dims) + " and group " + std::to_string(group) +
         " do not match " + std::to_string(C) + " input channels");
  const auto ks = attr_ints("kernel_shape", {kh, kw});
  if (ks.size() != 2 || ks[0] != kh || ks[1] != kw) fail("kernel_shape does not match the weights");
  const Window win = window(H, W, kh, kw, false);
  std::vector<float> bias(O, 0.0f);
  if (has_input(2)) {
    bias = const_floats(2);
    if (static_cast<int>(bias.size()) != O) fail("bias size does not match the output channels");
  }
  const int out = add_output({1, win.out_h, win.out_w, O});
  Node& n = add_node(OpKind::kConv, {in}, out);
  ConvGeometry& gm = n.conv;
  gm.in_h = H; gm.in_w = W; gm.in_c = C;
  gm.out_h = win.out_h; gm.out_w = win.out_w; gm.out_c = O;
  gm.kernel_h = kh; gm.kernel_w = kw;
  gm.stride_h = win.sh; gm.stride_w = win.sw;
  gm.dilation_h = win.dh; gm.dilation_w = win.dw;
  gm.pad_top = win.pad_top; gm.pad_left = win.pad_left;
  gm.groups = group;
  // OIHW -> OHWI
  n.weights.resize(w.size());
  for (int o = 0; o < O; ++o)
    for (int i = 0; i < I; ++i)
      for (int y = 0; y < kh; ++y)
        for (int xk = 0; xk < kw; ++xk)
          n.weights[((static_cast<size_t>(o) * kh + y) * kw + xk) * I + i] =
              w[((static_cast<size_t>(o) * I + i) * kh + y) * kw + xk];
  n.bias = std::move(bias);
}

void Importer::batch_norm() {
  check_attrs({"epsilon", "momentum", "spatial", "training_mode", "is_test"});
  if (attr_int("training_mode", 0) != 0) fail("training_mode=1 is not supported");
  if (attr_int("spatial", 1) != 1) fail("spatial=0 is not supported");
  only_first_output_used();
  const int in = act_input(0);
  const int C = T(in).channels();
  const auto gamma = const_floats(1), beta = const_floats(2), mean = const_floats(3),
             var = const_floats(4);
  for (const auto* v : {&gamma, &beta, &mean, &var})
    if (static_cast<int>(v->size()) != C) fail("parameter sizes do not match " + std::to_string(C) + " channels");
  const float eps = attr_float("epsilon", 1e-5f);
  const int out = add_output(T(in).shape);
  Node& n = add_node(OpKind::kBatchNorm, {in}, out);
  n.scale.resize(C);
  n.bias.resize(C);
  for (int c = 0; c < C; ++c) {
    const double s = gamma[c] / std::sqrt(static_cast<double>(var[c]) + eps);
    n.scale[c] = static_cast<float>(s);
    n.bias[c] = static_cast<float>(beta[c] - mean[c] * s);
  }
}

void Importer::clamp(float lo, float hi) {
  if (std::isnan(lo) || std::isnan(hi) || lo > hi) fail("invalid clip bounds");
  const int in = act_input(0);
  const int out = add_output(T(in).shape);
  Node& n = add_node(OpKind::kClamp, {in}, out);
  n.clamp_lo = lo;
  n.clamp_hi = hi;
}

void Importer::pool(OpKind kind) {
  if (kind == OpKind::kMaxPool)
    check_attrs({"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  else
    check_attrs({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
  if (node_->output_size() > 1 && !node_->output(1).empty()) fail("the Indices output is not supported");
  if (attr_int("storage_order", 0) != 0) fail("storage_order=1 is not supported");
  const auto dil = attr_ints("dilations", {1, 1});
  for (auto d : dil)
    if (d != 1) fail("dilated pooling is not supported");
  const bool ceil_mode = attr_int("ceil_mode", 0) != 0;
  if (ceil_mode && kind == OpKind::kAvgPool) fail("ceil_mode=1 is not supported for AveragePool");
  const int in = act_input(0);
  if (!is_image(in)) fail("the input must be a 4-D NCHW tensor");
  const auto ks = attr_ints("kernel_shape", {});
  if (ks.size() != 2) fail("kernel_shape must have 2 values");
  const Tensor x = T(in);  // a copy: add_output() grows the tensor list
  const Window win = window(x.shape[1], x.shape[2], static_cast<int>(ks[0]), static_cast<int>(ks[1]), ceil_mode);
  const int out = add_output({1, win.out_h, win.out_w, x.shape[3]});
  Node& n = add_node(kind, {in}, out);
  PoolGeometry& p = n.pool;
  p.in_h = x.shape[1]; p.in_w = x.shape[2]; p.channels = x.shape[3];
  p.out_h = win.out_h; p.out_w = win.out_w;
  p.kernel_h = win.kh; p.kernel_w = win.kw;
  p.stride_h = win.sh; p.stride_w = win.sw;
  p.pad_top = win.pad_top; p.pad_left = win.pad_left;
  p.count_include_pad = attr_int("count_include_pad", 0) != 0;
}

void Importer::global_avg_pool() {
  check_attrs({});
  const int in = act_input(0);
  if (!is_image(in)) fail("the input must be a 4-D NCHW tensor");
  const Tensor x = T(in);
  const int out = add_output({1, 1, 1, x.shape[3]});
  Node& n = add_node(OpKind::kGlobalAvgPool, {in}, out);
  PoolGeometry& p = n.pool;
  p.in_h = x.shape[1]; p.in_w = x.shape[2]; p.channels = x.shape[3];
  p.out_h = p.out_w = 1;
  p.kernel_h = x.shape[1]; p.kernel_w = x.shape[2];
}

// Fully connected from an ONNX-ordered [out_c][in] weight matrix; a flattened NHWC input gets its
// weight columns permuted from CHW to HWC order.
int Importer::fc_from(int in, std::vector<float> w, int out_c, std::vector<float> bias) {
  if (T(in).shape.size() != 2) fail("the input must be 2-D [1, features]");
  const int K = T(in).channels();
  const auto hwc = T(in).flattened_from;
  std::vector<float> wt(w.size());
  if (!hwc.empty()) {
    const int H = hwc[0], W = hwc[1], C = hwc[2];
    for (int o = 0; o < out_c; ++o)
      for (int c = 0; c < C; ++c)
        for (int p = 0; p < H * W; ++p)
          wt[static_cast<size_t>(o) * K + p * C + c] = w[static_cast<size_t>(o) * K + c * H * W + p];
  } else {
    wt = std::move(w);
  }
  const int out = add_output({1, out_c});
  Node& n = add_node(OpKind::kFullyConnected, {in}, out);
  n.conv.in_c = K;
  n.conv.out_c = out_c;
  n.weights = std::move(wt);
  n.bias = bias.empty() ? std::vector<float>(out_c, 0.0f) : std::move(bias);
  return out;
}

void Importer::gemm() {
  check_attrs({"alpha", "beta", "transA", "transB", "broadcast"});
  if (attr_int("transA", 0) != 0) fail("transA=1 is not supported");
  const int in = act_input(0);
  if (T(in).shape.size() != 2) fail("input A must be 2-D [1, K] (insert a Flatten)");
  const int K = T(in).channels();
  const Const& bc = const_input(1);
  if (bc.dims.size() != 2) fail("B must be a 2-D constant");
  const bool transB = attr_int("transB", 0) != 0;
  const int N = static_cast<int>(transB ? bc.dims[0] : bc.dims[1]);
  if ((transB ? bc.dims[1] : bc.dims[0]) != K) fail("B " + shape_str(bc.dims) + " does not match K=" + std::to_string(K));
  const float alpha = attr_float("alpha", 1.0f), beta = attr_float("beta", 1.0f);
  const std::vector<float> b = const_floats(1);
  std::vector<float> w(static_cast<size_t>(N) * K);
  for (int o = 0; o < N; ++o)
    for (int k = 0; k < K; ++k)
      w[static_cast<size_t>(o) * K + k] = alpha * (transB ? b[static_cast<size_t>(o) * K + k] : b[static_cast<size_t>(k) * N + o]);
  std::vector<float> bias(N, 0.0f);
  if (has_input(2)) {
    const std::vector<float> c = const_floats(2);
    if (c.size() != 1 && static_cast<int>(c.size()) != N) fail("C must have 1 or N values");
    for (int o = 0; o < N; ++o) bias[o] = beta * c[c.size() == 1 ? 0 : o];
  }
  fc_from(in, std::move(w), N, std::move(bias));
}

void Importer::matmul() {
  check_attrs({});
  const int in = act_input(0);
  if (T(in).shape.size() != 2) fail("input A must be 2-D [1, K]");
  const int K = T(in).channels();
  const Const& bc = const_input(1);
  if (bc.dims.size() != 2 || bc.dims[0] != K) fail("B must be a constant [K, N] with K=" + std::to_string(K));
  const int N = static_cast<int>(bc.dims[1]);
  const std::vector<float> b = const_floats(1);
  std::vector<float> w(static_cast<size_t>(N) * K);
  for (int o = 0; o < N; ++o)
    for (int k = 0; k < K; ++k) w[static_cast<size_t>(o) * K + k] = b[static_cast<size_t>(k) * N + o];
  fc_from(in, std::move(w), N, {});
}

void Importer::add() {
  check_attrs({});
  if (is_const(0) && is_const(1)) fail("adding two constants is not supported");
  if (is_const(0) || is_const(1)) {
    const int ci = is_const(0) ? 0 : 1;
    const int in = act_input(1 - ci);
    const Const& c = const_input(ci);
    const int C = T(in).channels();
    std::vector<int64_t> dims = c.dims;
    while (!dims.empty() && dims.front() == 1 && dims.size() > (is_image(in) ? 3u : 1u)) dims.erase(dims.begin());
    const bool scalar = c.count() == 1;
    bool per_channel;
    if (is_image(in)) per_channel = dims.size() == 3 && dims[0] == C && dims[1] == 1 && dims[2] == 1;
    else per_channel = dims.size() == 1 && dims[0] == C;
    if (!scalar && !per_channel)
      fail("a constant operand must be a scalar or per channel ([1,C,1,1] / [C]), got " + shape_str(c.dims));
    const std::vector<float> v = const_floats(ci);
    const int out = add_output(T(in).shape);
    Node& n = add_node(OpKind::kBiasAdd, {in}, out);
    n.bias.resize(C);
    for (int k = 0; k < C; ++k) n.bias[k] = v[scalar ? 0 : k];
    return;
  }
  const int a = act_input(0), b = act_input(1);
  if (T(a).shape != T(b).shape) fail("broadcasting Add is not supported (shapes differ)");
  if (T(a).flattened_from != T(b).flattened_from) fail("operands flattened differently");
  const int out = add_output(T(a).shape);
  g_.tensors[out].flattened_from = T(a).flattened_from;
  add_node(OpKind::kAdd, {a, b}, out);
}

void Importer::flatten_to_2d(int in) {
  const Tensor& x = T(in);
  std::vector<int> from;
  if (x.shape.size() == 4 && x.shape[1] * x.shape[2] > 1 && x.shape[3] > 1)
    from = {x.shape[1], x.shape[2], x.shape[3]};
  if (x.shape.size() == 2) from = x.flattened_from;
  const int out = add_output({1, static_cast<int>(x.elements())});
  g_.tensors[out].flattened_from = from;
  add_node(OpKind::kReshape, {in}, out);
}

void Importer::flatten() {
  check_attrs({"axis"});
  const int in = act_input(0);
  const int rank = static_cast<int>(T(in).shape.size());
  int64_t axis = attr_int("axis", 1);
  if (axis < 0) axis += rank;
  if (axis != 0 && axis != 1) fail("only axis 0 or 1 is supported (batch 1)");
  flatten_to_2d(in);
}

void Importer::reshape() {
  check_attrs({"allowzero"});
  const int in = act_input(0);
  const Const& sc = const_input(1);
  const Tensor& x = T(in);
  // The ONNX shape of the input.
  std::vector<int64_t> src = x.shape.size() == 4
      ? std::vector<int64_t>{1, x.shape[3], x.shape[1], x.shape[2]}
      : std::vector<int64_t>{1, x.shape[1]};
  std::vector<int64_t> dst;
  int64_t known = 1;
  int minus = -1;
  for (size_t i = 0; i < sc.values.size(); ++i) {
    int64_t d = static_cast<int64_t>(sc.values[i]);
    if (d == 0) {
      if (i >= src.size()) fail("Reshape copies a dimension that does not exist");
      d = src[i];
    }
    if (d == -1) {
      if (minus >= 0) fail("more than one -1 in the Reshape target");
      minus = static_cast<int>(i);
    } else if (d < 1) {
      fail("invalid Reshape target " + shape_str(dst));
    } else {
      known *= d;
    }
    dst.push_back(d);
  }
  const int64_t total = static_cast<int64_t>(x.elements());
  if (minus >= 0) {
    if (known == 0 || total % known) fail("Reshape target does not divide the input");
    dst[minus] = total / known;
  }
  int64_t prod = 1;
  for (auto d : dst) prod *= d;
  if (prod != total) fail("Reshape target " + shape_str(dst) + " does not match the input " + shape_str(src));
  if (dst == src) { identity(); return; }
  if (dst.size() == 2 && dst[0] == 1) { flatten_to_2d(in); return; }
  fail("only Reshape to [1, features] (a flatten) is supported, got " + shape_str(dst));
}

void Importer::concat() {
  check_attrs({"axis"});
  if (node_->input_size() < 1) fail("no inputs");
  std::vector<int> ins;
  for (int i = 0; i < node_->input_size(); ++i) ins.push_back(act_input(i));
  const int rank = static_cast<int>(T(ins[0]).shape.size());
  int64_t axis = attr_int("axis", 1);
  if (axis < 0) axis += rank;
  if (axis != 1) fail("only concatenation along channels (axis 1) is supported");
  int C = 0;
  for (int t : ins) {
    const auto& s = T(t).shape;
    if (s.size() != static_cast<size_t>(rank) || !std::equal(s.begin(), s.end() - 1, T(ins[0]).shape.begin()))
      fail("inputs differ in shape outside the channel axis");
    if (!T(t).flattened_from.empty()) fail("concatenating flattened tensors is not supported");
    C += s.back();
  }
  std::vector<int> shape = T(ins[0]).shape;
  shape.back() = C;
  const int out = add_output(shape);
  add_node(OpKind::kConcat, ins, out);
}

void Importer::softmax() {
  check_attrs({"axis"});
  const int in = act_input(0);
  const Tensor& x = T(in);
  const int rank = static_cast<int>(x.shape.size());
  int64_t axis = attr_int("axis", opset_ >= 13 ? -1 : 1);
  if (axis < 0) axis += rank;
  bool ok;
  if (rank == 2) ok = axis == 1 && x.flattened_from.empty();
  else ok = (x.shape[1] * x.shape[2] == 1 && axis >= 1) || (opset_ >= 13 && axis == 1);
  if (!ok) fail("softmax is supported over the channel axis only");
  const int out = add_output(x.shape);
  add_node(OpKind::kSoftmax, {in}, out);
}

void Importer::pad() {
  check_attrs({"mode", "pads", "value"});
  const std::string mode = attr_string("mode", "constant");
  if (mode != "constant") fail("only mode=constant is supported, got '" + mode + "'");
  const int in = act_input(0);
  if (!is_image(in)) fail("the input must be a 4-D NCHW tensor");
  std::vector<int64_t> pads;
  double value = 0.0;
  if (opset_ < 11) {
    pads = attr_ints("pads", {});
    value = attr_float("value", 0.0f);
  } else {
    const Const& pc = const_input(1);
    for (double v : pc.values) pads.push_back(static_cast<int64_t>(v));
    if (has_input(2)) value = const_input(2).values.empty() ? 0.0 : const_input(2).values[0];
    if (has_input(3)) fail("the axes input is not supported");
  }
  if (pads.size() != 8) fail("pads must have 8 values for a 4-D input");
  if (value != 0.0) fail("only zero padding is supported");
  if (pads[0] || pads[1] || pads[4] || pads[5]) fail("padding of the batch or channel axis is not supported");
  for (auto p : pads)
    if (p < 0) fail("negative pads (cropping) are not supported");
  const Tensor& x = T(in);
  const int t = static_cast<int>(pads[2]), l = static_cast<int>(pads[3]);
  const int b = static_cast<int>(pads[6]), r = static_cast<int>(pads[7]);
  const int out = add_output({1, x.shape[1] + t + b, x.shape[2] + l + r, x.shape[3]});
  Node& n = add_node(OpKind::kPad, {in}, out);
  n.pads[0] = t; n.pads[1] = l; n.pads[2] = b; n.pads[3] = r;
}

// ONNX LRN (across channels): y = x / (bias + alpha / size * sum of x^2 over the window)^beta.
void Importer::lrn() {
  check_attrs({"alpha", "beta", "bias", "size"});
  if (!attr("size")) fail("the size attribute is required");
  const int in = act_input(0);
  if (!is_image(in)) fail("the input must be a 4-D NCHW tensor");
  const int64_t size = attr_int("size", 1);
  const float alpha = attr_float("alpha", 1e-4f), beta = attr_float("beta", 0.75f), bias = attr_float("bias", 1.0f);
  if (size < 1 || size > 1024) fail("size must be in [1, 1024], got " + std::to_string(size));
  if (!std::isfinite(alpha) || !std::isfinite(beta) || !std::isfinite(bias) || alpha < 0 || !(bias > 0))
    fail("alpha >= 0, bias > 0 and a finite beta are supported");
  const int out = add_output(T(in).shape);
  Node& n = add_node(OpKind::kLrn, {in}, out);
  n.lrn_size = static_cast<int>(size);
  n.lrn_alpha = alpha;
  n.lrn_beta = beta;
  n.lrn_bias = bias;
}

void Importer::identity() {
  const int in = act_input(0);
  const int out = add_output(T(in).shape);
  g_.tensors[out].flattened_from = T(in).flattened_from;
  add_node(OpKind::kIdentity, {in}, out);
}

void Importer::constant() {
  check_attrs({"value", "value_float", "value_floats", "value_int", "value_ints"});
  if (node_->output_size() != 1) fail("expected one output");
  Const c;
  if (const auto* a = attr("value")) {
    c = read_tensor(a->t());
  } else if (const auto* a = attr("value_float")) {
    c.values = {a->f()};
  } else if (const auto* a = attr("value_floats")) {
    for (float v : a->floats()) c.values.push_back(v);
    c.dims = {static_cast<int64_t>(c.values.size())};
  } else if (const auto* a = attr("value_int")) {
    c.values = {static_cast<double>(a->i())};
  } else if (const auto* a = attr("value_ints")) {
    for (auto v : a->ints()) c.values.push_back(static_cast<double>(v));
    c.dims = {static_cast<int64_t>(c.values.size())};
  } else {
    fail("no value");
  }
  consts_[node_->output(0)] = std::move(c);
}

void Importer::import_node() {
  const std::string& op = node_->op_type();
  if (!node_->domain().empty() && node_->domain() != "ai.onnx")
    fail("operators of domain '" + node_->domain() + "' are not supported; supported: " + kSupportedOps);
  for (int i = 0; i < node_->input_size(); ++i)
    if (used_extra_outputs_.count(node_->input(i)))
      fail("reads '" + node_->input(i) + "', a secondary output that is not supported");
  if (op == "Conv") conv();
  else if (op == "BatchNormalization") batch_norm();
  else if (op == "Relu") { check_attrs({}); clamp(0.0f, std::numeric_limits<float>::infinity()); }
  else if (op == "Clip") {
    float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
    if (opset_ < 11) {
      check_attrs({"min", "max"});
      lo = attr_float("min", lo);
      hi = attr_float("max", hi);
    } else {
      check_attrs({});
      if (has_input(1)) lo = static_cast<float>(const_input(1).values.at(0));
      if (has_input(2)) hi = static_cast<float>(const_input(2).values.at(0));
    }
    // Exporters write "no bound" as the float extremes.
    if (lo <= -std::numeric_limits<float>::max()) lo = -std::numeric_limits<float>::infinity();
    if (hi >= std::numeric_limits<float>::max()) hi = std::numeric_limits<float>::infinity();
    clamp(lo, hi);
  }
  else if (op == "MaxPool") pool(OpKind::kMaxPool);
  else if (op == "AveragePool") pool(OpKind::kAvgPool);
  else if (op == "GlobalAveragePool") global_avg_pool();
  else if (op == "Gemm") gemm();
  else if (op == "MatMul") matmul();
  else if (op == "Add") add();
  else if (op == "Flatten") flatten();
  else if (op == "Reshape") reshape();
  else if (op == "Concat") concat();
  else if (op == "Softmax") softmax();
  else if (op == "Pad") pad();
  else if (op == "LRN") lrn();
  else if (op == "Identity") { check_attrs({}); identity(); }
  else if (op == "Dropout") {
    check_attrs({"ratio", "is_test", "seed"});
    if (has_input(2) && const_input(2).values.at(0) != 0.0) fail("training_mode=true is not supported");
    only_first_output_used();
    identity();
  }
  else if (op == "Constant") constant();
  else fail(std::string("unsupported operator; supported: ") + kSupportedOps);
}

Graph Importer::run(const onnx::ModelProto& model, int height, int width) {
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset_ = o.version();
  if (opset_ == 0) opset_ = 1;
  if (opset_ > 17) throw ConvertError("opset " + std::to_string(opset_) + " is newer than supported (9 to 17)");
  const onnx::GraphProto& graph = model.graph();
  for (const auto& t : graph.initializer()) consts_[t.name()] = read_tensor(t);
  // The graph input: the one input that is not an initializer.
  for (const auto& in : graph.input()) {
    if (consts_.count(in.name())) continue;
    if (g_.input >= 0) throw ConvertError("models with more than one input are not supported ('" +
                                          g_.input_name + "', '" + in.name() + "')");
    if (!in.type().has_tensor_type()) throw ConvertError("input '" + in.name() + "' is not a tensor");
    const auto& tt = in.type().tensor_type();
    if (tt.elem_type() != onnx::TensorProto::FLOAT)
      throw ConvertError("input '" + in.name() + "' must be float32");
    std::vector<int64_t> dims;
    for (const auto& d : tt.shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
    if (!dims.empty() && dims[0] == -1) dims[0] = 1;
    if (dims.size() == 4 && height > 0) {  // --size fills dynamic dimensions, must match static ones
      for (int k = 2; k < 4; ++k) {
        const int want = k == 2 ? height : width;
        if (dims[k] == -1) dims[k] = want;
        else if (dims[k] != want)
          throw ConvertError("input '" + in.name() + "' is " + shape_str(dims) + ": --size " +
                             std::to_string(height) + "," + std::to_string(width) + " does not match");
      }
    }
    for (size_t i = 0; i < dims.size(); ++i)
      if (dims[i] < 1) throw ConvertError("input '" + in.name() + "' has a dynamic or empty dimension " + shape_str(dims) + "; export it with a fixed size");
    if (dims.size() == 4 && dims[0] == 1) {
      g_.input = g_.add_tensor(in.name(), {1, static_cast<int>(dims[2]), static_cast<int>(dims[3]), static_cast<int>(dims[1])});
      g_.input_is_image = true;
    } else if (dims.size() == 2 && dims[0] == 1) {
      g_.input = g_.add_tensor(in.name(), {1, static_cast<int>(dims[1])});
    } else {
      throw ConvertError("input '" + in.name() + "' must be NCHW [1,C,H,W] or [1,F], got " + shape_str(dims));
    }
    g_.input_name = in.name();
    acts_[in.name()] = g_.input;
  }
  if (g_.input < 0) throw ConvertError("the model has no input");
  for (const auto& n : graph.node()) {
    node_ = &n;
    import_node();
  }
  for (const auto& o : graph.output()) {
    auto it = acts_.find(o.name());
    if (it == acts_.end()) throw ConvertError("graph output '" + o.name() + "' is not computed from the input");
    g_.outputs.push_back(it->second);
  }
  if (g_.outputs.empty()) throw ConvertError("the model has no output");
  return std::move(g_);
}

}  // namespace

const char* supported_onnx_ops() { return kSupportedOps; }

Graph import_onnx_bytes(const std::string& bytes, const std::string& what, int height, int width) {
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromString(bytes) || !model.has_graph() ||
      model.graph().node_size() == 0 || model.ir_version() <= 0)
    throw ConvertError(what + ": not an ONNX model (cannot parse a ModelProto with a graph)");
  Importer imp;
  return imp.run(model, height, width);
}

Graph import_onnx_file(const std::string& path, int height, int width) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConvertError(path + ": cannot open");
  std::ostringstream s;
  s << f.rdbuf();
  return import_onnx_bytes(s.str(), path, height, width);
}

}  // namespace octet::convert

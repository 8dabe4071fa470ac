// Loading checks, in order: identifier, flatbuffers Verifier, schema version, then the semantic
// checks a Verifier cannot do (indices, shapes, buffer sizes and alignment, quantization,
// operator parameters, graph order). The first failure is reported with what and where.
#include <cmath>
#include <cstring>
#include <sstream>

#include "graph/model_format.h"
#include "graph/model_impl.h"
#include "graph/dw_weights.h"
#include "kernels/neon/conv_gemm.h"
#include "kernels/neon/dwconv.h"
#include "kernels/op_params.h"

namespace octet::graph {

// Layout ids are one namespace shared by the file and the kernels.
static_assert(static_cast<int>(fb::Layout::DW_C8I16) == neon::kDwconvLayoutC8I16,
              "fb::Layout::DW_C8I16 must equal the NEON depthwise layout id");

size_t dtype_size(DType d) {
  switch (d) {
    case DType::kInt8: case DType::kUInt8: return 1;
    case DType::kInt32: case DType::kFloat32: return 4;
  }
  return 1;
}

const char* op_code_name(fb::OpCode c) {
  const char* n = fb::EnumNameOpCode(c);
  return n && *n ? n : "UNKNOWN";
}

namespace {

struct Checker {
  Model::Impl* m;
  std::string error;

  bool fail(const std::string& msg) {
    if (error.empty()) error = msg;
    return false;
  }
  std::string tname(int t) const {
    return "tensor " + std::to_string(t) + " ('" + m->tensors[t].name + "')";
  }
  bool valid_tensor(int t) const { return t >= 0 && t < static_cast<int>(m->tensors.size()); }

  bool check_tensor(int i, const fb::Tensor* t) {
    TensorDesc d;
    const std::string where = "tensor " + std::to_string(i);
    if (!t) return fail(where + ": missing");
    if (t->name()) d.name = t->name()->str();
    const std::string w = where + " ('" + d.name + "')";
    if (!t->shape() || t->shape()->size() == 0 || t->shape()->size() > static_cast<unsigned>(kMaxRank))
      return fail(w + ": rank must be 1.." + std::to_string(kMaxRank));
    int64_t n = 1;
    for (int dim : *t->shape()) {
      if (dim <= 0) return fail(w + ": non-positive dimension " + std::to_string(dim));
      n *= dim;
      if (n > kMaxTensorElements) return fail(w + ": too many elements");
      d.shape.push_back(dim);
    }
    d.elements = n;
    switch (t->dtype()) {
      case fb::DType::INT8: d.dtype = DType::kInt8; break;
      case fb::DType::INT32: d.dtype = DType::kInt32; break;
      case fb::DType::FLOAT32: d.dtype = DType::kFloat32; break;
      case fb::DType::UINT8: d.dtype = DType::kUInt8; break;
      default: return fail(w + ": unknown dtype " + std::to_string(static_cast<int>(t->dtype())));
    }
    d.bytes = static_cast<size_t>(n) * dtype_size(d.dtype);
    if (const fb::Quantization* q = t->quant()) {
      if (!q->scale() || q->scale()->size() == 0) return fail(w + ": quantization without scales");
      const int nq = static_cast<int>(q->scale()->size());
      if (q->axis() != 0 && nq > 1) return fail(w + ": per-channel quantization only along axis 0");
      if (nq != 1 && nq != d.shape[0])
        return fail(w + ": " + std::to_string(nq) + " scales for " + std::to_string(d.shape[0]) + " channels");
      if (q->zero_point() && q->zero_point()->size() != 0 && static_cast<int>(q->zero_point()->size()) != nq)
        return fail(w + ": zero point count differs from scale count");
      for (int k = 0; k < nq; ++k) {
        const float s = q->scale()->Get(k);
        if (!std::isfinite(s) || !(s > 0)) {
          std::ostringstream os;
          os << w << ": scale " << k << " is " << s << " (must be positive and finite)";
          return fail(os.str());
        }
      }
      if (q->zero_point() && q->zero_point()->size() != 0) {
        for (int k = 0; k < nq; ++k) {
          const int z = q->zero_point()->Get(k);
          if (z < -128 || z > 127) return fail(w + ": zero point " + std::to_string(z) + " out of int8 range");
        }
        d.zero_points = reinterpret_cast<const int32_t*>(q->zero_point()->data());
      }
      d.scales = q->scale()->data();
      d.num_quant = nq;
    } else if (d.dtype == DType::kInt8) {
      return fail(w + ": int8 tensor without quantization");
    }
    if (d.dtype == DType::kInt8 && d.num_quant != 1 && t->buffer() < 0)
      return fail(w + ": activations need per-tensor quantization");
    d.layout = t->layout();
    if (t->buffer() >= 0) {
      const auto* bufs = m->root->buffers();
      if (!bufs || t->buffer() >= static_cast<int>(bufs->size()))
        return fail(w + ": buffer index " + std::to_string(t->buffer()) + " out of range");
      const fb::Buffer* b = bufs->Get(t->buffer());
      if (b->offset() % kBufferAlignment != 0)
        return fail(w + ": buffer offset " + std::to_string(b->offset()) + " not aligned to 64 bytes");
      if (b->offset() > m->size || b->size() > m->size - b->offset())
        return fail(w + ": buffer [" + std::to_string(b->offset()) + ", +" + std::to_string(b->size()) +
                    ") beyond the end of the file (" + std::to_string(m->size) + " bytes)");
      switch (d.layout) {
        case fb::Layout::RAW:
        case fb::Layout::OHWI_I8:
          if (b->size() != d.bytes)
            return fail(w + ": buffer holds " + std::to_string(b->size()) + " bytes, shape needs " +
                        std::to_string(d.bytes));
          break;
        case fb::Layout::GEMM_N4K16:
        case fb::Layout::GEMM_N16K4:
          if (d.dtype != DType::kInt8 || b->size() < sizeof(neon::PackedHeader))
            return fail(w + ": packed buffer too small or not int8");
          break;  // the operator checks it against its geometry
        case fb::Layout::DW_C8I16:
          if (d.dtype != DType::kInt8 || b->size() < 16)
            return fail(w + ": depthwise packed buffer too small or not int8");
          break;  // the operator checks it against its geometry
        default:
          return fail(w + ": unknown buffer layout " + std::to_string(static_cast<int>(d.layout)));
      }
      if (d.layout == fb::Layout::OHWI_I8 && d.dtype != DType::kInt8)
        return fail(w + ": OHWI_I8 layout on a non-int8 tensor");
      d.data = m->base + b->offset();
      d.data_size = b->size();
    }
    m->tensors.push_back(std::move(d));
    return true;
  }

  bool check_index_list(const flatbuffers::Vector<int32_t>* v, const std::string& what,
                        std::vector<int>* out) {
    if (!v) return true;
    for (int t : *v) {
      if (!valid_tensor(t)) return fail(what + ": tensor index " + std::to_string(t) + " out of range");
      out->push_back(t);
    }
    return true;
  }

  bool check_clamp(const std::string& w, int lo, int hi) {
    if (lo < -128 || hi > 127 || lo > hi)
      return fail(w + ": clamp [" + std::to_string(lo) + ", " + std::to_string(hi) + "] invalid");
    return true;
  }
  bool check_multipliers(const std::string& w, const flatbuffers::Vector<int32_t>* mult,
                         const flatbuffers::Vector<int32_t>* shift, int channels) {
    if (!mult || !shift || static_cast<int>(mult->size()) != channels ||
        static_cast<int>(shift->size()) != channels)
      return fail(w + ": need " + std::to_string(channels) + " multipliers and shifts");
    for (int c = 0; c < channels; ++c) {
      if (!check_multiplier(w, mult->Get(c), shift->Get(c))) return false;
    }
    return true;
  }
  bool check_multiplier(const std::string& w, int32_t mult, int32_t shift) {
    if (mult < 0 || shift < -31 || shift > 30)
      return fail(w + ": requant multiplier " + std::to_string(mult) + " / shift " +
                  std::to_string(shift) + " out of range");
    return true;
  }
  // Output extent consistent with the window: pad_before <= extent - 1, and the implied padding
  // after the input within the window too.
  bool check_window(const std::string& w, const char* axis, int in, int out, int k, int s, int dil,
                    int pad) {
    if (k <= 0 || s <= 0 || dil <= 0) return fail(w + ": non-positive kernel/stride/dilation");
    if (k > 4096 || s > 4096 || dil > 4096) return fail(w + ": kernel/stride/dilation too large");
    const int64_t extent = int64_t{dil} * (k - 1);
    if (pad < 0 || pad > extent) return fail(w + ": padding " + std::string(axis) + " out of range");
    const int64_t after = int64_t{out - 1} * s + extent + 1 - in - pad;
    if (after < -(s - 1) || after > extent)
      return fail(w + ": output " + axis + " " + std::to_string(out) + " inconsistent with input " +
                  std::to_string(in) + ", kernel, stride and padding");
    return true;
  }
  // Conv / FC weights: raw OHWI, or a GEMM packing whose header and size match the geometry.
  bool check_weight_layout(const std::string& w, const TensorDesc& wt, const ConvGeometry& g) {
    if (wt.layout == fb::Layout::OHWI_I8) return true;
    if (wt.layout == fb::Layout::DW_C8I16) {
      std::string why;
      if (!dw_packed_valid(g, wt.data, wt.data_size, &why)) return fail(w + ": weights '" + wt.name + "': " + why);
      return true;
    }
    if (wt.layout != fb::Layout::GEMM_N4K16 && wt.layout != fb::Layout::GEMM_N16K4)
      return fail(w + ": weights layout " + std::to_string(static_cast<int>(wt.layout)) + " not supported here");
    if (g.groups != 1) return fail(w + ": packed GEMM weights on a grouped convolution");
    if (!neon::conv_supported(g) || !neon::packed_valid(g, wt.data, wt.data_size) ||
        static_cast<int>(neon::packed_layout(wt.data)) != static_cast<int>(wt.layout))
      return fail(w + ": weights '" + wt.name + "': packed weights do not match the layout id and geometry (bad header, size or per-channel requantization fields)");
    return true;
  }
  bool is_int8(int t) const { return m->tensors[t].dtype == DType::kInt8; }
  bool same_quant(int a, int b) const {
    const TensorDesc &x = m->tensors[a], &y = m->tensors[b];
    return x.num_quant == y.num_quant && x.scale() == y.scale() && x.zero_point() == y.zero_point();
  }

  bool check_op(int i, const OpDesc& op) {
    const std::string w = "operator " + std::to_string(i) + " (" + op_code_name(op.code) + " '" + op.name + "')";
    const fb::Operator* o = op.op;
    auto count = [&](size_t ni, size_t no) {
      if (op.inputs.size() != ni || op.outputs.size() != no)
        return fail(w + ": expects " + std::to_string(ni) + " inputs and " + std::to_string(no) + " output(s)");
      return true;
    };
    auto T = [&](int k) -> const TensorDesc& { return m->tensors[k]; };
    auto rank4 = [&](int t) { return T(t).shape.size() == 4; };
    const int out = op.outputs.empty() ? -1 : op.outputs[0];
    switch (op.code) {
      case fb::OpCode::CONV2D: {
        const auto* p = o->options_as_Conv2DOptions();
        if (!p) return fail(w + ": missing Conv2DOptions");
        if (!count(3, 1)) return false;
        const int in = op.inputs[0], wt = op.inputs[1], bias = op.inputs[2];
        if (!is_int8(in) || !rank4(in) || !is_int8(out) || !rank4(out))
          return fail(w + ": input and output must be int8 NHWC");
        if (!T(wt).is_constant() || !is_int8(wt) || !rank4(wt)) return fail(w + ": weights must be a constant int8 [O,H,W,I] tensor");
        if (!T(bias).is_constant() || T(bias).dtype != DType::kInt32 || T(bias).shape.size() != 1)
          return fail(w + ": bias must be a constant int32 vector");
        const auto &is = T(in).shape, &os = T(out).shape, &ws = T(wt).shape;
        const int g = p->groups();
        if (g <= 0 || is[3] % g != 0 || os[3] % g != 0) return fail(w + ": groups must divide channels");
        if (ws[0] != os[3] || ws[1] != p->kernel_h() || ws[2] != p->kernel_w() || ws[3] != is[3] / g)
          return fail(w + ": weight shape does not match the kernel and channels");
        if (T(bias).shape[0] != os[3]) return fail(w + ": bias size != output channels");
        if (T(wt).num_quant != os[3] && T(wt).num_quant != 1) return fail(w + ": weight quantization count");
        if (T(wt).num_quant != os[3]) return fail(w + ": conv weights need per-channel quantization arrays");
        if (T(wt).zero_points)
          for (int c = 0; c < os[3]; ++c)
            if (T(wt).zero_points[c] < -127) return fail(w + ": weight zero point -128");
        if (os[0] != is[0]) return fail(w + ": batch differs");
        if (int64_t{ws[1]} * ws[2] * ws[3] > 65536) return fail(w + ": kernel has more than 65536 taps");
        if (!check_window(w, "height", is[1], os[1], p->kernel_h(), p->stride_h(), p->dilation_h(), p->pad_top()) ||
            !check_window(w, "width", is[2], os[2], p->kernel_w(), p->stride_w(), p->dilation_w(), p->pad_left()))
          return false;
        {
          ConvGeometry g;
          g.batch = is[0]; g.in_h = is[1]; g.in_w = is[2]; g.in_c = is[3];
          g.out_h = os[1]; g.out_w = os[2]; g.out_c = os[3];
          g.kernel_h = p->kernel_h(); g.kernel_w = p->kernel_w();
          g.stride_h = p->stride_h(); g.stride_w = p->stride_w();
          g.dilation_h = p->dilation_h(); g.dilation_w = p->dilation_w();
          g.pad_top = p->pad_top(); g.pad_left = p->pad_left();
          g.groups = p->groups();
          if (!check_weight_layout(w, T(wt), g)) return false;
        }
        return check_clamp(w, p->clamp_min(), p->clamp_max()) &&
               check_multipliers(w, p->multiplier(), p->shift(), os[3]);
      }
      case fb::OpCode::FULLY_CONNECTED: {
        const auto* p = o->options_as_FullyConnectedOptions();
        if (!p) return fail(w + ": missing FullyConnectedOptions");
        if (!count(3, 1)) return false;
        const int in = op.inputs[0], wt = op.inputs[1], bias = op.inputs[2];
        if (!is_int8(in) || !is_int8(out) || T(out).shape.size() != 2) return fail(w + ": input int8, output int8 [N, C]");
        if (!T(wt).is_constant() || !is_int8(wt) || T(wt).shape.size() != 2)
          return fail(w + ": weights must be a constant int8 [out, in] tensor");
        if (!T(bias).is_constant() || T(bias).dtype != DType::kInt32 || T(bias).shape.size() != 1)
          return fail(w + ": bias must be a constant int32 vector");
        const int N = T(in).shape[0];
        const int64_t K = T(in).elements / N;
        const int oc = T(out).shape[1];
        if (T(out).shape[0] != N || T(wt).shape[0] != oc || T(wt).shape[1] != K || T(bias).shape[0] != oc)
          return fail(w + ": shapes of input, weights, bias and output do not agree");
        if (K > 65536) return fail(w + ": more than 65536 inputs");
        if (!check_weight_layout(w, T(wt), ConvGeometry::fully_connected(N, static_cast<int>(K), oc)))
          return false;
        if (T(wt).num_quant != oc) return fail(w + ": weights need per-channel quantization arrays");
        if (T(wt).zero_points)
          for (int c = 0; c < oc; ++c)
            if (T(wt).zero_points[c] < -127) return fail(w + ": weight zero point -128");
        return check_clamp(w, p->clamp_min(), p->clamp_max()) &&
               check_multipliers(w, p->multiplier(), p->shift(), oc);
      }
      case fb::OpCode::MAX_POOL:
      case fb::OpCode::AVG_POOL:
      case fb::OpCode::GLOBAL_AVG_POOL: {
        const auto* p = o->options_as_Pool2DOptions();
        if (!p) return fail(w + ": missing Pool2DOptions");
        if (!count(1, 1)) return false;
        const int in = op.inputs[0];
        if (!is_int8(in) || !rank4(in) || !is_int8(out) || !rank4(out)) return fail(w + ": input and output must be int8 NHWC");
        const auto &is = T(in).shape, &os = T(out).shape;
        if (is[0] != os[0] || is[3] != os[3]) return fail(w + ": batch/channels differ");
        if (op.code == fb::OpCode::MAX_POOL && !same_quant(in, out)) return fail(w + ": max pool changes quantization");
        if (op.code == fb::OpCode::GLOBAL_AVG_POOL) {
          if (os[1] != 1 || os[2] != 1) return fail(w + ": output must be [N,1,1,C]");
          return true;
        }
        if (p->kernel_h() > 0 && p->pad_top() >= p->kernel_h()) return fail(w + ": padding >= kernel");
        if (p->kernel_w() > 0 && p->pad_left() >= p->kernel_w()) return fail(w + ": padding >= kernel");
        if (!check_window(w, "height", is[1], os[1], p->kernel_h(), p->stride_h(), 1, p->pad_top()) ||
            !check_window(w, "width", is[2], os[2], p->kernel_w(), p->stride_w(), 1, p->pad_left()))
          return false;
        return check_clamp(w, p->clamp_min(), p->clamp_max());
      }
      case fb::OpCode::ADD: {
        const auto* p = o->options_as_AddOptions();
        if (!p) return fail(w + ": missing AddOptions");
        if (!count(2, 1)) return false;
        const int a = op.inputs[0], b = op.inputs[1];
        if (!is_int8(a) || !is_int8(b) || !is_int8(out)) return fail(w + ": int8 only");
        if (T(a).shape != T(out).shape || T(b).shape != T(out).shape) return fail(w + ": shapes differ");
        if (p->a_multiplier() < 0 || p->a_multiplier() > kAddMaxMultiplier ||
            p->b_multiplier() < 0 || p->b_multiplier() > kAddMaxMultiplier)
          return fail(w + ": add multipliers must lie in [0, " + std::to_string(kAddMaxMultiplier) + "]");
        if (p->shift() < 0 || p->shift() > 31) return fail(w + ": add shift must lie in [0, 31]");
        return check_clamp(w, p->clamp_min(), p->clamp_max());
      }
      case fb::OpCode::CONCAT: {
        if (!o->options_as_ConcatOptions()) return fail(w + ": missing ConcatOptions");
        if (op.inputs.empty() || op.outputs.size() != 1) return fail(w + ": needs inputs and one output");
        if (op.inputs.size() > 1024) return fail(w + ": too many inputs");
        const auto& os = T(out).shape;
        if (!is_int8(out)) return fail(w + ": int8 only");
        int64_t c = 0;
        for (int t : op.inputs) {
          const auto& s = T(t).shape;
          if (!is_int8(t) || s.size() != os.size() || !std::equal(s.begin(), s.end() - 1, os.begin()))
            return fail(w + ": " + tname(t) + " differs from the output in a dimension other than channels");
          c += s.back();
        }
        if (c != os.back()) return fail(w + ": input channels do not add up to the output's");
        return true;
      }
      case fb::OpCode::RESHAPE:
        if (!o->options_as_ReshapeOptions()) return fail(w + ": missing ReshapeOptions");
        if (!count(1, 1)) return false;
        if (T(op.inputs[0]).elements != T(out).elements || T(op.inputs[0]).dtype != T(out).dtype)
          return fail(w + ": element count or type changes");
        if (is_int8(out) && !same_quant(op.inputs[0], out)) return fail(w + ": reshape changes quantization");
        return true;
      case fb::OpCode::SOFTMAX:
        if (!o->options_as_SoftmaxOptions()) return fail(w + ": missing SoftmaxOptions");
        if (!count(1, 1)) return false;
        if (!is_int8(op.inputs[0]) || T(out).dtype != DType::kFloat32 || T(op.inputs[0]).shape != T(out).shape)
          return fail(w + ": int8 in, float out of the same shape");
        return true;
      case fb::OpCode::QUANTIZE: {
        const auto* p = o->options_as_QuantizeOptions();
        if (!p) return fail(w + ": missing QuantizeOptions");
        if (!count(1, 1)) return false;
        const int in = op.inputs[0];
        if (!is_int8(out) || T(in).shape != T(out).shape) return fail(w + ": output int8 of the input's shape");
        if (T(in).dtype == DType::kFloat32) return true;
        if (T(in).dtype != DType::kUInt8) return fail(w + ": input must be float32 or uint8");
        const size_t C = static_cast<size_t>(T(in).shape.back());
        if (!p->mean() || !p->std() || p->mean()->size() != C || p->std()->size() != C)
          return fail(w + ": uint8 input needs one mean and std per channel");
        for (size_t c = 0; c < C; ++c)
          if (!std::isfinite(p->mean()->Get(c)) || !std::isfinite(p->std()->Get(c)) || p->std()->Get(c) == 0)
            return fail(w + ": mean/std not finite or std zero");
        return true;
      }
      case fb::OpCode::DEQUANTIZE:
        if (!o->options_as_DequantizeOptions()) return fail(w + ": missing DequantizeOptions");
        if (!count(1, 1)) return false;
        if (!is_int8(op.inputs[0]) || T(out).dtype != DType::kFloat32 || T(op.inputs[0]).shape != T(out).shape)
          return fail(w + ": int8 in, float out of the same shape");
        return true;
      case fb::OpCode::CLAMP: {
        const auto* p = o->options_as_ClampOptions();
        if (!p) return fail(w + ": missing ClampOptions");
        if (!count(1, 1)) return false;
        if (!is_int8(op.inputs[0]) || !is_int8(out) || T(op.inputs[0]).shape != T(out).shape ||
            !same_quant(op.inputs[0], out))
          return fail(w + ": int8 in and out, same shape and quantization");
        return check_clamp(w, p->clamp_min(), p->clamp_max());
      }
      case fb::OpCode::LRN: {
        const auto* p = o->options_as_LrnOptions();
        if (!p) return fail(w + ": missing LrnOptions");
        if (!count(1, 1)) return false;
        if (!is_int8(op.inputs[0]) || !is_int8(out) || T(op.inputs[0]).shape != T(out).shape)
          return fail(w + ": int8 in and out of the same shape");
        if (p->size() <= 0 || p->size() > 1024 || !std::isfinite(p->alpha()) || !std::isfinite(p->beta()) ||
            !std::isfinite(p->bias()) || !(p->bias() > 0))
          return fail(w + ": bad LRN parameters");
        return true;
      }
    }
    return fail(w + ": unknown operator code " + std::to_string(static_cast<int>(op.code)));
  }

  bool run() {
    if (m->size < 8 || !fb::ModelBufferHasIdentifier(m->base))
      return fail("not an octet model: file identifier is not \"OCT1\"");
    flatbuffers::Verifier v(m->base, m->size, /*max_depth=*/64, /*max_tables=*/1000000);
    if (!fb::VerifyModelBuffer(v)) return fail("the file fails the flatbuffers Verifier (corrupt or truncated)");
    m->root = fb::GetModel(m->base);
    const fb::Model* r = m->root;
    if (r->version() > kSchemaVersion)
      return fail("schema version " + std::to_string(r->version()) + " is newer than this runtime's (" +
                  std::to_string(kSchemaVersion) + ")");
    if (r->version() == 0) return fail("schema version 0 is invalid");
    if (r->version() < kMinSchemaVersion)
      return fail("schema version " + std::to_string(r->version()) + " is older than this runtime supports (" +
                  std::to_string(kMinSchemaVersion) + "): re-convert the model with this qconvert");
    if (r->description()) m->description = r->description()->str();
    if (!r->tensors() || r->tensors()->size() == 0) return fail("model has no tensors");
    if (r->tensors()->size() > 1000000) return fail("too many tensors");
    for (unsigned i = 0; i < r->tensors()->size(); ++i)
      if (!check_tensor(static_cast<int>(i), r->tensors()->Get(i))) return false;
    if (!check_index_list(r->inputs(), "model inputs", &m->inputs) ||
        !check_index_list(r->outputs(), "model outputs", &m->outputs))
      return false;
    if (m->inputs.empty() || m->outputs.empty()) return fail("model needs inputs and outputs");
    const int nt = static_cast<int>(m->tensors.size());
    std::vector<int> producer(nt, -1);
    std::vector<char> is_input(nt, 0);
    for (int t : m->inputs) {
      if (m->tensors[t].is_constant()) return fail("model input " + tname(t) + " is a constant");
      if (is_input[t]) return fail("model input " + tname(t) + " listed twice");
      is_input[t] = 1;
    }
    const auto* ops = r->operators();
    const int nops = ops ? static_cast<int>(ops->size()) : 0;
    for (int i = 0; i < nops; ++i) {
      const fb::Operator* o = ops->Get(i);
      OpDesc d;
      d.op = o;
      d.code = o->code();
      if (o->name()) d.name = o->name()->str();
      const std::string w = "operator " + std::to_string(i) + " ('" + d.name + "')";
      if (!check_index_list(o->inputs(), w + " inputs", &d.inputs) ||
          !check_index_list(o->outputs(), w + " outputs", &d.outputs))
        return false;
      if (d.outputs.size() != 1) return fail(w + ": needs exactly one output");
      for (int t : d.outputs) {
        if (m->tensors[t].is_constant()) return fail(w + ": writes constant " + tname(t));
        if (is_input[t]) return fail(w + ": writes model input " + tname(t));
        if (producer[t] >= 0)
          return fail(w + ": " + tname(t) + " is already written by operator " + std::to_string(producer[t]));
        producer[t] = i;
      }
      m->ops.push_back(std::move(d));
    }
    // Dependencies: every non-constant input comes from a model input or another operator; the
    // graph must be acyclic (Kahn), and then in execution order.
    std::vector<int> indegree(nops, 0);
    std::vector<std::vector<int>> users(nops);
    for (int i = 0; i < nops; ++i)
      for (int t : m->ops[i].inputs) {
        if (m->tensors[t].is_constant() || is_input[t]) continue;
        if (producer[t] < 0)
          return fail("operator " + std::to_string(i) + " reads " + tname(t) + ", which nothing produces");
        ++indegree[i];
        users[producer[t]].push_back(i);
      }
    std::vector<int> ready;
    for (int i = 0; i < nops; ++i)
      if (indegree[i] == 0) ready.push_back(i);
    int visited = 0;
    while (!ready.empty()) {
      int i = ready.back();
      ready.pop_back();
      ++visited;
      for (int u : users[i])
        if (--indegree[u] == 0) ready.push_back(u);
    }
    if (visited != nops) {
      for (int i = 0; i < nops; ++i)
        if (indegree[i] > 0) return fail("the graph has a cycle through operator " + std::to_string(i) + " ('" + m->ops[i].name + "')");
    }
    for (int i = 0; i < nops; ++i)
      for (int t : m->ops[i].inputs)
        if (producer[t] >= i)
          return fail("operators out of execution order: operator " + std::to_string(i) + " reads " +
                      tname(t) + " produced by later operator " + std::to_string(producer[t]));
    for (int t : m->outputs)
      if (producer[t] < 0 && !is_input[t]) return fail("model output " + tname(t) + " is never produced");
    for (int i = 0; i < nops; ++i)
      if (!check_op(i, m->ops[i])) return false;
    return true;
  }
};

}  // namespace

Status parse_and_validate(Model::Impl* impl) {
  Checker c{impl, {}};
  if (!c.run()) return Status(StatusCode::kInvalidModel, "invalid model: " + c.error);
  return Status::Ok();
}

}  // namespace octet::graph

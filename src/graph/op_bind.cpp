// The one place where operators meet kernels: each operator binds a kernel (ref until a NEON path
// exists for it and the ISA asks for it) once, at Interpreter creation.
#include <algorithm>
#include <cmath>
#include <new>

#include "graph/bound_op.h"
#include "graph/dw_weights.h"
#include "graph/row_slices.h"
#include "kernels/neon/add.h"
#include "kernels/neon/conv_gemm.h"
#include "kernels/neon/conv_smallk.h"
#include "kernels/neon/conv_winograd.h"
#include "kernels/neon/dwconv.h"
#include "kernels/neon/lrn.h"
#include "kernels/neon/normalize.h"
#include "kernels/neon/pool.h"
#include "kernels/ref/ref_kernels.h"
#include "quant/lrn_params.h"

namespace octet::graph {
neon::Isa to_neon(Isa isa);
namespace {

// ---- run functions (ref) ----

// Rows [begin, end) of the flattened batch * out_h output rows, one image at a time.
void run_conv_ref(const BoundOp& op, int begin, int end, uint8_t*) {
  const int is = op.in_stride ? op.in_stride : op.conv.geom.in_c;
  const int os = op.out_stride ? op.out_stride : op.conv.geom.out_c;
  for_each_row_slice(op.conv, static_cast<const int8_t*>(op.in0), static_cast<int8_t*>(op.out), is, os,
                     begin, end, [&](const QConvParams& p, const int8_t* in, int8_t* out) {
                       ref::conv_q8(p, in, out, is, os);
                     });
}

// Output channels [begin, end) (batch 1), or everything (work == 1).
void run_fc_ref(const BoundOp& op, int begin, int end, uint8_t*) {
  const ConvGeometry& g = op.conv.geom;
  QConvParams p = op.conv;
  if (op.work == 1) {
    ref::fully_connected_q8(p, static_cast<const int8_t*>(op.in0), static_cast<int8_t*>(op.out));
    return;
  }
  const size_t K = static_cast<size_t>(g.in_c);
  p.geom.out_c = end - begin;
  p.weights += begin * K;
  if (p.weight_zero_points) p.weight_zero_points += begin;
  p.bias_folded += begin;
  p.requant.multiplier += begin;
  p.requant.shift += begin;
  ref::fully_connected_q8(p, static_cast<const int8_t*>(op.in0), static_cast<int8_t*>(op.out) + begin);
}

// Rows [begin, end) of the flattened batch * out_h output rows, one image at a time.
template <bool kMax>
void run_pool_ref(const BoundOp& op, int begin, int end, uint8_t*) {
  const int is = op.in_stride ? op.in_stride : op.pool.geom.channels;
  const int os = op.out_stride ? op.out_stride : op.pool.geom.channels;
  for_each_row_slice(op.pool, static_cast<const int8_t*>(op.in0), static_cast<int8_t*>(op.out), is, os,
                     begin, end, [&](const QPoolParams& p, const int8_t* in, int8_t* out) {
                       if (kMax)
                         ref::max_pool_q8(p.geom, p.clamp_min, p.clamp_max, in, out, is, os);
                       else
                         ref::avg_pool_q8(p, in, out, is, os);
                     });
}

void run_gap_ref(const BoundOp& op, int, int, uint8_t*) {
  ref::global_avg_pool_q8(op.pool, static_cast<const int8_t*>(op.in0), static_cast<int8_t*>(op.out));
}

void run_add_ref(const BoundOp& op, int begin, int end, uint8_t*) {
  ref::add_q8(op.add, static_cast<const int8_t*>(op.in0) + begin,
              static_cast<const int8_t*>(op.in1) + begin, static_cast<int8_t*>(op.out) + begin,
              static_cast<size_t>(end - begin));
}

void run_concat_ref(const BoundOp& op, int, int, uint8_t*) {
  ref::concat_q8(op.pixels, static_cast<int>(op.cat_inputs.size()), op.cat_inputs.data(),
                 op.cat_channels.data(), op.cat_scales.data(), op.cat_zero_points.data(),
                 op.out_scale, op.out_zero_point, static_cast<int8_t*>(op.out));
}

// Rows [begin, end) of [rows][channels].
void run_softmax_ref(const BoundOp& op, int begin, int end, uint8_t*) {
  const size_t c = static_cast<size_t>(op.channels);
  ref::softmax_q8_f32(static_cast<const int8_t*>(op.in0) + begin * c, op.scale, op.zero_point,
                      end - begin, op.channels, static_cast<float*>(op.out) + begin * c);
}

void run_quantize_ref(const BoundOp& op, int begin, int end, uint8_t*) {
  ref::quantize_f32_q8(static_cast<const float*>(op.in0) + begin, static_cast<int8_t*>(op.out) + begin,
                       static_cast<size_t>(end - begin), op.out_scale, op.out_zero_point);
}

// Pixels [begin, end), through the per-channel table built at bind time (op.packed).
void run_normalize_lookup(const BoundOp& op, int begin, int end, uint8_t*) {
  const size_t c = static_cast<size_t>(op.channels);
  const uint8_t* in = static_cast<const uint8_t*>(op.in0) + begin * c;
  int8_t* out = static_cast<int8_t*>(op.out) + begin * c;
  const int8_t* table = static_cast<const int8_t*>(op.packed);
  if (!neon::normalize_lookup_run(static_cast<neon::Isa>(op.isa), in, end - begin, op.channels, table, out))
    ref::normalize_u8_q8_lookup(in, end - begin, op.channels, table, out);
}

void run_dequantize_ref(const BoundOp& op, int begin, int end, uint8_t*) {
  ref::dequantize_q8_f32(static_cast<const int8_t*>(op.in0) + begin, static_cast<float*>(op.out) + begin,
                         static_cast<size_t>(end - begin), op.scale, op.zero_point);
}

void run_clamp_ref(const BoundOp& op, int begin, int end, uint8_t*) {
  ref::clamp_q8(static_cast<const int8_t*>(op.in0) + begin, static_cast<int8_t*>(op.out) + begin,
                static_cast<size_t>(end - begin), op.clamp_min, op.clamp_max);
}

// Local response normalization across channels (pixels [begin, end)): the one int8 LRN kernel,
// shared with the converter's simulation and bit-identical on every target (see lrn.cpp).
void run_lrn_ref(const BoundOp& op, int begin, int end, uint8_t*) {
  const size_t C = static_cast<size_t>(op.channels);
  ref::lrn_q8(op.lrn, static_cast<const int8_t*>(op.in0) + begin * C, static_cast<int8_t*>(op.out) + begin * C,
              end - begin, op.channels);
}

// The same LRN through a float32 screen (aarch64 paths): ref's bytes.
void run_lrn_neon(const BoundOp& op, int begin, int end, uint8_t*) {
  const size_t C = static_cast<size_t>(op.channels);
  neon::lrn_run(static_cast<neon::Isa>(op.isa), op.lrn, static_cast<const int8_t*>(op.in0) + begin * C,
                static_cast<int8_t*>(op.out) + begin * C, end - begin, op.channels);
}

// ---- run functions (NEON GEMM over packed weights) ----

// Output pixels [begin, end) of batch * out_h * out_w.
void run_conv_neon(const BoundOp& op, int begin, int end, uint8_t* scratch) {
  neon::conv_run(static_cast<neon::Isa>(op.isa), op.conv, op.packed, static_cast<const int8_t*>(op.in0),
                 op.in_stride, static_cast<int8_t*>(op.out), op.out_stride, begin, end, scratch);
}

// Tile rows [begin, end) of a 3x3 stride-1 conv through Winograd, for each of channel_blocks
// blocks of output channels.
void run_conv_wino(const BoundOp& op, int begin, int end, uint8_t* scratch) {
  neon::wino_conv_run(static_cast<neon::Isa>(op.isa), op.conv, op.packed,
                      static_cast<const int8_t*>(op.in0), op.in_stride, static_cast<int8_t*>(op.out),
                      op.out_stride, begin, end, scratch, op.channel_blocks);
}

// Output pixels [begin, end) of a small-K conv (K <= 32, e.g. a 3x3 conv on RGB input).
void run_conv_smallk(const BoundOp& op, int begin, int end, uint8_t* scratch) {
  neon::smallk_conv_run(static_cast<neon::Isa>(op.isa), op.conv, op.packed,
                        static_cast<const int8_t*>(op.in0), op.in_stride, static_cast<int8_t*>(op.out),
                        op.out_stride, begin, end, scratch);
}

// Output channels [begin, end) for every batch row.
void run_fc_neon(const BoundOp& op, int begin, int end, uint8_t* scratch) {
  neon::fc_run(static_cast<neon::Isa>(op.isa), op.conv, op.packed, static_cast<const int8_t*>(op.in0),
               static_cast<int8_t*>(op.out), 0, begin, end, scratch);
}

// ---- run functions (NEON depthwise / pooling / add; they read no scratch) ----
// The kernel choice and its arguments were checked at bind time, so these cannot fail here.

// Output rows [begin, end) of batch * out_h, over the packed depthwise weights.
void run_dwconv_neon(const BoundOp& op, int begin, int end, uint8_t*) {
  neon::dwconv_run(static_cast<neon::Isa>(op.isa), op.conv, op.packed,
                   static_cast<const int8_t*>(op.in0), static_cast<int8_t*>(op.out), begin, end,
                   op.in_stride, op.out_stride);
}

// Output rows [begin, end) of batch * out_h.
void run_max_pool_neon(const BoundOp& op, int begin, int end, uint8_t*) {
  neon::max_pool_run(static_cast<neon::Isa>(op.isa), op.pool.geom, op.pool.clamp_min,
                     op.pool.clamp_max, static_cast<const int8_t*>(op.in0),
                     static_cast<int8_t*>(op.out), begin, end, op.in_stride, op.out_stride);
}

void run_avg_pool_neon(const BoundOp& op, int begin, int end, uint8_t*) {
  neon::avg_pool_run(static_cast<neon::Isa>(op.isa), op.pool, static_cast<const int8_t*>(op.in0),
                     static_cast<int8_t*>(op.out), begin, end, op.in_stride, op.out_stride);
}

// Channels [begin, end) of every batch row (dense input and output, like the ref).
void run_gap_neon(const BoundOp& op, int begin, int end, uint8_t*) {
  neon::global_avg_pool_run(static_cast<neon::Isa>(op.isa), op.pool,
                            static_cast<const int8_t*>(op.in0), static_cast<int8_t*>(op.out), begin,
                            end);
}

// Elements [begin, end).
void run_add_neon(const BoundOp& op, int begin, int end, uint8_t*) {
  neon::add_run(static_cast<neon::Isa>(op.isa), op.add, static_cast<const int8_t*>(op.in0),
                static_cast<const int8_t*>(op.in1), static_cast<int8_t*>(op.out),
                static_cast<size_t>(begin), static_cast<size_t>(end));
}

// The path the NEON depthwise / pooling / add kernels take for `isa`, or ref when they have none
// (ref, i8mm) or it cannot run here.
neon::Isa simple_op_path(Isa isa) {
  const neon::Isa n = to_neon(isa);
  if (n != neon::Isa::v80 && n != neon::Isa::dotprod && n != neon::Isa::armv7) return neon::Isa::ref;
  return neon::isa_supported(n) ? n : neon::Isa::ref;
}

QConvParams conv_params(const BindContext& ctx, const Model::Impl& m, const OpDesc& op,
                        const int32_t* mult, const int32_t* shift, int clamp_min, int clamp_max) {
  const TensorDesc& in = m.tensors[op.inputs[0]];
  const TensorDesc& w = m.tensors[op.inputs[1]];
  const TensorDesc& out = m.tensors[op.outputs[0]];
  QConvParams p;
  p.input_zero_point = in.zero_point();
  p.weights = reinterpret_cast<const int8_t*>(w.data);
  p.weight_zero_points = w.zero_points;
  p.bias_folded = reinterpret_cast<const int32_t*>(m.tensors[op.inputs[2]].data);
  p.requant.multiplier = mult;
  p.requant.shift = shift;
  p.requant.output_zero_point = out.zero_point();
  p.requant.clamp_min = clamp_min;
  p.requant.clamp_max = clamp_max;
  (void)ctx;
  return p;
}

// Geometry of a conv / FC operator as the kernels see it.
ConvGeometry gemm_geometry(const Model::Impl& m, const OpDesc& op) {
  const TensorDesc& in = m.tensors[op.inputs[0]];
  const TensorDesc& out = m.tensors[op.outputs[0]];
  ConvGeometry g;
  g.batch = in.shape[0];
  if (op.code == fb::OpCode::FULLY_CONNECTED)
    return ConvGeometry::fully_connected(g.batch, static_cast<int>(in.elements / g.batch),
                                         out.shape[1]);
  const auto* p = op.op->options_as_Conv2DOptions();
  g.in_h = in.shape[1]; g.in_w = in.shape[2]; g.in_c = in.shape[3];
  g.out_h = out.shape[1]; g.out_w = out.shape[2]; g.out_c = out.shape[3];
  g.kernel_h = p->kernel_h(); g.kernel_w = p->kernel_w();
  g.stride_h = p->stride_h(); g.stride_w = p->stride_w();
  g.dilation_h = p->dilation_h(); g.dilation_w = p->dilation_w();
  g.pad_top = p->pad_top(); g.pad_left = p->pad_left();
  g.groups = p->groups();
  return g;
}

// The NEON GEMM path takes conv (groups == 1) and FC when the ISA has a packed layout.
bool uses_neon_gemm(const Model::Impl& m, const OpDesc& op, Isa isa, ConvGeometry* g) {
  if (op.code != fb::OpCode::CONV2D && op.code != fb::OpCode::FULLY_CONNECTED) return false;
  const neon::Isa n = to_neon(isa);
  if (n == neon::Isa::ref || neon::layout_for(n) == neon::WeightLayout::ohwi) return false;
  *g = gemm_geometry(m, op);
  return g->groups == 1 && neon::conv_supported(*g);
}

}  // namespace

neon::Isa to_neon(Isa isa) {
  switch (isa) {
    case Isa::kV80: return neon::Isa::v80;
    case Isa::kDotprod: return neon::Isa::dotprod;
    case Isa::kI8mm: return neon::Isa::i8mm;
    case Isa::kArmv7: return neon::Isa::armv7;
    default: return neon::Isa::ref;
  }
}

Isa from_neon(neon::Isa isa) {
  switch (isa) {
    case neon::Isa::v80: return Isa::kV80;
    case neon::Isa::dotprod: return Isa::kDotprod;
    case neon::Isa::i8mm: return Isa::kI8mm;
    case neon::Isa::armv7: return Isa::kArmv7;
    default: return Isa::kRef;
  }
}

size_t op_scratch_bytes(const Model::Impl& m, const OpDesc& op, Isa isa, bool winograd) {
  ConvGeometry g;
  if (!uses_neon_gemm(m, op, isa, &g)) return 0;
  if (op.code == fb::OpCode::CONV2D && winograd && neon::wino_preferred(g, to_neon(isa)))
    return neon::wino_scratch_size(g);
  if (op.code == fb::OpCode::CONV2D && neon::smallk_preferred(g, to_neon(isa)))
    return neon::smallk_scratch_size(g);
  return op.code == fb::OpCode::CONV2D ? neon::conv_scratch_size(g, to_neon(isa))
                                       : neon::fc_scratch_size(g, to_neon(isa));
}

namespace {
uint8_t* owned_aligned(BindContext& ctx, size_t size) {
  std::unique_ptr<uint8_t[]> mem(new uint8_t[size + 64]);
  uint8_t* aligned = mem.get() + (64 - reinterpret_cast<uintptr_t>(mem.get()) % 64) % 64;
  ctx.owned->push_back(std::move(mem));
  return aligned;
}

// Records a weight copy of `size` bytes made for operator b (memory info, per-op report, log).
void note_copy(BindContext& ctx, BoundOp* b, size_t size, const std::string& log_line) {
  *ctx.repacked_bytes += size;
  b->weights = BoundOp::Weights::kCopied;
  b->weight_copy_bytes += size;
  *ctx.log += log_line;
}

// Weights stored packed in the file, bound to a kernel that wants another layout: repack once
// (into interpreter-owned memory). For the ref kernel the target is the "ohwi" packing, whose
// arrays QConvParams then points at: header, bias[N], z_c[N], multiplier[N], shift[N], w[N][K].
bool repack_file_weights(BindContext& ctx, const OpDesc& op, const ConvGeometry& g,
                         neon::WeightLayout want, BoundOp* b, std::string* error) {
  const TensorDesc& wt = ctx.model->tensors[op.inputs[1]];
  const size_t size = neon::packed_size(g, want);
  uint8_t* dst = size ? owned_aligned(ctx, size) : nullptr;
  if (!dst || !neon::repack(g, wt.data, wt.data_size, want, dst)) {
    *error = "operator '" + op.name + "': cannot repack its weights to " + neon::layout_name(want);
    return false;
  }
  note_copy(ctx, b, size,
            "repacked '" + op.name + "' weights " + fb::EnumNameLayout(wt.layout) + " -> " +
                neon::layout_name(want) + " (" + std::to_string(size) + " bytes)\n");
  if (want == neon::WeightLayout::ohwi) {
    const int n = g.out_c;
    const auto* arrays = reinterpret_cast<const int32_t*>(dst + sizeof(neon::PackedHeader));
    b->conv.bias_folded = arrays;
    b->conv.weight_zero_points = arrays + n;
    b->conv.requant.multiplier = arrays + 2 * n;
    b->conv.requant.shift = arrays + 3 * n;
    b->conv.weights = reinterpret_cast<const int8_t*>(arrays + 4 * n);
  } else {
    b->packed = dst;
  }
  return true;
}

// Makes the bound NEON GEMM read weights in the ISA's layout: the file's own buffer when it
// already is in it (zero copy), else packed/repacked once here, into interpreter-owned memory.
bool pack_for_neon(BindContext& ctx, const OpDesc& op, const ConvGeometry& g, BoundOp* b,
                   std::string* error) {
  const neon::Isa n = to_neon(ctx.isa);
  const neon::WeightLayout layout = neon::layout_for(n);
  const TensorDesc& wt = ctx.model->tensors[op.inputs[1]];
  b->isa = static_cast<int>(n);
  b->kernel = std::string("neon ") + neon::isa_name(n) + " gemm " + neon::layout_name(layout);
  if (static_cast<int>(wt.layout) == static_cast<int>(layout)) {
    b->packed = wt.data;
    return true;
  }
  if (wt.layout != fb::Layout::OHWI_I8) return repack_file_weights(ctx, op, g, layout, b, error);
  const size_t size = neon::packed_size(g, layout);
  if (size == 0) {
    *error = "operator '" + op.name + "': no packed layout for this geometry";
    return false;
  }
  std::vector<int32_t> zeros;
  const int32_t* zps = b->conv.weight_zero_points;
  if (!zps) {
    zeros.assign(g.out_c, 0);
    zps = zeros.data();
  }
  uint8_t* aligned = owned_aligned(ctx, size);
  if (!neon::pack(g, layout, b->conv.weights, zps, b->conv.bias_folded, b->conv.requant.multiplier,
                  b->conv.requant.shift, aligned)) {
    *error = "operator '" + op.name + "': weights cannot be packed for " + neon::isa_name(n);
    return false;
  }
  note_copy(ctx, b, size,
            "repacked '" + op.name + "' weights OHWI_I8 -> " + neon::layout_name(layout) + " (" +
                std::to_string(size) + " bytes) for " + neon::isa_name(n) + "\n");
  b->packed = aligned;
  return true;
}

// A v80 kernel family whose weights are made at load (never stored in files): its packing from
// raw OHWI arrays and from any GEMM-packed buffer, and how it is named.
struct LoadTimeLayout {
  size_t (*size)(const ConvGeometry&);
  bool (*pack)(const ConvGeometry&, const int8_t*, const int32_t*, const int32_t*, const int32_t*,
               const int32_t*, void*);
  bool (*repack)(const ConvGeometry&, const void*, size_t, void*);
  const char* layout;  // for the log
  const char* kernel;  // BoundOp::kernel after "neon <isa> "
};
// Winograd: about 3.6x the int8 weights (16 int16 per 9 int8) for F(2x2), 5.6x (25 per 9) for
// F(3x3); the tile is wino_tile(g)'s. Small-K: int16 w - z_c, about 2x.
constexpr LoadTimeLayout kWinogradF23{neon::wino_packed_size, neon::wino_pack, neon::wino_repack,
                                      "wino_f23", "winograd f(2x2,3x3)"};
constexpr LoadTimeLayout kWinogradF33{neon::wino_packed_size, neon::wino_pack, neon::wino_repack,
                                      "wino_f33", "winograd f(3x3,3x3)"};
constexpr LoadTimeLayout kSmallK{neon::smallk_packed_size, neon::smallk_pack, neon::smallk_repack,
                                 "small_k", "small-k conv"};

// Makes the weights of `family` once here, from the file's raw OHWI or packed weights, into
// interpreter-owned memory.
bool pack_at_load(BindContext& ctx, const OpDesc& op, const ConvGeometry& g,
                  const LoadTimeLayout& family, BoundOp* b, std::string* error) {
  const neon::Isa n = to_neon(ctx.isa);
  const TensorDesc& wt = ctx.model->tensors[op.inputs[1]];
  const size_t size = family.size(g);
  uint8_t* dst = size ? owned_aligned(ctx, size) : nullptr;
  bool ok = dst != nullptr;
  if (ok && wt.layout == fb::Layout::OHWI_I8) {
    std::vector<int32_t> zeros;
    const int32_t* zps = b->conv.weight_zero_points;
    if (!zps) {
      zeros.assign(g.out_c, 0);
      zps = zeros.data();
    }
    ok = family.pack(g, b->conv.weights, zps, b->conv.bias_folded, b->conv.requant.multiplier,
                     b->conv.requant.shift, dst);
  } else if (ok) {
    ok = family.repack(g, wt.data, wt.data_size, dst);
  }
  if (!ok) {
    *error = "operator '" + op.name + "': weights cannot be packed for the " + family.kernel + " kernel";
    return false;
  }
  note_copy(ctx, b, size,
            "repacked '" + op.name + "' weights " + fb::EnumNameLayout(wt.layout) + " -> " +
                family.layout + " (" + std::to_string(size) + " bytes) for " + neon::isa_name(n) + "\n");
  b->packed = dst;
  b->isa = static_cast<int>(n);
  b->kernel = std::string("neon ") + neon::isa_name(n) + " " + family.kernel;
  return true;
}

void bind_dwconv_kernel(neon::Isa n, const void* packed, BoundOp* b) {
  static const char* const kKernelNames[] = {"3x3 stride 1", "3x3 stride 2", "general"};
  b->packed = packed;
  b->isa = static_cast<int>(n);
  b->run = run_dwconv_neon;
  b->kernel = std::string("neon ") + neon::isa_name(n) + " depthwise " +
              kKernelNames[static_cast<int>(neon::dwconv_kernel_for(b->conv.geom))];
}

// Depthwise weights stored packed (DW_C8I16, checked against the geometry at load): the NEON
// depthwise kernels read the file's buffer in place; the ref kernel gets raw OHWI weights,
// unpacked once here (w = stored + z_c), the bias, multipliers and shifts being the operator's own.
bool bind_packed_dwconv(BindContext& ctx, const OpDesc& op, neon::Isa n, BoundOp* b,
                        std::string* error) {
  const TensorDesc& wt = ctx.model->tensors[op.inputs[1]];
  if (n != neon::Isa::ref) {
    bind_dwconv_kernel(n, wt.data, b);
    return true;
  }
  const ConvGeometry& g = b->conv.geom;
  const size_t size = static_cast<size_t>(g.out_c) * g.kernel_h * g.kernel_w;
  auto* w = reinterpret_cast<int8_t*>(owned_aligned(ctx, size));
  if (!dw_unpack_ohwi(g, wt.data, b->conv.weight_zero_points, w)) {
    *error = "operator '" + op.name + "': depthwise packed weights hold values outside [-127, 127]";
    return false;
  }
  b->conv.weights = w;
  note_copy(ctx, b, size,
            "unpacked '" + op.name + "' weights DW_C8I16 -> OHWI_I8 (" + std::to_string(size) +
                " bytes) for ref\n");
  return true;
}

// Binds a depthwise conv (b->conv already points at OHWI weights) to the NEON depthwise kernel:
// its weights are packed once here (kDwconvLayoutC8I16, into interpreter-owned memory).
bool pack_for_dwconv(BindContext& ctx, const OpDesc& op, neon::Isa n, BoundOp* b,
                     std::string* error) {
  const ConvGeometry& g = b->conv.geom;
  const size_t size = neon::dwconv_packed_size(g);
  std::vector<int32_t> zeros;
  QConvParams p = b->conv;
  if (!p.weight_zero_points) {
    zeros.assign(g.out_c, 0);
    p.weight_zero_points = zeros.data();
  }
  uint8_t* aligned = owned_aligned(ctx, size);
  if (!neon::dwconv_pack(p, aligned)) {
    *error = "operator '" + op.name + "': depthwise weights cannot be packed for " + neon::isa_name(n);
    return false;
  }
  note_copy(ctx, b, size,
            "repacked '" + op.name + "' weights OHWI_I8 -> dw_c8i16 (" + std::to_string(size) +
                " bytes) for " + neon::isa_name(n) + "\n");
  bind_dwconv_kernel(n, aligned, b);
  return true;
}
}  // namespace

bool bind_op(BindContext& ctx, const OpDesc& op, bool concat_in_place, BoundOp* b,
             std::string* error) {
  const Model::Impl& m = *ctx.model;
  const fb::Operator* o = op.op;
  b->name = op.name;
  b->type = op_code_name(op.code);
  b->kernel = "ref";
  const int out_t = op.outputs[0];
  const TensorDesc& out = m.tensors[out_t];
  const int in_t = op.inputs.empty() ? -1 : op.inputs[0];
  const TensorDesc* in = in_t >= 0 ? &m.tensors[in_t] : nullptr;
  b->out = ctx.ptr[out_t];
  b->out_stride = ctx.stride[out_t];
  if (in) {
    b->in0 = ctx.ptr[in_t];
    b->in_stride = ctx.stride[in_t];
    b->scale = in->scale();
    b->zero_point = in->zero_point();
  }
  b->out_scale = out.scale();
  b->out_zero_point = out.zero_point();
  b->channels = out.shape.back();
  const uint64_t out_elems = static_cast<uint64_t>(out.elements);
  switch (op.code) {
    case fb::OpCode::CONV2D: {
      const auto* p = o->options_as_Conv2DOptions();
      b->conv = conv_params(ctx, m, op, p->multiplier()->data(), p->shift()->data(), p->clamp_min(), p->clamp_max());
      ConvGeometry& g = b->conv.geom;
      g = gemm_geometry(m, op);
      b->macs = out_elems * static_cast<uint64_t>(g.kernel_elements());
      b->cost = b->macs;
      b->weights = BoundOp::Weights::kFile;  // until a copy is made
      ConvGeometry ng;
      if (uses_neon_gemm(m, op, ctx.isa, &ng) && ctx.winograd &&
          neon::wino_preferred(ng, to_neon(ctx.isa))) {
        const LoadTimeLayout& family = neon::wino_tile(ng) == 3 ? kWinogradF33 : kWinogradF23;
        if (!pack_at_load(ctx, op, ng, family, b, error)) return false;
        b->run = run_conv_wino;
        b->channel_blocks = neon::wino_channel_blocks(g, ctx.threads);
        b->work = b->channel_blocks * neon::wino_work_items(g);
        return true;
      }
      if (uses_neon_gemm(m, op, ctx.isa, &ng) && neon::smallk_preferred(ng, to_neon(ctx.isa))) {
        if (!pack_at_load(ctx, op, ng, kSmallK, b, error)) return false;
        b->run = run_conv_smallk;
        b->work = neon::smallk_work_items(g);
        return true;
      }
      if (uses_neon_gemm(m, op, ctx.isa, &ng)) {
        if (!pack_for_neon(ctx, op, ng, b, error)) return false;
        b->run = run_conv_neon;
        b->work = g.batch * g.out_h * g.out_w;
        return true;
      }
      b->run = run_conv_ref;
      b->work = g.batch * g.out_h;
      b->kernel = g.is_depthwise() ? "ref depthwise conv" : "ref conv";
      const neon::Isa dw = simple_op_path(ctx.isa);
      if (m.tensors[op.inputs[1]].layout == fb::Layout::DW_C8I16)
        return bind_packed_dwconv(ctx, op, dw, b, error);
      if (m.tensors[op.inputs[1]].layout != fb::Layout::OHWI_I8 &&
          !repack_file_weights(ctx, op, g, neon::WeightLayout::ohwi, b, error))
        return false;
      // Depthwise: the NEON kernel packs from the OHWI arrays b->conv now points at.
      if (g.is_depthwise() && dw != neon::Isa::ref && neon::dwconv_supported(g))
        return pack_for_dwconv(ctx, op, dw, b, error);
      return true;
    }
    case fb::OpCode::FULLY_CONNECTED: {
      const auto* p = o->options_as_FullyConnectedOptions();
      b->conv = conv_params(ctx, m, op, p->multiplier()->data(), p->shift()->data(), p->clamp_min(), p->clamp_max());
      ConvGeometry& g = b->conv.geom;
      g = gemm_geometry(m, op);
      b->macs = static_cast<uint64_t>(g.batch) * g.out_c * g.in_c;
      b->cost = b->macs;
      b->weights = BoundOp::Weights::kFile;  // until a copy is made
      ConvGeometry ng;
      if (uses_neon_gemm(m, op, ctx.isa, &ng)) {
        if (!pack_for_neon(ctx, op, ng, b, error)) return false;
        b->run = run_fc_neon;
        b->work = g.out_c;
        return true;
      }
      b->run = run_fc_ref;
      b->work = g.batch == 1 ? g.out_c : 1;
      b->kernel = "ref fully connected";
      if (m.tensors[op.inputs[1]].layout != fb::Layout::OHWI_I8)
        return repack_file_weights(ctx, op, g, neon::WeightLayout::ohwi, b, error);
      return true;
    }
    case fb::OpCode::MAX_POOL:
    case fb::OpCode::AVG_POOL:
    case fb::OpCode::GLOBAL_AVG_POOL: {
      const auto* p = o->options_as_Pool2DOptions();
      PoolGeometry& g = b->pool.geom;
      g.batch = in->shape[0];
      g.in_h = in->shape[1]; g.in_w = in->shape[2]; g.channels = in->shape[3];
      g.out_h = out.shape[1]; g.out_w = out.shape[2];
      b->pool.input_scale = in->scale();
      b->pool.input_zero_point = in->zero_point();
      b->pool.output_scale = out.scale();
      b->pool.output_zero_point = out.zero_point();
      b->pool.clamp_min = p->clamp_min();
      b->pool.clamp_max = p->clamp_max();
      const neon::Isa path = simple_op_path(ctx.isa);
      b->isa = static_cast<int>(path);
      if (op.code == fb::OpCode::GLOBAL_AVG_POOL) {
        g.kernel_h = g.in_h; g.kernel_w = g.in_w;
        b->macs = static_cast<uint64_t>(in->elements);
        if (path != neon::Isa::ref) {
          b->run = run_gap_neon;
          b->work = g.channels;  // split over channels: every part reads all pixels of its slice
          b->cost = b->macs;
          b->kernel = std::string("neon ") + neon::isa_name(path) + " global average pool";
          return true;
        }
        b->run = run_gap_ref;
        b->work = 1;
        b->kernel = "ref global average pool";
        return true;
      }
      g.kernel_h = p->kernel_h(); g.kernel_w = p->kernel_w();
      g.stride_h = p->stride_h(); g.stride_w = p->stride_w();
      g.pad_top = p->pad_top(); g.pad_left = p->pad_left();
      g.count_include_pad = p->count_include_pad();
      b->macs = out_elems * static_cast<uint64_t>(g.kernel_h * g.kernel_w);
      b->cost = b->macs;
      b->work = g.batch * g.out_h;
      // The NEON kernels take non-negative padding only (the ref also accepts negative).
      const bool neon_ok = path != neon::Isa::ref && g.pad_top >= 0 && g.pad_left >= 0 &&
                           g.kernel_h >= 1 && g.kernel_w >= 1 && g.stride_h >= 1 && g.stride_w >= 1;
      const std::string prefix = neon_ok ? std::string("neon ") + neon::isa_name(path) : "ref";
      if (op.code == fb::OpCode::MAX_POOL) {
        b->run = neon_ok ? run_max_pool_neon : run_pool_ref<true>;
        b->kernel = prefix + " max pool";
      } else {
        b->run = neon_ok ? run_avg_pool_neon : run_pool_ref<false>;
        b->kernel = prefix + " average pool";
      }
      return true;
    }
    case fb::OpCode::ADD: {
      const auto* p = o->options_as_AddOptions();
      QAddParams& a = b->add;
      a.a_zero_point = in->zero_point();
      a.b_zero_point = m.tensors[op.inputs[1]].zero_point();
      a.output_zero_point = out.zero_point();
      a.a_multiplier = p->a_multiplier();
      a.b_multiplier = p->b_multiplier();
      a.shift = p->shift();
      a.clamp_min = p->clamp_min(); a.clamp_max = p->clamp_max();
      b->in1 = ctx.ptr[op.inputs[1]];
      b->work = static_cast<int>(out.elements);
      b->cost = out_elems * 4;
      const neon::Isa path = simple_op_path(ctx.isa);
      b->isa = static_cast<int>(path);
      b->run = path != neon::Isa::ref ? run_add_neon : run_add_ref;
      b->kernel = path != neon::Isa::ref ? std::string("neon ") + neon::isa_name(path) + " add" : "ref add";
      return true;
    }
    case fb::OpCode::CONCAT: {
      if (concat_in_place) {
        b->kernel = "in place (producers write their slices)";
        return true;
      }
      b->pixels = static_cast<int>(out.elements / out.shape.back());
      for (int t : op.inputs) {
        const TensorDesc& x = m.tensors[t];
        b->cat_inputs.push_back(reinterpret_cast<const int8_t*>(ctx.ptr[t]));
        b->cat_channels.push_back(x.shape.back());
        b->cat_scales.push_back(x.scale());
        b->cat_zero_points.push_back(x.zero_point());
      }
      b->run = run_concat_ref;
      b->kernel = "ref concat (copy)";
      return true;
    }
    case fb::OpCode::RESHAPE:
      b->kernel = "alias";
      return true;
    case fb::OpCode::SOFTMAX:
      b->run = run_softmax_ref;
      b->work = static_cast<int>(out.elements / out.shape.back());
      b->cost = out_elems * 16;
      b->kernel = "ref softmax";
      return true;
    case fb::OpCode::QUANTIZE: {
      if (in->dtype == DType::kUInt8) {
        const auto* p = o->options_as_QuantizeOptions();
        const int channels = out.shape.back();
        const size_t table_bytes = ref::normalize_table_size(channels);
        ctx.owned->emplace_back(new (std::nothrow) uint8_t[table_bytes]);
        int8_t* table = reinterpret_cast<int8_t*>(ctx.owned->back().get());
        if (!table) {
          *error = "operator '" + op.name + "': out of memory for its normalization table";
          return false;
        }
        ref::normalize_u8_q8_table(channels, p->mean()->data(), p->std()->data(), b->out_scale,
                                   b->out_zero_point, table);
        b->packed = table;
        b->isa = static_cast<int>(simple_op_path(ctx.isa));
        b->run = run_normalize_lookup;
        b->work = static_cast<int>(out.elements / channels);
        b->kernel = "normalize image (per-channel lookup table)";
      } else {
        b->run = run_quantize_ref;
        b->work = static_cast<int>(out.elements);
        b->kernel = "ref quantize";
      }
      b->cost = out_elems * 4;
      return true;
    }
    case fb::OpCode::DEQUANTIZE:
      b->run = run_dequantize_ref;
      b->work = static_cast<int>(out.elements);
      b->cost = out_elems * 2;
      b->kernel = "ref dequantize";
      return true;
    case fb::OpCode::CLAMP: {
      const auto* p = o->options_as_ClampOptions();
      b->clamp_min = p->clamp_min();
      b->clamp_max = p->clamp_max();
      b->run = run_clamp_ref;
      b->work = static_cast<int>(out.elements);
      b->cost = out_elems;
      b->kernel = "ref clamp";
      return true;
    }
    case fb::OpCode::LRN: {
      const auto* p = o->options_as_LrnOptions();
      b->lrn = make_lrn_params(p->size(), p->alpha(), p->beta(), p->bias(),
                               {b->scale, b->zero_point}, {b->out_scale, b->out_zero_point});
      b->work = static_cast<int>(out.elements / out.shape.back());
      b->cost = out_elems * static_cast<uint64_t>(p->size()) * 4;
      // Probe the path once: lrn_run on zero pixels says whether this build and CPU have it.
      const neon::Isa path = simple_op_path(ctx.isa);
      b->isa = static_cast<int>(path);
      if (path != neon::Isa::ref && neon::lrn_run(path, b->lrn, nullptr, nullptr, 0, b->channels)) {
        b->run = run_lrn_neon;
        b->kernel = std::string("neon ") + neon::isa_name(path) + " lrn";
      } else {
        b->run = run_lrn_ref;
        b->kernel = "ref lrn";
      }
      return true;
    }
  }
  *error = "operator '" + op.name + "': no kernel for " + op_code_name(op.code);
  return false;
}

}  // namespace octet::graph

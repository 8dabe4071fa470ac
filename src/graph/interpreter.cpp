// Interpreter: plans the arena, binds kernels, owns the thread pool; run() walks the bound
// operators and allocates nothing.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>

#include "graph/bound_op.h"
#include "graph/memory_planner.h"
#include "graph/model_format.h"
#include "graph/normalize_table_cache.h"
#include "graph/thread_pool.h"
#include "kernels/neon/normalize.h"
#include "kernels/ref/ref_kernels.h"

namespace octet {

using graph::BoundOp;

struct Interpreter::Impl {
  std::shared_ptr<const Model> model;
  InterpreterOptions options;
  Isa isa = Isa::kRef;
  graph::Plan plan;
  uint8_t* arena = nullptr;
  std::vector<BoundOp> ops;
  std::vector<uint8_t*> ptr;  // per tensor
  std::vector<graph::NormalizeTableCache> input_tables;  // per model input (set_input_image)
  std::unique_ptr<graph::ThreadPool> pool;
  std::vector<std::unique_ptr<uint8_t[]>> owned;
  size_t repacked_bytes = 0;
  size_t constant_bytes = 0;
  size_t scratch_bytes = 0;
  std::vector<double> seconds;
  uint64_t runs = 0;
  std::string log;

  ~Impl() { std::free(arena); }
  const Model::Impl& m() const { return model->impl(); }
};

namespace {

// kAuto: the kernels' own choice (OCTET_ISA environment override, else CPU detection).
// An explicit ISA this CPU or build cannot run is refused.
bool resolve_isa(Isa requested, Isa* out, std::string* error) {
  neon::active_core_class();  // its one-time detection reads files: here, not in the first run()
  if (requested == Isa::kAuto) {
    *out = graph::from_neon(neon::active_isa());
    return true;
  }
  const neon::Isa n = graph::to_neon(requested);
  if (requested != Isa::kRef && (n == neon::Isa::ref || !neon::isa_supported(n))) {
    *error = std::string("ISA ") + isa_name(requested) + " is not supported on this CPU/build";
    return false;
  }
  *out = requested;
  return true;
}

struct PartCtx {
  const BoundOp* op;
  int work;
};

void run_part(void* p, int part, int parts) {
  const PartCtx& c = *static_cast<PartCtx*>(p);
  const int begin = static_cast<int>(static_cast<int64_t>(c.work) * part / parts);
  const int end = static_cast<int>(static_cast<int64_t>(c.work) * (part + 1) / parts);
  if (begin < end) c.op->run(*c.op, begin, end, c.op->scratch + part * c.op->scratch_per_part);
}

const char* weights_source(const BoundOp& op) {
  switch (op.weights) {
    case BoundOp::Weights::kFile: return "file";
    case BoundOp::Weights::kCopied: return "repacked";
    default: return "";
  }
}

// Splitting a small operator costs more than it saves; results are the same either way.
constexpr uint64_t kMinCostPerPart = 16384;

}  // namespace

Interpreter::Interpreter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Interpreter::~Interpreter() = default;

Status Interpreter::create(std::shared_ptr<const Model> model, const InterpreterOptions& options,
                           std::unique_ptr<Interpreter>* out) {
  if (!out) return Status(StatusCode::kInvalidArgument, "create: null output");
  out->reset();
  if (!model) return Status(StatusCode::kInvalidArgument, "create: null model");
  if (options.num_threads < 1 || options.num_threads > 256)
    return Status(StatusCode::kInvalidArgument, "create: num_threads must be in [1, 256]");
  try {
    auto impl = std::make_unique<Impl>();
    impl->model = model;
    impl->options = options;
    std::string why;
    if (!resolve_isa(options.isa, &impl->isa, &why)) return Status(StatusCode::kUnsupported, why);
    const Model::Impl& m = model->impl();
    const int nt = static_cast<int>(m.tensors.size());
    const int nops = static_cast<int>(m.ops.size());
    const int threads = options.num_threads;

    // Plan.
    std::vector<graph::PlanTensor> pt(nt);
    for (int t = 0; t < nt; ++t) {
      const graph::TensorDesc& d = m.tensors[t];
      pt[t].bytes = d.bytes;
      pt[t].channels = d.shape.back();
      pt[t].elem_size = static_cast<int>(graph::dtype_size(d.dtype));
      pt[t].constant = d.is_constant();
      if (d.is_constant()) impl->constant_bytes += d.data_size;
    }
    for (int t : m.inputs) pt[t].model_input = true;
    for (int t : m.outputs) pt[t].model_output = true;
    std::vector<graph::PlanOp> po(nops);
    for (int i = 0; i < nops; ++i) {
      const graph::OpDesc& op = m.ops[i];
      po[i].inputs = op.inputs;
      po[i].output = op.outputs[0];
      switch (op.code) {
        case fb::OpCode::CONV2D:
        case fb::OpCode::MAX_POOL:
        case fb::OpCode::AVG_POOL: po[i].kind = graph::PlanOp::kStridedProducer; break;
        case fb::OpCode::RESHAPE: po[i].kind = graph::PlanOp::kReshape; break;
        case fb::OpCode::CONCAT: {
          po[i].kind = graph::PlanOp::kConcat;
          const graph::TensorDesc& o = m.tensors[op.outputs[0]];
          bool same = true;
          for (int t : op.inputs)
            same = same && m.tensors[t].scale() == o.scale() && m.tensors[t].zero_point() == o.zero_point();
          po[i].concat_quant_ok = same;
          break;
        }
        default: break;
      }
      const size_t s = graph::op_scratch_bytes(m, op, impl->isa, options.winograd);
      po[i].scratch_bytes = s * threads;
      impl->scratch_bytes = std::max(impl->scratch_bytes, s * threads);
    }
    impl->plan = graph::plan_memory(pt, po);
    const size_t arena_size = std::max<size_t>(impl->plan.arena_bytes, 64);
    impl->arena = static_cast<uint8_t*>(std::aligned_alloc(64, graph::align_up(arena_size, 64)));
    if (!impl->arena)
      return Status(StatusCode::kOutOfMemory, "cannot allocate the " + std::to_string(arena_size) + "-byte arena");
    std::memset(impl->arena, 0, arena_size);

    // Bind.
    graph::BindContext ctx;
    ctx.model = &m;
    ctx.isa = impl->isa;
    ctx.winograd = options.winograd;
    ctx.threads = threads;
    ctx.ptr.resize(nt);
    ctx.stride = impl->plan.pixel_stride;
    for (int t = 0; t < nt; ++t)
      ctx.ptr[t] = m.tensors[t].is_constant() ? const_cast<uint8_t*>(m.tensors[t].data)
                                              : impl->arena + impl->plan.offset[t];
    ctx.owned = &impl->owned;
    ctx.repacked_bytes = &impl->repacked_bytes;
    ctx.log = &impl->log;
    impl->ops.resize(nops);
    for (int i = 0; i < nops; ++i) {
      std::string err;
      if (!graph::bind_op(ctx, m.ops[i], impl->plan.concat_in_place[i] != 0, &impl->ops[i], &err))
        return Status(StatusCode::kUnsupported, err);
      BoundOp& b = impl->ops[i];
      if (po[i].scratch_bytes > 0) {
        b.scratch = impl->arena + impl->plan.scratch_offset[i];
        b.scratch_per_part = po[i].scratch_bytes / threads;
      }
    }
    impl->ptr = std::move(ctx.ptr);
    impl->input_tables.resize(m.inputs.size());
    impl->seconds.assign(nops, 0.0);
    if (threads > 1) {
      impl->pool = std::make_unique<graph::ThreadPool>(threads, options.affinity_mask);
      if (impl->pool->pin_failures() > 0)
        impl->log += std::to_string(impl->pool->pin_failures()) + " worker(s) could not be pinned\n";
    }
    out->reset(new Interpreter(std::move(impl)));
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kOutOfMemory, "out of memory while creating the interpreter");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("interpreter creation failed: ") + e.what());
  }
}

const Model& Interpreter::model() const { return *impl_->model; }
Isa Interpreter::isa() const { return impl_->isa; }

Status Interpreter::run() {
  Impl& s = *impl_;
  const int threads = s.options.num_threads;
  const bool profile = s.options.profile;
  for (size_t i = 0; i < s.ops.size(); ++i) {
    const BoundOp& op = s.ops[i];
    if (!op.run) continue;
    const auto t0 = profile ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    int parts = 1;
    if (s.pool) {
      const uint64_t by_cost = std::max<uint64_t>(op.cost / kMinCostPerPart, 1);
      parts = static_cast<int>(std::min<uint64_t>({static_cast<uint64_t>(threads), static_cast<uint64_t>(op.work), by_cost}));
    }
    PartCtx ctx{&op, op.work};
    if (parts <= 1) {
      op.run(op, 0, op.work, op.scratch);
    } else {
      s.pool->run(parts, run_part, &ctx);
    }
    if (profile)
      s.seconds[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  ++s.runs;
  return Status::Ok();
}

// ---- inputs and outputs ----

namespace {
Status bad_index(const char* what, int i) {
  return Status(StatusCode::kInvalidArgument, std::string(what) + ": index " + std::to_string(i) + " out of range");
}
Status bad_count(const char* what, size_t got, int64_t want) {
  return Status(StatusCode::kInvalidArgument, std::string(what) + ": " + std::to_string(got) +
                                                  " elements given, the tensor has " + std::to_string(want));
}
}  // namespace

void* Interpreter::input_data(int i) {
  const Model::Impl& m = impl_->m();
  if (i < 0 || i >= static_cast<int>(m.inputs.size())) return nullptr;
  return impl_->ptr[m.inputs[i]];
}

const void* Interpreter::output_data(int i) const {
  const Model::Impl& m = impl_->m();
  if (i < 0 || i >= static_cast<int>(m.outputs.size())) return nullptr;
  return impl_->ptr[m.outputs[i]];
}

Status Interpreter::set_input_int8(int i, const int8_t* data, size_t count) {
  const Model::Impl& m = impl_->m();
  if (i < 0 || i >= static_cast<int>(m.inputs.size())) return bad_index("set_input_int8", i);
  const graph::TensorDesc& t = m.tensors[m.inputs[i]];
  if (t.dtype != DType::kInt8) return Status(StatusCode::kInvalidArgument, "set_input_int8: input '" + t.name + "' is not int8");
  if (!data) return Status(StatusCode::kInvalidArgument, "set_input_int8: null data");
  if (static_cast<int64_t>(count) != t.elements) return bad_count("set_input_int8", count, t.elements);
  std::memcpy(impl_->ptr[m.inputs[i]], data, count);
  return Status::Ok();
}

Status Interpreter::set_input_float(int i, const float* data, size_t count) {
  const Model::Impl& m = impl_->m();
  if (i < 0 || i >= static_cast<int>(m.inputs.size())) return bad_index("set_input_float", i);
  const graph::TensorDesc& t = m.tensors[m.inputs[i]];
  if (!data) return Status(StatusCode::kInvalidArgument, "set_input_float: null data");
  if (static_cast<int64_t>(count) != t.elements) return bad_count("set_input_float", count, t.elements);
  void* dst = impl_->ptr[m.inputs[i]];
  if (t.dtype == DType::kFloat32) {
    std::memcpy(dst, data, count * sizeof(float));
  } else if (t.dtype == DType::kInt8) {
    ref::quantize_f32_q8(data, static_cast<int8_t*>(dst), count, t.scale(), t.zero_point());
  } else {
    return Status(StatusCode::kInvalidArgument, "set_input_float: input '" + t.name + "' is neither float nor int8");
  }
  return Status::Ok();
}

Status Interpreter::set_input_image(int i, const uint8_t* data, size_t count, const float* mean,
                                    const float* std) {
  const Model::Impl& m = impl_->m();
  if (i < 0 || i >= static_cast<int>(m.inputs.size())) return bad_index("set_input_image", i);
  const graph::TensorDesc& t = m.tensors[m.inputs[i]];
  if (!data) return Status(StatusCode::kInvalidArgument, "set_input_image: null data");
  if (static_cast<int64_t>(count) != t.elements) return bad_count("set_input_image", count, t.elements);
  void* dst = impl_->ptr[m.inputs[i]];
  if (t.dtype == DType::kUInt8) {
    std::memcpy(dst, data, count);
    return Status::Ok();
  }
  if (t.dtype != DType::kInt8)
    return Status(StatusCode::kInvalidArgument, "set_input_image: input '" + t.name + "' is neither uint8 nor int8");
  if (!mean || !std) return Status(StatusCode::kInvalidArgument, "set_input_image: int8 input needs mean and std");
  const int C = t.shape.back();
  for (int c = 0; c < C; ++c)
    if (!std::isfinite(mean[c]) || !std::isfinite(std[c]) || std[c] == 0)
      return Status(StatusCode::kInvalidArgument, "set_input_image: mean/std must be finite, std non-zero");
  if (C <= graph::NormalizeTableCache::kMaxChannels) {  // images: one table lookup per byte
    const int8_t* table = impl_->input_tables[i].get(C, mean, std, t.scale(), t.zero_point());
    const int pixels = static_cast<int>(count / C);
    int8_t* out = static_cast<int8_t*>(dst);
    if (!neon::normalize_lookup_run(graph::to_neon(impl_->isa), data, pixels, C, table, out))
      ref::normalize_u8_q8_lookup(data, pixels, C, table, out);
  } else {
    ref::normalize_u8_q8(data, static_cast<int>(count / C), C, mean, std, t.scale(), t.zero_point(),
                         static_cast<int8_t*>(dst));
  }
  return Status::Ok();
}

Status Interpreter::get_output_int8(int i, int8_t* data, size_t count) const {
  const Model::Impl& m = impl_->m();
  if (i < 0 || i >= static_cast<int>(m.outputs.size())) return bad_index("get_output_int8", i);
  const graph::TensorDesc& t = m.tensors[m.outputs[i]];
  if (t.dtype != DType::kInt8) return Status(StatusCode::kInvalidArgument, "get_output_int8: output '" + t.name + "' is not int8");
  if (!data) return Status(StatusCode::kInvalidArgument, "get_output_int8: null data");
  if (static_cast<int64_t>(count) != t.elements) return bad_count("get_output_int8", count, t.elements);
  std::memcpy(data, impl_->ptr[m.outputs[i]], count);
  return Status::Ok();
}

Status Interpreter::get_output_float(int i, float* data, size_t count) const {
  const Model::Impl& m = impl_->m();
  if (i < 0 || i >= static_cast<int>(m.outputs.size())) return bad_index("get_output_float", i);
  const graph::TensorDesc& t = m.tensors[m.outputs[i]];
  if (!data) return Status(StatusCode::kInvalidArgument, "get_output_float: null data");
  if (static_cast<int64_t>(count) != t.elements) return bad_count("get_output_float", count, t.elements);
  const void* src = impl_->ptr[m.outputs[i]];
  switch (t.dtype) {
    case DType::kFloat32: std::memcpy(data, src, count * sizeof(float)); break;
    case DType::kInt8: ref::dequantize_q8_f32(static_cast<const int8_t*>(src), data, count, t.scale(), t.zero_point()); break;
    case DType::kUInt8:
      for (size_t k = 0; k < count; ++k) data[k] = static_cast<const uint8_t*>(src)[k];
      break;
    case DType::kInt32:
      for (size_t k = 0; k < count; ++k) data[k] = static_cast<float>(static_cast<const int32_t*>(src)[k]);
      break;
  }
  return Status::Ok();
}

Status Interpreter::get_output_topk(int i, int k, int* indices, float* scores) const {
  const Model::Impl& m = impl_->m();
  if (i < 0 || i >= static_cast<int>(m.outputs.size())) return bad_index("get_output_topk", i);
  const graph::TensorDesc& t = m.tensors[m.outputs[i]];
  const int n = t.shape.back();
  if (k < 1 || k > n) return Status(StatusCode::kInvalidArgument, "get_output_topk: k must be in [1, " + std::to_string(n) + "]");
  if (!indices) return Status(StatusCode::kInvalidArgument, "get_output_topk: null indices");
  const void* src = impl_->ptr[m.outputs[i]];
  auto value = [&](int c) -> float {
    switch (t.dtype) {
      case DType::kFloat32: return static_cast<const float*>(src)[c];
      case DType::kInt8: return t.scale() * static_cast<float>(static_cast<const int8_t*>(src)[c] - t.zero_point());
      case DType::kUInt8: return static_cast<const uint8_t*>(src)[c];
      case DType::kInt32: return static_cast<float>(static_cast<const int32_t*>(src)[c]);
    }
    return 0;
  };
  // Insertion into the k best so far (no allocation); ties keep the lower index first.
  int filled = 0;
  for (int c = 0; c < n; ++c) {
    const float v = value(c);
    if (filled == k && !(v > value(indices[k - 1]))) continue;
    int pos = filled < k ? filled++ : k - 1;
    while (pos > 0 && value(indices[pos - 1]) < v) {
      indices[pos] = indices[pos - 1];
      --pos;
    }
    indices[pos] = c;
  }
  if (scores)
    for (int j = 0; j < k; ++j) scores[j] = value(indices[j]);
  return Status::Ok();
}

MemoryInfo Interpreter::memory_info() const {
  MemoryInfo mi;
  mi.arena_bytes = impl_->plan.arena_bytes;
  mi.lower_bound_bytes = impl_->plan.lower_bound_bytes;
  mi.scratch_bytes = impl_->scratch_bytes;
  mi.repacked_bytes = impl_->repacked_bytes;
  mi.constant_bytes = impl_->constant_bytes;
  for (const BoundOp& op : impl_->ops) mi.repacked_operators += op.weights == BoundOp::Weights::kCopied;
  return mi;
}

std::vector<OpProfile> Interpreter::profile() const {
  std::vector<OpProfile> out;
  double total = 0;
  for (double s : impl_->seconds) total += s;
  for (size_t i = 0; i < impl_->ops.size(); ++i) {
    const BoundOp& op = impl_->ops[i];
    OpProfile p;
    p.name = op.name;
    p.type = op.type;
    p.kernel = op.kernel;
    p.weights = weights_source(op);
    p.repacked_bytes = op.weight_copy_bytes;
    p.seconds = impl_->seconds[i];
    p.macs = op.macs;
    p.runs = impl_->runs;
    p.macs_per_second = p.seconds > 0 ? static_cast<double>(op.macs) * static_cast<double>(p.runs) / p.seconds : 0;
    p.share = total > 0 ? p.seconds / total : 0;
    out.push_back(std::move(p));
  }
  return out;
}

void Interpreter::reset_profile() {
  std::fill(impl_->seconds.begin(), impl_->seconds.end(), 0.0);
  impl_->runs = 0;
}

std::string Interpreter::describe() const {
  std::ostringstream os;
  const MemoryInfo mi = memory_info();
  os << "isa " << isa_name(impl_->isa) << ", " << impl_->options.num_threads << " thread(s), arena "
     << mi.arena_bytes << " bytes (lower bound " << mi.lower_bound_bytes << "), constants "
     << mi.constant_bytes << " bytes, repacked " << mi.repacked_bytes << " bytes ("
     << mi.repacked_operators << " operator(s))\n";
  os << impl_->log;
  for (size_t i = 0; i < impl_->ops.size(); ++i) {
    const BoundOp& op = impl_->ops[i];
    os << "  " << i << " " << op.type << " '" << op.name << "': " << op.kernel;
    if (op.weights == BoundOp::Weights::kFile) os << " [weights: file]";
    if (op.weights == BoundOp::Weights::kCopied) os << " [weights: repacked, " << op.weight_copy_bytes << " bytes]";
    os << "\n";
  }
  return os.str();
}

}  // namespace octet

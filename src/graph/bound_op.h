// An operator bound to a kernel when the Interpreter is created: every pointer (arena, model
// constants, repacked weights) is resolved, so run() only calls `run` over sub-ranges of `work`.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graph/model_impl.h"
#include "kernels/neon/isa.h"
#include "kernels/op_params.h"
#include "kernels/ref/ref_kernels.h"

namespace octet::graph {

struct BoundOp;
// Computes work items [begin, end) (rows, channels, elements or pixels: the op's choice). Any
// split gives the same bytes. `scratch` is this call's private scratch (scratch_per_part bytes).
using RunFn = void (*)(const BoundOp& op, int begin, int end, uint8_t* scratch);

struct BoundOp {
  std::string name;
  std::string type;
  std::string kernel;             // e.g. "ref conv", "neon dotprod gemm n16k4"
  RunFn run = nullptr;            // null: nothing to do (alias, in-place concat)
  int work = 1;                   // partitionable items
  uint64_t cost = 0;              // rough work, decides whether splitting is worth it
  uint64_t macs = 0;
  size_t scratch_per_part = 0;
  uint8_t* scratch = nullptr;     // scratch_per_part * threads bytes in the arena

  const void* in0 = nullptr;
  const void* in1 = nullptr;
  void* out = nullptr;
  int in_stride = 0, out_stride = 0;

  // Where the weights of a conv / FC come from: the file's buffer, read in place, or a copy made
  // at creation (packed, repacked or unpacked for this ISA's kernel), weight_copy_bytes long.
  enum class Weights { kNone, kFile, kCopied };
  Weights weights = Weights::kNone;
  size_t weight_copy_bytes = 0;

  QConvParams conv;               // conv / fully connected
  const void* packed = nullptr;   // packed weights for NEON kernels
  int isa = 0;                    // kernel path for NEON run functions
  int channel_blocks = 1;         // Winograd: work items per tile row (wino_channel_blocks)
  QPoolParams pool;               // pools (max uses geom + clamp)
  QAddParams add;
  int32_t clamp_min = -128, clamp_max = 127;

  // Elementwise / conversions.
  float scale = 1.0f;
  int32_t zero_point = 0;
  float out_scale = 1.0f;
  int32_t out_zero_point = 0;
  int channels = 1;               // last dimension
  ref::LrnParams lrn;              // LRN
  // Concat (copying form).
  int pixels = 0;
  std::vector<const int8_t*> cat_inputs;
  std::vector<int> cat_channels;
  std::vector<float> cat_scales;
  std::vector<int32_t> cat_zero_points;
};

// Operands an operator binds to: tensor pointers and strides from the plan.
struct BindContext {
  const Model::Impl* model;
  Isa isa;
  bool winograd = true;  // InterpreterOptions::winograd
  int threads;
  // Per tensor: data pointer (arena or constant) and pixel stride.
  std::vector<uint8_t*> ptr;
  std::vector<int> stride;
  // Repacked constants owned by the interpreter.
  std::vector<std::unique_ptr<uint8_t[]>>* owned;
  size_t* repacked_bytes;
  std::string* log;
};

neon::Isa to_neon(Isa isa);
Isa from_neon(neon::Isa isa);

// Scratch bytes one part of operator `op` needs on `isa` (planned in the arena).
size_t op_scratch_bytes(const Model::Impl& m, const OpDesc& op, Isa isa, bool winograd);
// Binds operator i. False + message for a valid file this build cannot run.
bool bind_op(BindContext& ctx, const OpDesc& op, bool concat_in_place, BoundOp* out,
             std::string* error);

}  // namespace octet::graph

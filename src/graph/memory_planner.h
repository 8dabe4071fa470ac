// Memory planner (DESIGN.md §5): every activation tensor and every kernel scratch gets an offset in
// one arena.
//  - Aliases: a Reshape output is its input's storage.
//  - Concatenation: when every input of a concat is written by an operator that can store with a
//    pixel stride (conv, pools), is read by nothing but the concat and has the concat's
//    quantization, those producers write straight into their channel slice of the concat output
//    and the concat itself does nothing.
//  - Lifetimes over the execution order: a buffer lives from the operator that writes it (0 for a
//    model input) to its last reader (the end of the run for model inputs and outputs, so run() can
//    be repeated and outputs read afterwards). Input and output of one operator never overlap.
//  - Placement: greedy by size (largest first), each buffer into the smallest gap that fits among
//    the buffers whose lifetimes overlap it (best fit).
//  - Lower bound: the largest total size of buffers live at one step; no placement can beat it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace octet::graph {

struct PlanTensor {
  size_t bytes = 0;
  int channels = 1;         // last dimension (elements per pixel when dense)
  int elem_size = 1;
  bool constant = false;
  bool model_input = false;
  bool model_output = false;
};

struct PlanOp {
  enum Kind { kOther, kStridedProducer, kReshape, kConcat } kind = kOther;
  std::vector<int> inputs;
  int output = -1;
  bool concat_quant_ok = false;  // kConcat: every input has the output's quantization
  size_t scratch_bytes = 0;      // kernel scratch while this op runs (all threads together)
};

struct Plan {
  static constexpr size_t kAlignment = 64;
  // Per tensor: byte offset in the arena (activations) and pixel stride in elements.
  std::vector<size_t> offset;
  std::vector<int> pixel_stride;
  std::vector<size_t> scratch_offset;  // per op (valid when scratch_bytes > 0)
  std::vector<char> concat_in_place;   // per op: a concat whose producers wrote the slices
  size_t arena_bytes = 0;
  size_t lower_bound_bytes = 0;
  size_t num_buffers = 0;
};

Plan plan_memory(const std::vector<PlanTensor>& tensors, const std::vector<PlanOp>& ops);

}  // namespace octet::graph

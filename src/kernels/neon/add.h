// NEON int8 elementwise add with per-input scales (QAddParams, TFLite's scheme; see op_params.h):
// the same arithmetic as ref::add_q8, 16 elements per step. No packing, no scratch.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/neon/dw_path.h"
#include "kernels/op_params.h"

namespace octet::neon {

// Elements [begin, end) of a, b and output (any split gives bit-identical results).
// Returns false when the path is not built into this binary.
bool add_run(DwPath path, const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* output,
             size_t begin, size_t end);

}  // namespace octet::neon

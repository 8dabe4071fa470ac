// NEON int8 elementwise add with per-input scales (QAddParams: one rounding step, see op_params.h):
// the same arithmetic as ref::add_q8, 16 elements per step. No packing, no scratch.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/neon/isa.h"
#include "kernels/op_params.h"

namespace octet::neon {

// Elements [begin, end) of a, b and output (any split gives bit-identical results).
// `path` (isa.h): v80, dotprod (runs the v80 kernel) or armv7; false when !isa_supported(path) or
// for ref.
bool add_run(Isa path, const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* output,
             size_t begin, size_t end);

}  // namespace octet::neon

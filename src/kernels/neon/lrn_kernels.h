// Per-path LRN kernel entry points (internal; lrn.cpp picks one). armv7 has none: no float64
// vectors.
#pragma once
#include <cstdint>

#include "kernels/ref/ref_kernels.h"

namespace octet::neon {
namespace v80 {
// False (nothing written) for more than 4096 channels or a window over 64.
bool lrn_q8(const ref::LrnParams& p, const int8_t* input, int8_t* output, int pixels, int channels);
}
}  // namespace octet::neon

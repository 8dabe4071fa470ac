// Per-path add kernel entry points (internal; add.cpp picks one).
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/op_params.h"

namespace octet::neon {
namespace v80 {
void add(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* out, size_t n);
}
namespace armv7 {
void add(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* out, size_t n);
}
}  // namespace octet::neon

// Partial vector loads/stores for channel tails: never touch memory beyond the n valid bytes
// (tensors may end right after the last channel of the last pixel). Internal linkage: included by
// sources compiled with different -march flags.
#pragma once
#include <cstddef>
#include <cstring>

#include "kernels/neon/dw_neon_include.h"

namespace octet::neon::detail {
namespace {

inline int8x8_t dw_load8(const int8_t* p, int n) {
  if (n >= 8) return vld1_s8(p);
  int8_t buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::memcpy(buf, p, static_cast<size_t>(n));
  return vld1_s8(buf);
}

inline void dw_store8(int8_t* p, int8x8_t v, int n) {
  if (n >= 8) {
    vst1_s8(p, v);
    return;
  }
  int8_t buf[8];
  vst1_s8(buf, v);
  std::memcpy(p, buf, static_cast<size_t>(n));
}

}  // namespace
}  // namespace octet::neon::detail

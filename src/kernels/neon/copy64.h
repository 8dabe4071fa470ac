// 64-byte copies of the im2col, per core class (CoreClass in isa.h). On llvm-mca's models, per 64
// bytes: LD1 / ST1 of four registers cost the Neoverse-N1 4 cycles (its store pipe takes an ST1 as
// fewer operations than STR q), the in-order Cortex-A55 16 and the A53 12; single LDR / STR q
// cost the A55 9 and the A53 11. GCC pairs adjacent q loads and stores into LDP / STP, which the
// A55 costs like the four-register forms, so the in-order copy is written out.
#pragma once
#include <cstdint>

#include "kernels/neon/neon_include.h"

namespace octet::neon {

template <bool kOutOfOrder>
inline int8x16x4_t copy64(const int8_t* s, int8_t* d) {
  int8x16x4_t v;
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
  if constexpr (kOutOfOrder) {
    v = vld1q_s8_x4(s);
    vst1q_s8_x4(d, v);
  } else {
    asm("ldr %q[v0], [%[s]]\n"
        "ldr %q[v1], [%[s], #16]\n"
        "ldr %q[v2], [%[s], #32]\n"
        "ldr %q[v3], [%[s], #48]\n"
        "str %q[v0], [%[d]]\n"
        "str %q[v1], [%[d], #16]\n"
        "str %q[v2], [%[d], #32]\n"
        "str %q[v3], [%[d], #48]\n"
        : [v0] "=&w"(v.val[0]), [v1] "=&w"(v.val[1]), [v2] "=&w"(v.val[2]), [v3] "=&w"(v.val[3]),
          "=m"(*reinterpret_cast<int8_t(*)[64]>(d))
        : [s] "r"(s), [d] "r"(d), "m"(*reinterpret_cast<const int8_t(*)[64]>(s)));
  }
#else
  for (int i = 0; i < 4; ++i) {
    v.val[i] = vld1q_s8(s + 16 * i);
    vst1q_s8(d + 16 * i, v.val[i]);
  }
#endif
  return v;
}

}  // namespace octet::neon

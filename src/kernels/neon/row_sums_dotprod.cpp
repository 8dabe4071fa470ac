// Activation sums on dotprod CPUs: SDOT against a vector of ones adds 16 bytes into four int32
// lanes in one instruction, where SADDLP + SADALP take two (the N1 model then waits on the loads).
#include "kernels/neon/gemm_kernels.h"
#include "kernels/neon/neon_include.h"

namespace octet::neon {

void row_sums_s8_dotprod(const int8_t* a, size_t a_stride, int rows, int kp, int32_t* sums) {
  const int8x16_t ones = vdupq_n_s8(1);
  int r = 0;
  for (; r + 4 <= rows; r += 4) {  // four independent chains
    const int8_t* r0 = a + r * a_stride;
    const int8_t* r1 = r0 + a_stride;
    const int8_t* r2 = r1 + a_stride;
    const int8_t* r3 = r2 + a_stride;
    int32x4_t s0 = vdupq_n_s32(0), s1 = s0, s2 = s0, s3 = s0;
    for (int k = 0; k < kp; k += 16) {
      // All four loads first: the in-order A55 would wait on each load right before its SDOT.
      int8x16_t x0 = vld1q_s8(r0 + k), x1 = vld1q_s8(r1 + k);
      int8x16_t x2 = vld1q_s8(r2 + k), x3 = vld1q_s8(r3 + k);
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
      asm("" : "+w"(x0), "+w"(x1), "+w"(x2), "+w"(x3));  // keeps GCC from sinking them again
#endif
      s0 = vdotq_s32(s0, x0, ones);
      s1 = vdotq_s32(s1, x1, ones);
      s2 = vdotq_s32(s2, x2, ones);
      s3 = vdotq_s32(s3, x3, ones);
    }
    vst1q_s32(sums + r, vpaddq_s32(vpaddq_s32(s0, s1), vpaddq_s32(s2, s3)));
  }
  // The last rows (66-row blocks leave 2) one at a time, four chains each: one chain waited on
  // every SDOT (2.1 N1 cycles per 16 bytes, four times the 4-row loop's; ResNet-50 ~0.25 M).
  for (; r < rows; ++r) {
    const int8_t* row = a + r * a_stride;
    int32x4_t s0 = vdupq_n_s32(0), s1 = s0, s2 = s0, s3 = s0;
    int k = 0;
    for (; k + 64 <= kp; k += 64) {
      s0 = vdotq_s32(s0, vld1q_s8(row + k), ones);
      s1 = vdotq_s32(s1, vld1q_s8(row + k + 16), ones);
      s2 = vdotq_s32(s2, vld1q_s8(row + k + 32), ones);
      s3 = vdotq_s32(s3, vld1q_s8(row + k + 48), ones);
    }
    for (; k < kp; k += 16) s0 = vdotq_s32(s0, vld1q_s8(row + k), ones);
    sums[r] = vaddvq_s32(vaddq_s32(vaddq_s32(s0, s1), vaddq_s32(s2, s3)));
  }
}

}  // namespace octet::neon

// Activation sums for the -z_c * sum_k a_k term: once per pixel, not once per channel tile.
#include "kernels/neon/gemm_kernels.h"
#include "kernels/neon/neon_include.h"

namespace octet::neon {
namespace {

inline int32_t horizontal_sum(int32x4_t v) {
  const int32x2_t h = vadd_s32(vget_low_s32(v), vget_high_s32(v));
  return vget_lane_s32(vpadd_s32(h, h), 0);
}

}  // namespace

void row_sums_s8(const int8_t* a, size_t a_stride, int rows, int kp, int32_t* sums) {
  int r = 0;
  // Four rows at a time: four independent SADDLP/SADALP chains instead of one serial chain.
  for (; r + 4 <= rows; r += 4) {
    const int8_t* r0 = a + r * a_stride;
    const int8_t* r1 = r0 + a_stride;
    const int8_t* r2 = r1 + a_stride;
    const int8_t* r3 = r2 + a_stride;
    int32x4_t s0 = vdupq_n_s32(0), s1 = s0, s2 = s0, s3 = s0;
    for (int k = 0; k < kp; k += 16) {
      s0 = vpadalq_s16(s0, vpaddlq_s8(vld1q_s8(r0 + k)));
      s1 = vpadalq_s16(s1, vpaddlq_s8(vld1q_s8(r1 + k)));
      s2 = vpadalq_s16(s2, vpaddlq_s8(vld1q_s8(r2 + k)));
      s3 = vpadalq_s16(s3, vpaddlq_s8(vld1q_s8(r3 + k)));
    }
    // Four horizontal sums at once: two pairwise-add levels, one store.
#if defined(__aarch64__) || defined(OCTET_ARCH_simde)
    vst1q_s32(sums + r, vpaddq_s32(vpaddq_s32(s0, s1), vpaddq_s32(s2, s3)));
#else
    const int32x2_t h01 = vpadd_s32(vadd_s32(vget_low_s32(s0), vget_high_s32(s0)),
                                    vadd_s32(vget_low_s32(s1), vget_high_s32(s1)));
    const int32x2_t h23 = vpadd_s32(vadd_s32(vget_low_s32(s2), vget_high_s32(s2)),
                                    vadd_s32(vget_low_s32(s3), vget_high_s32(s3)));
    vst1q_s32(sums + r, vcombine_s32(h01, h23));
#endif
  }
  for (; r < rows; ++r) {
    const int8_t* row = a + r * a_stride;
    int32x4_t s = vdupq_n_s32(0);
    for (int k = 0; k < kp; k += 16) s = vpadalq_s16(s, vpaddlq_s8(vld1q_s8(row + k)));
    sums[r] = horizontal_sum(s);
  }
}

}  // namespace octet::neon

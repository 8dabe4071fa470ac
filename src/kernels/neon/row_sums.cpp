// Activation sums for the -z_c * sum_k a_k term: once per pixel, not once per channel tile.
#include "kernels/neon/gemm_kernels.h"
#include "kernels/neon/neon_include.h"

namespace octet::neon {

void row_sums_s8(const int8_t* a, size_t a_stride, int rows, int kp, int32_t* sums) {
  for (int r = 0; r < rows; ++r) {
    const int8_t* row = a + r * a_stride;
    int32x4_t acc = vdupq_n_s32(0);
    for (int k = 0; k < kp; k += 16) acc = vpadalq_s16(acc, vpaddlq_s8(vld1q_s8(row + k)));
    const int32x2_t h = vadd_s32(vget_low_s32(acc), vget_high_s32(acc));
    sums[r] = vget_lane_s32(vpadd_s32(h, h), 0);
  }
}

}  // namespace octet::neon

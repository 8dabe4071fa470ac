// im2col of interior pixels whose kernel rows are runs of a multiple of 64 bytes (3x3 layers with
// 64n input channels: ResNet-50's), with each pixel's activation sum taken from the bytes on
// their way to the A block by SDOT against ones: on the vector pipes, which the copy leaves idle
// (the separate sums pass read every byte again: ~0.4 M N1 cycles of ResNet-50).
#include "kernels/neon/copy64.h"
#include "kernels/neon/gemm_kernels.h"
#include "kernels/neon/neon_include.h"

namespace octet::neon {
namespace {

template <bool kOutOfOrder>
void runs64_sums(const int8_t* src, size_t src_step, size_t tap_step, int kernel_h, int run,
                 int kp, int count, int8_t* d, int32_t* sums) {
  const int8x16_t ones = vdupq_n_s8(1);
  for (int i = 0; i < count; ++i, src += src_step, d += kp) {
    int32x4_t s0 = vdupq_n_s32(0), s1 = s0, s2 = s0, s3 = s0;
    int8_t* o = d;
    for (int ky = 0; ky < kernel_h; ++ky) {
      const int8_t* t = src + ky * tap_step;
      for (int j = 0; j < run; j += 64, o += 64) {
        const int8x16x4_t v = copy64<kOutOfOrder>(t + j, o);
        s0 = vdotq_s32(s0, v.val[0], ones);
        s1 = vdotq_s32(s1, v.val[1], ones);
        s2 = vdotq_s32(s2, v.val[2], ones);
        s3 = vdotq_s32(s3, v.val[3], ones);
      }
    }
    sums[i] = vaddvq_s32(vaddq_s32(vaddq_s32(s0, s1), vaddq_s32(s2, s3)));
  }
}

}  // namespace

void im2col_runs64_sums_dotprod(const int8_t* src, size_t src_step, size_t tap_step, int kernel_h,
                                int run, int kp, int count, int8_t* d, int32_t* sums) {
  runs64_sums<true>(src, src_step, tap_step, kernel_h, run, kp, count, d, sums);
}

void im2col_runs64_sums_dotprod_in_order(const int8_t* src, size_t src_step, size_t tap_step,
                                         int kernel_h, int run, int kp, int count, int8_t* d,
                                         int32_t* sums) {
  runs64_sums<false>(src, src_step, tap_step, kernel_h, run, kp, count, d, sums);
}

}  // namespace octet::neon

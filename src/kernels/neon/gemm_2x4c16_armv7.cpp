// GEMM microkernel, armv7 NEON: 2 rows x 4 channels per tile, 16 k per step (same n4k16 weight
// layout as the ARMv8.0 kernel). VMULL + VMLAL (two products per int16 lane, weights never
// -128), VPADAL into int32 lanes. Only 16 q registers: 8 accumulators + 2 A + weights + products.
#include <cstring>

#include "kernels/neon/gemm_kernels.h"
#include "kernels/neon/neon_include.h"

namespace octet::neon {
namespace {

inline int32x4_t load_s32(const uint8_t* p) { return vreinterpretq_s32_s8(vld1q_s8(reinterpret_cast<const int8_t*>(p))); }

inline int32x4_t mac16(int32x4_t acc, int8x16_t a, int8x16_t w) {
  int16x8_t prod = vmull_s8(vget_low_s8(a), vget_low_s8(w));
  prod = vmlal_s8(prod, vget_high_s8(a), vget_high_s8(w));
  return vpadalq_s16(acc, prod);
}

// Lane j = sum of the lanes of x_j.
inline int32x4_t reduce4(int32x4_t x0, int32x4_t x1, int32x4_t x2, int32x4_t x3) {
  const int32x2_t h0 = vadd_s32(vget_low_s32(x0), vget_high_s32(x0));
  const int32x2_t h1 = vadd_s32(vget_low_s32(x1), vget_high_s32(x1));
  const int32x2_t h2 = vadd_s32(vget_low_s32(x2), vget_high_s32(x2));
  const int32x2_t h3 = vadd_s32(vget_low_s32(x3), vget_high_s32(x3));
  return vcombine_s32(vpadd_s32(h0, h1), vpadd_s32(h2, h3));
}

}  // namespace

void gemm_2x4c16_armv7(const GemmTile& t) {
  const int rows = t.rows;
  const int8_t* a0 = t.a;
  const int8_t* a1 = rows > 1 ? a0 + t.a_stride : a0;
  const int kp = t.kp;
  const size_t block_bytes = 80 + 4 * static_cast<size_t>(kp);
  const int16x8_t zp = vdupq_n_s16(static_cast<int16_t>(t.out_zero_point));
  const int8x8_t qmin = vdup_n_s8(static_cast<int8_t>(t.qmin));
  const int8x8_t qmax = vdup_n_s8(static_cast<int8_t>(t.qmax));
  const uint8_t* blk = t.blocks;
  for (int c0 = t.block_first_channel; c0 < t.n_end; c0 += 4, blk += block_bytes) {
    int32x4_t c00 = vdupq_n_s32(0), c01 = c00, c02 = c00, c03 = c00;
    int32x4_t c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    const int8_t* w = reinterpret_cast<const int8_t*>(blk + 80);
    for (int k = 0; k < kp; k += 16) {
      const int8x16_t va0 = vld1q_s8(a0 + k), va1 = vld1q_s8(a1 + k);
      const int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16);
      c00 = mac16(c00, va0, w0); c10 = mac16(c10, va1, w0);
      c01 = mac16(c01, va0, w1); c11 = mac16(c11, va1, w1);
      const int8x16_t w2 = vld1q_s8(w + 32), w3 = vld1q_s8(w + 48);
      c02 = mac16(c02, va0, w2); c12 = mac16(c12, va1, w2);
      c03 = mac16(c03, va0, w3); c13 = mac16(c13, va1, w3);
      w += 64;
    }
    const int32x4_t bias = load_s32(blk);
    int32x4_t s0 = vaddq_s32(bias, reduce4(c00, c01, c02, c03));
    int32x4_t s1 = vaddq_s32(bias, reduce4(c10, c11, c12, c13));
    if (t.row_sums) {
      const int32x4_t z = load_s32(blk + 16);
      s0 = vmlsq_n_s32(s0, z, t.row_sums[0]);
      s1 = vmlsq_n_s32(s1, z, t.row_sums[1]);
    }
    const int32x4_t m = load_s32(blk + 32), l = load_s32(blk + 48), r = load_s32(blk + 64);
    const int8x8_t o01 = narrow_s32x8(rescale_s32x4(s0, m, l, r), rescale_s32x4(s1, m, l, r), zp, qmin, qmax);
    int8_t tmp[8];
    vst1_s8(tmp, o01);
    const int lo = c0 < t.n_begin ? t.n_begin : c0;
    const int hi = c0 + 4 > t.n_end ? t.n_end : c0 + 4;
    if (lo == c0 && hi == c0 + 4) {  // whole block: constant-size copies become single stores
      for (int i = 0; i < rows; ++i) std::memcpy(t.out + i * t.out_stride + c0, tmp + 4 * i, 4);
    } else {
      for (int i = 0; i < rows; ++i) std::memcpy(t.out + i * t.out_stride + lo, tmp + 4 * i + (lo - c0), hi - lo);
    }
  }
}

}  // namespace octet::neon

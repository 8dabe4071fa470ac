// Winograd F(2x2, 3x3) transforms, NEON intrinsics for every target (see wino_kernels.h,
// conv_winograd.h); the GEMM between them is wino_gemm_v80.cpp / wino_gemm_armv7.cpp.
#include "kernels/neon/neon_include.h"
#include "kernels/neon/wino_kernels.h"
#include "kernels/neon/wino_output_impl.h"

namespace octet::neon {

// B^T d B. The first stage (over the window's rows) widens int8 -> int16 in the same instruction
// (SSUBL / SADDL); |V| <= 4 * 128 fits int16.
void wino_input_f23(const int8_t* const* taps, int channels, int16_t* v, size_t xi_stride) {
  for (int c = 0; c < channels; c += 8, v += 64) {
    int8x8_t d[16];
    for (int x = 0; x < 16; ++x) d[x] = vld1_s8(taps[x] + c);
    int16x8_t r[16];  // r[4 * i + j] = (B^T d)[i][j]
    for (int j = 0; j < 4; ++j) {
      r[j] = vsubl_s8(d[j], d[8 + j]);
      r[4 + j] = vaddl_s8(d[4 + j], d[8 + j]);
      r[8 + j] = vsubl_s8(d[8 + j], d[4 + j]);
      r[12 + j] = vsubl_s8(d[4 + j], d[12 + j]);
    }
    for (int i = 0; i < 16; i += 4) {
      vst1q_s16(v + (i + 0) * xi_stride, vsubq_s16(r[i], r[i + 2]));
      vst1q_s16(v + (i + 1) * xi_stride, vaddq_s16(r[i + 1], r[i + 2]));
      vst1q_s16(v + (i + 2) * xi_stride, vsubq_s16(r[i + 2], r[i + 1]));
      vst1q_s16(v + (i + 3) * xi_stride, vsubq_s16(r[i + 1], r[i + 3]));
    }
  }
}

namespace {

// A^T M A for 4 channels (m: the tile's [16][8] at the half's offset), in uint32: the true
// intermediate sums may exceed int32 (C near kWinoMaxChannels); only Y' = 4 * sum itself is known
// to fit.
struct Quad {
  uint32x4_t y00, y01, y10, y11;  // output (row, column) of the tile
};
inline Quad output_transform(const int32_t* m) {
  uint32x4_t t0[4], t1[4];
  for (int j = 0; j < 4; ++j) {
    const uint32x4_t m0 = vreinterpretq_u32_s32(vld1q_s32(m + 8 * j));
    const uint32x4_t m1 = vreinterpretq_u32_s32(vld1q_s32(m + 8 * (4 + j)));
    const uint32x4_t m2 = vreinterpretq_u32_s32(vld1q_s32(m + 8 * (8 + j)));
    const uint32x4_t m3 = vreinterpretq_u32_s32(vld1q_s32(m + 8 * (12 + j)));
    t0[j] = vaddq_u32(vaddq_u32(m0, m1), m2);
    t1[j] = vsubq_u32(vsubq_u32(m1, m2), m3);
  }
  return {vaddq_u32(vaddq_u32(t0[0], t0[1]), t0[2]), vsubq_u32(vsubq_u32(t0[1], t0[2]), t0[3]),
          vaddq_u32(vaddq_u32(t1[0], t1[1]), t1[2]), vsubq_u32(vsubq_u32(t1[1], t1[2]), t1[3])};
}

// One tile's four output pixels (8 channels each): o[0] = (0,0), o[1] = (0,1), o[2] = (1,0),
// o[3] = (1,1).
template <bool kLeftShift>
void tile_outputs(const int32_t* m, const wino::GroupConsts& k, int8x8_t* o) {
  const Quad lo = output_transform(m), hi = output_transform(m + 4);
  o[0] = wino::requantize8<kLeftShift>(k, lo.y00, hi.y00);
  o[1] = wino::requantize8<kLeftShift>(k, lo.y01, hi.y01);
  o[2] = wino::requantize8<kLeftShift>(k, lo.y10, hi.y10);
  o[3] = wino::requantize8<kLeftShift>(k, lo.y11, hi.y11);
}

}  // namespace

void wino_output_f23(const int32_t* m, int tiles, const WinoTileOut* dst,
                         const WinoGroupRequant& q) {
  if (q.no_left_shift)
    wino::output_tiles<2, 16, false>(m, tiles, dst, q, tile_outputs<false>);
  else
    wino::output_tiles<2, 16, true>(m, tiles, dst, q, tile_outputs<true>);
}

}  // namespace octet::neon

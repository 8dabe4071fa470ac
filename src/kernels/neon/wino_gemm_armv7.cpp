// The transform-domain GEMM of Winograd F(2x2, 3x3) and F(3x3, 3x3), armv7 NEON (see
// wino_kernels.h): int16 V x int16 U' -> int32, VMLAL by lane. With 16 Q registers a pass holds
// 4 tiles: 8 accumulators, the 4 tiles' V and one channel's weights; a group of 8 tiles is two
// passes over the same weights.
#include "kernels/neon/neon_include.h"
#include "kernels/neon/wino_kernels.h"

namespace octet::neon {
namespace {

// acc + w * v[L], wrapping: F(3x3)'s partial sums may pass int32 (the sum is exact mod 2^32, see
// conv_winograd.h). Under SIMDe the product is added in uint32, where C++ wraps without UB.
template <int L>
inline int32x4_t mla_lane(int32x4_t acc, int16x4_t w, int16x4_t v) {
#if defined(OCTET_ARCH_simde)
  return vreinterpretq_s32_u32(
      vaddq_u32(vreinterpretq_u32_s32(acc), vreinterpretq_u32_s32(vmull_lane_s16(w, v, L))));
#else
  return vmlal_lane_s16(acc, w, v, L);
#endif
}

// Input channel CI of the current 8 (lane CI of every tile's V) times its 8 weights.
template <int kTiles, int CI>
inline void mac_channel(int32x4_t* acc, const int16x8_t* vt, const int16_t* u) {
  const int16x8_t w = vld1q_s16(u + 8 * CI);
  for (int t = 0; t < kTiles; ++t) {
    const int16x4_t vh = CI < 4 ? vget_low_s16(vt[t]) : vget_high_s16(vt[t]);
    acc[2 * t] = mla_lane<CI % 4>(acc[2 * t], vget_low_s16(w), vh);
    acc[2 * t + 1] = mla_lane<CI % 4>(acc[2 * t + 1], vget_high_s16(w), vh);
  }
}

// kTiles (1..4) consecutive tiles of a group: v at the first one's slot, tile t's M at
// m + t * tile_m.
template <int kTiles>
void gemm_tiles(const int16_t* v, const int16_t* u, int channels, int32_t* m, size_t tile_m) {
  int32x4_t acc[2 * kTiles];
  for (int i = 0; i < 2 * kTiles; ++i) acc[i] = vdupq_n_s32(0);
  for (int c = 0; c < channels; c += 8, v += 64, u += 64) {
    int16x8_t vt[kTiles];
    for (int t = 0; t < kTiles; ++t) vt[t] = vld1q_s16(v + 8 * t);
    mac_channel<kTiles, 0>(acc, vt, u);
    mac_channel<kTiles, 1>(acc, vt, u);
    mac_channel<kTiles, 2>(acc, vt, u);
    mac_channel<kTiles, 3>(acc, vt, u);
    mac_channel<kTiles, 4>(acc, vt, u);
    mac_channel<kTiles, 5>(acc, vt, u);
    mac_channel<kTiles, 6>(acc, vt, u);
    mac_channel<kTiles, 7>(acc, vt, u);
  }
  for (int t = 0; t < kTiles; ++t) {
    vst1q_s32(m + t * tile_m, acc[2 * t]);
    vst1q_s32(m + t * tile_m + 4, acc[2 * t + 1]);
  }
}

}  // namespace

void wino_gemm_8x8_armv7(const int16_t* v, const int16_t* u, int channels, int groups,
                         int positions, int32_t* m) {
  const size_t tile_m = static_cast<size_t>(8) * positions;
  for (int g = 0; g < groups; ++g, v += static_cast<size_t>(channels) * 8, m += 8 * tile_m) {
    gemm_tiles<4>(v, u, channels, m, tile_m);
    gemm_tiles<4>(v + 32, u, channels, m + 4 * tile_m, tile_m);
  }
}

void wino_gemm_4x8_armv7(const int16_t* v, const int16_t* u, int channels, int positions,
                         int32_t* m) {
  gemm_tiles<4>(v, u, channels, m, static_cast<size_t>(8) * positions);
}

void wino_gemm_1x8_armv7(const int16_t* v, const int16_t* u, int channels, int32_t* m) {
  gemm_tiles<1>(v, u, channels, m, 0);
}

}  // namespace octet::neon

// Winograd F(3x3, 3x3) transforms, NEON intrinsics for every target (see wino_kernels.h,
// conv_winograd.h); the GEMM between them is wino_gemm_v80.cpp / wino_gemm_armv7.cpp.
// Interpolation points 0, 1, -1, 2, infinity:
//   B^T = [2 -1 -2  1  0]   G' = 6G = [ 3  0  0]   A^T = [1  1  1  1  0]
//         [0 -2 -1  1  0]             [-3 -3 -3]         [0  1 -1  2  0]
//         [0  2 -3  1  0]             [-1  1 -1]         [0  1  1  4  1]
//         [0 -1  0  1  0]             [ 1  2  4]
//         [0  2 -1 -2  1]             [ 0  0  6]
// so A^T [(G' x G'^T) . (B^T d B)] A = 36 * (x correlated with d).
#include "kernels/neon/neon_include.h"
#include "kernels/neon/wino_kernels.h"
#include "kernels/neon/wino_output_impl.h"
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
#include "kernels/neon/wino_f33_output_aarch64.inc"
#define OCTET_WINO_F33_OUTPUT_ASM 1
#endif

namespace octet::neon {
namespace {

// B^T applied to 5 values (a column or a row of the window), with shared differences.
struct Five {
  int16x8_t x0, x1, x2, x3, x4;
};
inline Five input_1d(int16x8_t d31, int16x8_t s12, int16x8_t d12, int16x8_t d02, int16x8_t d42) {
  // d31 = x3 - x1, s12 = x1 + x2, d12 = x1 - x2, d02 = x0 - x2, d42 = x4 - x2.
  return {vaddq_s16(d31, vaddq_s16(d02, d02)),  // 2 x0 - x1 - 2 x2 + x3
          vsubq_s16(d31, s12),                  // -2 x1 - x2 + x3
          vmlaq_n_s16(d31, d12, 3),             // 2 x1 - 3 x2 + x3
          d31,                                  // -x1 + x3
          vmlsq_n_s16(d42, d31, 2)};            // 2 x1 - x2 - 2 x3 + x4
}

}  // namespace

// B^T d B: the first stage widens int8 -> int16 in its differences (SSUBL / SADDL); |V| <= 36 *
// 128 = 4608 fits int16.
void wino_input_f33(const int8_t* const* taps, int channels, int16_t* v, size_t xi_stride) {
  for (int c = 0; c < channels; c += 8, v += 64) {
    int16x8_t r[25];  // r[5 * i + j] = (B^T d)[i][j]
#pragma GCC unroll 5
    for (int j = 0; j < 5; ++j) {  // column j of the window (unrolled: no array through the stack)
      const int8x8_t d0 = vld1_s8(taps[j] + c), d1 = vld1_s8(taps[5 + j] + c),
                     d2 = vld1_s8(taps[10 + j] + c), d3 = vld1_s8(taps[15 + j] + c),
                     d4 = vld1_s8(taps[20 + j] + c);
      const Five f = input_1d(vsubl_s8(d3, d1), vaddl_s8(d1, d2), vsubl_s8(d1, d2),
                              vsubl_s8(d0, d2), vsubl_s8(d4, d2));
      r[j] = f.x0, r[5 + j] = f.x1, r[10 + j] = f.x2, r[15 + j] = f.x3, r[20 + j] = f.x4;
    }
#pragma GCC unroll 5
    for (int i = 0; i < 25; i += 5) {
      const int16x8_t* x = r + i;
      const Five f = input_1d(vsubq_s16(x[3], x[1]), vaddq_s16(x[1], x[2]), vsubq_s16(x[1], x[2]),
                              vsubq_s16(x[0], x[2]), vsubq_s16(x[4], x[2]));
      vst1q_s16(v + (i + 0) * xi_stride, f.x0);
      vst1q_s16(v + (i + 1) * xi_stride, f.x1);
      vst1q_s16(v + (i + 2) * xi_stride, f.x2);
      vst1q_s16(v + (i + 3) * xi_stride, f.x3);
      vst1q_s16(v + (i + 4) * xi_stride, f.x4);
    }
  }
}

namespace {

// A^T applied to 5 values: m0 + m1 + m2 + m3, m1 - m2 + 2 m3, m1 + m2 + 4 m3 + m4.
struct Three {
  uint32x4_t y0, y1, y2;
};
inline Three output_1d(uint32x4_t m0, uint32x4_t m1, uint32x4_t m2, uint32x4_t m3, uint32x4_t m4) {
  const uint32x4_t s12 = vaddq_u32(m1, m2), d12 = vsubq_u32(m1, m2);
  return {vaddq_u32(vaddq_u32(s12, m0), m3), vaddq_u32(d12, vshlq_n_u32(m3, 1)),
          vaddq_u32(vaddq_u32(s12, m4), vshlq_n_u32(m3, 2))};
}

// 36 * sum -> 4 * sum: 9 is odd, so multiplying by its inverse mod 2^32 divides exactly in
// wrapping arithmetic, and 4 * sum fits int32 (C <= kWinoMaxChannels).
constexpr uint32_t kInverseOf9 = 0x38e38e39u;  // 9 * kInverseOf9 = 1 mod 2^32
inline uint32x4_t divide_by_9(uint32x4_t x) {
#if defined(OCTET_ARCH_simde)
  // SIMDe multiplies uint32 lanes as int32 (signed overflow for the sanitizers): lane by lane.
  uint32_t lanes[4];
  vst1q_u32(lanes, x);
  for (uint32_t& l : lanes) l *= kInverseOf9;
  return vld1q_u32(lanes);
#else
  return vmulq_n_u32(x, kInverseOf9);
#endif
}

// A^T M A for 4 channels (m: the tile's [25][8] at the half's offset), in uint32 (wrapping).
inline void output_transform(const int32_t* m, uint32x4_t y[9]) {
  uint32x4_t t[15];  // t[5 * i + j] = (A^T M)[i][j]
  for (int j = 0; j < 5; ++j) {
    const auto at = [&](int i) { return vreinterpretq_u32_s32(vld1q_s32(m + 8 * (5 * i + j))); };
    const Three c = output_1d(at(0), at(1), at(2), at(3), at(4));
    t[j] = c.y0, t[5 + j] = c.y1, t[10 + j] = c.y2;
  }
  for (int i = 0; i < 3; ++i) {
    const uint32x4_t* x = t + 5 * i;
    const Three r = output_1d(x[0], x[1], x[2], x[3], x[4]);
    y[3 * i + 0] = divide_by_9(r.y0);
    y[3 * i + 1] = divide_by_9(r.y1);
    y[3 * i + 2] = divide_by_9(r.y2);
  }
}

// One tile's nine output pixels (8 channels each), row after row.
template <bool kLeftShift>
void tile_outputs(const int32_t* m, const wino::GroupConsts& k, int8x8_t* o) {
  uint32x4_t lo[9], hi[9];
  output_transform(m, lo);
  output_transform(m + 4, hi);
  for (int i = 0; i < 9; ++i) o[i] = wino::requantize8<kLeftShift>(k, lo[i], hi[i]);
}

#if defined(OCTET_WINO_F33_OUTPUT_ASM)
// The constants of a group in the order the assembly tile loads them (three LD1 of 64, 64 and
// 32 bytes): bias, multipliers, right shifts (lo / hi halves), zero point, clamp bounds, 9^-1.
struct alignas(16) AsmConsts {
  int32_t bias[8], multiplier[8], right_shift[8];
  int16_t zero_point[8];
  int8_t qmin[16], qmax[16];
  uint32_t inverse_of_9[4];
};
static_assert(sizeof(AsmConsts) == 160, "layout read by OCTET_WINO_F33_OUTPUT_TILE");

// One tile's nine pixels through the generated assembly (wino_f33_output_aarch64.inc,
// tools/wino_out_schedule.py): row r of the tile at o_r, pixels ps apart.
inline void asm_tile(const int32_t* m, const AsmConsts& c, int8_t* o0, int8_t* o1, int8_t* o2,
                     size_t ps) {
  const int8_t* k = reinterpret_cast<const int8_t*>(&c);
  const int8_t *k2 = k + 64, *k3 = k + 128;
  const size_t ps2 = 2 * ps;
  __asm__ volatile(OCTET_WINO_F33_OUTPUT_TILE
                   :
                   : [m] "r"(m), [k] "r"(k), [k2] "r"(k2), [k3] "r"(k3), [o0] "r"(o0), [o1] "r"(o1),
                     [o2] "r"(o2), [ps] "r"(ps), [ps2] "r"(ps2)
                   : "memory", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x19",
                     "x20", "x21", "x22", "x23", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8",
                     "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19",
                     "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30",
                     "v31");
}

// Groups of 8 channels without a positive shift: every tile through the assembly, a tile that
// crosses the output's edge into a buffer first.
void output_tiles_asm(const int32_t* m, int tiles, const WinoTileOut* dst, const WinoGroupRequant& q) {
  AsmConsts c;
  for (int i = 0; i < 8; ++i) {
    c.bias[i] = q.bias[i];
    c.multiplier[i] = q.multiplier[i];
    c.right_shift[i] = q.right_shift[i];
    c.zero_point[i] = static_cast<int16_t>(q.zero_point);
  }
  for (int i = 0; i < 16; ++i) {
    c.qmin[i] = static_cast<int8_t>(q.qmin);
    c.qmax[i] = static_cast<int8_t>(q.qmax);
  }
  for (uint32_t& v : c.inverse_of_9) v = kInverseOf9;
  for (int t = 0; t < tiles; ++t, m += 8 * 25) {
    const WinoTileOut& d = dst[t];
    if (d.rows == 3 && d.cols == 3) {
      int8_t* o0 = d.out + q.first_channel;
      asm_tile(m, c, o0, o0 + q.row_stride, o0 + 2 * q.row_stride, q.pixel_stride);
    } else {
      alignas(8) int8_t px[9 * 8];  // pixel (r, c) at 8 * (3 r + c)
      asm_tile(m, c, px, px + 24, px + 48, 8);
      int8x8_t o[9];
      for (int i = 0; i < 9; ++i) o[i] = vld1_s8(px + 8 * i);
      wino::store_tile<3>(o, d, q);
    }
  }
}
#endif

}  // namespace

void wino_output_f33(const int32_t* m, int tiles, const WinoTileOut* dst,
                         const WinoGroupRequant& q) {
#if defined(OCTET_WINO_F33_OUTPUT_ASM)
  if (q.no_left_shift && q.channels == 8) return output_tiles_asm(m, tiles, dst, q);
#endif
  if (q.no_left_shift)
    wino::output_tiles<3, 25, false>(m, tiles, dst, q, tile_outputs<false>);
  else
    wino::output_tiles<3, 25, true>(m, tiles, dst, q, tile_outputs<true>);
}

}  // namespace octet::neon

// Winograd F(2x2, 3x3) microkernels, ARMv8.0 NEON (see wino_kernels.h, conv_winograd.h).
#include "kernels/neon/neon_include.h"
#include "kernels/neon/wino_kernels.h"

namespace octet::neon {

// B^T d B. The first stage (over the window's rows) widens int8 -> int16 in the same instruction
// (SSUBL / SADDL); |V| <= 4 * 128 fits int16.
void wino_input_f23_v80(const int8_t* const* taps, int channels, int16_t* v, size_t xi_stride) {
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

#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
// The loop in asm: V of 8 tiles in v0-v7 (SMLAL by element takes v0-v15 for 16-bit lanes), the
// weights of 8 input channels in v8-v15, 8x8 int32 accumulators in v16-v31. All 16 loads of a step
// go first: on the A53 model a load issued after a NEON op costs a cycle, and the first
// multiplies then find their operands ready. Offsets, not post-increments: loads off one
// written-back base wait on each other (145 instead of 163 cycles per 128 SMLAL on the model).
#define OCTET_WINO_LOADS                 \
  "ldp q0, q1, [%[v]]\n"                 \
  "ldp q8, q9, [%[uu]]\n"                \
  "ldp q2, q3, [%[v], #32]\n"            \
  "ldp q10, q11, [%[uu], #32]\n"         \
  "ldp q4, q5, [%[v], #64]\n"            \
  "ldp q12, q13, [%[uu], #64]\n"         \
  "ldp q6, q7, [%[v], #96]\n"            \
  "ldp q14, q15, [%[uu], #96]\n"         \
  "add %[v], %[v], #128\n"               \
  "add %[uu], %[uu], #128\n"
#define OCTET_WINO_MAC(OP, U, L)                      \
  OP " v16.4s, " U ".4h, v0.h[" L "]\n"               \
  OP "2 v17.4s, " U ".8h, v0.h[" L "]\n"              \
  OP " v18.4s, " U ".4h, v1.h[" L "]\n"               \
  OP "2 v19.4s, " U ".8h, v1.h[" L "]\n"              \
  OP " v20.4s, " U ".4h, v2.h[" L "]\n"               \
  OP "2 v21.4s, " U ".8h, v2.h[" L "]\n"              \
  OP " v22.4s, " U ".4h, v3.h[" L "]\n"               \
  OP "2 v23.4s, " U ".8h, v3.h[" L "]\n"              \
  OP " v24.4s, " U ".4h, v4.h[" L "]\n"               \
  OP "2 v25.4s, " U ".8h, v4.h[" L "]\n"              \
  OP " v26.4s, " U ".4h, v5.h[" L "]\n"               \
  OP "2 v27.4s, " U ".8h, v5.h[" L "]\n"              \
  OP " v28.4s, " U ".4h, v6.h[" L "]\n"               \
  OP "2 v29.4s, " U ".8h, v6.h[" L "]\n"              \
  OP " v30.4s, " U ".4h, v7.h[" L "]\n"               \
  OP "2 v31.4s, " U ".8h, v7.h[" L "]\n"
// FIRST: "smull" starts the accumulators on the first channel of the first step.
#define OCTET_WINO_STEP(FIRST, OP)                                              \
  OCTET_WINO_MAC(FIRST, "v8", "0") OCTET_WINO_MAC(OP, "v9", "1")                \
  OCTET_WINO_MAC(OP, "v10", "2") OCTET_WINO_MAC(OP, "v11", "3")                 \
  OCTET_WINO_MAC(OP, "v12", "4") OCTET_WINO_MAC(OP, "v13", "5")                 \
  OCTET_WINO_MAC(OP, "v14", "6") OCTET_WINO_MAC(OP, "v15", "7")

void wino_gemm_8x8_v80(const int16_t* v, const int16_t* u, int channels, int groups,
                       int32_t* m) {
  const long steps = channels / 8 - 1;
  long g = groups;
  long n;               // steps left in the current group
  const int16_t* uu;    // the current group's walk through u (early-clobber: not u's register)
  asm volatile(
      "0:\n"  // tile group loop: V continues where the last group ended, U restarts
      "mov %[uu], %[u]\n"
      "mov %[n], %[steps]\n"
      OCTET_WINO_LOADS
      OCTET_WINO_STEP("smull", "smlal")
      "cbz %[n], 2f\n"
      "1:\n"
      OCTET_WINO_LOADS
      "subs %[n], %[n], #1\n"
      OCTET_WINO_STEP("smlal", "smlal")
      "b.ne 1b\n"
      "2:\n"
      "stp q16, q17, [%[m]]\n"  // tile t at m + 512 t bytes (STP reaches 1008)
      "stp q18, q19, [%[m], #512]\n"
      "add %[m], %[m], #1024\n"
      "stp q20, q21, [%[m]]\n"
      "stp q22, q23, [%[m], #512]\n"
      "add %[m], %[m], #1024\n"
      "stp q24, q25, [%[m]]\n"
      "stp q26, q27, [%[m], #512]\n"
      "add %[m], %[m], #1024\n"
      "stp q28, q29, [%[m]]\n"
      "stp q30, q31, [%[m], #512]\n"
      "add %[m], %[m], #1024\n"
      "subs %[g], %[g], #1\n"
      "b.ne 0b\n"
      : [v] "+r"(v), [uu] "=&r"(uu), [n] "=&r"(n), [m] "+r"(m), [g] "+r"(g)
      : [u] "r"(u), [steps] "r"(steps)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",
        "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24",
        "v25", "v26", "v27", "v28", "v29", "v30", "v31");
}
#undef OCTET_WINO_STEP
#undef OCTET_WINO_MAC
#undef OCTET_WINO_LOADS

// The 4-tile form for the last 1..4 tiles of a block (a 13x13 output is 49 tiles: six groups of 8
// and one tile, which the 8-tile kernel would pad with 7). Accumulators v16-v23.
#define OCTET_WINO_LOADS4                \
  "ldp q0, q1, [%[v]]\n"                 \
  "ldp q8, q9, [%[uu]]\n"                \
  "ldp q2, q3, [%[v], #32]\n"            \
  "ldp q10, q11, [%[uu], #32]\n"         \
  "ldp q12, q13, [%[uu], #64]\n"         \
  "ldp q14, q15, [%[uu], #96]\n"         \
  "add %[v], %[v], #128\n"               \
  "add %[uu], %[uu], #128\n"
#define OCTET_WINO_MAC4(OP, U, L)                     \
  OP " v16.4s, " U ".4h, v0.h[" L "]\n"               \
  OP "2 v17.4s, " U ".8h, v0.h[" L "]\n"              \
  OP " v18.4s, " U ".4h, v1.h[" L "]\n"               \
  OP "2 v19.4s, " U ".8h, v1.h[" L "]\n"              \
  OP " v20.4s, " U ".4h, v2.h[" L "]\n"               \
  OP "2 v21.4s, " U ".8h, v2.h[" L "]\n"              \
  OP " v22.4s, " U ".4h, v3.h[" L "]\n"               \
  OP "2 v23.4s, " U ".8h, v3.h[" L "]\n"
#define OCTET_WINO_STEP4(FIRST, OP)                                             \
  OCTET_WINO_MAC4(FIRST, "v8", "0") OCTET_WINO_MAC4(OP, "v9", "1")              \
  OCTET_WINO_MAC4(OP, "v10", "2") OCTET_WINO_MAC4(OP, "v11", "3")               \
  OCTET_WINO_MAC4(OP, "v12", "4") OCTET_WINO_MAC4(OP, "v13", "5")               \
  OCTET_WINO_MAC4(OP, "v14", "6") OCTET_WINO_MAC4(OP, "v15", "7")

void wino_gemm_4x8_v80(const int16_t* v, const int16_t* u, int channels, int32_t* m) {
  long n = channels / 8 - 1;
  const int16_t* uu = u;
  asm volatile(
      OCTET_WINO_LOADS4
      OCTET_WINO_STEP4("smull", "smlal")
      "cbz %[n], 2f\n"
      "1:\n"
      OCTET_WINO_LOADS4
      "subs %[n], %[n], #1\n"
      OCTET_WINO_STEP4("smlal", "smlal")
      "b.ne 1b\n"
      "2:\n"
      "stp q16, q17, [%[m]]\n"
      "stp q18, q19, [%[m], #512]\n"
      "add %[m], %[m], #1024\n"
      "stp q20, q21, [%[m]]\n"
      "stp q22, q23, [%[m], #512]\n"
      : [v] "+r"(v), [uu] "+r"(uu), [n] "+r"(n), [m] "+r"(m)
      :
      : "cc", "memory", "v0", "v1", "v2", "v3", "v8", "v9", "v10", "v11", "v12", "v13", "v14",
        "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23");
}
#undef OCTET_WINO_STEP4
#undef OCTET_WINO_MAC4
#undef OCTET_WINO_LOADS4
#else
// SIMDe (x86 hosts): the same products and sums with intrinsics. |U' V| < 2^21 and every partial
// sum is bounded by the sum of |products| (< 2^31 for C <= kWinoMaxChannels), so no signed
// overflow for the sanitizers to flag.
static void gemm_group(const int16_t* v, const int16_t* u, int channels, int tiles, int32_t* m) {
  int32x4_t acc[16];
  for (int i = 0; i < 16; ++i) acc[i] = vdupq_n_s32(0);
  for (int c = 0; c < channels; c += 8, v += 64, u += 64) {
    int16x8_t vt[8];
    for (int t = 0; t < tiles; ++t) vt[t] = vld1q_s16(v + 8 * t);
    for (int ci = 0; ci < 8; ++ci) {
      const int16x8_t w = vld1q_s16(u + 8 * ci);
      for (int t = 0; t < tiles; ++t) {
        int16_t a = vgetq_lane_s16(vt[t], 0);
        switch (ci) {  // lane index must be a constant
          case 1: a = vgetq_lane_s16(vt[t], 1); break;
          case 2: a = vgetq_lane_s16(vt[t], 2); break;
          case 3: a = vgetq_lane_s16(vt[t], 3); break;
          case 4: a = vgetq_lane_s16(vt[t], 4); break;
          case 5: a = vgetq_lane_s16(vt[t], 5); break;
          case 6: a = vgetq_lane_s16(vt[t], 6); break;
          case 7: a = vgetq_lane_s16(vt[t], 7); break;
          default: break;
        }
        acc[2 * t] = vmlal_n_s16(acc[2 * t], vget_low_s16(w), a);
        acc[2 * t + 1] = vmlal_n_s16(acc[2 * t + 1], vget_high_s16(w), a);
      }
    }
  }
  for (int t = 0; t < tiles; ++t) {
    vst1q_s32(m + 128 * t, acc[2 * t]);
    vst1q_s32(m + 128 * t + 4, acc[2 * t + 1]);
  }
}
void wino_gemm_8x8_v80(const int16_t* v, const int16_t* u, int channels, int groups,
                       int32_t* m) {
  for (int g = 0; g < groups; ++g, v += static_cast<size_t>(channels) * 8, m += 8 * 128)
    gemm_group(v, u, channels, 8, m);
}
void wino_gemm_4x8_v80(const int16_t* v, const int16_t* u, int channels, int32_t* m) {
  gemm_group(v, u, channels, 4, m);
}
#endif

namespace {

// A^T M A for 4 channels (m: the tile's [16][8] at the half's offset), in uint32: the true
// intermediate sums may exceed int32 (C near kWinoMaxChannels); only Y' itself is known to fit.
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

// bias + Y' / 4 (Y' is a multiple of 4: the arithmetic shift is exact), wrapping like ref.
inline int32x4_t accumulator(int32x4_t bias, uint32x4_t y) {
#if defined(OCTET_ARCH_simde)
  const int32x4_t quarter = vshrq_n_s32(vreinterpretq_s32_u32(y), 2);
  return vreinterpretq_s32_u32(vaddq_u32(vreinterpretq_u32_s32(bias), vreinterpretq_u32_s32(quarter)));
#else
  return vsraq_n_s32(bias, vreinterpretq_s32_u32(y), 2);  // SSRA wraps
#endif
}

struct GroupConsts {
  int32x4_t bias_lo, bias_hi, mult_lo, mult_hi, left_lo, left_hi, right_lo, right_hi;
  int16x8_t zp;
  int8x8_t qmin, qmax;
};

template <bool kLeftShift>
inline int8x8_t requantize8(const GroupConsts& k, uint32x4_t lo, uint32x4_t hi) {
  int32x4_t a = accumulator(k.bias_lo, lo), b = accumulator(k.bias_hi, hi);
  if (kLeftShift) {
    a = left_shift_s32x4(a, k.left_lo);
    b = left_shift_s32x4(b, k.left_hi);
  }
  return narrow_s32x8(mul_right_shift_s32x4(a, k.mult_lo, k.right_lo),
                      mul_right_shift_s32x4(b, k.mult_hi, k.right_hi), k.zp, k.qmin, k.qmax);
}

// One tile's four output pixels (8 channels each): o[0] = (0,0), o[1] = (0,1), o[2] = (1,0),
// o[3] = (1,1).
template <bool kLeftShift>
inline void tile_outputs(const int32_t* m, const GroupConsts& k, int8x8_t o[4]) {
  const Quad lo = output_transform(m), hi = output_transform(m + 4);
  o[0] = requantize8<kLeftShift>(k, lo.y00, hi.y00);
  o[1] = requantize8<kLeftShift>(k, lo.y01, hi.y01);
  o[2] = requantize8<kLeftShift>(k, lo.y10, hi.y10);
  o[3] = requantize8<kLeftShift>(k, lo.y11, hi.y11);
}

template <bool kLeftShift>
void output_tiles(const int32_t* m, int tiles, const WinoTileOut* dst, const WinoGroupRequant& q,
                  const GroupConsts& k) {
  for (int t = 0; t < tiles; ++t, m += 128) {
    int8x8_t o[4];
    tile_outputs<kLeftShift>(m, k, o);
    const WinoTileOut& d = dst[t];
    int8_t* out = d.out + q.first_channel;
    if (q.channels == 8) {  // whole groups: 8-byte stores of the pixels inside the output
      vst1_s8(out, o[0]);
      if (d.cols == 2) vst1_s8(out + q.pixel_stride, o[1]);
      if (d.rows == 2) {
        vst1_s8(out + q.row_stride, o[2]);
        if (d.cols == 2) vst1_s8(out + q.row_stride + q.pixel_stride, o[3]);
      }
      continue;
    }
    int8_t px[4][8];
    for (int i = 0; i < 4; ++i) vst1_s8(px[i], o[i]);
    for (int r = 0; r < d.rows; ++r)
      for (int c = 0; c < d.cols; ++c)
        for (int ch = 0; ch < q.channels; ++ch)
          out[r * q.row_stride + c * q.pixel_stride + ch] = px[2 * r + c][ch];
  }
}

}  // namespace

void wino_output_f23_v80(const int32_t* m, int tiles, const WinoTileOut* dst,
                         const WinoGroupRequant& q) {
  GroupConsts k;
  k.bias_lo = vld1q_s32(q.bias);
  k.bias_hi = vld1q_s32(q.bias + 4);
  k.mult_lo = vld1q_s32(q.multiplier);
  k.mult_hi = vld1q_s32(q.multiplier + 4);
  k.left_lo = vld1q_s32(q.left_shift);
  k.left_hi = vld1q_s32(q.left_shift + 4);
  k.right_lo = vld1q_s32(q.right_shift);
  k.right_hi = vld1q_s32(q.right_shift + 4);
  k.zp = vdupq_n_s16(static_cast<int16_t>(q.zero_point));
  k.qmin = vdup_n_s8(static_cast<int8_t>(q.qmin));
  k.qmax = vdup_n_s8(static_cast<int8_t>(q.qmax));
  if (q.no_left_shift)
    output_tiles<false>(m, tiles, dst, q, k);
  else
    output_tiles<true>(m, tiles, dst, q, k);
}

}  // namespace octet::neon

// GEMM microkernel, ARMv8.0: 4 rows x 4 channels per tile, 16 k per step.
// Each (row, channel) pair: SMULL + SMLAL2 (two int8 products per int16 lane: weights are never
// -128, so |a*w| <= 128*127 and two of them fit int16), then SADALP into int32 lanes, reduced
// with ADDP at the end. Per 16 k: 8 loads, 48 arithmetic ops for 256 MACs.
// Registers: 16 accumulators + 4 A + 4 weights + products.
#include <cstring>

#include "kernels/neon/gemm_kernels.h"
#include "kernels/neon/neon_include.h"

namespace octet::neon {
namespace {

inline int32x4_t load_s32(const uint8_t* p) { return vreinterpretq_s32_s8(vld1q_s8(reinterpret_cast<const int8_t*>(p))); }

inline int32x4_t mac16(int32x4_t acc, int8x16_t a, int8x16_t w) {
  int16x8_t prod = vmull_s8(vget_low_s8(a), vget_low_s8(w));
  prod = vmlal_high_s8(prod, a, w);
  return vpadalq_s16(acc, prod);
}

inline int32x4_t reduce4(int32x4_t x0, int32x4_t x1, int32x4_t x2, int32x4_t x3) {
  return vpaddq_s32(vpaddq_s32(x0, x1), vpaddq_s32(x2, x3));
}

// One row (fully connected with batch 1, the last row of a conv): the 4-row tile would compute
// three duplicate rows. Per 16 k: 1 A load, 4 weight loads, 4 x (SMULL, SMLAL2, SADALP).
void gemm_1x4c16(const GemmTile& t) {
  const int kp = t.kp;
  const size_t block_bytes = 80 + 4 * static_cast<size_t>(kp);
  const int16x8_t zp = vdupq_n_s16(static_cast<int16_t>(t.out_zero_point));
  const int8x8_t qmin = vdup_n_s8(static_cast<int8_t>(t.qmin));
  const int8x8_t qmax = vdup_n_s8(static_cast<int8_t>(t.qmax));
  const uint8_t* blk = t.blocks;
  for (int c0 = t.block_first_channel; c0 < t.n_end; c0 += 4, blk += block_bytes) {
    int32x4_t x0 = vdupq_n_s32(0), x1 = x0, x2 = x0, x3 = x0;
    int32x4_t y0 = x0, y1 = x0, y2 = x0, y3 = x0;
    const int8_t* w = reinterpret_cast<const int8_t*>(blk + 80);
    int k = 0;
    // 32 k per step: eight independent SMULL -> SMLAL2 -> SADALP chains (four stalled on the
    // in-order A53 model's 6-cycle results).
    for (; k + 32 <= kp; k += 32, w += 128) {
      const int8x16_t a = vld1q_s8(t.a + k), b = vld1q_s8(t.a + k + 16);
      const int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16), w2 = vld1q_s8(w + 32),
                      w3 = vld1q_s8(w + 48), v0 = vld1q_s8(w + 64), v1 = vld1q_s8(w + 80),
                      v2 = vld1q_s8(w + 96), v3 = vld1q_s8(w + 112);
      int16x8_t p0 = vmull_s8(vget_low_s8(a), vget_low_s8(w0));
      int16x8_t p1 = vmull_s8(vget_low_s8(a), vget_low_s8(w1));
      int16x8_t p2 = vmull_s8(vget_low_s8(a), vget_low_s8(w2));
      int16x8_t p3 = vmull_s8(vget_low_s8(a), vget_low_s8(w3));
      int16x8_t q0 = vmull_s8(vget_low_s8(b), vget_low_s8(v0));
      int16x8_t q1 = vmull_s8(vget_low_s8(b), vget_low_s8(v1));
      int16x8_t q2 = vmull_s8(vget_low_s8(b), vget_low_s8(v2));
      int16x8_t q3 = vmull_s8(vget_low_s8(b), vget_low_s8(v3));
      p0 = vmlal_high_s8(p0, a, w0);
      p1 = vmlal_high_s8(p1, a, w1);
      p2 = vmlal_high_s8(p2, a, w2);
      p3 = vmlal_high_s8(p3, a, w3);
      q0 = vmlal_high_s8(q0, b, v0);
      q1 = vmlal_high_s8(q1, b, v1);
      q2 = vmlal_high_s8(q2, b, v2);
      q3 = vmlal_high_s8(q3, b, v3);
      x0 = vpadalq_s16(x0, p0);
      x1 = vpadalq_s16(x1, p1);
      x2 = vpadalq_s16(x2, p2);
      x3 = vpadalq_s16(x3, p3);
      y0 = vpadalq_s16(y0, q0);
      y1 = vpadalq_s16(y1, q1);
      y2 = vpadalq_s16(y2, q2);
      y3 = vpadalq_s16(y3, q3);
    }
    for (; k < kp; k += 16, w += 64) {
      const int8x16_t a = vld1q_s8(t.a + k);
      x0 = mac16(x0, a, vld1q_s8(w));
      x1 = mac16(x1, a, vld1q_s8(w + 16));
      x2 = mac16(x2, a, vld1q_s8(w + 32));
      x3 = mac16(x3, a, vld1q_s8(w + 48));
    }
    int32x4_t s = vaddq_s32(load_s32(blk), reduce4(vaddq_s32(x0, y0), vaddq_s32(x1, y1),
                                                   vaddq_s32(x2, y2), vaddq_s32(x3, y3)));
    if (t.row_sums) s = vmlsq_n_s32(s, load_s32(blk + 16), t.row_sums[0]);
    if (!t.no_left_shift) s = left_shift_s32x4(s, load_s32(blk + 48));
    s = mul_right_shift_s32x4(s, load_s32(blk + 32), load_s32(blk + 64));
    int8_t res[8];
    vst1_s8(res, narrow_s32x8(s, s, zp, qmin, qmax));
    const int lo = c0 < t.n_begin ? t.n_begin : c0;
    const int hi = c0 + 4 > t.n_end ? t.n_end : c0 + 4;
    if (lo == c0 && hi == c0 + 4)
      std::memcpy(t.out + c0, res, 4);
    else
      std::memcpy(t.out + lo, res + (lo - c0), hi - lo);
  }
}

#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
// The whole tile loop is one asm statement: per 4x4 tile the C loop around a per-tile asm block
// (operand set-up from the stack, the partial-tile checks) cost ~35 cycles on the A53 model, more
// than half the epilogue. Blocks: [first pair or odd first step] [pair set-up] [32 k loop]
// [last pair] [epilogue + next tile's first loads]. The loop keeps 16 accumulators in v16-v31, A
// in v0-v3, weights in v4-v7 and 8 int16 products in v8-v15, so eight SMULL -> SMLAL2 -> SADALP
// chains interleave (a tile's first 16 k initialise with SADDLP).
// Two steps (32 k) per iteration, software-pipelined for the in-order A53 model, where an
// instruction may not write back before an older one: a 4-cycle load or 3-cycle ALU op right
// after a 6-cycle NEON op waits, so a step with its 9 loads first pays ~13 cycles for them and
// the loop branch. Here the weights come by LD1 {4 regs} (7 cycles: issues beside the NEON ops) from
// base registers that run one step ahead, A rows by LDR Q as soon as their registers die, and
// the pointer updates wait in the branch's shadow: ~109 instead of 122 cycles per 32 k.
// Loads go before NEON op 18, 20 (rows 0-1 dead), 40, 42, 44 (rows 2-3 and weights dead) of the
// 48 per step; rows 2-3 multiply weight by weight so that each weight register dies early.
#define OCTET_V80_MUL_ROWS01                                     \
  "smull v8.8h, v0.8b, v4.8b\n"                                  \
  "smull v9.8h, v0.8b, v5.8b\n"                                  \
  "smull v10.8h, v0.8b, v6.8b\n"                                 \
  "smull v11.8h, v0.8b, v7.8b\n"                                 \
  "smull v12.8h, v1.8b, v4.8b\n"                                 \
  "smull v13.8h, v1.8b, v5.8b\n"                                 \
  "smull v14.8h, v1.8b, v6.8b\n"                                 \
  "smull v15.8h, v1.8b, v7.8b\n"                                 \
  "smlal2 v8.8h, v0.16b, v4.16b\n"                               \
  "smlal2 v9.8h, v0.16b, v5.16b\n"                               \
  "smlal2 v10.8h, v0.16b, v6.16b\n"                              \
  "smlal2 v11.8h, v0.16b, v7.16b\n"                              \
  "smlal2 v12.8h, v1.16b, v4.16b\n"                              \
  "smlal2 v13.8h, v1.16b, v5.16b\n"                              \
  "smlal2 v14.8h, v1.16b, v6.16b\n"                              \
  "smlal2 v15.8h, v1.16b, v7.16b\n"
#define OCTET_V80_MUL_ROWS23                                     \
  "smull v8.8h, v2.8b, v4.8b\n"                                  \
  "smull v12.8h, v3.8b, v4.8b\n"                                 \
  "smull v9.8h, v2.8b, v5.8b\n"                                  \
  "smull v13.8h, v3.8b, v5.8b\n"                                 \
  "smull v10.8h, v2.8b, v6.8b\n"                                 \
  "smull v14.8h, v3.8b, v6.8b\n"                                 \
  "smull v11.8h, v2.8b, v7.8b\n"                                 \
  "smull v15.8h, v3.8b, v7.8b\n"                                 \
  "smlal2 v8.8h, v2.16b, v4.16b\n"                               \
  "smlal2 v12.8h, v3.16b, v4.16b\n"                              \
  "smlal2 v9.8h, v2.16b, v5.16b\n"                               \
  "smlal2 v13.8h, v3.16b, v5.16b\n"                              \
  "smlal2 v10.8h, v2.16b, v6.16b\n"                              \
  "smlal2 v14.8h, v3.16b, v6.16b\n"                              \
  "smlal2 v11.8h, v2.16b, v7.16b\n"                              \
  "smlal2 v15.8h, v3.16b, v7.16b\n"
// ACC (SADDLP for a tile's first k, else SADALP) of the eight products into accumulators
// A0..A7; loads L0 before the first, L2 before the third and L4 before the fifth.
#define OCTET_V80_ACC8(ACC, A0, A1, A2, A3, A4, A5, A6, A7, L0, L2, L4) \
  L0 ACC " v" A0 ".4s, v8.8h\n"                                  \
  ACC " v" A1 ".4s, v9.8h\n"                                     \
  L2 ACC " v" A2 ".4s, v10.8h\n"                                 \
  ACC " v" A3 ".4s, v11.8h\n"                                    \
  L4 ACC " v" A4 ".4s, v12.8h\n"                                 \
  ACC " v" A5 ".4s, v13.8h\n"                                    \
  ACC " v" A6 ".4s, v14.8h\n"                                    \
  ACC " v" A7 ".4s, v15.8h\n"
#define OCTET_V80_PIPE_STEP(ACC, L18, L20, L40, L42, L44)                                  \
  OCTET_V80_MUL_ROWS01                                                                     \
  OCTET_V80_ACC8(ACC, "16", "17", "18", "19", "20", "21", "22", "23", "", L18, L20)        \
  OCTET_V80_MUL_ROWS23                                                                     \
  OCTET_V80_ACC8(ACC, "24", "25", "26", "27", "28", "29", "30", "31", L40, L42, L44)
// Entered with the step's weights at [wp] and A at offset k; afterwards wp points to the next
// pair's first weights, wp2 to this pair's second, k16 = this pair's second offset, k = the next
// pair's first; n = pairs - 1 with the flags set.
#define OCTET_V80_PAIR_PROLOGUE                                  \
  "ld1 {v4.16b, v5.16b, v6.16b, v7.16b}, [%[wp]]\n"              \
  "ldr q0, [%[a0], %[k]]\n"                                      \
  "ldr q1, [%[a1], %[k]]\n"                                      \
  "ldr q2, [%[a2], %[k]]\n"                                      \
  "ldr q3, [%[a3], %[k]]\n"                                      \
  "add %[wp2], %[wp], #64\n"                                     \
  "add %[wp], %[wp], #128\n"                                     \
  "add %[k16], %[k], #16\n"                                      \
  "add %[k], %[k], #32\n"                                        \
  "lsr %[n], %[n], #1\n"                                         \
  "subs %[n], %[n], #1\n"
#define OCTET_V80_LOAD_A_K16                                     \
  "ldr q0, [%[a0], %[k16]]\n", "ldr q1, [%[a1], %[k16]]\n",     \
      "ld1 {v4.16b, v5.16b, v6.16b, v7.16b}, [%[wp2]]\n",        \
      "ldr q2, [%[a2], %[k16]]\n", "ldr q3, [%[a3], %[k16]]\n"
#define OCTET_V80_PIPE_STEP_(...) OCTET_V80_PIPE_STEP(__VA_ARGS__)
// A pair with the next pair's first weights and A rows loaded in its second step and tail; ACC
// for its first step.
#define OCTET_V80_PAIR_NEXT(ACC)                                                        \
  OCTET_V80_PIPE_STEP_(ACC, OCTET_V80_LOAD_A_K16)                                       \
  OCTET_V80_PIPE_STEP("sadalp", "", "", "ld1 {v4.16b, v5.16b, v6.16b, v7.16b}, [%[wp]]\n", \
                      "ldr q0, [%[a0], %[k]]\n", "ldr q1, [%[a1], %[k]]\n")             \
  "subs %[n], %[n], #1\n"                                                               \
  "ldr q2, [%[a2], %[k]]\n"                                                             \
  "add %[wp], %[wp], #128\n"                                                            \
  "ldr q3, [%[a3], %[k]]\n"                                                             \
  "add %[wp2], %[wp2], #128\n"                                                          \
  "add %[k16], %[k16], #32\n"                                                           \
  "add %[k], %[k], #32\n"
// The last pair: nothing read beyond this tile's weights and the rows' k.
#define OCTET_V80_PAIR_LAST(ACC)                                 \
  OCTET_V80_PIPE_STEP_(ACC, OCTET_V80_LOAD_A_K16)                \
  OCTET_V80_PIPE_STEP("sadalp", "", "", "", "", "")

// Epilogue, on the accumulators in place, with v0-v7 left to the next tile's first A rows and
// weights (loaded in its stall cycles). Each NEON result is 6 cycles away on the A53 model, so
// four independent rows per step; a 4-cycle load right after a NEON op waits, so loads go first
// or between stages, where the next stage waits on its inputs anyway. ADDP reduces the 4 partial
// lanes of each (row, channel) into rows v16-v19, then + bias - z_c * sum(a) (per-row copies of
// the bias loaded, MLS off the accumulators' chain), [SQSHL], SQRDMULH, SRSHL.
// Row sums: kZp; the z_c term needs the bias in four registers.
#define OCTET_V80_REDUCE_ZP                                      \
  "ldr q8, [%[p]]\n"                                          \
  "ldr q9, [%[p]]\n"                                          \
  "ldr q10, [%[p]]\n"                                         \
  "ldr q11, [%[p]]\n"                                         \
  "ldr q12, [%[sums]]\n"                                      \
  "ldr q13, [%[p], #16]\n"                                    \
  "addp v16.4s, v16.4s, v17.4s\n"                             \
  "addp v20.4s, v20.4s, v21.4s\n"                             \
  "addp v18.4s, v18.4s, v19.4s\n"                             \
  "addp v22.4s, v22.4s, v23.4s\n"                             \
  "mls v8.4s, v13.4s, v12.s[0]\n"                             \
  "mls v9.4s, v13.4s, v12.s[1]\n"                             \
  "addp v24.4s, v24.4s, v25.4s\n"                             \
  "addp v26.4s, v26.4s, v27.4s\n"                             \
  "addp v28.4s, v28.4s, v29.4s\n"                             \
  "addp v30.4s, v30.4s, v31.4s\n"                             \
  "addp v16.4s, v16.4s, v18.4s\n"                             \
  "addp v17.4s, v20.4s, v22.4s\n"                             \
  "mls v10.4s, v13.4s, v12.s[2]\n"                            \
  "mls v11.4s, v13.4s, v12.s[3]\n"                            \
  "addp v18.4s, v24.4s, v26.4s\n"                             \
  "addp v19.4s, v28.4s, v30.4s\n"                             \
  "ldr q14, [%[p], #32]\n"                                    \
  "add v16.4s, v16.4s, v8.4s\n"                               \
  "add v17.4s, v17.4s, v9.4s\n"                               \
  "add v18.4s, v18.4s, v10.4s\n"                              \
  "add v19.4s, v19.4s, v11.4s\n"
#define OCTET_V80_REDUCE_NOZP                                    \
  "ldr q8, [%[p]]\n"                                          \
  "addp v16.4s, v16.4s, v17.4s\n"                             \
  "addp v20.4s, v20.4s, v21.4s\n"                             \
  "addp v18.4s, v18.4s, v19.4s\n"                             \
  "addp v22.4s, v22.4s, v23.4s\n"                             \
  "addp v24.4s, v24.4s, v25.4s\n"                             \
  "addp v26.4s, v26.4s, v27.4s\n"                             \
  "addp v28.4s, v28.4s, v29.4s\n"                             \
  "addp v30.4s, v30.4s, v31.4s\n"                             \
  "addp v16.4s, v16.4s, v18.4s\n"                             \
  "addp v17.4s, v20.4s, v22.4s\n"                             \
  "addp v18.4s, v24.4s, v26.4s\n"                             \
  "addp v19.4s, v28.4s, v30.4s\n"                             \
  "ldr q14, [%[p], #32]\n"                                    \
  "add v16.4s, v16.4s, v8.4s\n"                               \
  "add v17.4s, v17.4s, v8.4s\n"                               \
  "add v18.4s, v18.4s, v8.4s\n"                               \
  "add v19.4s, v19.4s, v8.4s\n"
#define OCTET_V80_SHL                                            \
  "ldr q15, [%[p], #48]\n"                                       \
  "sqshl v16.4s, v16.4s, v15.4s\n"                               \
  "sqshl v17.4s, v17.4s, v15.4s\n"                               \
  "sqshl v18.4s, v18.4s, v15.4s\n"                               \
  "sqshl v19.4s, v19.4s, v15.4s\n"
// ... and + output zero point (SQADD in int32: the narrows saturate). Between the stages: the
// next tile's first weights from [k] (set by OCTET_V80_NEXT_TILE) and its A rows at k = 0; p and
// wp move on to the next tile's block and first weights, and SETUP prepares its loop registers.
#define OCTET_V80_RESCALE(SETUP, RLD, RSH)                       \
  RLD                                                         \
  "sqrdmulh v16.4s, v16.4s, v14.4s\n"                         \
  "sqrdmulh v17.4s, v17.4s, v14.4s\n"                         \
  "sqrdmulh v18.4s, v18.4s, v14.4s\n"                         \
  "sqrdmulh v19.4s, v19.4s, v14.4s\n"                         \
  "ld1 {v4.16b, v5.16b, v6.16b, v7.16b}, [%[k]]\n"            \
  "ldr q0, [%[a0]]\n"                                         \
  "ldr q1, [%[a1]]\n"                                         \
  RSH                                                         \
  "ldr q12, [%[consts]]\n"                                    \
  "ldr q2, [%[a2]]\n"                                         \
  "mov %[p], %[wp]\n"                                         \
  "mov %[wp], %[k]\n" SETUP                                   \
  "sqadd v16.4s, v16.4s, v12.4s\n"                            \
  "sqadd v17.4s, v17.4s, v12.4s\n"                            \
  "sqadd v18.4s, v18.4s, v12.4s\n"                            \
  "sqadd v19.4s, v19.4s, v12.4s\n"                            \
  "ldr q3, [%[a3]]\n"
// The right shifts (RLD, RSH of OCTET_V80_RESCALE; empty in layers without right shifts).
#define OCTET_V80_RSH_LD "ldr q20, [%[p], #64]\n"
#define OCTET_V80_RSH                                            \
  "srshl v16.4s, v16.4s, v20.4s\n"                              \
  "srshl v17.4s, v17.4s, v20.4s\n"                              \
  "srshl v18.4s, v18.4s, v20.4s\n"                              \
  "srshl v19.4s, v19.4s, v20.4s\n"
#define OCTET_V80_NEXT_OUTPUTS                                   \
  "add %[o0], %[o0], #4\n"                                       \
  "add %[o1], %[o1], #4\n"                                       \
  "add %[o2], %[o2], #4\n"                                       \
  "add %[o3], %[o3], #4\n"
// Clamp in int32 (the same bytes as saturating to int16 and int8 and clamping: the bounds lie
// inside int8), TBL picks the low byte of every lane.
#define OCTET_V80_CLAMP_STORE                                    \
  "ldr q13, [%[consts], #16]\n"                                  \
  "ldr q14, [%[consts], #32]\n"                                  \
  "ldr q15, [%[consts], #48]\n"                                  \
  "smax v16.4s, v16.4s, v13.4s\n"                                \
  "smax v17.4s, v17.4s, v13.4s\n"                                \
  "smax v18.4s, v18.4s, v13.4s\n"                                \
  "smax v19.4s, v19.4s, v13.4s\n"                                \
  "smin v16.4s, v16.4s, v14.4s\n"                                \
  "smin v17.4s, v17.4s, v14.4s\n"                                \
  "smin v18.4s, v18.4s, v14.4s\n"                                \
  "smin v19.4s, v19.4s, v14.4s\n"                                \
  "tbl v21.16b, {v16.16b, v17.16b, v18.16b, v19.16b}, v15.16b\n" \
  "st1 {v21.s}[0], [%[o0]]\n"                                    \
  "st1 {v21.s}[1], [%[o1]]\n"                                    \
  "st1 {v21.s}[2], [%[o2]]\n"                                    \
  "st1 {v21.s}[3], [%[o3]]\n" OCTET_V80_NEXT_OUTPUTS
// Full int8 range (no activation): saturating narrows do the clamp, row by row; the output
// pointers move on first (in the narrows' wait), the stores use offset -4.
#define OCTET_V80_NARROW_STORE                                   \
  OCTET_V80_NEXT_OUTPUTS                                         \
  "sqxtn v16.4h, v16.4s\n"                                       \
  "sqxtn v17.4h, v17.4s\n"                                       \
  "sqxtn v18.4h, v18.4s\n"                                       \
  "sqxtn v19.4h, v19.4s\n"                                       \
  "sqxtn v16.8b, v16.8h\n"                                       \
  "sqxtn v17.8b, v17.8h\n"                                       \
  "sqxtn v18.8b, v18.8h\n"                                       \
  "sqxtn v19.8b, v19.8h\n"                                       \
  "stur s16, [%[o0], #-4]\n"                                     \
  "stur s17, [%[o1], #-4]\n"                                     \
  "stur s18, [%[o2], #-4]\n"                                     \
  "stur s19, [%[o3], #-4]\n"

// After "subs tiles": the next tile's first weights (after this tile's, which end at wp, past
// their block's 80-byte header) into k, or on the last tile this tile's own, so that the
// epilogue's loads never read past the blocks.
#define OCTET_V80_NEXT_TILE                                      \
  "add %[k], %[wp], #80\n"                                       \
  "add %[k16], %[p], #80\n"                                      \
  "csel %[k], %[k], %[k16], ne\n"
// A tile's set-up, its first weights at [wp] and A rows at k = 0 in v0-v7 already. Even step
// counts: pairs only (see OCTET_V80_PAIR_PROLOGUE for the registers), n = pairs - 1.
#define OCTET_V80_SETUP_EVEN                                     \
  "add %[wp2], %[wp], #64\n"                                     \
  "add %[wp], %[wp], #128\n"                                     \
  "mov %[k16], #16\n"                                            \
  "mov %[k], #32\n"                                              \
  "mov %[n], %[pairs1]\n"
// Odd step counts: one step on v0-v7, then pairs from k = 16; n = steps - 1.
#define OCTET_V80_SETUP_ODD                                      \
  "add %[wp], %[wp], #64\n"                                      \
  "mov %[k], #16\n"                                              \
  "mov %[n], %[steps1]\n"
// The tiles of one call. The first tile's A rows and weights are loaded before the loops, every
// later tile's in the epilogue before it; kn's parity picks one of two tile loops once per call.
#define OCTET_V80_TILES(REDUCE, STORE, RLD, RSH)                                                       \
  asm volatile(                                                                                 \
      "add %[wp], %[p], #80\n"                                                                  \
      "ld1 {v4.16b, v5.16b, v6.16b, v7.16b}, [%[wp]]\n"                                         \
      "ldr q0, [%[a0]]\n"                                                                       \
      "ldr q1, [%[a1]]\n"                                                                       \
      "ldr q2, [%[a2]]\n"                                                                       \
      "ldr q3, [%[a3]]\n"                                                                       \
      "tbnz %[kn], #0, 19f\n" OCTET_V80_SETUP_EVEN                                              \
      "b 10f\n"                                                                                 \
      "19:\n" OCTET_V80_SETUP_ODD                                                               \
      "b 20f\n"                                                                                 \
      /* even step counts: pairs only */                                                        \
      "10:\n"                                                                                   \
      "cbz %[n], 17f\n" OCTET_V80_PAIR_NEXT("saddlp")                                           \
      "b.eq 16f\n"                                                                              \
      "15:\n" OCTET_V80_PAIR_NEXT("sadalp")                                                     \
      "b.ne 15b\n"                                                                              \
      "16:\n" OCTET_V80_PAIR_LAST("sadalp")                                                     \
      "b 18f\n"                                                                                 \
      "17:\n" OCTET_V80_PAIR_LAST("saddlp")                                                     \
      "18:\n"                                                                                   \
      "subs %[tiles], %[tiles], #1\n" OCTET_V80_NEXT_TILE REDUCE                                \
      OCTET_V80_RESCALE(OCTET_V80_SETUP_EVEN, RLD, RSH) STORE                                   \
      "b.ne 10b\n"                                                                              \
      "b 30f\n"                                                                                 \
      /* odd step counts: one step, then pairs */                                               \
      "20:\n" OCTET_V80_PIPE_STEP("saddlp", "", "", "", "", "")                                 \
      "cbz %[n], 28f\n" OCTET_V80_PAIR_PROLOGUE                                                 \
      "b.eq 26f\n"                                                                              \
      "25:\n" OCTET_V80_PAIR_NEXT("sadalp")                                                     \
      "b.ne 25b\n"                                                                              \
      "26:\n" OCTET_V80_PAIR_LAST("sadalp")                                                     \
      "28:\n"                                                                                   \
      "subs %[tiles], %[tiles], #1\n" OCTET_V80_NEXT_TILE REDUCE                                \
      OCTET_V80_RESCALE(OCTET_V80_SETUP_ODD, RLD, RSH) STORE                                    \
      "b.ne 20b\n"                                                                              \
      "30:\n"                                                                                   \
      : [p] "+r"(p), [tiles] "+r"(tiles), [o0] "+r"(o0), [o1] "+r"(o1), [o2] "+r"(o2),        \
        [o3] "+r"(o3), [wp] "=&r"(wp), [k] "=&r"(k), [n] "=&r"(n), [wp2] "=&r"(wp2),            \
        [k16] "=&r"(k16)                                                                        \
      : [a0] "r"(a0), [a1] "r"(a1), [a2] "r"(a2), [a3] "r"(a3), [kn] "r"(kn),                 \
        [pairs1] "r"(kn / 2 - 1), [steps1] "r"(kn - 1), [sums] "r"(sums), [consts] "r"(consts)   \
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",      \
        "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22",     \
        "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31")

// One call's operands (one pointer argument: 13 separate ones went through the stack).
struct TileArgs {
  const int8_t* a[4];     // the four A rows
  const uint8_t* blocks;  // first packed 4-channel block
  size_t tiles;           // 4-channel blocks to compute
  size_t kn;              // kp / 16
  const int32_t* sums;    // activation sums of the four rows (kZp)
  int8_t* out[4];         // output of the four rows, channel of the first block
  // Epilogue constants: output zero point, clamp bounds, TBL byte picks.
  alignas(16) int32_t zp[4];
  int32_t qmin[4], qmax[4];
  uint8_t low_bytes[16];
};

// Which shifts a layer's requantization needs: none (every multiplier unshifted, as qconvert
// makes them), right shifts only, or both (any positive shift: SQSHL, and SRSHL by 0 or less).
enum class Shifts { none, right, both };

// `tiles` consecutive 4x4 tiles: 4 channels per tile. The epilogue variant is chosen once per
// call (a branch inside the asm would split the translation block): kZp with activation sums,
// kShifts, kClamp with an activation clamp narrower than int8.
template <bool kZp, Shifts kShifts, bool kClamp>
void tiles_4x4(const TileArgs& args) {
  const int8_t *a0 = args.a[0], *a1 = args.a[1], *a2 = args.a[2], *a3 = args.a[3];
  int8_t *o0 = args.out[0], *o1 = args.out[1], *o2 = args.out[2], *o3 = args.out[3];
  const uint8_t* p = args.blocks;
  size_t tiles = args.tiles, k, n, k16;
  const size_t kn = args.kn;
  const int32_t* sums = args.sums;
  const int32_t* consts = args.zp;
  const uint8_t *wp, *wp2;
#define OCTET_V80_TILES_FOR(REDUCE)                                                                          \
  if constexpr (kShifts == Shifts::none && kClamp) OCTET_V80_TILES(REDUCE, OCTET_V80_CLAMP_STORE, "", "");    \
  if constexpr (kShifts == Shifts::none && !kClamp) OCTET_V80_TILES(REDUCE, OCTET_V80_NARROW_STORE, "", "");  \
  if constexpr (kShifts == Shifts::right && kClamp)                                                          \
    OCTET_V80_TILES(REDUCE, OCTET_V80_CLAMP_STORE, OCTET_V80_RSH_LD, OCTET_V80_RSH);                          \
  if constexpr (kShifts == Shifts::right && !kClamp)                                                         \
    OCTET_V80_TILES(REDUCE, OCTET_V80_NARROW_STORE, OCTET_V80_RSH_LD, OCTET_V80_RSH);                         \
  if constexpr (kShifts == Shifts::both && kClamp)                                                           \
    OCTET_V80_TILES(REDUCE OCTET_V80_SHL, OCTET_V80_CLAMP_STORE, OCTET_V80_RSH_LD, OCTET_V80_RSH);            \
  if constexpr (kShifts == Shifts::both && !kClamp)                                                          \
    OCTET_V80_TILES(REDUCE OCTET_V80_SHL, OCTET_V80_NARROW_STORE, OCTET_V80_RSH_LD, OCTET_V80_RSH);
  if constexpr (kZp) {
    OCTET_V80_TILES_FOR(OCTET_V80_REDUCE_ZP)
  } else {
    OCTET_V80_TILES_FOR(OCTET_V80_REDUCE_NOZP)
  }
#undef OCTET_V80_TILES_FOR
}

using TilesFn = void (*)(const TileArgs&);

template <bool kZp, Shifts kShifts>
TilesFn tiles_fn(bool clamp) {
  return clamp ? tiles_4x4<kZp, kShifts, true> : tiles_4x4<kZp, kShifts, false>;
}
TilesFn tiles_fn(bool zp, bool left, bool right, bool clamp) {
  if (left) return zp ? tiles_fn<true, Shifts::both>(clamp) : tiles_fn<false, Shifts::both>(clamp);
  if (right) return zp ? tiles_fn<true, Shifts::right>(clamp) : tiles_fn<false, Shifts::right>(clamp);
  return zp ? tiles_fn<true, Shifts::none>(clamp) : tiles_fn<false, Shifts::none>(clamp);
}
#endif

}  // namespace

void gemm_4x4c16_v80(const GemmTile& t) {
  if (t.n_end <= t.n_begin) return;  // nothing to store (the asm tile loop runs at least once)
  if (t.rows == 1) {
    gemm_1x4c16(t);
    return;
  }
  const int rows = t.rows;
  const int8_t* a0 = t.a;
  const int8_t* a1 = rows > 1 ? a0 + t.a_stride : a0;
  const int8_t* a2 = rows > 2 ? a1 + t.a_stride : a1;
  const int8_t* a3 = rows > 3 ? a2 + t.a_stride : a2;
  const int kp = t.kp;
  const size_t block_bytes = 80 + 4 * static_cast<size_t>(kp);
  const uint8_t* blk = t.blocks;
  alignas(16) int8_t res[16];  // a partial tile's output, row after row
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
  TileArgs args;
  args.a[0] = a0, args.a[1] = a1, args.a[2] = a2, args.a[3] = a3;
  args.kn = static_cast<size_t>(kp / 16);
  args.sums = t.row_sums;
  vst1q_s32(args.zp, vdupq_n_s32(t.out_zero_point));
  vst1q_s32(args.qmin, vdupq_n_s32(t.qmin));
  vst1q_s32(args.qmax, vdupq_n_s32(t.qmax));
  static constexpr uint8_t kLowBytes[16] = {0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60};
  vst1q_u8(args.low_bytes, vld1q_u8(kLowBytes));
  const TilesFn tiles =
      tiles_fn(t.row_sums != nullptr, !t.no_left_shift, !t.no_right_shift, !clamp_is_int8_range(t.qmin, t.qmax));
  const size_t os = t.out_stride;
  if (rows == 4 && t.n_begin == t.block_first_channel && (t.n_end - t.n_begin) % 4 == 0) {
    // The common call: whole tiles only, one asm loop.
    int8_t* o = t.out + t.n_begin;
    args.blocks = blk;
    args.tiles = static_cast<size_t>((t.n_end - t.n_begin) / 4);
    args.out[0] = o, args.out[1] = o + os, args.out[2] = o + 2 * os, args.out[3] = o + 3 * os;
    tiles(args);
    return;
  }
  for (int c0 = t.block_first_channel; c0 < t.n_end;) {
    args.blocks = blk;
    if (rows == 4 && c0 >= t.n_begin && c0 + 4 <= t.n_end) {  // whole tiles: straight to the output
      const int n = (t.n_end - c0) / 4;
      int8_t* o = t.out + c0;
      args.tiles = static_cast<size_t>(n);
      args.out[0] = o, args.out[1] = o + os, args.out[2] = o + 2 * os, args.out[3] = o + 3 * os;
      tiles(args);
      c0 += 4 * n;
      blk += n * block_bytes;
      continue;
    }
    args.tiles = 1;
    args.out[0] = res, args.out[1] = res + 4, args.out[2] = res + 8, args.out[3] = res + 12;
    tiles(args);
    const int lo = c0 < t.n_begin ? t.n_begin : c0;
    const int hi = c0 + 4 > t.n_end ? t.n_end : c0 + 4;
    for (int i = 0; i < rows; ++i) std::memcpy(t.out + i * os + lo, res + 4 * i + (lo - c0), hi - lo);
    c0 += 4;
    blk += block_bytes;
  }
#else
  const int16x8_t zp = vdupq_n_s16(static_cast<int16_t>(t.out_zero_point));
  const int8x8_t qmin = vdup_n_s8(static_cast<int8_t>(t.qmin));
  const int8x8_t qmax = vdup_n_s8(static_cast<int8_t>(t.qmax));
  for (int c0 = t.block_first_channel; c0 < t.n_end; c0 += 4, blk += block_bytes) {
    const int8_t* w = reinterpret_cast<const int8_t*>(blk + 80);
    int32x4_t c00 = vdupq_n_s32(0), c01 = c00, c02 = c00, c03 = c00;
    int32x4_t c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    int32x4_t c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    int32x4_t c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    for (int k = 0; k < kp; k += 16) {
      const int8x16_t va0 = vld1q_s8(a0 + k), va1 = vld1q_s8(a1 + k);
      const int8x16_t va2 = vld1q_s8(a2 + k), va3 = vld1q_s8(a3 + k);
      const int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16), w2 = vld1q_s8(w + 32),
                      w3 = vld1q_s8(w + 48);
      w += 64;
      c00 = mac16(c00, va0, w0); c01 = mac16(c01, va0, w1); c02 = mac16(c02, va0, w2); c03 = mac16(c03, va0, w3);
      c10 = mac16(c10, va1, w0); c11 = mac16(c11, va1, w1); c12 = mac16(c12, va1, w2); c13 = mac16(c13, va1, w3);
      c20 = mac16(c20, va2, w0); c21 = mac16(c21, va2, w1); c22 = mac16(c22, va2, w2); c23 = mac16(c23, va2, w3);
      c30 = mac16(c30, va3, w0); c31 = mac16(c31, va3, w1); c32 = mac16(c32, va3, w2); c33 = mac16(c33, va3, w3);
    }
    int32x4_t s0 = reduce4(c00, c01, c02, c03);
    int32x4_t s1 = reduce4(c10, c11, c12, c13);
    int32x4_t s2 = reduce4(c20, c21, c22, c23);
    int32x4_t s3 = reduce4(c30, c31, c32, c33);
    const int32x4_t bias = load_s32(blk);
    s0 = vaddq_s32(bias, s0);
    s1 = vaddq_s32(bias, s1);
    s2 = vaddq_s32(bias, s2);
    s3 = vaddq_s32(bias, s3);
    if (t.row_sums) {
      const int32x4_t z = load_s32(blk + 16);
      s0 = vmlsq_n_s32(s0, z, t.row_sums[0]);  // row_sums has MR entries even for a partial tile
      s1 = vmlsq_n_s32(s1, z, t.row_sums[1]);
      s2 = vmlsq_n_s32(s2, z, t.row_sums[2]);
      s3 = vmlsq_n_s32(s3, z, t.row_sums[3]);
    }
    const int32x4_t m = load_s32(blk + 32), r = load_s32(blk + 64);
    if (!t.no_left_shift) {
      const int32x4_t l = load_s32(blk + 48);
      s0 = left_shift_s32x4(s0, l);
      s1 = left_shift_s32x4(s1, l);
      s2 = left_shift_s32x4(s2, l);
      s3 = left_shift_s32x4(s3, l);
    }
    const int8x8_t o01 = narrow_s32x8(mul_right_shift_s32x4(s0, m, r), mul_right_shift_s32x4(s1, m, r), zp, qmin, qmax);
    const int8x8_t o23 = narrow_s32x8(mul_right_shift_s32x4(s2, m, r), mul_right_shift_s32x4(s3, m, r), zp, qmin, qmax);
    vst1_s8(res, o01);
    vst1_s8(res + 8, o23);
    const int lo = c0 < t.n_begin ? t.n_begin : c0;
    const int hi = c0 + 4 > t.n_end ? t.n_end : c0 + 4;
    if (rows == 4 && lo == c0 && hi == c0 + 4) {  // whole tile: four single stores
      int8_t* o = t.out + c0;
      std::memcpy(o, res, 4);
      std::memcpy(o + t.out_stride, res + 4, 4);
      std::memcpy(o + 2 * t.out_stride, res + 8, 4);
      std::memcpy(o + 3 * t.out_stride, res + 12, 4);
    } else {
      for (int i = 0; i < rows; ++i) std::memcpy(t.out + i * t.out_stride + lo, res + 4 * i + (lo - c0), hi - lo);
    }
  }
#endif
}

}  // namespace octet::neon

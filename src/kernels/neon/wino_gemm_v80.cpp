// The transform-domain GEMM of Winograd F(2x2, 3x3) and F(3x3, 3x3), ARMv8.0 NEON (see
// wino_kernels.h): int16 V x int16 U' -> int32, SMLAL by element. The two variants differ only
// in how far apart the tiles' M blocks lie (16 or 25 positions of 8 int32).
#include "kernels/neon/neon_include.h"
#include "kernels/neon/wino_kernels.h"
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
#include "kernels/neon/lane_gemm_asm.h"
#endif

namespace octet::neon {
namespace {

#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
// The loops in asm, on lane_gemm_asm.h's registers: V of 8 tiles in v0-v7 (lane = input channel),
// the weights of 8 input channels in v8-v15, 8x8 int32 accumulators in v16-v31. The 8-tile step
// (OCTET_LANE_STEP8): 135 instead of 149 A53 model cycles per 128 SMLAL with all loads first.

// steps = channels / 8 >= 1; V of group g at v + g * steps * 128 bytes, U the same for every group.
template <int kTileBytes>
void gemm_8x8(const int16_t* v, const int16_t* u, int channels, int groups, int32_t* m) {
  const long steps = channels / 8;
  long g = groups;
  long n;  // middle steps left in the current group
  const int16_t *w4, *w8, *x4, *x8;
  asm volatile(
      "0:\n"  // tile group loop: V continues where the last group ended, U restarts
      "ld1 {v0.8h, v1.8h, v2.8h, v3.8h}, [%[v]]\n"
      "ld1 {v8.8h, v9.8h, v10.8h, v11.8h}, [%[u]]\n"
      "add %[w4], %[u], #64\n"
      "add %[x4], %[v], #64\n"
      "add %[w8], %[u], #128\n"
      "add %[x8], %[v], #128\n"
      "subs %[n], %[steps], #2\n"
      "b.lt 3f\n"  // one step
      OCTET_LANE_STEP8("smull", "smlal", OCTET_LANE_NEXT_X, OCTET_LANE_NEXT_W)
      OCTET_LANE_ADVANCE
      "cbz %[n], 2f\n"
      "1:\n"
      "subs %[n], %[n], #1\n"  // first: the branch then never waits on it
      OCTET_LANE_STEP8("smlal", "smlal", OCTET_LANE_NEXT_X, OCTET_LANE_NEXT_W)
      OCTET_LANE_ADVANCE
      "b.ne 1b\n"
      "2:\n"
      OCTET_LANE_STEP8("smlal", "smlal", "", "")
      "b 4f\n"
      "3:\n"
      OCTET_LANE_STEP8("smull", "smlal", "", "")
      "4:\n"
      "add %[v], %[x4], #64\n"  // the next group's V
      "stp q16, q17, [%[m]]\n"  // tile t at m + t * kTileBytes (STP reaches 1008)
      "stp q18, q19, [%[m], %[ts]]\n"
      "add %[m], %[m], %[ts2]\n"
      "stp q20, q21, [%[m]]\n"
      "stp q22, q23, [%[m], %[ts]]\n"
      "add %[m], %[m], %[ts2]\n"
      "stp q24, q25, [%[m]]\n"
      "stp q26, q27, [%[m], %[ts]]\n"
      "add %[m], %[m], %[ts2]\n"
      "stp q28, q29, [%[m]]\n"
      "stp q30, q31, [%[m], %[ts]]\n"
      "add %[m], %[m], %[ts2]\n"
      "subs %[g], %[g], #1\n"
      "b.ne 0b\n"
      : [v] "+r"(v), [n] "=&r"(n), [m] "+r"(m), [g] "+r"(g), [w4] "=&r"(w4), [w8] "=&r"(w8),
        [x4] "=&r"(x4), [x8] "=&r"(x8)
      : [u] "r"(u), [steps] "r"(steps), [ts] "i"(kTileBytes), [ts2] "i"(2 * kTileBytes)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",
        "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24",
        "v25", "v26", "v27", "v28", "v29", "v30", "v31");
}

// The 4-tile form for the last 1..4 tiles of a block (a 13x13 output is 49 tiles: six groups of 8
// and one tile, which the 8-tile kernel would pad with 7). All of a step's loads first;
// accumulators v16-v23.
#define OCTET_WINO_LOADS4                \
  "ldp q0, q1, [%[v]]\n"                 \
  "ldp q8, q9, [%[uu]]\n"                \
  "ldp q2, q3, [%[v], #32]\n"            \
  "ldp q10, q11, [%[uu], #32]\n"         \
  "ldp q12, q13, [%[uu], #64]\n"         \
  "ldp q14, q15, [%[uu], #96]\n"         \
  "add %[v], %[v], #128\n"               \
  "add %[uu], %[uu], #128\n"
template <int kTileBytes>
void gemm_4x8(const int16_t* v, const int16_t* u, int channels, int32_t* m) {
  long n = channels / 8 - 1;
  const int16_t* uu = u;
  asm volatile(
      OCTET_WINO_LOADS4
      OCTET_LANE_KS(OCTET_LANE_MAC4, "smull", "smlal", "", "")
      "cbz %[n], 2f\n"
      "1:\n"
      OCTET_WINO_LOADS4
      "subs %[n], %[n], #1\n"
      OCTET_LANE_KS(OCTET_LANE_MAC4, "smlal", "smlal", "", "")
      "b.ne 1b\n"
      "2:\n"
      "stp q16, q17, [%[m]]\n"
      "stp q18, q19, [%[m], %[ts]]\n"
      "add %[m], %[m], %[ts2]\n"
      "stp q20, q21, [%[m]]\n"
      "stp q22, q23, [%[m], %[ts]]\n"
      : [v] "+r"(v), [uu] "+r"(uu), [n] "+r"(n), [m] "+r"(m)
      : [ts] "i"(kTileBytes), [ts2] "i"(2 * kTileBytes)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v8", "v9", "v10", "v11", "v12", "v13", "v14",
        "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23");
}
#undef OCTET_WINO_LOADS4

// One tile (a block's last 1 or 2, or the 5th past a 4-tile call): its V in v0 (v1 for a second
// step), the weights in v8-v15 (v24-v31); four accumulator pairs (two SMLAL per pair per channel)
// so that no SMLAL waits on the one before. Two steps per iteration: each quarter of the weight
// registers is reloaded by one LD1 of 4 registers as it dies (the 8-tile form's reason), the next
// V by LDR in the multiplies' shadow; the last pair reads nothing beyond its data. An odd step
// count takes one step with its loads first.
#define OCTET_WINO_1X8_HALF(V, U0, U1, U2, U3, L0, L1, L2, L3) \
  OCTET_LANE_TILE("smlal", U0, L0, V, "16", "17")              \
  OCTET_LANE_TILE("smlal", U1, L1, V, "18", "19")              \
  OCTET_LANE_TILE("smlal", U2, L2, V, "20", "21")              \
  OCTET_LANE_TILE("smlal", U3, L3, V, "22", "23")
#define OCTET_WINO_1X8_STEP(V, U0, U1, U2, U3, U4, U5, U6, U7, LD)  \
  OCTET_WINO_1X8_HALF(V, U0, U1, U2, U3, "0", "1", "2", "3") LD     \
  OCTET_WINO_1X8_HALF(V, U4, U5, U6, U7, "4", "5", "6", "7")
#define OCTET_WINO_1X8_STEP_A(LD)                                                          \
  OCTET_WINO_1X8_STEP("0", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", LD)
#define OCTET_WINO_1X8_STEP_B(LD)                                                          \
  OCTET_WINO_1X8_STEP("1", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31", LD)
void gemm_1x8(const int16_t* v, const int16_t* u, int channels, int32_t* m) {
  long n = channels / 8;
  const int16_t *b0, *b1, *b2, *b3;  // the pair loop's load bases
  asm volatile(
      "movi v16.4s, #0\n"
      "movi v17.4s, #0\n"
      "movi v18.4s, #0\n"
      "movi v19.4s, #0\n"
      "movi v20.4s, #0\n"
      "movi v21.4s, #0\n"
      "movi v22.4s, #0\n"
      "movi v23.4s, #0\n"
      "tbz %[n], #0, 1f\n"
      "ldr q0, [%[v]]\n"
      "ldp q8, q9, [%[u]]\n"
      "ldp q10, q11, [%[u], #32]\n"
      "ldp q12, q13, [%[u], #64]\n"
      "ldp q14, q15, [%[u], #96]\n"
      "add %[v], %[v], #128\n"
      "add %[u], %[u], #128\n"
      "sub %[n], %[n], #1\n"
      OCTET_WINO_1X8_STEP_A("")
      "cbz %[n], 4f\n"
      "1:\n"  // pairs of steps: n / 2 of them
      "ld1 {v8.8h, v9.8h, v10.8h, v11.8h}, [%[u]]\n"
      "add %[b0], %[u], #64\n"
      "ld1 {v12.8h, v13.8h, v14.8h, v15.8h}, [%[b0]]\n"
      "add %[b0], %[u], #128\n"
      "ld1 {v24.8h, v25.8h, v26.8h, v27.8h}, [%[b0]]\n"
      "add %[b0], %[u], #192\n"
      "add %[b1], %[u], #256\n"
      "add %[b2], %[u], #320\n"
      "add %[b3], %[u], #384\n"
      "ldr q0, [%[v]]\n"
      "ldr q1, [%[v], #128]\n"
      "lsr %[n], %[n], #1\n"
      "subs %[n], %[n], #1\n"
      "b.eq 3f\n"
      "2:\n"
      "subs %[n], %[n], #1\n"
      "ld1 {v28.8h, v29.8h, v30.8h, v31.8h}, [%[b0]]\n"
      OCTET_WINO_1X8_STEP_A("ld1 {v8.8h, v9.8h, v10.8h, v11.8h}, [%[b1]]\n")
      "ld1 {v12.8h, v13.8h, v14.8h, v15.8h}, [%[b2]]\n"
      "ldr q0, [%[v], #256]\n"
      OCTET_WINO_1X8_STEP_B("ld1 {v24.8h, v25.8h, v26.8h, v27.8h}, [%[b3]]\n")
      "ldr q1, [%[v], #384]\n"
      "add %[b0], %[b0], #256\n"
      "add %[b1], %[b1], #256\n"
      "add %[b2], %[b2], #256\n"
      "add %[b3], %[b3], #256\n"
      "add %[v], %[v], #256\n"
      "b.ne 2b\n"
      "3:\n"
      "ld1 {v28.8h, v29.8h, v30.8h, v31.8h}, [%[b0]]\n"
      OCTET_WINO_1X8_STEP_A("")
      OCTET_WINO_1X8_STEP_B("")
      "4:\n"
      "add v16.4s, v16.4s, v18.4s\n"
      "add v17.4s, v17.4s, v19.4s\n"
      "add v20.4s, v20.4s, v22.4s\n"
      "add v21.4s, v21.4s, v23.4s\n"
      "add v16.4s, v16.4s, v20.4s\n"
      "add v17.4s, v17.4s, v21.4s\n"
      "stp q16, q17, [%[m]]\n"
      : [v] "+r"(v), [u] "+r"(u), [n] "+r"(n), [b0] "=&r"(b0), [b1] "=&r"(b1), [b2] "=&r"(b2),
        [b3] "=&r"(b3)
      : [m] "r"(m)
      : "cc", "memory", "v0", "v1", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16",
        "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29",
        "v30", "v31");
}
#undef OCTET_WINO_1X8_STEP_B
#undef OCTET_WINO_1X8_STEP_A
#undef OCTET_WINO_1X8_STEP
#undef OCTET_WINO_1X8_HALF
#endif

}  // namespace

// SIMDe (x86 hosts): the same sums through the armv7 intrinsics kernels (wino_gemm_armv7.cpp).
// On a page of its own, like the other hot assembly kernels: qemu ends a translation block at a
// page boundary and armperf costs blocks apart, so the loops' cost must not depend on where the
// linker happens to place them (ResNet-50 on the A53 model moved by 0.17 M with the address).
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
__attribute__((aligned(4096)))
#endif
void wino_gemm_8x8_v80(const int16_t* v, const int16_t* u, int channels, int groups, int positions,
                       int32_t* m) {
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
  if (positions == 16)
    gemm_8x8<16 * 32>(v, u, channels, groups, m);
  else
    gemm_8x8<25 * 32>(v, u, channels, groups, m);
#else
  wino_gemm_8x8_armv7(v, u, channels, groups, positions, m);
#endif
}

void wino_gemm_1x8_v80(const int16_t* v, const int16_t* u, int channels, int32_t* m) {
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
  gemm_1x8(v, u, channels, m);
#else
  wino_gemm_1x8_armv7(v, u, channels, m);
#endif
}

void wino_gemm_4x8_v80(const int16_t* v, const int16_t* u, int channels, int positions, int32_t* m) {
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
  if (positions == 16)
    gemm_4x8<16 * 32>(v, u, channels, m);
  else
    gemm_4x8<25 * 32>(v, u, channels, m);
#else
  wino_gemm_4x8_armv7(v, u, channels, positions, m);
#endif
}

}  // namespace octet::neon

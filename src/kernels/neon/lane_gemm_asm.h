// Internal, aarch64 inline asm only: the text shared by the two int16 x int16 -> int32 GEMMs that
// multiply by lane, the Winograd transform-domain GEMM (wino_gemm_v80.cpp: columns = tiles, k =
// input channels) and the small-K convolution (smallk_v80.cpp: columns = output pixels, k = taps).
// The 8 columns' values in v0-v7 (SMLAL by element takes v0-v15 for 16-bit lanes: lane k of
// column c), the 8 output channels' weights of k = 0..7 in v8-v15, 8x8 int32 accumulators in
// v16-v31 (column c: v16 + 2c for channels 0-3, v17 + 2c for 4-7).
#pragma once

// Column T (register vT) times weights W at lane L: two SMLAL (or SMULL, OP) into accumulators
// A, A1.
#define OCTET_LANE_TILE(OP, W, L, T, A, A1)                     \
  OP " v" A ".4s, " W ".4h, v" T ".h[" L "]\n"                  \
  OP "2 v" A1 ".4s, " W ".8h, v" T ".h[" L "]\n"
#define OCTET_LANE_MAC4(OP, W, L)                                                       \
  OCTET_LANE_TILE(OP, W, L, "0", "16", "17") OCTET_LANE_TILE(OP, W, L, "1", "18", "19") \
  OCTET_LANE_TILE(OP, W, L, "2", "20", "21") OCTET_LANE_TILE(OP, W, L, "3", "22", "23")
#define OCTET_LANE_MAC4_HI(OP, W, L)                                                    \
  OCTET_LANE_TILE(OP, W, L, "4", "24", "25") OCTET_LANE_TILE(OP, W, L, "5", "26", "27") \
  OCTET_LANE_TILE(OP, W, L, "6", "28", "29") OCTET_LANE_TILE(OP, W, L, "7", "30", "31")
// All 8 columns: 16 instructions, 64 bytes (the small-K tail jumps into a run of these).
#define OCTET_LANE_MAC8(OP, W, L) OCTET_LANE_MAC4(OP, W, L) OCTET_LANE_MAC4_HI(OP, W, L)
// The 8 k of a step with MAC = OCTET_LANE_MAC4 / _MAC4_HI / _MAC8; FIRST for k = 0 (SMULL starts
// the accumulators), OP for the rest. L1 and L4 go before k = 1 and k = 4.
#define OCTET_LANE_KS(MAC, FIRST, OP, L1, L4)                              \
  MAC(FIRST, "v8", "0") L1 MAC(OP, "v9", "1") MAC(OP, "v10", "2")         \
  MAC(OP, "v11", "3") L4 MAC(OP, "v12", "4") MAC(OP, "v13", "5")          \
  MAC(OP, "v14", "6") MAC(OP, "v15", "7")
// A step of 8 k, columns 0-3 first: their registers die halfway, the weights of k 0-3 three
// quarters through. On the in-order A53 model an instruction may not write back before an older
// one, so a 4-cycle LDR after a 6-cycle SMLAL waits; LD1 of four registers (7 cycles) issues
// beside the SMLALs instead. The step loads its weights of k 4-7 [w4] and columns 4-7 [x4] early,
// the next step's columns 0-3 [x8] and weights of k 0-3 [w8] as their registers die (NEXT_X,
// NEXT_W: OCTET_LANE_NEXT_X / _W, or "" in the last step, which reads nothing beyond its data).
// Entered with this step's columns 0-3 in v0-v3 and weights of k 0-3 in v8-v11.
#define OCTET_LANE_NEXT_X "ld1 {v0.8h, v1.8h, v2.8h, v3.8h}, [%[x8]]\n"
#define OCTET_LANE_NEXT_W "ld1 {v8.8h, v9.8h, v10.8h, v11.8h}, [%[w8]]\n"
#define OCTET_LANE_STEP8(FIRST, OP, NEXT_X, NEXT_W)                                         \
  "ld1 {v12.8h, v13.8h, v14.8h, v15.8h}, [%[w4]]\n"                                          \
  OCTET_LANE_KS(OCTET_LANE_MAC4, FIRST, OP, "ld1 {v4.8h, v5.8h, v6.8h, v7.8h}, [%[x4]]\n", "") \
  NEXT_X OCTET_LANE_KS(OCTET_LANE_MAC4_HI, FIRST, OP, "", NEXT_W)
// The four load bases move on by a step (128 bytes each); wait behind the loop branch.
#define OCTET_LANE_ADVANCE          \
  "add %[w4], %[w4], #128\n"        \
  "add %[x4], %[x4], #128\n"        \
  "add %[w8], %[w8], #128\n"        \
  "add %[x8], %[x8], #128\n"

// Depthwise 3x3 dotprod: one output row pair (or single row) of one block of 8 channels, whole
// width, borders included, in inline assembly (aarch64 only; include only from dwconv_dotprod.cpp).
// Lanes and weights as described at the top of dwconv_dotprod.cpp. Why assembly: GCC's column
// loops rotate registers (6-9 moves per column), reload spilled weights, and the first and last
// columns ran through separate checked code costing as much as the loop itself on small images.
// Here each call loads its constants, handles a padded first / last column with z_a vectors
// (no per-column checks), and keeps each loop body under ~75 instructions: qemu cuts longer
// bodies into several translation blocks, which armperf costs in isolation.
//
// Supported borders (the caller checks, everything else takes the intrinsics kernel): left padding
// 0 or 1 column, at most one padded column on the right, no positive requantization shift.
// One call runs `blocks` consecutive blocks (per-call set-up once, per block only the weights).
// Registers: x0-x4 row cursors, x5-x9 their pixel strides (0 for a z_a row), x10/x11 output
// cursors of rows o / o + 1, x12 output pixel stride, x13 bias, x14 multipliers, x15 right shifts,
// x16 kc, x17 counter, x19-x26/x28 per-block starts and count; v0-v3 accumulators (row o
// channels 0-3 / 4-7, row o + 1 channels 0-3 / 4-7).
#pragma once
#include <cstddef>
#include <cstdint>

namespace octet::neon::dotprod {
namespace {

struct DwRowJob {
  const int8_t* q[5];   // 0: input rows at column 0 of the block (a z_a row when padded)
  ptrdiff_t d[5];       // 40: their pixel strides (0 for a z_a row)
  int8_t *oa, *ob;      // 80: output rows o and o + 1 at column 0
  ptrdiff_t os;         // 96: output pixel stride
  const int8_t* blk;    // 104: packed SDOT block
  const int32_t* bias;  // 112
  const int32_t* mult;  // 120
  const int32_t* rsh;   // 128: right shifts (SRSHL amounts)
  const int8_t* kc;     // 136: output zero point (8 x int16), clamp low, clamp high, z_a (16 x int8 each)
  long n;               // 144: interior iterations (output columns minus the padded last one)
  long lpad, rpad;      // 152, 160: the first / last column read is padding
  long blocks;          // 168: consecutive blocks of 8 channels (every pointer above advances per block)
};
static_assert(offsetof(DwRowJob, d) == 40 && offsetof(DwRowJob, oa) == 80 && offsetof(DwRowJob, blk) == 104 &&
                  offsetof(DwRowJob, kc) == 136 && offsetof(DwRowJob, n) == 144 && offsetof(DwRowJob, rpad) == 160 && offsetof(DwRowJob, blocks) == 168,
              "offsets used by the assembly");

#define OCTET_DW_CLOBBERS                                                                           \
  "cc", "memory", "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",  \
      "x13", "x14", "x15", "x16", "x17", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x28", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", \
      "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22",     \
      "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31"

// Once per call: x19-x23 row starts, x24/x25 output starts, x26 block, x28 block count.
#define OCTET_DW_ENTRY                           \
  "ldp x19, x20, [%[j]]\n"                      \
  "ldp x21, x22, [%[j], #16]\n"                 \
  "ldr x23, [%[j], #32]\n"                      \
  "ldp x5, x6, [%[j], #40]\n"                   \
  "ldp x7, x8, [%[j], #56]\n"                   \
  "ldr x9, [%[j], #72]\n"                       \
  "ldp x24, x25, [%[j], #80]\n"                 \
  "ldp x12, x26, [%[j], #96]\n"                 \
  "ldp x13, x14, [%[j], #112]\n"                \
  "ldp x15, x16, [%[j], #128]\n"                \
  "ldr x28, [%[j], #168]\n"
// Per block: cursors from the starts.
#define OCTET_DW_BLOCK_START \
  "6:\n"                     \
  "mov x0, x19\n"            \
  "mov x1, x20\n"            \
  "mov x2, x21\n"            \
  "mov x3, x22\n"            \
  "mov x4, x23\n"            \
  "mov x10, x24\n"           \
  "mov x11, x25\n"
// Next block: every row advances 8 bytes (a padded row reads a z_a buffer as long as the
// channels), outputs 8 bytes, the packed block 256, bias / multipliers / shifts 8 int32.
#define OCTET_DW_BLOCK_END \
  "add x19, x19, #8\n"     \
  "add x20, x20, #8\n"     \
  "add x21, x21, #8\n"     \
  "add x22, x22, #8\n"     \
  "add x23, x23, #8\n"     \
  "add x24, x24, #8\n"     \
  "add x25, x25, #8\n"     \
  "add x26, x26, #256\n"   \
  "add x13, x13, #32\n"    \
  "add x14, x14, #32\n"    \
  "add x15, x15, #32\n"    \
  "subs x28, x28, #1\n"    \
  "b.ne 6b\n"

// Two rows' requantized int32 (row o: lo0, hi0; row o + 1: lo1, hi1) + the zero point zp (int16)
// to 16 int8 in lo0 (row o in its low half), the two rows' steps interleaved (an in-order core
// otherwise waits on each dependent narrowing).
#define OCTET_DW_NARROW2(lo0, hi0, lo1, hi1, zp) \
  "sqxtn " lo0 ".4h, " lo0 ".4s\n"               \
  "sqxtn " lo1 ".4h, " lo1 ".4s\n"               \
  "sqxtn2 " lo0 ".8h, " hi0 ".4s\n"              \
  "sqxtn2 " lo1 ".8h, " hi1 ".4s\n"              \
  "sqadd " lo0 ".8h, " lo0 ".8h, " zp ".8h\n"    \
  "sqadd " lo1 ".8h, " lo1 ".8h, " zp ".8h\n"    \
  "sqxtn " lo0 ".8b, " lo0 ".8h\n"               \
  "sqxtn2 " lo0 ".16b, " lo1 ".8h\n"
// Its two halves to the output rows, cursors advanced after the stores.
#define OCTET_DW_STORE2(v)              \
  "st1 {" v ".d}[0], [x10]\n"          \
  "st1 {" v ".d}[1], [x11]\n"          \
  "add x10, x10, x12\n"                \
  "add x11, x11, x12\n"

// ---------------------------------------------------------------------------------------------
// Stride 1. Columns live in A = v24/v25, B = v26/v27, C = v28/v29 (roles rotate, see below; lanes r0..r3, channels
// 0-3 / 4-7). Weights: v8-v13 Wa, v14-v19 Wb, v20/v21 Za, v22/v23 Zb; v30/v31 clamp; the
// multipliers, shifts and zero point are reloaded per column into v4-v7 (load pipes; no register
// is left for them).
// A new column into c0/c1: four 8-byte rows, then ZIP1 of byte pairs and ZIP1/ZIP2 of halfword
// pairs. Loads and stores without write-back, the cursors advanced by ADDs: llvm-mca's Cortex-A55
// model holds a post-indexed load or store ~4 cycles (~5 on the A53), an ADD one (the N1: none).
// In four parts so that the loop can spread them between the SDOTs of the other columns (the
// in-order A55 otherwise waits on each load and ZIP).
#define OCTET_DW_S1_LD_A "ld1 {v4.8b}, [x0]\n" "add x0, x0, x5\n" "ld1 {v5.8b}, [x1]\n" "add x1, x1, x6\n"
#define OCTET_DW_S1_LD_B "ld1 {v6.8b}, [x2]\n" "add x2, x2, x7\n" "ld1 {v7.8b}, [x3]\n" "add x3, x3, x8\n"
#define OCTET_DW_S1_ZIP_A "zip1 v4.16b, v4.16b, v5.16b\n" "zip1 v6.16b, v6.16b, v7.16b\n"
#define OCTET_DW_S1_ZIP_B(c0, c1) "zip1 " c0 ".8h, v4.8h, v6.8h\n" "zip2 " c1 ".8h, v4.8h, v6.8h\n"
#define OCTET_DW_S1_LOAD(c0, c1) \
  OCTET_DW_S1_LD_A OCTET_DW_S1_LD_B OCTET_DW_S1_ZIP_A OCTET_DW_S1_ZIP_B(c0, c1)

#define OCTET_DW_S1_TAP2(x0, x1, wa0, wa1, wb0, wb1) \
  "sdot v0.4s, " x0 ".16b, " wa0 ".16b\n"            \
  "sdot v1.4s, " x1 ".16b, " wa1 ".16b\n"            \
  "sdot v2.4s, " x0 ".16b, " wb0 ".16b\n"            \
  "sdot v3.4s, " x1 ".16b, " wb1 ".16b\n"
#define OCTET_DW_S1_Z2(x0, x1) OCTET_DW_S1_TAP2(x0, x1, "v20", "v21", "v22", "v23")
#define OCTET_DW_S1_TAP1(x0, x1, wa0, wa1) \
  "sdot v0.4s, " x0 ".16b, " wa0 ".16b\n"  \
  "sdot v1.4s, " x1 ".16b, " wa1 ".16b\n"
#define OCTET_DW_S1_Z1(x0, x1) OCTET_DW_S1_TAP1(x0, x1, "v20", "v21")
#define OCTET_DW_NOZ(x0, x1) ""

// Accumulators from the bias: rows o (v0, v1) and o + 1 (v2, v3). Four LDR q: llvm-mca's A55
// model holds issue ~4 cycles per LDP q, one per LDR q.
#define OCTET_DW_BIAS2 \
  "ldr q0, [x13]\n" "ldr q1, [x13, #16]\n" "ldr q2, [x13]\n" "ldr q3, [x13, #16]\n"
// One output column from the columns in a (kx = 0), b and c (kx = 2), each a register pair;
// P0-P3 go between the SDOTs of a and b (the next column's loads, or nothing). The multipliers
// and shifts load before c's SDOTs, into v4-v7 once P3 is done with them.
#define OCTET_DW_S1_BODY2(Z, a0, a1, b0, b1, c0, c1, P0, P1, P2, P3) \
  OCTET_DW_BIAS2                                                      \
  OCTET_DW_S1_TAP2(a0, a1, "v8", "v9", "v14", "v15")                  \
  P0 Z(a0, a1) P1                                                     \
  OCTET_DW_S1_TAP2(b0, b1, "v10", "v11", "v16", "v17")                \
  P2 Z(b0, b1) P3                                                     \
  "ldp q4, q5, [x14]\n"                                               \
  OCTET_DW_S1_RSH_LD                                                  \
  OCTET_DW_S1_TAP2(c0, c1, "v12", "v13", "v18", "v19")                \
  Z(c0, c1)                                                           \
  "sqrdmulh v0.4s, v0.4s, v4.4s\n"                                    \
  "sqrdmulh v1.4s, v1.4s, v5.4s\n"                                    \
  "sqrdmulh v2.4s, v2.4s, v4.4s\n"                                    \
  "sqrdmulh v3.4s, v3.4s, v5.4s\n"                                    \
  OCTET_DW_S1_RSH2                                                    \
  "ldr q4, [x16]\n"                                                   \
  OCTET_DW_NARROW2("v0", "v1", "v2", "v3", "v4")                      \
  OCTET_DW_S1_CLAMP16                                                 \
  OCTET_DW_STORE2("v0")
#define OCTET_DW_S1_OUT2(Z, a0, a1, b0, b1, c0, c1) \
  OCTET_DW_S1_BODY2(Z, a0, a1, b0, b1, c0, c1, "", "", "", "")
// Loads column c (from the row cursors) while a and b are multiplied, then the output column.
#define OCTET_DW_S1_STEP2(Z, a0, a1, b0, b1, c0, c1)                                        \
  OCTET_DW_S1_BODY2(Z, a0, a1, b0, b1, c0, c1, OCTET_DW_S1_LD_A, OCTET_DW_S1_LD_B, \
                    OCTET_DW_S1_ZIP_A, OCTET_DW_S1_ZIP_B(c0, c1))
// Single row: the same loads in front (one output row has fewer SDOTs to hide them behind).
#define OCTET_DW_S1_STEP1(Z, a0, a1, b0, b1, c0, c1) \
  OCTET_DW_S1_LOAD(c0, c1) OCTET_DW_S1_OUT1(Z, a0, a1, b0, b1, c0, c1)

#define OCTET_DW_S1_OUT1(Z, a0, a1, b0, b1, c0, c1) \
  "ldp q0, q1, [x13]\n"                             \
  OCTET_DW_S1_TAP1(a0, a1, "v8", "v9")               \
  Z(a0, a1)                                         \
  OCTET_DW_S1_TAP1(b0, b1, "v10", "v11")             \
  Z(b0, b1)                                         \
  OCTET_DW_S1_TAP1(c0, c1, "v12", "v13")             \
  Z(c0, c1)                                         \
  "ldp q4, q5, [x14]\n"                        \
  "sqrdmulh v0.4s, v0.4s, v4.4s\n"             \
  "sqrdmulh v1.4s, v1.4s, v5.4s\n"             \
  OCTET_DW_S1_RSH1                             \
  "ldr q4, [x16]\n"                            \
  "sqxtn v0.4h, v0.4s\n"                       \
  "sqxtn2 v0.8h, v1.4s\n"                      \
  "sqadd v0.8h, v0.8h, v4.8h\n"                \
  "sqxtn v0.8b, v0.8h\n"                       \
  OCTET_DW_S1_CLAMP8                           \
  "st1 {v0.8b}, [x10]\n" "add x10, x10, x12\n"

// A padded last column (z_a lanes into c, whose q name is cq), then its output; nothing when the
// row has none.
#define OCTET_DW_S1_LAST(OUT, Z, cq, a0, a1, b0, b1, c0, c1) \
  "ldr x17, [%[j], #160]\n"                                  \
  "cbz x17, 5f\n"                                            \
  "ldr " cq ", [x16, #48]\n"                                 \
  "mov " c1 ".16b, " c0 ".16b\n"                             \
  OUT(Z, a0, a1, b0, b1, c0, c1)
// The loop runs three output columns per iteration with the column roles rotating A B C -> B C A
// -> C A B (no register moves); it can end after any of the three, so the padded last column has
// three copies, one per rotation.
#define OCTET_DW_S1_ROWS(OUT, STEP, Z)                                                  \
  OCTET_DW_ENTRY                                                                  \
  "ldp q30, q31, [x16, #16]\n"                                                    \
  OCTET_DW_BLOCK_START                                                            \
  "ldp q8, q9, [x26]\n"                                                           \
  "ldp q10, q11, [x26, #32]\n"                                                    \
  "ldp q12, q13, [x26, #64]\n"                                                    \
  "ldp q14, q15, [x26, #96]\n"                                                    \
  "ldp q16, q17, [x26, #128]\n"                                                   \
  "ldp q18, q19, [x26, #160]\n"                                                   \
  "ldp q20, q21, [x26, #192]\n"                                                   \
  "ldp q22, q23, [x26, #224]\n"                                                   \
  "ldr x17, [%[j], #152]\n"                                                       \
  "cbz x17, 3f\n"                                                                 \
  "ldr q24, [x16, #48]\n" /* padded first column: z_a lanes */                    \
  "mov v25.16b, v24.16b\n"                                                        \
  "b 4f\n"                                                                        \
  "3:\n" OCTET_DW_S1_LOAD("v24", "v25")                                           \
  "4:\n" OCTET_DW_S1_LOAD("v26", "v27")                                           \
  "ldr x17, [%[j], #144]\n"                                                       \
  "cbz x17, 2f\n"                                                                 \
  "1:\n" STEP(Z, "v24", "v25", "v26", "v27", "v28", "v29")                          \
  "subs x17, x17, #1\n"                                                           \
  "b.eq 7f\n"                                                                     \
  STEP(Z, "v26", "v27", "v28", "v29", "v24", "v25")                               \
  "subs x17, x17, #1\n"                                                           \
  "b.eq 8f\n"                                                                     \
  STEP(Z, "v28", "v29", "v24", "v25", "v26", "v27")                               \
  "subs x17, x17, #1\n"                                                           \
  "b.ne 1b\n"                                                                     \
  "2:\n" /* the last two columns in A, B */                                       \
  OCTET_DW_S1_LAST(OUT, Z, "q28", "v24", "v25", "v26", "v27", "v28", "v29")         \
  "b 5f\n"                                                                        \
  "7:\n" /* in B, C */                                                            \
  OCTET_DW_S1_LAST(OUT, Z, "q24", "v26", "v27", "v28", "v29", "v24", "v25")         \
  "b 5f\n"                                                                        \
  "8:\n" /* in C, A */                                                            \
  OCTET_DW_S1_LAST(OUT, Z, "q26", "v28", "v29", "v24", "v25", "v26", "v27")         \
  "5:\n" OCTET_DW_BLOCK_END

// ---------------------------------------------------------------------------------------------
// Stride 2. The accumulators carry the first column's contribution (kx = 0, the previous output's
// third column): each iteration loads the next two columns B (v4-v7) and C (v20-v23), adds them,
// requantizes, and restarts the accumulators from C, so nothing rotates. Lanes: a0/a1 = rows
// r0..r3 (row o), b0/b1 = r2, r3, r4, r4 (row o + 1), both against Wa (v8-v13) and Za (v14/v15).
// v24/v25 multipliers, v26/v27 shifts, v28 zero point, v29/v30 clamp.
#define OCTET_DW_S2_LOAD2(a0, a1, b0, b1) \
  "ld1 {v16.8b}, [x0]\n" "add x0, x0, x5\n"              \
  "ld1 {v17.8b}, [x1]\n" "add x1, x1, x6\n"              \
  "ld1 {v18.8b}, [x2]\n" "add x2, x2, x7\n"              \
  "ld1 {v19.8b}, [x3]\n" "add x3, x3, x8\n"              \
  "ld1 {v31.8b}, [x4]\n" "add x4, x4, x9\n"              \
  "zip1 v16.16b, v16.16b, v17.16b\n"      \
  "zip1 v18.16b, v18.16b, v19.16b\n"      \
  "zip1 v31.16b, v31.16b, v31.16b\n"      \
  "zip1 " a0 ".8h, v16.8h, v18.8h\n"      \
  "zip2 " a1 ".8h, v16.8h, v18.8h\n"      \
  "zip1 " b0 ".8h, v18.8h, v31.8h\n"      \
  "zip2 " b1 ".8h, v18.8h, v31.8h\n"
#define OCTET_DW_S2_TAP2(a0, a1, b0, b1, w0, w1) \
  "sdot v0.4s, " a0 ".16b, " w0 ".16b\n"         \
  "sdot v1.4s, " a1 ".16b, " w1 ".16b\n"         \
  "sdot v2.4s, " b0 ".16b, " w0 ".16b\n"         \
  "sdot v3.4s, " b1 ".16b, " w1 ".16b\n"
#define OCTET_DW_S2_Z2(a0, a1, b0, b1) OCTET_DW_S2_TAP2(a0, a1, b0, b1, "v14", "v15")
#define OCTET_DW_NOZ4(a0, a1, b0, b1) ""
#define OCTET_DW_S2_START2(Z)     \
  OCTET_DW_BIAS2                  \
  OCTET_DW_S2_TAP2("v20", "v21", "v22", "v23", "v8", "v9") Z("v20", "v21", "v22", "v23")
// Adds B and C; multiplies into v4-v7; RESTART (or nothing) restarts the accumulators from C.
#define OCTET_DW_S2_FINISH2(Z, RESTART)                               \
  OCTET_DW_S2_TAP2("v4", "v5", "v6", "v7", "v10", "v11")              \
  Z("v4", "v5", "v6", "v7")                                           \
  OCTET_DW_S2_TAP2("v20", "v21", "v22", "v23", "v12", "v13")          \
  Z("v20", "v21", "v22", "v23")                                       \
  "sqrdmulh v4.4s, v0.4s, v24.4s\n"                                   \
  "sqrdmulh v5.4s, v1.4s, v25.4s\n"                                   \
  "sqrdmulh v6.4s, v2.4s, v24.4s\n"                                   \
  "sqrdmulh v7.4s, v3.4s, v25.4s\n"                                   \
  RESTART                                                             \
  OCTET_DW_S2_RSH2                                                    \
  OCTET_DW_NARROW2("v4", "v5", "v6", "v7", "v28")                     \
  OCTET_DW_S2_CLAMP16                                                 \
  OCTET_DW_STORE2("v4")

// Single row: lanes r0, r1, r2, r2 (the 4th has weight 0) in a0/a1 only.
#define OCTET_DW_S2_LOAD1(a0, a1, b0, b1) \
  "ld1 {v16.8b}, [x0]\n" "add x0, x0, x5\n"              \
  "ld1 {v17.8b}, [x1]\n" "add x1, x1, x6\n"              \
  "ld1 {v18.8b}, [x2]\n" "add x2, x2, x7\n"              \
  "zip1 v16.16b, v16.16b, v17.16b\n"      \
  "zip1 v18.16b, v18.16b, v18.16b\n"      \
  "zip1 " a0 ".8h, v16.8h, v18.8h\n"      \
  "zip2 " a1 ".8h, v16.8h, v18.8h\n"
#define OCTET_DW_S2_TAP1(a0, a1, w0, w1) \
  "sdot v0.4s, " a0 ".16b, " w0 ".16b\n" \
  "sdot v1.4s, " a1 ".16b, " w1 ".16b\n"
#define OCTET_DW_S2_Z1(a0, a1, b0, b1) OCTET_DW_S2_TAP1(a0, a1, "v14", "v15")
#define OCTET_DW_S2_START1(Z) \
  "ldp q0, q1, [x13]\n"       \
  OCTET_DW_S2_TAP1("v20", "v21", "v8", "v9") Z("v20", "v21", , )
#define OCTET_DW_S2_FINISH1(Z, RESTART)          \
  OCTET_DW_S2_TAP1("v4", "v5", "v10", "v11")     \
  Z("v4", "v5", , )                              \
  OCTET_DW_S2_TAP1("v20", "v21", "v12", "v13")   \
  Z("v20", "v21", , )                            \
  "sqrdmulh v4.4s, v0.4s, v24.4s\n"              \
  "sqrdmulh v5.4s, v1.4s, v25.4s\n"              \
  RESTART                                        \
  OCTET_DW_S2_RSH1                               \
  "sqxtn v4.4h, v4.4s\n"                         \
  "sqxtn2 v4.8h, v5.4s\n"                        \
  "sqadd v4.8h, v4.8h, v28.8h\n"                 \
  "sqxtn v4.8b, v4.8h\n"                         \
  OCTET_DW_S2_CLAMP8                             \
  "st1 {v4.8b}, [x10]\n" "add x10, x10, x12\n"

#define OCTET_DW_S2_ROWS(LOAD, START, FINISH)                            \
  OCTET_DW_ENTRY                                                         \
  "ldr q28, [x16]\n"                                                     \
  "ldp q29, q30, [x16, #16]\n"                                           \
  OCTET_DW_BLOCK_START                                                   \
  "ldp q8, q9, [x26]\n"                                                  \
  "ldp q10, q11, [x26, #32]\n"                                           \
  "ldp q12, q13, [x26, #64]\n"                                           \
  "ldp q14, q15, [x26, #192]\n"                                          \
  "ldp q24, q25, [x14]\n"                                                \
  "ldp q26, q27, [x15]\n"                                                \
  "ldr x17, [%[j], #152]\n"                                              \
  "cbz x17, 3f\n"                                                        \
  "ldr q20, [x16, #48]\n" /* padded first column: z_a lanes */           \
  "mov v21.16b, v20.16b\n"                                               \
  "mov v22.16b, v20.16b\n"                                               \
  "mov v23.16b, v20.16b\n"                                               \
  "b 4f\n"                                                               \
  "3:\n" LOAD("v20", "v21", "v22", "v23")                                \
  "4:\n" START                                                           \
  "ldr x17, [%[j], #144]\n"                                              \
  "cbz x17, 2f\n"                                                        \
  "1:\n" LOAD("v4", "v5", "v6", "v7") LOAD("v20", "v21", "v22", "v23")   \
  FINISH(START)                                                          \
  "subs x17, x17, #1\n"                                                  \
  "b.ne 1b\n"                                                            \
  "2:\n"                                                                 \
  "ldr x17, [%[j], #160]\n"                                              \
  "cbz x17, 5f\n"                                                        \
  LOAD("v4", "v5", "v6", "v7")                                           \
  "ldr q20, [x16, #48]\n" /* padded last column */                       \
  "mov v21.16b, v20.16b\n"                                               \
  "mov v22.16b, v20.16b\n"                                               \
  "mov v23.16b, v20.16b\n" FINISH("") "5:\n" OCTET_DW_BLOCK_END

#define OCTET_DW_S2_FIN2Z(RESTART) OCTET_DW_S2_FINISH2(OCTET_DW_S2_Z2, RESTART)
#define OCTET_DW_S2_FIN2N(RESTART) OCTET_DW_S2_FINISH2(OCTET_DW_NOZ4, RESTART)
#define OCTET_DW_S2_FIN1Z(RESTART) OCTET_DW_S2_FINISH1(OCTET_DW_S2_Z1, RESTART)
#define OCTET_DW_S2_FIN1N(RESTART) OCTET_DW_S2_FINISH1(OCTET_DW_NOZ4, RESTART)

// The requantization's SRSHL steps and the clamp. The row kernels are defined three times:
// dw_rows_s1 / dw_rows_s2 with both, dw_rows_unshifted_s1 / _s2 without SRSHL, for layers with no
// right shift (every multiplier unshifted, quantize_requant_multiplier), which also skip the
// per-column shift loads, and dw_rows_unclamped_s1 / _s2 without SRSHL and clamp, for unshifted
// layers whose clamp is the int8 range (the usual case: no activation or a calibrated ReLU /
// ReLU6), where the narrowing's saturation is the clamp.
#define OCTET_DW_DEFINE_ROWS(PREFIX)                                                                                              \
template <bool Two, bool HasZ>                                                                                                    \
__attribute__((always_inline)) inline void PREFIX##s1(const DwRowJob* job) {                                                      \
  if (Two && HasZ)                                                                                                                \
    __asm__ volatile(OCTET_DW_S1_ROWS(OCTET_DW_S1_OUT2, OCTET_DW_S1_STEP2, OCTET_DW_S1_Z2) : : [j] "r"(job) : OCTET_DW_CLOBBERS); \
  else if (Two)                                                                                                                   \
    __asm__ volatile(OCTET_DW_S1_ROWS(OCTET_DW_S1_OUT2, OCTET_DW_S1_STEP2, OCTET_DW_NOZ) : : [j] "r"(job) : OCTET_DW_CLOBBERS);   \
  else if (HasZ)                                                                                                                  \
    __asm__ volatile(OCTET_DW_S1_ROWS(OCTET_DW_S1_OUT1, OCTET_DW_S1_STEP1, OCTET_DW_S1_Z1) : : [j] "r"(job) : OCTET_DW_CLOBBERS); \
  else                                                                                                                            \
    __asm__ volatile(OCTET_DW_S1_ROWS(OCTET_DW_S1_OUT1, OCTET_DW_S1_STEP1, OCTET_DW_NOZ) : : [j] "r"(job) : OCTET_DW_CLOBBERS);   \
}                                                                                                                                 \
template <bool Two, bool HasZ>                                                                                                    \
__attribute__((always_inline)) inline void PREFIX##s2(const DwRowJob* job) {                                                      \
  if (Two && HasZ)                                                                                                                \
    __asm__ volatile(OCTET_DW_S2_ROWS(OCTET_DW_S2_LOAD2, OCTET_DW_S2_START2(OCTET_DW_S2_Z2), OCTET_DW_S2_FIN2Z)                   \
                     : : [j] "r"(job) : OCTET_DW_CLOBBERS);                                                                       \
  else if (Two)                                                                                                                   \
    __asm__ volatile(OCTET_DW_S2_ROWS(OCTET_DW_S2_LOAD2, OCTET_DW_S2_START2(OCTET_DW_NOZ4), OCTET_DW_S2_FIN2N)                    \
                     : : [j] "r"(job) : OCTET_DW_CLOBBERS);                                                                       \
  else if (HasZ)                                                                                                                  \
    __asm__ volatile(OCTET_DW_S2_ROWS(OCTET_DW_S2_LOAD1, OCTET_DW_S2_START1(OCTET_DW_S2_Z1), OCTET_DW_S2_FIN1Z)                   \
                     : : [j] "r"(job) : OCTET_DW_CLOBBERS);                                                                       \
  else                                                                                                                            \
    __asm__ volatile(OCTET_DW_S2_ROWS(OCTET_DW_S2_LOAD1, OCTET_DW_S2_START1(OCTET_DW_NOZ4), OCTET_DW_S2_FIN1N)                    \
                     : : [j] "r"(job) : OCTET_DW_CLOBBERS);                                                                       \
}

#define OCTET_DW_S1_RSH_LD "ldp q6, q7, [x15]\n"
#define OCTET_DW_S1_RSH2 \
  "srshl v0.4s, v0.4s, v6.4s\n" "srshl v1.4s, v1.4s, v7.4s\n" \
  "srshl v2.4s, v2.4s, v6.4s\n" "srshl v3.4s, v3.4s, v7.4s\n"
#define OCTET_DW_S1_RSH1 "ldp q6, q7, [x15]\n" "srshl v0.4s, v0.4s, v6.4s\n" "srshl v1.4s, v1.4s, v7.4s\n"
#define OCTET_DW_S2_RSH2 \
  "srshl v4.4s, v4.4s, v26.4s\n" "srshl v5.4s, v5.4s, v27.4s\n" \
  "srshl v6.4s, v6.4s, v26.4s\n" "srshl v7.4s, v7.4s, v27.4s\n"
#define OCTET_DW_S2_RSH1 "srshl v4.4s, v4.4s, v26.4s\n" "srshl v5.4s, v5.4s, v27.4s\n"
#define OCTET_DW_S1_CLAMP16 "smax v0.16b, v0.16b, v30.16b\n" "smin v0.16b, v0.16b, v31.16b\n"
#define OCTET_DW_S1_CLAMP8 "smax v0.8b, v0.8b, v30.8b\n" "smin v0.8b, v0.8b, v31.8b\n"
#define OCTET_DW_S2_CLAMP16 "smax v4.16b, v4.16b, v29.16b\n" "smin v4.16b, v4.16b, v30.16b\n"
#define OCTET_DW_S2_CLAMP8 "smax v4.8b, v4.8b, v29.8b\n" "smin v4.8b, v4.8b, v30.8b\n"
OCTET_DW_DEFINE_ROWS(dw_rows_)
#undef OCTET_DW_S1_RSH_LD
#undef OCTET_DW_S1_RSH2
#undef OCTET_DW_S1_RSH1
#undef OCTET_DW_S2_RSH2
#undef OCTET_DW_S2_RSH1
#define OCTET_DW_S1_RSH_LD ""
#define OCTET_DW_S1_RSH2 ""
#define OCTET_DW_S1_RSH1 ""
#define OCTET_DW_S2_RSH2 ""
#define OCTET_DW_S2_RSH1 ""
OCTET_DW_DEFINE_ROWS(dw_rows_unshifted_)
#undef OCTET_DW_S1_CLAMP16
#undef OCTET_DW_S1_CLAMP8
#undef OCTET_DW_S2_CLAMP16
#undef OCTET_DW_S2_CLAMP8
#define OCTET_DW_S1_CLAMP16 ""
#define OCTET_DW_S1_CLAMP8 ""
#define OCTET_DW_S2_CLAMP16 ""
#define OCTET_DW_S2_CLAMP8 ""
OCTET_DW_DEFINE_ROWS(dw_rows_unclamped_)

}  // namespace
}  // namespace octet::neon::dotprod

// Internal: the GEMM microkernels behind conv_gemm.h. Each computes up to MR rows (output
// pixels) of A against a run of packed weight blocks, with the fused epilogue: bias, -z_c*sum(a),
// per-channel rescale (SQSHL, SQRDMULH, SRSHL), + output zero point, clamp, strided int8 store.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/op_params.h"

namespace octet::neon {

struct GemmTile {
  int rows;                 // 1..MR of the kernel (gemm_6x16c4_dotprod: any, in 6-row strips)
  const int8_t* a;          // row 0 of A; rows are kp bytes long (multiple of 16) ...
  size_t a_stride;          // ... and a_stride bytes apart
  int kp;
  int last_k4_groups;       // 1..4: 4-k groups of the last 16 k that reach K (the others are zero
                            // padding in A and the weights; gemm_6x16c4_dotprod skips them)
  const int32_t* row_sums;  // sum of each row's kp bytes (rows rounded up to MR readable entries,
                            // those past `rows` zero), or null when all z_c are 0
  const uint8_t* blocks;    // packed weight block containing channel n_begin
  int block_first_channel;  // channel index of that block's first channel (multiple of NR)
  int n_begin, n_end;       // output channels to compute and store
  int8_t* out;              // where channel 0 of row 0 goes ...
  size_t out_stride;        // ... rows out_stride bytes apart
  int32_t out_zero_point, qmin, qmax;
  bool no_left_shift;       // every channel's shift <= 0: skip SQSHL
  bool no_right_shift;      // every channel's shift >= 0: skip SRSHL
};

// n16k4 layout, MR = 4 (row tails, one row alone) and MR = 6 (the bulk of the rows).
constexpr int kDotprodMr = 4, kDotprodNr = 16;
void gemm_4x16c4_dotprod(const GemmTile& t);
constexpr int kDotprod6Mr = 6;
void gemm_6x16c4_dotprod(const GemmTile& t);
// The same tiles for out-of-order cores (CoreClass in isa.h): the usual layer's epilogue loads the
// next tile's accumulators and rows (in-order cores pay those loads, out-of-order ones hide them).
void gemm_6x16c4_dotprod_ooo(const GemmTile& t);
// n4k16 layout, MR = 4.
constexpr int kV80Mr = 4, kV80Nr = 4;
void gemm_4x4c16_v80(const GemmTile& t);
// n4k16 layout, MR = 2 (armv7 has 16 q registers).
constexpr int kArmv7Mr = 2, kArmv7Nr = 4;
void gemm_2x4c16_armv7(const GemmTile& t);

// sums[r] = sum of the kp int8 values of row r (kp multiple of 16), NEON; with SDOT on dotprod CPUs.
void row_sums_s8(const int8_t* a, size_t a_stride, int rows, int kp, int32_t* sums);
void row_sums_s8_dotprod(const int8_t* a, size_t a_stride, int rows, int kp, int32_t* sums);
// im2col of `count` interior pixels (src_step apart in the input; kernel_h kernel rows of `run`
// bytes, tap_step apart; run a multiple of 64, so kp = kernel_h * run) into rows kp bytes apart
// at d, with each row's sum into sums[0..count). Copies per core class (copy64.h).
void im2col_runs64_sums_dotprod(const int8_t* src, size_t src_step, size_t tap_step, int kernel_h,
                                int run, int kp, int count, int8_t* d, int32_t* sums);
void im2col_runs64_sums_dotprod_in_order(const int8_t* src, size_t src_step, size_t tap_step,
                                         int kernel_h, int run, int kp, int count, int8_t* d,
                                         int32_t* sums);

}  // namespace octet::neon

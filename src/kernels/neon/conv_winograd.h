// 3x3 stride-1 convolutions through Winograd F(2x2, 3x3) on the ARMv8.0 path (the A53 class,
// where the int8 GEMM is capped near 4.5 MAC/cycle by SMULL/SMLAL2/SADALP): each 2x2 output tile
// costs 16 int16 multiplies per (input, output) channel pair instead of 36, and SMLAL by element
// does 4 of them per instruction.
//
// Exact, not approximate: with U' = G' (w - z_c) G'^T (G' = 2G has integer entries), V = B^T d B
// on the raw int8 input d (padded taps read z_a) and Y' = A^T [sum_c U' . V] A, Y' = 4 * sum
// a (w - z_c) over the 3x3xC window. Every step is a ring operation, so int32 arithmetic that
// wraps (SMLAL, ADD) gives Y' exactly whenever the true Y' fits int32: |Y'| <= 4 * 9 * C * 128 *
// 255, i.e. C <= kWinoMaxChannels. acc = bias_folded + Y' / 4 then takes the GEMM's requantize,
// so the bytes are octet::ref::conv_q8's. Value ranges: |V| <= 4 * 128 = 512 and |U'| <= 9 * 255
// = 2295 fit int16; |U' V| < 2^21.
//
//   runtime:  wino_preferred(g, isa) ?  wino_pack / wino_repack once at load
//             scratch = wino_scratch_size(g)  (per concurrently running call / thread)
//             wino_conv_run(isa, p, packed, in, ..., begin, end, scratch)   allocates nothing
//
// Work items are tile rows: batch * ceil(out_h / 2) of them, each two output rows tall.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/neon/conv_gemm.h"
#include "kernels/neon/isa.h"
#include "kernels/op_params.h"

namespace octet::neon {

// Packed layout WeightLayout::wino_f23 (made at load, never stored in model files):
// PackedHeader {layout 4, n = out_c, k = 9 * in_c, kp = in_c, nr = 8}, then with N8 = out_c
// rounded up to 8: int32 bias[N8], z_c[N8], multiplier[N8], left_shift[N8], right_shift[N8], then
// int16 U'[N8 / 8][16][in_c][8]: per group of 8 output channels, per transform position, per input
// channel, the 8 channels' U' (zero past out_c).
constexpr int kWinoMaxChannels = 1024;  // 4 * 9 * 1024 * 128 * 255 < 2^31

// Geometries the transform handles: groups 1, 3x3, stride 1, dilation 1, in_c a multiple of 8 in
// [8, kWinoMaxChannels] (any padding and output size: every tap is bounds-checked).
bool wino_supported(const ConvGeometry& g);
// Whether `isa` runs g through Winograd: v80 only (the dotprod GEMM does 16 int8 MACs per SDOT,
// more than Winograd's 4 int16 ones per SMLAL save), and only where it beats the GEMM.
bool wino_preferred(const ConvGeometry& g, Isa isa);

size_t wino_packed_size(const ConvGeometry& g);
// Transforms raw OHWI weights (values in [-127, 127]) with their per-channel fields into `out`
// (wino_packed_size bytes). False if !wino_supported(g) or a weight is -128.
bool wino_pack(const ConvGeometry& g, const int8_t* weights_ohwi, const int32_t* weight_zero_points,
               const int32_t* bias_folded, const int32_t* multipliers, const int32_t* shifts,
               void* out);
// The same from a buffer packed for the GEMM (any layout packed_valid accepts).
bool wino_repack(const ConvGeometry& g, const void* src, size_t src_size, void* out);
// True if buf holds `size` bytes of a wino_f23 buffer for g whose fields are in range.
bool wino_packed_valid(const ConvGeometry& g, const void* buf, size_t size);

size_t wino_scratch_size(const ConvGeometry& g);
int wino_work_items(const ConvGeometry& g);  // batch * ceil(out_h / 2)

// Computes tile rows [begin, end) of wino_work_items(g): output rows 2r, 2r + 1 of each. Same
// conventions and guarantees as conv_run (bit-identical to ref::conv_q8 whatever the split).
bool wino_conv_run(Isa isa, const QConvParams& p, const void* packed, const int8_t* input,
                   int in_stride, int8_t* output, int out_stride, int begin, int end,
                   void* scratch);

}  // namespace octet::neon

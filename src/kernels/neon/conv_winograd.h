// 3x3 stride-1 convolutions through Winograd F(m x m, 3x3), m = 2 or 3, on the ARMv8.0 and armv7
// paths (the A53 / A7 class, where the int8 GEMM is capped near 4.5 MAC/cycle by SMULL/SMLAL2/
// SADALP): an m x m output tile costs (m + 2)^2 int16 multiplies per (input, output) channel pair
// instead of 9 m^2 (16 instead of 36 for F(2x2), 25 instead of 81 for F(3x3)), and SMLAL (VMLAL)
// by element does 4 of them per instruction. wino_tile(g) picks the variant with fewer multiplies over g's (partial) tiles.
//
// Exact, not approximate: with U' = G' (w - z_c) G'^T (G' = s G has integer entries: s = 2 for
// F(2x2), 6 for F(3x3)), V = B^T d B on the raw int8 input d (padded taps read z_a) and
// Y' = A^T [sum_c U' . V] A, Y' = s^2 * sum a (w - z_c) over the 3x3xC window. Every step is a
// ring operation, so int32 arithmetic that wraps (SMLAL, ADD) gives Y' mod 2^32; dividing by s^2 /
// 4 (1, or 9: odd, so a multiplication by its inverse mod 2^32) leaves 4 * sum mod 2^32, which is
// 4 * sum itself while |4 * 9 * C * 128 * 255| < 2^31, i.e. C <= kWinoMaxChannels. acc =
// bias_folded + sum then takes the GEMM's requantize, so the bytes are octet::ref::conv_q8's.
// Value ranges: |V| <= 4 * 128 = 512 and |U'| <= 9 * 255 = 2295 for F(2x2); |V| <= 36 * 128 = 4608
// and |U'| <= 81 * 255 = 20655 for F(3x3): int16.
//
//   runtime:  wino_preferred(g, isa) ?  wino_pack / wino_repack once at load
//             scratch = wino_scratch_size(g)  (per concurrently running call / thread)
//             wino_conv_run(isa, p, packed, in, ..., begin, end, scratch)   allocates nothing
//
// Work items are tile rows: batch * ceil(out_h / m) of them, each m output rows tall; or, for
// threads, (channel block, tile row) pairs (wino_channel_blocks).
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/neon/conv_gemm.h"
#include "kernels/neon/isa.h"
#include "kernels/op_params.h"

namespace octet::neon {

// Packed layouts WeightLayout::wino_f23 / wino_f33 (made at load, never stored in model files):
// PackedHeader {layout, n = out_c, k = 9 * in_c, kp = in_c, nr = 8}, then with N8 = out_c rounded
// up to 8: int32 bias[N8], z_c[N8], multiplier[N8], left_shift[N8], right_shift[N8], then int16
// U'[N8 / 8][P][in_c][8] (P = 16 or 25): per group of 8 output channels, per transform position,
// per input channel, the 8 channels' U' (zero past out_c).
constexpr int kWinoMaxChannels = 1024;  // 4 * 9 * 1024 * 128 * 255 < 2^31

// Geometries the transform handles: groups 1, 3x3, stride 1, dilation 1, in_c a multiple of 8 in
// [8, kWinoMaxChannels] (any padding and output size: every tap is bounds-checked).
bool wino_supported(const ConvGeometry& g);
// The output tile edge m (2 or 3) with the fewer transform-domain multiplies for g's output size.
int wino_tile(const ConvGeometry& g);
// Whether `isa` runs g through Winograd: v80 and armv7 (not dotprod: its GEMM does 16 int8 MACs
// per SDOT, more than Winograd's 4 int16 ones per SMLAL save), and only where it beats the GEMM.
bool wino_preferred(const ConvGeometry& g, Isa isa);

// The forms without `tile` use wino_tile(g). tile: 2 or 3, anything else fails (size 0, false).
size_t wino_packed_size(const ConvGeometry& g);
size_t wino_packed_size(const ConvGeometry& g, int tile);
// Transforms raw OHWI weights (values in [-127, 127]) with their per-channel fields into `out`
// (wino_packed_size bytes). False if !wino_supported(g) or a weight is -128.
bool wino_pack(const ConvGeometry& g, const int8_t* weights_ohwi, const int32_t* weight_zero_points,
               const int32_t* bias_folded, const int32_t* multipliers, const int32_t* shifts,
               void* out);
bool wino_pack(const ConvGeometry& g, int tile, const int8_t* weights_ohwi,
               const int32_t* weight_zero_points, const int32_t* bias_folded,
               const int32_t* multipliers, const int32_t* shifts, void* out);
// The same from a buffer packed for the GEMM (any layout packed_valid accepts).
bool wino_repack(const ConvGeometry& g, const void* src, size_t src_size, void* out);
bool wino_repack(const ConvGeometry& g, int tile, const void* src, size_t src_size, void* out);
// True if buf holds `size` bytes of a wino_f23 or wino_f33 buffer for g whose fields are in range.
bool wino_packed_valid(const ConvGeometry& g, const void* buf, size_t size);

// Enough for either tile.
size_t wino_scratch_size(const ConvGeometry& g);
int wino_work_items(const ConvGeometry& g);  // batch * ceil(out_h / wino_tile(g))
int wino_work_items(const ConvGeometry& g, int tile);
// Tile rows alone split a late layer badly over threads (a 14x14 output is 5 F(3x3) tile rows for
// 4 threads): then the output channels' groups of 8 go in `threads` blocks, every block
// transforming its tiles' input again (a few % of the layer) while the GEMM splits evenly. 1 when
// the rows split within 10 % of evenly.
int wino_channel_blocks(const ConvGeometry& g, int threads);

// Computes items [begin, end) of channel_blocks * wino_work_items(g, tile) (tile: the packed
// buffer's): item i is tile row i % rows (output rows m r .. m r + m - 1) for the output channels
// of block i / rows (channel_blocks in [1, ceil(out_c / 8)]). Same conventions and guarantees as
// conv_run (bit-identical to ref::conv_q8 whatever the split).
bool wino_conv_run(Isa isa, const QConvParams& p, const void* packed, const int8_t* input,
                   int in_stride, int8_t* output, int out_stride, int begin, int end,
                   void* scratch, int channel_blocks = 1);

}  // namespace octet::neon

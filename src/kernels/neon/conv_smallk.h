// Convolutions with few kernel elements (K = kernel_h * kernel_w * in_c <= 32: the first layer of
// an RGB network, e.g. 3x3x3) on the ARMv8.0 path (the A53 class). The int8 GEMM pads K to 16 and
// pays a requant epilogue per 4x4 tile; here im2col widens each pixel's K taps to int16 (K
// exactly: the last K % 8 k are a jump into the unrolled step) and SMLAL by element does 8 pixels x 8 output channels per k with 16
// accumulators, one requant epilogue per 64 outputs.
//
// Zero points fold into the weights: the packed int16 weights are w - z_c (|w - z_c| <= 255 for
// int8 zero points), so acc = bias_folded + sum_k a_k (w_k - z_c) needs no activation sums. The
// int32 sum wraps like ref's (exact modulo 2^32, and |sum| <= 32 * 128 * 255 never wraps anyway).
//
//   runtime:  smallk_preferred(g, isa) ?  smallk_pack / smallk_repack once at load
//             scratch = smallk_scratch_size(g)  (per concurrently running call / thread)
//             smallk_conv_run(isa, p, packed, in, ..., begin, end, scratch)   allocates nothing
//
// Work items are output pixels (batch * out_h * out_w), as for conv_run.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/neon/conv_gemm.h"
#include "kernels/neon/isa.h"
#include "kernels/op_params.h"

namespace octet::neon {

// Packed layout WeightLayout::small_k (made at load, never stored in model files):
// PackedHeader {layout 5, n = out_c, k = K, kp = K rounded up to 8, nr = 8}, then with N8 = out_c
// rounded up to 8: int32 bias[N8], z_c[N8], multiplier[N8], left_shift[N8], right_shift[N8], then
// int16 weights [N8 / 8][kp][8] holding w - z_c (zero for k >= K and channels >= out_c).
constexpr int kSmallKMax = 32;

// Geometries the kernel handles: groups 1, K <= kSmallKMax (any stride, dilation, padding).
bool smallk_supported(const ConvGeometry& g);
// Whether `isa` runs g here: v80 only (the dotprod GEMM does 16 MACs per SDOT), with at least 8
// output channels and 8 pixels (below, the 8x8 tile is mostly padding), and not for the 1x1
// stride-1 convs with in_c 32 (the GEMM reads those from the input with no K padding).
bool smallk_preferred(const ConvGeometry& g, Isa isa);

size_t smallk_packed_size(const ConvGeometry& g);
// Packs raw OHWI weights (values in [-127, 127]) with their per-channel fields into `out`
// (smallk_packed_size bytes). False if !smallk_supported(g), a weight is -128 or a zero point is
// outside [-128, 127].
bool smallk_pack(const ConvGeometry& g, const int8_t* weights_ohwi,
                 const int32_t* weight_zero_points, const int32_t* bias_folded,
                 const int32_t* multipliers, const int32_t* shifts, void* out);
// The same from a buffer packed for the GEMM (any layout packed_valid accepts).
bool smallk_repack(const ConvGeometry& g, const void* src, size_t src_size, void* out);
// True if buf holds `size` bytes of a small_k buffer for g whose fields are in range.
bool smallk_packed_valid(const ConvGeometry& g, const void* buf, size_t size);

size_t smallk_scratch_size(const ConvGeometry& g);
int smallk_work_items(const ConvGeometry& g);  // batch * out_h * out_w

// Computes output pixels [begin, end). Same conventions and guarantees as conv_run
// (bit-identical to ref::conv_q8 whatever the split).
bool smallk_conv_run(Isa isa, const QConvParams& p, const void* packed, const int8_t* input,
                     int in_stride, int8_t* output, int out_stride, int begin, int end,
                     void* scratch);

}  // namespace octet::neon

// NEON int8 depthwise convolution (DESIGN.md §6): specialised 3x3 stride 1 / stride 2 kernels and a
// general kernel (any kernel size, stride, dilation, padding, channel multiplier).
//
// Packed weights, layout id kDwconvLayoutC8I16 (written by the converter at conversion time; the
// runtime passes the buffer to dwconv_run unchanged). Cp = out_c rounded up to 8; T = kh * kw.
// Little-endian, 16-byte aligned, every section a multiple of 16 bytes:
//   int32 header[4]    layout id, flags (bit 0: the SDOT section below is present), Cp, T
//   int32 bias[Cp]     bias_folded[c] + z_a * sum_t (w[c][t] - z_c)
//   int32 mult[Cp]     requant Q31 multiplier
//   int32 lshift[Cp]   max(shift, 0)
//   int32 rshift[Cp]   min(shift, 0)
//   int16 w[T][Cp]     w[c][t] - z_c (tap-major, channels contiguous; padding channels 0)
// With these the SMLAL kernels compute acc = bias[c] + sum over taps inside the input of
// (a - z_a) * (w - z_c), which equals the ref formula bias_folded + sum a*w - z_c * sum a (padded
// taps reading z_a) exactly, modulo 2^32 like the ref's int32 arithmetic. Weights are pre-subtracted
// because those kernels widen to int16 anyway: no activation sums are needed.
// 3x3 geometries with multiplier 1 and dilation 1 also carry the SDOT section (flag bit 0; absent
// when some z_c is -128, since -z_c must fit int8):
//   int32 bias_folded[Cp]
//   int32 has_z[round_up(Cp / 8, 4)]   per block of 8 channels: 1 if the block needs the z_c SDOTs
//                                      (some w - z_c outside int8), 0 if Wa/Wb hold w - z_c
//   int8  block[Cp / 8][256]           per block of 8 channels, 16-byte vectors, 4 channels each
//                                      (quad q = channels 4q..4q+3, 4 bytes per channel):
//         Wa[kx][q] (kx 0..2)  [w(0,kx), w(1,kx), w(2,kx), 0]    int8 weights (row ky, column kx):
//                              raw w when has_z, else w - z_c
//         Wb[kx][q]            [0, w(0,kx), w(1,kx), w(2,kx)]
//         Za[q]                [-z_c, -z_c, -z_c, 0]    (zero when !has_z)
//         Zb[q]                [0, -z_c, -z_c, -z_c]
// The SDOT kernels interleave four input rows per channel (one 32-bit lane = 4 rows of a column)
// and compute acc = bias_folded + sum a*w - z_c * sum a directly, padded taps reading z_a.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/neon/isa.h"
#include "kernels/op_params.h"

namespace octet::neon {

// Layout ids are stored in model files: never renumber. Depthwise ids start at 16, clear of the
// GEMM WeightLayout values (conv_gemm.h).
constexpr int kDwconvLayoutC8I16 = 16;

// Depthwise geometry this operator handles: groups == in_c, out_c a multiple of in_c, batch >= 1.
bool dwconv_supported(const ConvGeometry& g);
size_t dwconv_packed_size(const ConvGeometry& g);
// Writes the packed buffer (dwconv_packed_size bytes, 16-byte aligned). Uses p.geom,
// p.input_zero_point, weights, weight_zero_points, bias_folded and requant.multiplier/shift.
// Returns false when the geometry is unsupported or a pointer is missing.
bool dwconv_pack(const QConvParams& p, void* packed);
// No scratch memory is needed.
inline size_t dwconv_scratch_size(const ConvGeometry&) { return 0; }

// Runs output rows [row_begin, row_end) of the flattened batch * out_h rows. Any split of the rows
// gives bit-identical results. in_stride / out_stride: pixel strides in elements (0 = dense).
// p.weights / weight_zero_points / bias_folded / requant.multiplier / shift are not read (they are
// in `packed`); p.geom, p.input_zero_point and the requant zero point and clamp bounds are.
// `path` is the kernel path (isa.h; the runtime passes active_isa()): v80, dotprod, armv7. Returns
// false when isa_supported(path) is false, for Isa::ref / i8mm (no depthwise kernel: the caller runs
// octet::ref), or when the geometry or the packed buffer is not what this operator expects.
bool dwconv_run(Isa path, const QConvParams& p, const void* packed, const int8_t* input,
                int8_t* output, int row_begin, int row_end, int in_stride = 0, int out_stride = 0);

// Which kernel dwconv_run uses for a geometry (for benchmarks and logs).
enum class DwKernel { k3x3s1, k3x3s2, general };
DwKernel dwconv_kernel_for(const ConvGeometry& g);

}  // namespace octet::neon

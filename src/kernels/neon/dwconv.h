// NEON int8 depthwise convolution (DESIGN.md §6): specialised 3x3 stride 1 / stride 2 kernels and a
// general kernel (any kernel size, stride, dilation, padding, channel multiplier).
//
// Packed weights, layout id kDwconvLayoutC8I16 (written by the converter at conversion time; the
// runtime passes the buffer to dwconv_run unchanged). Cp = out_c rounded up to 8; T = kh * kw.
// All sections little-endian, the buffer 16-byte aligned:
//   int32 bias[Cp]     bias_folded[c] + z_a * sum_t (w[c][t] - z_c)
//   int32 mult[Cp]     requant Q31 multiplier
//   int32 lshift[Cp]   max(shift, 0)
//   int32 rshift[Cp]   min(shift, 0)
//   int16 w[T][Cp]     w[c][t] - z_c (tap-major, channels contiguous; padding channels 0)
// With these the kernels compute acc = bias[c] + sum over taps inside the input of
// (a - z_a) * (w - z_c), which equals the ref formula bias_folded + sum a*w - z_c * sum a (padded
// taps reading z_a) exactly, modulo 2^32 like the ref's int32 arithmetic. Weights are pre-subtracted
// because depthwise kernels widen to int16 anyway: no activation sums are needed.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/neon/dw_path.h"
#include "kernels/op_params.h"

namespace octet::neon {

constexpr int kDwconvLayoutC8I16 = 1;

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
// Returns false when the path is not built into this binary or the geometry is unsupported.
bool dwconv_run(DwPath path, const QConvParams& p, const void* packed, const int8_t* input,
                int8_t* output, int row_begin, int row_end, int in_stride = 0, int out_stride = 0);

// Which kernel dwconv_run uses for a geometry (for benchmarks and logs).
enum class DwKernel { k3x3s1, k3x3s2, general };
DwKernel dwconv_kernel_for(const ConvGeometry& g);

}  // namespace octet::neon

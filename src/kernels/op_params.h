// Parameter structs shared by every implementation of an operator (ref, NEON). Tensors are NHWC.
// A "pixel stride" is the distance in elements between two consecutive pixels of a tensor: equal to
// its channel count for a dense tensor, larger when a producer writes its channel slice of a
// concatenated tensor (DESIGN.md §5: concatenation costs nothing).
#pragma once
#include <cstdint>
#include <limits>

namespace octet {

// A fused clamp [lo, hi] that is the whole int8 range (no activation, or a calibrated ReLU /
// ReLU6 whose range is the quantization range: the usual layer) is the saturating narrowing to
// int8 itself; kernels skip their SMAX/SMIN for it.
constexpr bool clamp_is_int8_range(int32_t lo, int32_t hi) { return lo <= -128 && hi >= 127; }

// Convolution geometry; depthwise is groups == in_c (out_c = in_c * depth multiplier).
// Output size is given, not derived, so any padding convention (SAME, VALID, explicit, ONNX
// auto_pad) is the caller's business: pad_top/pad_left place the window; taps outside the input
// read the input's zero point (int8) or 0.0 (float).
struct ConvGeometry {
  int batch = 1;
  int in_h = 0, in_w = 0, in_c = 0;
  int out_h = 0, out_w = 0, out_c = 0;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0;
  int groups = 1;

  int in_c_per_group() const { return in_c / groups; }
  int out_c_per_group() const { return out_c / groups; }
  // K: number of weights per output channel.
  int kernel_elements() const { return kernel_h * kernel_w * in_c_per_group(); }
  bool is_depthwise() const { return groups == in_c && groups > 1 && out_c % in_c == 0; }
  // Output extent for an input extent with the given total padding (floor mode).
  static int out_extent(int in, int kernel, int stride, int dilation, int pad_total) {
    return (in + pad_total - dilation * (kernel - 1) - 1) / stride + 1;
  }
  // Fully connected as a convolution: the 1x1 geometry of one pixel per batch row.
  static ConvGeometry fully_connected(int batch, int in_c, int out_c) {
    ConvGeometry g;
    g.batch = batch;
    g.in_h = g.in_w = g.out_h = g.out_w = 1;
    g.in_c = in_c;
    g.out_c = out_c;
    return g;
  }
};

// Per-output-channel requantization (DESIGN.md §3): out = clamp(zp + rescale(acc, m_c, s_c)).
struct Requant {
  const int32_t* multiplier = nullptr;  // [channels]
  const int32_t* shift = nullptr;       // [channels]
  int32_t output_zero_point = 0;
  int32_t clamp_min = -128;  // fused activation: the clamp bounds in the quantized domain
  int32_t clamp_max = 127;
};

// int8 convolution / fully connected. Weights are raw int8 in [-127, 127], layout OHWI
// ([out_c][kernel_h][kernel_w][in_c / groups]), per-output-channel zero points z_c.
// bias_folded holds bias - z_a * sum_k(w) + K * z_a * z_c (fold_zero_point_terms), so that
//   acc = bias_folded[c] + sum_k a_k * w_k - z_c * sum_k a_k
// equals bias + sum_k (a_k - z_a)(w_k - z_c) exactly, padded taps reading a_k = z_a.
struct QConvParams {
  ConvGeometry geom;
  int32_t input_zero_point = 0;
  const int8_t* weights = nullptr;
  const int32_t* weight_zero_points = nullptr;  // [out_c]
  const int32_t* bias_folded = nullptr;         // [out_c]
  Requant requant;
};

struct FConvParams {
  ConvGeometry geom;
  const float* weights = nullptr;  // OHWI
  const float* bias = nullptr;     // [out_c] or null
  float clamp_min = -std::numeric_limits<float>::infinity();
  float clamp_max = std::numeric_limits<float>::infinity();
};

// Pooling window geometry (NHWC, channels pass through).
struct PoolGeometry {
  int batch = 1;
  int in_h = 0, in_w = 0, channels = 0;
  int out_h = 0, out_w = 0;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0;
  bool count_include_pad = false;  // average pool: divide by the full window, padding included
};

// int8 average pooling: out = clamp(zp_o + rescale(sum(a - zp_i), M(count))) with
// M(count) = s_i / (s_o * count) from avg_pool_multiplier(); count is the number of taps inside
// the input, or kernel_h * kernel_w when count_include_pad.
struct QPoolParams {
  PoolGeometry geom;
  float input_scale = 1.0f;
  int32_t input_zero_point = 0;
  float output_scale = 1.0f;
  int32_t output_zero_point = 0;
  int32_t clamp_min = -128, clamp_max = 127;
};

// int8 elementwise add with its own input scales (residual connections), one rounding:
//   acc = (a - z_a) * m_a + (b - z_b) * m_b          (int32, exact: |acc| < 2 * 255 * 2^15)
//   out = clamp(z_o + ((acc + 2^(shift-1)) >> shift))  (arithmetic shift: ties round up; shift 0: acc)
// with m_a = round(s_a / s_o * 2^shift), m_b likewise, both in [0, kAddMaxMultiplier], shift in
// [0, 31] the largest that keeps the larger one in range: 15-bit multipliers let NEON use
// SMULL/SMLAL by element on the int16 differences, and the one rounding step is SRSHL (about a
// third of the instructions of a rescale per input plus one for the sum). make_add_params()
// in src/quant computes them.
constexpr int32_t kAddMaxMultiplier = 32767;
struct QAddParams {
  int32_t a_zero_point = 0, b_zero_point = 0, output_zero_point = 0;
  int32_t a_multiplier = 0, b_multiplier = 0;
  int32_t shift = 0;
  int32_t clamp_min = -128, clamp_max = 127;
};

}  // namespace octet

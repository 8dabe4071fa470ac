// Shared helpers of the depthwise / pooling / add tests: random data, the paths to force, and a
// scalar oracle written straight from the documented formulas (op_params.h, rescale.h). The
// tests compare NEON with this oracle and, once the ref kernels are implemented, with them too.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/neon/dw_path.h"
#include "kernels/op_params.h"
#include "quant/op_quant.h"
#include "quant/rescale.h"

namespace octet::dwtest {

inline std::vector<neon::DwPath> runnable_paths() {
  std::vector<neon::DwPath> out;
  for (auto p : {neon::DwPath::v80, neon::DwPath::dotprod, neon::DwPath::armv7})
    if (neon::dw_path_runnable(p)) out.push_back(p);
  return out;
}

inline std::vector<int8_t> random_bytes(std::mt19937& rng, size_t n, int lo = -128, int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

inline int rnd(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

// Depthwise conv oracle: acc = bias_folded + sum a*w - z_c * sum a, padded taps read z_a.
inline void oracle_dwconv(const QConvParams& p, const int8_t* in, int8_t* out, int in_stride,
                          int out_stride) {
  const ConvGeometry& g = p.geom;
  const int m = g.out_c / g.in_c, taps = g.kernel_h * g.kernel_w;
  for (int b = 0; b < g.batch; ++b)
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox)
        for (int o = 0; o < g.out_c; ++o) {
          int64_t sum_aw = 0, sum_a = 0;
          for (int ky = 0; ky < g.kernel_h; ++ky)
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              int32_t a = p.input_zero_point;
              if (iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w)
                a = in[((static_cast<size_t>(b) * g.in_h + iy) * g.in_w + ix) * in_stride + o / m];
              sum_aw += a * p.weights[static_cast<size_t>(o) * taps + ky * g.kernel_w + kx];
              sum_a += a;
            }
          const int32_t acc = static_cast<int32_t>(p.bias_folded[o] + sum_aw - p.weight_zero_points[o] * sum_a);
          out[((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * out_stride + o] =
              requantize(acc, p.requant.multiplier[o], p.requant.shift[o], p.requant.output_zero_point,
                         p.requant.clamp_min, p.requant.clamp_max);
        }
}

inline void oracle_max_pool(const PoolGeometry& g, int32_t lo, int32_t hi, const int8_t* in,
                            int8_t* out, int in_stride, int out_stride) {
  for (int b = 0; b < g.batch; ++b)
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox)
        for (int c = 0; c < g.channels; ++c) {
          int32_t m = -128;
          for (int ky = 0; ky < g.kernel_h; ++ky)
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int iy = oy * g.stride_h - g.pad_top + ky, ix = ox * g.stride_w - g.pad_left + kx;
              if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) continue;
              const int32_t v = in[((static_cast<size_t>(b) * g.in_h + iy) * g.in_w + ix) * in_stride + c];
              if (v > m) m = v;
            }
          m = m < lo ? lo : m > hi ? hi : m;
          out[((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * out_stride + c] = static_cast<int8_t>(m);
        }
}

inline void oracle_avg_pool(const QPoolParams& p, const int8_t* in, int8_t* out, int in_stride,
                            int out_stride) {
  const PoolGeometry& g = p.geom;
  for (int b = 0; b < g.batch; ++b)
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox)
        for (int c = 0; c < g.channels; ++c) {
          int32_t sum = 0, valid = 0;
          for (int ky = 0; ky < g.kernel_h; ++ky)
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int iy = oy * g.stride_h - g.pad_top + ky, ix = ox * g.stride_w - g.pad_left + kx;
              if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) continue;
              sum += in[((static_cast<size_t>(b) * g.in_h + iy) * g.in_w + ix) * in_stride + c] - p.input_zero_point;
              ++valid;
            }
          const int count = g.count_include_pad ? g.kernel_h * g.kernel_w : valid;
          const Multiplier m = avg_pool_multiplier(p.input_scale, p.output_scale, count);
          out[((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * out_stride + c] =
              requantize(sum, m.multiplier, m.shift, p.output_zero_point, p.clamp_min, p.clamp_max);
        }
}

inline void oracle_global_avg_pool(const QPoolParams& p, const int8_t* in, int8_t* out) {
  const PoolGeometry& g = p.geom;
  const int pixels = g.in_h * g.in_w;
  const Multiplier m = avg_pool_multiplier(p.input_scale, p.output_scale, pixels);
  for (int b = 0; b < g.batch; ++b)
    for (int c = 0; c < g.channels; ++c) {
      int32_t sum = 0;
      for (int i = 0; i < pixels; ++i)
        sum += in[(static_cast<size_t>(b) * pixels + i) * g.channels + c] - p.input_zero_point;
      out[static_cast<size_t>(b) * g.channels + c] =
          requantize(sum, m.multiplier, m.shift, p.output_zero_point, p.clamp_min, p.clamp_max);
    }
}

inline void oracle_add(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t x = rescale((a[i] - p.a_zero_point) * (1 << kAddLeftShift), p.a_multiplier, p.a_shift) +
                      rescale((b[i] - p.b_zero_point) * (1 << kAddLeftShift), p.b_multiplier, p.b_shift);
    out[i] = requantize(x, p.output_multiplier, p.output_shift, p.output_zero_point, p.clamp_min, p.clamp_max);
  }
}

}  // namespace octet::dwtest

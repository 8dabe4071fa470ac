// Float convolution for the converter's calibration executor: 1x1 stride-1 convolutions are a
// GEMM on the NHWC input itself, depthwise convolutions run directly (vectorised over channels),
// everything else is im2col (in chunks of output pixels, to bound the buffer) + the blocked GEMM.
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/ref/gemm_f32_strided.h"
#include "kernels/ref/ref_kernels.h"

namespace octet::ref {

namespace {

constexpr size_t kIm2colFloats = size_t{1} << 18;  // 1 MiB per chunk

bool is_pointwise(const ConvGeometry& g) {
  return g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 &&
         g.pad_top == 0 && g.pad_left == 0 && g.out_h == g.in_h && g.out_w == g.in_w;
}

// Rows [p0, p0 + rows) of the im2col matrix of group `grp` of one image: row = output pixel,
// columns in OHWI weight order (ky, kx, ic); padded taps are 0.
void im2col(const ConvGeometry& g, const float* in_b, int grp, int p0, int rows, float* col) {
  const int icg = g.in_c_per_group();
  const int K = g.kernel_elements();
  for (int r = 0; r < rows; ++r) {
    const int oy = (p0 + r) / g.out_w, ox = (p0 + r) % g.out_w;
    float* dst = col + static_cast<size_t>(r) * K;
    for (int ky = 0; ky < g.kernel_h; ++ky) {
      const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
      for (int kx = 0; kx < g.kernel_w; ++kx, dst += icg) {
        const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
        if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) {
          std::fill(dst, dst + icg, 0.0f);
        } else {
          const float* src = in_b + (static_cast<size_t>(iy) * g.in_w + ix) * g.in_c + grp * icg;
          std::memcpy(dst, src, sizeof(float) * icg);
        }
      }
    }
  }
}

// Depthwise (groups == in_c, out_c = in_c * mult): weights repacked tap-major so the inner loop
// runs over contiguous output channels.
void depthwise(const FConvParams& p, const float* input, float* output) {
  const ConvGeometry& g = p.geom;
  const int taps = g.kernel_h * g.kernel_w;
  const int C = g.out_c, mult = g.out_c / g.in_c;
  std::vector<float> wt(static_cast<size_t>(taps) * C);
  for (int oc = 0; oc < C; ++oc)
    for (int t = 0; t < taps; ++t) wt[static_cast<size_t>(t) * C + oc] = p.weights[static_cast<size_t>(oc) * taps + t];
  for (int b = 0; b < g.batch; ++b) {
    const float* in_b = input + static_cast<size_t>(b) * g.in_h * g.in_w * g.in_c;
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox) {
        float* __restrict o = output + ((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * C;
        for (int oc = 0; oc < C; ++oc) o[oc] = p.bias ? p.bias[oc] : 0.0f;
        for (int ky = 0; ky < g.kernel_h; ++ky) {
          const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int kx = 0; kx < g.kernel_w; ++kx) {
            const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
            if (ix < 0 || ix >= g.in_w) continue;
            const float* __restrict a = in_b + (static_cast<size_t>(iy) * g.in_w + ix) * g.in_c;
            const float* __restrict w = wt.data() + static_cast<size_t>(ky * g.kernel_w + kx) * C;
            if (mult == 1) {
              for (int c = 0; c < C; ++c) o[c] += a[c] * w[c];
            } else {
              for (int c = 0; c < g.in_c; ++c)
                for (int m = 0; m < mult; ++m) o[c * mult + m] += a[c] * w[c * mult + m];
            }
          }
        }
        for (int oc = 0; oc < C; ++oc) o[oc] = std::min(std::max(o[oc], p.clamp_min), p.clamp_max);
      }
  }
}

}  // namespace

void conv_f32(const FConvParams& p, const float* input, float* output) {
  const ConvGeometry& g = p.geom;
  if (g.is_depthwise()) return depthwise(p, input, output);
  const int icg = g.in_c_per_group(), ocg = g.out_c_per_group();
  const int K = g.kernel_elements();
  if (is_pointwise(g)) {
    const int M = g.batch * g.in_h * g.in_w;
    for (int grp = 0; grp < g.groups; ++grp)
      gemm_f32_strided(M, ocg, K, input + grp * icg, g.in_c, p.weights + static_cast<size_t>(grp) * ocg * K,
                       K, p.bias ? p.bias + grp * ocg : nullptr, p.clamp_min, p.clamp_max,
                       output + grp * ocg, g.out_c);
    return;
  }
  const int pixels = g.out_h * g.out_w;
  const int chunk = static_cast<int>(std::clamp<size_t>(kIm2colFloats / std::max(K, 1), 1, pixels));
  std::vector<float> col(static_cast<size_t>(chunk) * K);
  for (int b = 0; b < g.batch; ++b) {
    const float* in_b = input + static_cast<size_t>(b) * g.in_h * g.in_w * g.in_c;
    float* out_b = output + static_cast<size_t>(b) * pixels * g.out_c;
    for (int p0 = 0; p0 < pixels; p0 += chunk) {
      const int rows = std::min(chunk, pixels - p0);
      for (int grp = 0; grp < g.groups; ++grp) {
        im2col(g, in_b, grp, p0, rows, col.data());
        gemm_f32_strided(rows, ocg, K, col.data(), K, p.weights + static_cast<size_t>(grp) * ocg * K, K,
                         p.bias ? p.bias + grp * ocg : nullptr, p.clamp_min, p.clamp_max,
                         out_b + static_cast<size_t>(p0) * g.out_c + grp * ocg, g.out_c);
      }
    }
  }
}

void fully_connected_f32(const FConvParams& p, const float* input, float* output) {
  gemm_f32(p.geom.batch, p.geom.out_c, p.geom.in_c, input, p.weights, p.bias, p.clamp_min,
           p.clamp_max, output);
}

}  // namespace octet::ref

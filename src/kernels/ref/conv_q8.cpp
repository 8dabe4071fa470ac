// int8 convolution and fully connected: the bit-exact oracle (see QConvParams in op_params.h).
// Accumulation is done in int64 and wrapped to int32 at the end, which equals the int32
// wrap-around arithmetic of the NEON kernels (and is exact whenever the true sum fits in int32).
#include "kernels/ref/ref_kernels.h"
#include "quant/rescale.h"

namespace octet::ref {

namespace {

// acc = bias_folded[c] + sum_k a_k * w_k - z_c * sum_k a_k, then requantize.
inline int8_t finish(const QConvParams& p, int c, int64_t sum_aw, int64_t sum_a) {
  const int64_t z_c = p.weight_zero_points ? p.weight_zero_points[c] : 0;
  const int64_t bias = p.bias_folded ? p.bias_folded[c] : 0;
  const int32_t acc = static_cast<int32_t>(static_cast<uint32_t>(bias + sum_aw - z_c * sum_a));
  const Requant& r = p.requant;
  return requantize(acc, r.multiplier[c], r.shift[c], r.output_zero_point, r.clamp_min,
                    r.clamp_max);
}

}  // namespace

void conv_q8(const QConvParams& p, const int8_t* input, int8_t* output, int in_stride,
             int out_stride) {
  const ConvGeometry& g = p.geom;
  if (in_stride == 0) in_stride = g.in_c;
  if (out_stride == 0) out_stride = g.out_c;
  const int icg = g.in_c_per_group();
  const int ocg = g.out_c_per_group();
  const int K = g.kernel_elements();
  const int32_t za = p.input_zero_point;
  for (int b = 0; b < g.batch; ++b) {
    const int8_t* in_b = input + static_cast<size_t>(b) * g.in_h * g.in_w * in_stride;
    for (int oy = 0; oy < g.out_h; ++oy) {
      for (int ox = 0; ox < g.out_w; ++ox) {
        int8_t* out = output + ((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * out_stride;
        // Visits the taps of this pixel's window: fn(tap index, input pointer or null if padded).
        auto for_each_tap = [&](auto fn) {
          for (int ky = 0; ky < g.kernel_h; ++ky) {
            const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              const bool inside = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w;
              fn(ky * g.kernel_w + kx,
                 inside ? in_b + (static_cast<size_t>(iy) * g.in_w + ix) * in_stride : nullptr);
            }
          }
        };
        for (int grp = 0; grp < g.groups; ++grp) {
          const int c0 = grp * icg;
          // sum_k a_k over the window, once per group (padded taps read z_a).
          int64_t sum_a = 0;
          for_each_tap([&](int, const int8_t* a) {
            if (!a) {
              sum_a += static_cast<int64_t>(za) * icg;
              return;
            }
            int32_t s = 0;
            for (int ic = 0; ic < icg; ++ic) s += a[c0 + ic];
            sum_a += s;
          });
          for (int oc = grp * ocg; oc < (grp + 1) * ocg; ++oc) {
            const int8_t* w = p.weights + static_cast<size_t>(oc) * K;
            int64_t sum_aw = 0;
            for_each_tap([&](int tap, const int8_t* a) {
              const int8_t* __restrict wk = w + tap * icg;
              int32_t s = 0;  // one tap: |s| <= icg * 128 * 127, ample in int32
              if (a) {
                const int8_t* __restrict at = a + c0;
                for (int ic = 0; ic < icg; ++ic) s += at[ic] * wk[ic];
              } else {
                for (int ic = 0; ic < icg; ++ic) s += wk[ic];
                s *= za;
              }
              sum_aw += s;
            });
            out[oc] = finish(p, oc, sum_aw, sum_a);
          }
        }
      }
    }
  }
}

void fully_connected_q8(const QConvParams& p, const int8_t* input, int8_t* output) {
  const ConvGeometry& g = p.geom;
  const int K = g.in_c;
  for (int b = 0; b < g.batch; ++b) {
    const int8_t* a = input + static_cast<size_t>(b) * K;
    int64_t sum_a = 0;
    for (int k = 0; k < K; ++k) sum_a += a[k];
    for (int oc = 0; oc < g.out_c; ++oc) {
      const int8_t* w = p.weights + static_cast<size_t>(oc) * K;
      int64_t sum_aw = 0;
      for (int k = 0; k < K; ++k) sum_aw += a[k] * w[k];
      output[static_cast<size_t>(b) * g.out_c + oc] = finish(p, oc, sum_aw, sum_a);
    }
  }
}

}  // namespace octet::ref

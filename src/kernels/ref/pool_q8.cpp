// int8 max, average and global average pooling (see QPoolParams in op_params.h).
// A window with no tap inside the input (only possible when padding reaches a whole kernel) has
// max -128 (clamped) and average 0, i.e. the output zero point (clamped).
#include <algorithm>

#include "kernels/ref/ref_kernels.h"
#include "quant/op_quant.h"

namespace octet::ref {

namespace {

inline int8_t clamp8(int32_t v, int32_t lo, int32_t hi) {
  return static_cast<int8_t>(std::min(std::max(v, lo), hi));
}

// The window of output (oy, ox) clipped to the input: [y0, y1) x [x0, x1).
struct Window {
  int y0, y1, x0, x1;
};
inline Window window(const PoolGeometry& g, int oy, int ox) {
  const int ys = oy * g.stride_h - g.pad_top, xs = ox * g.stride_w - g.pad_left;
  return {std::max(ys, 0), std::min(ys + g.kernel_h, g.in_h), std::max(xs, 0),
          std::min(xs + g.kernel_w, g.in_w)};
}

}  // namespace

void max_pool_q8(const PoolGeometry& g, int32_t clamp_min, int32_t clamp_max, const int8_t* input,
                 int8_t* output, int in_stride, int out_stride) {
  if (in_stride == 0) in_stride = g.channels;
  if (out_stride == 0) out_stride = g.channels;
  for (int b = 0; b < g.batch; ++b) {
    const int8_t* in_b = input + static_cast<size_t>(b) * g.in_h * g.in_w * in_stride;
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox) {
        int8_t* out = output + ((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * out_stride;
        const Window w = window(g, oy, ox);
        for (int c = 0; c < g.channels; ++c) {
          int32_t m = -128;
          for (int y = w.y0; y < w.y1; ++y)
            for (int x = w.x0; x < w.x1; ++x)
              m = std::max<int32_t>(m, in_b[(static_cast<size_t>(y) * g.in_w + x) * in_stride + c]);
          out[c] = clamp8(m, clamp_min, clamp_max);
        }
      }
  }
}

void avg_pool_q8(const QPoolParams& p, const int8_t* input, int8_t* output, int in_stride,
                 int out_stride) {
  const PoolGeometry& g = p.geom;
  if (in_stride == 0) in_stride = g.channels;
  if (out_stride == 0) out_stride = g.channels;
  int cached_count = -1;  // the multiplier only depends on the tap count: compute it once per count
  Multiplier m;
  for (int b = 0; b < g.batch; ++b) {
    const int8_t* in_b = input + static_cast<size_t>(b) * g.in_h * g.in_w * in_stride;
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox) {
        int8_t* out = output + ((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * out_stride;
        const Window w = window(g, oy, ox);
        const int inside = std::max(w.y1 - w.y0, 0) * std::max(w.x1 - w.x0, 0);
        const int count = g.count_include_pad ? g.kernel_h * g.kernel_w : inside;
        if (count != cached_count) {
          m = count > 0 ? avg_pool_multiplier(p.input_scale, p.output_scale, count) : Multiplier{};
          cached_count = count;
        }
        for (int c = 0; c < g.channels; ++c) {
          int32_t sum = 0;  // padded taps are real 0: they add nothing
          for (int y = w.y0; y < w.y1; ++y)
            for (int x = w.x0; x < w.x1; ++x)
              sum += in_b[(static_cast<size_t>(y) * g.in_w + x) * in_stride + c] - p.input_zero_point;
          out[c] = requantize(sum, m.multiplier, m.shift, p.output_zero_point, p.clamp_min, p.clamp_max);
        }
      }
  }
}

void global_avg_pool_q8(const QPoolParams& p, const int8_t* input, int8_t* output) {
  const PoolGeometry& g = p.geom;
  const int count = g.in_h * g.in_w;
  const Multiplier m = count > 0 ? avg_pool_multiplier(p.input_scale, p.output_scale, count) : Multiplier{};
  for (int b = 0; b < g.batch; ++b) {
    const int8_t* in_b = input + static_cast<size_t>(b) * count * g.channels;
    for (int c = 0; c < g.channels; ++c) {
      int32_t sum = 0;
      for (int i = 0; i < count; ++i) sum += in_b[static_cast<size_t>(i) * g.channels + c] - p.input_zero_point;
      output[static_cast<size_t>(b) * g.channels + c] =
          requantize(sum, m.multiplier, m.shift, p.output_zero_point, p.clamp_min, p.clamp_max);
    }
  }
}

}  // namespace octet::ref

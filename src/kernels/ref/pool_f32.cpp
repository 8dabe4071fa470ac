// Float max, average and global average pooling (NHWC, dense). Inner loops run over contiguous
// channels so they vectorise. An empty window (padding covering a whole kernel) gives -inf for
// max and 0 for average.
#include <algorithm>
#include <limits>

#include "kernels/ref/ref_kernels.h"

namespace octet::ref {

namespace {

struct Window {
  int y0, y1, x0, x1;
};
inline Window window(const PoolGeometry& g, int oy, int ox) {
  const int ys = oy * g.stride_h - g.pad_top, xs = ox * g.stride_w - g.pad_left;
  return {std::max(ys, 0), std::min(ys + g.kernel_h, g.in_h), std::max(xs, 0),
          std::min(xs + g.kernel_w, g.in_w)};
}

}  // namespace

void max_pool_f32(const PoolGeometry& g, const float* input, float* output) {
  const int C = g.channels;
  for (int b = 0; b < g.batch; ++b) {
    const float* in_b = input + static_cast<size_t>(b) * g.in_h * g.in_w * C;
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox) {
        float* __restrict out = output + ((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * C;
        std::fill(out, out + C, -std::numeric_limits<float>::infinity());
        const Window w = window(g, oy, ox);
        for (int y = w.y0; y < w.y1; ++y)
          for (int x = w.x0; x < w.x1; ++x) {
            const float* __restrict in = in_b + (static_cast<size_t>(y) * g.in_w + x) * C;
            for (int c = 0; c < C; ++c) out[c] = std::max(out[c], in[c]);
          }
      }
  }
}

void avg_pool_f32(const PoolGeometry& g, const float* input, float* output) {
  const int C = g.channels;
  for (int b = 0; b < g.batch; ++b) {
    const float* in_b = input + static_cast<size_t>(b) * g.in_h * g.in_w * C;
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox) {
        float* __restrict out = output + ((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * C;
        std::fill(out, out + C, 0.0f);
        const Window w = window(g, oy, ox);
        for (int y = w.y0; y < w.y1; ++y)
          for (int x = w.x0; x < w.x1; ++x) {
            const float* __restrict in = in_b + (static_cast<size_t>(y) * g.in_w + x) * C;
            for (int c = 0; c < C; ++c) out[c] += in[c];
          }
        const int inside = std::max(w.y1 - w.y0, 0) * std::max(w.x1 - w.x0, 0);
        const int count = g.count_include_pad ? g.kernel_h * g.kernel_w : inside;
        const float inv = count > 0 ? 1.0f / static_cast<float>(count) : 0.0f;
        for (int c = 0; c < C; ++c) out[c] *= inv;
      }
  }
}

void global_avg_pool_f32(const PoolGeometry& g, const float* input, float* output) {
  const int C = g.channels;
  const int count = g.in_h * g.in_w;
  const float inv = count > 0 ? 1.0f / static_cast<float>(count) : 0.0f;
  for (int b = 0; b < g.batch; ++b) {
    const float* in_b = input + static_cast<size_t>(b) * count * C;
    float* __restrict out = output + static_cast<size_t>(b) * C;
    std::fill(out, out + C, 0.0f);
    for (int i = 0; i < count; ++i) {
      const float* __restrict in = in_b + static_cast<size_t>(i) * C;
      for (int c = 0; c < C; ++c) out[c] += in[c];
    }
    for (int c = 0; c < C; ++c) out[c] *= inv;
  }
}

}  // namespace octet::ref

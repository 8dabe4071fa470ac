// Output rows [begin, end) counted over batch * out_h, cut into one piece per image. The ref conv
// and pool kernels compute whole images; a piece becomes one of those: batch 1, out_h = its rows,
// and pad_top moved so the window lands where the piece's first row would place it (the ref
// kernels accept a negative pad_top).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace octet::graph {

// Calls fn(piece, in, out) for each image that rows [begin, end) touch, in order: piece is
// `params` (QConvParams, QPoolParams) with its geom cut to that image's rows; in / out point at
// the image and at the piece's first output row. Strides: elements from one pixel to the next.
template <typename Params, typename Fn>
void for_each_row_slice(const Params& params, const int8_t* in, int8_t* out, int in_stride,
                        int out_stride, int begin, int end, Fn&& fn) {
  const auto& g = params.geom;
  for (int b = begin / g.out_h; b < g.batch && b * g.out_h < end; ++b) {
    const int y0 = std::max(begin - b * g.out_h, 0), y1 = std::min(end - b * g.out_h, g.out_h);
    if (y0 >= y1) continue;
    Params piece = params;
    piece.geom.batch = 1;
    piece.geom.out_h = y1 - y0;
    piece.geom.pad_top = g.pad_top - y0 * g.stride_h;
    fn(static_cast<const Params&>(piece), in + static_cast<size_t>(b) * g.in_h * g.in_w * in_stride,
       out + (static_cast<size_t>(b) * g.out_h + y0) * g.out_w * out_stride);
  }
}

}  // namespace octet::graph

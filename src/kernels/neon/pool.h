// NEON int8 pooling: max, average (both padding conventions), global average. Same semantics as
// the ref kernels (kernels/ref/ref_kernels.h); no packing and no scratch memory.
//
// Run functions cover a sub-range so the runtime can split them over threads with bit-identical
// results: [row_begin, row_end) of the flattened batch * out_h output rows for max/avg pooling,
// [c_begin, c_end) of the channels for global average pooling. in_stride / out_stride are pixel
// strides in elements (0 = dense). `path` (isa.h): v80,
// dotprod (runs the v80 kernels) or armv7; they return false when !isa_supported(path) or for ref.
#pragma once
#include <cstdint>

#include "kernels/neon/isa.h"
#include "kernels/op_params.h"

namespace octet::neon {

bool max_pool_run(Isa path, const PoolGeometry& g, int32_t clamp_min, int32_t clamp_max,
                  const int8_t* input, int8_t* output, int row_begin, int row_end,
                  int in_stride = 0, int out_stride = 0);
bool avg_pool_run(Isa path, const QPoolParams& p, const int8_t* input, int8_t* output,
                  int row_begin, int row_end, int in_stride = 0, int out_stride = 0);
// [batch][h][w][c] -> [batch][c], count = h * w (p.geom: batch, in_h, in_w, channels).
bool global_avg_pool_run(Isa path, const QPoolParams& p, const int8_t* input, int8_t* output,
                         int c_begin, int c_end);

}  // namespace octet::neon

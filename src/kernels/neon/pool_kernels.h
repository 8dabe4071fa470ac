// Per-path pooling kernel entry points (internal; pool.cpp picks one).
#pragma once
#include <cstdint>

#include "kernels/op_params.h"

namespace octet::neon {

struct PoolArgs {
  const PoolGeometry* g;
  int32_t clamp_min, clamp_max;
  // average pooling only
  float input_scale, output_scale;
  int32_t input_zero_point, output_zero_point;
  const int8_t* input;
  int8_t* output;
  int in_stride, out_stride;  // resolved pixel strides
  int begin, end;             // rows (max/avg) or channels (global)
};

#define OCTET_POOL_DECLARE(ns)                    \
  namespace ns {                                  \
  void max_pool(const PoolArgs& a);               \
  void avg_pool(const PoolArgs& a);               \
  void global_avg_pool(const PoolArgs& a);        \
  }
OCTET_POOL_DECLARE(v80)
OCTET_POOL_DECLARE(armv7)
#undef OCTET_POOL_DECLARE

}  // namespace octet::neon

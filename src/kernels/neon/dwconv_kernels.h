// Per-path depthwise kernel entry points (internal; dwconv.cpp picks one). Each path's functions
// live in their own namespace and source file (suffix = the path, see CMakeLists.txt).
#pragma once
#include <cstdint>

#include "kernels/op_params.h"

namespace octet::neon {

// Everything a depthwise kernel reads, resolved from QConvParams + packed buffer.
struct DwArgs {
  const ConvGeometry* g;
  int cp;  // out_c rounded up to 8
  const int32_t* bias;
  const int32_t* mult;
  const int32_t* lshift;
  const int32_t* rshift;
  const int16_t* w;  // [kh*kw][cp]
  int32_t input_zero_point;
  int32_t output_zero_point, clamp_min, clamp_max;
  const int8_t* input;
  int8_t* output;
  int in_stride, out_stride;  // pixel strides, resolved (never 0)
  int row_begin, row_end;     // over batch * out_h
  // SDOT section of the packed buffer (null when absent): see dwconv.h.
  const int32_t* dot_bias;   // bias_folded[cp]
  const int32_t* dot_has_z;  // [cp / 8]
  const int8_t* dot_blocks;  // [cp / 8][256]
};
constexpr int kDwDotBlockBytes = 256;

// True if a channel of the 8-channel block starting at c0 has a positive requant shift: the
// kernels then run their variant with the SQSHL step.
inline bool dw_block_has_left_shift(const DwArgs& a, int c0) {
  bool any = false;
  for (int c = c0; c < c0 + 8; ++c) any |= a.lshift[c] != 0;
  return any;
}

#define OCTET_DW_DECLARE(ns)                  \
  namespace ns {                              \
  void dwconv_general(const DwArgs& a);       \
  void dwconv_3x3(const DwArgs& a, int stride); \
  }
OCTET_DW_DECLARE(v80)
OCTET_DW_DECLARE(dotprod)
OCTET_DW_DECLARE(armv7)
#undef OCTET_DW_DECLARE

}  // namespace octet::neon

// Internal: the microkernels behind conv_smallk.h (v80 path). Per group of 8 output pixels the
// driver widens their taps into A (int16), runs the 8x8 GEMM for every group of 8 output channels
// into M (int32, bias included), then requantizes M and stores the bytes.
#pragma once
#include <cstddef>
#include <cstdint>

namespace octet::neon {

constexpr int kSmallKPixels = 8;    // pixels per tile
constexpr int kSmallKChannels = 8;  // output channels per weight group

// The per-call constants of the requantization, as the kernel loads them.
struct alignas(16) SmallKConsts {
  int16_t zero_point[8];  // output zero point
  int8_t qmin[16], qmax[16];
};

// 8 pixels x `groups` groups of 8 output channels: for group g, pixel p, channel c,
//   out[p * pixel_stride + 8 g + c] = requantize(bias + sum_k a[k / 8][p][k % 8] * w_g[k][c])
// with int32 wrapping sums over k < 8 * steps8 + tail.
struct SmallKTiles {
  const int16_t* a;  // [steps8 + (tail > 0)][8 pixels][8 k]
  const int16_t* w;  // groups one after the other, [8 * (steps8 + (tail > 0))][8 channels] each
  const int32_t* bias;  // from the first group's channel 0 on, as the next three
  const int32_t* multiplier;
  const int32_t* right_shift;
  const int32_t* left_shift;  // null if every shift <= 0 (SQSHL skipped)
  const SmallKConsts* consts;
  int8_t* out;  // the first group's channel 0 of pixel 0
  size_t pixel_stride;
  int steps8, tail, groups;  // tail: 0..7
};
void smallk_tiles_v80(const SmallKTiles& t);

// Where the taps of the output pixels come from (the geometry's fields, pointers and strides
// resolved once per call).
struct SmallKTaps {
  const int8_t* input;
  const int8_t* input_end;  // one past the last byte the layer may read
  size_t in_stride, row_bytes, image_bytes;  // pixel, input row, image strides in bytes
  int in_h, in_w, in_c, out_h, out_w;
  int kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
  int8_t zero_point;  // z_a: the value of padded taps
};
// A ([4][8 pixels][8 k] int16, k >= K: anything finite) of `count` (1..8) output pixels from pixel
// (b, oy, ox) on, row-major (the rest of the 8 are zero). row: kSmallKRowBytes of scratch.
constexpr int kSmallKRowBytes = 64;
void smallk_im2col_v80(const SmallKTaps& t, int b, int oy, int ox, int count, int8_t* row,
                       int16_t* a);

}  // namespace octet::neon

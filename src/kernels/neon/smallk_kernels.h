// Internal: the microkernels behind conv_smallk.h (v80 path). Per group of 8 output pixels the
// driver widens their taps into A (int16), runs the 8x8 GEMM for every group of 8 output channels
// into M (int32, bias included), then requantizes M and stores the bytes.
#pragma once
#include <cstddef>
#include <cstdint>

namespace octet::neon {

constexpr int kSmallKPixels = 8;    // pixels per GEMM tile
constexpr int kSmallKChannels = 8;  // output channels per weight group

// a: the 8 pixels' taps, [steps8 + tail4][8 pixels][8 k] (int16; of the last chunk, a 4-k tail
// reads the first 4 k).
// w: `groups` weight groups one after the other, each [8 * steps8 + 4 * tail4][8 channels];
// bias: their biases, 8 int32 per group. m[group][pixel][channel] = bias + sum_k a * w, int32
// wrapping.
void smallk_gemm_8x8_v80(const int16_t* a, const int16_t* w, const int32_t* bias, int steps8,
                         int tail4, int groups, int32_t* m);

// Requantization: the packed per-channel arrays from the first group's channel 0 on.
struct SmallKRequant {
  const int32_t* multiplier;
  const int32_t* left_shift;
  const int32_t* right_shift;
  int32_t zero_point, qmin, qmax;
  int channels;        // channels from the first group's on that exist (the last group may be short)
  bool no_left_shift;  // every shift <= 0: skip SQSHL
};
// out + p * pixel_stride + 8 g + c = requantize(m[g][p][c]) for g < groups, p < pixels,
// 8 g + c < q.channels.
void smallk_output_v80(const int32_t* m, int groups, int pixels, int8_t* out, size_t pixel_stride,
                       const SmallKRequant& q);

// Where the taps of the output pixels come from (the geometry's fields, pointers and strides
// resolved once per call).
struct SmallKTaps {
  const int8_t* input;
  const int8_t* input_end;  // one past the last byte the layer may read
  size_t in_stride, row_bytes, image_bytes;  // pixel, input row, image strides in bytes
  int in_h, in_w, in_c, out_h, out_w;
  int kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
  int8_t zero_point;  // z_a: the value of padded taps
  int steps8, tail4;  // A's k chunks (kp = 8 * steps8 + 4 * tail4)
};
// A ([4][8 pixels][8 k] int16, k >= K: anything finite) of `count` (1..8) output pixels from pixel
// (b, oy, ox) on, row-major (the rest of the 8 are zero). row: kSmallKRowBytes of scratch.
constexpr int kSmallKRowBytes = 64;
void smallk_im2col_v80(const SmallKTaps& t, int b, int oy, int ox, int count, int8_t* row,
                       int16_t* a);

}  // namespace octet::neon

// Internal: the Winograd F(m x m, 3x3) microkernels behind conv_winograd.h (v80 and armv7 paths),
// m = 2 or 3: the transforms are shared intrinsics, the GEMM is per ISA.
// With P = (m + 2)^2 transform positions, the driver runs a block of tiles in three passes through
// its scratch:
//   input transform   P taps of a tile -> V[P][tile group][C / 8][8 tiles][8 channels] int16
//   GEMM              per group of 8 output channels, per position: 8 tiles x 8 channels x C
//   output transform  M[tile][P][8] int32 -> Y' = A^T M A, exact division, + bias, requantize
#pragma once
#include <cstddef>
#include <cstdint>

namespace octet::neon {

constexpr int kWinoTileGroup = 8;  // tiles per GEMM call
constexpr int kWinoNr = 8;         // output channels per weight group

// V of one tile for channels [0, channels) (a multiple of 8): taps[n * i + j] points at the input
// pixel of row i, column j of the n x n window (n = 4 for F(2x2), 5 for F(3x3); a row of z_a for
// padded taps). The 8 values of position x and channels c..c+7 go to
// v[x * xi_stride + (c / 8) * 64] (8 int16: the tile's slot in its group of 8; the caller offsets v
// by the slot).
void wino_input_f23(const int8_t* const* taps, int channels, int16_t* v, size_t xi_stride);
void wino_input_f33(const int8_t* const* taps, int channels, int16_t* v, size_t xi_stride);

// One position, `groups` groups of 8 tiles x 8 output channels: for group g and tile t,
// m[(8 g + t) * 8 * positions + k] = sum over c < channels of V[g][c / 8][t][c % 8] * U[c][k],
// int32 wrapping. v: this position's first tile group (groups follow each other, channels * 8
// int16 each); u: this position's weights [channels][8], read by every group; channels a multiple
// of 8; positions 16 or 25 (the tile stride of m).
void wino_gemm_8x8_v80(const int16_t* v, const int16_t* u, int channels, int groups, int positions,
                       int32_t* m);
// The same for tiles 0..3 of one group only.
void wino_gemm_4x8_v80(const int16_t* v, const int16_t* u, int channels, int positions, int32_t* m);
// The same for one tile: v at the tile's slot in its group (v + 8 * slot), m at the tile's M.
void wino_gemm_1x8_v80(const int16_t* v, const int16_t* u, int channels, int32_t* m);
// The armv7 forms of the three (16 NEON registers: the 8-tile form is two 4-tile passes).
void wino_gemm_8x8_armv7(const int16_t* v, const int16_t* u, int channels, int groups,
                         int positions, int32_t* m);
void wino_gemm_4x8_armv7(const int16_t* v, const int16_t* u, int channels, int positions,
                         int32_t* m);
void wino_gemm_1x8_armv7(const int16_t* v, const int16_t* u, int channels, int32_t* m);

// Where one tile's outputs go: the m x m pixels at out (channel 0 of the layer), rows row_stride
// bytes apart, pixels pixel_stride apart; rows x cols of them are inside the output (1..m).
struct WinoTileOut {
  int8_t* out;
  int rows, cols;
};
// Requantization of one group of 8 output channels (the packed arrays at the group's offset).
struct WinoGroupRequant {
  const int32_t* bias;
  const int32_t* multiplier;
  const int32_t* left_shift;
  const int32_t* right_shift;
  int32_t zero_point, qmin, qmax;
  int first_channel;  // the group's first channel: offset from WinoTileOut::out
  int channels;       // 1..8 of the group that exist
  bool no_left_shift;  // every shift <= 0: skip SQSHL
  size_t pixel_stride, row_stride;
};
// Y' = A^T M A of `tiles` tiles (m: [tile][P][8] int32), then out = requantize(bias + Y' / s):
// s = 4 for F(2x2) (G' = 2G), 36 for F(3x3) (G' = 6G).
void wino_output_f23(const int32_t* m, int tiles, const WinoTileOut* dst,
                         const WinoGroupRequant& q);
void wino_output_f33(const int32_t* m, int tiles, const WinoTileOut* dst,
                         const WinoGroupRequant& q);

}  // namespace octet::neon

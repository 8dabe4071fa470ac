// The per-channel lookup table Interpreter::set_input_image normalizes an image into an int8 input
// with, kept between calls: a caller feeding frame after frame passes the same mean / std every
// time, so the table is built once and rebuilt only when the key (mean, std, quantization) changes.
// Fixed-size storage made with the Interpreter: set_input_image allocates nothing.
#pragma once
#include <cstdint>

#include "kernels/ref/ref_kernels.h"

namespace octet::graph {

class NormalizeTableCache {
 public:
  static constexpr int kMaxChannels = 4;  // images: gray, RGB, RGBA

  // The table of ref::normalize_u8_q8_table for these arguments (channels <= kMaxChannels).
  const int8_t* get(int channels, const float* mean, const float* std, float scale, int32_t zero_point);

 private:
  bool valid_ = false;
  int channels_ = 0;
  float mean_[kMaxChannels] = {}, std_[kMaxChannels] = {};
  float scale_ = 0;
  int32_t zero_point_ = 0;
  int8_t table_[ref::normalize_table_size(kMaxChannels)] = {};
};

}  // namespace octet::graph

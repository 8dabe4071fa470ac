#include "graph/normalize_table_cache.h"

#include <cstring>

namespace octet::graph {

const int8_t* NormalizeTableCache::get(int channels, const float* mean, const float* std, float scale,
                                       int32_t zero_point) {
  // Compared bit for bit: the table is a function of exactly these bits.
  const size_t bytes = static_cast<size_t>(channels) * sizeof(float);
  if (valid_ && channels == channels_ && std::memcmp(mean, mean_, bytes) == 0 &&
      std::memcmp(std, std_, bytes) == 0 && std::memcmp(&scale, &scale_, sizeof scale) == 0 &&
      zero_point == zero_point_)
    return table_;
  ref::normalize_u8_q8_table(channels, mean, std, scale, zero_point, table_);
  std::memcpy(mean_, mean, bytes);
  std::memcpy(std_, std, bytes);
  channels_ = channels;
  scale_ = scale;
  zero_point_ = zero_point;
  valid_ = true;
  return table_;
}

}  // namespace octet::graph

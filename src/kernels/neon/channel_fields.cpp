#include "kernels/neon/channel_fields.h"

namespace octet::neon {

void ChannelFields::write(const int32_t* bias_folded, const int32_t* zero_points,
                          const int32_t* multipliers, const int32_t* shifts, PackedHeader* h,
                          void* buf) const {
  set_channel_flags(zero_points, shifts, n_, h);
  for (int c = 0; c < n_; ++c) {
    const size_t at = 4 * static_cast<size_t>(c);
    put32(buf, offset(kBias) + at, bias_folded[c]);
    put32(buf, offset(kZeroPoint) + at, zero_points[c]);
    put32(buf, offset(kMultiplier) + at, multipliers[c]);
    put32(buf, offset(kLeftShift) + at, shifts[c] > 0 ? shifts[c] : 0);
    put32(buf, offset(kRightShift) + at, shifts[c] < 0 ? shifts[c] : 0);
  }
}

bool ChannelFields::valid(const PackedHeader& h, const void* buf) const {
  bool any_zero_point = false, any_left_shift = false, any_right_shift = false;
  for (int c = 0; c < n8_; ++c) {
    const size_t at = 4 * static_cast<size_t>(c);
    const int32_t zp = get32(buf, offset(kZeroPoint) + at);
    const int32_t mult = get32(buf, offset(kMultiplier) + at);
    const int32_t left = get32(buf, offset(kLeftShift) + at);
    const int32_t right = get32(buf, offset(kRightShift) + at);
    if (zp < -128 || zp > 127 || mult < 0 || left < 0 || left > 30 || right < -31 || right > 0 ||
        (left != 0 && right != 0))
      return false;
    if (c >= n_ && (zp != 0 || mult != 0 || left != 0 || right != 0 || get32(buf, offset(kBias) + at) != 0))
      return false;
    any_zero_point |= zp != 0;
    any_left_shift |= left != 0;
    any_right_shift |= right != 0;
  }
  return channel_flags_valid(h, any_zero_point, any_left_shift, any_right_shift);
}

}  // namespace octet::neon

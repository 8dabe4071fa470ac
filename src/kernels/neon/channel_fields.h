// The per-output-channel section of the load-time weight layouts (wino_f23, wino_f33, small_k:
// conv_winograd.h, conv_smallk.h): right after the PackedHeader, five int32 arrays of n8 =
// out_c rounded up to 8 entries -- bias_folded, z_c, multiplier, left shift (>= 0), right shift
// (<= 0) -- zero past out_c. Writing it, checking it, finding its arrays; and the unaligned int32
// access every packing uses.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/neon/conv_gemm.h"

namespace octet::neon {

inline int round_up(int x, int m) { return (x + m - 1) / m * m; }
inline void put32(void* base, size_t off, int32_t v) { std::memcpy(static_cast<uint8_t*>(base) + off, &v, 4); }
inline int32_t get32(const void* base, size_t off) {
  int32_t v;
  std::memcpy(&v, static_cast<const uint8_t*>(base) + off, 4);
  return v;
}

// The header's per-channel flags (any_zero_point, shifts_nonpositive, shifts_nonnegative) for
// these channels, as every packing writes them ...
inline void set_channel_flags(const int32_t* zero_points, const int32_t* shifts, int n, PackedHeader* h) {
  h->any_zero_point = 0;
  h->shifts_nonpositive = 1;
  h->shifts_nonnegative = 1;
  for (int c = 0; c < n; ++c) {
    if (zero_points[c] != 0) h->any_zero_point = 1;
    if (shifts[c] > 0) h->shifts_nonpositive = 0;
    if (shifts[c] < 0) h->shifts_nonnegative = 0;
  }
}
// ... and whether h's flags are true of a buffer's channels (shifts_nonnegative 0 is always valid:
// files written before the flag existed).
inline bool channel_flags_valid(const PackedHeader& h, bool any_zero_point, bool any_left_shift,
                                bool any_right_shift) {
  return h.any_zero_point == (any_zero_point ? 1 : 0) &&
         h.shifts_nonpositive == (any_left_shift ? 0 : 1) &&
         (h.shifts_nonnegative == 0 || (h.shifts_nonnegative == 1 && !any_right_shift));
}

class ChannelFields {
 public:
  enum Field { kBias = 0, kZeroPoint = 1, kMultiplier = 2, kLeftShift = 3, kRightShift = 4 };

  explicit ChannelFields(int out_c) : n_(out_c), n8_(round_up(out_c, 8)) {}
  int n8() const { return n8_; }
  size_t offset(Field f) const { return sizeof(PackedHeader) + 4 * static_cast<size_t>(f) * n8_; }
  size_t end() const { return offset(kBias) + 20 * static_cast<size_t>(n8_); }  // the weights' start
  const int32_t* array(const void* buf, Field f) const {
    return reinterpret_cast<const int32_t*>(static_cast<const uint8_t*>(buf) + offset(f));
  }

  // Fills the arrays of a zeroed buffer from the operator's per-channel values (shift > 0 is a
  // left shift) and sets h's any_zero_point, shifts_nonpositive and shifts_nonnegative to match.
  void write(const int32_t* bias_folded, const int32_t* zero_points, const int32_t* multipliers,
             const int32_t* shifts, PackedHeader* h, void* buf) const;
  // True if the arrays hold what write() can produce (z_c in int8, shifts in range, padding
  // channels zero) and agree with h's flags.
  bool valid(const PackedHeader& h, const void* buf) const;

 private:
  int n_, n8_;
};

}  // namespace octet::neon

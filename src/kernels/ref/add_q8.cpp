// int8 elementwise add with per-input scales (one rounding step, see QAddParams in op_params.h).
#include <algorithm>

#include "kernels/ref/ref_kernels.h"

namespace octet::ref {

void add_q8(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* output, size_t count) {
  const int64_t half = p.shift > 0 ? int64_t{1} << (p.shift - 1) : 0;
  for (size_t i = 0; i < count; ++i) {
    const int64_t acc = int64_t{a[i] - p.a_zero_point} * p.a_multiplier +
                        int64_t{b[i] - p.b_zero_point} * p.b_multiplier;
    const int64_t q = ((acc + half) >> p.shift) + p.output_zero_point;  // >> of a negative: floor
    output[i] = static_cast<int8_t>(std::clamp<int64_t>(q, p.clamp_min, p.clamp_max));
  }
}

}  // namespace octet::ref

// int8 LRN, ARMv7 (and SIMDe hosts): the float32 screen of lrn_impl.h with VMLA (separate
// roundings; the screen's error bound is tested on this path too) and rounding by a magic
// constant (no VRINTN before ARMv8).
#include "kernels/neon/lrn_impl.h"

namespace octet::neon::armv7 {

bool lrn_q8(const ref::LrnParams& p, const int8_t* input, int8_t* output, int pixels, int channels) {
  return detail::lrn_q8<detail::LrnOpsArmv7>(p, input, output, pixels, channels);
}

bool lrn_screen_factors(const ref::LrnParams& p, const int32_t* S, int n, float* f) {
  return detail::lrn_screen_factors<detail::LrnOpsArmv7>(p, S, n, f);
}

}  // namespace octet::neon::armv7

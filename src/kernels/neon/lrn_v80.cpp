// int8 LRN, ARMv8 paths (and SIMDe hosts): the float32 screen of lrn_impl.h with fused
// multiply-adds and FRINTN.
#include "kernels/neon/lrn_impl.h"

namespace octet::neon::v80 {

bool lrn_q8(const ref::LrnParams& p, const int8_t* input, int8_t* output, int pixels, int channels) {
  return detail::lrn_q8<detail::LrnOpsV80>(p, input, output, pixels, channels);
}

bool lrn_screen_factors(const ref::LrnParams& p, const int32_t* S, int n, float* f) {
  return detail::lrn_screen_factors<detail::LrnOpsV80>(p, S, n, f);
}

}  // namespace octet::neon::v80

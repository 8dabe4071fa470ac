// LRN dispatch: the float32-screen kernel of each path.
#include "kernels/neon/lrn.h"

#include "kernels/neon/lrn_kernels.h"

namespace octet::neon {

bool lrn_run(Isa path, const ref::LrnParams& p, const int8_t* input, int8_t* output, int pixels,
             int channels) {
  if (!isa_supported(path) || pixels < 0 || channels < 1 || p.size < 1) return false;
#if defined(OCTET_ARCH_simde) || defined(OCTET_ARCH_aarch64)
  if (path == Isa::v80 || path == Isa::dotprod) return v80::lrn_q8(p, input, output, pixels, channels);
#endif
#if defined(OCTET_ARCH_simde) || defined(OCTET_ARCH_armv7)
  if (path == Isa::armv7) return armv7::lrn_q8(p, input, output, pixels, channels);
#endif
  return false;
}

}  // namespace octet::neon

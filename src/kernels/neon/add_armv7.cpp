// Elementwise add of the armv7 path: add_impl.h's loop around two 8-element halves, one chain.
#include "kernels/neon/add_impl.h"

#include "kernels/neon/add_kernels.h"

namespace octet::neon::armv7 {

void add(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* out, size_t n) {
  detail::add_impl<detail::add16_halves, 1>(p, a, b, out, n);
}

}  // namespace octet::neon::armv7

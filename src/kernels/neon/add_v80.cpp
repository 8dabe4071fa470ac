// Elementwise add of the v80 path (add_impl.h compiled for this target).
#include "kernels/neon/add_impl.h"

#include "kernels/neon/add_kernels.h"

namespace octet::neon::v80 {

void add(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* out, size_t n) {
  detail::add_impl<true>(p, a, b, out, n);
}

}  // namespace octet::neon::v80

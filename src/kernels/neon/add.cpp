// Elementwise add operator: per-path kernel choice (dotprod runs the ARMv8.0 kernel: no products).
#include "kernels/neon/add.h"

#include "kernels/neon/add_kernels.h"

namespace octet::neon {

bool add_run(Isa path, const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* output,
             size_t begin, size_t end) {
  if (!isa_supported(path)) return false;
  if (begin >= end) return true;
  const size_t n = end - begin;
  switch (path) {
#if defined(OCTET_ARCH_simde) || defined(OCTET_ARCH_aarch64)
    case Isa::v80:
    case Isa::dotprod:
      v80::add(p, a + begin, b + begin, output + begin, n);
      return true;
#endif
#if defined(OCTET_ARCH_simde) || defined(OCTET_ARCH_armv7)
    case Isa::armv7:
      armv7::add(p, a + begin, b + begin, output + begin, n);
      return true;
#endif
    default:
      return false;
  }
}

}  // namespace octet::neon

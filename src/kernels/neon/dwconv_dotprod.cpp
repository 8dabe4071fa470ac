// Depthwise kernels of the dotprod path. Until a dotprod-specific 3x3 kernel exists, the SMLAL
// kernels serve (compiled here with +dotprod flags, internal linkage, so no symbol is shared with
// the v80 path).
#include "kernels/neon/dwconv_impl.h"

namespace octet::neon::dotprod {

void dwconv_general(const DwArgs& a) { detail::dw_general_impl(a); }

void dwconv_3x3(const DwArgs& a, int stride) {
  if (stride == 1)
    detail::dw_3x3_impl<1>(a);
  else
    detail::dw_3x3_impl<2>(a);
}

}  // namespace octet::neon::dotprod

// Depthwise kernels of the v80 path: the general kernel of dwconv_impl.h and the 3x3 kernel of
// dwconv_3x3_rows.h compiled for this target.
#include "kernels/neon/dwconv_3x3_rows.h"
#include "kernels/neon/dwconv_impl.h"

namespace octet::neon::v80 {

void dwconv_general(const DwArgs& a) { detail::dw_general_impl(a); }

void dwconv_3x3(const DwArgs& a, int stride) {
  if (stride == 1)
    detail::dw3_rows_impl<1>(a);
  else
    detail::dw3_rows_impl<2>(a);
}

}  // namespace octet::neon::v80

// int8 elementwise add with per-input scales (TFLite's scheme, see QAddParams in op_params.h).
#include "kernels/ref/ref_kernels.h"
#include "quant/rescale.h"

namespace octet::ref {

void add_q8(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* output, size_t count) {
  constexpr int32_t kScale = int32_t{1} << kAddLeftShift;  // |a - z_a| <= 255: 255 * 2^20 fits
  for (size_t i = 0; i < count; ++i) {
    const int32_t xa = rescale((a[i] - p.a_zero_point) * kScale, p.a_multiplier, p.a_shift);
    const int32_t xb = rescale((b[i] - p.b_zero_point) * kScale, p.b_multiplier, p.b_shift);
    output[i] = requantize(xa + xb, p.output_multiplier, p.output_shift, p.output_zero_point,
                           p.clamp_min, p.clamp_max);
  }
}

}  // namespace octet::ref

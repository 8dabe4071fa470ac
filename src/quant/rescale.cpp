#include "quant/rescale.h"

#include <cmath>

namespace octet {

bool quantize_multiplier(double real, Multiplier* out) {
  *out = Multiplier{};
  if (!(real > 0.0) || !std::isfinite(real)) return false;
  int exponent = 0;
  const double mantissa = std::frexp(real, &exponent);  // real = mantissa * 2^exponent, [0.5, 1)
  int64_t q = static_cast<int64_t>(std::llround(mantissa * 2147483648.0));
  if (q == (int64_t{1} << 31)) {
    q >>= 1;
    ++exponent;
  }
  if (exponent > 30) return false;
  if (exponent < -31) {
    // Below 2^-32 every int32 accumulator rescales to 0 (|acc * M| < 0.5): flush to zero.
    if (exponent < -32) return true;
    // Within [2^-33, 2^-32): keep the largest right shift; precision drops by one bit.
    q = (q + 1) >> 1;
    exponent = -31;
  }
  out->multiplier = static_cast<int32_t>(q);
  out->shift = exponent;
  return true;
}

bool quantize_requant_multiplier(double real, Multiplier* out) {
  constexpr double kMinUnshifted = 1.0 / 16384.0;  // 2^-14
  if (real >= kMinUnshifted && real < 1.0) {
    const int64_t q = std::llround(real * 2147483648.0);
    if (q < (int64_t{1} << 31)) {
      *out = Multiplier{static_cast<int32_t>(q), 0};
      return true;
    }
  }
  return quantize_multiplier(real, out);
}

}  // namespace octet

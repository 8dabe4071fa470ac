// Per-path LRN kernel entry points (internal; lrn.cpp picks one).
#pragma once
#include <cstdint>

#include "kernels/ref/ref_kernels.h"

namespace octet::neon {
// The float32 LRN screen's bound on its factor's relative error: an output is taken from the screen
// only when f * diff is further than this (relative) from a rounding tie.
inline constexpr float kLrnScreenTolerance = 0x1p-16f;

namespace v80 {
// False (nothing written) for more than 4096 channels, a window over 64 or a layer outside the
// float32 screen's range (lrn_impl.h).
bool lrn_q8(const ref::LrnParams& p, const int8_t* input, int8_t* output, int pixels, int channels);

// The screen's factors for n window sums (n a multiple of 4), for the tests of its error bound;
// false for layers outside the screen's range (their elements all take ref's exact evaluation).
bool lrn_screen_factors(const ref::LrnParams& p, const int32_t* S, int n, float* f);
}  // namespace v80
namespace armv7 {
bool lrn_q8(const ref::LrnParams& p, const int8_t* input, int8_t* output, int pixels, int channels);
bool lrn_screen_factors(const ref::LrnParams& p, const int32_t* S, int n, float* f);
}  // namespace armv7
}  // namespace octet::neon

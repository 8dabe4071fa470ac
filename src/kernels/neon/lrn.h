// int8 local response normalization across channels (ONNX LRN), NEON paths: ref::lrn_q8's bytes
// from a float32 screen of its factor, ref's exact double evaluation only for outputs near a
// rounding tie (lrn_impl.h). For ref, and for layers outside the screen's range, lrn_run returns
// false and the caller runs ref::lrn_q8.
#pragma once
#include <cstdint>

#include "kernels/neon/isa.h"
#include "kernels/ref/ref_kernels.h"

namespace octet::neon {

// `pixels` pixels of `channels` channels, dense. False (nothing written) if `path` has no kernel
// or cannot run here, or for more than 4096 channels or a window over 64 (the per-pixel window
// sums live on the stack): lrn_run(path, p, nullptr, nullptr, 0, C) probes that once.
bool lrn_run(Isa path, const ref::LrnParams& p, const int8_t* input, int8_t* output, int pixels,
             int channels);

}  // namespace octet::neon

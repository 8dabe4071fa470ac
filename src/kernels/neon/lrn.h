// int8 local response normalization across channels (ONNX LRN), ARMv8 paths: the double series of
// ref::lrn_q8 with two elements per instruction (float64x2). Every lane runs the same IEEE
// operations in the same order as ref's evaluation (no fused multiply-add: this family is built
// with -ffp-contract=off), so the output bytes are ref's. armv7 has no float64 vectors: there
// (and for ref) lrn_run returns false and the caller runs ref::lrn_q8.
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

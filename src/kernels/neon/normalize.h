// uint8 HWC image -> int8 tensor through the per-channel table of ref::normalize_u8_q8_table (the
// runtime's input step): the bytes of ref::normalize_u8_q8_lookup, RGB four pixels per step.
// One scalar kernel serves every NEON path (no per-path files): a 256-entry byte table per channel
// is beyond the reach of TBL (64 bytes), so the win is in batching the scalar loads and stores.
#pragma once
#include <cstdint>

#include "kernels/neon/isa.h"

namespace octet::neon {

// `pixels` pixels of `channels` channels, dense; table[c * 256 + v]. `path` (isa.h): v80, dotprod
// or armv7; false (nothing written) when !isa_supported(path) or for ref and i8mm: the caller then
// runs ref::normalize_u8_q8_lookup.
bool normalize_lookup_run(Isa path, const uint8_t* image, int pixels, int channels,
                          const int8_t* table, int8_t* output);

}  // namespace octet::neon

// Image normalization by table lookup: RGB four pixels per step, everything else (and the last
// 1-3 RGB pixels) through ref's per-element lookup.
#include "kernels/neon/normalize.h"

#include <cstring>

#include "kernels/ref/ref_kernels.h"

namespace octet::neon {
namespace {

// Whole groups of four RGB pixels; returns the pixels done. The 12 image bytes come in two words
// (two loads instead of twelve), every table load comes before the stores and the 12 outputs are
// packed into two little-endian words: one pixel at a time, the stores may alias the table and the
// image for the compiler, so the loop was a serial load -> load -> store chain (36 cycles per
// pixel on the A53 model), and byte arrays got vectorized into lane inserts.
// noinline: inlined into the dispatcher, GCC 12 schedules the loop ~1 cycle per step worse on
// the A53 (552 k instead of 540 k est. cycles for a 224x224 image).
__attribute__((noinline)) int rgb_lookup_by_4(const uint8_t* image, int pixels, const int8_t* table, int8_t* output) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const uint8_t* r = reinterpret_cast<const uint8_t*>(table);
  const uint8_t* g = r + 256;
  const uint8_t* b = r + 512;
  int px = 0;
  for (; px + 4 <= pixels; px += 4, image += 12, output += 12) {
    uint64_t in_lo;
    uint32_t in_hi;
    std::memcpy(&in_lo, image, 8);
    std::memcpy(&in_hi, image + 8, 4);
    auto byte = [](uint64_t w, int i) { return static_cast<uint8_t>(w >> (8 * i)); };
    const uint64_t lo = uint64_t{r[byte(in_lo, 0)]} | uint64_t{g[byte(in_lo, 1)]} << 8 |
                        uint64_t{b[byte(in_lo, 2)]} << 16 | uint64_t{r[byte(in_lo, 3)]} << 24 |
                        uint64_t{g[byte(in_lo, 4)]} << 32 | uint64_t{b[byte(in_lo, 5)]} << 40 |
                        uint64_t{r[byte(in_lo, 6)]} << 48 | uint64_t{g[byte(in_lo, 7)]} << 56;
    const uint32_t hi = uint32_t{b[byte(in_hi, 0)]} | uint32_t{r[byte(in_hi, 1)]} << 8 |
                        uint32_t{g[byte(in_hi, 2)]} << 16 | uint32_t{b[byte(in_hi, 3)]} << 24;
    std::memcpy(output, &lo, 8);
    std::memcpy(output + 8, &hi, 4);
  }
  return px;
#else
  (void)image, (void)pixels, (void)table, (void)output;
  return 0;
#endif
}

}  // namespace

bool normalize_lookup_run(Isa path, const uint8_t* image, int pixels, int channels,
                          const int8_t* table, int8_t* output) {
  if (!isa_supported(path) || pixels < 0 || channels < 1) return false;
  if (path != Isa::v80 && path != Isa::dotprod && path != Isa::armv7) return false;
  const int done = channels == 3 ? rgb_lookup_by_4(image, pixels, table, output) : 0;
  const size_t skip = static_cast<size_t>(done) * channels;
  ref::normalize_u8_q8_lookup(image + skip, pixels - done, channels, table, output + skip);
  return true;
}

}  // namespace octet::neon

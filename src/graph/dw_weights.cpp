#include "graph/dw_weights.h"

#include <cstring>

#include "kernels/neon/dwconv.h"

namespace octet::graph {
namespace {

// Sections of the C8I16 packing (dwconv.h): int32 header[4], bias/mult/lshift/rshift [Cp] each,
// then int16 w[T][Cp].
constexpr size_t kHeaderBytes = 16;
int padded_channels(const ConvGeometry& g) { return (g.out_c + 7) / 8 * 8; }

}  // namespace

bool dw_packed_valid(const ConvGeometry& g, const void* data, size_t size, std::string* why) {
  if (!g.is_depthwise() || !neon::dwconv_supported(g)) {
    *why = "depthwise packing on an operator that is not a supported depthwise convolution";
    return false;
  }
  const size_t want = neon::dwconv_packed_size(g);
  if (size != want) {
    *why = "depthwise packed buffer holds " + std::to_string(size) + " bytes, the geometry needs " +
           std::to_string(want);
    return false;
  }
  int32_t header[4];
  std::memcpy(header, data, sizeof header);
  if (header[0] != neon::kDwconvLayoutC8I16 || header[2] != padded_channels(g) ||
      header[3] != g.kernel_h * g.kernel_w) {
    *why = "depthwise packed buffer header does not match the layout id and geometry";
    return false;
  }
  return true;
}

bool dw_unpack_ohwi(const ConvGeometry& g, const void* data, const int32_t* zero_points,
                    int8_t* weights) {
  const int cp = padded_channels(g), taps = g.kernel_h * g.kernel_w;
  const auto* w16 = static_cast<const uint8_t*>(data) + kHeaderBytes + 4 * sizeof(int32_t) * cp;
  for (int c = 0; c < g.out_c; ++c) {
    const int32_t z = zero_points ? zero_points[c] : 0;
    for (int t = 0; t < taps; ++t) {
      int16_t v;
      std::memcpy(&v, w16 + (static_cast<size_t>(t) * cp + c) * sizeof(int16_t), sizeof v);
      const int32_t w = v + z;
      if (w < -127 || w > 127) return false;
      weights[static_cast<size_t>(c) * taps + t] = static_cast<int8_t>(w);
    }
  }
  return true;
}

}  // namespace octet::graph

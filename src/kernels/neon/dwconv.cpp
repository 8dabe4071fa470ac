// Depthwise operator: weight packing (converter time) and the run entry that picks the kernel.
#include "kernels/neon/dwconv.h"

#include <cstring>

#include "kernels/neon/dwconv_kernels.h"

namespace octet::neon {
namespace {

int padded_channels(const ConvGeometry& g) { return (g.out_c + 7) / 8 * 8; }

struct PackedView {
  int32_t *bias, *mult, *lshift, *rshift;
  int16_t* w;
};

PackedView view(const ConvGeometry& g, const void* packed) {
  const int cp = padded_channels(g);
  auto* base = static_cast<int32_t*>(const_cast<void*>(packed));
  return {base, base + cp, base + 2 * cp, base + 3 * cp, reinterpret_cast<int16_t*>(base + 4 * cp)};
}

}  // namespace

bool dwconv_supported(const ConvGeometry& g) {
  return g.batch >= 1 && g.in_c >= 1 && g.groups == g.in_c && g.out_c >= g.in_c &&
         g.out_c % g.in_c == 0 && g.in_h >= 1 && g.in_w >= 1 && g.out_h >= 1 && g.out_w >= 1 &&
         g.kernel_h >= 1 && g.kernel_w >= 1 && g.stride_h >= 1 && g.stride_w >= 1 &&
         g.dilation_h >= 1 && g.dilation_w >= 1 && g.pad_top >= 0 && g.pad_left >= 0;
}

size_t dwconv_packed_size(const ConvGeometry& g) {
  const size_t cp = static_cast<size_t>(padded_channels(g));
  return cp * 4 * sizeof(int32_t) + static_cast<size_t>(g.kernel_h) * g.kernel_w * cp * sizeof(int16_t);
}

bool dwconv_pack(const QConvParams& p, void* packed) {
  const ConvGeometry& g = p.geom;
  if (!dwconv_supported(g) || !packed || !p.weights || !p.weight_zero_points || !p.bias_folded ||
      !p.requant.multiplier || !p.requant.shift)
    return false;
  std::memset(packed, 0, dwconv_packed_size(g));
  const PackedView v = view(g, packed);
  const int cp = padded_channels(g), taps = g.kernel_h * g.kernel_w;
  for (int c = 0; c < g.out_c; ++c) {
    const int32_t zc = p.weight_zero_points[c];
    uint32_t sum = 0;  // modulo 2^32, like the ref's int32 accumulator
    for (int t = 0; t < taps; ++t) {
      const int32_t w = p.weights[static_cast<size_t>(c) * taps + t] - zc;
      v.w[static_cast<size_t>(t) * cp + c] = static_cast<int16_t>(w);
      sum += static_cast<uint32_t>(w);
    }
    v.bias[c] = static_cast<int32_t>(static_cast<uint32_t>(p.bias_folded[c]) +
                                     static_cast<uint32_t>(p.input_zero_point) * sum);
    const int32_t s = p.requant.shift[c];
    v.mult[c] = p.requant.multiplier[c];
    v.lshift[c] = s > 0 ? s : 0;
    v.rshift[c] = s < 0 ? s : 0;
  }
  return true;
}

DwKernel dwconv_kernel_for(const ConvGeometry& g) {
  if (g.kernel_h == 3 && g.kernel_w == 3 && g.dilation_h == 1 && g.dilation_w == 1 &&
      g.out_c == g.in_c && g.stride_h == g.stride_w && (g.stride_h == 1 || g.stride_h == 2))
    return g.stride_h == 1 ? DwKernel::k3x3s1 : DwKernel::k3x3s2;
  return DwKernel::general;
}

bool dwconv_run(DwPath path, const QConvParams& p, const void* packed, const int8_t* input,
                int8_t* output, int row_begin, int row_end, int in_stride, int out_stride) {
  const ConvGeometry& g = p.geom;
  if (!dw_path_built(path) || !dwconv_supported(g) || !packed) return false;
  if (row_begin < 0) row_begin = 0;
  if (row_end > g.batch * g.out_h) row_end = g.batch * g.out_h;
  if (row_begin >= row_end) return true;
  const PackedView v = view(g, packed);
  DwArgs a;
  a.g = &g;
  a.cp = padded_channels(g);
  a.bias = v.bias;
  a.mult = v.mult;
  a.lshift = v.lshift;
  a.rshift = v.rshift;
  a.w = v.w;
  a.input_zero_point = p.input_zero_point;
  a.output_zero_point = p.requant.output_zero_point;
  a.clamp_min = p.requant.clamp_min;
  a.clamp_max = p.requant.clamp_max;
  a.input = input;
  a.output = output;
  a.in_stride = in_stride > 0 ? in_stride : g.in_c;
  a.out_stride = out_stride > 0 ? out_stride : g.out_c;
  a.row_begin = row_begin;
  a.row_end = row_end;
  const DwKernel kern = dwconv_kernel_for(g);
  const int stride = kern == DwKernel::k3x3s2 ? 2 : 1;
  switch (path) {
#if defined(OCTET_ARCH_simde) || defined(OCTET_ARCH_aarch64)
    case DwPath::v80:
      kern == DwKernel::general ? v80::dwconv_general(a) : v80::dwconv_3x3(a, stride);
      return true;
    case DwPath::dotprod:
      kern == DwKernel::general ? dotprod::dwconv_general(a) : dotprod::dwconv_3x3(a, stride);
      return true;
#endif
#if defined(OCTET_ARCH_simde) || defined(OCTET_ARCH_armv7)
    case DwPath::armv7:
      kern == DwKernel::general ? armv7::dwconv_general(a) : armv7::dwconv_3x3(a, stride);
      return true;
#endif
    default:
      return false;
  }
}

}  // namespace octet::neon

// Depthwise operator: weight packing (converter time) and the run entry that picks the kernel.
#include "kernels/neon/dwconv.h"

#include <cstring>

#include "kernels/neon/dwconv_kernels.h"

namespace octet::neon {
namespace {

int padded_channels(const ConvGeometry& g) { return (g.out_c + 7) / 8 * 8; }
int has_z_words(int cp) { return (cp / 8 + 3) / 4 * 4; }
bool wants_dot_section(const ConvGeometry& g) { return dwconv_kernel_for(g) != DwKernel::general; }

constexpr int kHeaderWords = 4;
constexpr int32_t kFlagDot = 1;

struct PackedView {
  int32_t *header, *bias, *mult, *lshift, *rshift;
  int16_t* w;
  int32_t *dot_bias, *dot_has_z;
  int8_t* dot_blocks;
};

PackedView view(const ConvGeometry& g, const void* packed) {
  const int cp = padded_channels(g), taps = g.kernel_h * g.kernel_w;
  auto* h = static_cast<int32_t*>(const_cast<void*>(packed));
  PackedView v{};
  v.header = h;
  v.bias = h + kHeaderWords;
  v.mult = v.bias + cp;
  v.lshift = v.mult + cp;
  v.rshift = v.lshift + cp;
  v.w = reinterpret_cast<int16_t*>(v.rshift + cp);
  v.dot_bias = reinterpret_cast<int32_t*>(v.w + static_cast<size_t>(taps) * cp);
  v.dot_has_z = v.dot_bias + cp;
  v.dot_blocks = reinterpret_cast<int8_t*>(v.dot_has_z + has_z_words(cp));
  return v;
}

// The SDOT section (see dwconv.h); false when some z_c cannot be negated in int8. A block of 8
// channels whose pre-subtracted weights w - z_c all fit int8 stores those in Wa/Wb instead of the
// raw weights and needs no correction SDOTs (has_z = 0): sum a*(w - z_c) is the same integer.
bool pack_dot_section(const QConvParams& p, const PackedView& v) {
  const ConvGeometry& g = p.geom;
  for (int c = 0; c < g.out_c; ++c)
    if (p.weight_zero_points[c] < -127 || p.weight_zero_points[c] > 127) return false;
  for (int c0 = 0; c0 < g.out_c; c0 += 8) {
    const int c1 = c0 + 8 < g.out_c ? c0 + 8 : g.out_c;
    bool fits = true;
    for (int c = c0; c < c1; ++c)
      for (int t = 0; t < 9; ++t) {
        const int32_t d = p.weights[static_cast<size_t>(c) * 9 + t] - p.weight_zero_points[c];
        fits = fits && d >= -128 && d <= 127;
      }
    v.dot_has_z[c0 / 8] = fits ? 0 : 1;
    for (int c = c0; c < c1; ++c) {
      v.dot_bias[c] = p.bias_folded[c];
      const int32_t z = p.weight_zero_points[c];
      const int32_t sub = fits ? z : 0;
      int8_t* blk = v.dot_blocks + static_cast<size_t>(c / 8) * kDwDotBlockBytes;
      const int q = (c % 8) / 4, lane = (c % 4) * 4;
      const int8_t* w = p.weights + static_cast<size_t>(c) * 9;
      for (int kx = 0; kx < 3; ++kx) {
        int8_t* wa = blk + (kx * 2 + q) * 16 + lane;
        int8_t* wb = blk + 96 + (kx * 2 + q) * 16 + lane;
        for (int ky = 0; ky < 3; ++ky) {
          wa[ky] = static_cast<int8_t>(w[ky * 3 + kx] - sub);
          wb[ky + 1] = static_cast<int8_t>(w[ky * 3 + kx] - sub);
        }
      }
      if (fits) continue;
      int8_t* za = blk + 192 + q * 16 + lane;
      int8_t* zb = blk + 224 + q * 16 + lane;
      for (int i = 0; i < 3; ++i) {
        za[i] = static_cast<int8_t>(-z);
        zb[i + 1] = static_cast<int8_t>(-z);
      }
    }
  }
  return true;
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
  size_t size = kHeaderWords * sizeof(int32_t) + cp * 4 * sizeof(int32_t) +
                static_cast<size_t>(g.kernel_h) * g.kernel_w * cp * sizeof(int16_t);
  if (wants_dot_section(g))
    size += cp * sizeof(int32_t) + has_z_words(static_cast<int>(cp)) * sizeof(int32_t) + cp / 8 * kDwDotBlockBytes;
  return size;
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
  int32_t flags = 0;
  if (wants_dot_section(g) && pack_dot_section(p, v)) flags |= kFlagDot;
  v.header[0] = kDwconvLayoutC8I16;
  v.header[1] = flags;
  v.header[2] = cp;
  v.header[3] = taps;
  return true;
}

DwKernel dwconv_kernel_for(const ConvGeometry& g) {
  if (g.kernel_h == 3 && g.kernel_w == 3 && g.dilation_h == 1 && g.dilation_w == 1 &&
      g.out_c == g.in_c && g.stride_h == g.stride_w && (g.stride_h == 1 || g.stride_h == 2))
    return g.stride_h == 1 ? DwKernel::k3x3s1 : DwKernel::k3x3s2;
  return DwKernel::general;
}

bool dwconv_run(Isa path, const QConvParams& p, const void* packed, const int8_t* input,
                int8_t* output, int row_begin, int row_end, int in_stride, int out_stride) {
  const ConvGeometry& g = p.geom;
  if (!isa_supported(path) || !dwconv_supported(g) || !packed) return false;
  const PackedView v = view(g, packed);
  if (v.header[0] != kDwconvLayoutC8I16 || v.header[2] != padded_channels(g) ||
      v.header[3] != g.kernel_h * g.kernel_w)
    return false;
  if (row_begin < 0) row_begin = 0;
  if (row_end > g.batch * g.out_h) row_end = g.batch * g.out_h;
  if (row_begin >= row_end) return true;
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
  const bool dot = (v.header[1] & kFlagDot) != 0;
  a.dot_bias = dot ? v.dot_bias : nullptr;
  a.dot_has_z = dot ? v.dot_has_z : nullptr;
  a.dot_blocks = dot ? v.dot_blocks : nullptr;
  const DwKernel kern = dwconv_kernel_for(g);
  const int stride = kern == DwKernel::k3x3s2 ? 2 : 1;
  switch (path) {
#if defined(OCTET_ARCH_simde) || defined(OCTET_ARCH_aarch64)
    case Isa::v80:
      kern == DwKernel::general ? v80::dwconv_general(a) : v80::dwconv_3x3(a, stride);
      return true;
    case Isa::dotprod:
      kern == DwKernel::general ? dotprod::dwconv_general(a) : dotprod::dwconv_3x3(a, stride);
      return true;
#endif
#if defined(OCTET_ARCH_simde) || defined(OCTET_ARCH_armv7)
    case Isa::armv7:
      kern == DwKernel::general ? armv7::dwconv_general(a) : armv7::dwconv_3x3(a, stride);
      return true;
#endif
    default:
      return false;
  }
}

}  // namespace octet::neon

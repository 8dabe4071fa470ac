// Driver and weight packing of conv_smallk.h: per group of 8 output pixels, gather each pixel's
// taps into an int8 row (z_a for padded taps), widen the rows into A, one 8x8 GEMM per group of 8
// output channels, requantize and store.
#include "kernels/neon/conv_smallk.h"

#include <algorithm>
#include <cstring>

#include "kernels/neon/channel_fields.h"
#include "kernels/neon/smallk_kernels.h"

namespace octet::neon {
namespace {

// The microkernels are ARMv8.0 code (aarch64, or SIMDe on x86 hosts); armv7 builds have none.
#if defined(OCTET_ARCH_aarch64) || defined(OCTET_ARCH_simde)
constexpr bool kHaveKernels = true;
#else
constexpr bool kHaveKernels = false;
#endif

// Offsets of the pieces of a small_k buffer (layout in conv_smallk.h).
struct SmallKAddressing {
  ChannelFields fields;
  int n, n8, k, kp;
  explicit SmallKAddressing(const ConvGeometry& g)
      : fields(g.out_c), n(g.out_c), n8(fields.n8()), k(g.kernel_elements()), kp(round_up(k, 8)) {}
  size_t weights() const { return fields.end(); }
  size_t total() const { return weights() + 2 * static_cast<size_t>(n8) * kp; }
};

// Channel groups per kernel call through the bounce buffer (pixels or channels short of a tile).
constexpr int kGroupsPerCall = 16;
constexpr int kBounceStride = kGroupsPerCall * kSmallKChannels;
constexpr size_t kScratchAlign = 64;

// Scratch: [A: 4 x 8 pixels x 8 k int16][bounce: 8 pixels x kBounceStride][consts][taps row].
struct Scratch {
  int16_t* a;
  int8_t* bounce;
  SmallKConsts* consts;
  int8_t* row;
};
constexpr size_t kABytes = kSmallKPixels * kSmallKMax * sizeof(int16_t);
constexpr size_t kBounceBytes = kSmallKPixels * kBounceStride;
constexpr size_t kConstsBytes = 64;
static_assert(sizeof(SmallKConsts) <= kConstsBytes, "consts fit their slot");
[[maybe_unused]] Scratch carve(void* scratch) {
  uintptr_t p = reinterpret_cast<uintptr_t>(scratch);
  p = (p + kScratchAlign - 1) / kScratchAlign * kScratchAlign;
  Scratch s;
  s.a = reinterpret_cast<int16_t*>(p);
  s.bounce = reinterpret_cast<int8_t*>(p + kABytes);
  s.consts = reinterpret_cast<SmallKConsts*>(p + kABytes + kBounceBytes);
  s.row = reinterpret_cast<int8_t*>(p + kABytes + kBounceBytes + kConstsBytes);
  return s;
}

}  // namespace

bool smallk_supported(const ConvGeometry& g) {
  return conv_supported(g) && g.kernel_elements() <= kSmallKMax;
}

bool smallk_preferred(const ConvGeometry& g, Isa isa) {
  if (!kHaveKernels || isa != Isa::v80 || !smallk_supported(g)) return false;
  if (g.out_c < kSmallKChannels || static_cast<long>(g.batch) * g.out_h * g.out_w < kSmallKPixels)
    return false;
  // A 1x1 stride-1 conv with in_c 32 is the GEMM's best case: it reads A from the input (no
  // im2col) and K needs no padding (A53 model per call, 112x112x32x64: GEMM 10.5M est. cycles,
  // here 12.1M). With in_c 16 this kernel still wins (55x55x16x64: 1.58M against 1.78M).
  const bool pointwise = g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 &&
                         g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0 &&
                         g.in_h == g.out_h && g.in_w == g.out_w;
  return !(pointwise && g.in_c > 16 && g.in_c % 16 == 0);
}

size_t smallk_packed_size(const ConvGeometry& g) {
  return smallk_supported(g) ? SmallKAddressing(g).total() : 0;
}

bool smallk_pack(const ConvGeometry& g, const int8_t* weights, const int32_t* zero_points,
                 const int32_t* bias_folded, const int32_t* multipliers, const int32_t* shifts,
                 void* out) {
  if (!smallk_supported(g)) return false;
  const SmallKAddressing a(g);
  const int n = a.n, K = a.k;
  for (size_t i = 0; i < static_cast<size_t>(n) * K; ++i)
    if (weights[i] == -128) return false;
  for (int c = 0; c < n; ++c)
    if (zero_points[c] < -128 || zero_points[c] > 127) return false;
  std::memset(out, 0, a.total());
  PackedHeader h{};
  h.magic = kPackedMagic;
  h.layout = static_cast<int32_t>(WeightLayout::small_k);
  h.n = n;
  h.k = K;
  h.kp = a.kp;
  h.nr = kSmallKChannels;
  a.fields.write(bias_folded, zero_points, multipliers, shifts, &h, out);
  std::memcpy(out, &h, sizeof h);
  int16_t* w16 = reinterpret_cast<int16_t*>(static_cast<uint8_t*>(out) + a.weights());
  for (int c = 0; c < n; ++c) {
    for (int k = 0; k < K; ++k)
      w16[(static_cast<size_t>(c / kSmallKChannels) * a.kp + k) * kSmallKChannels + c % kSmallKChannels] =
          static_cast<int16_t>(weights[static_cast<size_t>(c) * K + k] - zero_points[c]);
  }
  return true;
}

bool smallk_repack(const ConvGeometry& g, const void* src, size_t src_size, void* out) {
  RawConvWeights raw;
  if (!smallk_supported(g) || !unpack(g, src, src_size, &raw)) return false;
  return smallk_pack(g, raw.weights.data(), raw.zero_points.data(), raw.bias_folded.data(),
                     raw.multipliers.data(), raw.shifts.data(), out);
}

bool smallk_packed_valid(const ConvGeometry& g, const void* buf, size_t size) {
  if (buf == nullptr || size < sizeof(PackedHeader) || !smallk_supported(g)) return false;
  PackedHeader h;
  std::memcpy(&h, buf, sizeof h);
  const SmallKAddressing a(g);
  if (h.magic != kPackedMagic || h.layout != static_cast<int32_t>(WeightLayout::small_k) ||
      h.n != a.n || h.k != a.k || h.kp != a.kp || h.nr != kSmallKChannels || size != a.total() ||
      !a.fields.valid(h, buf))
    return false;
  // Weights are w - z_c: in [-255, 255], zero in the padding (k >= K, channels >= out_c).
  const uint8_t* w = static_cast<const uint8_t*>(buf) + a.weights();
  for (int c = 0; c < a.n8; ++c)
    for (int k = 0; k < a.kp; ++k) {
      int16_t x;
      std::memcpy(&x, w + 2 * ((static_cast<size_t>(c / 8) * a.kp + k) * 8 + c % 8), 2);
      if (x > 255 || x < -255 || ((c >= a.n || k >= a.k) && x != 0)) return false;
    }
  return true;
}

size_t smallk_scratch_size(const ConvGeometry& g) {
  return smallk_supported(g) ? kScratchAlign + kABytes + kBounceBytes + kConstsBytes + kSmallKRowBytes
                              : 0;
}

int smallk_work_items(const ConvGeometry& g) { return g.batch * g.out_h * g.out_w; }

#if defined(OCTET_ARCH_aarch64) || defined(OCTET_ARCH_simde)
bool smallk_conv_run(Isa isa, const QConvParams& p, const void* packed, const int8_t* input,
                     int in_stride, int8_t* output, int out_stride, int begin, int end,
                     void* scratch) {
  const ConvGeometry& g = p.geom;
  if (isa != Isa::v80 || !isa_supported(isa) || packed == nullptr || !smallk_supported(g))
    return false;
  PackedHeader h;
  std::memcpy(&h, packed, sizeof h);
  const SmallKAddressing a(g);
  if (h.magic != kPackedMagic || h.layout != static_cast<int32_t>(WeightLayout::small_k) ||
      h.n != a.n || h.k != a.k || h.kp != a.kp)
    return false;
  if (begin < 0 || begin > end || end > smallk_work_items(g)) return false;
  if (in_stride == 0) in_stride = g.in_c;
  if (out_stride == 0) out_stride = g.out_c;

  const uint8_t* bytes = static_cast<const uint8_t*>(packed);
  const int16_t* w16 = reinterpret_cast<const int16_t*>(bytes + a.weights());
  const Scratch s = carve(scratch);
  std::memset(s.row, 0, kSmallKRowBytes);  // A's k >= K: finite (their weights are 0)
  const int groups = a.n8 / kSmallKChannels, full_groups = g.out_c / kSmallKChannels;
  SmallKTaps t;
  t.input = input;
  t.in_stride = static_cast<size_t>(in_stride);
  t.row_bytes = static_cast<size_t>(g.in_w) * in_stride;
  t.image_bytes = static_cast<size_t>(g.in_h) * t.row_bytes;
  t.input_end = input + (g.batch * t.image_bytes - in_stride + g.in_c);
  t.in_h = g.in_h;
  t.in_w = g.in_w;
  t.in_c = g.in_c;
  t.out_h = g.out_h;
  t.out_w = g.out_w;
  t.kernel_h = g.kernel_h;
  t.kernel_w = g.kernel_w;
  t.stride_h = g.stride_h;
  t.stride_w = g.stride_w;
  t.dilation_h = g.dilation_h;
  t.dilation_w = g.dilation_w;
  t.pad_top = g.pad_top;
  t.pad_left = g.pad_left;
  t.zero_point = static_cast<int8_t>(p.input_zero_point);
  const int pixels_per_image = g.out_h * g.out_w;

  for (int i = 0; i < 8; ++i) s.consts->zero_point[i] = static_cast<int16_t>(p.requant.output_zero_point);
  std::memset(s.consts->qmin, static_cast<int8_t>(p.requant.clamp_min), 16);
  std::memset(s.consts->qmax, static_cast<int8_t>(p.requant.clamp_max), 16);
  SmallKTiles k;
  k.a = s.a;
  k.consts = s.consts;
  k.steps8 = a.k / 8;
  k.tail = a.k % 8;
  auto tiles = [&](int g0, int ng, int8_t* out, size_t pixel_stride) {
    const int c0 = g0 * kSmallKChannels;
    k.w = w16 + static_cast<size_t>(c0) * a.kp;
    k.bias = a.fields.array(packed, ChannelFields::kBias) + c0;
    k.multiplier = a.fields.array(packed, ChannelFields::kMultiplier) + c0;
    k.right_shift = a.fields.array(packed, ChannelFields::kRightShift) + c0;
    k.left_shift = h.shifts_nonpositive == 1 ? nullptr : a.fields.array(packed, ChannelFields::kLeftShift) + c0;
    k.out = out;
    k.pixel_stride = pixel_stride;
    k.groups = ng;
    smallk_tiles_v80(k);
  };

  for (int p0 = begin; p0 < end; p0 += kSmallKPixels) {
    const int np = std::min(kSmallKPixels, end - p0);
    const int b = p0 / pixels_per_image, r = p0 % pixels_per_image;
    smallk_im2col_v80(t, b, r / g.out_w, r % g.out_w, np, s.row, s.a);
    int8_t* out = output + static_cast<size_t>(p0) * out_stride;
    int g0 = 0;
    if (np == kSmallKPixels && full_groups > 0) {  // the bulk: whole tiles straight to the output
      tiles(0, full_groups, out, static_cast<size_t>(out_stride));
      g0 = full_groups;
    }
    for (; g0 < groups; g0 += kGroupsPerCall) {  // the rest through the bounce buffer
      const int ng = std::min(kGroupsPerCall, groups - g0);
      tiles(g0, ng, s.bounce, kBounceStride);
      const int c0 = g0 * kSmallKChannels, nc = std::min(ng * kSmallKChannels, g.out_c - c0);
      for (int i = 0; i < np; ++i)
        std::memcpy(out + static_cast<size_t>(i) * out_stride + c0, s.bounce + i * kBounceStride, nc);
    }
  }
  return true;
}
#else
bool smallk_conv_run(Isa, const QConvParams&, const void*, const int8_t*, int, int8_t*, int, int,
                     int, void*) {
  return false;
}
#endif

}  // namespace octet::neon

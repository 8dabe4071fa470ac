// Weight packing for conv_gemm.h: the layouts are documented there. pack() and repack() share one
// addressing function per layout, so a buffer round-trips through any layout unchanged.
#include <cstring>
#include <vector>

#include "kernels/neon/conv_gemm.h"
#include "kernels/neon/channel_fields.h"

namespace octet::neon {
namespace {

struct LayoutShape {
  int nr;              // channels per block (0: ohwi)
  size_t param_bytes;  // per block
};

LayoutShape shape_of(WeightLayout l) {
  switch (l) {
    case WeightLayout::n4k16: return {4, 5 * 4 * 4};
    case WeightLayout::n16k4: return {16, 5 * 16 * 4};
    default: return {0, 0};
  }
}

enum Field { kBias = 0, kZeroPoint = 1, kMultiplier = 2, kLeftShift = 3, kRightShift = 4 };

// Offsets (from the buffer start) of the pieces of a packed buffer.
struct Addressing {
  WeightLayout layout;
  int n, k, kp, nr;
  size_t param_bytes, block_bytes;

  Addressing(WeightLayout l, int n_, int k_) : layout(l), n(n_), k(k_), kp(round_up(k_, 16)) {
    const LayoutShape s = shape_of(l);
    nr = s.nr;
    param_bytes = s.param_bytes;
    block_bytes = param_bytes + static_cast<size_t>(nr) * kp;
  }
  size_t total() const {
    if (layout == WeightLayout::ohwi)
      return sizeof(PackedHeader) + 16 * static_cast<size_t>(n) + static_cast<size_t>(n) * k;
    return sizeof(PackedHeader) + static_cast<size_t>((n + nr - 1) / nr) * block_bytes;
  }
  // int32 field of channel c (for ohwi, kLeftShift is "shift" and kRightShift unused).
  size_t field(int c, Field f) const {
    if (layout == WeightLayout::ohwi)
      return sizeof(PackedHeader) + 4 * (static_cast<size_t>(f) * n + c);
    return sizeof(PackedHeader) + static_cast<size_t>(c / nr) * block_bytes +
           4 * (static_cast<size_t>(f) * nr + c % nr);
  }
  // How many k from kk on lie in consecutive bytes at weight(c, kk): to the end of the row (ohwi)
  // or of the 16-k / 4-k group.
  // Copies one run (a library call per 4- or 16-byte run cost more than the copy).
  static void copy_run(int8_t* dst, const int8_t* src, int r) {
    if (r == 16)
      std::memcpy(dst, src, 16);
    else if (r == 4)
      std::memcpy(dst, src, 4);
    else
      std::memcpy(dst, src, r);
  }
  int run(int kk) const {
    const int group = layout == WeightLayout::n4k16 ? 16 : layout == WeightLayout::n16k4 ? 4 : k;
    const int end = (kk / group + 1) * group;
    return (end < k ? end : k) - kk;
  }
  size_t weight(int c, int kk) const {
    switch (layout) {
      case WeightLayout::ohwi:
        return sizeof(PackedHeader) + 16 * static_cast<size_t>(n) + static_cast<size_t>(c) * k + kk;
      case WeightLayout::n4k16:
        return sizeof(PackedHeader) + static_cast<size_t>(c / 4) * block_bytes + param_bytes +
               static_cast<size_t>(kk / 16) * 64 + (c % 4) * 16 + kk % 16;
      case WeightLayout::n16k4:
        return sizeof(PackedHeader) + static_cast<size_t>(c / 16) * block_bytes + param_bytes +
               static_cast<size_t>(kk / 4) * 64 + (c % 16) * 4 + kk % 4;
      default: return 0;
    }
  }
};

bool layout_known(WeightLayout l) {
  return l == WeightLayout::ohwi || l == WeightLayout::n4k16 || l == WeightLayout::n16k4;
}

}  // namespace

WeightLayout layout_for(Isa isa) {
  switch (isa) {
    case Isa::v80:
    case Isa::armv7: return WeightLayout::n4k16;
    case Isa::dotprod: return WeightLayout::n16k4;
    default: return WeightLayout::ohwi;
  }
}

const char* layout_name(WeightLayout layout) {
  switch (layout) {
    case WeightLayout::ohwi: return "ohwi";
    case WeightLayout::n4k16: return "n4k16";
    case WeightLayout::n16k4: return "n16k4";
    case WeightLayout::wino_f23: return "wino_f23";
    case WeightLayout::small_k: return "small_k";
    case WeightLayout::wino_f33: return "wino_f33";
    default: return "none";
  }
}

bool conv_supported(const ConvGeometry& g) {
  return g.groups == 1 && g.batch > 0 && g.in_h > 0 && g.in_w > 0 && g.in_c > 0 && g.out_h > 0 &&
         g.out_w > 0 && g.out_c > 0 && g.kernel_h > 0 && g.kernel_w > 0 && g.stride_h > 0 &&
         g.stride_w > 0 && g.dilation_h > 0 && g.dilation_w > 0;
}

size_t packed_size(const ConvGeometry& g, WeightLayout layout) {
  if (!conv_supported(g) || !layout_known(layout)) return 0;
  return Addressing(layout, g.out_c, g.kernel_elements()).total();
}

bool pack(const ConvGeometry& g, WeightLayout layout, const int8_t* weights,
          const int32_t* zero_points, const int32_t* bias_folded, const int32_t* multipliers,
          const int32_t* shifts, void* out) {
  if (!conv_supported(g) || !layout_known(layout)) return false;
  const int n = g.out_c, k = g.kernel_elements();
  for (size_t i = 0; i < static_cast<size_t>(n) * k; ++i)
    if (weights[i] == -128) return false;
  const Addressing a(layout, n, k);
  std::memset(out, 0, a.total());
  PackedHeader h{};
  h.magic = kPackedMagic;
  h.layout = static_cast<int32_t>(layout);
  h.n = n;
  h.k = k;
  h.kp = a.kp;
  h.nr = a.nr;
  set_channel_flags(zero_points, shifts, n, &h);
  std::memcpy(out, &h, sizeof h);
  int8_t* bytes = static_cast<int8_t*>(out);
  for (int c = 0; c < n; ++c) {
    put32(out, a.field(c, kBias), bias_folded[c]);
    put32(out, a.field(c, kZeroPoint), zero_points[c]);
    put32(out, a.field(c, kMultiplier), multipliers[c]);
    if (layout == WeightLayout::ohwi) {
      put32(out, a.field(c, kLeftShift), shifts[c]);
    } else {
      put32(out, a.field(c, kLeftShift), shifts[c] > 0 ? shifts[c] : 0);
      put32(out, a.field(c, kRightShift), shifts[c] < 0 ? shifts[c] : 0);
    }
    const int8_t* w = weights + static_cast<size_t>(c) * k;
    for (int kk = 0, r; kk < k; kk += r) {
      r = a.run(kk);
      Addressing::copy_run(bytes + a.weight(c, kk), w + kk, r);
    }
  }
  return true;
}

WeightLayout packed_layout(const void* buf) {
  PackedHeader h;
  std::memcpy(&h, buf, sizeof h);
  if (h.magic != kPackedMagic) return WeightLayout::none;
  const WeightLayout l = static_cast<WeightLayout>(h.layout);
  return layout_known(l) ? l : WeightLayout::none;
}

namespace {

// The per-channel fields agree with the header flags and lie in the ranges the kernels assume
// (rescale.h): the kernels trust the flags (no activation sums without zero points; the dotprod
// tile skips SQSHL without positive shifts), so a file whose flags lie would give other bytes
// than ref instead of an error.
bool channel_fields_valid(const Addressing& a, const PackedHeader& h, const void* buf) {
  bool any_zero_point = false, any_left_shift = false, any_right_shift = false;
  for (int c = 0; c < a.n; ++c) {
    if (get32(buf, a.field(c, kZeroPoint)) != 0) any_zero_point = true;
    if (get32(buf, a.field(c, kMultiplier)) < 0) return false;
    const int32_t shift = get32(buf, a.field(c, kLeftShift));
    if (a.layout == WeightLayout::ohwi) {
      if (shift < -31 || shift > 30) return false;
      if (shift > 0) any_left_shift = true;
      if (shift < 0) any_right_shift = true;
      continue;
    }
    const int32_t right = get32(buf, a.field(c, kRightShift));
    if (shift < 0 || shift > 30 || right < -31 || right > 0 || (shift != 0 && right != 0))
      return false;
    if (shift > 0) any_left_shift = true;
    if (right < 0) any_right_shift = true;
  }
  return channel_flags_valid(h, any_zero_point, any_left_shift, any_right_shift);
}

}  // namespace

bool packed_valid(const ConvGeometry& g, const void* buf, size_t size) {
  if (buf == nullptr || size < sizeof(PackedHeader) || !conv_supported(g)) return false;
  PackedHeader h;
  std::memcpy(&h, buf, sizeof h);
  const WeightLayout l = packed_layout(buf);
  if (l == WeightLayout::none) return false;
  const Addressing a(l, g.out_c, g.kernel_elements());
  return h.n == g.out_c && h.k == g.kernel_elements() && h.kp == a.kp && h.nr == a.nr &&
         size == a.total() && channel_fields_valid(a, h, buf);
}

bool unpack(const ConvGeometry& g, const void* src, size_t src_size, RawConvWeights* out) {
  if (!packed_valid(g, src, src_size)) return false;
  const int n = g.out_c, k = g.kernel_elements();
  const Addressing s(packed_layout(src), n, k);
  out->weights.resize(static_cast<size_t>(n) * k);
  out->zero_points.resize(n);
  out->bias_folded.resize(n);
  out->multipliers.resize(n);
  out->shifts.resize(n);
  const int8_t* bytes = static_cast<const int8_t*>(src);
  for (int c = 0; c < n; ++c) {
    out->bias_folded[c] = get32(src, s.field(c, kBias));
    out->zero_points[c] = get32(src, s.field(c, kZeroPoint));
    out->multipliers[c] = get32(src, s.field(c, kMultiplier));
    out->shifts[c] = get32(src, s.field(c, kLeftShift));
    if (s.layout != WeightLayout::ohwi) out->shifts[c] += get32(src, s.field(c, kRightShift));
    int8_t* w = out->weights.data() + static_cast<size_t>(c) * k;
    for (int kk = 0, r; kk < k; kk += r) {
      r = s.run(kk);
      Addressing::copy_run(w + kk, bytes + s.weight(c, kk), r);
    }
  }
  return true;
}

bool repack(const ConvGeometry& g, const void* src, size_t src_size, WeightLayout dst_layout,
            void* out) {
  // Load-time only, never inside run(): unpack to raw arrays, then pack.
  RawConvWeights raw;
  if (!layout_known(dst_layout) || !unpack(g, src, src_size, &raw)) return false;
  return pack(g, dst_layout, raw.weights.data(), raw.zero_points.data(), raw.bias_folded.data(),
              raw.multipliers.data(), raw.shifts.data(), out);
}

}  // namespace octet::neon

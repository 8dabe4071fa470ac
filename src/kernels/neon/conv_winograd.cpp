// Driver and weight transform of conv_winograd.h: tiles in blocks sized to the scratch, three
// passes per block (input transform, GEMM per position, output transform + requantize).
#include "kernels/neon/conv_winograd.h"

#include <algorithm>
#include <cstring>

#include "kernels/neon/wino_kernels.h"

namespace octet::neon {
namespace {

int round_up(int x, int m) { return (x + m - 1) / m * m; }

// The microkernels are ARMv8.0 code (aarch64, or SIMDe on x86 hosts); armv7 builds have none.
#if defined(OCTET_ARCH_aarch64) || defined(OCTET_ARCH_simde)
constexpr bool kHaveKernels = true;
#else
constexpr bool kHaveKernels = false;
#endif

enum Field { kBias = 0, kZeroPoint = 1, kMultiplier = 2, kLeftShift = 3, kRightShift = 4 };

// Offsets of the pieces of a wino_f23 buffer (layout in conv_winograd.h).
struct WinoAddressing {
  int n, n8, c;
  explicit WinoAddressing(const ConvGeometry& g) : n(g.out_c), n8(round_up(g.out_c, 8)), c(g.in_c) {}
  size_t field(Field f) const { return sizeof(PackedHeader) + 4 * static_cast<size_t>(f) * n8; }
  size_t weights() const { return field(kBias) + 20 * static_cast<size_t>(n8); }
  size_t total() const { return weights() + 2 * 16 * static_cast<size_t>(n8) * c; }
};

// The largest |U'|: 9 weights minus zero points, |w - z_c| <= 255, coefficients of G' g G'^T at
// most 3 * 3 in absolute sum.
constexpr int32_t kMaxTransformedWeight = 9 * 255;

constexpr size_t kScratchAlign = 64;
// V and M of a block: 32 * C bytes + 512 bytes per tile, about L2-sized (the weights of one
// group of 8 output channels, 256 * C bytes, stream through while V stays).
constexpr size_t kBlockBudget = 256 * 1024;

int tiles_h(const ConvGeometry& g) { return (g.out_h + 1) / 2; }
int tiles_w(const ConvGeometry& g) { return (g.out_w + 1) / 2; }

// Tiles per block: a multiple of the GEMM's tile group.
int block_tiles(const ConvGeometry& g) {
  const size_t per_tile = 32 * static_cast<size_t>(g.in_c) + 512;
  const int t = static_cast<int>(kBlockBudget / per_tile) / kWinoTileGroup * kWinoTileGroup;
  return std::clamp(t, kWinoTileGroup, 8 * kWinoTileGroup);
}

// Scratch: [z_a row: C bytes][V: 16 * T * C int16][M: T * 128 int32][T WinoTileOut].
struct Scratch {
  int8_t* zero_row;
  int16_t* v;
  int32_t* m;
  WinoTileOut* outs;
};
size_t zero_row_bytes(const ConvGeometry& g) { return static_cast<size_t>(round_up(g.in_c, 64)); }
size_t scratch_bytes(const ConvGeometry& g) {
  const size_t t = static_cast<size_t>(block_tiles(g));
  return kScratchAlign + zero_row_bytes(g) + 16 * t * g.in_c * sizeof(int16_t) +
         t * 128 * sizeof(int32_t) + t * sizeof(WinoTileOut);
}
Scratch carve(const ConvGeometry& g, void* scratch) {
  uintptr_t p = reinterpret_cast<uintptr_t>(scratch);
  p = (p + kScratchAlign - 1) / kScratchAlign * kScratchAlign;
  const size_t t = static_cast<size_t>(block_tiles(g));
  Scratch s;
  s.zero_row = reinterpret_cast<int8_t*>(p);
  p += zero_row_bytes(g);
  s.v = reinterpret_cast<int16_t*>(p);
  p += 16 * t * g.in_c * sizeof(int16_t);
  s.m = reinterpret_cast<int32_t*>(p);
  p += t * 128 * sizeof(int32_t);
  s.outs = reinterpret_cast<WinoTileOut*>(p);
  return s;
}

void put32(void* base, size_t off, int32_t v) { std::memcpy(static_cast<uint8_t*>(base) + off, &v, 4); }
int32_t get32(const void* base, size_t off) {
  int32_t v;
  std::memcpy(&v, static_cast<const uint8_t*>(base) + off, 4);
  return v;
}

// U' = G' x G'^T of one 3x3 kernel (x = w - z_c), G' = [[2,0,0],[1,1,1],[1,-1,1],[0,0,2]].
void transform_kernel(const int32_t x[3][3], int32_t u[16]) {
  int32_t t[4][3];
  for (int j = 0; j < 3; ++j) {
    t[0][j] = 2 * x[0][j];
    t[1][j] = x[0][j] + x[1][j] + x[2][j];
    t[2][j] = x[0][j] - x[1][j] + x[2][j];
    t[3][j] = 2 * x[2][j];
  }
  for (int i = 0; i < 4; ++i) {
    u[4 * i + 0] = 2 * t[i][0];
    u[4 * i + 1] = t[i][0] + t[i][1] + t[i][2];
    u[4 * i + 2] = t[i][0] - t[i][1] + t[i][2];
    u[4 * i + 3] = 2 * t[i][2];
  }
}

bool channel_fields_valid(const WinoAddressing& a, const PackedHeader& h, const void* buf) {
  bool any_zero_point = false, any_left_shift = false;
  for (int c = 0; c < a.n8; ++c) {
    const size_t at = 4 * static_cast<size_t>(c);
    const int32_t zp = get32(buf, a.field(kZeroPoint) + at);
    const int32_t mult = get32(buf, a.field(kMultiplier) + at);
    const int32_t left = get32(buf, a.field(kLeftShift) + at);
    const int32_t right = get32(buf, a.field(kRightShift) + at);
    if (mult < 0 || left < 0 || left > 30 || right < -31 || right > 0 || (left != 0 && right != 0))
      return false;
    if (c >= a.n && (zp != 0 || mult != 0 || left != 0 || right != 0 || get32(buf, a.field(kBias) + at) != 0))
      return false;
    any_zero_point |= zp != 0;
    any_left_shift |= left != 0;
  }
  return h.any_zero_point == (any_zero_point ? 1 : 0) &&
         h.shifts_nonpositive == (any_left_shift ? 0 : 1);
}

}  // namespace

bool wino_supported(const ConvGeometry& g) {
  return conv_supported(g) && g.kernel_h == 3 && g.kernel_w == 3 && g.stride_h == 1 &&
         g.stride_w == 1 && g.dilation_h == 1 && g.dilation_w == 1 && g.in_c % 8 == 0 &&
         g.in_c <= kWinoMaxChannels;
}

bool wino_preferred(const ConvGeometry& g, Isa isa) {
  if (!kHaveKernels || isa != Isa::v80 || !wino_supported(g)) return false;
  // 16 products per tile against 9 per output pixel: worth it unless partial tiles waste most of
  // it (a 3x3 output is 4 tiles for 9 pixels). Require a clear margin, 64 * tiles < 27 * pixels
  // (the transform-domain GEMM runs ~20 % slower per multiply than the int8 one, plus transforms).
  const long tiles = static_cast<long>(tiles_h(g)) * tiles_w(g);
  return 64 * tiles < 27L * g.out_h * g.out_w;
}

size_t wino_packed_size(const ConvGeometry& g) {
  return wino_supported(g) ? WinoAddressing(g).total() : 0;
}

bool wino_pack(const ConvGeometry& g, const int8_t* weights, const int32_t* zero_points,
               const int32_t* bias_folded, const int32_t* multipliers, const int32_t* shifts,
               void* out) {
  if (!wino_supported(g)) return false;
  const int n = g.out_c, C = g.in_c;
  for (size_t i = 0; i < static_cast<size_t>(n) * 9 * C; ++i)
    if (weights[i] == -128) return false;
  const WinoAddressing a(g);
  std::memset(out, 0, a.total());
  PackedHeader h{};
  h.magic = kPackedMagic;
  h.layout = static_cast<int32_t>(WeightLayout::wino_f23);
  h.n = n;
  h.k = 9 * C;
  h.kp = C;
  h.nr = kWinoNr;
  h.any_zero_point = 0;
  h.shifts_nonpositive = 1;
  for (int k = 0; k < n; ++k) {
    h.any_zero_point |= zero_points[k] != 0;
    if (shifts[k] > 0) h.shifts_nonpositive = 0;
  }
  std::memcpy(out, &h, sizeof h);
  int16_t* u = reinterpret_cast<int16_t*>(static_cast<uint8_t*>(out) + a.weights());
  for (int k = 0; k < n; ++k) {
    const size_t at = 4 * static_cast<size_t>(k);
    put32(out, a.field(kBias) + at, bias_folded[k]);
    put32(out, a.field(kZeroPoint) + at, zero_points[k]);
    put32(out, a.field(kMultiplier) + at, multipliers[k]);
    put32(out, a.field(kLeftShift) + at, shifts[k] > 0 ? shifts[k] : 0);
    put32(out, a.field(kRightShift) + at, shifts[k] < 0 ? shifts[k] : 0);
    const int8_t* w = weights + static_cast<size_t>(k) * 9 * C;  // [ky][kx][c]
    for (int c = 0; c < C; ++c) {
      int32_t x[3][3], t[16];
      for (int ky = 0; ky < 3; ++ky)
        for (int kx = 0; kx < 3; ++kx) x[ky][kx] = w[(ky * 3 + kx) * C + c] - zero_points[k];
      transform_kernel(x, t);
      for (int xi = 0; xi < 16; ++xi)
        u[((static_cast<size_t>(k / kWinoNr) * 16 + xi) * C + c) * kWinoNr + k % kWinoNr] =
            static_cast<int16_t>(t[xi]);
    }
  }
  return true;
}

bool wino_repack(const ConvGeometry& g, const void* src, size_t src_size, void* out) {
  RawConvWeights raw;
  if (!wino_supported(g) || !unpack(g, src, src_size, &raw)) return false;
  return wino_pack(g, raw.weights.data(), raw.zero_points.data(), raw.bias_folded.data(),
                   raw.multipliers.data(), raw.shifts.data(), out);
}

bool wino_packed_valid(const ConvGeometry& g, const void* buf, size_t size) {
  if (buf == nullptr || size < sizeof(PackedHeader) || !wino_supported(g)) return false;
  PackedHeader h;
  std::memcpy(&h, buf, sizeof h);
  const WinoAddressing a(g);
  if (h.magic != kPackedMagic || h.layout != static_cast<int32_t>(WeightLayout::wino_f23) || h.n != g.out_c ||
      h.k != 9 * g.in_c || h.kp != g.in_c || h.nr != kWinoNr || size != a.total() ||
      !channel_fields_valid(a, h, buf))
    return false;
  // The exactness bound of conv_winograd.h assumes |U'| <= 9 * 255.
  const uint8_t* u = static_cast<const uint8_t*>(buf) + a.weights();
  for (size_t i = 0; i < 16 * static_cast<size_t>(a.n8) * a.c; ++i) {
    int16_t x;
    std::memcpy(&x, u + 2 * i, 2);
    if (x > kMaxTransformedWeight || x < -kMaxTransformedWeight) return false;
  }
  return true;
}

size_t wino_scratch_size(const ConvGeometry& g) { return wino_supported(g) ? scratch_bytes(g) : 0; }

int wino_work_items(const ConvGeometry& g) { return g.batch * tiles_h(g); }

#if defined(OCTET_ARCH_aarch64) || defined(OCTET_ARCH_simde)
bool wino_conv_run(Isa isa, const QConvParams& p, const void* packed, const int8_t* input,
                   int in_stride, int8_t* output, int out_stride, int begin, int end,
                   void* scratch) {
  const ConvGeometry& g = p.geom;
  if (isa != Isa::v80 || !isa_supported(isa) || packed == nullptr || !wino_supported(g))
    return false;
  PackedHeader h;
  std::memcpy(&h, packed, sizeof h);
  if (h.magic != kPackedMagic || h.layout != static_cast<int32_t>(WeightLayout::wino_f23) || h.n != g.out_c ||
      h.k != 9 * g.in_c)
    return false;
  if (begin < 0 || begin > end || end > wino_work_items(g)) return false;
  if (in_stride == 0) in_stride = g.in_c;
  if (out_stride == 0) out_stride = g.out_c;

  const int C = g.in_c, th = tiles_h(g), tw = tiles_w(g), T = block_tiles(g);
  const WinoAddressing a(g);
  const uint8_t* bytes = static_cast<const uint8_t*>(packed);
  auto array = [&](Field f) { return reinterpret_cast<const int32_t*>(bytes + a.field(f)); };
  const int16_t* u = reinterpret_cast<const int16_t*>(bytes + a.weights());
  const Scratch s = carve(g, scratch);
  std::memset(s.zero_row, static_cast<int8_t>(p.input_zero_point), C);
  const size_t row_bytes = static_cast<size_t>(g.in_w) * in_stride;
  const size_t out_row = static_cast<size_t>(g.out_w) * out_stride;
  const size_t group_v = static_cast<size_t>(C / 8) * 64;  // int16 per tile group, per position

  const long total = static_cast<long>(end - begin) * tw;
  for (long s0 = 0; s0 < total; s0 += T) {
    const int nt = static_cast<int>(std::min<long>(T, total - s0));
    const int groups = (nt + kWinoTileGroup - 1) / kWinoTileGroup;
    const int rest = nt % kWinoTileGroup;  // tiles in a partial last group (0: none)
    const size_t xi_stride = groups * group_v;
    // Tile position of the block's first tile, then walked (no divisions per tile).
    const long first = s0;
    int r0 = begin + static_cast<int>(first / tw);
    int tx = static_cast<int>(first % tw), ty = r0 % th, b = r0 / th;
    for (int i = 0; i < groups * kWinoTileGroup; ++i) {
      const int8_t* taps[16];
      int16_t* v = s.v + (i / kWinoTileGroup) * group_v + (i % kWinoTileGroup) * 8;
      if (i >= nt) {  // a group's unused slots: finite values, results never stored
        std::fill(taps, taps + 16, s.zero_row);
        wino_input_f23_v80(taps, C, v, xi_stride);
        continue;
      }
      const int8_t* in_b = input + static_cast<size_t>(b) * g.in_h * row_bytes;
      const int iy0 = 2 * ty - g.pad_top, ix0 = 2 * tx - g.pad_left;
      if (iy0 >= 0 && iy0 + 3 < g.in_h && ix0 >= 0 && ix0 + 3 < g.in_w) {  // the interior
        const int8_t* p = in_b + iy0 * row_bytes + static_cast<size_t>(ix0) * in_stride;
        for (int ii = 0; ii < 4; ++ii, p += row_bytes)
          for (int jj = 0; jj < 4; ++jj) taps[4 * ii + jj] = p + jj * static_cast<size_t>(in_stride);
      } else {
        for (int ii = 0; ii < 4; ++ii) {
          const int iy = iy0 + ii;
          for (int jj = 0; jj < 4; ++jj) {
            const int ix = ix0 + jj;
            const bool inside = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w;
            taps[4 * ii + jj] = inside ? in_b + iy * row_bytes + static_cast<size_t>(ix) * in_stride
                                       : s.zero_row;
          }
        }
      }
      wino_input_f23_v80(taps, C, v, xi_stride);
      s.outs[i].out = output + (static_cast<size_t>(b) * g.out_h + 2 * ty) * out_row +
                      static_cast<size_t>(2 * tx) * out_stride;
      s.outs[i].rows = std::min(2, g.out_h - 2 * ty);
      s.outs[i].cols = std::min(2, g.out_w - 2 * tx);
      if (++tx == tw) {
        tx = 0;
        if (++ty == th) ty = 0, ++b;
      }
    }
    for (int kg = 0; kg < a.n8 / kWinoNr; ++kg) {
      for (int xi = 0; xi < 16; ++xi) {
        const int16_t* uk = u + (static_cast<size_t>(kg) * 16 + xi) * C * kWinoNr;
        int32_t* m = s.m + xi * 8;
        if (rest == 0 || rest > 4) {
          wino_gemm_8x8_v80(s.v + xi * xi_stride, uk, C, groups, m);
          continue;
        }
        if (groups > 1) wino_gemm_8x8_v80(s.v + xi * xi_stride, uk, C, groups - 1, m);
        wino_gemm_4x8_v80(s.v + xi * xi_stride + (groups - 1) * group_v, uk, C,
                          m + (groups - 1) * kWinoTileGroup * 128);
      }
      WinoGroupRequant q;
      const int c0 = kg * kWinoNr;
      q.bias = array(kBias) + c0;
      q.multiplier = array(kMultiplier) + c0;
      q.left_shift = array(kLeftShift) + c0;
      q.right_shift = array(kRightShift) + c0;
      q.zero_point = p.requant.output_zero_point;
      q.qmin = p.requant.clamp_min;
      q.qmax = p.requant.clamp_max;
      q.first_channel = c0;
      q.channels = std::min(kWinoNr, g.out_c - c0);
      q.no_left_shift = h.shifts_nonpositive == 1;
      q.pixel_stride = static_cast<size_t>(out_stride);
      q.row_stride = out_row;
      wino_output_f23_v80(s.m, nt, s.outs, q);
    }
  }
  return true;
}
#else
bool wino_conv_run(Isa, const QConvParams&, const void*, const int8_t*, int, int8_t*, int, int,
                   int, void*) {
  return false;
}
#endif

}  // namespace octet::neon

// Driver and weight transforms of conv_winograd.h: tiles in blocks sized to the scratch, three
// passes per block (input transform, GEMM per position, output transform + requantize).
#include "kernels/neon/conv_winograd.h"

#include <algorithm>
#include <cstring>

#include "kernels/neon/channel_fields.h"
#include "kernels/neon/wino_kernels.h"

namespace octet::neon {
namespace {

// The transform-domain GEMMs of an ISA (wino_kernels.h): groups of 8 tiles, 4 tiles, one tile.
struct WinoGemm {
  void (*tiles8)(const int16_t*, const int16_t*, int, int, int, int32_t*);
  void (*tiles4)(const int16_t*, const int16_t*, int, int, int32_t*);
  void (*tile1)(const int16_t*, const int16_t*, int, int32_t*);
};
// v80 on aarch64, armv7 on armv7, both on SIMDe (x86 hosts); nullptr: no Winograd on that path.
const WinoGemm* gemm_for(Isa isa) {
#if defined(OCTET_ARCH_aarch64) || defined(OCTET_ARCH_simde)
  static constexpr WinoGemm kV80{wino_gemm_8x8_v80, wino_gemm_4x8_v80, wino_gemm_1x8_v80};
  if (isa == Isa::v80) return &kV80;
#endif
#if defined(OCTET_ARCH_armv7) || defined(OCTET_ARCH_simde)
  static constexpr WinoGemm kArmv7{wino_gemm_8x8_armv7, wino_gemm_4x8_armv7, wino_gemm_1x8_armv7};
  if (isa == Isa::armv7) return &kArmv7;
#endif
  (void)isa;
  return nullptr;
}

// One of the two variants: output tile edge m, window n = m + 2, P = n * n transform positions.
struct Variant {
  int m, n, positions;
  WeightLayout layout;
  // The largest |U'|: |w - z_c| <= 255 times the largest absolute row sum of G', squared.
  int32_t max_weight;
};
constexpr Variant kF23{2, 4, 16, WeightLayout::wino_f23, 3 * 3 * 255};
constexpr Variant kF33{3, 5, 25, WeightLayout::wino_f33, 9 * 9 * 255};
const Variant* variant_for_tile(int tile) { return tile == 2 ? &kF23 : tile == 3 ? &kF33 : nullptr; }
const Variant* variant_for_layout(int32_t layout) {
  return layout == static_cast<int32_t>(WeightLayout::wino_f23)   ? &kF23
         : layout == static_cast<int32_t>(WeightLayout::wino_f33) ? &kF33
                                                                  : nullptr;
}

// Offsets of the pieces of a wino_f23 / wino_f33 buffer (layout in conv_winograd.h).
struct WinoAddressing {
  ChannelFields fields;
  int n8, c, positions;
  WinoAddressing(const ConvGeometry& g, const Variant& v)
      : fields(g.out_c), n8(fields.n8()), c(g.in_c), positions(v.positions) {}
  size_t weights() const { return fields.end(); }
  size_t total() const { return weights() + 2 * static_cast<size_t>(positions) * n8 * c; }
};

constexpr size_t kScratchAlign = 64;
// V and M of a block: 2 P C + 32 P bytes per tile, about L2-sized (the weights of one group of 8
// output channels, 16 P C bytes, stream through while V stays).
constexpr size_t kBlockBudget = 256 * 1024;

int tiles_h(const ConvGeometry& g, int m) { return (g.out_h + m - 1) / m; }
int tiles_w(const ConvGeometry& g, int m) { return (g.out_w + m - 1) / m; }

// Tiles per block: a multiple of the GEMM's tile group.
int block_tiles(const ConvGeometry& g, const Variant& v) {
  const size_t per_tile = 2 * static_cast<size_t>(v.positions) * g.in_c + 32 * v.positions;
  const int t = static_cast<int>(kBlockBudget / per_tile) / kWinoTileGroup * kWinoTileGroup;
  return std::clamp(t, kWinoTileGroup, 8 * kWinoTileGroup);
}

// Scratch: [z_a row: C bytes][V: P * T * C int16][M: T * 8 P int32][T WinoTileOut].
struct Scratch {
  int8_t* zero_row;
  int16_t* v;
  int32_t* m;
  WinoTileOut* outs;
};
size_t zero_row_bytes(const ConvGeometry& g) { return static_cast<size_t>(round_up(g.in_c, 64)); }
size_t v_bytes(const ConvGeometry& g, const Variant& v) {
  return static_cast<size_t>(v.positions) * block_tiles(g, v) * g.in_c * sizeof(int16_t);
}
size_t m_bytes(const ConvGeometry& g, const Variant& v) {
  return static_cast<size_t>(block_tiles(g, v)) * 8 * v.positions * sizeof(int32_t);
}
size_t scratch_bytes(const ConvGeometry& g, const Variant& v) {
  return kScratchAlign + zero_row_bytes(g) + v_bytes(g, v) + m_bytes(g, v) +
         block_tiles(g, v) * sizeof(WinoTileOut);
}
[[maybe_unused]] Scratch carve(const ConvGeometry& g, const Variant& v, void* scratch) {
  uintptr_t p = reinterpret_cast<uintptr_t>(scratch);
  p = (p + kScratchAlign - 1) / kScratchAlign * kScratchAlign;
  Scratch s;
  s.zero_row = reinterpret_cast<int8_t*>(p);
  p += zero_row_bytes(g);
  s.v = reinterpret_cast<int16_t*>(p);
  p += v_bytes(g, v);
  s.m = reinterpret_cast<int32_t*>(p);
  p += m_bytes(g, v);
  s.outs = reinterpret_cast<WinoTileOut*>(p);
  return s;
}

// G' of each variant (n x 3): F(2x2) 2G, F(3x3) 6G (the matrices of wino_f33.cpp).
constexpr int32_t kG23[4][3] = {{2, 0, 0}, {1, 1, 1}, {1, -1, 1}, {0, 0, 2}};
constexpr int32_t kG33[5][3] = {{3, 0, 0}, {-3, -3, -3}, {-1, 1, -1}, {1, 2, 4}, {0, 0, 6}};

// U' = G' x G'^T of one 3x3 kernel (x = w - z_c): u[n * i + j]. A template on G' so that the
// coefficients are constants (load time: ResNet-50 transforms 8 M weights).
template <int kN, const int32_t (&kG)[kN][3]>
void transform_kernel(const int32_t x[3][3], int32_t* u) {
  int32_t t[kN][3];  // G' x
  for (int i = 0; i < kN; ++i)
    for (int j = 0; j < 3; ++j) t[i][j] = kG[i][0] * x[0][j] + kG[i][1] * x[1][j] + kG[i][2] * x[2][j];
  for (int i = 0; i < kN; ++i)
    for (int j = 0; j < kN; ++j) u[kN * i + j] = t[i][0] * kG[j][0] + t[i][1] * kG[j][1] + t[i][2] * kG[j][2];
}
void transform_kernel(const Variant& v, const int32_t x[3][3], int32_t* u) {
  if (v.m == 2)
    transform_kernel<4, kG23>(x, u);
  else
    transform_kernel<5, kG33>(x, u);
}

}  // namespace

bool wino_supported(const ConvGeometry& g) {
  return conv_supported(g) && g.kernel_h == 3 && g.kernel_w == 3 && g.stride_h == 1 &&
         g.stride_w == 1 && g.dilation_h == 1 && g.dilation_w == 1 && g.in_c % 8 == 0 &&
         g.in_c <= kWinoMaxChannels;
}

namespace {
// A53 model cycles of the transform-domain GEMM per position and step of 8 input channels over
// `tiles` tiles, as wino_conv_run dispatches them: kGemm8 per group of 8, a partial last group of
// 1..6 tiles by the 1- and 4-tile kernels (~21.5 per tile, 81), of 7 as a whole group.
constexpr long kGemm8 = 135;
long gemm_step_cycles(long tiles) {
  static constexpr long kPartial[8] = {0, 22, 43, 65, 81, 81 + 22, 81 + 43, kGemm8};
  return tiles / 8 * kGemm8 + kPartial[tiles % 8];
}
// That times the positions: the cost of the variant per (input, output) channel pair, in the
// 8-tile GEMM's cycles (kGemm8 per 8 tiles).
long gemm_cost(const ConvGeometry& g, const Variant& v) {
  return gemm_step_cycles(static_cast<long>(g.batch) * tiles_h(g, v.m) * tiles_w(g, v.m)) * v.positions;
}
}  // namespace

int wino_tile(const ConvGeometry& g) { return gemm_cost(g, kF33) < gemm_cost(g, kF23) ? 3 : 2; }

bool wino_preferred(const ConvGeometry& g, Isa isa) {
  if (gemm_for(isa) == nullptr || !wino_supported(g)) return false;
  // Against 9 products per output pixel: worth it unless partial tiles waste most of the saving
  // (a 1x1 output is a whole tile). Require a clear margin, 4 multiplies (counted as 8-tile GEMM
  // cycles: kGemm8 per 8 tiles and position) against 3 int8 MACs per pixel (the transform-domain GEMM
  // runs ~20 % slower per multiply than the int8 one, plus transforms).
  const Variant& v = *variant_for_tile(wino_tile(g));
  return 4 * 8 * gemm_cost(g, v) < 27L * kGemm8 * g.batch * g.out_h * g.out_w;
}

size_t wino_packed_size(const ConvGeometry& g, int tile) {
  const Variant* v = variant_for_tile(tile);
  return v && wino_supported(g) ? WinoAddressing(g, *v).total() : 0;
}
size_t wino_packed_size(const ConvGeometry& g) { return wino_packed_size(g, wino_tile(g)); }

bool wino_pack(const ConvGeometry& g, int tile, const int8_t* weights, const int32_t* zero_points,
               const int32_t* bias_folded, const int32_t* multipliers, const int32_t* shifts,
               void* out) {
  const Variant* v = variant_for_tile(tile);
  if (!v || !wino_supported(g)) return false;
  const int n = g.out_c, C = g.in_c, P = v->positions;
  for (size_t i = 0; i < static_cast<size_t>(n) * 9 * C; ++i)
    if (weights[i] == -128) return false;
  for (int k = 0; k < n; ++k)
    if (zero_points[k] < -128 || zero_points[k] > 127) return false;
  const WinoAddressing a(g, *v);
  std::memset(out, 0, a.total());
  PackedHeader h{};
  h.magic = kPackedMagic;
  h.layout = static_cast<int32_t>(v->layout);
  h.n = n;
  h.k = 9 * C;
  h.kp = C;
  h.nr = kWinoNr;
  a.fields.write(bias_folded, zero_points, multipliers, shifts, &h, out);
  std::memcpy(out, &h, sizeof h);
  int16_t* u = reinterpret_cast<int16_t*>(static_cast<uint8_t*>(out) + a.weights());
  for (int k = 0; k < n; ++k) {
    const int8_t* w = weights + static_cast<size_t>(k) * 9 * C;  // [ky][kx][c]
    int16_t* uk = u + static_cast<size_t>(k / kWinoNr) * P * C * kWinoNr + k % kWinoNr;
    const size_t xi_stride = static_cast<size_t>(C) * kWinoNr;
    for (int c = 0; c < C; ++c) {
      int32_t x[3][3], t[25];
      for (int ky = 0; ky < 3; ++ky)
        for (int kx = 0; kx < 3; ++kx) x[ky][kx] = w[(ky * 3 + kx) * C + c] - zero_points[k];
      transform_kernel(*v, x, t);
      for (int xi = 0; xi < P; ++xi) uk[xi * xi_stride + static_cast<size_t>(c) * kWinoNr] = static_cast<int16_t>(t[xi]);
    }
  }
  return true;
}
bool wino_pack(const ConvGeometry& g, const int8_t* weights, const int32_t* zero_points,
               const int32_t* bias_folded, const int32_t* multipliers, const int32_t* shifts,
               void* out) {
  return wino_pack(g, wino_tile(g), weights, zero_points, bias_folded, multipliers, shifts, out);
}

bool wino_repack(const ConvGeometry& g, int tile, const void* src, size_t src_size, void* out) {
  RawConvWeights raw;
  if (!wino_supported(g) || !unpack(g, src, src_size, &raw)) return false;
  return wino_pack(g, tile, raw.weights.data(), raw.zero_points.data(), raw.bias_folded.data(),
                   raw.multipliers.data(), raw.shifts.data(), out);
}
bool wino_repack(const ConvGeometry& g, const void* src, size_t src_size, void* out) {
  return wino_repack(g, wino_tile(g), src, src_size, out);
}

bool wino_packed_valid(const ConvGeometry& g, const void* buf, size_t size) {
  if (buf == nullptr || size < sizeof(PackedHeader) || !wino_supported(g)) return false;
  PackedHeader h;
  std::memcpy(&h, buf, sizeof h);
  const Variant* v = variant_for_layout(h.layout);
  if (h.magic != kPackedMagic || !v) return false;
  const WinoAddressing a(g, *v);
  if (h.n != g.out_c || h.k != 9 * g.in_c || h.kp != g.in_c || h.nr != kWinoNr ||
      size != a.total() || !a.fields.valid(h, buf))
    return false;
  // The exactness bound of conv_winograd.h assumes the transform's range of U'.
  const uint8_t* u = static_cast<const uint8_t*>(buf) + a.weights();
  for (size_t i = 0; i < static_cast<size_t>(v->positions) * a.n8 * a.c; ++i) {
    int16_t x;
    std::memcpy(&x, u + 2 * i, 2);
    if (x > v->max_weight || x < -v->max_weight) return false;
  }
  return true;
}

size_t wino_scratch_size(const ConvGeometry& g) {
  return wino_supported(g) ? std::max(scratch_bytes(g, kF23), scratch_bytes(g, kF33)) : 0;
}

int wino_work_items(const ConvGeometry& g, int tile) {
  const Variant* v = variant_for_tile(tile);
  return v ? g.batch * tiles_h(g, v->m) : 0;
}

int wino_channel_blocks(const ConvGeometry& g, int threads) {
  const int rows = wino_work_items(g), groups = round_up(g.out_c, 8) / kWinoNr;
  if (threads <= 1 || rows <= 0) return 1;
  // Tile rows alone when they split within 10 % of evenly.
  const int per_thread = (rows + threads - 1) / threads;
  if (10L * rows >= 9L * per_thread * threads) return 1;
  return std::min(threads, groups);
}
int wino_work_items(const ConvGeometry& g) { return wino_work_items(g, wino_tile(g)); }

namespace {

// The n x n input window of the tile whose top-left output pixel is (oy, ox) of image in_b: taps
// row after row, padded ones at the z_a row.
void window_taps(const ConvGeometry& g, const Variant& v, const int8_t* in_b, size_t row_bytes,
                 int in_stride, int oy, int ox, const int8_t* zero_row, const int8_t** taps) {
  const int n = v.n, iy0 = oy - g.pad_top, ix0 = ox - g.pad_left;
  if (iy0 >= 0 && iy0 + n <= g.in_h && ix0 >= 0 && ix0 + n <= g.in_w) {  // the interior
    const int8_t* p = in_b + iy0 * row_bytes + static_cast<size_t>(ix0) * in_stride;
    for (int i = 0; i < n; ++i, p += row_bytes)
      for (int j = 0; j < n; ++j) taps[n * i + j] = p + j * static_cast<size_t>(in_stride);
    return;
  }
  for (int i = 0; i < n; ++i) {
    const int iy = iy0 + i;
    for (int j = 0; j < n; ++j) {
      const int ix = ix0 + j;
      const bool inside = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w;
      taps[n * i + j] = inside ? in_b + iy * row_bytes + static_cast<size_t>(ix) * in_stride : zero_row;
    }
  }
}

}  // namespace

bool wino_conv_run(Isa isa, const QConvParams& p, const void* packed, const int8_t* input,
                   int in_stride, int8_t* output, int out_stride, int begin, int end,
                   void* scratch, int channel_blocks) {
  const ConvGeometry& g = p.geom;
  const WinoGemm* gemm = gemm_for(isa);
  if (gemm == nullptr || !isa_supported(isa) || packed == nullptr || !wino_supported(g))
    return false;
  PackedHeader h;
  std::memcpy(&h, packed, sizeof h);
  const Variant* vp = variant_for_layout(h.layout);
  if (h.magic != kPackedMagic || !vp || h.n != g.out_c || h.k != 9 * g.in_c) return false;
  const Variant& v = *vp;
  const int rows = wino_work_items(g, v.m), all_groups = round_up(g.out_c, 8) / kWinoNr;
  if (channel_blocks < 1 || channel_blocks > all_groups || begin < 0 || begin > end ||
      end > rows * channel_blocks)
    return false;
  if (in_stride == 0) in_stride = g.in_c;
  if (out_stride == 0) out_stride = g.out_c;

  const int C = g.in_c, P = v.positions, mt = v.m;
  const int th = tiles_h(g, mt), tw = tiles_w(g, mt), T = block_tiles(g, v);
  const WinoAddressing a(g, v);
  const uint8_t* bytes = static_cast<const uint8_t*>(packed);
  const int16_t* u = reinterpret_cast<const int16_t*>(bytes + a.weights());
  const Scratch s = carve(g, v, scratch);
  std::memset(s.zero_row, static_cast<int8_t>(p.input_zero_point), C);
  const size_t row_bytes = static_cast<size_t>(g.in_w) * in_stride;
  const size_t out_row = static_cast<size_t>(g.out_w) * out_stride;
  const size_t group_v = static_cast<size_t>(C / 8) * 64;  // int16 per tile group, per position
  const int32_t tile_m = 8 * P;                            // int32 of M per tile
  const auto input_transform = mt == 2 ? wino_input_f23 : wino_input_f33;
  const auto output_transform = mt == 2 ? wino_output_f23 : wino_output_f33;

  // Items are (channel block, tile row) pairs, block-major: one pass per block's run of rows.
  for (int item = begin; item < end;) {
    const int block = item / rows, row_begin = item % rows;
    const int row_end = std::min(rows, row_begin + (end - item));
    item += row_end - row_begin;
    const int kg_begin = block * all_groups / channel_blocks;
    const int kg_end = (block + 1) * all_groups / channel_blocks;
    const long total = static_cast<long>(row_end - row_begin) * tw;
    for (long s0 = 0; s0 < total; s0 += T) {
      const int nt = static_cast<int>(std::min<long>(T, total - s0));
      const int groups = (nt + kWinoTileGroup - 1) / kWinoTileGroup;
      const int rest = nt % kWinoTileGroup;  // tiles in a partial last group (0: none)
      const size_t xi_stride = groups * group_v;
      // Tile position of the block's first tile, then walked (no divisions per tile).
      int r0 = row_begin + static_cast<int>(s0 / tw);
      int tx = static_cast<int>(s0 % tw), ty = r0 % th, b = r0 / th;
      for (int i = 0; i < groups * kWinoTileGroup; ++i) {
        const int8_t* taps[25];
        int16_t* vv = s.v + (i / kWinoTileGroup) * group_v + (i % kWinoTileGroup) * 8;
        if (i >= nt) {  // a group's unused slots: finite values, results never stored
          std::fill(taps, taps + P, s.zero_row);
          input_transform(taps, C, vv, xi_stride);
          continue;
        }
        const int8_t* in_b = input + static_cast<size_t>(b) * g.in_h * row_bytes;
        window_taps(g, v, in_b, row_bytes, in_stride, mt * ty, mt * tx, s.zero_row, taps);
        input_transform(taps, C, vv, xi_stride);
        s.outs[i].out = output + (static_cast<size_t>(b) * g.out_h + mt * ty) * out_row +
                        static_cast<size_t>(mt * tx) * out_stride;
        s.outs[i].rows = std::min(mt, g.out_h - mt * ty);
        s.outs[i].cols = std::min(mt, g.out_w - mt * tx);
        if (++tx == tw) {
          tx = 0;
          if (++ty == th) ty = 0, ++b;
        }
      }
      for (int kg = kg_begin; kg < kg_end; ++kg) {
        for (int xi = 0; xi < P; ++xi) {
          const int16_t* uk = u + (static_cast<size_t>(kg) * P + xi) * C * kWinoNr;
          int32_t* m = s.m + xi * 8;
          const int16_t* vx = s.v + xi * xi_stride;
          if (rest == 0 || rest == 7) {
            gemm->tiles8(vx, uk, C, groups, P, m);
            continue;
          }
          // The partial last group by the cheapest kernels (A53 model cycles per step of 8 channels:
          // 8 tiles 135, 4 tiles 81, 1 tile ~21.5): 1-3 tiles alone, 4-6 as four + 0-2 alone.
          if (groups > 1) gemm->tiles8(vx, uk, C, groups - 1, P, m);
          const int16_t* vl = vx + (groups - 1) * group_v;
          int32_t* ml = m + (groups - 1) * kWinoTileGroup * tile_m;
          int t = 0;
          if (rest >= 4) {
            gemm->tiles4(vl, uk, C, P, ml);
            t = 4;
          }
          for (; t < rest; ++t) gemm->tile1(vl + 8 * t, uk, C, ml + t * tile_m);
        }
        WinoGroupRequant q;
        const int c0 = kg * kWinoNr;
        q.bias = a.fields.array(packed, ChannelFields::kBias) + c0;
        q.multiplier = a.fields.array(packed, ChannelFields::kMultiplier) + c0;
        q.left_shift = a.fields.array(packed, ChannelFields::kLeftShift) + c0;
        q.right_shift = a.fields.array(packed, ChannelFields::kRightShift) + c0;
        q.zero_point = p.requant.output_zero_point;
        q.qmin = p.requant.clamp_min;
        q.qmax = p.requant.clamp_max;
        q.first_channel = c0;
        q.channels = std::min(kWinoNr, g.out_c - c0);
        q.no_left_shift = h.shifts_nonpositive == 1;
        q.pixel_stride = static_cast<size_t>(out_stride);
        q.row_stride = out_row;
        output_transform(s.m, nt, s.outs, q);
      }
    }
  }
  return true;
}

}  // namespace octet::neon

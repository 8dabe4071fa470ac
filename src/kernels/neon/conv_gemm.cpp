// Operator drivers of conv_gemm.h: pick the microkernel of the path, feed it A rows (the NHWC
// input itself for 1x1 stride-1 convs, else an im2col block in the scratch), activation sums and
// packed weight blocks, cache-blocked over output channels.
#include "kernels/neon/conv_gemm.h"

#include <algorithm>
#include <cstring>

#include "kernels/neon/copy64.h"
#include "kernels/neon/gemm_kernels.h"
#include "kernels/neon/neon_include.h"
#include "kernels/ref/ref_kernels.h"
#include "quant/rescale.h"

namespace octet::neon {
namespace {

using KernelFn = void (*)(const GemmTile&);
using Im2colSumsFn = void (*)(const int8_t*, size_t, size_t, int, int, int, int, int8_t*, int32_t*);

struct KernelInfo {
  KernelFn fn = nullptr;  // null: ref path (scalar over the ohwi layout)
  int mr = 1, nr = 1;
  // Optional kernel for the last rows of a block (same layout and nr): used while at most tail_mr
  // rows remain. Dotprod: 6-row tiles in 66-pixel blocks, the 4-row kernel (its 1-row path for a
  // single row) for the last rows of a layer; a 5-row rest is one 6-row tile with a repeated row.
  KernelFn tail_fn = nullptr;
  int tail_mr = 0;
  int block_rows = 64;  // pixels per block (<= kIm2colBlock): a multiple of mr
  // fn takes any number of rows (mr-row strips) in one call: the rows before the tail's.
  bool any_rows = false;
  void (*row_sums)(const int8_t*, size_t, int, int, int32_t*) = nullptr;  // null: scalar sums
  // Optional im2col of interior pixels with runs of 64n bytes that also writes the rows' sums.
  Im2colSumsFn im2col_sums = nullptr;
  bool out_of_order = false;  // aarch64 on an out-of-order core (CoreClass): ST1 stores pay off
};

// The kernel of `isa` in this build (dotprod: of the core class too); false when the build has none.
bool kernel_for(Isa isa, KernelInfo* k) {
  switch (isa) {
    case Isa::ref: *k = {nullptr, 1, 1, nullptr, 0}; return true;
#if defined(OCTET_ARCH_aarch64) || defined(OCTET_ARCH_simde)
    case Isa::v80: {
      const bool ooo = active_core_class() == CoreClass::out_of_order;
      *k = {gemm_4x4c16_v80, kV80Mr, kV80Nr, nullptr, 0, 64, false, row_sums_s8, nullptr, ooo};
      return true;
    }
    case Isa::dotprod: {
      const bool ooo = active_core_class() == CoreClass::out_of_order;
      *k = {ooo ? gemm_6x16c4_dotprod_ooo : gemm_6x16c4_dotprod, kDotprod6Mr, kDotprodNr,
            gemm_4x16c4_dotprod, kDotprodMr, 66, true, row_sums_s8_dotprod,
            ooo ? im2col_runs64_sums_dotprod : im2col_runs64_sums_dotprod_in_order, ooo};
      return true;
    }
#endif
#if defined(OCTET_ARCH_armv7) || defined(OCTET_ARCH_simde)
    case Isa::armv7: *k = {gemm_2x4c16_armv7, kArmv7Mr, kArmv7Nr, nullptr, 0, 64, false, row_sums_s8}; return true;
#endif
    default: return false;
  }
}

int round_up(int x, int m) { return (x + m - 1) / m * m; }

// 1x1, stride 1, no padding, same extent: A is the input itself (rows at the pixel stride).
// NEON kernels read 16 k at a time, so they also need K % 16 == 0 (true for every real 1x1 layer).
bool reads_input_directly(const ConvGeometry& g, Isa isa) {
  const bool pointwise = g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 &&
                         g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0 &&
                         g.in_h == g.out_h && g.in_w == g.out_w;
  return pointwise && (isa == Isa::ref || g.in_c % 16 == 0);
}

PackedHeader header_of(const void* packed) {
  PackedHeader h;
  std::memcpy(&h, packed, sizeof h);
  return h;
}

// Scratch: [activation sums: kSumsEntries int32][A block: kIm2colBlock rows of kp bytes].
// A kernel reads MR sums per tile without branching on a partial last tile: a tile starting at
// row r < rows reads up to r + MR - 1 <= rows + 4 (MR <= 6), zero past `rows`.
constexpr int kSumsEntries = (kIm2colBlock + 5 + 15) / 16 * 16;  // keeps the A block 64-byte aligned
constexpr size_t kScratchAlign = 64;
size_t scratch_bytes(int kp, bool needs_a_block) {
  return kScratchAlign + kSumsEntries * sizeof(int32_t) +
         (needs_a_block ? static_cast<size_t>(kIm2colBlock) * kp : 0);
}
struct Scratch {
  int32_t* sums;
  int8_t* a;
};
Scratch carve(void* scratch) {
  uintptr_t p = reinterpret_cast<uintptr_t>(scratch);
  p = (p + kScratchAlign - 1) / kScratchAlign * kScratchAlign;
  return {reinterpret_cast<int32_t*>(p),
          reinterpret_cast<int8_t*>(p + kSumsEntries * sizeof(int32_t))};
}

// Sets n bytes to v without a libc call (padded taps of edge pixels: a few bytes each), as
// copy_small.
inline void fill_small(int8_t* d, int8_t v, int n) {
  if (n >= 16) {
    const int8x16_t x = vdupq_n_s8(v);
    int j = 0;
    for (; j + 16 <= n; j += 16) vst1q_s8(d + j, x);
    if (j < n) vst1q_s8(d + n - 16, x);
  } else if (n >= 8) {
    const int8x8_t x = vdup_n_s8(v);
    vst1_s8(d, x);
    vst1_s8(d + n - 8, x);
  } else if (n >= 4) {
    const uint32_t x = 0x01010101u * static_cast<uint8_t>(v);
    std::memcpy(d, &x, 4);
    std::memcpy(d + n - 4, &x, 4);
  } else {
    if (n > 0) d[0] = v;
    if (n > 1) d[1] = v;
    if (n > 2) d[2] = v;
  }
}

// Copies n bytes without a libc call (a memcpy per tap of an edge pixel cost ResNet-50 ~0.6 M
// N1 cycles in its size dispatch): 16 bytes per step in NEON registers, the last step overlapping;
// small n (first layers: 3 channels per tap) with overlapping constant-size copies that compile
// to single loads and stores.
inline void copy_small(int8_t* d, const int8_t* s, int n) {
  if (n >= 16) {
    int j = 0;
    for (; j + 16 <= n; j += 16) vst1q_s8(d + j, vld1q_s8(s + j));
    if (j < n) vst1q_s8(d + n - 16, vld1q_s8(s + n - 16));
  } else if (n >= 8) {
    std::memcpy(d, s, 8);
    std::memcpy(d + n - 8, s + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(d, s, 4);
    std::memcpy(d + n - 4, s + n - 4, 4);
  } else {
    for (int i = 0; i < n; ++i) d[i] = s[i];
  }
}

// Size class of the contiguous runs of a layer, fixed per call: the copy of a run inside an
// interior pixel is then one straight sequence of loads and stores (a branch on the size per run
// split the loop into several blocks and cost more than the copy).
enum class RunSize { k8to16, k16to32, kMultipleOf16, kOther };

RunSize run_size_of(int n) {
  if (n >= 8 && n <= 16) return RunSize::k8to16;
  if (n >= 16 && n <= 32) return RunSize::k16to32;
  if (n % 16 == 0) return RunSize::kMultipleOf16;
  return RunSize::kOther;
}

// Runs of a multiple of 16 bytes (3x3 layers with 16n channels: 3 * in_c bytes per kernel row):
// 64 bytes per step as copy64 of the core class, then 32 and 16 (a memcpy call per run, with its
// size dispatch, cost about twice the copy; plain C copies would be turned back into memcpy calls
// by the compiler).
template <bool kOutOfOrder>
__attribute__((noinline)) void im2col_interior_x16(const int8_t* src, size_t src_step,
                                                   size_t tap_step, int kernel_h, int run, int kp,
                                                   int count, int8_t* d) {
  for (int i = 0; i < count; ++i, src += src_step, d += kp) {
    std::memset(d + kp - 16, 0, 16);  // the K..kp tail, as im2col_interior
    int8_t* o = d;
    for (int ky = 0; ky < kernel_h; ++ky, o += run) {
      const int8_t* t = src + ky * tap_step;
      int j = 0;
      for (; j + 64 <= run; j += 64) copy64<kOutOfOrder>(t + j, o + j);
      for (; j + 32 <= run; j += 32) {
        const int8x16_t v0 = vld1q_s8(t + j), v1 = vld1q_s8(t + j + 16);
        vst1q_s8(o + j, v0);
        vst1q_s8(o + j + 16, v1);
      }
      if (j < run) vst1q_s8(o + j, vld1q_s8(t + j));
    }
  }
}

// Loads of one run into registers; stored after all loads of a pixel (in-order cores: no store
// waits for the load just before it).
template <RunSize R>
struct RunBytes {
  uint64_t lo[2], hi[2];  // k8to16: lo[0], hi[0] (8 bytes each); k16to32: 16 bytes each
};
template <RunSize R>
inline RunBytes<R> load_run(const int8_t* s, int n) {
  RunBytes<R> v;
  if constexpr (R == RunSize::k8to16) {
    std::memcpy(v.lo, s, 8);
    std::memcpy(v.hi, s + n - 8, 8);
  } else {
    std::memcpy(v.lo, s, 16);
    std::memcpy(v.hi, s + n - 16, 16);
  }
  return v;
}
template <RunSize R>
inline void store_run(int8_t* d, const RunBytes<R>& v, int n) {
  if constexpr (R == RunSize::k8to16) {
    std::memcpy(d, v.lo, 8);
    std::memcpy(d + n - 8, v.hi, 8);
  } else {
    std::memcpy(d, v.lo, 16);
    std::memcpy(d + n - 16, v.hi, 16);
  }
}

// The 7x7 stem's 14 stores of one pixel (runs of 16..32 bytes: the first and the last 16 of each
// kernel row). With post-increment ST1 for out-of-order cores: the N1 model takes an STR q as two
// store operations, an ST1 as one (23.5 -> ~15 cycles per pixel of ResNet-50's stem); the
// in-order A53 / A55 models pay ~2.5x for these ST1, so they keep STR.
enum class StemStores { kStr, kSt1 };
template <StemStores S>
inline __attribute__((always_inline)) void store_stem7(int8_t* d, const int8x16_t (&lo)[7],
                                                       const int8x16_t (&hi)[7], int run) {
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
  if constexpr (S == StemStores::kSt1) {
    const size_t step = static_cast<size_t>(run) - 16;  // from a run's first 16 bytes to its last
    asm volatile(
      "st1 {%[l0].16b}, [%[o]], %[step]\n st1 {%[h0].16b}, [%[o]], #16\n"
      "st1 {%[l1].16b}, [%[o]], %[step]\n st1 {%[h1].16b}, [%[o]], #16\n"
      "st1 {%[l2].16b}, [%[o]], %[step]\n st1 {%[h2].16b}, [%[o]], #16\n"
      "st1 {%[l3].16b}, [%[o]], %[step]\n st1 {%[h3].16b}, [%[o]], #16\n"
      "st1 {%[l4].16b}, [%[o]], %[step]\n st1 {%[h4].16b}, [%[o]], #16\n"
      "st1 {%[l5].16b}, [%[o]], %[step]\n st1 {%[h5].16b}, [%[o]], #16\n"
      "st1 {%[l6].16b}, [%[o]], %[step]\n st1 {%[h6].16b}, [%[o]], #16\n"
      : [o] "+r"(d)
      : [step] "r"(step), [l0] "w"(lo[0]), [h0] "w"(hi[0]), [l1] "w"(lo[1]), [h1] "w"(hi[1]),
        [l2] "w"(lo[2]), [h2] "w"(hi[2]), [l3] "w"(lo[3]), [h3] "w"(hi[3]), [l4] "w"(lo[4]),
        [h4] "w"(hi[4]), [l5] "w"(lo[5]), [h5] "w"(hi[5]), [l6] "w"(lo[6]), [h6] "w"(hi[6])
      : "memory");
    return;
  }
#endif
  for (int ky = 0; ky < 7; ++ky) {
    vst1q_s8(d + ky * run, lo[ky]);
    vst1q_s8(d + ky * run + run - 16, hi[ky]);
  }
}

// `count` interior pixels of one output row (every tap inside the input): kernel_h runs of `run`
// bytes each, tap_step apart in the input; the pixels are src_step apart. KH = 1, 3 or 7 unrolls
// the taps (0: any kernel_h; 7 with runs of 16..32 bytes: the RGB 7x7 stems of ResNet-50 and
// GoogLeNet, ~40 -> 23.5 N1 cycles per pixel). Not inlined: inside conv_run the loop ran out of registers and spilled.
template <RunSize R, int KH, StemStores S = StemStores::kStr>
__attribute__((noinline)) void im2col_interior(const int8_t* src, size_t src_step,
                                               size_t tap_step, int kernel_h, int run, int kp,
                                               int count, int8_t* d) {
  for (int i = 0; i < count; ++i, src += src_step, d += kp) {
    // The K..kp tail (< 16 bytes; kp >= 16) first: the runs then overwrite the front of it.
    std::memset(d + kp - 16, 0, 16);
    if constexpr (KH == 1) {
      store_run<R>(d, load_run<R>(src, run), run);
    } else if constexpr (KH == 3) {
      const RunBytes<R> t0 = load_run<R>(src, run);
      const RunBytes<R> t1 = load_run<R>(src + tap_step, run);
      const RunBytes<R> t2 = load_run<R>(src + 2 * tap_step, run);
      store_run<R>(d, t0, run);
      store_run<R>(d + run, t1, run);
      store_run<R>(d + 2 * run, t2, run);
    } else if constexpr (KH == 7 && R == RunSize::k16to32) {
      // In NEON registers: 14 RunBytes did not fit the general registers and went by the stack.
      int8x16_t lo[7], hi[7];
      for (int ky = 0; ky < 7; ++ky) {
        lo[ky] = vld1q_s8(src + ky * tap_step);
        hi[ky] = vld1q_s8(src + ky * tap_step + run - 16);
      }
      store_stem7<S>(d, lo, hi, run);
    } else {
      for (int ky = 0; ky < kernel_h; ++ky) copy_small(d + ky * run, src + ky * tap_step, run);
    }
  }
}

// The geometry in locals: read through `g`, every field was reloaded after each int8 store (the
// stores may alias it), which made the stem's im2col ~300 cycles per pixel on the A53 model.
struct Im2colShape {
  int in_h, in_w, in_c, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, dilation_h,
      dilation_w, pad_top, pad_left;
  int in_stride, run, kp;
  bool contiguous_rows;
};

// One pixel with some taps in the padding (or a non-contiguous layout), tap by tap.
void im2col_edge_pixel(const Im2colShape& s, const int8_t* in_b, int8_t za, int iy0, int ix0,
                       int8_t* d) {
  std::memset(d + s.kp - 16, 0, 16);
  const size_t row_bytes = static_cast<size_t>(s.in_w) * s.in_stride;
  // Kernel columns [kx_lo, kx_hi) lie inside the input: with contiguous rows one run of bytes
  // per kernel row between the padded taps (the 7x7 stems' edge pixels went tap by tap: ~0.4 M
  // N1 cycles of ResNet-50).
  const int kx_lo = ix0 >= 0 ? 0 : std::min(s.kernel_w, -ix0);
  const int kx_hi = std::max(kx_lo, std::min(s.kernel_w, s.in_w - ix0));
  const bool row_inside = s.contiguous_rows && kx_lo == 0 && kx_hi == s.kernel_w;
  const bool row_span = s.contiguous_rows && kx_hi > kx_lo;
  for (int ky = 0; ky < s.kernel_h; ++ky) {
    const int iy = iy0 + ky * s.dilation_h;
    if (iy < 0 || iy >= s.in_h) {
      fill_small(d, za, s.run);
      d += s.run;
      continue;
    }
    const int8_t* in_row = in_b + static_cast<size_t>(iy) * row_bytes;
    if (row_inside) {
      copy_small(d, in_row + static_cast<size_t>(ix0) * s.in_stride, s.run);
      d += s.run;
      continue;
    }
    if (row_span) {
      const int left = kx_lo * s.in_c, span = (kx_hi - kx_lo) * s.in_c;
      fill_small(d, za, left);
      copy_small(d + left, in_row + static_cast<size_t>(ix0 + kx_lo) * s.in_stride, span);
      fill_small(d + left + span, za, s.run - left - span);
      d += s.run;
      continue;
    }
    for (int kx = 0; kx < s.kernel_w; ++kx) {
      const int ix = ix0 + kx * s.dilation_w;
      if (ix < 0 || ix >= s.in_w)
        fill_small(d, za, s.in_c);
      else
        copy_small(d, in_row + static_cast<size_t>(ix) * s.in_stride, s.in_c);
      d += s.in_c;
    }
  }
}

using InteriorFn = void (*)(const int8_t*, size_t, size_t, int, int, int, int, int8_t*);

template <RunSize R>
InteriorFn interior_for(int kernel_h) {
  if (kernel_h == 3) return im2col_interior<R, 3>;
  if (kernel_h == 7 && R == RunSize::k16to32) return im2col_interior<R, 7>;  // RGB 7x7 stems
  if (kernel_h == 1) return im2col_interior<R, 1>;
  return im2col_interior<R, 0>;
}

// im2col of output pixels [p0, p0 + rows) into rows of kp bytes: padded taps read z_a, the K..kp
// tail is 0 (zero weights there, and 0 adds nothing to the activation sums). A kernel row lying
// inside a dense input is one contiguous run of kernel_w * in_c bytes; the interior pixels of an
// output row go in one call.
// With `sums` (non-null), a path with a fused interior copy and a layer whose runs that copy
// takes, also each row's sum into sums[0..rows): returns whether it did.
bool im2col_rows(const Im2colShape& s, const int8_t* input, int8_t za, int p0, int rows,
                 int8_t* dst, const KernelInfo& path, int32_t* sums) {
  const size_t row_bytes = static_cast<size_t>(s.in_w) * s.in_stride;
  const size_t image_bytes = static_cast<size_t>(s.in_h) * row_bytes;
  const size_t tap_step = static_cast<size_t>(s.dilation_h) * row_bytes;
  const size_t src_step = static_cast<size_t>(s.stride_w) * s.in_stride;
  const int last_ky = (s.kernel_h - 1) * s.dilation_h;
  // Output columns [ox_lo, ox_hi) have every kernel column inside the input.
  int ox_lo = 0, ox_hi = 0;
  InteriorFn interior = nullptr;
  Im2colSumsFn interior_sums = nullptr;
  if (s.contiguous_rows && sums != nullptr && path.im2col_sums != nullptr && s.run % 64 == 0)
    interior_sums = path.im2col_sums;  // kp = kernel_h * run: no K..kp tail to clear
  if (s.contiguous_rows) {
    ox_lo = (s.pad_left + s.stride_w - 1) / s.stride_w;
    const int span = s.in_w - s.kernel_w + s.pad_left;  // ox * stride_w <= span
    ox_hi = span < 0 ? 0 : std::min(s.out_w, span / s.stride_w + 1);
    switch (run_size_of(s.run)) {
      case RunSize::k8to16: interior = interior_for<RunSize::k8to16>(s.kernel_h); break;
      case RunSize::k16to32:
        interior = interior_for<RunSize::k16to32>(s.kernel_h);
        if (s.kernel_h == 7 && path.out_of_order)
          interior = im2col_interior<RunSize::k16to32, 7, StemStores::kSt1>;
        break;
      case RunSize::kMultipleOf16:
        interior = path.out_of_order ? im2col_interior_x16<true> : im2col_interior_x16<false>;
        break;
      default: interior = im2col_interior<RunSize::kOther, 0>; break;
    }
  }
  // Output position of pixel p0, then walked: no divisions per row (three divisions cost about as
  // much as the whole copy of a 3-channel stem row).
  int ox = p0 % s.out_w, oy = (p0 / s.out_w) % s.out_h, b = p0 / (s.out_w * s.out_h);
  const int8_t* in_b = input + static_cast<size_t>(b) * image_bytes;
  int8_t* d = dst;
  for (int r = 0; r < rows;) {
    const int iy0 = oy * s.stride_h - s.pad_top;
    const int ix0 = ox * s.stride_w - s.pad_left;
    int n = 1;
    if (ox >= ox_lo && ox < ox_hi && iy0 >= 0 && iy0 + last_ky < s.in_h) {
      n = std::min(ox_hi - ox, rows - r);
      const int8_t* src = in_b + static_cast<size_t>(iy0) * row_bytes + static_cast<size_t>(ix0) * s.in_stride;
      if (interior_sums)
        interior_sums(src, src_step, tap_step, s.kernel_h, s.run, s.kp, n, d, sums + r);
      else
        interior(src, src_step, tap_step, s.kernel_h, s.run, s.kp, n, d);
    } else {
      im2col_edge_pixel(s, in_b, za, iy0, ix0, d);
      if (interior_sums) path.row_sums(d, s.kp, 1, s.kp, sums + r);
    }
    r += n;
    d += static_cast<size_t>(n) * s.kp;
    ox += n;
    if (ox == s.out_w) {
      ox = 0;
      if (++oy == s.out_h) oy = 0, in_b += image_bytes;
    }
  }
  return interior_sums != nullptr;
}

bool im2col(const ConvGeometry& g, const int8_t* input, int in_stride, int32_t za, int p0,
            int rows, int kp, int8_t* dst, const KernelInfo& path, int32_t* sums) {
  Im2colShape s;
  s.in_h = g.in_h, s.in_w = g.in_w, s.in_c = g.in_c, s.out_h = g.out_h, s.out_w = g.out_w;
  s.kernel_h = g.kernel_h, s.kernel_w = g.kernel_w, s.stride_h = g.stride_h, s.stride_w = g.stride_w;
  s.dilation_h = g.dilation_h, s.dilation_w = g.dilation_w, s.pad_top = g.pad_top, s.pad_left = g.pad_left;
  s.in_stride = in_stride;
  s.run = g.kernel_w * g.in_c;
  s.kp = kp;
  s.contiguous_rows = g.dilation_w == 1 && in_stride == g.in_c;
  return im2col_rows(s, input, static_cast<int8_t>(za), p0, rows, dst, path, sums);
}

void row_sums_scalar(const int8_t* a, size_t a_stride, int rows, int k, int32_t* sums) {
  for (int r = 0; r < rows; ++r) {
    int32_t s = 0;
    for (int i = 0; i < k; ++i) s += a[r * a_stride + i];
    sums[r] = s;
  }
}

// Ref path over the ohwi layout for a row tile (used for sub-ranges; full ranges call octet::ref).
void gemm_scalar_ohwi(const GemmTile& t, const PackedHeader& h, const uint8_t* packed) {
  const int n = h.n, k = h.k;
  auto field = [&](int f, int c) {
    int32_t v;
    std::memcpy(&v, packed + sizeof(PackedHeader) + 4 * (static_cast<size_t>(f) * n + c), 4);
    return v;
  };
  const int8_t* w0 = reinterpret_cast<const int8_t*>(packed + sizeof(PackedHeader) + 16 * size_t(n));
  for (int r = 0; r < t.rows; ++r) {
    const int8_t* a = t.a + r * t.a_stride;
    for (int c = t.n_begin; c < t.n_end; ++c) {
      const int8_t* w = w0 + static_cast<size_t>(c) * k;
      uint32_t acc = static_cast<uint32_t>(field(0, c));
      for (int i = 0; i < k; ++i) acc += static_cast<uint32_t>(a[i] * w[i]);
      if (t.row_sums) acc -= static_cast<uint32_t>(field(1, c)) * static_cast<uint32_t>(t.row_sums[r]);
      t.out[r * t.out_stride + c] = requantize(static_cast<int32_t>(acc), field(2, c), field(3, c),
                                               t.out_zero_point, t.qmin, t.qmax);
    }
  }
}

// QConvParams pointing into an ohwi buffer (for octet::ref).
QConvParams ref_params(const QConvParams& p, const PackedHeader& h, const uint8_t* packed,
                       Requant* rq) {
  QConvParams q = p;
  const int32_t* arrays = reinterpret_cast<const int32_t*>(packed + sizeof(PackedHeader));
  q.bias_folded = arrays;
  q.weight_zero_points = arrays + h.n;
  *rq = p.requant;
  rq->multiplier = arrays + 2 * h.n;
  rq->shift = arrays + 3 * h.n;
  q.requant = *rq;
  q.weights = reinterpret_cast<const int8_t*>(arrays + 4 * h.n);
  return q;
}

// Rows [0, rows) of A (a_stride apart) against output channels [n_begin, n_end): sums (unless
// im2col wrote them: sums_ready), then output-channel chunks whose weights stay in L1/L2 while
// the row tiles sweep them.
void gemm_block(const KernelInfo& k, const PackedHeader& h, const uint8_t* packed,
                const QConvParams& p, const int8_t* a, size_t a_stride, int rows, int32_t* sums,
                bool sums_ready, int n_begin, int n_end, int8_t* out, size_t out_stride) {
  const int32_t* row_sums = nullptr;
  if (h.any_zero_point) {
    if (sums_ready) {
      // im2col wrote them
    } else if (k.row_sums) {
      k.row_sums(a, a_stride, rows, h.kp, sums);
    } else {
      row_sums_scalar(a, a_stride, rows, h.k, sums);
    }
    for (int r = rows; r < rows + 5; ++r) sums[r] = 0;  // see kSumsEntries
    row_sums = sums;
  }
  GemmTile t{};
  t.a_stride = a_stride;
  t.kp = h.kp;
  t.last_k4_groups = (h.k - (h.kp - 16) + 3) / 4;
  t.out_stride = out_stride;
  t.out_zero_point = p.requant.output_zero_point;
  t.qmin = p.requant.clamp_min;
  t.qmax = p.requant.clamp_max;
  t.no_left_shift = h.shifts_nonpositive == 1;
  t.no_right_shift = h.shifts_nonnegative == 1;
  if (!k.fn) {
    for (int r = 0; r < rows; ++r) {
      t.rows = 1;
      t.a = a + r * a_stride;
      t.row_sums = row_sums ? row_sums + r : nullptr;
      t.n_begin = n_begin;
      t.n_end = n_end;
      t.out = out + r * out_stride;
      gemm_scalar_ohwi(t, h, packed);
    }
    return;
  }
  const size_t block_bytes = static_cast<size_t>(k.nr) * (20 + h.kp);
  const uint8_t* blocks = packed + sizeof(PackedHeader);
  // ~32 KiB of weights per chunk: they stay in L1 (L2 at worst) across the row tiles.
  const int chunk = std::max(k.nr, (32768 / (h.kp * k.nr)) * k.nr);
  for (int c0 = n_begin; c0 < n_end; c0 = (c0 / chunk + 1) * chunk) {
    const int c1 = std::min(n_end, (c0 / chunk + 1) * chunk);
    const int first = c0 / k.nr * k.nr;
    t.blocks = blocks + static_cast<size_t>(first / k.nr) * block_bytes;
    t.block_first_channel = first;
    t.n_begin = c0;
    t.n_end = c1;
    // Row tiles of the main kernel while more than tail_mr rows remain, then the tail kernel (the
    // step in a local: `r += t.rows` reloaded it after every call, ~18 A53 cycles per tile row).
    int r = 0;
    if (k.any_rows) {
      const int rest = rows % k.mr;
      r = rest > 0 && rest <= k.tail_mr ? rows - rest : rows;
      if (r > 0) {
        t.rows = r;
        t.a = a;
        t.row_sums = row_sums;
        t.out = out;
        k.fn(t);
      }
    }
    while (rows - r > k.tail_mr) {
      const int n = std::min(k.mr, rows - r);
      t.rows = n;
      t.a = a + r * a_stride;
      t.row_sums = row_sums ? row_sums + r : nullptr;
      t.out = out + r * out_stride;
      k.fn(t);
      r += n;
    }
    if (r < rows) {
      t.rows = rows - r;
      t.a = a + r * a_stride;
      t.row_sums = row_sums ? row_sums + r : nullptr;
      t.out = out + r * out_stride;
      k.tail_fn(t);
    }
  }
}

bool check_call(Isa isa, const QConvParams& p, const void* packed, KernelInfo* k) {
  if (packed == nullptr || !conv_supported(p.geom) || !isa_supported(isa) || !kernel_for(isa, k))
    return false;
  const PackedHeader h = header_of(packed);
  return packed_layout(packed) == layout_for(isa) && h.n == p.geom.out_c &&
         h.k == p.geom.kernel_elements();
}

}  // namespace

size_t conv_scratch_size(const ConvGeometry& g, Isa isa) {
  if (!conv_supported(g)) return 0;
  return scratch_bytes(round_up(g.kernel_elements(), 16), !reads_input_directly(g, isa));
}

size_t fc_scratch_size(const ConvGeometry& g, Isa isa) {
  if (!conv_supported(g)) return 0;
  return scratch_bytes(round_up(g.in_c, 16), isa != Isa::ref && g.in_c % 16 != 0);
}

bool conv_run(Isa isa, const QConvParams& p, const void* packed, const int8_t* input,
              int in_stride, int8_t* output, int out_stride, int begin, int end, void* scratch) {
  KernelInfo k;
  if (!check_call(isa, p, packed, &k)) return false;
  const ConvGeometry& g = p.geom;
  const int M = g.batch * g.out_h * g.out_w;
  if (begin < 0 || begin > end || end > M) return false;
  if (in_stride == 0) in_stride = g.in_c;
  if (out_stride == 0) out_stride = g.out_c;
  const PackedHeader h = header_of(packed);
  const uint8_t* bytes = static_cast<const uint8_t*>(packed);
  if (isa == Isa::ref && begin == 0 && end == M) {
    Requant rq;
    ref::conv_q8(ref_params(p, h, bytes, &rq), input, output, in_stride, out_stride);
    return true;
  }
  const Scratch s = carve(scratch);
  const bool direct = reads_input_directly(g, isa);
  for (int p0 = begin; p0 < end; p0 += k.block_rows) {
    const int rows = std::min(k.block_rows, end - p0);
    const int8_t* a;
    size_t a_stride;
    bool sums_ready = false;
    if (direct) {
      a = input + static_cast<size_t>(p0) * in_stride;
      a_stride = in_stride;
    } else {
      sums_ready = im2col(g, input, in_stride, p.input_zero_point, p0, rows, h.kp, s.a, k,
                          h.any_zero_point ? s.sums : nullptr);
      a = s.a;
      a_stride = h.kp;
    }
    gemm_block(k, h, bytes, p, a, a_stride, rows, s.sums, sums_ready, 0, g.out_c,
               output + static_cast<size_t>(p0) * out_stride, out_stride);
  }
  return true;
}

bool fc_run(Isa isa, const QConvParams& p, const void* packed, const int8_t* input,
            int8_t* output, int out_stride, int begin, int end, void* scratch) {
  KernelInfo k;
  if (!check_call(isa, p, packed, &k)) return false;
  const ConvGeometry& g = p.geom;
  if (begin < 0 || begin > end || end > g.out_c) return false;
  if (out_stride == 0) out_stride = g.out_c;
  const PackedHeader h = header_of(packed);
  const uint8_t* bytes = static_cast<const uint8_t*>(packed);
  const int K = g.in_c;
  if (isa == Isa::ref && begin == 0 && end == g.out_c && out_stride == g.out_c) {
    Requant rq;
    ref::fully_connected_q8(ref_params(p, h, bytes, &rq), input, output);
    return true;
  }
  const Scratch s = carve(scratch);
  const bool copy = isa != Isa::ref && K % 16 != 0;
  for (int b0 = 0; b0 < g.batch; b0 += k.block_rows) {
    const int rows = std::min(k.block_rows, g.batch - b0);
    const int8_t* a = input + static_cast<size_t>(b0) * K;
    size_t a_stride = K;
    if (copy) {
      for (int r = 0; r < rows; ++r) {
        std::memcpy(s.a + static_cast<size_t>(r) * h.kp, a + static_cast<size_t>(r) * K, K);
        std::memset(s.a + static_cast<size_t>(r) * h.kp + K, 0, h.kp - K);
      }
      a = s.a;
      a_stride = h.kp;
    }
    gemm_block(k, h, bytes, p, a, a_stride, rows, s.sums, false, begin, end,
               output + static_cast<size_t>(b0) * out_stride, out_stride);
  }
  return true;
}

}  // namespace octet::neon

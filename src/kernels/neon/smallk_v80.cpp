// Small-K convolution microkernels, ARMv8.0 NEON (see smallk_kernels.h, conv_smallk.h).
#include "kernels/neon/neon_include.h"
#include "kernels/neon/smallk_kernels.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace octet::neon {

namespace {

// n (<= 32) bytes from src to dst without reading or writing outside either range.
inline void copy_small(int8_t* dst, const int8_t* src, int n) {
  if (n >= 8) {
    for (int i = 0; i + 8 < n; i += 8) std::memcpy(dst + i, src + i, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);  // overlapping last chunk
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else {
    for (int i = 0; i < n; ++i) dst[i] = src[i];
  }
}

// The taps of output pixel (b, oy, ox) in OHWI order [ky][kx][c] into row[0, K). Bytes of row
// past K may be overwritten with input bytes: A's k >= K meet zero weights.
inline void gather(const SmallKTaps& t, int b, int oy, int ox, int8_t* row) {
  const int C = t.in_c, kw = t.kernel_w, span = kw * C;
  const int8_t* in_b = t.input + b * t.image_bytes;
  const int ix0 = ox * t.stride_w - t.pad_left;
  const bool x_inside = ix0 >= 0 && ix0 + (kw - 1) * t.dilation_w < t.in_w;
  const bool dense = t.dilation_w == 1 && t.in_stride == static_cast<size_t>(C);
  for (int ky = 0; ky < t.kernel_h; ++ky, row += span) {
    const int iy = oy * t.stride_h - t.pad_top + ky * t.dilation_h;
    if (iy < 0 || iy >= t.in_h) {
      std::memset(row, t.zero_point, span);
      continue;
    }
    const int8_t* src = in_b + iy * t.row_bytes + ix0 * static_cast<ptrdiff_t>(t.in_stride);
    if (dense && x_inside) {  // one contiguous run of span bytes
      if (span <= 16 && src + 16 <= t.input_end) {  // the bulk: one 16-byte copy
        vst1q_s8(row, vld1q_s8(src));
        continue;
      }
      copy_small(row, src, span);
      continue;
    }
    for (int kx = 0; kx < kw; ++kx) {
      const int ix = ix0 + kx * t.dilation_w;
      if (ix < 0 || ix >= t.in_w)
        std::memset(row + kx * C, t.zero_point, C);
      else
        copy_small(row + kx * C, in_b + iy * t.row_bytes + ix * t.in_stride, C);
    }
  }
}

// row[0, 32) widened into A: chunk s of 8 k to a + 64 s + 8 pixel (every chunk: the GEMM reads
// the ones kp covers, a 4-k tail as the first half of its chunk).
inline void widen(const int8_t* row, int pixel, int16_t* a) {
  const int8x16_t r0 = vld1q_s8(row), r1 = vld1q_s8(row + 16);
  int16_t* d = a + pixel * 8;
  vst1q_s16(d, vmovl_s8(vget_low_s8(r0)));
  vst1q_s16(d + 64, vmovl_s8(vget_high_s8(r0)));
  vst1q_s16(d + 128, vmovl_s8(vget_low_s8(r1)));
  vst1q_s16(d + 192, vmovl_s8(vget_high_s8(r1)));
}

}  // namespace

void smallk_im2col_v80(const SmallKTaps& t, int b, int oy, int ox, int count, int8_t* row,
                       int16_t* a) {
  // The bulk: a dense input (pixel stride = in_c), a window row of at most 16 contiguous bytes
  // (kw * in_c, e.g. 9 for 3x3x3), the window inside the image horizontally: per window row one
  // 16-byte load and store (a padded row stores 16 bytes of z_a), no per-tap work. The fields go
  // to locals: the int8 stores would make the compiler reload them from t.
  const int C = t.in_c, span = t.kernel_w * C, kh = t.kernel_h, in_h = t.in_h;
  const int out_w = t.out_w, out_h = t.out_h, sw = t.stride_w, sh = t.stride_h, dh = t.dilation_h;
  const int pl = t.pad_left, pt = t.pad_top;
  const bool fast = t.dilation_w == 1 && t.in_stride == static_cast<size_t>(C) && span <= 16;
  const int ix_max = t.in_w - t.kernel_w;  // the last ix0 whose window is inside
  const ptrdiff_t row_bytes = static_cast<ptrdiff_t>(t.row_bytes);
  const ptrdiff_t step_y = row_bytes * dh;
  const int8_t* const input_end = t.input_end;
  const int8x16_t zv = vdupq_n_s8(t.zero_point);
  const int8_t* in_b = t.input + b * t.image_bytes;
  const ptrdiff_t pixel_step = static_cast<ptrdiff_t>(sw) * C;
  for (int i = 0; i < count;) {
    const int ix0 = ox * sw - pl;
    const int iy0 = oy * sh - pt;
    if (fast && ix0 >= 0 && ix0 <= ix_max && iy0 >= 0 && iy0 + (kh - 1) * dh < in_h) {
      // A run of pixels whose windows are all inside: no checks per tap row.
      const int run = std::min({count - i, (ix_max - ix0) / sw + 1, out_w - ox});
      const int8_t* src = in_b + iy0 * row_bytes + static_cast<ptrdiff_t>(ix0) * C;
      if (input_end - (src + (kh - 1) * step_y + (run - 1) * pixel_step) >= 16) {
        for (int j = 0; j < run; ++j, src += pixel_step) {
          const int8_t* s = src;
          int8_t* dst = row;
          for (int ky = 0; ky < kh; ++ky, s += step_y, dst += span) vst1q_s8(dst, vld1q_s8(s));
          widen(row, i + j, a);
        }
        i += run;
        ox += run;
        if (ox == out_w) {
          ox = 0;
          if (++oy == out_h) {
            oy = 0;
            in_b += t.image_bytes;
            ++b;
          }
        }
        continue;
      }
    }
    if (fast && ix0 >= 0 && ix0 <= ix_max) {
      int iy = iy0;
      const int8_t* src = in_b + iy * row_bytes + static_cast<ptrdiff_t>(ix0) * C;
      int8_t* dst = row;
      for (int ky = 0; ky < kh; ++ky, iy += dh, src += step_y, dst += span) {
        if (static_cast<unsigned>(iy) >= static_cast<unsigned>(in_h))
          vst1q_s8(dst, zv);
        else if (input_end - src >= 16)
          vst1q_s8(dst, vld1q_s8(src));
        else
          copy_small(dst, src, span);  // the input's last bytes
      }
    } else {
      gather(t, b, oy, ox, row);
    }
    widen(row, i, a);
    ++i;
    if (++ox == out_w) {
      ox = 0;
      if (++oy == out_h) {
        oy = 0;
        ++b;
        in_b += t.image_bytes;
      }
    }
  }
  if (count < kSmallKPixels) {  // a short last group: zero taps, results never stored
    std::memset(row, 0, kSmallKRowBytes);
    for (int i = count; i < kSmallKPixels; ++i) widen(row, i, a);
  }
}

#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
// The loop in asm, shaped like the Winograd GEMM (wino_f23_v80.cpp): the 8 pixels' taps in v0-v7
// (SMLAL by element takes v0-v15 for 16-bit lanes), the weights of 8 k in v8-v15, 8x8 int32
// accumulators in v16-v31 started from the bias. All 16 loads of a step go first (on the A53
// model a load after a NEON op costs a cycle), at offsets from one base then one add (loads off a
// written-back base wait on each other).
#define OCTET_SMALLK_LOADS        \
  "ldp q0, q1, [%[aa]]\n"         \
  "ldp q8, q9, [%[w]]\n"          \
  "ldp q2, q3, [%[aa], #32]\n"    \
  "ldp q10, q11, [%[w], #32]\n"   \
  "ldp q4, q5, [%[aa], #64]\n"    \
  "ldp q12, q13, [%[w], #64]\n"   \
  "ldp q6, q7, [%[aa], #96]\n"    \
  "ldp q14, q15, [%[w], #96]\n"   \
  "add %[aa], %[aa], #128\n"      \
  "add %[w], %[w], #128\n"
#define OCTET_SMALLK_TAIL_LOADS   \
  "ldr d0, [%[aa]]\n"             \
  "ldp q8, q9, [%[w]]\n"          \
  "ldr d1, [%[aa], #16]\n"        \
  "ldr d2, [%[aa], #32]\n"        \
  "ldp q10, q11, [%[w], #32]\n"   \
  "ldr d3, [%[aa], #48]\n"        \
  "ldr d4, [%[aa], #64]\n"        \
  "ldr d5, [%[aa], #80]\n"        \
  "ldr d6, [%[aa], #96]\n"        \
  "ldr d7, [%[aa], #112]\n"       \
  "add %[w], %[w], #64\n"
#define OCTET_SMALLK_MAC(W, L)                      \
  "smlal v16.4s, " W ".4h, v0.h[" L "]\n"          \
  "smlal2 v17.4s, " W ".8h, v0.h[" L "]\n"         \
  "smlal v18.4s, " W ".4h, v1.h[" L "]\n"          \
  "smlal2 v19.4s, " W ".8h, v1.h[" L "]\n"         \
  "smlal v20.4s, " W ".4h, v2.h[" L "]\n"          \
  "smlal2 v21.4s, " W ".8h, v2.h[" L "]\n"         \
  "smlal v22.4s, " W ".4h, v3.h[" L "]\n"          \
  "smlal2 v23.4s, " W ".8h, v3.h[" L "]\n"         \
  "smlal v24.4s, " W ".4h, v4.h[" L "]\n"          \
  "smlal2 v25.4s, " W ".8h, v4.h[" L "]\n"         \
  "smlal v26.4s, " W ".4h, v5.h[" L "]\n"          \
  "smlal2 v27.4s, " W ".8h, v5.h[" L "]\n"         \
  "smlal v28.4s, " W ".4h, v6.h[" L "]\n"          \
  "smlal2 v29.4s, " W ".8h, v6.h[" L "]\n"         \
  "smlal v30.4s, " W ".4h, v7.h[" L "]\n"          \
  "smlal2 v31.4s, " W ".8h, v7.h[" L "]\n"

void smallk_gemm_8x8_v80(const int16_t* a, const int16_t* w, const int32_t* bias, int steps8,
                         int tail4, int groups, int32_t* m) {
  long g = groups;
  const long steps = steps8, tail = tail4;
  long n;              // full steps left in the current group
  const int16_t* aa;   // the current group's walk through a (restarts per group)
  asm volatile(
      "0:\n"
      "ldp q16, q17, [%[bias]]\n"
      "ldp q18, q19, [%[bias]]\n"
      "ldp q20, q21, [%[bias]]\n"
      "ldp q22, q23, [%[bias]]\n"
      "ldp q24, q25, [%[bias]]\n"
      "ldp q26, q27, [%[bias]]\n"
      "ldp q28, q29, [%[bias]]\n"
      "ldp q30, q31, [%[bias]]\n"
      "add %[bias], %[bias], #32\n"
      "mov %[aa], %[a]\n"
      "mov %[n], %[steps]\n"
      "cbz %[n], 2f\n"
      "1:\n"
      OCTET_SMALLK_LOADS
      "subs %[n], %[n], #1\n"
      OCTET_SMALLK_MAC("v8", "0") OCTET_SMALLK_MAC("v9", "1")
      OCTET_SMALLK_MAC("v10", "2") OCTET_SMALLK_MAC("v11", "3")
      OCTET_SMALLK_MAC("v12", "4") OCTET_SMALLK_MAC("v13", "5")
      OCTET_SMALLK_MAC("v14", "6") OCTET_SMALLK_MAC("v15", "7")
      "b.ne 1b\n"
      "2:\n"
      "cbz %[tail], 3f\n"
      OCTET_SMALLK_TAIL_LOADS
      OCTET_SMALLK_MAC("v8", "0") OCTET_SMALLK_MAC("v9", "1")
      OCTET_SMALLK_MAC("v10", "2") OCTET_SMALLK_MAC("v11", "3")
      "3:\n"
      "stp q16, q17, [%[m]]\n"
      "stp q18, q19, [%[m], #32]\n"
      "stp q20, q21, [%[m], #64]\n"
      "stp q22, q23, [%[m], #96]\n"
      "stp q24, q25, [%[m], #128]\n"
      "stp q26, q27, [%[m], #160]\n"
      "stp q28, q29, [%[m], #192]\n"
      "stp q30, q31, [%[m], #224]\n"
      "add %[m], %[m], #256\n"
      "subs %[g], %[g], #1\n"
      "b.ne 0b\n"
      : [w] "+r"(w), [bias] "+r"(bias), [aa] "=&r"(aa), [n] "=&r"(n), [m] "+r"(m), [g] "+r"(g)
      : [a] "r"(a), [steps] "r"(steps), [tail] "r"(tail)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",
        "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24",
        "v25", "v26", "v27", "v28", "v29", "v30", "v31");
}
#undef OCTET_SMALLK_MAC
#undef OCTET_SMALLK_TAIL_LOADS
#undef OCTET_SMALLK_LOADS
#else
// SIMDe (x86 hosts): the same sums with intrinsics, started from 0 (|sum| <= 32 * 32767 * 255
// for any int16 a, so no signed overflow for the sanitizers) and the bias added wrapping.
void smallk_gemm_8x8_v80(const int16_t* a, const int16_t* w, const int32_t* bias, int steps8,
                         int tail4, int groups, int32_t* m) {
  for (int g = 0; g < groups; ++g, bias += 8, m += 64) {
    int32x4_t acc[16];
    for (int i = 0; i < 16; ++i) acc[i] = vdupq_n_s32(0);
    const int16_t* ap = a;
    auto chunk = [&](int ks, int16_t (*lane)(const int16_t*, int, int)) {
      for (int ki = 0; ki < ks; ++ki, w += 8) {
        const int16x8_t wk = vld1q_s16(w);
        for (int p = 0; p < 8; ++p) {
          const int16_t x = lane(ap, p, ki);
          acc[2 * p] = vmlal_n_s16(acc[2 * p], vget_low_s16(wk), x);
          acc[2 * p + 1] = vmlal_n_s16(acc[2 * p + 1], vget_high_s16(wk), x);
        }
      }
    };
    for (int s = 0; s < steps8; ++s, ap += 64)
      chunk(8, [](const int16_t* x, int p, int k) { return x[8 * p + k]; });
    if (tail4) chunk(4, [](const int16_t* x, int p, int k) { return x[8 * p + k]; });
    for (int p = 0; p < 8; ++p)
      for (int h = 0; h < 2; ++h) {
        const uint32x4_t s = vaddq_u32(vreinterpretq_u32_s32(acc[2 * p + h]),
                                       vreinterpretq_u32_s32(vld1q_s32(bias + 4 * h)));
        vst1q_s32(m + 8 * p + 4 * h, vreinterpretq_s32_u32(s));
      }
  }
}
#endif

namespace {

struct Consts {
  int32x4_t mult[2], left[2], right[2];
  int16x8_t zp;
  int8x16_t qmin, qmax;
};

// 8 pixels at once: the requant chain of one pixel is ~50 cycles of latency on the in-order A53,
// eight independent ones fill it.
template <bool kLeftShift>
inline void output8(const int32_t* m, int8_t* out, size_t pixel_stride, const Consts& k) {
  int32x4_t v[16];
  for (int i = 0; i < 16; ++i) v[i] = vld1q_s32(m + 4 * i);
  if (kLeftShift)
    for (int i = 0; i < 16; ++i) v[i] = left_shift_s32x4(v[i], k.left[i & 1]);
  for (int i = 0; i < 16; ++i) v[i] = mul_right_shift_s32x4(v[i], k.mult[i & 1], k.right[i & 1]);
  int16x8_t h[8];
  for (int p = 0; p < 8; ++p)
    h[p] = vqaddq_s16(vcombine_s16(vqmovn_s32(v[2 * p]), vqmovn_s32(v[2 * p + 1])), k.zp);
  for (int p = 0; p < 8; p += 2) {
    const int8x16_t b =
        vminq_s8(vmaxq_s8(vcombine_s8(vqmovn_s16(h[p]), vqmovn_s16(h[p + 1])), k.qmin), k.qmax);
    vst1_s8(out + p * pixel_stride, vget_low_s8(b));
    vst1_s8(out + (p + 1) * pixel_stride, vget_high_s8(b));
  }
}

template <bool kLeftShift>
void output_groups(const int32_t* m, int groups, int pixels, int8_t* out, size_t pixel_stride,
                   const SmallKRequant& q) {
  Consts k;
  k.zp = vdupq_n_s16(static_cast<int16_t>(q.zero_point));
  k.qmin = vdupq_n_s8(static_cast<int8_t>(q.qmin));
  k.qmax = vdupq_n_s8(static_cast<int8_t>(q.qmax));
  for (int g = 0; g < groups; ++g, m += 64, out += 8) {
    const int c = 8 * g;
    for (int h = 0; h < 2; ++h) {
      k.mult[h] = vld1q_s32(q.multiplier + c + 4 * h);
      if (kLeftShift) k.left[h] = vld1q_s32(q.left_shift + c + 4 * h);
      k.right[h] = vld1q_s32(q.right_shift + c + 4 * h);
    }
    const int channels = std::min(8, q.channels - c);
    if (pixels == 8 && channels == 8) {  // the bulk
      output8<kLeftShift>(m, out, pixel_stride, k);
      continue;
    }
    int8_t px[8][8];
    output8<kLeftShift>(m, px[0], 8, k);
    for (int p = 0; p < pixels; ++p)
      for (int ch = 0; ch < channels; ++ch) out[p * pixel_stride + ch] = px[p][ch];
  }
}

}  // namespace

void smallk_output_v80(const int32_t* m, int groups, int pixels, int8_t* out, size_t pixel_stride,
                       const SmallKRequant& q) {
  if (q.no_left_shift)
    output_groups<false>(m, groups, pixels, out, pixel_stride, q);
  else
    output_groups<true>(m, groups, pixels, out, pixel_stride, q);
}

}  // namespace octet::neon

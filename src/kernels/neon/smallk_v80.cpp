// Small-K convolution microkernels, ARMv8.0 NEON (see smallk_kernels.h, conv_smallk.h).
#include "kernels/neon/neon_include.h"
#include "kernels/neon/smallk_kernels.h"
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
#include "kernels/neon/lane_gemm_asm.h"
#endif

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
// the ones K covers).
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
  // (b, oy, ox) and in_b moved on by n pixels of the current output row (ox + n <= out_w).
  const auto advance = [&](int n) {
    ox += n;
    if (ox == out_w) {
      ox = 0;
      if (++oy == out_h) {
        oy = 0;
        in_b += t.image_bytes;
        ++b;
      }
    }
  };
  for (int i = 0; i < count;) {
    const int ix0 = ox * sw - pl;
    const int iy0 = oy * sh - pt;
    if (fast && ix0 >= 0 && ix0 <= ix_max && iy0 >= 0 && iy0 + (kh - 1) * dh < in_h) {
      // A run of pixels whose windows are all inside: no checks per tap row.
      const int run = std::min({count - i, (ix_max - ix0) / sw + 1, out_w - ox});
      const int8_t* src = in_b + iy0 * row_bytes + static_cast<ptrdiff_t>(ix0) * C;
      if (input_end - (src + (kh - 1) * step_y + (run - 1) * pixel_step) >= 16) {
        if (kh == 3) {  // 3xN kernels (the 3x3 RGB stems): the rows unrolled
          for (int j = 0; j < run; ++j, src += pixel_step) {
            const int8x16_t r0 = vld1q_s8(src), r1 = vld1q_s8(src + step_y);
            const int8x16_t r2 = vld1q_s8(src + 2 * step_y);
            vst1q_s8(row, r0);
            vst1q_s8(row + span, r1);
            vst1q_s8(row + 2 * span, r2);
            widen(row, i + j, a);
          }
        } else {
          for (int j = 0; j < run; ++j, src += pixel_step) {
            const int8_t* s = src;
            int8_t* dst = row;
            for (int ky = 0; ky < kh; ++ky, s += step_y, dst += span) vst1q_s8(dst, vld1q_s8(s));
            widen(row, i + j, a);
          }
        }
        i += run;
        advance(run);
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
    advance(1);
  }
  if (count < kSmallKPixels) {  // a short last group: zero taps, results never stored
    std::memset(row, 0, kSmallKRowBytes);
    for (int i = count; i < kSmallKPixels; ++i) widen(row, i, a);
  }
}

#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
// The loop in asm, on lane_gemm_asm.h's registers like the Winograd GEMM: the 8 pixels' taps in
// v0-v7 (lane = k), the weights of 8 k in v8-v15, 8x8 int32 accumulators in v16-v31 started from
// the bias. Full steps by OCTET_LANE_STEP8 (pixels 0-3, then 4-7, each quarter of the registers
// reloaded by one LD1 of 4 registers as it dies; the last full step reads nothing beyond it).
// The K % 8 last k: their 16 loads first, then a jump into the unrolled MACs of one step, written
// from k = 7 down to k = 0 (64 bytes each). Then the requantization on the registers, each stage
// over 8 or 16 independent registers for the in-order pipeline.
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
#define OCTET_SMALLK_ALL16(OP, EVEN, ODD)                                                       \
  OP " v16.4s, v16.4s, " EVEN ".4s\n" OP " v17.4s, v17.4s, " ODD ".4s\n"                        \
  OP " v18.4s, v18.4s, " EVEN ".4s\n" OP " v19.4s, v19.4s, " ODD ".4s\n"                        \
  OP " v20.4s, v20.4s, " EVEN ".4s\n" OP " v21.4s, v21.4s, " ODD ".4s\n"                        \
  OP " v22.4s, v22.4s, " EVEN ".4s\n" OP " v23.4s, v23.4s, " ODD ".4s\n"                        \
  OP " v24.4s, v24.4s, " EVEN ".4s\n" OP " v25.4s, v25.4s, " ODD ".4s\n"                        \
  OP " v26.4s, v26.4s, " EVEN ".4s\n" OP " v27.4s, v27.4s, " ODD ".4s\n"                        \
  OP " v28.4s, v28.4s, " EVEN ".4s\n" OP " v29.4s, v29.4s, " ODD ".4s\n"                        \
  OP " v30.4s, v30.4s, " EVEN ".4s\n" OP " v31.4s, v31.4s, " ODD ".4s\n"

void smallk_tiles_v80(const SmallKTiles& t) {
  const int16_t* w = t.w;
  const int32_t* bias = t.bias;
  const int32_t* mult = t.multiplier;
  const int32_t* right = t.right_shift;
  const int32_t* left = t.left_shift;
  int8_t* out = t.out;
  long g = t.groups;
  const long steps = t.steps8, tail = t.tail, ps = static_cast<long>(t.pixel_stride);
  long n;              // full steps left in the current group
  const int16_t* aa;   // the current group's walk through a (restarts per group)
  int8_t* o;           // the current group's walk through the pixels
  const int16_t *x4, *x8, *w4, *w8;  // the full steps' load bases (OCTET_LANE_STEP8)
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
      "cbz %[steps], 2f\n"
      "ld1 {v0.8h, v1.8h, v2.8h, v3.8h}, [%[a]]\n"
      "ld1 {v8.8h, v9.8h, v10.8h, v11.8h}, [%[w]]\n"
      "add %[x4], %[a], #64\n"
      "add %[x8], %[a], #128\n"
      "add %[w4], %[w], #64\n"
      "add %[w8], %[w], #128\n"
      "subs %[n], %[steps], #1\n"
      "b.eq 5f\n"
      "1:\n"
      "subs %[n], %[n], #1\n"  // first: the branch then never waits on it
      OCTET_LANE_STEP8("smlal", "smlal", OCTET_LANE_NEXT_X, OCTET_LANE_NEXT_W)
      OCTET_LANE_ADVANCE
      "b.ne 1b\n"
      "5:\n"
      OCTET_LANE_STEP8("smlal", "smlal", "", "")
      "mov %[aa], %[x8]\n"  // the tail's taps and weights follow the last full step
      "mov %[w], %[w8]\n"
      "2:\n"
      "cbz %[tail], 3f\n"
      OCTET_SMALLK_LOADS
      "adr %[o], 9f\n"
      "sub %[o], %[o], %[tail], lsl #6\n"
      "br %[o]\n"
      OCTET_LANE_MAC8("smlal", "v15", "7") OCTET_LANE_MAC8("smlal", "v14", "6")
      OCTET_LANE_MAC8("smlal", "v13", "5") OCTET_LANE_MAC8("smlal", "v12", "4")
      OCTET_LANE_MAC8("smlal", "v11", "3") OCTET_LANE_MAC8("smlal", "v10", "2")
      OCTET_LANE_MAC8("smlal", "v9", "1") OCTET_LANE_MAC8("smlal", "v8", "0")
      "9:\n"
      "3:\n"
      "ldp q0, q1, [%[mult]], #32\n"
      "ldp q2, q3, [%[right]], #32\n"
      "cbz %[left], 4f\n"
      "ldp q4, q5, [%[left]], #32\n"
      OCTET_SMALLK_ALL16("sqshl", "v4", "v5")
      "4:\n"
      "ldp q6, q7, [%[consts]]\n"    // zero point (int16 x 8), qmin (int8 x 16)
      "ldr q8, [%[consts], #32]\n"   // qmax
      OCTET_SMALLK_ALL16("sqrdmulh", "v0", "v1")
      OCTET_SMALLK_ALL16("srshl", "v2", "v3")
      "sqxtn v16.4h, v16.4s\n"
      "sqxtn v18.4h, v18.4s\n"
      "sqxtn v20.4h, v20.4s\n"
      "sqxtn v22.4h, v22.4s\n"
      "sqxtn v24.4h, v24.4s\n"
      "sqxtn v26.4h, v26.4s\n"
      "sqxtn v28.4h, v28.4s\n"
      "sqxtn v30.4h, v30.4s\n"
      "sqxtn2 v16.8h, v17.4s\n"
      "sqxtn2 v18.8h, v19.4s\n"
      "sqxtn2 v20.8h, v21.4s\n"
      "sqxtn2 v22.8h, v23.4s\n"
      "sqxtn2 v24.8h, v25.4s\n"
      "sqxtn2 v26.8h, v27.4s\n"
      "sqxtn2 v28.8h, v29.4s\n"
      "sqxtn2 v30.8h, v31.4s\n"
      "sqadd v16.8h, v16.8h, v6.8h\n"
      "sqadd v18.8h, v18.8h, v6.8h\n"
      "sqadd v20.8h, v20.8h, v6.8h\n"
      "sqadd v22.8h, v22.8h, v6.8h\n"
      "sqadd v24.8h, v24.8h, v6.8h\n"
      "sqadd v26.8h, v26.8h, v6.8h\n"
      "sqadd v28.8h, v28.8h, v6.8h\n"
      "sqadd v30.8h, v30.8h, v6.8h\n"
      "sqxtn v16.8b, v16.8h\n"
      "sqxtn v20.8b, v20.8h\n"
      "sqxtn v24.8b, v24.8h\n"
      "sqxtn v28.8b, v28.8h\n"
      "sqxtn2 v16.16b, v18.8h\n"
      "sqxtn2 v20.16b, v22.8h\n"
      "sqxtn2 v24.16b, v26.8h\n"
      "sqxtn2 v28.16b, v30.8h\n"
      "smax v16.16b, v16.16b, v7.16b\n"
      "smax v20.16b, v20.16b, v7.16b\n"
      "smax v24.16b, v24.16b, v7.16b\n"
      "smax v28.16b, v28.16b, v7.16b\n"
      "smin v16.16b, v16.16b, v8.16b\n"
      "smin v20.16b, v20.16b, v8.16b\n"
      "smin v24.16b, v24.16b, v8.16b\n"
      "smin v28.16b, v28.16b, v8.16b\n"
      "mov %[o], %[out]\n"
      "add %[out], %[out], #8\n"
      "st1 {v16.d}[0], [%[o]], %[ps]\n"
      "st1 {v16.d}[1], [%[o]], %[ps]\n"
      "st1 {v20.d}[0], [%[o]], %[ps]\n"
      "st1 {v20.d}[1], [%[o]], %[ps]\n"
      "st1 {v24.d}[0], [%[o]], %[ps]\n"
      "st1 {v24.d}[1], [%[o]], %[ps]\n"
      "st1 {v28.d}[0], [%[o]], %[ps]\n"
      "st1 {v28.d}[1], [%[o]]\n"
      "subs %[g], %[g], #1\n"
      "b.ne 0b\n"
      : [w] "+r"(w), [bias] "+r"(bias), [mult] "+r"(mult), [right] "+r"(right),
        [left] "+r"(left), [out] "+r"(out), [g] "+r"(g), [aa] "=&r"(aa), [n] "=&r"(n),
        [o] "=&r"(o), [x4] "=&r"(x4), [x8] "=&r"(x8), [w4] "=&r"(w4), [w8] "=&r"(w8)
      : [a] "r"(t.a), [steps] "r"(steps), [tail] "r"(tail), [ps] "r"(ps),
        [consts] "r"(t.consts)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",
        "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24",
        "v25", "v26", "v27", "v28", "v29", "v30", "v31");
}
#undef OCTET_SMALLK_ALL16
#undef OCTET_SMALLK_LOADS
#else
// SIMDe (x86 hosts): the same arithmetic with intrinsics. The sums start from 0 (|sum| <= 32 *
// 32767 * 255 for any int16 a: no signed overflow for the sanitizers) and take the bias wrapping.
void smallk_tiles_v80(const SmallKTiles& t) {
  const int16_t* w = t.w;
  const int kp8 = 8 * (t.steps8 + (t.tail ? 1 : 0));
  const int k_used = 8 * t.steps8 + t.tail;
  const int16_t zp = t.consts->zero_point[0];
  const int8_t qmin = t.consts->qmin[0], qmax = t.consts->qmax[0];
  for (int g = 0; g < t.groups; ++g, w += kp8 * 8) {
    const int c = 8 * g;
    int32x4_t acc[16];
    for (int i = 0; i < 16; ++i) acc[i] = vdupq_n_s32(0);
    for (int k = 0; k < k_used; ++k) {
      const int16x8_t wk = vld1q_s16(w + 8 * k);
      for (int p = 0; p < 8; ++p) {
        const int16_t x = t.a[(k / 8) * 64 + p * 8 + k % 8];
        acc[2 * p] = vmlal_n_s16(acc[2 * p], vget_low_s16(wk), x);
        acc[2 * p + 1] = vmlal_n_s16(acc[2 * p + 1], vget_high_s16(wk), x);
      }
    }
    for (int p = 0; p < 8; ++p) {
      int32x4_t v[2];
      for (int h = 0; h < 2; ++h) {
        v[h] = vreinterpretq_s32_u32(vaddq_u32(vreinterpretq_u32_s32(acc[2 * p + h]),
                                               vreinterpretq_u32_s32(vld1q_s32(t.bias + c + 4 * h))));
        if (t.left_shift) v[h] = left_shift_s32x4(v[h], vld1q_s32(t.left_shift + c + 4 * h));
        v[h] = mul_right_shift_s32x4(v[h], vld1q_s32(t.multiplier + c + 4 * h),
                                     vld1q_s32(t.right_shift + c + 4 * h));
      }
      vst1_s8(t.out + p * t.pixel_stride + c,
              narrow_s32x8(v[0], v[1], vdupq_n_s16(zp), vdup_n_s8(qmin), vdup_n_s8(qmax)));
    }
  }
}
#endif

}  // namespace octet::neon

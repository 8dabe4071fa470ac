// GEMM microkernel, ARMv8.2 dotprod: 4 rows x 16 channels per tile, SDOT by lane.
// Per 16 k: 4 A loads (16 k of each row) + 16 weight loads (4 channels x 4 k each) feed 64 SDOTs;
// few loads per SDOT suits the in-order A55 (a Q-form SDOT blocks dual issue) as well as the N1.
// aarch64: one inline-asm block per tile (loop and epilogue), see below; elsewhere (SIMDe on x86
// hosts) the same computation in intrinsics.
#include <cstring>

#include "kernels/neon/gemm_kernels.h"
#include "kernels/neon/neon_include.h"

namespace octet::neon {
namespace {

inline int32x4_t load_s32(const uint8_t* p) { return vreinterpretq_s32_s8(vld1q_s8(reinterpret_cast<const int8_t*>(p))); }

// One row (fully connected with batch 1, the last row of a conv): the 4-row tile would compute
// three duplicate rows. Per 16 k: 1 A load, 16 weight loads, 16 SDOTs into 8 accumulators (two
// sets alternate between k groups to halve the SDOT dependency chains).
void gemm_1x16c4(const GemmTile& t) {
  const int kp = t.kp;
  const size_t block_bytes = 320 + 16 * static_cast<size_t>(kp);
  const int16x8_t zp = vdupq_n_s16(static_cast<int16_t>(t.out_zero_point));
  const int8x8_t qmin = vdup_n_s8(static_cast<int8_t>(t.qmin));
  const int8x8_t qmax = vdup_n_s8(static_cast<int8_t>(t.qmax));
  const uint8_t* blk = t.blocks;
  for (int c0 = t.block_first_channel; c0 < t.n_end; c0 += 16, blk += block_bytes) {
    int32x4_t x0 = load_s32(blk), x1 = load_s32(blk + 16), x2 = load_s32(blk + 32),
              x3 = load_s32(blk + 48);
    int32x4_t y0 = vdupq_n_s32(0), y1 = y0, y2 = y0, y3 = y0;
    const int8_t* w = reinterpret_cast<const int8_t*>(blk + 320);
    for (int k = 0; k < kp; k += 16, w += 256) {
      const int8x16_t a = vld1q_s8(t.a + k);
      x0 = vdotq_laneq_s32(x0, vld1q_s8(w), a, 0);
      x1 = vdotq_laneq_s32(x1, vld1q_s8(w + 16), a, 0);
      x2 = vdotq_laneq_s32(x2, vld1q_s8(w + 32), a, 0);
      x3 = vdotq_laneq_s32(x3, vld1q_s8(w + 48), a, 0);
      y0 = vdotq_laneq_s32(y0, vld1q_s8(w + 64), a, 1);
      y1 = vdotq_laneq_s32(y1, vld1q_s8(w + 80), a, 1);
      y2 = vdotq_laneq_s32(y2, vld1q_s8(w + 96), a, 1);
      y3 = vdotq_laneq_s32(y3, vld1q_s8(w + 112), a, 1);
      x0 = vdotq_laneq_s32(x0, vld1q_s8(w + 128), a, 2);
      x1 = vdotq_laneq_s32(x1, vld1q_s8(w + 144), a, 2);
      x2 = vdotq_laneq_s32(x2, vld1q_s8(w + 160), a, 2);
      x3 = vdotq_laneq_s32(x3, vld1q_s8(w + 176), a, 2);
      y0 = vdotq_laneq_s32(y0, vld1q_s8(w + 192), a, 3);
      y1 = vdotq_laneq_s32(y1, vld1q_s8(w + 208), a, 3);
      y2 = vdotq_laneq_s32(y2, vld1q_s8(w + 224), a, 3);
      y3 = vdotq_laneq_s32(y3, vld1q_s8(w + 240), a, 3);
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
      // Keeps each accumulator in one register: GCC otherwise rotated three of them through
      // copies (6 MOVs per 16 SDOTs: 11 instead of 8 N1 cycles per step; ResNet-50's 7x7 layers
      // and every batch-1 FC run this loop).
      asm("" : "+w"(x0), "+w"(x1), "+w"(x2), "+w"(x3), "+w"(y0), "+w"(y1), "+w"(y2), "+w"(y3));
#endif
    }
    x0 = vaddq_s32(x0, y0);
    x1 = vaddq_s32(x1, y1);
    x2 = vaddq_s32(x2, y2);
    x3 = vaddq_s32(x3, y3);
    if (t.row_sums) {
      const int32_t sum = t.row_sums[0];
      x0 = vmlsq_n_s32(x0, load_s32(blk + 64), sum);
      x1 = vmlsq_n_s32(x1, load_s32(blk + 80), sum);
      x2 = vmlsq_n_s32(x2, load_s32(blk + 96), sum);
      x3 = vmlsq_n_s32(x3, load_s32(blk + 112), sum);
    }
    if (!t.no_left_shift) {
      x0 = left_shift_s32x4(x0, load_s32(blk + 192));
      x1 = left_shift_s32x4(x1, load_s32(blk + 208));
      x2 = left_shift_s32x4(x2, load_s32(blk + 224));
      x3 = left_shift_s32x4(x3, load_s32(blk + 240));
    }
    x0 = mul_right_shift_s32x4(x0, load_s32(blk + 128), load_s32(blk + 256));
    x1 = mul_right_shift_s32x4(x1, load_s32(blk + 144), load_s32(blk + 272));
    x2 = mul_right_shift_s32x4(x2, load_s32(blk + 160), load_s32(blk + 288));
    x3 = mul_right_shift_s32x4(x3, load_s32(blk + 176), load_s32(blk + 304));
    const int8x16_t o = vcombine_s8(narrow_s32x8(x0, x1, zp, qmin, qmax), narrow_s32x8(x2, x3, zp, qmin, qmax));
    const int lo = c0 < t.n_begin ? t.n_begin : c0;
    const int hi = c0 + 16 > t.n_end ? t.n_end : c0 + 16;
    if (lo == c0 && hi == c0 + 16) {
      vst1q_s8(t.out + c0, o);
    } else {
      int8_t tmp[16];
      vst1q_s8(tmp, o);
      std::memcpy(t.out + lo, tmp + (lo - c0), hi - lo);
    }
  }
}

}  // namespace

// On a page of its own, like the 6x16 tile run: under qemu a translation block ends at a 4 KiB
// page, and armperf costs a hot loop that crosses one as two blocks (+1 N1 cycle per 16 k of the
// 4-row loop, moving with unrelated code).
__attribute__((aligned(4096))) void gemm_4x16c4_dotprod(const GemmTile& t) {
  if (t.rows == 1) {
    gemm_1x16c4(t);
    return;
  }
  const int rows = t.rows;
  const int8_t* a0 = t.a;
  const int8_t* a1 = rows > 1 ? a0 + t.a_stride : a0;
  const int8_t* a2 = rows > 2 ? a1 + t.a_stride : a1;
  const int8_t* a3 = rows > 3 ? a2 + t.a_stride : a2;
  const int kp = t.kp;
  const size_t block_bytes = 320 + 16 * static_cast<size_t>(kp);
  const uint8_t* blk = t.blocks;
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
  const int16x8_t zp = vdupq_n_s16(static_cast<int16_t>(t.out_zero_point));
  const int8x16_t qmin = vdupq_n_s8(static_cast<int8_t>(t.qmin));
  const int8x16_t qmax = vdupq_n_s8(static_cast<int8_t>(t.qmax));
  const size_t no_left = t.no_left_shift ? 1 : 0, no_right = t.no_right_shift ? 1 : 0;
#else
  const int16x8_t zp = vdupq_n_s16(static_cast<int16_t>(t.out_zero_point));
  const int8x8_t qmin = vdup_n_s8(static_cast<int8_t>(t.qmin));
  const int8x8_t qmax = vdup_n_s8(static_cast<int8_t>(t.qmax));
#endif
  for (int c0 = t.block_first_channel; c0 < t.n_end; c0 += 16, blk += block_bytes) {
    const int8_t* w = reinterpret_cast<const int8_t*>(blk + 320);
    int8x16_t o[4];
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
    // GCC's allocation of the intrinsics loop hoists all 16 weight loads and spills accumulators,
    // and an asm statement cannot take 16 read-write vector operands: the whole tile is one asm
    // block. Accumulators (bias-initialised) live in v16-v31, 4 A rows in v0-v3, two sets of 4
    // weight registers in v4-v11: the next group's weights load between the current group's SDOTs
    // (1 load per 4 SDOTs, generated). The last 16 k are peeled so nothing is read past a row or
    // the weight block. The epilogue follows in registers: MLS by the activation sums (skipped
    // without zero points), SQSHL (skipped when no shift is > 0), SQRDMULH, SRSHL, SQXTN, + zero
    // point, SQXTN, clamp; 64 result bytes go to `res` for the (possibly partial) stores.
    {
      alignas(16) int8_t res[64];
      size_t n = static_cast<size_t>(kp / 16), k = 0;
      asm volatile(
        "ldp q16, q17, [%[blk]]\n"
        "ldp q18, q19, [%[blk], #32]\n"
        "mov v20.16b, v16.16b\n"
        "mov v21.16b, v17.16b\n"
        "mov v22.16b, v18.16b\n"
        "mov v23.16b, v19.16b\n"
        "mov v24.16b, v16.16b\n"
        "mov v25.16b, v17.16b\n"
        "mov v26.16b, v18.16b\n"
        "mov v27.16b, v19.16b\n"
        "mov v28.16b, v16.16b\n"
        "mov v29.16b, v17.16b\n"
        "mov v30.16b, v18.16b\n"
        "mov v31.16b, v19.16b\n"
        "ldr q4, [%[w], #0]\n"
        "ldr q5, [%[w], #16]\n"
        "ldr q6, [%[w], #32]\n"
        "ldr q7, [%[w], #48]\n"
        "subs %[n], %[n], #1\n"
        "b.eq 2f\n"
        "1:\n"
        "ldr q0, [%[a0], %[k]]\n"
        "ldr q1, [%[a1], %[k]]\n"
        "ldr q2, [%[a2], %[k]]\n"
        "ldr q3, [%[a3], %[k]]\n"
        "sdot v16.4s, v4.16b, v0.4b[0]\n"
        "sdot v17.4s, v5.16b, v0.4b[0]\n"
        "ldr q8, [%[w], #64]\n"
        "sdot v18.4s, v6.16b, v0.4b[0]\n"
        "sdot v19.4s, v7.16b, v0.4b[0]\n"
        "sdot v20.4s, v4.16b, v1.4b[0]\n"
        "sdot v21.4s, v5.16b, v1.4b[0]\n"
        "ldr q9, [%[w], #80]\n"
        "sdot v22.4s, v6.16b, v1.4b[0]\n"
        "sdot v23.4s, v7.16b, v1.4b[0]\n"
        "sdot v24.4s, v4.16b, v2.4b[0]\n"
        "sdot v25.4s, v5.16b, v2.4b[0]\n"
        "ldr q10, [%[w], #96]\n"
        "sdot v26.4s, v6.16b, v2.4b[0]\n"
        "sdot v27.4s, v7.16b, v2.4b[0]\n"
        "sdot v28.4s, v4.16b, v3.4b[0]\n"
        "sdot v29.4s, v5.16b, v3.4b[0]\n"
        "ldr q11, [%[w], #112]\n"
        "sdot v30.4s, v6.16b, v3.4b[0]\n"
        "sdot v31.4s, v7.16b, v3.4b[0]\n"
        "sdot v16.4s, v8.16b, v0.4b[1]\n"
        "sdot v17.4s, v9.16b, v0.4b[1]\n"
        "ldr q4, [%[w], #128]\n"
        "sdot v18.4s, v10.16b, v0.4b[1]\n"
        "sdot v19.4s, v11.16b, v0.4b[1]\n"
        "sdot v20.4s, v8.16b, v1.4b[1]\n"
        "sdot v21.4s, v9.16b, v1.4b[1]\n"
        "ldr q5, [%[w], #144]\n"
        "sdot v22.4s, v10.16b, v1.4b[1]\n"
        "sdot v23.4s, v11.16b, v1.4b[1]\n"
        "sdot v24.4s, v8.16b, v2.4b[1]\n"
        "sdot v25.4s, v9.16b, v2.4b[1]\n"
        "ldr q6, [%[w], #160]\n"
        "sdot v26.4s, v10.16b, v2.4b[1]\n"
        "sdot v27.4s, v11.16b, v2.4b[1]\n"
        "sdot v28.4s, v8.16b, v3.4b[1]\n"
        "sdot v29.4s, v9.16b, v3.4b[1]\n"
        "ldr q7, [%[w], #176]\n"
        "sdot v30.4s, v10.16b, v3.4b[1]\n"
        "sdot v31.4s, v11.16b, v3.4b[1]\n"
        "sdot v16.4s, v4.16b, v0.4b[2]\n"
        "sdot v17.4s, v5.16b, v0.4b[2]\n"
        "ldr q8, [%[w], #192]\n"
        "sdot v18.4s, v6.16b, v0.4b[2]\n"
        "sdot v19.4s, v7.16b, v0.4b[2]\n"
        "sdot v20.4s, v4.16b, v1.4b[2]\n"
        "sdot v21.4s, v5.16b, v1.4b[2]\n"
        "ldr q9, [%[w], #208]\n"
        "sdot v22.4s, v6.16b, v1.4b[2]\n"
        "sdot v23.4s, v7.16b, v1.4b[2]\n"
        "sdot v24.4s, v4.16b, v2.4b[2]\n"
        "sdot v25.4s, v5.16b, v2.4b[2]\n"
        "ldr q10, [%[w], #224]\n"
        "sdot v26.4s, v6.16b, v2.4b[2]\n"
        "sdot v27.4s, v7.16b, v2.4b[2]\n"
        "sdot v28.4s, v4.16b, v3.4b[2]\n"
        "sdot v29.4s, v5.16b, v3.4b[2]\n"
        "ldr q11, [%[w], #240]\n"
        "sdot v30.4s, v6.16b, v3.4b[2]\n"
        "sdot v31.4s, v7.16b, v3.4b[2]\n"
        "sdot v16.4s, v8.16b, v0.4b[3]\n"
        "sdot v17.4s, v9.16b, v0.4b[3]\n"
        "ldr q4, [%[w], #256]\n"
        "sdot v18.4s, v10.16b, v0.4b[3]\n"
        "sdot v19.4s, v11.16b, v0.4b[3]\n"
        "sdot v20.4s, v8.16b, v1.4b[3]\n"
        "sdot v21.4s, v9.16b, v1.4b[3]\n"
        "ldr q5, [%[w], #272]\n"
        "sdot v22.4s, v10.16b, v1.4b[3]\n"
        "sdot v23.4s, v11.16b, v1.4b[3]\n"
        "sdot v24.4s, v8.16b, v2.4b[3]\n"
        "sdot v25.4s, v9.16b, v2.4b[3]\n"
        "ldr q6, [%[w], #288]\n"
        "sdot v26.4s, v10.16b, v2.4b[3]\n"
        "sdot v27.4s, v11.16b, v2.4b[3]\n"
        "sdot v28.4s, v8.16b, v3.4b[3]\n"
        "sdot v29.4s, v9.16b, v3.4b[3]\n"
        "ldr q7, [%[w], #304]\n"
        "sdot v30.4s, v10.16b, v3.4b[3]\n"
        "sdot v31.4s, v11.16b, v3.4b[3]\n"
        "add %[w], %[w], #256\n"
        "add %[k], %[k], #16\n"
        "subs %[n], %[n], #1\n"
        "b.ne 1b\n"
        "2:\n"
        "ldr q0, [%[a0], %[k]]\n"
        "ldr q1, [%[a1], %[k]]\n"
        "ldr q2, [%[a2], %[k]]\n"
        "ldr q3, [%[a3], %[k]]\n"
        "sdot v16.4s, v4.16b, v0.4b[0]\n"
        "sdot v17.4s, v5.16b, v0.4b[0]\n"
        "ldr q8, [%[w], #64]\n"
        "sdot v18.4s, v6.16b, v0.4b[0]\n"
        "sdot v19.4s, v7.16b, v0.4b[0]\n"
        "sdot v20.4s, v4.16b, v1.4b[0]\n"
        "sdot v21.4s, v5.16b, v1.4b[0]\n"
        "ldr q9, [%[w], #80]\n"
        "sdot v22.4s, v6.16b, v1.4b[0]\n"
        "sdot v23.4s, v7.16b, v1.4b[0]\n"
        "sdot v24.4s, v4.16b, v2.4b[0]\n"
        "sdot v25.4s, v5.16b, v2.4b[0]\n"
        "ldr q10, [%[w], #96]\n"
        "sdot v26.4s, v6.16b, v2.4b[0]\n"
        "sdot v27.4s, v7.16b, v2.4b[0]\n"
        "sdot v28.4s, v4.16b, v3.4b[0]\n"
        "sdot v29.4s, v5.16b, v3.4b[0]\n"
        "ldr q11, [%[w], #112]\n"
        "sdot v30.4s, v6.16b, v3.4b[0]\n"
        "sdot v31.4s, v7.16b, v3.4b[0]\n"
        "sdot v16.4s, v8.16b, v0.4b[1]\n"
        "sdot v17.4s, v9.16b, v0.4b[1]\n"
        "ldr q4, [%[w], #128]\n"
        "sdot v18.4s, v10.16b, v0.4b[1]\n"
        "sdot v19.4s, v11.16b, v0.4b[1]\n"
        "sdot v20.4s, v8.16b, v1.4b[1]\n"
        "sdot v21.4s, v9.16b, v1.4b[1]\n"
        "ldr q5, [%[w], #144]\n"
        "sdot v22.4s, v10.16b, v1.4b[1]\n"
        "sdot v23.4s, v11.16b, v1.4b[1]\n"
        "sdot v24.4s, v8.16b, v2.4b[1]\n"
        "sdot v25.4s, v9.16b, v2.4b[1]\n"
        "ldr q6, [%[w], #160]\n"
        "sdot v26.4s, v10.16b, v2.4b[1]\n"
        "sdot v27.4s, v11.16b, v2.4b[1]\n"
        "sdot v28.4s, v8.16b, v3.4b[1]\n"
        "sdot v29.4s, v9.16b, v3.4b[1]\n"
        "ldr q7, [%[w], #176]\n"
        "sdot v30.4s, v10.16b, v3.4b[1]\n"
        "sdot v31.4s, v11.16b, v3.4b[1]\n"
        "sdot v16.4s, v4.16b, v0.4b[2]\n"
        "sdot v17.4s, v5.16b, v0.4b[2]\n"
        "ldr q8, [%[w], #192]\n"
        "sdot v18.4s, v6.16b, v0.4b[2]\n"
        "sdot v19.4s, v7.16b, v0.4b[2]\n"
        "sdot v20.4s, v4.16b, v1.4b[2]\n"
        "sdot v21.4s, v5.16b, v1.4b[2]\n"
        "ldr q9, [%[w], #208]\n"
        "sdot v22.4s, v6.16b, v1.4b[2]\n"
        "sdot v23.4s, v7.16b, v1.4b[2]\n"
        "sdot v24.4s, v4.16b, v2.4b[2]\n"
        "sdot v25.4s, v5.16b, v2.4b[2]\n"
        "ldr q10, [%[w], #224]\n"
        "sdot v26.4s, v6.16b, v2.4b[2]\n"
        "sdot v27.4s, v7.16b, v2.4b[2]\n"
        "sdot v28.4s, v4.16b, v3.4b[2]\n"
        "sdot v29.4s, v5.16b, v3.4b[2]\n"
        "ldr q11, [%[w], #240]\n"
        "sdot v30.4s, v6.16b, v3.4b[2]\n"
        "sdot v31.4s, v7.16b, v3.4b[2]\n"
        "sdot v16.4s, v8.16b, v0.4b[3]\n"
        "sdot v17.4s, v9.16b, v0.4b[3]\n"
        "sdot v18.4s, v10.16b, v0.4b[3]\n"
        "sdot v19.4s, v11.16b, v0.4b[3]\n"
        "sdot v20.4s, v8.16b, v1.4b[3]\n"
        "sdot v21.4s, v9.16b, v1.4b[3]\n"
        "sdot v22.4s, v10.16b, v1.4b[3]\n"
        "sdot v23.4s, v11.16b, v1.4b[3]\n"
        "sdot v24.4s, v8.16b, v2.4b[3]\n"
        "sdot v25.4s, v9.16b, v2.4b[3]\n"
        "sdot v26.4s, v10.16b, v2.4b[3]\n"
        "sdot v27.4s, v11.16b, v2.4b[3]\n"
        "sdot v28.4s, v8.16b, v3.4b[3]\n"
        "sdot v29.4s, v9.16b, v3.4b[3]\n"
        "sdot v30.4s, v10.16b, v3.4b[3]\n"
        "sdot v31.4s, v11.16b, v3.4b[3]\n"
        "add %[w], %[w], #256\n"
        "cbz %[sums], 3f\n"
        "ldr q0, [%[sums]]\n"
        "ldp q4, q5, [%[blk], #64]\n"
        "ldp q6, q7, [%[blk], #96]\n"
        "mls v16.4s, v4.4s, v0.s[0]\n"
        "mls v17.4s, v5.4s, v0.s[0]\n"
        "mls v18.4s, v6.4s, v0.s[0]\n"
        "mls v19.4s, v7.4s, v0.s[0]\n"
        "mls v20.4s, v4.4s, v0.s[1]\n"
        "mls v21.4s, v5.4s, v0.s[1]\n"
        "mls v22.4s, v6.4s, v0.s[1]\n"
        "mls v23.4s, v7.4s, v0.s[1]\n"
        "mls v24.4s, v4.4s, v0.s[2]\n"
        "mls v25.4s, v5.4s, v0.s[2]\n"
        "mls v26.4s, v6.4s, v0.s[2]\n"
        "mls v27.4s, v7.4s, v0.s[2]\n"
        "mls v28.4s, v4.4s, v0.s[3]\n"
        "mls v29.4s, v5.4s, v0.s[3]\n"
        "mls v30.4s, v6.4s, v0.s[3]\n"
        "mls v31.4s, v7.4s, v0.s[3]\n"
        "3:\n"
        "cbnz %[noleft], 4f\n"
        "ldp q4, q5, [%[blk], #192]\n"
        "ldp q6, q7, [%[blk], #224]\n"
        "sqshl v16.4s, v16.4s, v4.4s\n"
        "sqshl v17.4s, v17.4s, v5.4s\n"
        "sqshl v18.4s, v18.4s, v6.4s\n"
        "sqshl v19.4s, v19.4s, v7.4s\n"
        "sqshl v20.4s, v20.4s, v4.4s\n"
        "sqshl v21.4s, v21.4s, v5.4s\n"
        "sqshl v22.4s, v22.4s, v6.4s\n"
        "sqshl v23.4s, v23.4s, v7.4s\n"
        "sqshl v24.4s, v24.4s, v4.4s\n"
        "sqshl v25.4s, v25.4s, v5.4s\n"
        "sqshl v26.4s, v26.4s, v6.4s\n"
        "sqshl v27.4s, v27.4s, v7.4s\n"
        "sqshl v28.4s, v28.4s, v4.4s\n"
        "sqshl v29.4s, v29.4s, v5.4s\n"
        "sqshl v30.4s, v30.4s, v6.4s\n"
        "sqshl v31.4s, v31.4s, v7.4s\n"
        "4:\n"
        "ldp q4, q5, [%[blk], #128]\n"
        "ldp q6, q7, [%[blk], #160]\n"
        "ldp q8, q9, [%[blk], #256]\n"
        "ldp q10, q11, [%[blk], #288]\n"
        "sqrdmulh v16.4s, v16.4s, v4.4s\n"
        "sqrdmulh v17.4s, v17.4s, v5.4s\n"
        "sqrdmulh v18.4s, v18.4s, v6.4s\n"
        "sqrdmulh v19.4s, v19.4s, v7.4s\n"
        "sqrdmulh v20.4s, v20.4s, v4.4s\n"
        "sqrdmulh v21.4s, v21.4s, v5.4s\n"
        "sqrdmulh v22.4s, v22.4s, v6.4s\n"
        "sqrdmulh v23.4s, v23.4s, v7.4s\n"
        "sqrdmulh v24.4s, v24.4s, v4.4s\n"
        "sqrdmulh v25.4s, v25.4s, v5.4s\n"
        "sqrdmulh v26.4s, v26.4s, v6.4s\n"
        "sqrdmulh v27.4s, v27.4s, v7.4s\n"
        "sqrdmulh v28.4s, v28.4s, v4.4s\n"
        "sqrdmulh v29.4s, v29.4s, v5.4s\n"
        "sqrdmulh v30.4s, v30.4s, v6.4s\n"
        "sqrdmulh v31.4s, v31.4s, v7.4s\n"
        "cbnz %[noright], 5f\n"
        "srshl v16.4s, v16.4s, v8.4s\n"
        "srshl v17.4s, v17.4s, v9.4s\n"
        "srshl v18.4s, v18.4s, v10.4s\n"
        "srshl v19.4s, v19.4s, v11.4s\n"
        "srshl v20.4s, v20.4s, v8.4s\n"
        "srshl v21.4s, v21.4s, v9.4s\n"
        "srshl v22.4s, v22.4s, v10.4s\n"
        "srshl v23.4s, v23.4s, v11.4s\n"
        "srshl v24.4s, v24.4s, v8.4s\n"
        "srshl v25.4s, v25.4s, v9.4s\n"
        "srshl v26.4s, v26.4s, v10.4s\n"
        "srshl v27.4s, v27.4s, v11.4s\n"
        "srshl v28.4s, v28.4s, v8.4s\n"
        "srshl v29.4s, v29.4s, v9.4s\n"
        "srshl v30.4s, v30.4s, v10.4s\n"
        "srshl v31.4s, v31.4s, v11.4s\n"
        "5:\n"
        "sqxtn v0.4h, v16.4s\n"
        "sqxtn v1.4h, v18.4s\n"
        "sqxtn v2.4h, v20.4s\n"
        "sqxtn v3.4h, v22.4s\n"
        "sqxtn2 v0.8h, v17.4s\n"
        "sqxtn2 v1.8h, v19.4s\n"
        "sqxtn2 v2.8h, v21.4s\n"
        "sqxtn2 v3.8h, v23.4s\n"
        "sqadd v0.8h, v0.8h, %[zp].8h\n"
        "sqadd v1.8h, v1.8h, %[zp].8h\n"
        "sqadd v2.8h, v2.8h, %[zp].8h\n"
        "sqadd v3.8h, v3.8h, %[zp].8h\n"
        "sqxtn v0.8b, v0.8h\n"
        "sqxtn v2.8b, v2.8h\n"
        "sqxtn2 v0.16b, v1.8h\n"
        "sqxtn2 v2.16b, v3.8h\n"
        "smax v0.16b, v0.16b, %[qmin].16b\n"
        "smax v2.16b, v2.16b, %[qmin].16b\n"
        "smin v0.16b, v0.16b, %[qmax].16b\n"
        "smin v2.16b, v2.16b, %[qmax].16b\n"
        "stp q0, q2, [%[res], #0]\n"
        "sqxtn v0.4h, v24.4s\n"
        "sqxtn v1.4h, v26.4s\n"
        "sqxtn v2.4h, v28.4s\n"
        "sqxtn v3.4h, v30.4s\n"
        "sqxtn2 v0.8h, v25.4s\n"
        "sqxtn2 v1.8h, v27.4s\n"
        "sqxtn2 v2.8h, v29.4s\n"
        "sqxtn2 v3.8h, v31.4s\n"
        "sqadd v0.8h, v0.8h, %[zp].8h\n"
        "sqadd v1.8h, v1.8h, %[zp].8h\n"
        "sqadd v2.8h, v2.8h, %[zp].8h\n"
        "sqadd v3.8h, v3.8h, %[zp].8h\n"
        "sqxtn v0.8b, v0.8h\n"
        "sqxtn v2.8b, v2.8h\n"
        "sqxtn2 v0.16b, v1.8h\n"
        "sqxtn2 v2.16b, v3.8h\n"
        "smax v0.16b, v0.16b, %[qmin].16b\n"
        "smax v2.16b, v2.16b, %[qmin].16b\n"
        "smin v0.16b, v0.16b, %[qmax].16b\n"
        "smin v2.16b, v2.16b, %[qmax].16b\n"
        "stp q0, q2, [%[res], #32]\n"
        : [w] "+r"(w), [n] "+r"(n), [k] "+r"(k)
        : [a0] "r"(a0), [a1] "r"(a1), [a2] "r"(a2), [a3] "r"(a3), [blk] "r"(blk), [res] "r"(res),
          [sums] "r"(t.row_sums), [noleft] "r"(no_left),
          [noright] "r"(no_right), [zp] "w"(zp), [qmin] "w"(qmin),
          [qmax] "w"(qmax)
        : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",
          "v11", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26",
          "v27", "v28", "v29", "v30", "v31");
      o[0] = vld1q_s8(res);
      o[1] = vld1q_s8(res + 16);
      o[2] = vld1q_s8(res + 32);
      o[3] = vld1q_s8(res + 48);
    }
#else
    int32x4_t b0 = load_s32(blk), b1 = load_s32(blk + 16), b2 = load_s32(blk + 32),
              b3 = load_s32(blk + 48);
    int32x4_t c00 = b0, c01 = b1, c02 = b2, c03 = b3;
    int32x4_t c10 = b0, c11 = b1, c12 = b2, c13 = b3;
    int32x4_t c20 = b0, c21 = b1, c22 = b2, c23 = b3;
    int32x4_t c30 = b0, c31 = b1, c32 = b2, c33 = b3;
    for (int k = 0; k < kp; k += 16) {
      const int8x16_t va0 = vld1q_s8(a0 + k), va1 = vld1q_s8(a1 + k);
      const int8x16_t va2 = vld1q_s8(a2 + k), va3 = vld1q_s8(a3 + k);
#define OCTET_SDOT_GROUP(g)                                                              \
  {                                                                                      \
    const int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16), w2 = vld1q_s8(w + 32),      \
                    w3 = vld1q_s8(w + 48);                                               \
    w += 64;                                                                             \
    c00 = vdotq_laneq_s32(c00, w0, va0, g); c01 = vdotq_laneq_s32(c01, w1, va0, g);      \
    c02 = vdotq_laneq_s32(c02, w2, va0, g); c03 = vdotq_laneq_s32(c03, w3, va0, g);      \
    c10 = vdotq_laneq_s32(c10, w0, va1, g); c11 = vdotq_laneq_s32(c11, w1, va1, g);      \
    c12 = vdotq_laneq_s32(c12, w2, va1, g); c13 = vdotq_laneq_s32(c13, w3, va1, g);      \
    c20 = vdotq_laneq_s32(c20, w0, va2, g); c21 = vdotq_laneq_s32(c21, w1, va2, g);      \
    c22 = vdotq_laneq_s32(c22, w2, va2, g); c23 = vdotq_laneq_s32(c23, w3, va2, g);      \
    c30 = vdotq_laneq_s32(c30, w0, va3, g); c31 = vdotq_laneq_s32(c31, w1, va3, g);      \
    c32 = vdotq_laneq_s32(c32, w2, va3, g); c33 = vdotq_laneq_s32(c33, w3, va3, g);      \
  }
      OCTET_SDOT_GROUP(0)
      OCTET_SDOT_GROUP(1)
      OCTET_SDOT_GROUP(2)
      OCTET_SDOT_GROUP(3)
#undef OCTET_SDOT_GROUP
    }
    if (t.row_sums) {
      const int32x4_t z0 = load_s32(blk + 64), z1 = load_s32(blk + 80), z2 = load_s32(blk + 96),
                      z3 = load_s32(blk + 112);
      const int32x4_t s0 = vdupq_n_s32(t.row_sums[0]);
      const int32x4_t s1 = vdupq_n_s32(t.row_sums[1]);
      const int32x4_t s2 = vdupq_n_s32(t.row_sums[2]);
      const int32x4_t s3 = vdupq_n_s32(t.row_sums[3]);
      c00 = vmlsq_s32(c00, z0, s0); c01 = vmlsq_s32(c01, z1, s0);
      c02 = vmlsq_s32(c02, z2, s0); c03 = vmlsq_s32(c03, z3, s0);
      c10 = vmlsq_s32(c10, z0, s1); c11 = vmlsq_s32(c11, z1, s1);
      c12 = vmlsq_s32(c12, z2, s1); c13 = vmlsq_s32(c13, z3, s1);
      c20 = vmlsq_s32(c20, z0, s2); c21 = vmlsq_s32(c21, z1, s2);
      c22 = vmlsq_s32(c22, z2, s2); c23 = vmlsq_s32(c23, z3, s2);
      c30 = vmlsq_s32(c30, z0, s3); c31 = vmlsq_s32(c31, z1, s3);
      c32 = vmlsq_s32(c32, z2, s3); c33 = vmlsq_s32(c33, z3, s3);
    }
    const int32x4_t m0 = load_s32(blk + 128), m1 = load_s32(blk + 144), m2 = load_s32(blk + 160),
                    m3 = load_s32(blk + 176);
    if (!t.no_left_shift) {
      const int32x4_t l0 = load_s32(blk + 192), l1 = load_s32(blk + 208), l2 = load_s32(blk + 224),
                      l3 = load_s32(blk + 240);
      c00 = left_shift_s32x4(c00, l0); c01 = left_shift_s32x4(c01, l1);
      c02 = left_shift_s32x4(c02, l2); c03 = left_shift_s32x4(c03, l3);
      c10 = left_shift_s32x4(c10, l0); c11 = left_shift_s32x4(c11, l1);
      c12 = left_shift_s32x4(c12, l2); c13 = left_shift_s32x4(c13, l3);
      c20 = left_shift_s32x4(c20, l0); c21 = left_shift_s32x4(c21, l1);
      c22 = left_shift_s32x4(c22, l2); c23 = left_shift_s32x4(c23, l3);
      c30 = left_shift_s32x4(c30, l0); c31 = left_shift_s32x4(c31, l1);
      c32 = left_shift_s32x4(c32, l2); c33 = left_shift_s32x4(c33, l3);
    }
    const int32x4_t r0 = load_s32(blk + 256), r1 = load_s32(blk + 272), r2 = load_s32(blk + 288),
                    r3 = load_s32(blk + 304);
#define OCTET_ROW(i, x0, x1, x2, x3)                                                         \
  o[i] = vcombine_s8(narrow_s32x8(mul_right_shift_s32x4(x0, m0, r0), mul_right_shift_s32x4(x1, m1, r1), \
                                  zp, qmin, qmax),                                            \
                     narrow_s32x8(mul_right_shift_s32x4(x2, m2, r2), mul_right_shift_s32x4(x3, m3, r3), \
                                  zp, qmin, qmax));
    OCTET_ROW(0, c00, c01, c02, c03)
    OCTET_ROW(1, c10, c11, c12, c13)
    OCTET_ROW(2, c20, c21, c22, c23)
    OCTET_ROW(3, c30, c31, c32, c33)
#undef OCTET_ROW
#endif
    const int lo = c0 < t.n_begin ? t.n_begin : c0;
    const int hi = c0 + 16 > t.n_end ? t.n_end : c0 + 16;
    if (lo == c0 && hi == c0 + 16) {
      for (int r = 0; r < rows; ++r) vst1q_s8(t.out + r * t.out_stride + c0, o[r]);
    } else {
      for (int r = 0; r < rows; ++r) {
        int8_t tmp[16];
        vst1q_s8(tmp, o[r]);
        std::memcpy(t.out + r * t.out_stride + lo, tmp + (lo - c0), hi - lo);
      }
    }
  }
}

}  // namespace octet::neon

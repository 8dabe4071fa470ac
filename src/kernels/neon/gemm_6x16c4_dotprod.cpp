// GEMM microkernel, ARMv8.2 dotprod: 6 rows x 16 channels per tile, SDOT by lane, n16k4 weights
// (the layout of gemm_4x16c4_dotprod, which keeps the row tails: see conv_gemm.cpp).
// Per 16 k: 6 A loads + 16 weight loads feed 96 SDOTs. On the in-order A55 a Q-form load does not
// dual-issue with a Q-form SDOT, so loads cost cycles: 22 per 96 SDOTs here against 20 per 64 in
// the 4x16 tile (llvm-mca: ~7 % fewer loop cycles). The N1 issues both anyway.
// aarch64: one inline-asm statement for a call's run of whole tiles over all its 6-row strips
// (each tile: K loop and epilogue) or for one partial tile; a tile whose channels in range lie in
// one half of the block (a layer's last 8 channels) computes that half only (half_tile_asm, or
// intrinsics for layers with shifts or a clamp); elsewhere (SIMDe on x86 hosts) the same
// computation in intrinsics. Two entries: gemm_6x16c4_dotprod for in-order cores and
// gemm_6x16c4_dotprod_ooo for out-of-order ones, whose usual epilogue also loads the next tile
// (CoreClass in isa.h; conv_gemm.cpp's kernel_for picks).
#include <cstring>

#include "kernels/neon/gemm_kernels.h"
#include "kernels/neon/neon_include.h"
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
#include "kernels/neon/gemm_6x16_epilogue_aarch64.inc"
// After each epilogue: the next tile, whose block follows the last weights read (w + 256), or
// the strip's end at label 9 (STRIP_END: "9f" before it, "9b" after). In every copy, so that no
// tile pays a separate branch block.
#define OCTET_GEMM6X16_NEXT_TILE(STRIP_END) \
  "subs %[left], %[left], #1\n"             \
  "b.eq " STRIP_END "\n"                    \
  "add %[blk], %[w], #256\n"                \
  "sub %[dst], %[dst], %[back]\n"           \
  "b 0b\n"
// After a strip's last tile: the next strip's rows, sums and first tile's dst, or the end (19).
// SKIP: a local label for the branch around the sums step.
#define OCTET_GEMM6X16_NEXT_STRIP(SKIP)           \
  "subs %[strips], %[strips], #1\n"               \
  "b.eq 19f\n"                                    \
  "add %[soff], %[soff], %[astep]\n"              \
  "cbz %[sums], " SKIP "f\n"                      \
  "add %[sums], %[sums], #24\n"                   \
  SKIP ":\n"                                      \
  "sub %[dst], %[dst], %[tiles], lsl #4\n"        \
  "add %[dst], %[dst], #16\n"
// Out-of-order cores: the tile's usual epilogue and the next tile's set-up (the loads of its
// bias, A rows and weights run on the load pipes under the epilogue's vector work, where the
// set-up's 19 register copies took the vector pipes). The generated _OOO_ epilogues choose the
// next tile into n (block) and k (its rows' offset): the next block of the strip, or after a
// strip's last tile the next strip's first (or, after the call's last tile, this strip's rows
// again: valid memory, dropped) and load it; OCTET_GEMM6X16_PRELOAD_END (generated too, since
// the generator costs it with the block) points the K loop at it, or at label 29 moves to the
// next strip (as label 9 does) or ends.
// The usual case (a next tile in this strip, K > 16) goes back to the K loop from this block.
#endif

namespace octet::neon {
namespace {

inline int32x4_t load_s32(const uint8_t* p) { return vreinterpretq_s32_s8(vld1q_s8(reinterpret_cast<const int8_t*>(p))); }

// c[r][j] += 4 k (group G of the 16 k in a[r]) x weights of the block's channels 4 (J0 + j) ..
// 4 (J0 + j) + 3.
template <int G, int J0, int NJ>
inline void sdot_group(int32x4_t (&c)[6][NJ], const int8x16_t (&a)[6], const int8_t* w) {
  for (int j = 0; j < NJ; ++j) {
    const int8x16_t wj = vld1q_s8(w + 64 * G + 16 * (J0 + j));
    for (int r = 0; r < 6; ++r) c[r][j] = vdotq_laneq_s32(c[r][j], wj, a[r], G);
  }
}

// One tile in intrinsics, the block's channels 4 J0 .. 4 (J0 + NJ) - 1 (NJ = 2: one half, NJ = 4:
// all 16), rows ap[0..5], stored 8 channels per row store at dst (rows ds apart): every tile on
// SIMDe hosts; on aarch64 the half tiles (channels in range in one half of the block, as a layer's
// last 8 channels) of layers with shifts or a clamp (half_tile_asm takes the usual ones).
template <int J0, int NJ>
void tile_intrinsics(const GemmTile& t, const int8_t* const (&ap)[6], const int32_t* row_sums,
                     const uint8_t* blk, int8_t* dst, size_t ds) {
  int32x4_t c[6][NJ];
  for (int j = 0; j < NJ; ++j) {
    const int32x4_t bias = load_s32(blk + 16 * (J0 + j));
    for (int r = 0; r < 6; ++r) c[r][j] = bias;
  }
  const int8_t* w = reinterpret_cast<const int8_t*>(blk + 320);
  for (int k = 0; k < t.kp; k += 16, w += 256) {
    int8x16_t a[6];
    for (int r = 0; r < 6; ++r) a[r] = vld1q_s8(ap[r] + k);
    sdot_group<0, J0, NJ>(c, a, w);
    sdot_group<1, J0, NJ>(c, a, w);
    sdot_group<2, J0, NJ>(c, a, w);
    sdot_group<3, J0, NJ>(c, a, w);
  }
  for (int j = 0; j < NJ; ++j) {
    const uint8_t* q = blk + 16 * (J0 + j);
    const int32x4_t zc = load_s32(q + 64), mult = load_s32(q + 128);
    const int32x4_t left = load_s32(q + 192), right = load_s32(q + 256);
    for (int r = 0; r < 6; ++r) {
      if (row_sums) c[r][j] = vmlsq_s32(c[r][j], zc, vdupq_n_s32(row_sums[r]));
      if (!t.no_left_shift) c[r][j] = left_shift_s32x4(c[r][j], left);
      c[r][j] = t.no_right_shift ? mul_s32x4(c[r][j], mult) : mul_right_shift_s32x4(c[r][j], mult, right);
    }
  }
  const int16x8_t zp = vdupq_n_s16(static_cast<int16_t>(t.out_zero_point));
  const int8x8_t qmin = vdup_n_s8(static_cast<int8_t>(t.qmin));
  const int8x8_t qmax = vdup_n_s8(static_cast<int8_t>(t.qmax));
  for (int r = 0; r < 6; ++r)
    for (int h = 0; h < NJ / 2; ++h)
      vst1_s8(dst + r * ds + 8 * h, narrow_s32x8(c[r][2 * h], c[r][2 * h + 1], zp, qmin, qmax));
}

#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
// `tiles` whole tiles from blk on (16 channels each) of `strips` whole 6-row strips from ap on.
// 24 accumulators v8-v31 (row r, channels 4j..4j+3 in v(8+4r+j), bias-initialised), 6 A rows
// in v0-v5, weights alternate between v6 and v7: the next 4-channel x 4-k vector loads while
// the 6 SDOTs of the current one run, each A row reloads right after its last lane-3 SDOT.
// The last 16 k are peeled so nothing is read past a row or the weight block. Epilogue (as
// in the 4x16 kernel, parameters in the freed v0-v7): MLS by the activation sums (skipped
// without zero points), SQSHL (skipped when no shift is > 0), then SQRDMULH, SRSHL (skipped
// when no shift is < 0), SQXTN, + zero point, SQXTN, clamp and the stores to dst, in an order
// generated for the N1 and A55 models (gemm_6x16_epilogue_aarch64.inc: six variants, with or
// without SRSHL, with the MLS inside for layers with zero points and no left shift, the usual
// case, and without the clamp where it is the int8 range). All 32 vector registers are taken:
// zp/qmin/qmax come in x registers.
__attribute__((aligned(4096))) void tiles_asm(const GemmTile& t, const int8_t* const (&ap)[6], const int32_t* row_sums,
               const uint8_t* blk, int8_t* dst, size_t ds, size_t tiles, int strips,
               bool out_of_order) {
  const int8_t *a0 = ap[0], *a1 = ap[1], *a2 = ap[2], *a3 = ap[3], *a4 = ap[4], *a5 = ap[5];
  const int kp = t.kp;
  // Bit 0: no left shift (no SQSHL), bit 1: no right shift (no SRSHL); bit 2, 3 or 4: the last
  // 16 k end after 4-k group 0, 1 or 2 (the rest is zero padding: SDOTs skipped); bit 5: the
  // clamp is the whole int8 range, which the narrowing's saturation already applies; bit 6: an
  // out-of-order core (the usual epilogues then load the next tile's set-up, labels 15 and 16).
  const int groups = t.last_k4_groups;
  const bool full_range = clamp_is_int8_range(t.qmin, t.qmax);
  const size_t flags = (t.no_left_shift ? 1 : 0) | (t.no_right_shift ? 2 : 0) |
                       (groups >= 1 && groups <= 3 ? size_t{2} << groups : 0) |
                       (full_range ? 32 : 0) | (out_of_order ? 64 : 0);
  const size_t strip_a = 6 * t.a_stride;
  // Set inside: the tile's weights, k groups left and A offset, its block, the tiles and
  // strips left, the epilogue, the strip's A offset.
  const int8_t* w_pos;
  size_t n, k, left, strips_left, strip_offset;
  const uint8_t* tile_blk;
  // After a tile's stores dst is 6 rows further; the next tile's starts 16 bytes after this
  // one's, the next strip's first tile 16 (tiles - 1) bytes before the last one's end.
  const size_t back = 6 * ds - 16;
  const void* epilogue;
  asm volatile(
    // Once per call, the epilogue every tile branches to (one BR instead of a test per
    // variant, each a block of its own on the models): 7 or 8 with zero points and no left
    // shift, else 10 (the general path, which tests again).
    "adr %[epi], 10f\n"
    "tbz %[flags], #0, 11f\n"
    "cbz %[sums], 12f\n"
    "adr %[epi], 7f\n"
    "tbz %[flags], #1, 11f\n"
    "adr %[epi], 8f\n"
    "tbz %[flags], #5, 11f\n"
    "adr %[epi], 13f\n"
    "tbz %[flags], #6, 11f\n"
    "adr %[epi], 15f\n"
    "b 11f\n"
    "12:\n"
    "tbz %[flags], #1, 11f\n"
    "adr %[epi], 5f\n"
    "tbz %[flags], #5, 11f\n"
    "adr %[epi], 14f\n"
    "tbz %[flags], #6, 11f\n"
    "adr %[epi], 16f\n"
    "11:\n"
    "mov %[blk], %[blk0]\n"
    "mov %[left], %[tiles]\n"
    "mov %[strips], %[nstrips]\n"
    "mov %[soff], #0\n"
    "0:\n"
    "add %[w], %[blk], #320\n"
    "mov %[n], %[n0]\n"
    "mov %[k], %[soff]\n"
    // The bias by LDR q: llvm-mca's A55 model holds issue ~4 cycles per LDP q (this block: 41 ->
    // 33 cycles there).
    "ldr q8, [%[blk]]\n"
    "ldr q9, [%[blk], #16]\n"
    "ldr q10, [%[blk], #32]\n"
    "ldr q11, [%[blk], #48]\n"
    "ldr q6, [%[w]]\n"
    "ldr q0, [%[a0], %[soff]]\n"
    "ldr q1, [%[a1], %[soff]]\n"
    "ldr q2, [%[a2], %[soff]]\n"
    "ldr q3, [%[a3], %[soff]]\n"
    "ldr q4, [%[a4], %[soff]]\n"
    "ldr q5, [%[a5], %[soff]]\n"
    // One bias copy by a load: the N1 takes the copies on the vector pipes, loads on the load
    // pipes (-0.5 N1 cycles per tile; more loads would cost the A55 more than they save).
    "ldr q12, [%[blk]]\n"
    "mov v13.16b, v9.16b\n"
    "mov v14.16b, v10.16b\n"
    "mov v15.16b, v11.16b\n"
    "mov v16.16b, v8.16b\n"
    "mov v17.16b, v9.16b\n"
    "mov v18.16b, v10.16b\n"
    "mov v19.16b, v11.16b\n"
    "mov v20.16b, v8.16b\n"
    "mov v21.16b, v9.16b\n"
    "mov v22.16b, v10.16b\n"
    "mov v23.16b, v11.16b\n"
    "mov v24.16b, v8.16b\n"
    "mov v25.16b, v9.16b\n"
    "mov v26.16b, v10.16b\n"
    "mov v27.16b, v11.16b\n"
    "mov v28.16b, v8.16b\n"
    "mov v29.16b, v9.16b\n"
    "mov v30.16b, v10.16b\n"
    "mov v31.16b, v11.16b\n"
    "subs %[n], %[n], #1\n"
    "b.eq 2f\n"
    "1:\n"
    "ldr q7, [%[w], #16]\n"
    "sdot v8.4s, v6.16b, v0.4b[0]\n"
    "sdot v12.4s, v6.16b, v1.4b[0]\n"
    "sdot v16.4s, v6.16b, v2.4b[0]\n"
    "sdot v20.4s, v6.16b, v3.4b[0]\n"
    "sdot v24.4s, v6.16b, v4.4b[0]\n"
    "sdot v28.4s, v6.16b, v5.4b[0]\n"
    "ldr q6, [%[w], #32]\n"
    "sdot v9.4s, v7.16b, v0.4b[0]\n"
    "sdot v13.4s, v7.16b, v1.4b[0]\n"
    "sdot v17.4s, v7.16b, v2.4b[0]\n"
    "sdot v21.4s, v7.16b, v3.4b[0]\n"
    "sdot v25.4s, v7.16b, v4.4b[0]\n"
    "sdot v29.4s, v7.16b, v5.4b[0]\n"
    "ldr q7, [%[w], #48]\n"
    "sdot v10.4s, v6.16b, v0.4b[0]\n"
    "sdot v14.4s, v6.16b, v1.4b[0]\n"
    "sdot v18.4s, v6.16b, v2.4b[0]\n"
    "sdot v22.4s, v6.16b, v3.4b[0]\n"
    "sdot v26.4s, v6.16b, v4.4b[0]\n"
    "sdot v30.4s, v6.16b, v5.4b[0]\n"
    "ldr q6, [%[w], #64]\n"
    "sdot v11.4s, v7.16b, v0.4b[0]\n"
    "sdot v15.4s, v7.16b, v1.4b[0]\n"
    "sdot v19.4s, v7.16b, v2.4b[0]\n"
    "sdot v23.4s, v7.16b, v3.4b[0]\n"
    "sdot v27.4s, v7.16b, v4.4b[0]\n"
    "sdot v31.4s, v7.16b, v5.4b[0]\n"
    "ldr q7, [%[w], #80]\n"
    "sdot v8.4s, v6.16b, v0.4b[1]\n"
    "sdot v12.4s, v6.16b, v1.4b[1]\n"
    "sdot v16.4s, v6.16b, v2.4b[1]\n"
    "sdot v20.4s, v6.16b, v3.4b[1]\n"
    "sdot v24.4s, v6.16b, v4.4b[1]\n"
    "sdot v28.4s, v6.16b, v5.4b[1]\n"
    "ldr q6, [%[w], #96]\n"
    "sdot v9.4s, v7.16b, v0.4b[1]\n"
    "sdot v13.4s, v7.16b, v1.4b[1]\n"
    "sdot v17.4s, v7.16b, v2.4b[1]\n"
    "sdot v21.4s, v7.16b, v3.4b[1]\n"
    "sdot v25.4s, v7.16b, v4.4b[1]\n"
    "sdot v29.4s, v7.16b, v5.4b[1]\n"
    "ldr q7, [%[w], #112]\n"
    "sdot v10.4s, v6.16b, v0.4b[1]\n"
    "sdot v14.4s, v6.16b, v1.4b[1]\n"
    "sdot v18.4s, v6.16b, v2.4b[1]\n"
    "sdot v22.4s, v6.16b, v3.4b[1]\n"
    "sdot v26.4s, v6.16b, v4.4b[1]\n"
    "sdot v30.4s, v6.16b, v5.4b[1]\n"
    "ldr q6, [%[w], #128]\n"
    "sdot v11.4s, v7.16b, v0.4b[1]\n"
    "sdot v15.4s, v7.16b, v1.4b[1]\n"
    "sdot v19.4s, v7.16b, v2.4b[1]\n"
    "sdot v23.4s, v7.16b, v3.4b[1]\n"
    "sdot v27.4s, v7.16b, v4.4b[1]\n"
    "sdot v31.4s, v7.16b, v5.4b[1]\n"
    "ldr q7, [%[w], #144]\n"
    "sdot v8.4s, v6.16b, v0.4b[2]\n"
    "sdot v12.4s, v6.16b, v1.4b[2]\n"
    "sdot v16.4s, v6.16b, v2.4b[2]\n"
    "sdot v20.4s, v6.16b, v3.4b[2]\n"
    "sdot v24.4s, v6.16b, v4.4b[2]\n"
    "sdot v28.4s, v6.16b, v5.4b[2]\n"
    "ldr q6, [%[w], #160]\n"
    "sdot v9.4s, v7.16b, v0.4b[2]\n"
    "sdot v13.4s, v7.16b, v1.4b[2]\n"
    "sdot v17.4s, v7.16b, v2.4b[2]\n"
    "sdot v21.4s, v7.16b, v3.4b[2]\n"
    "sdot v25.4s, v7.16b, v4.4b[2]\n"
    "sdot v29.4s, v7.16b, v5.4b[2]\n"
    "ldr q7, [%[w], #176]\n"
    "sdot v10.4s, v6.16b, v0.4b[2]\n"
    "sdot v14.4s, v6.16b, v1.4b[2]\n"
    "sdot v18.4s, v6.16b, v2.4b[2]\n"
    "sdot v22.4s, v6.16b, v3.4b[2]\n"
    "sdot v26.4s, v6.16b, v4.4b[2]\n"
    "sdot v30.4s, v6.16b, v5.4b[2]\n"
    "ldr q6, [%[w], #192]\n"
    "sdot v11.4s, v7.16b, v0.4b[2]\n"
    "sdot v15.4s, v7.16b, v1.4b[2]\n"
    "sdot v19.4s, v7.16b, v2.4b[2]\n"
    "sdot v23.4s, v7.16b, v3.4b[2]\n"
    "sdot v27.4s, v7.16b, v4.4b[2]\n"
    "sdot v31.4s, v7.16b, v5.4b[2]\n"
    "ldr q7, [%[w], #208]\n"
    "sdot v8.4s, v6.16b, v0.4b[3]\n"
    "sdot v12.4s, v6.16b, v1.4b[3]\n"
    "sdot v16.4s, v6.16b, v2.4b[3]\n"
    "sdot v20.4s, v6.16b, v3.4b[3]\n"
    "sdot v24.4s, v6.16b, v4.4b[3]\n"
    "sdot v28.4s, v6.16b, v5.4b[3]\n"
    "ldr q6, [%[w], #224]\n"
    "sdot v9.4s, v7.16b, v0.4b[3]\n"
    "sdot v13.4s, v7.16b, v1.4b[3]\n"
    "sdot v17.4s, v7.16b, v2.4b[3]\n"
    "sdot v21.4s, v7.16b, v3.4b[3]\n"
    "sdot v25.4s, v7.16b, v4.4b[3]\n"
    "sdot v29.4s, v7.16b, v5.4b[3]\n"
    "ldr q7, [%[w], #240]\n"
    "sdot v10.4s, v6.16b, v0.4b[3]\n"
    "sdot v14.4s, v6.16b, v1.4b[3]\n"
    "sdot v18.4s, v6.16b, v2.4b[3]\n"
    "sdot v22.4s, v6.16b, v3.4b[3]\n"
    "sdot v26.4s, v6.16b, v4.4b[3]\n"
    "sdot v30.4s, v6.16b, v5.4b[3]\n"
    "ldr q6, [%[w], #256]\n"
    "add %[k], %[k], #16\n"
    "sdot v11.4s, v7.16b, v0.4b[3]\n"
    "ldr q0, [%[a0], %[k]]\n"
    "sdot v15.4s, v7.16b, v1.4b[3]\n"
    "ldr q1, [%[a1], %[k]]\n"
    "sdot v19.4s, v7.16b, v2.4b[3]\n"
    "ldr q2, [%[a2], %[k]]\n"
    "sdot v23.4s, v7.16b, v3.4b[3]\n"
    "ldr q3, [%[a3], %[k]]\n"
    "sdot v27.4s, v7.16b, v4.4b[3]\n"
    "ldr q4, [%[a4], %[k]]\n"
    "sdot v31.4s, v7.16b, v5.4b[3]\n"
    "ldr q5, [%[a5], %[k]]\n"
    "add %[w], %[w], #256\n"
    "subs %[n], %[n], #1\n"
    "b.ne 1b\n"
    "2:\n"
    "ldr q7, [%[w], #16]\n"
    "sdot v8.4s, v6.16b, v0.4b[0]\n"
    "sdot v12.4s, v6.16b, v1.4b[0]\n"
    "sdot v16.4s, v6.16b, v2.4b[0]\n"
    "sdot v20.4s, v6.16b, v3.4b[0]\n"
    "sdot v24.4s, v6.16b, v4.4b[0]\n"
    "sdot v28.4s, v6.16b, v5.4b[0]\n"
    "ldr q6, [%[w], #32]\n"
    "sdot v9.4s, v7.16b, v0.4b[0]\n"
    "sdot v13.4s, v7.16b, v1.4b[0]\n"
    "sdot v17.4s, v7.16b, v2.4b[0]\n"
    "sdot v21.4s, v7.16b, v3.4b[0]\n"
    "sdot v25.4s, v7.16b, v4.4b[0]\n"
    "sdot v29.4s, v7.16b, v5.4b[0]\n"
    "ldr q7, [%[w], #48]\n"
    "sdot v10.4s, v6.16b, v0.4b[0]\n"
    "sdot v14.4s, v6.16b, v1.4b[0]\n"
    "sdot v18.4s, v6.16b, v2.4b[0]\n"
    "sdot v22.4s, v6.16b, v3.4b[0]\n"
    "sdot v26.4s, v6.16b, v4.4b[0]\n"
    "sdot v30.4s, v6.16b, v5.4b[0]\n"
    "ldr q6, [%[w], #64]\n"
    "sdot v11.4s, v7.16b, v0.4b[0]\n"
    "sdot v15.4s, v7.16b, v1.4b[0]\n"
    "sdot v19.4s, v7.16b, v2.4b[0]\n"
    "sdot v23.4s, v7.16b, v3.4b[0]\n"
    "sdot v27.4s, v7.16b, v4.4b[0]\n"
    "sdot v31.4s, v7.16b, v5.4b[0]\n"
    "tbnz %[flags], #2, 21f\n"
    "ldr q7, [%[w], #80]\n"
    "sdot v8.4s, v6.16b, v0.4b[1]\n"
    "sdot v12.4s, v6.16b, v1.4b[1]\n"
    "sdot v16.4s, v6.16b, v2.4b[1]\n"
    "sdot v20.4s, v6.16b, v3.4b[1]\n"
    "sdot v24.4s, v6.16b, v4.4b[1]\n"
    "sdot v28.4s, v6.16b, v5.4b[1]\n"
    "ldr q6, [%[w], #96]\n"
    "sdot v9.4s, v7.16b, v0.4b[1]\n"
    "sdot v13.4s, v7.16b, v1.4b[1]\n"
    "sdot v17.4s, v7.16b, v2.4b[1]\n"
    "sdot v21.4s, v7.16b, v3.4b[1]\n"
    "sdot v25.4s, v7.16b, v4.4b[1]\n"
    "sdot v29.4s, v7.16b, v5.4b[1]\n"
    "ldr q7, [%[w], #112]\n"
    "sdot v10.4s, v6.16b, v0.4b[1]\n"
    "sdot v14.4s, v6.16b, v1.4b[1]\n"
    "sdot v18.4s, v6.16b, v2.4b[1]\n"
    "sdot v22.4s, v6.16b, v3.4b[1]\n"
    "sdot v26.4s, v6.16b, v4.4b[1]\n"
    "sdot v30.4s, v6.16b, v5.4b[1]\n"
    "ldr q6, [%[w], #128]\n"
    "sdot v11.4s, v7.16b, v0.4b[1]\n"
    "sdot v15.4s, v7.16b, v1.4b[1]\n"
    "sdot v19.4s, v7.16b, v2.4b[1]\n"
    "sdot v23.4s, v7.16b, v3.4b[1]\n"
    "sdot v27.4s, v7.16b, v4.4b[1]\n"
    "sdot v31.4s, v7.16b, v5.4b[1]\n"
    "tbnz %[flags], #3, 21f\n"
    "ldr q7, [%[w], #144]\n"
    "sdot v8.4s, v6.16b, v0.4b[2]\n"
    "sdot v12.4s, v6.16b, v1.4b[2]\n"
    "sdot v16.4s, v6.16b, v2.4b[2]\n"
    "sdot v20.4s, v6.16b, v3.4b[2]\n"
    "sdot v24.4s, v6.16b, v4.4b[2]\n"
    "sdot v28.4s, v6.16b, v5.4b[2]\n"
    "ldr q6, [%[w], #160]\n"
    "sdot v9.4s, v7.16b, v0.4b[2]\n"
    "sdot v13.4s, v7.16b, v1.4b[2]\n"
    "sdot v17.4s, v7.16b, v2.4b[2]\n"
    "sdot v21.4s, v7.16b, v3.4b[2]\n"
    "sdot v25.4s, v7.16b, v4.4b[2]\n"
    "sdot v29.4s, v7.16b, v5.4b[2]\n"
    "ldr q7, [%[w], #176]\n"
    "sdot v10.4s, v6.16b, v0.4b[2]\n"
    "sdot v14.4s, v6.16b, v1.4b[2]\n"
    "sdot v18.4s, v6.16b, v2.4b[2]\n"
    "sdot v22.4s, v6.16b, v3.4b[2]\n"
    "sdot v26.4s, v6.16b, v4.4b[2]\n"
    "sdot v30.4s, v6.16b, v5.4b[2]\n"
    "ldr q6, [%[w], #192]\n"
    "sdot v11.4s, v7.16b, v0.4b[2]\n"
    "sdot v15.4s, v7.16b, v1.4b[2]\n"
    "sdot v19.4s, v7.16b, v2.4b[2]\n"
    "sdot v23.4s, v7.16b, v3.4b[2]\n"
    "sdot v27.4s, v7.16b, v4.4b[2]\n"
    "sdot v31.4s, v7.16b, v5.4b[2]\n"
    "tbnz %[flags], #4, 21f\n"
    "ldr q7, [%[w], #208]\n"
    "sdot v8.4s, v6.16b, v0.4b[3]\n"
    "sdot v12.4s, v6.16b, v1.4b[3]\n"
    "sdot v16.4s, v6.16b, v2.4b[3]\n"
    "sdot v20.4s, v6.16b, v3.4b[3]\n"
    "sdot v24.4s, v6.16b, v4.4b[3]\n"
    "sdot v28.4s, v6.16b, v5.4b[3]\n"
    "ldr q6, [%[w], #224]\n"
    "sdot v9.4s, v7.16b, v0.4b[3]\n"
    "sdot v13.4s, v7.16b, v1.4b[3]\n"
    "sdot v17.4s, v7.16b, v2.4b[3]\n"
    "sdot v21.4s, v7.16b, v3.4b[3]\n"
    "sdot v25.4s, v7.16b, v4.4b[3]\n"
    "sdot v29.4s, v7.16b, v5.4b[3]\n"
    "ldr q7, [%[w], #240]\n"
    "sdot v10.4s, v6.16b, v0.4b[3]\n"
    "sdot v14.4s, v6.16b, v1.4b[3]\n"
    "sdot v18.4s, v6.16b, v2.4b[3]\n"
    "sdot v22.4s, v6.16b, v3.4b[3]\n"
    "sdot v26.4s, v6.16b, v4.4b[3]\n"
    "sdot v30.4s, v6.16b, v5.4b[3]\n"
    "sdot v11.4s, v7.16b, v0.4b[3]\n"
    "sdot v15.4s, v7.16b, v1.4b[3]\n"
    "sdot v19.4s, v7.16b, v2.4b[3]\n"
    "sdot v23.4s, v7.16b, v3.4b[3]\n"
    "sdot v27.4s, v7.16b, v4.4b[3]\n"
    "sdot v31.4s, v7.16b, v5.4b[3]\n"
    "21:\n"
    "br %[epi]\n"
    "13:\n"
    OCTET_GEMM6X16_EPILOGUE_MLS_NO_SRSHL_NO_CLAMP OCTET_GEMM6X16_NEXT_TILE("9f")
    "14:\n"
    OCTET_GEMM6X16_EPILOGUE_NO_SRSHL_NO_CLAMP OCTET_GEMM6X16_NEXT_TILE("9f")
    "15:\n"
    OCTET_GEMM6X16_EPILOGUE_OOO_MLS_NO_SRSHL_NO_CLAMP OCTET_GEMM6X16_PRELOAD_END
    "16:\n"
    OCTET_GEMM6X16_EPILOGUE_OOO_NO_SRSHL_NO_CLAMP OCTET_GEMM6X16_PRELOAD_END
    // After the last tile of a strip with the next one preloaded (out-of-order epilogues).
    // (dst: the epilogue's PRELOAD_END already stepped it back as for a next tile.)
    "29:\n"
    "add %[dst], %[dst], %[back]\n"
    OCTET_GEMM6X16_NEXT_STRIP("28")
    "mov %[left], %[tiles]\n"
    "cbnz %[n], 1b\n"
    "b 2b\n"
    "8:\n"
    OCTET_GEMM6X16_EPILOGUE_MLS_NO_SRSHL OCTET_GEMM6X16_NEXT_TILE("9f")
    // The strip's last tile: the next strip's rows, sums and first tile, or the end.
    "9:\n"
    OCTET_GEMM6X16_NEXT_STRIP("18")
    "mov %[blk], %[blk0]\n"
    "mov %[left], %[tiles]\n"
    "b 0b\n"
    // The other epilogues, after the usual ones (a hot block that crosses a page is two
    // translation blocks, costed apart by armperf).
    "10:\n"
    "cbz %[sums], 3f\n"
    "ldr q0, [%[sums]]\n"
    "ldr d1, [%[sums], #16]\n"
    "ldp q4, q5, [%[blk], #64]\n"
    "ldp q6, q7, [%[blk], #96]\n"
    "mls v8.4s, v4.4s, v0.s[0]\n"
    "mls v9.4s, v5.4s, v0.s[0]\n"
    "mls v10.4s, v6.4s, v0.s[0]\n"
    "mls v11.4s, v7.4s, v0.s[0]\n"
    "mls v12.4s, v4.4s, v0.s[1]\n"
    "mls v13.4s, v5.4s, v0.s[1]\n"
    "mls v14.4s, v6.4s, v0.s[1]\n"
    "mls v15.4s, v7.4s, v0.s[1]\n"
    "mls v16.4s, v4.4s, v0.s[2]\n"
    "mls v17.4s, v5.4s, v0.s[2]\n"
    "mls v18.4s, v6.4s, v0.s[2]\n"
    "mls v19.4s, v7.4s, v0.s[2]\n"
    "mls v20.4s, v4.4s, v0.s[3]\n"
    "mls v21.4s, v5.4s, v0.s[3]\n"
    "mls v22.4s, v6.4s, v0.s[3]\n"
    "mls v23.4s, v7.4s, v0.s[3]\n"
    "mls v24.4s, v4.4s, v1.s[0]\n"
    "mls v25.4s, v5.4s, v1.s[0]\n"
    "mls v26.4s, v6.4s, v1.s[0]\n"
    "mls v27.4s, v7.4s, v1.s[0]\n"
    "mls v28.4s, v4.4s, v1.s[1]\n"
    "mls v29.4s, v5.4s, v1.s[1]\n"
    "mls v30.4s, v6.4s, v1.s[1]\n"
    "mls v31.4s, v7.4s, v1.s[1]\n"
    "3:\n"
    "tbnz %[flags], #0, 4f\n"
    "ldp q4, q5, [%[blk], #192]\n"
    "ldp q6, q7, [%[blk], #224]\n"
    "sqshl v8.4s, v8.4s, v4.4s\n"
    "sqshl v9.4s, v9.4s, v5.4s\n"
    "sqshl v10.4s, v10.4s, v6.4s\n"
    "sqshl v11.4s, v11.4s, v7.4s\n"
    "sqshl v12.4s, v12.4s, v4.4s\n"
    "sqshl v13.4s, v13.4s, v5.4s\n"
    "sqshl v14.4s, v14.4s, v6.4s\n"
    "sqshl v15.4s, v15.4s, v7.4s\n"
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
    "tbnz %[flags], #1, 5f\n"
    OCTET_GEMM6X16_EPILOGUE OCTET_GEMM6X16_NEXT_TILE("9b")
    "5:\n"
    OCTET_GEMM6X16_EPILOGUE_NO_SRSHL OCTET_GEMM6X16_NEXT_TILE("9b")
    "7:\n"
    OCTET_GEMM6X16_EPILOGUE_MLS OCTET_GEMM6X16_NEXT_TILE("9b")
    "19:\n"
    : [w] "=&r"(w_pos), [n] "=&r"(n), [k] "=&r"(k), [blk] "=&r"(tile_blk), [left] "=&r"(left),
      [epi] "=&r"(epilogue), [strips] "=&r"(strips_left), [soff] "=&r"(strip_offset),
      [dst] "+r"(dst), [sums] "+r"(row_sums)
    : [a0] "r"(a0), [a1] "r"(a1), [a2] "r"(a2), [a3] "r"(a3), [a4] "r"(a4), [a5] "r"(a5),
      [n0] "r"(static_cast<size_t>(kp / 16)), [back] "r"(back), [ds] "r"(ds),
      [tiles] "r"(tiles), [blk0] "r"(blk), [nstrips] "r"(static_cast<size_t>(strips)),
      [astep] "r"(strip_a), [flags] "r"(flags), [zp] "r"(t.out_zero_point), [qmin] "r"(t.qmin),
      [qmax] "r"(t.qmax)
    : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",
      "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22",
      "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
}
#endif

#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
// Half a weight block (channel vectors J0, J0 + 1: 8 channels) of one tile for the usual layer
// (unshifted multipliers, the int8 range as clamp), in assembly: 12 accumulators v8-v19 (row r in
// v(8+2r), v(9+2r)), A rows in v0-v5, the two weight vectors of a 4-k group in v6/v7 by one LDP
// (no load runs ahead of its group, so nothing is read past the block). Then the MLS by the
// activation sums (without zero points: skipped), SQRDMULH, SQXTN, + zero point, SQXTN and the
// row stores. The intrinsics' code cost ~50 N1 cycles more per tile.
template <int J0>
void half_tile_asm(const GemmTile& t, const int8_t* const (&ap)[6], const int32_t* row_sums,
                   const uint8_t* blk, int8_t* dst, size_t ds) {
  const int8_t* w = reinterpret_cast<const int8_t*>(blk + 320 + 16 * J0);
  size_t n = static_cast<size_t>(t.kp / 16), k;
  asm volatile(
    "ldp q8, q9, [%[bias]]\n"
    "mov v10.16b, v8.16b\n"
    "mov v11.16b, v9.16b\n"
    "mov v12.16b, v8.16b\n"
    "mov v13.16b, v9.16b\n"
    "mov v14.16b, v8.16b\n"
    "mov v15.16b, v9.16b\n"
    "mov v16.16b, v8.16b\n"
    "mov v17.16b, v9.16b\n"
    "mov v18.16b, v8.16b\n"
    "mov v19.16b, v9.16b\n"
    "mov %[k], #0\n"
    "1:\n"
    "ldr q0, [%[a0], %[k]]\n"
    "ldr q1, [%[a1], %[k]]\n"
    "ldr q2, [%[a2], %[k]]\n"
    "ldr q3, [%[a3], %[k]]\n"
    "ldr q4, [%[a4], %[k]]\n"
    "ldr q5, [%[a5], %[k]]\n"
    "ldp q6, q7, [%[w], #0]\n"
    "sdot v8.4s, v6.16b, v0.4b[0]\n"
    "sdot v9.4s, v7.16b, v0.4b[0]\n"
    "sdot v10.4s, v6.16b, v1.4b[0]\n"
    "sdot v11.4s, v7.16b, v1.4b[0]\n"
    "sdot v12.4s, v6.16b, v2.4b[0]\n"
    "sdot v13.4s, v7.16b, v2.4b[0]\n"
    "sdot v14.4s, v6.16b, v3.4b[0]\n"
    "sdot v15.4s, v7.16b, v3.4b[0]\n"
    "sdot v16.4s, v6.16b, v4.4b[0]\n"
    "sdot v17.4s, v7.16b, v4.4b[0]\n"
    "sdot v18.4s, v6.16b, v5.4b[0]\n"
    "sdot v19.4s, v7.16b, v5.4b[0]\n"
    "ldp q6, q7, [%[w], #64]\n"
    "sdot v8.4s, v6.16b, v0.4b[1]\n"
    "sdot v9.4s, v7.16b, v0.4b[1]\n"
    "sdot v10.4s, v6.16b, v1.4b[1]\n"
    "sdot v11.4s, v7.16b, v1.4b[1]\n"
    "sdot v12.4s, v6.16b, v2.4b[1]\n"
    "sdot v13.4s, v7.16b, v2.4b[1]\n"
    "sdot v14.4s, v6.16b, v3.4b[1]\n"
    "sdot v15.4s, v7.16b, v3.4b[1]\n"
    "sdot v16.4s, v6.16b, v4.4b[1]\n"
    "sdot v17.4s, v7.16b, v4.4b[1]\n"
    "sdot v18.4s, v6.16b, v5.4b[1]\n"
    "sdot v19.4s, v7.16b, v5.4b[1]\n"
    "ldp q6, q7, [%[w], #128]\n"
    "sdot v8.4s, v6.16b, v0.4b[2]\n"
    "sdot v9.4s, v7.16b, v0.4b[2]\n"
    "sdot v10.4s, v6.16b, v1.4b[2]\n"
    "sdot v11.4s, v7.16b, v1.4b[2]\n"
    "sdot v12.4s, v6.16b, v2.4b[2]\n"
    "sdot v13.4s, v7.16b, v2.4b[2]\n"
    "sdot v14.4s, v6.16b, v3.4b[2]\n"
    "sdot v15.4s, v7.16b, v3.4b[2]\n"
    "sdot v16.4s, v6.16b, v4.4b[2]\n"
    "sdot v17.4s, v7.16b, v4.4b[2]\n"
    "sdot v18.4s, v6.16b, v5.4b[2]\n"
    "sdot v19.4s, v7.16b, v5.4b[2]\n"
    "ldp q6, q7, [%[w], #192]\n"
    "sdot v8.4s, v6.16b, v0.4b[3]\n"
    "sdot v9.4s, v7.16b, v0.4b[3]\n"
    "sdot v10.4s, v6.16b, v1.4b[3]\n"
    "sdot v11.4s, v7.16b, v1.4b[3]\n"
    "sdot v12.4s, v6.16b, v2.4b[3]\n"
    "sdot v13.4s, v7.16b, v2.4b[3]\n"
    "sdot v14.4s, v6.16b, v3.4b[3]\n"
    "sdot v15.4s, v7.16b, v3.4b[3]\n"
    "sdot v16.4s, v6.16b, v4.4b[3]\n"
    "sdot v17.4s, v7.16b, v4.4b[3]\n"
    "sdot v18.4s, v6.16b, v5.4b[3]\n"
    "sdot v19.4s, v7.16b, v5.4b[3]\n"
    "add %[w], %[w], #256\n"
    "add %[k], %[k], #16\n"
    "subs %[n], %[n], #1\n"
    "b.ne 1b\n"
    "ldp q0, q1, [%[zc]]\n"
    "ldp q2, q3, [%[mult]]\n"
    "cbz %[sums], 2f\n"
    "ldr q4, [%[sums]]\n"
    "ldr d5, [%[sums], #16]\n"
    "mls v8.4s, v0.4s, v4.s[0]\n"
    "mls v9.4s, v1.4s, v4.s[0]\n"
    "mls v10.4s, v0.4s, v4.s[1]\n"
    "mls v11.4s, v1.4s, v4.s[1]\n"
    "mls v12.4s, v0.4s, v4.s[2]\n"
    "mls v13.4s, v1.4s, v4.s[2]\n"
    "mls v14.4s, v0.4s, v4.s[3]\n"
    "mls v15.4s, v1.4s, v4.s[3]\n"
    "mls v16.4s, v0.4s, v5.s[0]\n"
    "mls v17.4s, v1.4s, v5.s[0]\n"
    "mls v18.4s, v0.4s, v5.s[1]\n"
    "mls v19.4s, v1.4s, v5.s[1]\n"
    "2:\n"
    "sqrdmulh v8.4s, v8.4s, v2.4s\n"
    "sqrdmulh v9.4s, v9.4s, v3.4s\n"
    "sqrdmulh v10.4s, v10.4s, v2.4s\n"
    "sqrdmulh v11.4s, v11.4s, v3.4s\n"
    "sqrdmulh v12.4s, v12.4s, v2.4s\n"
    "sqrdmulh v13.4s, v13.4s, v3.4s\n"
    "sqrdmulh v14.4s, v14.4s, v2.4s\n"
    "sqrdmulh v15.4s, v15.4s, v3.4s\n"
    "sqrdmulh v16.4s, v16.4s, v2.4s\n"
    "sqrdmulh v17.4s, v17.4s, v3.4s\n"
    "sqrdmulh v18.4s, v18.4s, v2.4s\n"
    "sqrdmulh v19.4s, v19.4s, v3.4s\n"
    "dup v6.8h, %w[zp]\n"
    "sqxtn v8.4h, v8.4s\n"
    "sqxtn2 v8.8h, v9.4s\n"
    "sqxtn v10.4h, v10.4s\n"
    "sqxtn2 v10.8h, v11.4s\n"
    "sqxtn v12.4h, v12.4s\n"
    "sqxtn2 v12.8h, v13.4s\n"
    "sqxtn v14.4h, v14.4s\n"
    "sqxtn2 v14.8h, v15.4s\n"
    "sqxtn v16.4h, v16.4s\n"
    "sqxtn2 v16.8h, v17.4s\n"
    "sqxtn v18.4h, v18.4s\n"
    "sqxtn2 v18.8h, v19.4s\n"
    "sqadd v8.8h, v8.8h, v6.8h\n"
    "sqadd v10.8h, v10.8h, v6.8h\n"
    "sqadd v12.8h, v12.8h, v6.8h\n"
    "sqadd v14.8h, v14.8h, v6.8h\n"
    "sqadd v16.8h, v16.8h, v6.8h\n"
    "sqadd v18.8h, v18.8h, v6.8h\n"
    "sqxtn v8.8b, v8.8h\n"
    "sqxtn v10.8b, v10.8h\n"
    "sqxtn v12.8b, v12.8h\n"
    "sqxtn v14.8b, v14.8h\n"
    "sqxtn v16.8b, v16.8h\n"
    "sqxtn v18.8b, v18.8h\n"
    "str d8, [%[dst]]\n"
    "add %[dst], %[dst], %[ds]\n"
    "str d10, [%[dst]]\n"
    "add %[dst], %[dst], %[ds]\n"
    "str d12, [%[dst]]\n"
    "add %[dst], %[dst], %[ds]\n"
    "str d14, [%[dst]]\n"
    "add %[dst], %[dst], %[ds]\n"
    "str d16, [%[dst]]\n"
    "add %[dst], %[dst], %[ds]\n"
    "str d18, [%[dst]]\n"
    : [w] "+r"(w), [n] "+r"(n), [k] "=&r"(k), [dst] "+r"(dst)
    : [a0] "r"(ap[0]), [a1] "r"(ap[1]), [a2] "r"(ap[2]), [a3] "r"(ap[3]), [a4] "r"(ap[4]),
      [a5] "r"(ap[5]), [bias] "r"(blk + 16 * J0), [zc] "r"(blk + 64 + 16 * J0),
      [mult] "r"(blk + 128 + 16 * J0), [sums] "r"(row_sums), [ds] "r"(ds), [zp] "r"(t.out_zero_point)
    : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",
      "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19");
}
#endif

// One 6-row strip of `rows` (1..6) rows, or `strips` whole 6-row strips (rows == 6), from t.a,
// t.row_sums and t.out on, against channels [t.n_begin, t.n_end).
void strips_6x16(const GemmTile& t, int rows, int strips, bool out_of_order) {
  const int kp = t.kp;
  const size_t block_bytes = 320 + 16 * static_cast<size_t>(kp);
  const uint8_t* blk = t.blocks;
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
  // Unshifted multipliers and the int8 range as clamp: the usual layer.
  const bool usual = t.no_left_shift && t.no_right_shift && clamp_is_int8_range(t.qmin, t.qmax);
#endif
  for (int c0 = t.block_first_channel; c0 < t.n_end;) {
    // A whole tile (6 rows, 16 channels in range: nearly every tile) is stored straight to the
    // output, anything else goes through `res` (row r's 16 channels at res + 16 r).
    alignas(16) int8_t res[96];
    const int lo = c0 < t.n_begin ? t.n_begin : c0;
    const int hi = c0 + 16 > t.n_end ? t.n_end : c0 + 16;
    // The tile computes the block's 16 channels, or the half holding [lo, hi): 8 channels from ch0.
    const int half = hi <= c0 + 8 ? 0 : lo >= c0 + 8 ? 8 : -1;
    const int ch0 = half < 0 ? c0 : c0 + half, width = half < 0 ? 16 : 8;
    const bool direct = rows == 6 && lo == ch0 && hi == ch0 + width;
    const size_t ds = direct ? t.out_stride : 16;
    size_t tiles = 1;
    int strips_per_call = 1;
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
    // The whole tiles from c0 on, of every strip, run in one asm loop (the C++ loop around one asm
    // block per tile cost ~8 N1 cycles per tile in its branches and bookkeeping, a call per strip
    // ~55 cycles).
    if (direct && half < 0) {
      tiles = static_cast<size_t>((t.n_end - c0) / 16);
      strips_per_call = strips;
    }
#endif
    for (int s = 0; s < strips; s += strips_per_call) {
      // Rows past `rows` repeat the last one (computed, never stored).
      const int8_t* a0 = t.a + static_cast<size_t>(6 * s) * t.a_stride;
      const int8_t* a1 = rows > 1 ? a0 + t.a_stride : a0;
      const int8_t* a2 = rows > 2 ? a1 + t.a_stride : a1;
      const int8_t* a3 = rows > 3 ? a2 + t.a_stride : a2;
      const int8_t* a4 = rows > 4 ? a3 + t.a_stride : a3;
      const int8_t* a5 = rows > 5 ? a4 + t.a_stride : a4;
      const int32_t* row_sums = t.row_sums ? t.row_sums + 6 * s : nullptr;
      int8_t* const out = t.out + static_cast<size_t>(6 * s) * t.out_stride;
      int8_t* dst = direct ? out + ch0 : res + (ch0 - c0);
      const int8_t* const ap[6] = {a0, a1, a2, a3, a4, a5};
      if (half >= 0) {
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
        if (usual) {
          half == 0 ? half_tile_asm<0>(t, ap, row_sums, blk, dst, ds)
                    : half_tile_asm<2>(t, ap, row_sums, blk, dst, ds);
        } else
#endif
        half == 0 ? tile_intrinsics<0, 2>(t, ap, row_sums, blk, dst, ds)
                  : tile_intrinsics<2, 2>(t, ap, row_sums, blk, dst, ds);
      } else {
#if defined(__aarch64__) && !defined(OCTET_ARCH_simde)
        tiles_asm(t, ap, row_sums, blk, dst, ds, tiles, strips_per_call, out_of_order);
#else
        (void)out_of_order;
        tile_intrinsics<0, 4>(t, ap, row_sums, blk, dst, ds);
#endif
      }
      if (!direct) {
        for (int r = 0; r < rows; ++r)
          std::memcpy(out + r * t.out_stride + lo, res + 16 * r + (lo - c0), hi - lo);
      }
    }
    c0 += 16 * static_cast<int>(tiles);
    blk += tiles * block_bytes;
  }
}

// Both entries compute the same bits; see CoreClass in isa.h.
void gemm_6x16(const GemmTile& t, bool out_of_order) {
  const int strips = t.rows / 6, rest = t.rows % 6;
  if (strips > 0) strips_6x16(t, 6, strips, out_of_order);
  if (rest > 0) {
    GemmTile last = t;
    const size_t done = static_cast<size_t>(6 * strips);
    last.a += done * t.a_stride;
    if (last.row_sums) last.row_sums += done;
    last.out += done * t.out_stride;
    strips_6x16(last, rest, 1, out_of_order);
  }
}

}  // namespace

void gemm_6x16c4_dotprod(const GemmTile& t) { gemm_6x16(t, false); }
void gemm_6x16c4_dotprod_ooo(const GemmTile& t) { gemm_6x16(t, true); }

}  // namespace octet::neon

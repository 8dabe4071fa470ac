// Convolution (groups == 1, any kernel size / stride / dilation / padding) and fully connected
// layers as int8 GEMM over packed weights — the API the converter and the runtime call.
//
//   converter:  n = packed_size(g, layout); pack(g, layout, raw..., buf)   -> stored in the model
//   runtime:    layout_for(isa) != stored layout ?  repack(...) once at load
//               scratch = conv_scratch_size(g, isa)   (per concurrently running call / thread)
//               conv_run(isa, p, packed, in, out, ..., begin, end, scratch)   allocates nothing
//
// GEMM view: C[M][N] = A[M][K] x W[N][K]^T with M = output pixels (batch*out_h*out_w), N = out_c,
// K = kernel_h*kernel_w*in_c. A 1x1 stride-1 unpadded conv reads A straight from the NHWC input
// (rows at the input pixel stride). Every other conv goes through im2col into the scratch, one
// block of at most kIm2colBlock pixels at a time: chosen over an indirection buffer because it
// keeps ONE microkernel per path (the 1x1 one, tuned once), handles padding by filling z_a and
// gets the activation sums in the same pass; the copy costs K bytes per pixel against K*N MACs,
// <1% for the real layers (N >= 16), and the bounded block keeps the scratch small (L2-sized).
// The term -z_c * sum_k a_k needs per-pixel activation sums: computed once per pixel block into
// the scratch (not per output-channel tile), skipped when every z_c is zero.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/neon/isa.h"
#include "kernels/op_params.h"

namespace octet::neon {

// Packed weight layouts. The integer values are stored in model files: never renumber.
// Every layout starts with the 64-byte PackedHeader below. Then, with N = out_c, K = kernel
// elements, NR = channels per block, Kp = K rounded up to 16 (zero weights in the padding):
//
//  ohwi (1): ref path. int32 arrays bias_folded[N], z_c[N], multiplier[N], shift[N], then the raw
//      OHWI weights [N][K] int8.
//  n4k16 (2): ARMv8.0 (SMULL/SMLAL/SADALP) and armv7 (VMULL/VMLAL/VPADAL) kernels. NR = 4.
//      ceil(N/4) blocks of 80 + 4*Kp bytes: int32 bias[4], z_c[4], multiplier[4],
//      left_shift[4] (= max(shift, 0)), right_shift[4] (= min(shift, 0)), then weights:
//      for each 16-wide k chunk kc, for channel j in 0..3: w[ch][kc*16 .. kc*16+15] (16 bytes).
//  n16k4 (3): dotprod (SDOT by lane) kernel. NR = 16.
//      ceil(N/16) blocks of 320 + 16*Kp bytes: int32 bias[16], z_c[16], multiplier[16],
//      left_shift[16], right_shift[16], then weights: for each group of 4 k (k4 = 0..Kp/4-1),
//      for channel j in 0..15: w[ch][4*k4 .. 4*k4+3] (4 bytes), i.e. 64 bytes per k group.
//  Channels past N in the last block have zero weights, bias, z_c and multiplier.
enum class WeightLayout : int32_t {
  none = 0,
  ohwi = 1,
  n4k16 = 2,
  n16k4 = 3,
  wino_f23 = 4,  // Winograd F(2x2, 3x3), v80: see conv_winograd.h (made at load, not stored)
  small_k = 5,   // K <= 32 (RGB first layers), v80: see conv_smallk.h (made at load, not stored)
  wino_f33 = 6,  // Winograd F(3x3, 3x3), v80: see conv_winograd.h (made at load, not stored)
};

constexpr uint32_t kPackedMagic = 0x5043544fu;  // "OTCP" little-endian
struct PackedHeader {
  uint32_t magic;
  int32_t layout;      // WeightLayout
  int32_t n;           // out_c
  int32_t k;           // kernel elements (kernel_h * kernel_w * in_c)
  int32_t kp;          // k rounded up to 16
  int32_t nr;          // channels per block (0 for ohwi)
  int32_t any_zero_point;  // 1 if some z_c != 0 (activation sums needed)
  int32_t shifts_nonpositive;  // 1 if every requant shift <= 0 (kernels skip the SQSHL step)
  // 1 if every requant shift >= 0 (kernels skip the SRSHL step); 0 is always valid (files written
  // before the flag existed): the kernels then shift, by 0 where a channel has no shift.
  int32_t shifts_nonnegative;
  int32_t reserved[7];
};
static_assert(sizeof(PackedHeader) == 64, "header is 64 bytes");

// Most pixels per im2col / activation-sum block (bounds the scratch): 66 for the dotprod path
// (11 tiles of 6 rows), 64 for the others (whole tiles of 4 or 2 rows).
constexpr int kIm2colBlock = 66;

// The layout the kernel of `isa` reads (ohwi for ref and the unimplemented i8mm).
WeightLayout layout_for(Isa isa);
const char* layout_name(WeightLayout layout);

// Convolutions this API handles: groups == 1 (depthwise and grouped convs go elsewhere), all
// sizes positive. Fully connected is the 1x1 geometry with in_h = in_w = out_h = out_w = 1.
bool conv_supported(const ConvGeometry& g);

// Bytes of the packed weights of geometry g in `layout` (0 if unsupported). Buffers are read with
// unaligned loads, but 64-byte alignment (as the model file gives) is best.
size_t packed_size(const ConvGeometry& g, WeightLayout layout);

// Packs raw OHWI weights ([out_c][kh][kw][in_c], values in [-127, 127]) with the per-channel zero
// points, folded biases (fold_zero_point_terms) and requant multipliers/shifts into `out`
// (packed_size bytes). False if the geometry or layout is unsupported or a weight is -128.
bool pack(const ConvGeometry& g, WeightLayout layout, const int8_t* weights_ohwi,
          const int32_t* weight_zero_points, const int32_t* bias_folded,
          const int32_t* multipliers, const int32_t* shifts, void* out);

// Re-packs a buffer from one layout into another (packed_size(g, dst_layout) bytes at `out`),
// e.g. at load when the CPU's best kernel wants another layout. False if `src` is not a valid
// packed buffer of `g` (checked with packed_valid) or dst_layout is unsupported.
bool repack(const ConvGeometry& g, const void* src, size_t src_size, WeightLayout dst_layout,
            void* out);

// The arrays pack() took, recovered from a packed buffer (load time: other transforms of the
// weights, e.g. Winograd's, start from them). False if !packed_valid(g, src, src_size).
struct RawConvWeights {
  std::vector<int8_t> weights;  // OHWI [out_c][K]
  std::vector<int32_t> zero_points, bias_folded, multipliers, shifts;
};
bool unpack(const ConvGeometry& g, const void* src, size_t src_size, RawConvWeights* out);

// True if `buf` holds `size` bytes of a well-formed packed buffer for g (header, layout, sizes,
// per-channel zero points and shifts agreeing with the header flags, rescale ranges).
bool packed_valid(const ConvGeometry& g, const void* buf, size_t size);
WeightLayout packed_layout(const void* buf);

// Scratch bytes one conv_run / fc_run call needs (im2col block, activation sums, K padding).
// Threads running concurrently each need their own scratch. Independent of [begin, end).
size_t conv_scratch_size(const ConvGeometry& g, Isa isa);
size_t fc_scratch_size(const ConvGeometry& g, Isa isa);

// Runs the convolution for output pixels [begin, end) of the M = batch*out_h*out_w output pixels
// (row-major over batch, out_h, out_w). Results are bit-identical to octet::ref::conv_q8 whatever
// the split. Uses from p: geom, input_zero_point, requant.output_zero_point, clamp_min,
// clamp_max (weights, z_c, bias, multipliers come from `packed`, whose layout must be
// layout_for(isa)). in_stride / out_stride: pixel strides in elements (0 = dense); out_stride >
// out_c writes a channel slice of a concatenated tensor. `scratch` holds conv_scratch_size bytes
// (any alignment). Returns false (and writes nothing) on a layout/isa mismatch or bad range.
bool conv_run(Isa isa, const QConvParams& p, const void* packed, const int8_t* input,
              int in_stride, int8_t* output, int out_stride, int begin, int end, void* scratch);

// Fully connected: input [batch][in_c], output [batch][out_c] (row stride out_stride, 0 = out_c).
// Computes output channels [begin, end) for every batch row (FC is split over channels, since
// batch is usually 1). Same conventions and guarantees as conv_run; p.geom as for ref.
bool fc_run(Isa isa, const QConvParams& p, const void* packed, const int8_t* input,
            int8_t* output, int out_stride, int begin, int end, void* scratch);

}  // namespace octet::neon

// Pooling operators: argument checks and the per-path kernel choice. The dotprod path runs the
// ARMv8.0 kernels (pooling has no multiplications for SDOT to speed up).
#include "kernels/neon/pool.h"

#include "kernels/neon/pool_kernels.h"

namespace octet::neon {
namespace {

enum class PoolOp { max, avg, global_avg };

bool valid(const PoolGeometry& g) {
  return g.batch >= 1 && g.in_h >= 1 && g.in_w >= 1 && g.channels >= 1 && g.out_h >= 0 &&
         g.out_w >= 0 && g.kernel_h >= 1 && g.kernel_w >= 1 && g.stride_h >= 1 && g.stride_w >= 1 &&
         g.pad_top >= 0 && g.pad_left >= 0;
}

bool run(Isa path, PoolOp op, const PoolArgs& a) {
  if (!isa_supported(path)) return false;
  if (a.begin >= a.end) return true;
  switch (path) {
#if defined(OCTET_ARCH_simde) || defined(OCTET_ARCH_aarch64)
    case Isa::v80:
    case Isa::dotprod:
      op == PoolOp::max ? v80::max_pool(a) : op == PoolOp::avg ? v80::avg_pool(a) : v80::global_avg_pool(a);
      return true;
#endif
#if defined(OCTET_ARCH_simde) || defined(OCTET_ARCH_armv7)
    case Isa::armv7:
      op == PoolOp::max ? armv7::max_pool(a) : op == PoolOp::avg ? armv7::avg_pool(a) : armv7::global_avg_pool(a);
      return true;
#endif
    default:
      return false;
  }
}

PoolArgs rows_args(const PoolGeometry& g, const int8_t* input, int8_t* output, int row_begin,
                   int row_end, int in_stride, int out_stride) {
  PoolArgs a{};
  a.g = &g;
  a.input = input;
  a.output = output;
  a.in_stride = in_stride > 0 ? in_stride : g.channels;
  a.out_stride = out_stride > 0 ? out_stride : g.channels;
  a.begin = row_begin < 0 ? 0 : row_begin;
  a.end = row_end > g.batch * g.out_h ? g.batch * g.out_h : row_end;
  return a;
}

}  // namespace

bool max_pool_run(Isa path, const PoolGeometry& g, int32_t clamp_min, int32_t clamp_max,
                  const int8_t* input, int8_t* output, int row_begin, int row_end, int in_stride,
                  int out_stride) {
  if (!valid(g)) return false;
  PoolArgs a = rows_args(g, input, output, row_begin, row_end, in_stride, out_stride);
  a.clamp_min = clamp_min;
  a.clamp_max = clamp_max;
  return run(path, PoolOp::max, a);
}

bool avg_pool_run(Isa path, const QPoolParams& p, const int8_t* input, int8_t* output,
                  int row_begin, int row_end, int in_stride, int out_stride) {
  if (!valid(p.geom)) return false;
  PoolArgs a = rows_args(p.geom, input, output, row_begin, row_end, in_stride, out_stride);
  a.clamp_min = p.clamp_min;
  a.clamp_max = p.clamp_max;
  a.input_scale = p.input_scale;
  a.output_scale = p.output_scale;
  a.input_zero_point = p.input_zero_point;
  a.output_zero_point = p.output_zero_point;
  return run(path, PoolOp::avg, a);
}

bool global_avg_pool_run(Isa path, const QPoolParams& p, const int8_t* input, int8_t* output,
                         int c_begin, int c_end) {
  if (!valid(p.geom)) return false;
  PoolArgs a{};
  a.g = &p.geom;
  a.input = input;
  a.output = output;
  a.in_stride = a.out_stride = p.geom.channels;
  a.begin = c_begin < 0 ? 0 : c_begin;
  a.end = c_end > p.geom.channels ? p.geom.channels : c_end;
  a.clamp_min = p.clamp_min;
  a.clamp_max = p.clamp_max;
  a.input_scale = p.input_scale;
  a.output_scale = p.output_scale;
  a.input_zero_point = p.input_zero_point;
  a.output_zero_point = p.output_zero_point;
  return run(path, PoolOp::global_avg, a);
}

}  // namespace octet::neon

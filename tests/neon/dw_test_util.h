// Shared helpers of the depthwise / pooling / add tests: random data, the paths to force, and the
// oracle (the ref kernels).
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/neon/isa.h"
#include "kernels/ref/ref_kernels.h"
#include "kernels/op_params.h"
#include "quant/op_quant.h"
#include "quant/rescale.h"

namespace octet::dwtest {

inline std::vector<neon::Isa> runnable_paths() {
  std::vector<neon::Isa> out;
  for (auto p : {neon::Isa::v80, neon::Isa::dotprod, neon::Isa::armv7})
    if (neon::isa_supported(p)) out.push_back(p);
  return out;
}

inline std::vector<int8_t> random_bytes(std::mt19937& rng, size_t n, int lo = -128, int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

inline int rnd(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

// The oracle: the ref kernels (kernels/ref/ref_kernels.h), bit for bit.
inline void oracle_dwconv(const QConvParams& p, const int8_t* in, int8_t* out, int in_stride, int out_stride) {
  ref::conv_q8(p, in, out, in_stride, out_stride);
}
inline void oracle_max_pool(const PoolGeometry& g, int32_t lo, int32_t hi, const int8_t* in, int8_t* out,
                            int in_stride, int out_stride) {
  ref::max_pool_q8(g, lo, hi, in, out, in_stride, out_stride);
}
inline void oracle_avg_pool(const QPoolParams& p, const int8_t* in, int8_t* out, int in_stride, int out_stride) {
  ref::avg_pool_q8(p, in, out, in_stride, out_stride);
}
inline void oracle_global_avg_pool(const QPoolParams& p, const int8_t* in, int8_t* out) {
  ref::global_avg_pool_q8(p, in, out);
}
inline void oracle_add(const QAddParams& p, const int8_t* a, const int8_t* b, int8_t* out, size_t n) {
  ref::add_q8(p, a, b, out, n);
}

}  // namespace octet::dwtest

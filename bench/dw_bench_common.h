// Shared by dwconv_bench.cpp, pool_bench.cpp, add_bench.cpp: benchmark registration over the
// runnable paths, with OCTET_BENCH_ITERS=N forcing exactly N iterations (armperf measures per-call
// figures as the difference of two N, since wall time under emulation means nothing).
#pragma once
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "kernels/neon/isa.h"

namespace octet::dwbench {

inline std::vector<neon::Isa> paths() {
  std::vector<neon::Isa> out;
  for (auto p : {neon::Isa::v80, neon::Isa::dotprod, neon::Isa::armv7})
    if (neon::isa_supported(p)) out.push_back(p);
  return out;
}

inline void reg(const std::string& name, std::function<void(benchmark::State&)> fn) {
  auto* b = benchmark::RegisterBenchmark(name.c_str(), [fn](benchmark::State& s) { fn(s); });
  b->Unit(benchmark::kMicrosecond);
  if (const char* n = std::getenv("OCTET_BENCH_ITERS")) {
    const long it = std::strtol(n, nullptr, 10);
    if (it > 0) b->Iterations(it);
  }
}

inline std::vector<int8_t> random_bytes(size_t n, uint32_t seed, int lo = -128, int hi = 127) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

inline benchmark::Counter rate(double per_iteration) {
  return benchmark::Counter(per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace octet::dwbench

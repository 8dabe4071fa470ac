// main() of octet-kernel-bench. OCTET_BENCH_ITERS=N makes every benchmark run exactly N
// iterations (one run, no calibration), so that under an emulator two values of N give an exact
// per-call figure by difference (instruction counts / armperf cycle estimates); wall time under
// qemu or SIMDe means nothing. Without it, google-benchmark's usual timing applies (on a board).
//
// Every registration — BENCHMARK macros and RegisterBenchmark alike — goes through
// benchmark::internal::RegisterBenchmarkInternal; the link wraps it (-Wl,--wrap, see
// CMakeLists.txt) so the iteration count is applied to benchmarks of every *_bench.cpp without
// their cooperation.
#include <benchmark/benchmark.h>

#include <cstdlib>

namespace {

benchmark::IterationCount forced_iterations() {
  const char* s = std::getenv("OCTET_BENCH_ITERS");
  if (s == nullptr || *s == '\0') return 0;
  const long long n = std::atoll(s);
  return n > 0 ? n : 0;
}

}  // namespace

extern "C" {
benchmark::internal::Benchmark* __real__ZN9benchmark8internal25RegisterBenchmarkInternalEPNS0_9BenchmarkE(
    benchmark::internal::Benchmark* b);
benchmark::internal::Benchmark* __wrap__ZN9benchmark8internal25RegisterBenchmarkInternalEPNS0_9BenchmarkE(
    benchmark::internal::Benchmark* b) {
  benchmark::internal::Benchmark* r =
      __real__ZN9benchmark8internal25RegisterBenchmarkInternalEPNS0_9BenchmarkE(b);
  if (const benchmark::IterationCount n = forced_iterations()) r->Iterations(n);
  return r;
}
}

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

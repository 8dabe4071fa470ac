// Elementwise add benchmarks on the ResNet-50 residual connections: add/<path>/<HxWxC>,
// counter elements per second.
#include <cstdint>
#include <vector>

#include "dw_bench_common.h"
#include "kernels/neon/add.h"
#include "quant/op_quant.h"

namespace octet {
namespace {

struct AddShape {
  int hw, c;
};
constexpr AddShape kResNet50[] = {{56, 256}, {28, 512}, {14, 1024}, {7, 2048}};

const bool registered = [] {
  for (neon::Isa path : dwbench::paths())
    for (const AddShape& s : kResNet50)
      dwbench::reg("add/" + std::string(neon::isa_name(path)) + "/" + std::to_string(s.hw) + "x" +
                       std::to_string(s.hw) + "x" + std::to_string(s.c),
                   [path, s](benchmark::State& st) {
                     QAddParams p;
                     make_add_params(0.05f, 3, 0.07f, -4, 0.1f, 0, -128, 127, &p);
                     const size_t n = static_cast<size_t>(s.hw) * s.hw * s.c;
                     const std::vector<int8_t> a = dwbench::random_bytes(n, 6), b = dwbench::random_bytes(n, 7);
                     std::vector<int8_t> out(n);
                     for (auto _ : st) {
                       neon::add_run(path, p, a.data(), b.data(), out.data(), 0, n);
                       benchmark::DoNotOptimize(out.data());
                     }
                     st.counters["elements"] = dwbench::rate(double(n));
                   });
  return true;
}();

}  // namespace
}  // namespace octet

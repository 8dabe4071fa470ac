// Pooling benchmarks on real layers: max pool 3x3 s2 (SqueezeNet 1.1, ResNet-50) and 3x3 s1 pad 1
// (GoogLeNet inception pool branches), average pool
// 3x3 s1 pad 1 (both padding conventions), global average pool (MobileNet v1, ResNet-50,
// SqueezeNet 1.1). Names <family>/<path>/<input HxWxC>; counter elements (input taps read) per second.
#include <cstdint>
#include <vector>

#include "dw_bench_common.h"
#include "kernels/neon/pool.h"

namespace octet {
namespace {

struct PoolShape {
  int hw, c, k, stride, pad;
};
constexpr PoolShape kMax[] = {{111, 64, 3, 2, 0}, {55, 128, 3, 2, 0}, {27, 256, 3, 2, 0}, {112, 64, 3, 2, 1},
                              {28, 192, 3, 1, 1},  {14, 480, 3, 1, 1}};
constexpr PoolShape kAvg[] = {{28, 256, 3, 1, 1}, {14, 512, 3, 1, 1}};
constexpr PoolShape kGlobal[] = {{7, 1024, 7, 1, 0}, {7, 2048, 7, 1, 0}, {13, 1000, 13, 1, 0}};

PoolGeometry geometry(const PoolShape& s) {
  PoolGeometry g;
  g.in_h = g.in_w = s.hw;
  g.channels = s.c;
  g.kernel_h = g.kernel_w = s.k;
  g.stride_h = g.stride_w = s.stride;
  g.pad_top = g.pad_left = s.pad;
  g.out_h = g.out_w = ConvGeometry::out_extent(s.hw, s.k, s.stride, 1, 2 * s.pad);
  return g;
}

std::string shape_name(const PoolShape& s) {
  return std::to_string(s.hw) + "x" + std::to_string(s.hw) + "x" + std::to_string(s.c);
}

const bool registered = [] {
  for (neon::Isa path : dwbench::paths()) {
    const std::string pn = neon::isa_name(path);
    for (const PoolShape& s : kMax)
      dwbench::reg("maxpool/" + pn + "/" + shape_name(s) + (s.pad ? "p1" : ""), [path, s](benchmark::State& st) {
        const PoolGeometry g = geometry(s);
        const std::vector<int8_t> in = dwbench::random_bytes(static_cast<size_t>(s.hw) * s.hw * s.c, 3);
        std::vector<int8_t> out(static_cast<size_t>(g.out_h) * g.out_w * s.c);
        for (auto _ : st) {
          neon::max_pool_run(path, g, -128, 127, in.data(), out.data(), 0, g.out_h);
          benchmark::DoNotOptimize(out.data());
        }
        st.counters["elements"] = dwbench::rate(double(g.out_h) * g.out_w * s.c * s.k * s.k);
      });
    for (const PoolShape& s : kAvg)
      for (bool include_pad : {false, true})
        dwbench::reg("avgpool/" + pn + "/" + shape_name(s) + (include_pad ? "incl" : "excl"),
                     [path, s, include_pad](benchmark::State& st) {
                       QPoolParams p;
                       p.geom = geometry(s);
                       p.geom.count_include_pad = include_pad;
                       p.input_scale = 0.05f;
                       p.output_scale = 0.04f;
                       p.input_zero_point = 3;
                       p.output_zero_point = -2;
                       const std::vector<int8_t> in = dwbench::random_bytes(static_cast<size_t>(s.hw) * s.hw * s.c, 4);
                       std::vector<int8_t> out(static_cast<size_t>(p.geom.out_h) * p.geom.out_w * s.c);
                       for (auto _ : st) {
                         neon::avg_pool_run(path, p, in.data(), out.data(), 0, p.geom.out_h);
                         benchmark::DoNotOptimize(out.data());
                       }
                       st.counters["elements"] = dwbench::rate(double(p.geom.out_h) * p.geom.out_w * s.c * s.k * s.k);
                     });
    for (const PoolShape& s : kGlobal)
      dwbench::reg("globalavgpool/" + pn + "/" + shape_name(s), [path, s](benchmark::State& st) {
        QPoolParams p;
        p.geom = geometry(s);
        p.input_scale = 0.05f;
        p.output_scale = 0.02f;
        p.input_zero_point = -7;
        const std::vector<int8_t> in = dwbench::random_bytes(static_cast<size_t>(s.hw) * s.hw * s.c, 5);
        std::vector<int8_t> out(static_cast<size_t>(s.c));
        for (auto _ : st) {
          neon::global_avg_pool_run(path, p, in.data(), out.data(), 0, s.c);
          benchmark::DoNotOptimize(out.data());
        }
        st.counters["elements"] = dwbench::rate(double(s.hw) * s.hw * s.c);
      });
  }
  return true;
}();

}  // namespace
}  // namespace octet

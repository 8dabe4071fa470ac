// Depthwise 3x3 benchmarks over the MobileNet v1 (224, width 1.0) layers:
// dwconv3x3s{1,2}/<path>/<H>x<W>x<C> (input shape, padding 1), counter MACs (per second).
#include <cmath>
#include <cstdint>
#include <vector>

#include "dw_bench_common.h"
#include "kernels/neon/dwconv.h"
#include "quant/rescale.h"

namespace octet {
namespace {

struct DwShape {
  int hw, c, stride;
};
constexpr DwShape kMobileNetV1[] = {
    {112, 32, 1}, {112, 64, 2}, {56, 128, 1}, {56, 128, 2}, {28, 256, 1},
    {28, 256, 2}, {14, 512, 1}, {14, 512, 2}, {7, 1024, 1},
};

void run_dwconv(benchmark::State& state, neon::Isa path, DwShape s) {
  QConvParams p;
  ConvGeometry& g = p.geom;
  g.in_h = g.in_w = s.hw;
  g.in_c = g.out_c = g.groups = s.c;
  g.kernel_h = g.kernel_w = 3;
  g.stride_h = g.stride_w = s.stride;
  g.pad_top = g.pad_left = 1;
  g.out_h = g.out_w = ConvGeometry::out_extent(s.hw, 3, s.stride, 1, 2);
  const std::vector<int8_t> weights = dwbench::random_bytes(static_cast<size_t>(s.c) * 9, 1, -127, 127);
  // M = 2^-8.5 as qconvert stores it: unshifted (the kernels' no-right-shift variant runs).
  octet::Multiplier m;
  octet::quantize_requant_multiplier(std::ldexp(1.0, -8) * 0.70710678, &m);
  std::vector<int32_t> wzp(s.c, 20), bias(s.c, 1000), mult(s.c, m.multiplier), shift(s.c, m.shift);
  p.input_zero_point = -5;
  p.weights = weights.data();
  p.weight_zero_points = wzp.data();
  p.bias_folded = bias.data();
  p.requant.multiplier = mult.data();
  p.requant.shift = shift.data();
  p.requant.output_zero_point = 2;
  std::vector<int32_t> packed((neon::dwconv_packed_size(g) + 3) / 4);
  neon::dwconv_pack(p, packed.data());
  const std::vector<int8_t> input = dwbench::random_bytes(static_cast<size_t>(s.hw) * s.hw * s.c, 2);
  std::vector<int8_t> output(static_cast<size_t>(g.out_h) * g.out_w * s.c);
  for (auto _ : state) {
    neon::dwconv_run(path, p, packed.data(), input.data(), output.data(), 0, g.out_h);
    benchmark::DoNotOptimize(output.data());
  }
  state.counters["MACs"] = dwbench::rate(9.0 * g.out_h * g.out_w * s.c);
}

const bool registered = [] {
  for (neon::Isa path : dwbench::paths())
    for (const DwShape& s : kMobileNetV1)
      dwbench::reg("dwconv3x3s" + std::to_string(s.stride) + "/" + neon::isa_name(path) + "/" +
                       std::to_string(s.hw) + "x" + std::to_string(s.hw) + "x" + std::to_string(s.c),
                   [path, s](benchmark::State& st) { run_dwconv(st, path, s); });
  return true;
}();

}  // namespace
}  // namespace octet

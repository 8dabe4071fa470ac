// GEMM convolution and fully-connected benchmarks over the real layer shapes of MobileNet v1 1.0
// (224), SqueezeNet 1.1 and ResNet-50, one per path this build and CPU can run.
// Names: <family>/<path>/<HxWxCinxCout of the input>, e.g. conv1x1/dotprod/14x14x512x512;
// the 3x3 stride-1 shapes also as wino3x3/v80/... and wino3x3/armv7/... (Winograd, those paths' choice),
// the K <= 32 ones (RGB first layers) as smallk/v80/... (conv_smallk.h, the v80 path's choice).
// Counter "MACs": multiply-accumulates per second. Setup (packing) is outside the timed loop.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "kernels/neon/conv_gemm.h"
#include "kernels/neon/conv_smallk.h"
#include "kernels/neon/conv_winograd.h"
#include "quant/rescale.h"

namespace {

using octet::ConvGeometry;
using namespace octet::neon;

struct Shape {
  const char* family;  // conv1x1, conv1x1s2, conv3x3, conv3x3s2, conv7x7s2, fc
  int h, w, cin, cout;
  int k, stride, pad;  // square kernel, SAME-style symmetric padding
};

// Distinct layer shapes of the three networks (the first conv of each too).
const Shape kShapes[] = {
    // MobileNet v1 1.0: first conv, the 13 pointwise convs, the classifier (as FC).
    {"conv3x3s2", 224, 224, 3, 32, 3, 2, 1},
    {"conv1x1", 112, 112, 32, 64, 1, 1, 0},
    {"conv1x1", 56, 56, 64, 128, 1, 1, 0},
    {"conv1x1", 56, 56, 128, 128, 1, 1, 0},
    {"conv1x1", 28, 28, 128, 256, 1, 1, 0},
    {"conv1x1", 28, 28, 256, 256, 1, 1, 0},
    {"conv1x1", 14, 14, 256, 512, 1, 1, 0},
    {"conv1x1", 14, 14, 512, 512, 1, 1, 0},
    {"conv1x1", 7, 7, 512, 1024, 1, 1, 0},
    {"conv1x1", 7, 7, 1024, 1024, 1, 1, 0},
    {"fc", 1, 1, 1024, 1000, 1, 1, 0},
    // SqueezeNet 1.1: conv1 (valid), fire squeeze / expand 1x1 / expand 3x3, conv10.
    {"conv3x3s2", 224, 224, 3, 64, 3, 2, 0},
    {"conv1x1", 55, 55, 64, 16, 1, 1, 0},
    {"conv1x1", 55, 55, 16, 64, 1, 1, 0},
    {"conv3x3", 55, 55, 16, 64, 3, 1, 1},
    {"conv1x1", 55, 55, 128, 16, 1, 1, 0},
    {"conv1x1", 27, 27, 128, 32, 1, 1, 0},
    {"conv1x1", 27, 27, 32, 128, 1, 1, 0},
    {"conv3x3", 27, 27, 32, 128, 3, 1, 1},
    {"conv1x1", 27, 27, 256, 32, 1, 1, 0},
    {"conv1x1", 13, 13, 256, 48, 1, 1, 0},
    {"conv1x1", 13, 13, 48, 192, 1, 1, 0},
    {"conv3x3", 13, 13, 48, 192, 3, 1, 1},
    {"conv1x1", 13, 13, 384, 48, 1, 1, 0},
    {"conv1x1", 13, 13, 384, 64, 1, 1, 0},
    {"conv1x1", 13, 13, 64, 256, 1, 1, 0},
    {"conv3x3", 13, 13, 64, 256, 3, 1, 1},
    {"conv1x1", 13, 13, 512, 64, 1, 1, 0},
    {"conv1x1", 13, 13, 512, 1000, 1, 1, 0},
    // ResNet-50 (v1.5: stride on the 3x3): stem, bottlenecks, downsample projections, FC.
    {"conv7x7s2", 224, 224, 3, 64, 7, 2, 3},
    {"conv1x1", 56, 56, 64, 64, 1, 1, 0},
    {"conv3x3", 56, 56, 64, 64, 3, 1, 1},
    {"conv1x1", 56, 56, 64, 256, 1, 1, 0},
    {"conv1x1", 56, 56, 256, 64, 1, 1, 0},
    {"conv1x1", 56, 56, 256, 128, 1, 1, 0},
    {"conv3x3s2", 56, 56, 128, 128, 3, 2, 1},
    {"conv1x1s2", 56, 56, 256, 512, 1, 2, 0},
    {"conv3x3", 28, 28, 128, 128, 3, 1, 1},
    {"conv1x1", 28, 28, 128, 512, 1, 1, 0},
    {"conv1x1", 28, 28, 512, 128, 1, 1, 0},
    {"conv1x1", 28, 28, 512, 256, 1, 1, 0},
    {"conv3x3s2", 28, 28, 256, 256, 3, 2, 1},
    {"conv1x1s2", 28, 28, 512, 1024, 1, 2, 0},
    {"conv3x3", 14, 14, 256, 256, 3, 1, 1},
    {"conv1x1", 14, 14, 256, 1024, 1, 1, 0},
    {"conv1x1", 14, 14, 1024, 256, 1, 1, 0},
    {"conv1x1", 14, 14, 1024, 512, 1, 1, 0},
    {"conv3x3s2", 14, 14, 512, 512, 3, 2, 1},
    {"conv1x1s2", 14, 14, 1024, 2048, 1, 2, 0},
    {"conv3x3", 7, 7, 512, 512, 3, 1, 1},
    {"conv1x1", 7, 7, 512, 2048, 1, 1, 0},
    {"conv1x1", 7, 7, 2048, 512, 1, 1, 0},
    {"fc", 1, 1, 2048, 1000, 1, 1, 0},
};

ConvGeometry geometry(const Shape& s) {
  ConvGeometry g;
  g.in_h = s.h;
  g.in_w = s.w;
  g.in_c = s.cin;
  g.out_c = s.cout;
  g.kernel_h = g.kernel_w = s.k;
  g.stride_h = g.stride_w = s.stride;
  g.pad_top = g.pad_left = s.pad;
  g.out_h = ConvGeometry::out_extent(s.h, s.k, s.stride, 1, 2 * s.pad);
  g.out_w = ConvGeometry::out_extent(s.w, s.k, s.stride, 1, 2 * s.pad);
  return g;
}

enum class Path { gemm, winograd, smallk };

void run_layer(benchmark::State& state, Shape s, Isa isa, Path path) {
  const bool winograd = path == Path::winograd, smallk = path == Path::smallk;
  const ConvGeometry g = geometry(s);
  const bool fc = std::string(s.family) == "fc";
  const int K = g.kernel_elements();
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> i8(-128, 127), w8(-127, 127);
  std::vector<int8_t> input(static_cast<size_t>(g.in_h) * g.in_w * g.in_c);
  for (auto& v : input) v = static_cast<int8_t>(i8(rng));
  std::vector<int8_t> weights(static_cast<size_t>(g.out_c) * K);
  for (auto& v : weights) v = static_cast<int8_t>(w8(rng));
  std::vector<int32_t> zc(g.out_c), bias(g.out_c), mult(g.out_c), shift(g.out_c);
  for (int c = 0; c < g.out_c; ++c) {
    zc[c] = i8(rng) / 16;  // asymmetric weights: the activation-sum term is exercised
    bias[c] = i8(rng) * 64;
    octet::Multiplier m;
    // As qconvert makes them: unshifted, so the kernels' no-right-shift epilogue runs.
    octet::quantize_requant_multiplier(std::ldexp(0.75, -8 - static_cast<int>(c % 5)), &m);
    mult[c] = m.multiplier;
    shift[c] = m.shift;
  }
  const WeightLayout layout = layout_for(isa);
  std::vector<uint8_t> packed((winograd ? wino_packed_size(g)
                               : smallk ? smallk_packed_size(g)
                                        : packed_size(g, layout)) +
                              64);
  void* pk = packed.data() + (64 - reinterpret_cast<uintptr_t>(packed.data()) % 64) % 64;
  const bool packed_ok =
      winograd ? wino_pack(g, weights.data(), zc.data(), bias.data(), mult.data(), shift.data(), pk)
      : smallk ? smallk_pack(g, weights.data(), zc.data(), bias.data(), mult.data(), shift.data(), pk)
               : pack(g, layout, weights.data(), zc.data(), bias.data(), mult.data(), shift.data(), pk);
  if (!packed_ok) {
    state.SkipWithError("pack failed");
    return;
  }
  octet::QConvParams p;
  p.geom = g;
  p.input_zero_point = -3;
  p.requant.output_zero_point = 5;
  std::vector<uint8_t> scratch(winograd ? wino_scratch_size(g)
                               : smallk ? smallk_scratch_size(g)
                               : fc     ? fc_scratch_size(g, isa)
                                        : conv_scratch_size(g, isa));
  const int M = g.out_h * g.out_w;
  std::vector<int8_t> output(static_cast<size_t>(M) * g.out_c);
  for (auto _ : state) {
    const bool ok =
        winograd ? wino_conv_run(isa, p, pk, input.data(), 0, output.data(), 0, 0,
                                 wino_work_items(g), scratch.data())
        : smallk ? smallk_conv_run(isa, p, pk, input.data(), 0, output.data(), 0, 0, M,
                                   scratch.data())
        : fc     ? fc_run(isa, p, pk, input.data(), output.data(), 0, 0, g.out_c, scratch.data())
                 : conv_run(isa, p, pk, input.data(), 0, output.data(), 0, 0, M, scratch.data());
    if (!ok) {
      state.SkipWithError("run failed");
      return;
    }
    benchmark::DoNotOptimize(output.data());
    benchmark::ClobberMemory();
  }
  const double macs = static_cast<double>(M) * g.out_c * K;
  state.counters["MACs"] = benchmark::Counter(macs, benchmark::Counter::kIsIterationInvariantRate);
}

int register_all() {
  std::set<std::string> seen;
  for (Isa isa : {Isa::ref, Isa::v80, Isa::dotprod, Isa::armv7}) {
    if (!isa_supported(isa)) continue;
    for (const Shape& s : kShapes) {
      const std::string name = std::string(s.family) + "/" + isa_name(isa) + "/" + std::to_string(s.h) + "x" +
                               std::to_string(s.w) + "x" + std::to_string(s.cin) + "x" + std::to_string(s.cout);
      if (!seen.insert(name).second) continue;  // shared by several networks
      benchmark::RegisterBenchmark(name.c_str(), run_layer, s, isa, Path::gemm)->Unit(benchmark::kMicrosecond);
      if (wino_preferred(geometry(s), isa)) {
        const std::string wname = "wino3x3" + name.substr(name.find('/'));
        benchmark::RegisterBenchmark(wname.c_str(), run_layer, s, isa, Path::winograd)->Unit(benchmark::kMicrosecond);
      }
      if (isa == Isa::v80 && std::string(s.family) != "fc" && smallk_supported(geometry(s))) {
        const std::string sname = "smallk" + name.substr(name.find('/'));
        benchmark::RegisterBenchmark(sname.c_str(), run_layer, s, isa, Path::smallk)->Unit(benchmark::kMicrosecond);
      }
    }
  }
  return 0;
}
const int kRegistered = register_all();

}  // namespace

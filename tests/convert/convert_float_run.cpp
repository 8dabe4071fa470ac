// Test helper: runs a model through qconvert's importer, passes and float executor.
//   convert_float_run MODEL.onnx INPUT.raw OUTPUT.raw
// INPUT.raw: float32 in the ONNX input layout (NCHW); OUTPUT.raw: the first graph output as float32
// in the ONNX layout, for comparison with ONNX Runtime (scripts/tests.d/convert-ort.sh).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "quant/converter/float_executor.h"
#include "quant/converter/graph_passes.h"
#include "quant/converter/onnx_import.h"

using namespace octet::convert;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s MODEL.onnx INPUT.raw OUTPUT.raw\n", argv[0]);
    return 2;
  }
  try {
    Graph g = import_onnx_file(argv[1]);
    run_graph_passes(g);
    std::ifstream f(argv[2], std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const Tensor& x = g.tensors[g.input];
    if (bytes.size() != x.elements() * sizeof(float)) throw ConvertError("input size mismatch");
    const float* src = reinterpret_cast<const float*>(bytes.data());
    std::vector<float> in(x.elements());
    const int C = x.channels(), P = x.pixels();
    for (int c = 0; c < C; ++c)
      for (int p = 0; p < P; ++p) in[static_cast<size_t>(p) * C + c] = src[static_cast<size_t>(c) * P + p];
    FloatExecutor exec(g);
    exec.run(in.data());
    const Tensor& y = g.tensors[g.outputs[0]];
    const std::vector<float>& v = exec.value(g.outputs[0]);
    std::vector<float> out(v.size());
    if (y.shape.size() == 4 || !y.flattened_from.empty()) {  // NHWC / HWC order -> NCHW / CHW
      const int Cy = y.shape.size() == 4 ? y.channels() : y.flattened_from[2];
      const int Py = static_cast<int>(v.size()) / Cy;
      for (int c = 0; c < Cy; ++c)
        for (int p = 0; p < Py; ++p) out[static_cast<size_t>(c) * Py + p] = v[static_cast<size_t>(p) * Cy + c];
    } else {
      out = v;
    }
    std::ofstream o(argv[3], std::ios::binary);
    o.write(reinterpret_cast<const char*>(out.data()), out.size() * sizeof(float));
    return o ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

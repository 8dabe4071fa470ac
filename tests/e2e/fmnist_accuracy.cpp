// Top-1 of the float ONNX model (the converter's float executor) and of the converted int8 model
// (the runtime's Interpreter) on an IDX test set, input = pixel / 255 (models/fashion_mnist).
//   fmnist_accuracy MODEL.onnx MODEL.octet IMAGES.idx LABELS.idx [--max-drop PERCENT] [--threads T]
// Prints both figures; exit 0 when int8 top-1 >= float top-1 - max-drop (default 0.5 points).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "idx_file.h"
#include "octet/octet.h"
#include "quant/converter/float_executor.h"
#include "quant/converter/graph_passes.h"
#include "quant/converter/onnx_import.h"

namespace {

int argmax(const float* v, int n) { return static_cast<int>(std::max_element(v, v + n) - v); }

int run(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: fmnist_accuracy MODEL.onnx MODEL.octet IMAGES.idx LABELS.idx "
                         "[--max-drop PERCENT] [--threads T]\n");
    return 2;
  }
  double max_drop = 0.5;
  int threads = 1;
  for (int i = 5; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--max-drop") max_drop = std::atof(argv[i + 1]);
    else if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else { std::fprintf(stderr, "unknown option %s\n", a.c_str()); return 2; }
  }
  octet::e2e::IdxFile images, labels;
  std::string err;
  if (!octet::e2e::read_idx_u8(argv[3], &images, &err) || !octet::e2e::read_idx_u8(argv[4], &labels, &err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  if (images.dims.size() != 3 || labels.dims.size() != 1 || images.dims[0] != labels.dims[0]) {
    std::fprintf(stderr, "images [N,H,W] and labels [N] do not match\n");
    return 1;
  }
  const int N = images.dims[0], HW = images.dims[1] * images.dims[2];

  octet::convert::Graph g = octet::convert::import_onnx_file(argv[1]);
  octet::convert::run_graph_passes(g);
  octet::convert::FloatExecutor fx(g);

  std::shared_ptr<const octet::Model> model;
  octet::Status st = octet::Model::load_file(argv[2], &model);
  std::unique_ptr<octet::Interpreter> it;
  octet::InterpreterOptions opts;
  opts.num_threads = threads;
  if (st.ok()) st = octet::Interpreter::create(model, opts, &it);
  if (!st.ok()) { std::fprintf(stderr, "%s: %s\n", argv[2], st.message().c_str()); return 1; }
  const octet::TensorInfo in = it->model().input_info(0), out = it->model().output_info(0);
  if (static_cast<int>(in.elements) != HW) {
    std::fprintf(stderr, "model input has %zu elements, images %d\n", in.elements, HW);
    return 1;
  }
  const int classes = static_cast<int>(out.elements);
  const float mean = 0.0f, sd = 255.0f;  // only used when the file's input is int8, not uint8

  std::vector<float> x(HW), y(classes);
  int float_ok = 0, int8_ok = 0, agree = 0;
  for (int n = 0; n < N; ++n) {
    const uint8_t* px = images.data.data() + static_cast<size_t>(n) * HW;
    for (int k = 0; k < HW; ++k) x[k] = px[k] / 255.0f;
    fx.run(x.data());
    const std::vector<float>& fy = fx.value(g.outputs[0]);
    const int fc = argmax(fy.data(), static_cast<int>(fy.size()));
    if (!(st = it->set_input_image(0, px, HW, &mean, &sd)).ok() || !(st = it->run()).ok() ||
        !(st = it->get_output_float(0, y.data(), y.size())).ok()) {
      std::fprintf(stderr, "image %d: %s\n", n, st.message().c_str());
      return 1;
    }
    const int qc = argmax(y.data(), classes);
    float_ok += fc == labels.data[n];
    int8_ok += qc == labels.data[n];
    agree += fc == qc;
  }
  const double f1 = 100.0 * float_ok / N, q1 = 100.0 * int8_ok / N;
  std::printf("test images: %d (isa %s)\n", N, octet::isa_name(it->isa()));
  std::printf("float top-1: %.2f %% (%d)\n", f1, float_ok);
  std::printf("int8  top-1: %.2f %% (%d)\n", q1, int8_ok);
  std::printf("int8 - float: %+.2f points (allowed drop %.2f); top-1 agreement %.2f %%\n", q1 - f1,
              max_drop, 100.0 * agree / N);
  return q1 >= f1 - max_drop ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // converter errors (ConvertError) name the problem
    std::fprintf(stderr, "fmnist_accuracy: %s\n", e.what());
    return 1;
  }
}

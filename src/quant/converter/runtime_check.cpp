#include "quant/converter/runtime_check.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>

#include "octet/octet.h"
#include "quant/converter/int8_executor.h"

namespace octet::convert {

RuntimeCheck check_model_file(const std::string& path, const Graph& g, const QuantizedGraph& q,
                              const SampleSource& samples, const InputNormalization& norm,
                              size_t max_samples, Isa isa) {
  auto check = [&](const Status& s, const char* what) {
    if (!s.ok()) throw ConvertError(std::string("runtime check: ") + what + ": " + s.message());
  };
  std::shared_ptr<const Model> model;
  check(Model::load_file(path, &model), "load");
  InterpreterOptions opt;
  opt.isa = isa;
  std::unique_ptr<Interpreter> it;
  check(Interpreter::create(model, opt, &it), "create interpreter");
  Int8Executor sim(g, q);
  const int out = g.outputs[0];
  const Tensor& x = g.tensors[g.input];
  const TensorInfo oi = model->output_info(0);
  RuntimeCheck r;
  Sample s;
  std::vector<int8_t> q8(oi.elements);
  std::vector<float> f32(oi.elements);
  float mean[3] = {0, 0, 0}, std[3] = {1, 1, 1};
  for (int c = 0; c < x.channels() && c < 3; ++c) mean[c] = norm.channel_mean(c), std[c] = norm.channel_std(c);
  for (size_t i = 0; i < samples.size() && r.samples < max_samples; ++i) {
    if (!samples.load(i, &s)) continue;
    if (!s.image.empty()) {
      sim.run_image(s.image.data(), norm);
      check(it->set_input_image(0, s.image.data(), s.image.size(), mean, std), "set input");
    } else {
      sim.run_float(s.input.data());
      check(it->set_input_float(0, s.input.data(), s.input.size()), "set input");
    }
    check(it->run(), "run");
    if (oi.dtype == DType::kInt8) {
      check(it->get_output_int8(0, q8.data(), q8.size()), "output");
      const auto& want = sim.value(out);
      if (want.size() != q8.size()) throw ConvertError("runtime check: output size differs");
      for (size_t k = 0; k < q8.size(); ++k) r.max_lsb_diff = std::max(r.max_lsb_diff, std::abs(q8[k] - want[k]));
    } else {
      check(it->get_output_float(0, f32.data(), f32.size()), "output");
      const auto want = sim.dequantized(out);
      if (want.size() != f32.size()) throw ConvertError("runtime check: output size differs");
      for (size_t k = 0; k < f32.size(); ++k)
        r.max_float_diff = std::max(r.max_float_diff, static_cast<double>(std::fabs(f32[k] - want[k])));
    }
    ++r.samples;
  }
  return r;
}

}  // namespace octet::convert

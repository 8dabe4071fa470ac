#include "quant/converter/converter.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>
#include <vector>

#include "kernels/neon/isa.h"
#include "quant/converter/calibration.h"
#include "quant/converter/graph_passes.h"
#include "quant/converter/model_writer.h"
#include "quant/converter/onnx_import.h"
#if OCTET_HAVE_INTERPRETER
#include "quant/converter/runtime_check.h"
#endif

namespace octet::convert {

Converted convert_model(const ConvertOptions& o) {
  Converted c;
  c.graph = import_onnx_file(o.model, o.height, o.width);
  run_graph_passes(c.graph);
  const Graph& g = c.graph;
  const Tensor& in = g.tensors[g.input];
  const int h = g.input_is_image ? in.shape[1] : 0, w = g.input_is_image ? in.shape[2] : 0;
  SampleSource calib(o.calib, h, w, in.channels(), o.norm, o.calib_count);
  calib.drop_unreadable();
  c.image_input = calib.is_images();
  const std::vector<PerChannelQuant> wq = quantize_weights(g, o.weights);
  const CalibrationResult cal = calibrate(g, calib, o.range, o.bias_correction ? &wq : nullptr, o.progress);
  c.quantized = quantize_graph(g, wq, cal.ranges, cal.bias_delta);
  if (!o.eval.empty()) {
    SampleSource eval(o.eval, h, w, in.channels(), o.norm, 0);
    eval.drop_unreadable();
    c.accuracy = evaluate(g, c.quantized, eval, o.norm, o.progress);
  } else {
    c.accuracy = evaluate(g, c.quantized, calib, o.norm, o.progress);
  }
  return c;
}

const char* qconvert_usage() {
  return
      "usage: qconvert IN.onnx -o OUT --calib DIR [options]\n"
      "Converts a float ONNX model into an octet int8 model file, calibrated on sample images.\n"
      "\n"
      "  IN.onnx               float32 ONNX model (opset 9-17), one input: NCHW [1,C,H,W] or [1,F]\n"
      "  -o OUT                the octet model file to write\n"
      "  --calib DIR           calibration images (JPEG, PNG, BMP, ...; undecodable files are\n"
      "                        skipped with a warning), or a raw file of float32 input tensors\n"
      "                        (model NCHW layout, already normalized, back to back)\n"
      "  --calib-count N       use only the first N calibration samples (sorted by name)\n"
      "  --eval DIR            held-out images (or raw file) for the accuracy report; without it\n"
      "                        the report is measured on the calibration samples\n"
      "  --report FILE.json    also write the report as JSON: layers[] (name, op, sqnr_db, ...) and\n"
      "                        output {sqnr_db, top1_agreement, kl}\n"
      "  --weights asymmetric|symmetric\n"
      "                        per-output-channel int8 weights, asymmetric (default: own zero point\n"
      "                        per channel) or symmetric (zero point 0)\n"
      "  --range minmax|percentile|mse\n"
      "                        activation range: observed min/max (default), the 0.01%/99.99%\n"
      "                        percentiles, or the clipping range minimising the quantization MSE\n"
      "  --bias-correction     shift each output channel's bias by the mean error its weight\n"
      "                        quantization causes over the calibration set (recommended: +5 dB\n"
      "                        output SQNR on MobileNetV2)\n"
      "  --size H,W            input size for models with a dynamic spatial size (images are\n"
      "                        resized so the shorter side fits, then centre-cropped to H x W)\n"
      "  --mean R,G,B          per-colour mean subtracted from pixels (0..255), default 0,0,0\n"
      "  --std R,G,B           per-colour divisor applied after the mean, default 1,1,1\n"
      "  --scale S             instead of --mean/--std: input = pixel * S (e.g. 0.00392157 = 1/255)\n"
      "  --bgr                 feed the model B,G,R channel order (mean/std stay given as R,G,B)\n"
      "  --pack dotprod|v80|armv7|raw\n"
      "                        weight layout stored in the file, so that loading on the matching\n"
      "                        board is an mmap with no repacking and no second copy of the weights:\n"
      "                          dotprod  ARMv8.2 dot-product cores: Cortex-A55/A76/A78, Neoverse-N1\n"
      "                                   (RK3588, Raspberry Pi 5, Jetson Orin...; the default)\n"
      "                          v80      ARMv8.0 aarch64 cores: Cortex-A53/A72 (Raspberry Pi 3/4)\n"
      "                          armv7    32-bit NEON (Cortex-A7/A9/A15, armhf)\n"
      "                          raw      unpacked OHWI: portable, every CPU repacks at load\n"
      "                        Any file runs on every CPU; a mismatched one repacks once at load\n"
      "                        (Interpreter::describe() and octet-bench say which operators), which\n"
      "                        costs more than loading raw: for an unknown board ship raw\n"
      "  --help                this text\n"
      "The normalization is recorded in the model file and fused with the input quantization.\n";
}

namespace {

bool parse_floats(const std::string& s, int n, float* out) {
  std::stringstream ss(s);
  std::string item;
  int i = 0;
  while (std::getline(ss, item, ',')) {
    if (i >= n) return false;
    char* end = nullptr;
    out[i] = std::strtof(item.c_str(), &end);
    if (item.empty() || *end || !std::isfinite(out[i])) return false;
    ++i;
  }
  return i == n;
}

}  // namespace

// Whether this build and CPU run the kernels of a --pack target.
static bool isa_available(Isa pack) {
  switch (pack) {
    case Isa::kDotprod: return neon::isa_supported(neon::Isa::dotprod);
    case Isa::kV80: return neon::isa_supported(neon::Isa::v80);
    case Isa::kArmv7: return neon::isa_supported(neon::Isa::armv7);
    default: return false;
  }
}

const char* pack_target_name(Isa pack) {
  switch (pack) {
    case Isa::kDotprod: return "dotprod";
    case Isa::kV80: return "v80";
    case Isa::kArmv7: return "armv7";
    case Isa::kRef: return "raw";
    default: return nullptr;
  }
}

bool parse_pack_target(const std::string& name, Isa* out) {
  for (Isa isa : {Isa::kDotprod, Isa::kV80, Isa::kArmv7, Isa::kRef})
    if (name == pack_target_name(isa)) {
      *out = isa;
      return true;
    }
  return false;
}

bool parse_qconvert_args(int argc, const char* const* argv, ConvertOptions* o, bool* help,
                         std::string* error) {
  *help = false;
  bool have_mean = false, have_std = false, have_scale = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= argc) { *error = a + " needs a value"; return false; }
      *v = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") { *help = true; return true; }
    else if (a == "-o") { if (!value(&o->output)) return false; }
    else if (a == "--calib") { if (!value(&o->calib)) return false; }
    else if (a == "--eval") { if (!value(&o->eval)) return false; }
    else if (a == "--report") { if (!value(&o->report)) return false; }
    else if (a == "--calib-count") {
      if (!value(&v)) return false;
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 1 || n > 1000000) { *error = "--calib-count needs a positive integer"; return false; }
      o->calib_count = static_cast<int>(n);
    } else if (a == "--weights") {
      if (!value(&v)) return false;
      if (v == "asymmetric") o->weights = WeightScheme::kAsymmetric;
      else if (v == "symmetric") o->weights = WeightScheme::kSymmetric;
      else { *error = "--weights is asymmetric or symmetric"; return false; }
    } else if (a == "--range") {
      if (!value(&v)) return false;
      if (v == "minmax") o->range = RangeMethod::kMinMax;
      else if (v == "percentile") o->range = RangeMethod::kPercentile;
      else if (v == "mse") o->range = RangeMethod::kMse;
      else { *error = "--range is minmax, percentile or mse"; return false; }
    } else if (a == "--bias-correction") {
      o->bias_correction = true;
    } else if (a == "--size") {
      if (!value(&v)) return false;
      float hw[2];
      if (!parse_floats(v, 2, hw) || hw[0] < 1 || hw[1] < 1 || hw[0] > 16384 || hw[1] > 16384 ||
          hw[0] != std::floor(hw[0]) || hw[1] != std::floor(hw[1])) {
        *error = "--size needs H,W (positive integers)";
        return false;
      }
      o->height = static_cast<int>(hw[0]);
      o->width = static_cast<int>(hw[1]);
    } else if (a == "--mean") {
      if (!value(&v) || !parse_floats(v, 3, o->norm.mean)) { *error = "--mean needs R,G,B"; return false; }
      have_mean = true;
    } else if (a == "--std") {
      if (!value(&v) || !parse_floats(v, 3, o->norm.std)) { *error = "--std needs R,G,B"; return false; }
      for (float s : o->norm.std)
        if (s == 0.0f) { *error = "--std values must not be 0"; return false; }
      have_std = true;
    } else if (a == "--scale") {
      float s;
      if (!value(&v) || !parse_floats(v, 1, &s) || s == 0.0f) { *error = "--scale needs a non-zero number"; return false; }
      for (int c = 0; c < 3; ++c) o->norm.mean[c] = 0.0f, o->norm.std[c] = 1.0f / s;
      have_scale = true;
    } else if (a == "--bgr") {
      o->norm.bgr = true;
    } else if (a == "--pack") {
      if (!value(&v) || !parse_pack_target(v, &o->pack)) {
        *error = "--pack is dotprod, v80, armv7 or raw";
        return false;
      }
    } else if (!a.empty() && a[0] == '-') {
      *error = "unknown option " + a;
      return false;
    } else if (o->model.empty()) {
      o->model = a;
    } else {
      *error = "more than one input model (" + o->model + ", " + a + ")";
      return false;
    }
  }
  if (have_scale && (have_mean || have_std)) { *error = "--scale excludes --mean/--std"; return false; }
  if (o->model.empty()) { *error = "no input model"; return false; }
  if (o->output.empty()) { *error = "no output file (-o OUT)"; return false; }
  if (o->calib.empty()) { *error = "no calibration data (--calib DIR)"; return false; }
  return true;
}

int qconvert_main(int argc, const char* const* argv) {
  ConvertOptions o;
  bool help = false;
  std::string error;
  if (!parse_qconvert_args(argc, argv, &o, &help, &error)) {
    std::fprintf(stderr, "qconvert: %s\n\n%s", error.c_str(), qconvert_usage());
    return 2;
  }
  if (help) {
    std::fputs(qconvert_usage(), stdout);
    return 0;
  }
  try {
    const Converted c = convert_model(o);
    std::fputs(report_text(c.accuracy).c_str(), stdout);
    std::fflush(stdout);
    const std::string description = "qconvert " + o.model;
    write_model_file(c.graph, c.quantized, o.norm, c.image_input, description, o.output, o.pack);
    std::printf("wrote %s (weights packed for %s)\n", o.output.c_str(), pack_target_name(o.pack));
#if OCTET_HAVE_INTERPRETER
    {  // The file as the runtime sees it must compute exactly what the report measured.
      const Tensor& in = c.graph.tensors[c.graph.input];
      const int h = c.graph.input_is_image ? in.shape[1] : 0, w = c.graph.input_is_image ? in.shape[2] : 0;
      SampleSource samples(o.eval.empty() ? o.calib : o.eval, h, w, in.channels(), o.norm, 0);
      // The ref kernels (which unpack packed weights), then the kernels the file is packed for
      // when this host runs them (x86 hosts do, through SIMDe): they read the packed buffers, all
      // of which one sample exercises (SIMDe is slow; the arithmetic is the ref's bit for bit).
      std::vector<Isa> paths{Isa::kRef};
      if (o.pack != Isa::kRef && isa_available(o.pack)) paths.push_back(o.pack);
      for (Isa isa : paths) {
        const RuntimeCheck rc = check_model_file(o.output, c.graph, c.quantized, samples, o.norm,
                                                 isa == Isa::kRef ? 4 : 1, isa);
        if (rc.max_lsb_diff != 0 || rc.max_float_diff > 1e-6)
          throw ConvertError(std::string("runtime check: the octet Interpreter (") + isa_name(isa) +
                             " kernels) differs from the converter's int8 simulation (" +
                             std::to_string(rc.max_lsb_diff) + " LSB, " + std::to_string(rc.max_float_diff) + ")");
        std::printf("runtime check: %zu samples through the octet Interpreter (%s kernels), output "
                    "identical to the simulation\n", rc.samples, isa_name(isa));
      }
    }
#endif
    if (!o.report.empty()) {
      std::ofstream f(o.report);
      std::ostringstream extra;
      extra << "  \"model\": \"" << o.model << "\",\n  \"weights\": \""
            << (o.weights == WeightScheme::kSymmetric ? "symmetric" : "asymmetric")
            << "\",\n  \"range\": \""
            << (o.range == RangeMethod::kMinMax ? "minmax" : o.range == RangeMethod::kPercentile ? "percentile" : "mse")
            << "\",\n  \"bias_correction\": " << (o.bias_correction ? "true" : "false");
      f << report_json(c.accuracy, extra.str());
      if (!f) throw ConvertError(o.report + ": cannot write the report");
    }
    return 0;
  } catch (const ConvertError& e) {
    std::fprintf(stderr, "qconvert: error: %s\n", e.what());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "qconvert: error: out of memory\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qconvert: error: %s\n", e.what());
  }
  return 1;
}

}  // namespace octet::convert

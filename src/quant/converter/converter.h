// The qconvert pipeline: import -> passes -> weight quantization -> calibration -> quantization ->
// accuracy report -> model file; and its command line.
#pragma once
#include <string>

#include "octet/octet.h"
#include "quant/converter/accuracy_report.h"
#include "quant/converter/graph_ir.h"
#include "quant/converter/image_source.h"
#include "quant/converter/quantize_graph.h"
#include "quant/converter/range_selection.h"

namespace octet::convert {

struct ConvertOptions {
  std::string model, output, calib, eval, report;
  int calib_count = 0;  // 0: all
  WeightScheme weights = WeightScheme::kAsymmetric;
  RangeMethod range = RangeMethod::kMinMax;
  bool bias_correction = false;
  int height = 0, width = 0;  // --size
  InputNormalization norm;
  bool progress = true;
  // --pack: weight layouts stored in the file (the kernel path they are packed for); kRef = raw.
  Isa pack = Isa::kDotprod;
};

// --pack names: "dotprod", "v80", "armv7", "raw" (kRef); nullptr for another Isa.
const char* pack_target_name(Isa pack);
bool parse_pack_target(const std::string& name, Isa* out);

struct Converted {
  Graph graph;
  QuantizedGraph quantized;
  AccuracyReport accuracy;
  bool image_input = false;  // calibrated on images: the model file takes uint8 images
};

// Runs the pipeline (without writing any file). Throws ConvertError.
Converted convert_model(const ConvertOptions& o);

// Parses the command line; false with a message in *error (or *help set for --help).
bool parse_qconvert_args(int argc, const char* const* argv, ConvertOptions* o, bool* help,
                         std::string* error);
const char* qconvert_usage();

// The whole tool: returns the exit status, never throws.
int qconvert_main(int argc, const char* const* argv);

}  // namespace octet::convert

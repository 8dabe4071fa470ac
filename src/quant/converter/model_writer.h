// Quantized graph -> octet model file through the runtime's ModelBuilder (src/graph), which folds
// the zero-point terms, computes the multipliers and packs the weights for the kernels.
#pragma once
#include <string>

#include "octet/octet.h"
#include "quant/converter/graph_ir.h"
#include "quant/converter/image_source.h"
#include "quant/converter/quantize_graph.h"

namespace octet::convert {

// image_input: the model takes a uint8 HWC image and normalizes it with `norm` in its input step
// (fused with the quantization); otherwise it takes the float tensor (NHWC) and quantizes it.
// pack: the kernel path whose weight layouts the file stores (ModelBuilder::set_pack_target;
// kRef: raw OHWI, portable).
void write_model_file(const Graph& g, const QuantizedGraph& q, const InputNormalization& norm,
                      bool image_input, const std::string& description, const std::string& path,
                      Isa pack = Isa::kRef);

}  // namespace octet::convert

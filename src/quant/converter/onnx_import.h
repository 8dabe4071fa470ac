// ONNX model -> float IR (graph_ir.h), through Debian's libonnx protobuf classes. Constants
// (initializers and Constant nodes) are folded into the nodes that use them, NCHW becomes NHWC.
// Anything not supported stops the import with a ConvertError naming the node, its op type and the
// supported operators.
#pragma once
#include <string>

#include "quant/converter/graph_ir.h"

namespace octet::convert {

// The ONNX operators import_onnx understands, comma separated (for messages and --help).
const char* supported_onnx_ops();

// height / width (> 0) fill a dynamic spatial input size and must match a static one.
Graph import_onnx_file(const std::string& path, int height = 0, int width = 0);
Graph import_onnx_bytes(const std::string& bytes, const std::string& what, int height = 0, int width = 0);

}  // namespace octet::convert

// Model::Impl: the loaded, verified graph. Tensor and operator descriptions are small copies made
// at load time; constant data, quantization arrays and multipliers point into the file (mmap or
// the caller's buffer), never copied.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/octet_model_generated.h"
#include "octet/octet.h"

namespace octet {

namespace graph {

struct TensorDesc {
  std::string name;
  DType dtype = DType::kInt8;
  std::vector<int> shape;
  int64_t elements = 0;
  size_t bytes = 0;
  // Quantization (int8 tensors): per tensor, or per channel along axis 0 (weights).
  const float* scales = nullptr;
  const int32_t* zero_points = nullptr;  // null: all zero
  int num_quant = 0;
  // Constant tensors.
  const uint8_t* data = nullptr;
  size_t data_size = 0;
  fb::Layout layout = fb::Layout::RAW;
  bool is_constant() const { return data != nullptr; }
  float scale() const { return num_quant > 0 ? scales[0] : 1.0f; }
  int32_t zero_point() const { return zero_points && num_quant > 0 ? zero_points[0] : 0; }
};

struct OpDesc {
  fb::OpCode code;
  std::vector<int> inputs, outputs;
  std::string name;
  const fb::Operator* op = nullptr;  // options live here
};

size_t dtype_size(DType d);
const char* op_code_name(fb::OpCode c);

}  // namespace graph

struct Model::Impl {
  // Backing storage: an mmap (owned) or the caller's buffer (not owned).
  const uint8_t* base = nullptr;
  size_t size = 0;
  void* mapping = nullptr;
  size_t mapping_size = 0;
  ~Impl();

  const fb::Model* root = nullptr;
  std::string description;
  std::vector<graph::TensorDesc> tensors;
  std::vector<graph::OpDesc> ops;
  std::vector<int> inputs, outputs;
};

namespace graph {
// Verifier + semantic validation; fills impl's tensors/ops. kInvalidModel with a message naming the
// problem on failure.
Status parse_and_validate(Model::Impl* impl);
}  // namespace graph

}  // namespace octet

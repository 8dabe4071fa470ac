// The converter's float IR: what the ONNX importer produces, the passes rewrite, the float executor
// runs and the quantizer turns into int8. Activations are NHWC (rank 4, batch 1) or [1][features]
// (rank 2); constants are folded into the nodes that use them (conv weights OHWI, FC [out][in]).
#pragma once
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/op_params.h"

namespace octet::convert {

// Conversion errors carry a message meant for the user (which node, which tensor, what is wrong).
struct ConvertError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class OpKind {
  kConv,            // ConvGeometry, weights OHWI, bias, clamp
  kFullyConnected,  // weights [out_c][in_c], bias, clamp
  kMaxPool,
  kAvgPool,
  kGlobalAvgPool,
  kAdd,      // two activations of equal shape, clamp
  kConcat,   // along channels
  kSoftmax,  // over channels (the last NHWC dimension)
  kReshape,  // flatten to [1][features]: an alias, data keeps NHWC order
  kClamp,    // an activation no producer could absorb
  kLrn,      // local response normalization across channels (lrn_*)
  // Only between import and the passes:
  kBatchNorm,  // per-channel y = x * scale + shift
  kBiasAdd,    // per-channel y = x + shift (Add with a constant)
  kIdentity,   // Identity, Dropout
  kPad,        // constant zero padding (pads[]: top, left, bottom, right)
};
const char* op_kind_name(OpKind k);

struct Tensor {
  std::string name;
  std::vector<int> shape;  // NHWC {1, H, W, C} or {1, C}
  int producer = -1;       // node index, -1 for the graph input
  // A rank-2 tensor flattened from {H, W, C} with H*W > 1: its data is in HWC order, while ONNX
  // means CHW order. A fully connected consumer permutes its weight columns to match.
  std::vector<int> flattened_from;  // {H, W, C} or empty

  int channels() const { return shape.back(); }
  int pixels() const {
    int p = 1;
    for (size_t i = 0; i + 1 < shape.size(); ++i) p *= shape[i];
    return p;
  }
  size_t elements() const { return static_cast<size_t>(pixels()) * channels(); }
};

struct Node {
  OpKind kind = OpKind::kIdentity;
  std::string name;     // the ONNX node name (or its first output when unnamed)
  std::string onnx_op;  // ONNX op type(s) this node came from, for reports ("Conv+BatchNormalization+Clip")
  std::vector<int> inputs, outputs;
  bool dead = false;

  ConvGeometry conv;          // kConv (kFullyConnected uses in_c / out_c)
  std::vector<float> weights;  // kConv OHWI, kFullyConnected [out_c][in_c]
  std::vector<float> bias;     // [out_c]; kBatchNorm / kBiasAdd: the shift
  std::vector<float> scale;    // kBatchNorm
  PoolGeometry pool;           // pools
  int pads[4] = {0, 0, 0, 0};  // kPad
  int lrn_size = 1;            // kLrn (ONNX attributes)
  float lrn_alpha = 1e-4f, lrn_beta = 0.75f, lrn_bias = 1.0f;
  float clamp_lo = -std::numeric_limits<float>::infinity();
  float clamp_hi = std::numeric_limits<float>::infinity();

  bool has_clamp() const { return clamp_lo > -std::numeric_limits<float>::infinity() ||
                                  clamp_hi < std::numeric_limits<float>::infinity(); }
};

struct Graph {
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;  // topological order
  int input = -1;           // the one graph input (NHWC float)
  std::vector<int> outputs;
  std::string input_name;   // as the ONNX model names it
  bool input_is_image = false;  // rank 4 (NCHW in ONNX)

  int add_tensor(const std::string& name, std::vector<int> shape) {
    tensors.push_back(Tensor{name, std::move(shape), -1, {}});
    return static_cast<int>(tensors.size()) - 1;
  }
  // Number of live nodes reading tensor t (graph outputs count as one more reader).
  int readers(int t) const;
  // Live nodes in order.
  std::vector<int> live_nodes() const;
  // Replace every use of tensor `from` (node inputs, graph outputs) by `to`.
  void replace_uses(int from, int to);
};

}  // namespace octet::convert

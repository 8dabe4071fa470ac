// ModelBuilder: writes a valid octet model file from an in-memory quantized graph. Used by the
// tests and by the converter (qconvert). The converter hands RAW int8 OHWI weights, per-channel
// weight scales / zero points and an int32 bias (at scale s_input * s_weight[c]); the builder folds
// the zero-point terms, computes the requantization multipliers, checks everything and stores the
// weights in the layout the kernels read — the converter never sees a kernel layout.
//
// Every op method returns the id of the new output tensor, or -1 after recording an error; the
// first error is returned by finish() (and error() at any time). Activation tensors are NHWC.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "octet/octet.h"
#include "quant/quant_params.h"

namespace octet::graph {

constexpr float kNoClamp = std::numeric_limits<float>::infinity();

// Fused activation as real bounds: ReLU = {0, inf}, ReLU6 = {0, 6}, none = {-inf, inf}.
struct Activation {
  float min = -kNoClamp;
  float max = kNoClamp;
};

struct Conv2DArgs {
  int out_channels = 0;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int groups = 1;  // depthwise: groups == in_channels
  // Raw int8 OHWI [out_c][kernel_h][kernel_w][in_c / groups], values in [-127, 127].
  std::vector<int8_t> weights;
  // Per output channel (or one entry: per tensor).
  std::vector<float> weight_scales;
  std::vector<int32_t> weight_zero_points;  // empty: symmetric (all 0)
  // int32 bias at scale s_input * s_weight[c]; empty: no bias.
  std::vector<int32_t> bias;
  Activation activation;
};

// Fully connected: the input is flattened per batch item in NHWC order (in = H*W*C); weights are
// [out_channels][in] raw int8. Output shape [N, out_channels].
struct FullyConnectedArgs {
  int out_channels = 0;
  std::vector<int8_t> weights;
  std::vector<float> weight_scales;
  std::vector<int32_t> weight_zero_points;
  std::vector<int32_t> bias;
  Activation activation;
};

struct Pool2DArgs {
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool count_include_pad = false;  // average pool only
  Activation activation;
};

class ModelBuilder {
 public:
  ModelBuilder();
  ModelBuilder(ModelBuilder&& other) noexcept;
  ModelBuilder& operator=(ModelBuilder&& other) noexcept;
  ModelBuilder(const ModelBuilder&) = delete;
  ModelBuilder& operator=(const ModelBuilder&) = delete;
  ~ModelBuilder();

  void set_description(std::string text);
  // Store the weights in the layouts the kernels of this ISA read, so that loading on such a CPU
  // is zero-copy (qconvert --pack): conv (groups == 1) and fully-connected weights in its GEMM
  // packing, depthwise weights in the NEON depthwise packing (DW_C8I16, shared by v80, dotprod
  // and armv7). kRef / kAuto / kI8mm: raw OHWI, the default. Other CPUs repack once when their
  // interpreter is created (the ref path unpacks depthwise weights). Applies to the ops added
  // after the call.
  void set_pack_target(Isa isa);
  void set_gemm_layout(Isa isa) { set_pack_target(isa); }  // former name

  // Graph inputs. int8 needs its quantization; uint8 (an image the model normalizes with a
  // quantize op) and float need none.
  int add_input(const std::string& name, const std::vector<int>& shape, DType dtype,
                QuantParams quant = {});
  void mark_output(int tensor);

  // Operators (output tensor name may be empty: "<op>_<n>").
  int conv2d(int input, const Conv2DArgs& args, QuantParams output, const std::string& name = "");
  int fully_connected(int input, const FullyConnectedArgs& args, QuantParams output,
                      const std::string& name = "");
  // Max pool keeps the input quantization.
  int max_pool(int input, const Pool2DArgs& args, const std::string& name = "");
  int avg_pool(int input, const Pool2DArgs& args, QuantParams output, const std::string& name = "");
  // [N,H,W,C] -> [N,1,1,C].
  int global_avg_pool(int input, QuantParams output, const std::string& name = "");
  int add(int a, int b, QuantParams output, Activation activation = {}, const std::string& name = "");
  // Along channels. Inputs with the same quantization as the output cost nothing (producers
  // write into their slice); others are requantized.
  int concat(const std::vector<int>& inputs, QuantParams output, const std::string& name = "");
  // Same element count; an alias at run time. Flatten = reshape to {N, H*W*C}.
  int reshape(int input, const std::vector<int>& shape, const std::string& name = "");
  // int8 -> float32 softmax over the last axis.
  int softmax(int input, const std::string& name = "");
  // float32 -> int8.
  int quantize(int input, QuantParams output, const std::string& name = "");
  // uint8 HWC image -> int8 with real = (x - mean[c]) / std[c].
  int normalize_image(int input, const std::vector<float>& mean, const std::vector<float>& std,
                      QuantParams output, const std::string& name = "");
  int dequantize(int input, const std::string& name = "");
  // Clamp in real values, output keeps the input quantization.
  int clamp(int input, float min, float max, const std::string& name = "");
  // Local response normalization across channels (AlexNet/GoogLeNet), int8 in and out.
  int lrn(int input, int size, float alpha, float beta, float bias, QuantParams output,
          const std::string& name = "");

  // Shape of a tensor made so far (empty for a bad id).
  std::vector<int> shape(int tensor) const;

  // Serialize. False + message on the first error met while building.
  Status finish(std::vector<uint8_t>* file) const;
  Status save(const std::string& path) const;
  const Status& error() const { return error_; }

  struct Impl;

 private:
  int fail(const std::string& message);
  Impl* impl_;
  Status error_;
};

}  // namespace octet::graph

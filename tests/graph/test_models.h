// Small models built with the ModelBuilder for the graph tests.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "graph/model_builder.h"

namespace octet::testing {

inline std::vector<int8_t> random_weights(std::mt19937& rng, size_t n) {
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<int8_t> w(n);
  for (auto& x : w) x = static_cast<int8_t>(d(rng));
  return w;
}

// Conv args with random per-channel quantization.
inline graph::Conv2DArgs random_conv(std::mt19937& rng, int in_c, int out_c, int k, int stride,
                                     int pad, int groups = 1, bool relu = true) {
  graph::Conv2DArgs a;
  a.out_channels = out_c;
  a.kernel_h = a.kernel_w = k;
  a.stride_h = a.stride_w = stride;
  a.pad_top = a.pad_left = a.pad_bottom = a.pad_right = pad;
  a.groups = groups;
  a.weights = random_weights(rng, static_cast<size_t>(out_c) * k * k * (in_c / groups));
  std::uniform_real_distribution<float> s(0.002f, 0.02f);
  std::uniform_int_distribution<int> z(-10, 10), b(-2000, 2000);
  for (int c = 0; c < out_c; ++c) {
    a.weight_scales.push_back(s(rng));
    a.weight_zero_points.push_back(z(rng));
    a.bias.push_back(b(rng));
  }
  if (relu) a.activation = {0.0f, 6.0f};
  return a;
}

// A small classifier: conv 3x3/2 -> depthwise 3x3 -> pointwise -> maxpool -> GAP -> FC -> softmax.
// pack: weight layouts stored (ModelBuilder::set_pack_target; kRef: raw OHWI).
inline graph::ModelBuilder small_classifier(int size = 16, int classes = 10, unsigned seed = 1,
                                            Isa pack = Isa::kRef) {
  std::mt19937 rng(seed);
  graph::ModelBuilder b;
  b.set_pack_target(pack);
  b.set_description("small classifier");
  int x = b.add_input("image", {1, size, size, 3}, DType::kUInt8);
  x = b.normalize_image(x, {123.f, 117.f, 104.f}, {58.f, 57.f, 57.f}, {0.0175f, 0}, "normalize");
  x = b.conv2d(x, random_conv(rng, 3, 8, 3, 2, 1), {0.05f, -128}, "conv1");
  x = b.conv2d(x, random_conv(rng, 8, 8, 3, 1, 1, 8), {0.05f, -128}, "dw1");
  x = b.conv2d(x, random_conv(rng, 8, 16, 1, 1, 0), {0.05f, -128}, "pw1");
  graph::Pool2DArgs mp;
  mp.kernel_h = mp.kernel_w = 2;
  mp.stride_h = mp.stride_w = 2;
  x = b.max_pool(x, mp, "maxpool");
  x = b.global_avg_pool(x, {0.04f, -100}, "gap");
  x = b.reshape(x, {1, 16}, "flatten");
  graph::FullyConnectedArgs fc;
  fc.out_channels = classes;
  fc.weights = random_weights(rng, static_cast<size_t>(classes) * 16);
  fc.weight_scales = {0.01f};
  fc.bias.assign(classes, 100);
  x = b.fully_connected(x, fc, {0.1f, 0}, "fc");
  x = b.softmax(x, "prob");
  b.mark_output(x);
  return b;
}

}  // namespace octet::testing

namespace octet::testing {

// MobileNet-v1 shaped: 3x3/2 conv, 13 depthwise-separable blocks, global average pool, FC,
// softmax; width multiplier `alpha`, input size x size, uint8 image input normalized in the model.
// gemm_layout: store weights packed for that ISA's kernels (kRef: raw OHWI).
inline graph::ModelBuilder mobilenet_v1(int size = 224, float alpha = 1.0f, int classes = 1000,
                                        unsigned seed = 1, Isa gemm_layout = Isa::kRef) {
  std::mt19937 rng(seed);
  graph::ModelBuilder b;
  b.set_pack_target(gemm_layout);
  b.set_description("MobileNet-v1 shaped (random weights)");
  const QuantParams act{0.0235f, -128};  // ReLU6 range [0, 6]
  auto ch = [&](int c) { return std::max(8, static_cast<int>(c * alpha)); };
  int x = b.add_input("image", {1, size, size, 3}, DType::kUInt8);
  x = b.normalize_image(x, {127.5f, 127.5f, 127.5f}, {127.5f, 127.5f, 127.5f}, {1.0f / 128, 0}, "normalize");
  int c = ch(32);
  // TF "SAME" for stride 2 on an even size pads 0 before, 1 after.
  graph::Conv2DArgs a = random_conv(rng, 3, c, 3, 2, 1);
  a.pad_top = a.pad_left = 0;
  x = b.conv2d(x, a, act, "conv0");
  const int spec[13][2] = {{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1},
                           {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  for (int i = 0; i < 13; ++i) {
    const int oc = ch(spec[i][0]), s = spec[i][1];
    graph::Conv2DArgs dw = random_conv(rng, c, c, 3, s, 1, c);
    if (s == 2) dw.pad_top = dw.pad_left = 0;
    x = b.conv2d(x, dw, act, "dw" + std::to_string(i + 1));
    x = b.conv2d(x, random_conv(rng, c, oc, 1, 1, 0), act, "pw" + std::to_string(i + 1));
    c = oc;
  }
  x = b.global_avg_pool(x, act, "avgpool");
  graph::FullyConnectedArgs fc;
  fc.out_channels = classes;
  fc.weights = random_weights(rng, static_cast<size_t>(classes) * c);
  fc.weight_scales.assign(classes, 0.002f);
  fc.bias.assign(classes, 0);
  x = b.reshape(x, {1, c}, "flatten");
  x = b.fully_connected(x, fc, {0.1f, 0}, "fc");
  x = b.softmax(x, "prob");
  b.mark_output(x);
  return b;
}

}  // namespace octet::testing

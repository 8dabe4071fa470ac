// Loading: valid files load from a buffer and a path; malformed files are refused with a message
// naming the problem, never a crash.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "graph/model_builder.h"
#include "graph/model_format.h"
#include "graph/model_impl.h"
#include "graph/octet_model_generated.h"
#include "octet/octet.h"
#include "test_models.h"

namespace octet {
namespace {

std::vector<uint8_t> build_small() {
  std::vector<uint8_t> bytes;
  Status st = testing::small_classifier().finish(&bytes);
  EXPECT_TRUE(st.ok()) << st.message();
  return bytes;
}

// Aligned copy of a file image (vectors are only 16-aligned).
struct Aligned {
  explicit Aligned(const std::vector<uint8_t>& b) : size(b.size()) {
    p = static_cast<uint8_t*>(std::aligned_alloc(64, graph::align_up(std::max<size_t>(b.size(), 1), 64)));
    if (!b.empty()) std::memcpy(p, b.data(), b.size());
  }
  ~Aligned() { std::free(p); }
  uint8_t* p;
  size_t size;
};

Status load(const std::vector<uint8_t>& bytes) {
  Aligned a(bytes);
  std::shared_ptr<const Model> m;
  return Model::load_buffer(a.p, a.size, &m);
}

// Decode, let `edit` change the object tree, re-encode. The data section is kept at the same
// position relative to the buffer offsets (shifted by a multiple of 64 if the flatbuffer grew).
template <typename F>
std::vector<uint8_t> edited(const std::vector<uint8_t>& bytes, F edit) {
  auto model = fb::UnPackModel(bytes.data());
  size_t data_start = bytes.size();
  for (auto& b : model->buffers) data_start = std::min<size_t>(data_start, b.offset());
  edit(*model);
  auto pack = [&] {
    flatbuffers::FlatBufferBuilder b;
    fb::FinishModelBuffer(b, fb::Model::Pack(b, model.get()));
    return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  };
  std::vector<uint8_t> out = pack();
  size_t delta = 0;
  if (out.size() > data_start) {
    delta = graph::align_up(out.size() - data_start, 64);
    for (auto& b : model->buffers) b = fb::Buffer(b.offset() + delta, b.size());
    out = pack();
  }
  out.resize(data_start + delta, 0);
  out.insert(out.end(), bytes.begin() + data_start, bytes.end());
  return out;
}

void expect_invalid(const std::vector<uint8_t>& bytes, const std::string& words) {
  Status st = load(bytes);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidModel) << st.message();
  EXPECT_NE(st.message().find(words), std::string::npos) << "message: " << st.message();
}

TEST(Loader, ValidModelLoadsFromBufferWithoutCopy) {
  auto bytes = build_small();
  Aligned a(bytes);
  std::shared_ptr<const Model> m;
  Status st = Model::load_buffer(a.p, a.size, &m);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(m->num_inputs(), 1);
  EXPECT_EQ(m->num_outputs(), 1);
  EXPECT_EQ(m->input_info(0).shape, (std::vector<int>{1, 16, 16, 3}));
  EXPECT_EQ(m->input_info(0).dtype, DType::kUInt8);
  EXPECT_EQ(m->output_info(0).dtype, DType::kFloat32);
  EXPECT_EQ(m->num_operators(), 9);
  EXPECT_EQ(m->description(), "small classifier");
  // Zero copy: every constant points into the caller's buffer, 64-byte aligned.
  for (const auto& t : m->impl().tensors) {
    if (!t.is_constant()) continue;
    EXPECT_GE(t.data, a.p);
    EXPECT_LE(t.data + t.data_size, a.p + a.size);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data) % 64, 0u) << t.name;
  }
}

TEST(Loader, ValidModelLoadsFromPath) {
  auto bytes = build_small();
  const std::string path = ::testing::TempDir() + "/octet_loader_test.octet";
  {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  std::shared_ptr<const Model> m;
  Status st = Model::load_file(path, &m);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(m->file_size(), bytes.size());
  std::remove(path.c_str());
  st = Model::load_file(path, &m);
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_FALSE(m);
}

TEST(Loader, RefusesEveryTruncation) {
  auto bytes = build_small();
  // Every prefix of the flatbuffer part and a few of the data section.
  for (size_t n = 0; n < bytes.size(); n += (n < 4096 ? 1 : 97)) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
    Status st = load(cut);
    EXPECT_FALSE(st.ok()) << "prefix " << n;
  }
}

TEST(Loader, RefusesWrongIdentifier) {
  auto bytes = build_small();
  bytes[4] = 'X';
  expect_invalid(bytes, "identifier");
}

TEST(Loader, RefusesNewerVersion) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) { m.version = graph::kSchemaVersion + 1; });
  expect_invalid(bytes, "newer");
}

TEST(Loader, RefusesVersionOneFiles) {  // their add arithmetic is not this runtime's
  auto bytes = edited(build_small(), [](fb::ModelT& m) { m.version = 1; });
  expect_invalid(bytes, "re-convert");
}

TEST(Loader, RefusesAddParametersOutOfRange) {
  graph::ModelBuilder b;
  const QuantParams q{0.05f, 0};
  const int x = b.add_input("x", {1, 2, 2, 3}, DType::kInt8, q);
  const int y = b.add(x, x, {0.1f, 0}, {}, "sum");
  b.mark_output(y);
  std::vector<uint8_t> good;
  const Status st = b.finish(&good);
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_TRUE(load(good).ok());
  expect_invalid(edited(good, [](fb::ModelT& m) {
    for (auto& op : m.operators)
      if (op->options.type == fb::OpOptions::AddOptions) op->options.AsAddOptions()->a_multiplier = 40000;
  }), "add multipliers");
  expect_invalid(edited(good, [](fb::ModelT& m) {
    for (auto& op : m.operators)
      if (op->options.type == fb::OpOptions::AddOptions) op->options.AsAddOptions()->shift = 32;
  }), "add shift");
}

TEST(Loader, RefusesTensorIndexOutOfRange) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) { m.operators[2]->inputs[0] = 999; });
  expect_invalid(bytes, "out of range");
}

TEST(Loader, RefusesBufferIndexOutOfRange) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    for (auto& t : m.tensors)
      if (t->buffer >= 0) { t->buffer = 1000; break; }
  });
  expect_invalid(bytes, "buffer index");
}

TEST(Loader, RefusesBufferTooSmall) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    m.buffers[0] = fb::Buffer(m.buffers[0].offset(), m.buffers[0].size() - 1);
  });
  expect_invalid(bytes, "bytes, shape needs");
}

TEST(Loader, RefusesBufferBeyondEndOfFile) {
  auto bytes = build_small();
  auto e = edited(bytes, [&](fb::ModelT& m) {
    m.buffers[0] = fb::Buffer(graph::align_up(bytes.size(), 64), m.buffers[0].size());
  });
  expect_invalid(e, "beyond the end");
}

TEST(Loader, RefusesMisalignedBuffer) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    m.buffers[0] = fb::Buffer(m.buffers[0].offset() + 4, m.buffers[0].size());
  });
  expect_invalid(bytes, "aligned");
}

TEST(Loader, RefusesMisalignedCallerBuffer) {
  auto bytes = build_small();
  std::vector<uint8_t> storage(bytes.size() + 64);
  uint8_t* p = storage.data();
  while (reinterpret_cast<uintptr_t>(p) % 8 != 1) ++p;
  std::memcpy(p, bytes.data(), bytes.size());
  std::shared_ptr<const Model> m;
  Status st = Model::load_buffer(p, bytes.size(), &m);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("aligned"), std::string::npos) << st.message();
}

TEST(Loader, RefusesCycle) {
  // conv1 (op 1) reads pw1's output (op 3), which depends on conv1: a cycle.
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    m.operators[1]->inputs[0] = m.operators[3]->outputs[0];
  });
  expect_invalid(bytes, "cycle");
}

TEST(Loader, RefusesSelfLoop) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    m.operators[4]->inputs[0] = m.operators[4]->outputs[0];
  });
  expect_invalid(bytes, "cycle");
}

TEST(Loader, RefusesOperatorsOutOfOrder) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) { std::swap(m.operators[1], m.operators[2]); });
  expect_invalid(bytes, "out of execution order");
}

TEST(Loader, RefusesNaNScale) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    m.tensors[m.operators[1]->outputs[0]]->quant->scale[0] = std::nanf("");
  });
  expect_invalid(bytes, "positive and finite");
}

TEST(Loader, RefusesZeroPointOutOfRange) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    m.tensors[m.operators[1]->outputs[0]]->quant->zero_point[0] = 300;
  });
  expect_invalid(bytes, "zero point");
}

TEST(Loader, RefusesShapeMismatch) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    m.tensors[m.operators[1]->outputs[0]]->shape[1] += 3;
  });
  Status st = load(bytes);
  EXPECT_EQ(st.code(), StatusCode::kInvalidModel);
  EXPECT_NE(st.message().find("conv1"), std::string::npos) << st.message();
}

TEST(Loader, RefusesBadMultiplierCount) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    m.operators[1]->options.AsConv2DOptions()->multiplier.pop_back();
  });
  expect_invalid(bytes, "multipliers");
}

TEST(Loader, RefusesWrongOptionsType) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    fb::Pool2DOptionsT p;
    m.operators[1]->options.Set(p);
  });
  expect_invalid(bytes, "missing Conv2DOptions");
}

TEST(Loader, RefusesPerChannelCountMismatch) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    int w = m.operators[1]->inputs[1];
    m.tensors[w]->quant->scale.push_back(0.1f);
    m.tensors[w]->quant->zero_point.push_back(0);
  });
  expect_invalid(bytes, "scales for");
}

TEST(Loader, RefusesUnknownLayout) {
  auto bytes = edited(build_small(), [](fb::ModelT& m) {
    m.tensors[m.operators[1]->inputs[1]]->layout = static_cast<fb::Layout>(777);
  });
  expect_invalid(bytes, "layout");
}

// Depthwise weights stored in the NEON depthwise packing (DW_C8I16) are checked against the
// operator's geometry at load: a short, long or corrupt buffer is refused, naming the tensor.
std::vector<uint8_t> build_small_packed() {
  std::vector<uint8_t> bytes;
  Status st = testing::small_classifier(16, 10, 1, Isa::kDotprod).finish(&bytes);
  EXPECT_TRUE(st.ok()) << st.message();
  return bytes;
}

int tensor_named(const fb::ModelT& m, const std::string& name) {
  for (size_t i = 0; i < m.tensors.size(); ++i)
    if (m.tensors[i]->name == name) return static_cast<int>(i);
  ADD_FAILURE() << "no tensor " << name;
  return 0;
}

TEST(Loader, PackedDepthwiseWeightsLoad) {
  auto bytes = build_small_packed();
  auto m = fb::UnPackModel(bytes.data());
  EXPECT_EQ(m->tensors[tensor_named(*m, "dw1/weights")]->layout, fb::Layout::DW_C8I16);
  EXPECT_EQ(m->tensors[tensor_named(*m, "pw1/weights")]->layout, fb::Layout::GEMM_N16K4);
  EXPECT_TRUE(load(bytes).ok()) << load(bytes).message();
}

TEST(Loader, RefusesTruncatedDepthwisePacking) {
  for (int delta : {-16, -1, 16}) {
    auto bytes = edited(build_small_packed(), [&](fb::ModelT& m) {
      const int b = m.tensors[tensor_named(m, "dw1/weights")]->buffer;
      m.buffers[b] = fb::Buffer(m.buffers[b].offset(), m.buffers[b].size() + delta);
    });
    expect_invalid(bytes, "'dw1/weights': depthwise packed buffer holds");
  }
}

TEST(Loader, RefusesCorruptDepthwiseHeader) {
  for (int word : {0, 2, 3}) {  // layout id, padded channels, taps
    auto bytes = build_small_packed();
    auto m = fb::UnPackModel(bytes.data());
    const size_t off = m->buffers[m->tensors[tensor_named(*m, "dw1/weights")]->buffer].offset();
    bytes[off + 4 * word] ^= 0x20;
    expect_invalid(bytes, "'dw1/weights': depthwise packed buffer header");
  }
}

TEST(Loader, RefusesDepthwisePackingOnOtherWeights) {
  // Raw depthwise weights relabelled as packed: wrong size.
  auto raw = edited(build_small(), [](fb::ModelT& m) {
    m.tensors[tensor_named(m, "dw1/weights")]->layout = fb::Layout::DW_C8I16;
  });
  expect_invalid(raw, "'dw1/weights'");
  // A pointwise (not depthwise) conv cannot hold the depthwise packing.
  auto pw = edited(build_small_packed(), [](fb::ModelT& m) {
    m.tensors[tensor_named(m, "pw1/weights")]->layout = fb::Layout::DW_C8I16;
  });
  expect_invalid(pw, "'pw1/weights': depthwise packing on an operator that is not");
}

TEST(Builder, ReportsBadArguments) {
  graph::ModelBuilder b;
  int x = b.add_input("x", {1, 4, 4, 3}, DType::kInt8, {0.1f, 0});
  graph::Conv2DArgs a;
  a.out_channels = 4;
  a.kernel_h = a.kernel_w = 3;
  a.weights.assign(10, 1);  // wrong count
  a.weight_scales = {0.1f};
  EXPECT_EQ(b.conv2d(x, a, {0.1f, 0}, "c"), -1);
  std::vector<uint8_t> bytes;
  Status st = b.finish(&bytes);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("weights have 10 values"), std::string::npos) << st.message();
}

TEST(Builder, RejectsWeightMinus128) {
  graph::ModelBuilder b;
  int x = b.add_input("x", {1, 2, 2, 1}, DType::kInt8, {0.1f, 0});
  graph::FullyConnectedArgs a;
  a.out_channels = 1;
  a.weights = {1, 2, -128, 3};
  a.weight_scales = {0.1f};
  EXPECT_EQ(b.fully_connected(x, a, {0.1f, 0}), -1);
  EXPECT_NE(b.error().message().find("-128"), std::string::npos);
}

}  // namespace
}  // namespace octet

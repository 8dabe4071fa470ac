// Converted test graphs written through the ModelBuilder, loaded by the runtime and run by its
// Interpreter on the reference kernels: output identical to the converter's int8 simulation.
#include "convert_test_util.h"
#include "quant/converter/converter.h"
#include "quant/converter/model_writer.h"
#include "quant/converter/onnx_import.h"
#include "quant/converter/runtime_check.h"

namespace octet::convert {
namespace {

class RuntimeTest : public ::testing::TestWithParam<const char*> {};

TEST_P(RuntimeTest, InterpreterMatchesSimulation) {
  const std::string model = test::model_path(GetParam());
  const Graph probe = import_onnx_file(model);
  const std::string dir = test::temp_dir();
  ConvertOptions o;
  o.model = model;
  o.calib = test::write_raw_samples(dir, "calib.raw", probe.tensors[probe.input].elements(), 8, 11);
  o.progress = false;
  const Converted c = convert_model(o);
  const Tensor& in = c.graph.tensors[c.graph.input];
  SampleSource samples(o.calib, c.graph.input_is_image ? in.shape[1] : 0,
                       c.graph.input_is_image ? in.shape[2] : 0, in.channels(), o.norm, 0);
  // Every --pack target, run on the ref kernels (which repack / unpack the packed weights) and on
  // the kernels the file is packed for (through SIMDe on x86 hosts).
  for (Isa pack : {Isa::kRef, Isa::kDotprod, Isa::kV80, Isa::kArmv7}) {
    const std::string file = dir + "/model_" + pack_target_name(pack) + ".octet";
    write_model_file(c.graph, c.quantized, o.norm, false, "test", file, pack);
    for (Isa isa : {Isa::kRef, pack}) {
      if (pack == Isa::kRef && isa != Isa::kRef) continue;
      InterpreterOptions probe;
      probe.isa = isa;
      std::shared_ptr<const Model> m;
      std::unique_ptr<Interpreter> it;
      if (!Model::load_file(file, &m).ok() || !Interpreter::create(m, probe, &it).ok()) {
        EXPECT_NE(isa, Isa::kRef) << file;  // only a path this CPU lacks may be missing
        continue;
      }
      const RuntimeCheck r = check_model_file(file, c.graph, c.quantized, samples, o.norm, 8, isa);
      EXPECT_EQ(r.samples, 8u) << file << " on " << isa_name(isa);
      EXPECT_EQ(r.max_lsb_diff, 0) << file << " on " << isa_name(isa);
      EXPECT_LE(r.max_float_diff, 1e-6) << file << " on " << isa_name(isa);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Graphs, RuntimeTest,
    ::testing::Values("conv_basic", "conv_group_dilated", "conv_depthwise_multiplier",
                      "conv_autopad_same_upper", "conv_autopad_same_lower", "conv_autopad_valid",
                      "conv_bn_relu", "clip_inputs_opset11", "maxpool_pads", "maxpool_ceil",
                      "avgpool_count_include_pad0", "avgpool_count_include_pad1", "gap_flatten_gemm",
                      "flatten_matmul_add", "reshape_gemm", "concat", "add_residual_relu",
                      "softmax_output", "pad_conv_opset11", "pad_avgpool", "standalone_bn_relu",
                      "gemm_2d_input", "mobilenet_block", "zero_weight_channel", "constant_activation",
                      "lrn_conv", "lrn_strong_alpha_input", "lrn_single_channel"),
    [](const ::testing::TestParamInfo<const char*>& i) { return std::string(i.param); });

TEST(RuntimeImages, ImageModelNormalizesInItsInputStep) {
  const std::string dir = test::temp_dir();
  // 5 PNG images through stb_image_write.
  for (int k = 0; k < 5; ++k) {
    std::vector<uint8_t> px(10 * 12 * 3);
    for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>((i * 7 + k * 40) & 255);
    test::write_png(dir + "/im" + std::to_string(k) + ".png", 12, 10, px);
  }
  ConvertOptions o;
  o.model = test::model_path("conv_bn_relu");
  o.calib = dir;
  o.norm.mean[0] = 120; o.norm.mean[1] = 110; o.norm.mean[2] = 100;
  o.norm.std[0] = 60; o.norm.std[1] = 70; o.norm.std[2] = 80;
  o.norm.bgr = true;
  o.progress = false;
  const Converted c = convert_model(o);
  ASSERT_TRUE(c.image_input);
  const std::string file = dir + "/model.octet";
  write_model_file(c.graph, c.quantized, o.norm, true, "test", file);
  SampleSource samples(dir, 8, 8, 3, o.norm, 0);
  const RuntimeCheck r = check_model_file(file, c.graph, c.quantized, samples, o.norm, 5);
  EXPECT_EQ(r.samples, 5u);
  EXPECT_EQ(r.max_lsb_diff, 0);
}

}  // namespace
}  // namespace octet::convert

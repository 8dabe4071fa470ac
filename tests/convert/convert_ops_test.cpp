// Every supported ONNX op through import -> passes -> calibration -> int8, against the float
// executor (per-graph SQNR / top-1), plus the structure the passes must leave behind. The float
// executor itself is checked against ONNX Runtime by scripts/tests.d/convert-ort.sh.
#include <algorithm>

#include "convert_test_util.h"
#include "quant/converter/graph_passes.h"
#include "quant/converter/onnx_import.h"

namespace octet::convert {
namespace {

struct Case {
  const char* model;
  double min_sqnr_db;
  int live_nodes;  // after the passes
};

Converted convert_with_random_inputs(const std::string& model, ConvertOptions o = {}) {
  const Graph g = import_onnx_file(test::model_path(model));
  const size_t n = g.tensors[g.input].elements();
  const std::string dir = test::temp_dir();
  o.model = test::model_path(model);
  // Evaluated on the calibration samples: no clipping by ranges a tiny calibration set missed,
  // so what remains is the int8 arithmetic against the float executor.
  o.calib = test::write_raw_samples(dir, "calib.raw", n, 16, 1);
  o.eval = o.calib;
  o.progress = false;
  return convert_model(o);
}

class OpTest : public ::testing::TestWithParam<Case> {};

TEST_P(OpTest, Int8MatchesFloatExecutor) {
  const Case& c = GetParam();
  const Converted r = convert_with_random_inputs(c.model);
  EXPECT_EQ(static_cast<int>(r.graph.live_nodes().size()), c.live_nodes);
  EXPECT_GE(r.accuracy.output_sqnr_db, c.min_sqnr_db) << report_text(r.accuracy);
  EXPECT_EQ(r.accuracy.samples, 16u);
  for (const auto& l : r.accuracy.layers) EXPECT_GE(l.sqnr_db, 15.0) << l.name;
}

INSTANTIATE_TEST_SUITE_P(
    Graphs, OpTest,
    ::testing::Values(
        Case{"conv_basic", 30, 1}, Case{"conv_group_dilated", 30, 1},
        Case{"conv_depthwise_multiplier", 30, 1}, Case{"conv_autopad_same_upper", 30, 1},
        Case{"conv_autopad_same_lower", 30, 1}, Case{"conv_autopad_valid", 30, 1},
        Case{"conv_bn_relu", 30, 1}, Case{"clip_attrs_opset9", 30, 1},
        Case{"clip_inputs_opset11", 28, 2}, Case{"constant_nodes_relu6_opset17", 30, 1},
        Case{"maxpool_pads", 30, 2}, Case{"maxpool_ceil", 30, 2},
        Case{"avgpool_count_include_pad0", 30, 2}, Case{"avgpool_count_include_pad1", 30, 2},
        Case{"gap_flatten_gemm", 28, 4}, Case{"flatten_matmul_add", 28, 3},
        Case{"reshape_gemm", 28, 3}, Case{"concat", 28, 4}, Case{"add_residual_relu", 28, 4},
        Case{"dropout_identity_opset11", 30, 1}, Case{"softmax_output", 28, 5},
        Case{"pad_conv_opset11", 30, 1}, Case{"pad_conv_opset9", 30, 1}, Case{"pad_avgpool", 30, 2},
        Case{"standalone_bn_relu", 28, 2}, Case{"gemm_2d_input", 28, 2},
        Case{"mobilenet_block", 25, 7}, Case{"zero_weight_channel", 30, 1},
        Case{"constant_activation", 28, 4}, Case{"lrn_conv", 28, 3},
        Case{"lrn_strong_alpha_input", 28, 2}, Case{"lrn_single_channel", 28, 2}),
    [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.model); });

// The passes: what folds into what.
Graph imported(const char* model) {
  Graph g = import_onnx_file(test::model_path(model));
  run_graph_passes(g);
  return g;
}
// By value: callers pass temporaries.
Node only_live(const Graph& g, OpKind kind, int index = 0) {
  for (int i : g.live_nodes())
    if (g.nodes[i].kind == kind && index-- == 0) return g.nodes[i];
  throw std::runtime_error(std::string("no live ") + op_kind_name(kind));
}

TEST(ConvertPasses, BatchNormAndReluFoldIntoConv) {
  const Graph g = imported("conv_bn_relu");
  const Node& c = only_live(g, OpKind::kConv);
  EXPECT_EQ(c.clamp_lo, 0.0f);
  EXPECT_EQ(c.onnx_op, "Conv+BatchNormalization+Relu");
  EXPECT_EQ(g.outputs[0], c.outputs[0]);
}

TEST(ConvertPasses, Relu6FromConstantNodes) {
  const Node& c = only_live(imported("constant_nodes_relu6_opset17"), OpKind::kConv);
  EXPECT_EQ(c.clamp_lo, 0.0f);
  EXPECT_EQ(c.clamp_hi, 6.0f);
}

TEST(ConvertPasses, ClipBoundsFromAttributesAndInputs) {
  const Node& a = only_live(imported("clip_attrs_opset9"), OpKind::kConv);
  EXPECT_EQ(a.clamp_lo, 0.0f);
  EXPECT_EQ(a.clamp_hi, 0.5f);
  const Graph g = imported("clip_inputs_opset11");
  EXPECT_EQ(only_live(g, OpKind::kConv, 0).clamp_lo, -0.25f);
  EXPECT_EQ(only_live(g, OpKind::kConv, 1).clamp_hi, 0.3f);
}

TEST(ConvertPasses, PadFoldsIntoConvPadding) {
  const Node& c = only_live(imported("pad_conv_opset11"), OpKind::kConv);
  EXPECT_EQ(c.conv.pad_top, 1);
  EXPECT_EQ(c.conv.pad_left, 2);
  EXPECT_EQ(c.conv.in_h, 6);
  EXPECT_EQ(c.conv.out_h, 7);  // 6 + 1 + 2 - 3 + 1
  EXPECT_EQ(c.conv.out_w, 7);
  const Node& d = only_live(imported("pad_conv_opset9"), OpKind::kConv);
  EXPECT_EQ(d.conv.pad_top, 2);
  EXPECT_EQ(d.conv.pad_left, 1);
  const Node& p = only_live(imported("pad_avgpool"), OpKind::kAvgPool);
  EXPECT_TRUE(p.pool.count_include_pad);
  EXPECT_EQ(p.pool.pad_top, 1);
}

TEST(ConvertPasses, AutoPadAndGroups) {
  const Node& u = only_live(imported("conv_autopad_same_upper"), OpKind::kConv);
  EXPECT_EQ(u.conv.out_h, 4);
  EXPECT_EQ(u.conv.pad_top, 1);
  const Node& l = only_live(imported("conv_autopad_same_lower"), OpKind::kConv);
  EXPECT_EQ(l.conv.out_h, 7);
  EXPECT_EQ(l.conv.pad_top, 1);  // SAME_LOWER puts the odd padding first
  const Node& d = only_live(imported("conv_depthwise_multiplier"), OpKind::kConv);
  EXPECT_TRUE(d.conv.is_depthwise());
  const Node& gd = only_live(imported("conv_group_dilated"), OpKind::kConv);
  EXPECT_EQ(gd.conv.groups, 2);
  EXPECT_EQ(gd.conv.dilation_h, 2);
  EXPECT_EQ(gd.conv.out_h, 4);  // (9 + 3 - 5) / 2 + 1
}

TEST(ConvertPasses, MatMulAddBecomesFullyConnectedWithBias) {
  const Graph g = imported("flatten_matmul_add");
  const Node& fc = only_live(g, OpKind::kFullyConnected);
  EXPECT_EQ(fc.onnx_op, "MatMul+Add");
  EXPECT_EQ(fc.conv.in_c, 36);
  EXPECT_EQ(fc.conv.out_c, 7);
}

TEST(ConvertPasses, StandaloneBatchNormBecomesDepthwise) {
  const Node& c = only_live(imported("standalone_bn_relu"), OpKind::kConv);
  EXPECT_TRUE(c.conv.is_depthwise() || c.conv.groups == c.conv.in_c);
  EXPECT_EQ(c.clamp_lo, 0.0f);
}

TEST(ConvertQuantization, ZeroWeightChannelAndConstantActivations) {
  const Converted z = convert_with_random_inputs("zero_weight_channel");
  const QNode& q = z.quantized.nodes[z.graph.live_nodes()[0]];
  // An all-zero channel: zero point 0, exact; its free scale makes the requant multiplier 0.5
  // (2^30, no shift), not a left shift that would slow the whole layer's kernels down.
  EXPECT_EQ(q.weights.zero_points[1], 0);
  for (size_t k = 0; k < 27; ++k) EXPECT_EQ(q.weights.values[27 + k], 0);
  EXPECT_NEAR(q.multipliers[1], 1 << 30, 64);
  EXPECT_EQ(q.shifts[1], 0);
  const Converted c = convert_with_random_inputs("constant_activation");
  const int first = c.graph.nodes[c.graph.live_nodes()[0]].outputs[0];
  EXPECT_EQ(c.quantized.tensors[first].scale, 1.0f);  // all zeros: zero-width range
  EXPECT_GE(c.accuracy.layers[0].sqnr_db, kSqnrCap);
}

TEST(ConvertQuantization, SymmetricWeightsHaveZeroZeroPoints) {
  ConvertOptions o;
  o.weights = WeightScheme::kSymmetric;
  const Converted r = convert_with_random_inputs("mobilenet_block", o);
  for (int i : r.graph.live_nodes())
    for (int z : r.quantized.nodes[i].weights.zero_points) EXPECT_EQ(z, 0);
  EXPECT_GE(r.accuracy.output_sqnr_db, 25.0);
}

TEST(ConvertQuantization, RangeMethodsAndBiasCorrection) {
  for (RangeMethod m : {RangeMethod::kPercentile, RangeMethod::kMse}) {
    ConvertOptions o;
    o.range = m;
    o.bias_correction = true;
    const Converted r = convert_with_random_inputs("mobilenet_block", o);
    EXPECT_GE(r.accuracy.output_sqnr_db, 25.0);
    EXPECT_DOUBLE_EQ(r.accuracy.top1_agreement, 1.0);
  }
}

}  // namespace
}  // namespace octet::convert

// Every operator through the interpreter, compared byte for byte with calling the ref kernels
// directly with parameters computed here from the builder's inputs; for 1 and several threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <sstream>

#include "graph/bound_op.h"
#include "graph/model_impl.h"
#include "kernels/neon/conv_gemm.h"
#include "kernels/ref/ref_kernels.h"
#include "octet/octet.h"
#include "quant/op_quant.h"
#include "test_models.h"
#include "thread_probe.h"

namespace octet {
namespace {

using graph::ModelBuilder;

struct Loaded {
  std::vector<uint8_t> bytes;
  std::shared_ptr<const Model> model;
};

Loaded load(const ModelBuilder& b) {
  Loaded l;
  Status st = b.finish(&l.bytes);
  EXPECT_TRUE(st.ok()) << st.message();
  st = Model::load_buffer(l.bytes.data(), l.bytes.size(), &l.model);
  EXPECT_TRUE(st.ok()) << st.message();
  return l;
}

std::unique_ptr<Interpreter> make(const Loaded& l, int threads) {
  InterpreterOptions o;
  o.num_threads = threads;
  std::unique_ptr<Interpreter> it;
  Status st = Interpreter::create(l.model, o, &it);
  EXPECT_TRUE(st.ok()) << st.message();
  return it;
}

std::vector<int8_t> random_i8(std::mt19937& rng, size_t n) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

std::unique_ptr<Interpreter> make(const Loaded& l, int threads, Isa isa) {
  InterpreterOptions o;
  o.num_threads = threads;
  o.isa = isa;
  std::unique_ptr<Interpreter> it;
  Status st = Interpreter::create(l.model, o, &it);
  if (!st.ok()) {
    EXPECT_EQ(st.code(), StatusCode::kUnsupported) << st.message();
  }
  return it;
}

// Runs a one-input int8 model on every kernel path this CPU/build runs (ref, v80, dotprod, armv7)
// for several thread counts; all must equal `expected`. `neon_kernel` (e.g. "depthwise"): on the
// NEON paths, some operator must be bound to "neon <path> <neon_kernel>".
void expect_runs(const ModelBuilder& b, const std::vector<int8_t>& input,
                 const std::vector<int8_t>& expected, const char* neon_kernel = nullptr) {
  Loaded l = load(b);
  ASSERT_TRUE(l.model);
  int ran = 0;
  for (Isa isa : {Isa::kRef, Isa::kV80, Isa::kDotprod, Isa::kArmv7}) {
    for (int threads : testing::thread_counts({1, 2, 3, 4})) {
      auto it = make(l, threads, isa);
      if (!it) break;  // this path does not run here
      ++ran;
      ASSERT_TRUE(it->set_input_int8(0, input.data(), input.size()).ok());
      ASSERT_TRUE(it->run().ok());
      std::vector<int8_t> got(expected.size());
      Status st = it->get_output_int8(0, got.data(), got.size());
      ASSERT_TRUE(st.ok()) << st.message();
      ASSERT_EQ(got, expected) << isa_name(isa) << ", threads " << threads;
      if (neon_kernel && isa != Isa::kRef) {
        const std::string want = std::string("neon ") + neon::isa_name(graph::to_neon(isa)) + " " + neon_kernel;
        EXPECT_NE(it->describe().find(want), std::string::npos) << want << "\n" << it->describe();
      }
    }
  }
  EXPECT_GE(ran, 2);  // ref and at least one NEON path
}

// Oracle for a conv built from Conv2DArgs: folding and multipliers recomputed here.
std::vector<int8_t> ref_conv(const std::vector<int8_t>& in, const std::vector<int>& in_shape,
                             QuantParams in_q, const graph::Conv2DArgs& a, QuantParams out_q) {
  ConvGeometry g;
  g.batch = in_shape[0]; g.in_h = in_shape[1]; g.in_w = in_shape[2]; g.in_c = in_shape[3];
  g.out_c = a.out_channels;
  g.kernel_h = a.kernel_h; g.kernel_w = a.kernel_w;
  g.stride_h = a.stride_h; g.stride_w = a.stride_w;
  g.dilation_h = a.dilation_h; g.dilation_w = a.dilation_w;
  g.pad_top = a.pad_top; g.pad_left = a.pad_left;
  g.groups = a.groups;
  g.out_h = ConvGeometry::out_extent(g.in_h, g.kernel_h, g.stride_h, g.dilation_h, a.pad_top + a.pad_bottom);
  g.out_w = ConvGeometry::out_extent(g.in_w, g.kernel_w, g.stride_w, g.dilation_w, a.pad_left + a.pad_right);
  const int K = g.kernel_elements();
  std::vector<int32_t> zps(g.out_c), bias(g.out_c), mult(g.out_c), shift(g.out_c);
  std::vector<float> scales(g.out_c);
  for (int c = 0; c < g.out_c; ++c) {
    zps[c] = a.weight_zero_points.empty() ? 0 : a.weight_zero_points[a.weight_zero_points.size() == 1 ? 0 : c];
    scales[c] = a.weight_scales[a.weight_scales.size() == 1 ? 0 : c];
  }
  fold_zero_point_terms(a.weights.data(), g.out_c, K, zps.data(), in_q.zero_point,
                        a.bias.empty() ? nullptr : a.bias.data(), bias.data());
  EXPECT_TRUE(make_conv_multipliers(in_q.scale, scales.data(), out_q.scale, g.out_c, mult.data(), shift.data()));
  QConvParams p;
  p.geom = g;
  p.input_zero_point = in_q.zero_point;
  p.weights = a.weights.data();
  p.weight_zero_points = zps.data();
  p.bias_folded = bias.data();
  p.requant.multiplier = mult.data();
  p.requant.shift = shift.data();
  p.requant.output_zero_point = out_q.zero_point;
  activation_bounds(a.activation.min, a.activation.max, out_q.scale, out_q.zero_point,
                    &p.requant.clamp_min, &p.requant.clamp_max);
  std::vector<int8_t> out(static_cast<size_t>(g.batch) * g.out_h * g.out_w * g.out_c);
  ref::conv_q8(p, in.data(), out.data());
  return out;
}

struct ConvCase {
  int n, h, w, c, oc, k, stride, pad, groups, dilation;
};

class ConvOp : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvOp, MatchesRef) {
  const ConvCase cc = GetParam();
  std::mt19937 rng(cc.h * 31 + cc.c);
  const QuantParams in_q{0.03f, 5}, out_q{0.05f, -3};
  graph::Conv2DArgs a = testing::random_conv(rng, cc.c, cc.oc, cc.k, cc.stride, cc.pad, cc.groups);
  a.dilation_h = a.dilation_w = cc.dilation;
  ModelBuilder b;
  int x = b.add_input("x", {cc.n, cc.h, cc.w, cc.c}, DType::kInt8, in_q);
  x = b.conv2d(x, a, out_q, "conv");
  b.mark_output(x);
  auto input = random_i8(rng, static_cast<size_t>(cc.n) * cc.h * cc.w * cc.c);
  const bool depthwise = cc.groups == cc.c && cc.groups > 1;
  expect_runs(b, input, ref_conv(input, {cc.n, cc.h, cc.w, cc.c}, in_q, a, out_q),
              depthwise ? "depthwise" : nullptr);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ConvOp,
                         ::testing::Values(ConvCase{1, 9, 7, 3, 8, 3, 2, 1, 1, 1},     // first layer
                                           ConvCase{1, 8, 8, 16, 16, 3, 1, 1, 16, 1},  // depthwise
                                           ConvCase{1, 7, 5, 8, 8, 3, 2, 1, 8, 1},     // depthwise s2
                                           ConvCase{2, 7, 6, 5, 5, 3, 1, 1, 5, 1},     // depthwise, odd c, batch 2
                                           ConvCase{1, 6, 7, 3, 6, 3, 2, 1, 3, 1},     // depthwise multiplier 2
                                           ConvCase{1, 9, 8, 7, 14, 5, 1, 2, 7, 2},    // dw 5x5 dilated, mult 2
                                           ConvCase{1, 5, 9, 19, 19, 3, 1, 0, 19, 1},  // dw 3x3 no pad, c 19
                                           ConvCase{1, 6, 6, 12, 20, 1, 1, 0, 1, 1},   // pointwise
                                           ConvCase{2, 5, 6, 8, 12, 3, 1, 2, 4, 2},    // grouped, dilated, batch 2
                                           ConvCase{1, 1, 1, 5, 3, 1, 1, 0, 1, 1}));   // 1x1x1

TEST(Ops, FullyConnectedMatchesRef) {
  std::mt19937 rng(7);
  const QuantParams in_q{0.02f, -7}, out_q{0.07f, 4};
  graph::FullyConnectedArgs a;
  a.out_channels = 37;
  const int K = 3 * 3 * 11;
  a.weights = testing::random_weights(rng, static_cast<size_t>(a.out_channels) * K);
  for (int c = 0; c < a.out_channels; ++c) {
    a.weight_scales.push_back(0.004f + 0.0001f * c);
    a.weight_zero_points.push_back(c % 5 - 2);
    a.bias.push_back(c * 37 - 500);
  }
  ModelBuilder b;
  int x = b.add_input("x", {1, 3, 3, 11}, DType::kInt8, in_q);
  x = b.fully_connected(x, a, out_q, "fc");
  b.mark_output(x);
  auto input = random_i8(rng, K);
  // FC = 1x1 conv over a 1x1xK image.
  graph::Conv2DArgs c;
  c.out_channels = a.out_channels;
  c.weights = a.weights;
  c.weight_scales = a.weight_scales;
  c.weight_zero_points = a.weight_zero_points;
  c.bias = a.bias;
  expect_runs(b, input, ref_conv(input, {1, 1, 1, K}, in_q, c, out_q));
}

TEST(Ops, PoolsMatchRef) {
  std::mt19937 rng(3);
  const QuantParams in_q{0.05f, 10}, out_q{0.04f, -20};
  struct Shape { int n, h, w, c; };
  for (const Shape sh : {Shape{1, 9, 8, 6}, Shape{2, 7, 11, 19}}) {  // odd c, batch 2
    const int N = sh.n, H = sh.h, W = sh.w, C = sh.c;
    auto input = random_i8(rng, static_cast<size_t>(N) * H * W * C);
    for (int kind = 0; kind < 3; ++kind) {
      graph::Pool2DArgs a;
      a.kernel_h = 3; a.kernel_w = 2; a.stride_h = 2; a.stride_w = 2;
      a.pad_top = 1; a.pad_left = 1; a.pad_bottom = 1; a.pad_right = 0;
      a.count_include_pad = kind == 2;
      ModelBuilder b;
      int x = b.add_input("x", {N, H, W, C}, DType::kInt8, in_q);
      int y = kind == 0 ? b.max_pool(x, a) : b.avg_pool(x, a, out_q);
      b.mark_output(y);
      auto s = b.shape(y);
      PoolGeometry g;
      g.batch = N; g.in_h = H; g.in_w = W; g.channels = C; g.out_h = s[1]; g.out_w = s[2];
      g.kernel_h = 3; g.kernel_w = 2; g.stride_h = 2; g.stride_w = 2; g.pad_top = 1; g.pad_left = 1;
      g.count_include_pad = a.count_include_pad;
      std::vector<int8_t> expected(static_cast<size_t>(N) * s[1] * s[2] * C);
      if (kind == 0) {
        ref::max_pool_q8(g, -128, 127, input.data(), expected.data());
      } else {
        QPoolParams p;
        p.geom = g;
        p.input_scale = in_q.scale; p.input_zero_point = in_q.zero_point;
        p.output_scale = out_q.scale; p.output_zero_point = out_q.zero_point;
        ref::avg_pool_q8(p, input.data(), expected.data());
      }
      expect_runs(b, input, expected, kind == 0 ? "max pool" : "average pool");
    }
  }
}

// Large cases are split over several threads (channels for GAP, elements for add).
TEST(Ops, GlobalAvgPoolMatchesRef) {
  std::mt19937 rng(4);
  const QuantParams in_q{0.05f, 10}, out_q{0.03f, -2};
  struct Shape { int n, h, w, c; };
  for (const Shape sh : {Shape{2, 5, 7, 9}, Shape{1, 15, 15, 301}}) {
    auto input = random_i8(rng, static_cast<size_t>(sh.n) * sh.h * sh.w * sh.c);
    ModelBuilder b;
    int x = b.add_input("x", {sh.n, sh.h, sh.w, sh.c}, DType::kInt8, in_q);
    b.mark_output(b.global_avg_pool(x, out_q));
    QPoolParams p;
    p.geom.batch = sh.n; p.geom.in_h = sh.h; p.geom.in_w = sh.w; p.geom.channels = sh.c;
    p.geom.out_h = p.geom.out_w = 1; p.geom.kernel_h = sh.h; p.geom.kernel_w = sh.w;
    p.input_scale = in_q.scale; p.input_zero_point = in_q.zero_point;
    p.output_scale = out_q.scale; p.output_zero_point = out_q.zero_point;
    std::vector<int8_t> expected(static_cast<size_t>(sh.n) * sh.c);
    ref::global_avg_pool_q8(p, input.data(), expected.data());
    expect_runs(b, input, expected, "global average pool");
  }
}

TEST(Ops, AddClampReshapeMatchRef) {
  std::mt19937 rng(5);
  const QuantParams in_q{0.05f, 3}, out_q{0.08f, -5};
  struct Shape { int h, w, c; };
  for (const Shape sh : {Shape{6, 6, 10}, Shape{13, 17, 75}}) {
    const int n = sh.h * sh.w * sh.c;
    auto input = random_i8(rng, static_cast<size_t>(n));
    // y = clamp(add(conv(x), x)) reshaped: the add reads a conv output and the model input.
    graph::Conv2DArgs a = testing::random_conv(rng, sh.c, sh.c, 1, 1, 0, 1, false);
    const QuantParams conv_q{0.06f, 1};
    ModelBuilder b;
    int x = b.add_input("x", {1, sh.h, sh.w, sh.c}, DType::kInt8, in_q);
    int c = b.conv2d(x, a, conv_q, "conv");
    int s = b.add(c, x, out_q, {-1.0f, 4.0f}, "add");
    int k = b.clamp(s, -0.5f, 3.0f, "clamp");
    int r = b.reshape(k, {1, n}, "flatten");
    b.mark_output(r);
    auto conv_out = ref_conv(input, {1, sh.h, sh.w, sh.c}, in_q, a, conv_q);
    QAddParams p;
    int32_t lo, hi;
    activation_bounds(-1.0f, 4.0f, out_q.scale, out_q.zero_point, &lo, &hi);
    ASSERT_TRUE(make_add_params(conv_q.scale, conv_q.zero_point, in_q.scale, in_q.zero_point,
                                out_q.scale, out_q.zero_point, lo, hi, &p));
    std::vector<int8_t> sum(n), expected(n);
    ref::add_q8(p, conv_out.data(), input.data(), sum.data(), n);
    activation_bounds(-0.5f, 3.0f, out_q.scale, out_q.zero_point, &lo, &hi);
    ref::clamp_q8(sum.data(), expected.data(), n, lo, hi);
    expect_runs(b, input, expected, "add");
  }
}

// Two convs into a concat with the output's quantization (in place, planner slices) and a third
// input with other quantization (copying concat). Both must equal ref::concat_q8.
TEST(Ops, ConcatInPlaceAndCopyMatchRef) {
  std::mt19937 rng(6);
  const QuantParams in_q{0.05f, 0}, cat_q{0.1f, -4}, other_q{0.07f, 2};
  auto input = random_i8(rng, 1 * 5 * 5 * 4);
  for (bool mixed : {false, true}) {
    graph::Conv2DArgs a1 = testing::random_conv(rng, 4, 6, 1, 1, 0);
    graph::Conv2DArgs a2 = testing::random_conv(rng, 4, 3, 3, 1, 1);
    ModelBuilder b;
    int x = b.add_input("x", {1, 5, 5, 4}, DType::kInt8, in_q);
    int c1 = b.conv2d(x, a1, cat_q, "expand1x1");
    int c2 = b.conv2d(x, a2, mixed ? other_q : cat_q, "expand3x3");
    int cat = b.concat({c1, c2}, cat_q, "concat");
    graph::Pool2DArgs mp;
    mp.kernel_h = mp.kernel_w = 2; mp.stride_h = mp.stride_w = 1;
    b.mark_output(b.max_pool(cat, mp, "pool"));
    auto o1 = ref_conv(input, {1, 5, 5, 4}, in_q, a1, cat_q);
    auto o2 = ref_conv(input, {1, 5, 5, 4}, in_q, a2, mixed ? other_q : cat_q);
    const int8_t* ins[2] = {o1.data(), o2.data()};
    int chans[2] = {6, 3};
    float scales[2] = {cat_q.scale, mixed ? other_q.scale : cat_q.scale};
    int32_t zps[2] = {cat_q.zero_point, mixed ? other_q.zero_point : cat_q.zero_point};
    std::vector<int8_t> joined(25 * 9), expected(16 * 9);
    ref::concat_q8(25, 2, ins, chans, scales, zps, cat_q.scale, cat_q.zero_point, joined.data());
    PoolGeometry g;
    g.in_h = g.in_w = 5; g.channels = 9; g.out_h = g.out_w = 4; g.kernel_h = g.kernel_w = 2;
    ref::max_pool_q8(g, -128, 127, joined.data(), expected.data());
    expect_runs(b, input, expected);
    Loaded l = load(b);
    auto it = make(l, 1);
    const std::string d = it->describe();
    EXPECT_EQ(d.find("in place") != std::string::npos, !mixed) << d;
  }
}

TEST(Ops, FloatInputQuantizeDequantizeSoftmax) {
  std::mt19937 rng(8);
  const int n = 2 * 17;
  std::vector<float> input(n);
  std::uniform_real_distribution<float> d(-3, 3);
  for (auto& v : input) v = d(rng);
  const QuantParams q{0.03f, 7};
  ModelBuilder b;
  int x = b.add_input("x", {2, 17}, DType::kFloat32);
  int qx = b.quantize(x, q, "quantize");
  int sm = b.softmax(qx, "softmax");
  int dq = b.dequantize(qx, "dequantize");
  b.mark_output(sm);
  b.mark_output(dq);
  std::vector<int8_t> qv(n);
  ref::quantize_f32_q8(input.data(), qv.data(), n, q.scale, q.zero_point);
  std::vector<float> sm_ref(n), dq_ref(n);
  ref::softmax_q8_f32(qv.data(), q.scale, q.zero_point, 2, 17, sm_ref.data());
  ref::dequantize_q8_f32(qv.data(), dq_ref.data(), n, q.scale, q.zero_point);
  Loaded l = load(b);
  for (int threads : testing::thread_counts({1, 3})) {
    auto it = make(l, threads);
    ASSERT_TRUE(it->set_input_float(0, input.data(), n).ok());
    ASSERT_TRUE(it->run().ok());
    std::vector<float> a(n), c(n);
    ASSERT_TRUE(it->get_output_float(0, a.data(), n).ok());
    ASSERT_TRUE(it->get_output_float(1, c.data(), n).ok());
    EXPECT_EQ(0, std::memcmp(a.data(), sm_ref.data(), n * sizeof(float)));
    EXPECT_EQ(0, std::memcmp(c.data(), dq_ref.data(), n * sizeof(float)));
  }
}

TEST(Ops, ImageNormalizationMatchesRef) {
  std::mt19937 rng(9);
  const int H = 7, W = 5, C = 3;
  std::vector<uint8_t> img(H * W * C);
  for (auto& v : img) v = static_cast<uint8_t>(rng());
  const float mean[3] = {123.f, 117.f, 104.f}, stdv[3] = {58.f, 57.f, 57.f};
  const QuantParams q{0.018f, -3};
  std::vector<int8_t> expected(img.size());
  ref::normalize_u8_q8(img.data(), H * W, C, mean, stdv, q.scale, q.zero_point, expected.data());
  // (a) uint8 model input normalized by the model's own op.
  {
    ModelBuilder b;
    int x = b.add_input("img", {1, H, W, C}, DType::kUInt8);
    b.mark_output(b.normalize_image(x, {mean[0], mean[1], mean[2]}, {stdv[0], stdv[1], stdv[2]}, q));
    Loaded l = load(b);
    auto it = make(l, testing::threads_available() ? 2 : 1);
    ASSERT_TRUE(it->set_input_image(0, img.data(), img.size(), nullptr, nullptr).ok());
    ASSERT_TRUE(it->run().ok());
    std::vector<int8_t> got(img.size());
    ASSERT_TRUE(it->get_output_int8(0, got.data(), got.size()).ok());
    EXPECT_EQ(got, expected);
  }
  // (b) int8 model input: the API normalizes while copying.
  {
    ModelBuilder b;
    int x = b.add_input("x", {1, H, W, C}, DType::kInt8, q);
    b.mark_output(b.clamp(x, -1000.f, 1000.f));
    Loaded l = load(b);
    auto it = make(l, 1);
    ASSERT_TRUE(it->set_input_image(0, img.data(), img.size(), mean, stdv).ok());
    ASSERT_TRUE(it->run().ok());
    std::vector<int8_t> got(img.size());
    ASSERT_TRUE(it->get_output_int8(0, got.data(), got.size()).ok());
    EXPECT_EQ(got, expected);
    // The table is kept between calls: other mean / std values must not reuse it, and going back
    // must give the first result again.
    const float mean2[3] = {127.5f, 127.5f, 127.5f}, stdv2[3] = {127.5f, 64.f, 127.5f};
    std::vector<int8_t> expected2(img.size());
    ref::normalize_u8_q8(img.data(), H * W, C, mean2, stdv2, q.scale, q.zero_point, expected2.data());
    ASSERT_NE(expected2, expected);
    struct Call { const float *m, *s; const std::vector<int8_t>* want; };
    for (const Call& c : {Call{mean2, stdv2, &expected2}, Call{mean2, stdv2, &expected2},
                          Call{mean, stdv, &expected}}) {
      ASSERT_TRUE(it->set_input_image(0, img.data(), img.size(), c.m, c.s).ok());
      ASSERT_TRUE(it->run().ok());
      ASSERT_TRUE(it->get_output_int8(0, got.data(), got.size()).ok());
      EXPECT_EQ(got, *c.want);
    }
  }
}

TEST(Ops, LrnMatchesFloatFormula) {
  std::mt19937 rng(10);
  const QuantParams in_q{0.05f, 2}, out_q{0.02f, -1};
  const int C = 11, P = 12;
  auto input = random_i8(rng, P * C);
  ModelBuilder b;
  int x = b.add_input("x", {1, 3, 4, C}, DType::kInt8, in_q);
  b.mark_output(b.lrn(x, 5, 1e-2f, 0.75f, 2.0f, out_q, "lrn"));
  std::vector<int8_t> expected(P * C);
  for (int p = 0; p < P; ++p)
    for (int c = 0; c < C; ++c) {
      float sq = 0;
      for (int j = std::max(c - 2, 0); j <= std::min(c + 2, C - 1); ++j) {
        float v = in_q.scale * (input[p * C + j] - in_q.zero_point);
        sq += v * v;
      }
      const float v = in_q.scale * (input[p * C + c] - in_q.zero_point);
      const float r = v / std::pow(2.0f + 1e-2f / 5 * sq, 0.75f);
      expected[p * C + c] = static_cast<int8_t>(std::min(127.f, std::max(-128.f, std::nearbyint(r / out_q.scale) + out_q.zero_point)));
    }
  expect_runs(b, input, expected);
}

TEST(Interpreter, SmallClassifierIsBitIdenticalForAnyThreadCount) {
  Loaded l = load(testing::small_classifier(24, 10, 11));
  std::vector<uint8_t> img(24 * 24 * 3);
  std::mt19937 rng(12);
  for (auto& v : img) v = static_cast<uint8_t>(rng());
  std::vector<float> first;
  for (int threads : testing::thread_counts({1, 2, 3, 4, 7})) {
    auto it = make(l, threads);
    ASSERT_TRUE(it->set_input_image(0, img.data(), img.size(), nullptr, nullptr).ok());
    for (int rep = 0; rep < 2; ++rep) {
      ASSERT_TRUE(it->run().ok());
      std::vector<float> out(10);
      ASSERT_TRUE(it->get_output_float(0, out.data(), 10).ok());
      if (first.empty()) first = out;
      EXPECT_EQ(0, std::memcmp(out.data(), first.data(), 10 * sizeof(float))) << threads;
    }
  }
  float sum = 0;
  for (float v : first) sum += v;
  EXPECT_NEAR(sum, 1.0f, 1e-4f);
}

TEST(Interpreter, TopKAndArgumentErrors) {
  Loaded l = load(testing::small_classifier());
  auto it = make(l, 1);
  std::vector<uint8_t> img(16 * 16 * 3, 100);
  EXPECT_EQ(it->set_input_image(0, img.data(), img.size() - 1, nullptr, nullptr).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(it->set_input_int8(0, nullptr, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(it->set_input_image(3, img.data(), img.size(), nullptr, nullptr).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(it->set_input_image(0, img.data(), img.size(), nullptr, nullptr).ok());
  ASSERT_TRUE(it->run().ok());
  std::vector<float> prob(10);
  ASSERT_TRUE(it->get_output_float(0, prob.data(), 10).ok());
  int idx[10];
  float score[10];
  ASSERT_TRUE(it->get_output_topk(0, 10, idx, score).ok());
  for (int j = 0; j < 10; ++j) {
    EXPECT_EQ(score[j], prob[idx[j]]);
    if (j) {
      EXPECT_GE(score[j - 1], score[j]);
    }
  }
  EXPECT_FALSE(it->get_output_topk(0, 11, idx, score).ok());
  EXPECT_FALSE(it->get_output_topk(0, 0, idx, score).ok());
}

TEST(Interpreter, ProfilerReportsEveryOperator) {
  Loaded l = load(testing::small_classifier());
  InterpreterOptions o;
  o.profile = true;
  o.num_threads = testing::threads_available() ? 2 : 1;
  std::unique_ptr<Interpreter> it;
  ASSERT_TRUE(Interpreter::create(l.model, o, &it).ok());
  std::vector<uint8_t> img(16 * 16 * 3, 7);
  ASSERT_TRUE(it->set_input_image(0, img.data(), img.size(), nullptr, nullptr).ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(it->run().ok());
  auto prof = it->profile();
  ASSERT_EQ(static_cast<int>(prof.size()), l.model->num_operators());
  double share = 0;
  uint64_t conv_macs = 0;
  for (const auto& p : prof) {
    share += p.share;
    EXPECT_EQ(p.runs, 3u);
    if (p.name == "conv1") conv_macs = p.macs;
  }
  EXPECT_NEAR(share, 1.0, 1e-9);
  EXPECT_EQ(conv_macs, uint64_t{8 * 8 * 8} * 27);  // 8x8x8 outputs x 3x3x3 taps
}

TEST(Interpreter, RejectsBadOptions) {
  Loaded l = load(testing::small_classifier());
  InterpreterOptions o;
  o.num_threads = 0;
  std::unique_ptr<Interpreter> it;
  EXPECT_EQ(Interpreter::create(l.model, o, &it).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Interpreter::create(nullptr, InterpreterOptions{}, &it).code(), StatusCode::kInvalidArgument);
}

TEST(Interpreter, AffinityMaskIsAccepted) {
  if (!testing::threads_available()) GTEST_SKIP() << "threads do not start here (qemu-user)";
  Loaded l = load(testing::small_classifier());
  InterpreterOptions o;
  o.num_threads = 2;
  o.affinity_mask = 1;  // CPU 0 only: both threads share it, results unchanged
  std::unique_ptr<Interpreter> it;
  ASSERT_TRUE(Interpreter::create(l.model, o, &it).ok());
  std::vector<uint8_t> img(16 * 16 * 3, 9);
  ASSERT_TRUE(it->set_input_image(0, img.data(), img.size(), nullptr, nullptr).ok());
  EXPECT_TRUE(it->run().ok());
}

}  // namespace
}  // namespace octet

namespace octet {
namespace {

// Every kernel path this CPU runs gives the same bytes as ref; the NEON GEMM paths repack the
// file's OHWI weights once, at creation, and say so.
TEST(Interpreter, EveryIsaMatchesRef) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(testing::mobilenet_v1(40, 0.25f, 17, 9).finish(&bytes).ok());
  std::shared_ptr<const Model> model;
  ASSERT_TRUE(Model::load_buffer(bytes.data(), bytes.size(), &model).ok());
  std::vector<uint8_t> img(40 * 40 * 3);
  for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<uint8_t>(i * 13 + 1);
  std::vector<float> ref_out;
  int ran = 0;
  for (Isa isa : {Isa::kRef, Isa::kV80, Isa::kDotprod, Isa::kArmv7, Isa::kAuto}) {
    InterpreterOptions o;
    o.isa = isa;
    std::unique_ptr<Interpreter> it;
    Status st = Interpreter::create(model, o, &it);
    if (!st.ok()) {
      EXPECT_EQ(st.code(), StatusCode::kUnsupported) << st.message();
      continue;
    }
    ++ran;
    ASSERT_TRUE(it->set_input_image(0, img.data(), img.size(), nullptr, nullptr).ok());
    ASSERT_TRUE(it->run().ok());
    std::vector<float> out(17);
    ASSERT_TRUE(it->get_output_float(0, out.data(), out.size()).ok());
    if (ref_out.empty()) ref_out = out;
    EXPECT_EQ(0, std::memcmp(out.data(), ref_out.data(), out.size() * sizeof(float))) << isa_name(it->isa());
    if (it->isa() != Isa::kRef) {
      EXPECT_GT(it->memory_info().repacked_bytes, 0u);
      EXPECT_NE(it->describe().find("repacked 'pw1' weights OHWI_I8"), std::string::npos) << it->describe();
    }
  }
  EXPECT_GE(ran, 2);  // ref and auto at least
}

// The ISA the environment expects (OCTET_EXPECT_ISA from the test command) is what kAuto binds.
TEST(Interpreter, AutoIsaIsTheExpectedOne) {
  const char* expect = std::getenv("OCTET_EXPECT_ISA");
  if (!expect || !*expect) GTEST_SKIP() << "OCTET_EXPECT_ISA not set";
  if (std::getenv("OCTET_ISA")) GTEST_SKIP() << "OCTET_ISA overrides the detection";
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(testing::small_classifier().finish(&bytes).ok());
  std::shared_ptr<const Model> model;
  ASSERT_TRUE(Model::load_buffer(bytes.data(), bytes.size(), &model).ok());
  std::unique_ptr<Interpreter> it;
  ASSERT_TRUE(Interpreter::create(model, InterpreterOptions{}, &it).ok());
  const std::string e = expect;
  // On x86 (simde) the kernels' detection picks the richest emulated path.
  const std::string want = e == "simde" ? "dotprod" : e;
  EXPECT_EQ(std::string(isa_name(it->isa())), want) << it->describe();
}

}  // namespace
}  // namespace octet

namespace octet {
namespace {

// Kernels whose weight layout is only ever made at load (v80's small-K and Winograd convs): their
// operators copy weights whatever the file holds.
bool load_time_layout_kernel(const std::string& kernel) {
  return kernel.find("small-k") != std::string::npos || kernel.find("winograd") != std::string::npos;
}

// True if every weight copy an Interpreter::describe() text lists is one of those.
bool copies_only_load_time_layouts(const std::string& desc) {
  std::istringstream in(desc);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("repacked '", 0) == 0 && line.find("-> small_k (") == std::string::npos &&
        line.find("-> wino_f23 (") == std::string::npos)
      return false;
    if (line.find("[weights: repacked") != std::string::npos && !load_time_layout_kernel(line))
      return false;
  }
  return true;
}

bool any_gemm_reads_the_file(const std::string& desc) {
  std::istringstream in(desc);
  std::string line;
  while (std::getline(in, line))
    if (line.find(" gemm ") != std::string::npos && line.find("[weights: file]") != std::string::npos)
      return true;
  return false;
}

// Weights stored in a GEMM packing: zero-copy on the CPU whose kernel reads it, repacked once
// (to the other packing, or to ohwi for ref) elsewhere; the bytes out are the same everywhere.
TEST(Interpreter, PackedWeightsInTheFileRunOnEveryIsa) {
  std::vector<uint8_t> raw_bytes;
  ASSERT_TRUE(testing::mobilenet_v1(24, 0.25f, 12, 4).finish(&raw_bytes).ok());
  std::shared_ptr<const Model> raw;
  ASSERT_TRUE(Model::load_buffer(raw_bytes.data(), raw_bytes.size(), &raw).ok());
  std::vector<uint8_t> img(24 * 24 * 3);
  for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<uint8_t>(i * 5 + 3);
  auto run = [&](std::shared_ptr<const Model> m, Isa isa, std::vector<float>* out, std::string* desc) {
    InterpreterOptions o;
    o.isa = isa;
    std::unique_ptr<Interpreter> it;
    if (!Interpreter::create(m, o, &it).ok()) return false;
    EXPECT_TRUE(it->set_input_image(0, img.data(), img.size(), nullptr, nullptr).ok());
    EXPECT_TRUE(it->run().ok());
    out->resize(12);
    EXPECT_TRUE(it->get_output_float(0, out->data(), 12).ok());
    *desc = it->describe();
    return true;
  };
  std::vector<float> expected;
  std::string desc;
  ASSERT_TRUE(run(raw, Isa::kRef, &expected, &desc));
  for (Isa layout_isa : {Isa::kV80, Isa::kDotprod}) {
    std::vector<uint8_t> bytes;
    {
      graph::ModelBuilder m2 = testing::mobilenet_v1(24, 0.25f, 12, 4, layout_isa);
      ASSERT_TRUE(m2.finish(&bytes).ok()) << m2.error().message();
    }
    std::shared_ptr<const Model> m;
    Status st = Model::load_buffer(bytes.data(), bytes.size(), &m);
    ASSERT_TRUE(st.ok()) << st.message();
    int ran = 0;
    for (Isa isa : {Isa::kRef, Isa::kV80, Isa::kDotprod, Isa::kArmv7}) {
      std::vector<float> out;
      if (!run(m, isa, &out, &desc)) continue;
      ++ran;
      EXPECT_EQ(0, std::memcmp(out.data(), expected.data(), 12 * sizeof(float))) << isa_name(isa);
      if (neon::layout_for(graph::to_neon(isa)) == neon::layout_for(graph::to_neon(layout_isa))) {
        // GEMM and depthwise weights are read from the file (copies only for load-time layouts).
        EXPECT_TRUE(copies_only_load_time_layouts(desc)) << desc;
        EXPECT_TRUE(any_gemm_reads_the_file(desc)) << desc;
        EXPECT_NE(desc.find("'dw1': neon"), std::string::npos) << desc;
      } else {
        EXPECT_NE(desc.find("repacked 'pw1' weights GEMM_"), std::string::npos) << desc;
      }
    }
    EXPECT_GE(ran, 1);
  }
}

// A model with every depthwise flavour (3x3 stride 1 / 2, general: 5x3 dilated, channel
// multiplier 2, out_c not a multiple of 8) and extreme weight zero points.
graph::ModelBuilder depthwise_zoo(Isa pack) {
  std::mt19937 rng(23);
  graph::ModelBuilder b;
  b.set_pack_target(pack);
  int x = b.add_input("x", {2, 11, 13, 5}, DType::kInt8, {0.05f, 3});
  graph::Conv2DArgs a = testing::random_conv(rng, 5, 10, 3, 2, 0, 5, false);
  a.kernel_h = 5;
  a.dilation_h = a.dilation_w = 2;
  a.pad_top = 3; a.pad_left = 1; a.pad_bottom = 2; a.pad_right = 2;
  a.weights = testing::random_weights(rng, 10 * 5 * 3);
  a.weight_zero_points[0] = 127;
  a.weight_zero_points[1] = -127;
  x = b.conv2d(x, a, {0.1f, -5}, "dw_general");
  x = b.conv2d(x, testing::random_conv(rng, 10, 10, 3, 1, 1, 10), {0.05f, -128}, "dw_s1");
  x = b.conv2d(x, testing::random_conv(rng, 10, 10, 3, 2, 1, 10), {0.05f, -128}, "dw_s2");
  x = b.conv2d(x, testing::random_conv(rng, 10, 12, 1, 1, 0), {0.08f, 1}, "pw");
  b.mark_output(x);
  return b;
}

// qconvert --pack / ModelBuilder::set_pack_target: on the CPU the file is packed for, no
// operator repacks and the interpreter holds no copy of any weight; on every other path the file
// runs too (repacked or unpacked once) and every path gives the bytes of the raw-layout file.
TEST(Interpreter, PackTargetLoadsWithoutCopies) {
  struct Case {
    const char* name;
    std::function<graph::ModelBuilder(Isa)> make;
    size_t in_bytes;
  };
  const Case cases[] = {
      {"mobilenet", [](Isa p) { return testing::mobilenet_v1(24, 0.25f, 12, 4, p); }, 24 * 24 * 3},
      {"depthwise", depthwise_zoo, 2 * 11 * 13 * 5},
  };
  for (const Case& c : cases) {
    auto output = [&](const std::vector<uint8_t>& bytes, Isa isa, std::unique_ptr<Interpreter>* keep,
                      std::vector<int8_t>* out) {
      std::shared_ptr<const Model> m;
      Status st = Model::load_buffer(bytes.data(), bytes.size(), &m);
      EXPECT_TRUE(st.ok()) << st.message();
      if (!st.ok()) return false;
      InterpreterOptions o;
      o.isa = isa;
      if (!Interpreter::create(m, o, keep).ok()) return false;
      Interpreter& it = **keep;
      std::vector<uint8_t> in(c.in_bytes);
      for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(i * 37 + 11);
      void* dst = it.input_data(0);
      std::memcpy(dst, in.data(), in.size());
      EXPECT_TRUE(it.run().ok());
      const TensorInfo oi = m->output_info(0);
      out->resize(oi.bytes);
      std::memcpy(out->data(), it.output_data(0), oi.bytes);
      return true;
    };
    std::vector<uint8_t> raw;
    ASSERT_TRUE(c.make(Isa::kRef).finish(&raw).ok());
    std::vector<int8_t> expected;
    std::unique_ptr<Interpreter> it;
    ASSERT_TRUE(output(raw, Isa::kRef, &it, &expected));
    for (Isa target : {Isa::kDotprod, Isa::kV80, Isa::kArmv7}) {
      std::vector<uint8_t> bytes;
      {
        graph::ModelBuilder mb = c.make(target);
        ASSERT_TRUE(mb.finish(&bytes).ok()) << mb.error().message();
      }
      for (Isa isa : {Isa::kRef, Isa::kV80, Isa::kDotprod, Isa::kArmv7}) {
        std::vector<int8_t> out;
        if (!output(bytes, isa, &it, &out)) continue;  // path not on this CPU/build
        const std::string where = std::string(c.name) + " packed for " + isa_name(target) +
                                  ", run on " + isa_name(isa) + "\n" + it->describe();
        EXPECT_EQ(out, expected) << where;
        const MemoryInfo mi = it->memory_info();
        int file_ops = 0, load_time_ops = 0;
        size_t load_time_bytes = 0;
        for (const OpProfile& p : it->profile()) {
          if (p.type != "CONV2D" && p.type != "FULLY_CONNECTED") {
            EXPECT_EQ(p.weights, "") << p.name;
            continue;
          }
          EXPECT_TRUE(p.weights == "file" || p.weights == "repacked") << p.name;
          EXPECT_EQ(p.weights == "repacked", p.repacked_bytes > 0) << p.name;
          file_ops += p.weights == "file";
          if (load_time_layout_kernel(p.kernel)) {
            ++load_time_ops;
            load_time_bytes += p.repacked_bytes;
          }
        }
        // v80 and armv7 read the same layouts (GEMM n4k16, depthwise c8i16).
        const bool same_layouts = isa != Isa::kRef && neon::layout_for(graph::to_neon(isa)) ==
                                                          neon::layout_for(graph::to_neon(target));
        if (same_layouts) {  // copies only for the layouts made at load
          EXPECT_EQ(mi.repacked_operators, load_time_ops) << where;
          EXPECT_EQ(mi.repacked_bytes, load_time_bytes) << where;
          EXPECT_GT(file_ops, 0) << where;
        } else {
          // Another path repacks (GEMM layouts differ) or unpacks (ref) at least one operator.
          EXPECT_GT(mi.repacked_operators, 0) << where;
          EXPECT_GT(mi.repacked_bytes, 0u) << where;
        }
      }
    }
  }
}

// A packed buffer whose header disagrees with the geometry is refused at load.
TEST(Loader, RefusesCorruptPackedWeights) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(testing::mobilenet_v1(24, 0.25f, 12, 4, Isa::kDotprod).finish(&bytes).ok());
  std::shared_ptr<const Model> m;
  ASSERT_TRUE(Model::load_buffer(bytes.data(), bytes.size(), &m).ok());
  // Find pw1's weights and break the header's channel count.
  const auto& impl = m->impl();
  size_t offset = 0;
  for (const auto& t : impl.tensors)
    if (t.name == "pw1/weights") offset = static_cast<size_t>(t.data - bytes.data());
  ASSERT_GT(offset, 0u);
  m.reset();
  bytes[offset + 8] ^= 0x40;  // PackedHeader::n
  Status st = Model::load_buffer(bytes.data(), bytes.size(), &m);
  EXPECT_EQ(st.code(), StatusCode::kInvalidModel);
  EXPECT_NE(st.message().find("pw1"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("packed weights"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace octet

namespace octet {
namespace {

// The ARMv8.0 path runs 3x3 stride-1 convs through Winograd unless InterpreterOptions::winograd is
// false: the same bytes as ref either way, the choice visible in the bound kernels, and the
// transformed weights (int16, 16 per 9 int8) cost more memory than the GEMM's packing.
TEST(Interpreter, WinogradOptionKeepsTheBytes) {
  std::mt19937 rng(21);
  graph::ModelBuilder b;
  b.set_description("3x3 stride-1 stack");
  const QuantParams act{0.05f, -128};
  int x = b.add_input("x", {1, 13, 11, 8}, DType::kInt8);
  x = b.conv2d(x, testing::random_conv(rng, 8, 16, 3, 1, 1), act, "c1");
  x = b.conv2d(x, testing::random_conv(rng, 16, 24, 3, 1, 0), act, "c2");  // 11x9, odd: partial tiles
  x = b.global_avg_pool(x, act, "gap");
  b.mark_output(x);
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(b.finish(&bytes).ok());
  std::shared_ptr<const Model> model;
  ASSERT_TRUE(Model::load_buffer(bytes.data(), bytes.size(), &model).ok());
  std::vector<int8_t> in(13 * 11 * 8);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<int8_t>(i * 37 + 5);

  auto run = [&](Isa isa, bool winograd, std::vector<int8_t>* out, std::unique_ptr<Interpreter>* keep) {
    InterpreterOptions o;
    o.isa = isa;
    o.winograd = winograd;
    Status st = Interpreter::create(model, o, keep);
    if (!st.ok()) return st;
    Interpreter& it = **keep;
    EXPECT_TRUE(it.set_input_int8(0, in.data(), in.size()).ok());
    EXPECT_TRUE(it.run().ok());
    out->resize(24);
    return it.get_output_int8(0, out->data(), out->size());
  };
  std::vector<int8_t> want, with, without;
  std::unique_ptr<Interpreter> ref_it, wino_it, gemm_it;
  ASSERT_TRUE(run(Isa::kRef, true, &want, &ref_it).ok());
  const Status st = run(Isa::kV80, true, &with, &wino_it);
  if (st.code() == StatusCode::kUnsupported) GTEST_SKIP() << "no v80 path here: " << st.message();
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_TRUE(run(Isa::kV80, false, &without, &gemm_it).ok());
  EXPECT_EQ(with, want);
  EXPECT_EQ(without, want);
  EXPECT_NE(wino_it->describe().find("winograd"), std::string::npos) << wino_it->describe();
  EXPECT_EQ(gemm_it->describe().find("winograd"), std::string::npos) << gemm_it->describe();
  EXPECT_GT(wino_it->memory_info().repacked_bytes, gemm_it->memory_info().repacked_bytes);
}

}  // namespace
}  // namespace octet

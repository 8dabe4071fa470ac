// Bad inputs get errors that name what is wrong, never a crash; images through the calibration
// path; the command line; the written model file loads in the runtime.
#include <sys/stat.h>

#include <memory>

#include "convert_test_util.h"
#include "octet/octet.h"
#include "quant/converter/onnx_import.h"
#include "stb_image_write.h"

namespace octet::convert {
namespace test {
void write_png(const std::string& path, int w, int h, const std::vector<uint8_t>& rgb) {
  stbi_write_png(path.c_str(), w, h, 3, rgb.data(), w * 3);
}
}  // namespace test
namespace {

std::string import_error(const std::string& path) {
  try {
    import_onnx_file(path);
  } catch (const ConvertError& e) {
    return e.what();
  }
  return "";
}

TEST(ConvertErrors, UnsupportedOperatorNamesNodeOpAndSupportedList) {
  const std::string e = import_error(test::model_path("bad_unsupported_op"));
  EXPECT_NE(e.find("my_sigmoid"), std::string::npos) << e;
  EXPECT_NE(e.find("Sigmoid"), std::string::npos) << e;
  EXPECT_NE(e.find("supported: Add, AveragePool"), std::string::npos) << e;
}

TEST(ConvertErrors, UnsupportedAttributes) {
  std::string e = import_error(test::model_path("bad_unsupported_attribute"));
  EXPECT_NE(e.find("my_conv"), std::string::npos) << e;
  EXPECT_NE(e.find("frobnicate"), std::string::npos) << e;
  e = import_error(test::model_path("bad_pad_mode"));
  EXPECT_NE(e.find("my_pad"), std::string::npos) << e;
  EXPECT_NE(e.find("reflect"), std::string::npos) << e;
  e = import_error(test::model_path("bad_lrn_negative_alpha"));
  EXPECT_NE(e.find("my_lrn"), std::string::npos) << e;
  EXPECT_NE(e.find("alpha >= 0"), std::string::npos) << e;
}

TEST(ConvertErrors, NonFiniteWeightsNameTheTensor) {
  std::string e = import_error(test::model_path("bad_nan_weights"));
  EXPECT_NE(e.find("conv_w_nan"), std::string::npos) << e;
  EXPECT_NE(e.find("NaN or Inf"), std::string::npos) << e;
  e = import_error(test::model_path("bad_inf_weights"));
  EXPECT_NE(e.find("gemm_b_inf"), std::string::npos) << e;
}

TEST(ConvertErrors, NotAnOnnxFile) {
  const std::string dir = test::temp_dir();
  test::write_file(dir + "/text.onnx", "this is not a model\n");
  test::write_file(dir + "/empty.onnx", "");
  std::string junk(4096, '\0');
  for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 2654435761u) >> 13);
  test::write_file(dir + "/junk.onnx", junk);
  for (const char* f : {"/text.onnx", "/empty.onnx", "/junk.onnx", "/missing.onnx"}) {
    const std::string e = import_error(dir + f);
    EXPECT_FALSE(e.empty()) << f;
    EXPECT_NE(e.find(f + 1), std::string::npos) << e;
  }
  // Truncated real models: an error, never a crash.
  std::ifstream in(test::model_path("mobilenet_block"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t cut : {bytes.size() / 3, bytes.size() / 2, bytes.size() - 7}) {
    test::write_file(dir + "/cut.onnx", bytes.substr(0, cut));
    EXPECT_FALSE(import_error(dir + "/cut.onnx").empty());
  }
}

// A few PNG images (smooth gradients with noise) in a fresh folder.
std::string image_folder(int count, int w = 20, int h = 14) {
  const std::string dir = test::temp_dir();
  std::mt19937 gen(7);
  for (int k = 0; k < count; ++k) {
    std::vector<uint8_t> px(static_cast<size_t>(w) * h * 3);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int c = 0; c < 3; ++c)
          px[(y * w + x) * 3 + c] = static_cast<uint8_t>((x * 9 + y * 5 * (c + 1) + k * 31 + gen() % 40) & 255);
    stbi_write_png((dir + "/img" + std::to_string(k) + ".png").c_str(), w, h, 3, px.data(), w * 3);
  }
  return dir;
}

std::string convert_error(ConvertOptions o) {
  o.progress = false;
  try {
    convert_model(o);
  } catch (const ConvertError& e) {
    return e.what();
  }
  return "";
}

TEST(ConvertErrors, CalibrationFolders) {
  ConvertOptions o;
  o.model = test::model_path("conv_basic");
  o.calib = test::temp_dir();  // empty
  EXPECT_NE(convert_error(o).find("no files"), std::string::npos);
  test::write_file(o.calib + "/a.jpg", "not a jpeg");
  test::write_file(o.calib + "/b.png", "\x89PNG\r\n\x1a\n garbage");
  EXPECT_NE(convert_error(o).find("no readable image"), std::string::npos) << convert_error(o);
  o.calib = "/nonexistent/octet";
  EXPECT_NE(convert_error(o).find("no such file"), std::string::npos);
  // A raw file whose size is not a whole number of samples.
  const std::string dir = test::temp_dir();
  test::write_file(dir + "/odd.raw", std::string(100, '\0'));
  o.calib = dir + "/odd.raw";
  EXPECT_NE(convert_error(o).find("whole float32 samples"), std::string::npos);
}

TEST(ConvertImages, UndecodableImagesAreSkipped) {
  const std::string dir = image_folder(4);
  test::write_file(dir + "/broken.jpg", "\xff\xd8\xff\xe0 truncated");
  // A PNG whose header decodes but whose data is cut: skipped at load time.
  std::ifstream in(dir + "/img0.png", std::ios::binary);
  const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  test::write_file(dir + "/cut.png", png.substr(0, 60));
  ConvertOptions o;
  o.model = test::model_path("mobilenet_block");
  o.calib = dir;
  o.progress = false;
  o.norm.mean[0] = o.norm.mean[1] = o.norm.mean[2] = 127.5f;
  o.norm.std[0] = o.norm.std[1] = o.norm.std[2] = 127.5f;
  // mobilenet_block has 8 input channels: images cannot feed it.
  EXPECT_NE(convert_error(o).find("1- or 3-channel"), std::string::npos) << convert_error(o);
  o.model = test::model_path("conv_bn_relu");
  const Converted c = convert_model(o);
  EXPECT_TRUE(c.image_input);
  EXPECT_EQ(c.accuracy.samples, 4u);  // 4 good images, 2 skipped
  EXPECT_GE(c.accuracy.output_sqnr_db, 30.0);
  o.norm.bgr = true;
  EXPECT_GE(convert_model(o).accuracy.output_sqnr_db, 30.0);
}

TEST(ConvertImages, LoaderResizesAndCentreCrops) {
  const std::string dir = image_folder(1, 40, 20);
  std::vector<uint8_t> px, bgr;
  std::string err;
  ASSERT_TRUE(load_image_u8(dir + "/img0.png", 8, 8, 3, false, &px, &err)) << err;
  ASSERT_TRUE(load_image_u8(dir + "/img0.png", 8, 8, 3, true, &bgr, &err)) << err;
  ASSERT_EQ(px.size(), 8u * 8 * 3);
  for (size_t p = 0; p < 64; ++p) EXPECT_EQ(px[p * 3], bgr[p * 3 + 2]);
}

TEST(ConvertCli, HelpAndBadArguments) {
  const char* help[] = {"qconvert", "--help"};
  EXPECT_EQ(qconvert_main(2, help), 0);
  for (const char* opt : {"--weights", "--range", "--bias-correction", "--size", "--mean", "--std",
                          "--scale", "--bgr", "--calib-count", "--eval", "--report", "--pack",
                          "dotprod", "v80", "armv7", "raw", "Cortex-A53"})
    EXPECT_NE(std::string(qconvert_usage()).find(opt), std::string::npos) << opt;
  const char* no_calib[] = {"qconvert", "m.onnx", "-o", "out"};
  EXPECT_EQ(qconvert_main(4, no_calib), 2);
  const char* bad_range[] = {"qconvert", "m.onnx", "-o", "out", "--calib", "d", "--range", "max"};
  EXPECT_EQ(qconvert_main(8, bad_range), 2);
  const char* both[] = {"qconvert", "m.onnx", "-o", "o", "--calib", "d", "--scale", "0.1", "--mean", "1,2,3"};
  EXPECT_EQ(qconvert_main(10, both), 2);
  const char* bad_pack[] = {"qconvert", "m.onnx", "-o", "o", "--calib", "d", "--pack", "a53"};
  EXPECT_EQ(qconvert_main(8, bad_pack), 2);
  for (auto [name, isa] : {std::pair<const char*, Isa>{"dotprod", Isa::kDotprod}, {"v80", Isa::kV80},
                           {"armv7", Isa::kArmv7}, {"raw", Isa::kRef}}) {
    ConvertOptions p;
    bool hp;
    std::string ep;
    const char* args[] = {"qconvert", "in.onnx", "-o", "out", "--calib", "c", "--pack", name};
    ASSERT_TRUE(parse_qconvert_args(8, args, &p, &hp, &ep)) << ep;
    EXPECT_EQ(p.pack, isa) << name;
  }
  const char* not_onnx[] = {"qconvert", "/nonexistent.onnx", "-o", "o", "--calib", "d"};
  EXPECT_EQ(qconvert_main(6, not_onnx), 1);
  ConvertOptions o;
  bool h;
  std::string e;
  const char* full[] = {"qconvert", "in.onnx", "-o", "out", "--calib", "c", "--calib-count", "5",
                        "--weights", "symmetric", "--range", "mse", "--bias-correction", "--size",
                        "32,24", "--mean", "1,2,3", "--std", "4,5,6", "--bgr"};
  ASSERT_TRUE(parse_qconvert_args(20, full, &o, &h, &e)) << e;
  EXPECT_EQ(o.pack, Isa::kDotprod);  // the default
  EXPECT_EQ(o.calib_count, 5);
  EXPECT_EQ(o.weights, WeightScheme::kSymmetric);
  EXPECT_EQ(o.range, RangeMethod::kMse);
  EXPECT_TRUE(o.bias_correction && o.norm.bgr);
  EXPECT_EQ(o.height, 32);
  EXPECT_EQ(o.width, 24);
  EXPECT_EQ(o.norm.channel_mean(0), 3.0f);  // BGR: model channel 0 is blue
}

TEST(ConvertCli, WritesModelFileAndJsonReport) {
  const std::string dir = image_folder(3, 12, 12);
  const std::string out = dir + "/model.octet", report = dir + "/report.json";
  const std::string model = test::model_path("mobilenet_block");
  // mobilenet_block has 8 channels: use a raw calibration file.
  const std::string raw = test::write_raw_samples(dir, "calib.raw", 8 * 10 * 10, 6, 3);
  const char* argv[] = {"qconvert", model.c_str(), "-o", out.c_str(), "--calib", raw.c_str(),
                        "--report", report.c_str(), "--range", "percentile"};
  ASSERT_EQ(qconvert_main(10, argv), 0);
  std::ifstream r(report);
  const std::string json((std::istreambuf_iterator<char>(r)), std::istreambuf_iterator<char>());
  for (const char* key : {"\"layers\"", "\"sqnr_db\"", "\"top1_agreement\"", "\"kl\"", "\"op\": \"Conv+BatchNormalization+Clip\""})
    EXPECT_NE(json.find(key), std::string::npos) << key;
  std::shared_ptr<const Model> m;
  const Status st = Model::load_file(out, &m);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(m->num_inputs(), 1);
  EXPECT_EQ(m->num_outputs(), 1);
  EXPECT_EQ(m->input_info(0).dtype, DType::kFloat32);
}

}  // namespace
}  // namespace octet::convert

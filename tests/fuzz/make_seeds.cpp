// Writes the fuzzer's seed corpus: valid files made with the ModelBuilder, one per operator mix.
#include <cstdio>
#include <string>

#include "../graph/test_models.h"

using octet::DType;
using octet::QuantParams;
using octet::graph::ModelBuilder;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  int written = 0;
  auto save = [&](const ModelBuilder& b, const char* name) {
    octet::Status st = b.save(dir + "/" + name + ".octet");
    if (!st.ok()) {
      std::fprintf(stderr, "%s: %s\n", name, st.message().c_str());
      return;
    }
    ++written;
  };
  save(octet::testing::small_classifier(8, 4, 1), "small_classifier");
  save(octet::testing::mobilenet_v1(16, 0.125f, 5, 2), "mobilenet_tiny");
  {
    std::mt19937 rng(3);
    ModelBuilder b;
    int x = b.add_input("x", {1, 4, 4, 4}, DType::kInt8, {0.05f, 1});
    int a = b.conv2d(x, octet::testing::random_conv(rng, 4, 3, 1, 1, 0), {0.1f, 0});
    int c = b.conv2d(x, octet::testing::random_conv(rng, 4, 5, 3, 1, 1), {0.1f, 0});
    int cat = b.concat({a, c}, {0.1f, 0});
    octet::graph::Pool2DArgs p;
    p.kernel_h = p.kernel_w = 2;
    p.stride_h = p.stride_w = 2;
    int ap = b.avg_pool(cat, p, {0.1f, 2});
    int s = b.add(ap, ap, {0.2f, 0});
    int l = b.lrn(s, 3, 1e-3f, 0.75f, 1.0f, {0.2f, 0});
    b.mark_output(b.clamp(l, 0.0f, 6.0f));
    save(b, "concat_add_lrn");
  }
  {
    ModelBuilder b;
    int x = b.add_input("x", {1, 6}, DType::kFloat32);
    int q = b.quantize(x, {0.02f, 0});
    b.mark_output(b.dequantize(q));
    b.mark_output(b.softmax(q));
    save(b, "float_io");
  }
  std::printf("%d seed files in %s\n", written, dir.c_str());
  return written == 4 ? 0 : 1;
}

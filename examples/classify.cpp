// Classify an image with an octet model: load (mmap), create an interpreter, feed a binary PPM
// (P6) image resized to the model's input, run, print the top-5.
//   classify MODEL IMAGE.ppm [--threads N] [--mean R G B --std R G B]
#include <octet/octet.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

bool read_ppm(const char* path, int* w, int* h, std::vector<uint8_t>* rgb) {
  std::ifstream f(path, std::ios::binary);
  std::string magic;
  int maxval = 0;
  if (!(f >> magic >> *w >> *h >> maxval) || magic != "P6" || maxval != 255 || *w <= 0 || *h <= 0) return false;
  f.get();  // the single whitespace after the header
  rgb->resize(static_cast<size_t>(*w) * *h * 3);
  return static_cast<bool>(f.read(reinterpret_cast<char*>(rgb->data()), static_cast<std::streamsize>(rgb->size())));
}

// Nearest-neighbour resize, HWC uint8 with 3 channels.
std::vector<uint8_t> resize(const std::vector<uint8_t>& src, int sw, int sh, int dw, int dh) {
  std::vector<uint8_t> dst(static_cast<size_t>(dw) * dh * 3);
  for (int y = 0; y < dh; ++y)
    for (int x = 0; x < dw; ++x) {
      const int sy = y * sh / dh, sx = x * sw / dw;
      std::memcpy(&dst[(static_cast<size_t>(y) * dw + x) * 3], &src[(static_cast<size_t>(sy) * sw + sx) * 3], 3);
    }
  return dst;
}

int fail(const octet::Status& st) {
  std::fprintf(stderr, "error: %s\n", st.message().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL IMAGE.ppm [--threads N] [--mean R G B --std R G B]\n", argv[0]);
    return 2;
  }
  octet::InterpreterOptions options;
  float mean[3] = {127.5f, 127.5f, 127.5f}, stdv[3] = {127.5f, 127.5f, 127.5f};
  for (int i = 3; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) options.num_threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--mean") && i + 3 < argc) for (float& v : mean) v = std::strtof(argv[++i], nullptr);
    else if (!std::strcmp(argv[i], "--std") && i + 3 < argc) for (float& v : stdv) v = std::strtof(argv[++i], nullptr);
  }
  std::shared_ptr<const octet::Model> model;
  octet::Status st = octet::Model::load_file(argv[1], &model);
  if (!st.ok()) return fail(st);
  const octet::TensorInfo in = model->input_info(0);
  if (in.shape.size() != 4 || in.shape[3] != 3) {
    std::fprintf(stderr, "error: the model input is not an NHWC RGB image\n");
    return 1;
  }
  int w = 0, h = 0;
  std::vector<uint8_t> rgb;
  if (!read_ppm(argv[2], &w, &h, &rgb)) {
    std::fprintf(stderr, "error: %s is not a binary PPM (P6, maxval 255)\n", argv[2]);
    return 1;
  }
  const std::vector<uint8_t> image = resize(rgb, w, h, in.shape[2], in.shape[1]);

  std::unique_ptr<octet::Interpreter> it;
  st = octet::Interpreter::create(model, options, &it);
  if (!st.ok()) return fail(st);
  // A uint8 input is normalized by the model itself; an int8 one by the API with mean/std.
  st = it->set_input_image(0, image.data(), image.size(), mean, stdv);
  if (!st.ok()) return fail(st);
  st = it->run();
  if (!st.ok()) return fail(st);
  const int classes = model->output_info(0).shape.back();
  const int k = classes < 5 ? classes : 5;
  int idx[5];
  float score[5];
  st = it->get_output_topk(0, k, idx, score);
  if (!st.ok()) return fail(st);
  const octet::MemoryInfo mi = it->memory_info();
  std::printf("%s: %d operators, arena %zu bytes, weights %zu bytes\n", argv[1], model->num_operators(),
              mi.arena_bytes, mi.constant_bytes);
  for (int j = 0; j < k; ++j) std::printf("top%d class %d score %.5f\n", j + 1, idx[j], score[j]);
  return 0;
}

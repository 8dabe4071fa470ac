#include "octet_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "image/image_file.h"
#include "octet/octet.h"
#include "profile_table.h"

namespace octet::tools {
namespace {

bool parse_int(const std::string& s, int lo, int hi, int* out) {
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end || v < lo || v > hi) return false;
  *out = static_cast<int>(v);
  return true;
}

bool parse_floats3(const std::string& s, float* out) {  // "a" (all channels) or "a,b,c"
  std::stringstream ss(s);
  std::string item;
  std::vector<float> v;
  while (std::getline(ss, item, ',')) {
    char* end = nullptr;
    const float f = std::strtof(item.c_str(), &end);
    if (item.empty() || *end || !std::isfinite(f)) return false;
    v.push_back(f);
  }
  if (v.size() == 1) v.assign(3, v[0]);
  if (v.size() != 3) return false;
  std::copy(v.begin(), v.end(), out);
  return true;
}

bool read_labels(const std::string& path, std::vector<std::string>* labels, std::string* error) {
  std::ifstream f(path);
  if (!f) { *error = "cannot read labels file '" + path + "'"; return false; }
  std::string line;
  while (std::getline(f, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    labels->push_back(line);
  }
  return true;
}

int fail(const std::string& what) {
  std::fprintf(stderr, "octet-run: %s\n", what.c_str());
  return 1;
}

// Softmax of the outputs, unless they already are probabilities (a softmax in the graph).
std::vector<float> probabilities(const std::vector<float>& v) {
  double sum = 0;
  bool in_unit = true;
  for (float x : v) { sum += x; in_unit = in_unit && x >= 0.0f && x <= 1.0f; }
  if (in_unit && std::fabs(sum - 1.0) < 1e-2) return v;
  const float mx = *std::max_element(v.begin(), v.end());
  std::vector<float> p(v.size());
  double z = 0;
  for (size_t i = 0; i < v.size(); ++i) z += p[i] = std::exp(v[i] - mx);
  for (float& x : p) x = static_cast<float>(x / z);
  return p;
}

}  // namespace

const char* run_usage() {
  return
      "usage: octet-run MODEL IMAGE [--top K] [--labels FILE] [--threads T] [--profile [--runs N]]\n"
      "Classifies an image file (JPEG, PNG, BMP, ...) with an octet model file (made by qconvert).\n"
      "The image is converted to the model's channel count (grayscale or RGB), resized so the\n"
      "shorter side fits and centre-cropped to the model's input size.\n"
      "\n"
      "  --top K          print the K best classes (default 5)\n"
      "  --labels FILE    class names, one per line (line i = class i)\n"
      "  --threads T      worker threads (default 1)\n"
      "  --profile        print the per-operator profile (after one warm-up run)\n"
      "  --runs N         runs averaged in the profile (default 1)\n"
      "  --mean M[,M,M] --std S[,S,S]\n"
      "                   only for models whose input is not uint8 (qconvert records its image\n"
      "                   normalization in the file and takes uint8 pixels): input = (pixel - M) / S\n"
      "  --help           this text\n"
      "The environment variable OCTET_ISA (ref, v80, dotprod, armv7) forces a kernel family.\n";
}

bool parse_run_args(int argc, const char* const* argv, RunOptions* o, bool* help,
                    std::string* error) {
  *help = false;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= argc) { *error = a + " needs a value"; return false; }
      *v = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") { *help = true; return true; }
    else if (a == "--top") {
      if (!value(&v) || !parse_int(v, 1, 1000000, &o->top_k)) { *error = "--top needs a positive integer"; return false; }
    } else if (a == "--labels") { if (!value(&o->labels)) return false; }
    else if (a == "--threads") {
      if (!value(&v) || !parse_int(v, 1, 256, &o->threads)) { *error = "--threads needs an integer in 1..256"; return false; }
    } else if (a == "--runs") {
      if (!value(&v) || !parse_int(v, 1, 1000000, &o->runs)) { *error = "--runs needs a positive integer"; return false; }
    } else if (a == "--profile") { o->profile = true; }
    else if (a == "--mean") {
      if (!value(&v) || !parse_floats3(v, o->mean)) { *error = "--mean needs M or M,M,M"; return false; }
    } else if (a == "--std") {
      if (!value(&v) || !parse_floats3(v, o->std)) { *error = "--std needs S or S,S,S"; return false; }
      for (float s : o->std) if (s == 0.0f) { *error = "--std values must not be 0"; return false; }
    } else if (a.size() > 1 && a[0] == '-') { *error = "unknown option " + a; return false; }
    else pos.push_back(a);
  }
  if (pos.size() != 2) { *error = "need MODEL and IMAGE"; return false; }
  o->model = pos[0];
  o->image = pos[1];
  return true;
}

int octet_run_main(int argc, const char* const* argv) {
  RunOptions o;
  bool help = false;
  std::string error;
  if (!parse_run_args(argc, argv, &o, &help, &error)) {
    std::fprintf(stderr, "octet-run: %s\n%s", error.c_str(), run_usage());
    return 2;
  }
  if (help) { std::fputs(run_usage(), stdout); return 0; }

  std::vector<std::string> labels;
  if (!o.labels.empty() && !read_labels(o.labels, &labels, &error)) return fail(error);

  std::shared_ptr<const Model> model;
  Status st = Model::load_file(o.model, &model);
  if (!st.ok()) return fail("cannot load model '" + o.model + "': " + st.message());
  if (model->num_inputs() != 1 || model->num_outputs() < 1)
    return fail("model '" + o.model + "' has " + std::to_string(model->num_inputs()) +
                " inputs; octet-run classifies with single-input models");
  const TensorInfo in = model->input_info(0);
  if (in.shape.size() != 4 || in.shape[0] != 1)
    return fail("model input '" + in.name + "' is not an NHWC image tensor [1, H, W, C]");
  const int H = in.shape[1], W = in.shape[2], C = in.shape[3];

  if (H < 1 || W < 1 || C < 1 || C > 4)
    return fail("model input " + std::to_string(H) + "x" + std::to_string(W) + "x" + std::to_string(C) +
                " is not an image (need H x W x 1, 3 or 4)");
  std::vector<uint8_t> pixels;
  if (!image::load_image_hwc(o.image, H, W, C, &pixels, &error))
    return fail("cannot read image '" + o.image + "': " + error);

  InterpreterOptions opts;
  opts.num_threads = o.threads;
  opts.profile = o.profile;
  std::unique_ptr<Interpreter> it;
  st = Interpreter::create(model, opts, &it);
  if (!st.ok()) return fail("cannot create the interpreter: " + st.message());

  if (in.dtype == DType::kFloat32) {
    std::vector<float> x(pixels.size());
    for (size_t k = 0; k < x.size(); ++k) x[k] = (pixels[k] - o.mean[k % C % 3]) / o.std[k % C % 3];
    st = it->set_input_float(0, x.data(), x.size());
  } else {
    std::vector<float> mean(C), sd(C);
    for (int c = 0; c < C; ++c) { mean[c] = o.mean[c % 3]; sd[c] = o.std[c % 3]; }
    st = it->set_input_image(0, pixels.data(), pixels.size(), mean.data(), sd.data());
  }
  if (!st.ok()) return fail(st.message());
  if ((st = it->run()), !st.ok()) return fail("run failed: " + st.message());
  if (o.profile) {  // the first run warmed caches and the pool; time the next ones
    it->reset_profile();
    for (int r = 0; r < o.runs; ++r)
      if ((st = it->run()), !st.ok()) return fail("run failed: " + st.message());
  }

  const TensorInfo out = model->output_info(0);
  std::vector<float> scores(out.elements);
  if ((st = it->get_output_float(0, scores.data(), scores.size())), !st.ok()) return fail(st.message());
  const int classes = out.shape.empty() ? 1 : out.shape.back();
  if (classes < 1 || static_cast<size_t>(classes) > scores.size())
    return fail("output '" + out.name + "' has no class axis");
  scores.resize(classes);
  const std::vector<float> prob = probabilities(scores);
  const int k = std::min(o.top_k, classes);
  std::vector<int> idx(k);
  std::vector<float> top(k);
  if ((st = it->get_output_topk(0, k, idx.data(), top.data())), !st.ok()) return fail(st.message());

  std::printf("model %s: input %dx%dx%d %s, %d operators, isa %s, %d thread%s\n", o.model.c_str(), H,
              W, C, in.dtype == DType::kUInt8 ? "uint8" : in.dtype == DType::kInt8 ? "int8" : "float",
              model->num_operators(), isa_name(it->isa()), o.threads, o.threads == 1 ? "" : "s");
  std::printf("image %s\n", o.image.c_str());
  std::printf("top-%d:\n", k);
  for (int r = 0; r < k; ++r) {
    const int c = idx[r];
    const std::string name = c < static_cast<int>(labels.size()) ? labels[c] : "class " + std::to_string(c);
    std::printf("  %d  %-24s  %3d  p=%.3f  score=%.4f\n", r + 1, name.c_str(), c, prob[c], top[r]);
  }
  if (o.profile) {
    const MemoryInfo mi = it->memory_info();
    std::printf("\nper-operator profile (%d run%s after 1 warm-up; arena %zu bytes, weights %zu bytes):\n",
                o.runs, o.runs == 1 ? "" : "s", mi.arena_bytes, mi.constant_bytes + mi.repacked_bytes);
    std::fputs(format_profile_table(it->profile()).c_str(), stdout);
  }
  return 0;
}

}  // namespace octet::tools

#include "quant/converter/image_source.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "image/image_file.h"
#include "quant/converter/graph_ir.h"

namespace octet::convert {

bool load_image_u8(const std::string& file, int h, int w, int c, bool bgr, std::vector<uint8_t>* out,
                   std::string* error) {
  if (c != 1 && c != 3) {
    *error = "images can feed 1- or 3-channel inputs only";
    return false;
  }
  if (!image::load_image_hwc(file, h, w, c, out, error)) return false;
  if (bgr && c == 3)
    for (size_t p = 0; p < out->size(); p += 3) std::swap((*out)[p], (*out)[p + 2]);
  return true;
}

SampleSource::SampleSource(const std::string& path, int h, int w, int c,
                           const InputNormalization& norm, int max_count)
    : path_(path), h_(h), w_(w), c_(c), norm_(norm) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw ConvertError(path + ": no such file or folder");
  if (S_ISDIR(st.st_mode)) {
    if (h <= 0 || w <= 0) throw ConvertError("image samples need an image model input (NCHW)");
    if (c != 1 && c != 3)
      throw ConvertError("images can feed 1- or 3-channel inputs only; the model input has " +
                         std::to_string(c) + " channels (use a raw tensor file)");
    DIR* d = opendir(path.c_str());
    if (!d) throw ConvertError(path + ": cannot open the folder");
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.empty() || n[0] == '.') continue;
      const std::string f = path + "/" + n;
      struct stat fs;
      if (stat(f.c_str(), &fs) == 0 && S_ISREG(fs.st_mode)) files_.push_back(f);
    }
    closedir(d);
    std::sort(files_.begin(), files_.end());
    if (max_count > 0 && files_.size() > static_cast<size_t>(max_count)) files_.resize(max_count);
    count_ = files_.size();
    if (count_ == 0) throw ConvertError(path + ": the folder holds no files");
    return;
  }
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  raw_ = s.str();
  const size_t bytes = static_cast<size_t>(std::max(h, 1)) * std::max(w, 1) * c * sizeof(float);
  if (raw_.empty() || raw_.size() % bytes)
    throw ConvertError(path + ": a raw tensor file must hold whole float32 samples of " +
                       std::to_string(bytes) + " bytes (got " + std::to_string(raw_.size()) + ")");
  count_ = raw_.size() / bytes;
  if (max_count > 0 && count_ > static_cast<size_t>(max_count)) count_ = max_count;
}

bool SampleSource::load(size_t i, Sample* out) const {
  const int h = std::max(h_, 1), w = std::max(w_, 1);
  const size_t pixels = static_cast<size_t>(h) * w;
  out->input.resize(pixels * c_);
  if (!raw_.empty()) {
    out->name = path_ + "#" + std::to_string(i);
    out->image.clear();
    const float* src = reinterpret_cast<const float*>(raw_.data()) + i * pixels * c_;
    for (int k = 0; k < c_; ++k)  // NCHW -> NHWC
      for (size_t p = 0; p < pixels; ++p) out->input[p * c_ + k] = src[k * pixels + p];
    return true;
  }
  out->name = files_[i];
  std::string err;
  if (!load_image_u8(files_[i], h_, w_, c_, norm_.bgr, &out->image, &err)) {
    std::fprintf(stderr, "warning: skipping %s: %s\n", files_[i].c_str(), err.c_str());
    return false;
  }
  for (size_t p = 0; p < pixels; ++p)
    for (int k = 0; k < c_; ++k)
      out->input[p * c_ + k] = (out->image[p * c_ + k] - norm_.channel_mean(k)) / norm_.channel_std(k);
  return true;
}

void SampleSource::drop_unreadable() {
  if (!raw_.empty()) return;
  std::vector<std::string> good;
  for (const auto& f : files_) {
    if (image::is_image_file(f)) good.push_back(f);
    else std::fprintf(stderr, "warning: skipping %s: not a readable image\n", f.c_str());
  }
  files_ = std::move(good);
  count_ = files_.size();
  if (count_ == 0) throw ConvertError(path_ + ": no readable image in the folder");
}

}  // namespace octet::convert

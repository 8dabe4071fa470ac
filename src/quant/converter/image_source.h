// Calibration / evaluation samples: an image folder (JPEG, PNG, ... through image/image_file.h;
// resized so the shorter side fits, centre-cropped to H x W, RGB or BGR) or a raw tensor file
// (float32 samples in the model's NCHW input layout, already normalized, back to back).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace octet::convert {

// Per-colour normalization real = (pixel - mean) / std, given for R, G, B (applied to whichever
// model channel holds that colour, so --bgr does not reorder them).
struct InputNormalization {
  float mean[3] = {0.0f, 0.0f, 0.0f};
  float std[3] = {1.0f, 1.0f, 1.0f};
  bool bgr = false;
  // Per model channel (after the optional BGR swap).
  float channel_mean(int c) const { return mean[bgr ? 2 - c : c]; }
  float channel_std(int c) const { return std[bgr ? 2 - c : c]; }
};

struct Sample {
  std::string name;
  std::vector<uint8_t> image;  // H*W*C pixels in model channel order (empty for raw tensors)
  std::vector<float> input;    // NHWC normalized input
};

class SampleSource {
 public:
  // `path` is a folder of images or a raw float32 file. h, w, c: the model input size.
  SampleSource(const std::string& path, int h, int w, int c, const InputNormalization& norm,
               int max_count);
  size_t size() const { return count_; }
  bool is_images() const { return raw_.empty(); }
  // Loads sample i; false (after a warning on stderr) when an image cannot be decoded.
  bool load(size_t i, Sample* out) const;
  // Keeps only the samples that decode (warning about the others); ConvertError if none is left.
  void drop_unreadable();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int h_, w_, c_;
  InputNormalization norm_;
  std::vector<std::string> files_;
  std::string raw_;  // the raw tensor file's bytes
  size_t count_ = 0;
};

// Decode, resize (shorter side to the crop's larger side), centre-crop to h x w, RGB -> model order.
bool load_image_u8(const std::string& file, int h, int w, int c, bool bgr, std::vector<uint8_t>* out,
                   std::string* error);

}  // namespace octet::convert

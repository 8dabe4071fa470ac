// Shared helpers of the converter tests: temp folders, random raw input files, running the pipeline.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "quant/converter/converter.h"

namespace octet::convert::test {

inline std::string model_path(const std::string& name) {
  return std::string(OCTET_CONVERT_MODELS) + "/" + name + ".onnx";
}

// A fresh folder under /tmp, removed when the test binary exits.
inline std::string temp_dir() {
  static std::vector<std::string> made;
  static const int registered = std::atexit([] {
    for (const auto& d : made) std::filesystem::remove_all(d);
  });
  (void)registered;
  char tmpl[] = "/tmp/octet-convert-XXXXXX";
  const char* d = mkdtemp(tmpl);
  if (!d) throw std::runtime_error("mkdtemp failed");
  made.push_back(d);
  return d;
}

// `count` random float32 samples of `elements` values in [lo, hi], back to back.
inline std::string write_raw_samples(const std::string& dir, const std::string& name, size_t elements,
                                     int count, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(elements * count);
  for (float& x : v) x = dist(gen);
  const std::string path = dir + "/" + name;
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
  return path;
}

void write_png(const std::string& path, int w, int h, const std::vector<uint8_t>& rgb);

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

}  // namespace octet::convert::test

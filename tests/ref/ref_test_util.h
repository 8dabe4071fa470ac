// Shared helpers of the ref kernel tests: seeded random draws and the double-precision model of
// "dequantize, compute in double, quantize the output".
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace octet::testing {

class Rng {
 public:
  explicit Rng(uint32_t seed) : gen_(seed) {}
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen_); }
  double real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(gen_); }
  // Log-uniform in [lo, hi].
  float log_uniform(double lo, double hi) {
    return static_cast<float>(std::exp(real(std::log(lo), std::log(hi))));
  }
  bool coin(double p = 0.5) { return real(0.0, 1.0) < p; }
  std::vector<int8_t> int8s(size_t n, int lo = -128, int hi = 127) {
    std::vector<int8_t> v(n);
    for (auto& x : v) x = static_cast<int8_t>(uniform(lo, hi));
    return v;
  }
  std::vector<float> floats(size_t n, double lo = -1.0, double hi = 1.0) {
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(real(lo, hi));
    return v;
  }
  std::mt19937& gen() { return gen_; }

 private:
  std::mt19937 gen_;
};

// The float model of quantizing a real result: round to nearest, add the zero point, clamp.
inline int quantize_double(double real, double scale, int32_t zero_point, int32_t lo, int32_t hi) {
  const double q = std::nearbyint(real / scale) + zero_point;
  return static_cast<int>(std::clamp<double>(q, lo, hi));
}

// Compares int8 results with the double model: every value within `tolerance` LSB.
struct LsbStats {
  size_t count = 0, exact = 0;
  int worst = 0;
  void add(int got, int expected) {
    ++count;
    const int d = std::abs(got - expected);
    exact += d == 0;
    worst = std::max(worst, d);
  }
};

}  // namespace octet::testing

// Quantize / dequantize / normalize / clamp / softmax (int8 in, float out).
#include <gtest/gtest.h>

#include <limits>

#include "kernels/ref/ref_kernels.h"
#include "quant/quant_params.h"
#include "ref_test_util.h"

namespace octet {
namespace {

using testing::Rng;

TEST(QuantizeQ8, RoundsLikeQuantizeValueAndSaturates) {
  Rng rng(51);
  for (float scale : {1e-6f, 0.01f, 0.5f, 30.0f, 1e5f}) {
    const int32_t zp = rng.uniform(-128, 127);
    std::vector<float> in = rng.floats(300, -200.0 * scale, 200.0 * scale);
    in.push_back(std::numeric_limits<float>::infinity());
    in.push_back(-std::numeric_limits<float>::infinity());
    in.push_back(std::numeric_limits<float>::quiet_NaN());
    in.push_back(0.0f);
    in.push_back(2.5f * scale);  // a tie: nearbyint rounds to even
    std::vector<int8_t> out(in.size());
    ref::quantize_f32_q8(in.data(), out.data(), in.size(), scale, zp);
    for (size_t i = 0; i < in.size(); ++i) {
      ASSERT_EQ(out[i], quantize_value(in[i], {scale, zp}, -128, 127)) << in[i];
      if (std::isfinite(in[i])) {
        ASSERT_LE(std::abs(out[i] - testing::quantize_double(in[i], scale, zp, -128, 127)), 1);
      }
    }
    EXPECT_EQ(out[in.size() - 5], 127);
    EXPECT_EQ(out[in.size() - 4], -128);
    EXPECT_EQ(out[in.size() - 2], std::clamp(zp, -128, 127));
  }
}

TEST(DequantizeQ8, ExactForEveryValue) {
  std::vector<int8_t> in(256);
  for (int i = 0; i < 256; ++i) in[i] = static_cast<int8_t>(i - 128);
  std::vector<float> out(256);
  ref::dequantize_q8_f32(in.data(), out.data(), 256, 0.125f, -3);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(out[i], 0.125f * (i - 128 + 3));
}

TEST(NormalizeU8Q8, MatchesTheDoubleModel) {
  Rng rng(52);
  const int pixels = 50, channels = 3;
  std::vector<uint8_t> image(pixels * channels);
  for (auto& v : image) v = static_cast<uint8_t>(rng.uniform(0, 255));
  image[0] = 0;
  image[1] = 255;
  const float mean[3] = {123.675f, 116.28f, 103.53f}, stdv[3] = {58.395f, 57.12f, 57.375f};
  for (float scale : {0.0187f, 0.005f /* saturates */}) {
    std::vector<int8_t> out(image.size());
    ref::normalize_u8_q8(image.data(), pixels, channels, mean, stdv, scale, -5, out.data());
    for (int i = 0; i < pixels * channels; ++i) {
      const double real = (image[i] - double(mean[i % 3])) / stdv[i % 3];
      ASSERT_LE(std::abs(out[i] - testing::quantize_double(real, scale, -5, -128, 127)), 1) << i;
    }
  }
}

// The lookup form must give exactly the bytes of the direct form (the runtime uses it).
TEST(NormalizeU8Q8, LookupTableIsBitExactWithTheDirectForm) {
  Rng rng(54);
  for (int channels : {1, 2, 3, 4, 5, 7}) {
    const int pixels = channels == 3 ? 99 : 97;  // (the NEON room runs RGB 4 pixels per step)
    std::vector<uint8_t> image(pixels * channels);
    for (auto& v : image) v = static_cast<uint8_t>(rng.uniform(0, 255));
    image[0] = 0;
    image[1] = 255;
    std::vector<float> mean(channels), stdv(channels);
    for (int c = 0; c < channels; ++c) {
      mean[c] = static_cast<float>(rng.real(0, 255));
      stdv[c] = static_cast<float>(rng.real(1, 80)) * (c == 1 ? -1.0f : 1.0f);  // a flipped channel
    }
    for (float scale : {0.0187f, 0.005f /* saturates */, 0.7f}) {
      for (int32_t zp : {-128, -5, 0, 100}) {
        std::vector<int8_t> direct(image.size()), looked_up(image.size(), 0x55);
        std::vector<int8_t> table(ref::normalize_table_size(channels));
        ref::normalize_u8_q8(image.data(), pixels, channels, mean.data(), stdv.data(), scale, zp,
                             direct.data());
        ref::normalize_u8_q8_table(channels, mean.data(), stdv.data(), scale, zp, table.data());
        ref::normalize_u8_q8_lookup(image.data(), pixels, channels, table.data(), looked_up.data());
        ASSERT_EQ(direct, looked_up) << "channels " << channels << " scale " << scale << " zp " << zp;
      }
    }
  }
}

TEST(ClampQ8, BoundsAndIdentity) {
  std::vector<int8_t> in(256), out(256);
  for (int i = 0; i < 256; ++i) in[i] = static_cast<int8_t>(i - 128);
  ref::clamp_q8(in.data(), out.data(), 256, -7, 100);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(out[i], std::clamp(i - 128, -7, 100));
  ref::clamp_q8(in.data(), out.data(), 256, -128, 127);
  EXPECT_EQ(in, out);
}

TEST(SoftmaxQ8F32, MatchesDoubleSoftmaxOfTheDequantizedRow) {
  Rng rng(53);
  for (int cols : {1, 2, 10, 1000}) {
    const int rows = 3;
    const float scale = cols == 1000 ? 0.5f : 0.1f;  // large logits: the max subtraction matters
    const std::vector<int8_t> in = rng.int8s(size_t(rows) * cols);
    std::vector<float> out(in.size());
    ref::softmax_q8_f32(in.data(), scale, 7, rows, cols, out.data());
    for (int r = 0; r < rows; ++r) {
      double sum = 0;
      for (int c = 0; c < cols; ++c) sum += std::exp(double(scale) * (in[r * cols + c] - 7) - 60.0);
      double total = 0;
      for (int c = 0; c < cols; ++c) {
        const double p = std::exp(double(scale) * (in[r * cols + c] - 7) - 60.0) / sum;
        ASSERT_NEAR(out[r * cols + c], p, 1e-6 + 1e-5 * p);
        total += out[r * cols + c];
      }
      EXPECT_NEAR(total, 1.0, 1e-5);
    }
  }
}

}  // namespace
}  // namespace octet

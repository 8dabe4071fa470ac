// Image normalization by table lookup (neon/normalize.h) vs ref::normalize_u8_q8_lookup, byte for
// byte: pixel counts around the 4-pixel RGB step, gray / RGB / RGBA and odd channel counts, runs
// split at random pixels (the runtime's thread parts: any alignment), a random table.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "dw_test_util.h"
#include "kernels/neon/normalize.h"
#include "kernels/ref/ref_kernels.h"

namespace octet {
namespace {

using dwtest::rnd;

TEST(NeonNormalizeLookup, SameBytesAsRef) {
  std::mt19937 rng(31);
  int cases = 0;
  for (int channels : {1, 2, 3, 4, 5}) {
    const std::vector<int8_t> table = dwtest::random_bytes(rng, ref::normalize_table_size(channels));
    for (int pixels : {1, 2, 3, 4, 5, 7, 8, 9, 61, 224 * 3 + 1}) {
      const size_t n = static_cast<size_t>(pixels) * channels;
      std::vector<uint8_t> image(n);
      for (auto& v : image) v = static_cast<uint8_t>(rnd(rng, 0, 255));
      image[0] = 0;
      image[n - 1] = 255;
      std::vector<int8_t> want(n);
      ref::normalize_u8_q8_lookup(image.data(), pixels, channels, table.data(), want.data());
      SCOPED_TRACE("channels " + std::to_string(channels) + " pixels " + std::to_string(pixels));
      for (neon::Isa path : dwtest::runnable_paths()) {
        SCOPED_TRACE(neon::isa_name(path));
        std::vector<int8_t> got(n + 16, 0x5a);  // 16 guard bytes: nothing written past the end
        ASSERT_TRUE(neon::normalize_lookup_run(path, image.data(), pixels, channels, table.data(), got.data()));
        ASSERT_EQ(want, std::vector<int8_t>(got.begin(), got.begin() + n));
        for (size_t i = n; i < got.size(); ++i) ASSERT_EQ(got[i], 0x5a) << "wrote past the end at " << i;
        std::fill(got.begin(), got.end(), 0x5a);
        const int mid = rnd(rng, 0, pixels);
        const size_t split = static_cast<size_t>(mid) * channels;
        ASSERT_TRUE(neon::normalize_lookup_run(path, image.data(), mid, channels, table.data(), got.data()));
        ASSERT_TRUE(neon::normalize_lookup_run(path, image.data() + split, pixels - mid, channels,
                                               table.data(), got.data() + split));
        ASSERT_EQ(want, std::vector<int8_t>(got.begin(), got.begin() + n)) << "split at " << mid;
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 0) << "no NEON path runs here";
}

// ref (and i8mm, which has no kernel) are the caller's job: nothing is written.
TEST(NeonNormalizeLookup, RefPathIsRefused) {
  const std::vector<int8_t> table(ref::normalize_table_size(3), 7);
  const std::vector<uint8_t> image(12, 1);
  std::vector<int8_t> out(12, 0x5a);
  for (neon::Isa path : {neon::Isa::ref, neon::Isa::i8mm}) {
    EXPECT_FALSE(neon::normalize_lookup_run(path, image.data(), 4, 3, table.data(), out.data()))
        << neon::isa_name(path);
    EXPECT_EQ(out, std::vector<int8_t>(12, 0x5a));
  }
}

}  // namespace
}  // namespace octet

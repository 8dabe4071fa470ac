#include <gtest/gtest.h>

#include "test_models.h"

#include "thread_probe.h"

extern "C" int octet_c_api_smoke(const void* data, size_t size, int threads);

TEST(CApi, LoadRunOutputsAndErrors) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(octet::testing::small_classifier().finish(&bytes).ok());
  EXPECT_EQ(octet_c_api_smoke(bytes.data(), bytes.size(), octet::testing::threads_available() ? 2 : 1), 0);
}

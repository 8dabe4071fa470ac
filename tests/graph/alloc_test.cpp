// run() performs no heap allocation: operator new and malloc/calloc/realloc/posix_memalign/
// aligned_alloc are counted around it (the test links with -Wl,--wrap for the C allocators, so
// every call from liboctet.a goes through the counters), for 1 and several threads.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "alloc_counter.h"
#include "octet/octet.h"
#include "test_models.h"
#include "thread_probe.h"

namespace octet {
namespace {

TEST(Allocation, CountersSeeAllocations) {
  g_allocations = 0;
  g_counting = true;
  auto* v = new std::vector<int>(100);
  void* p = std::malloc(10);
  g_counting = false;
  delete v;
  std::free(p);
  EXPECT_GE(g_allocations.load(), 2);
}

TEST(Allocation, RunAllocatesNothing) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(testing::mobilenet_v1(32, 0.25f, 10).finish(&bytes).ok());
  std::shared_ptr<const Model> model;
  ASSERT_TRUE(Model::load_buffer(bytes.data(), bytes.size(), &model).ok());
  std::vector<uint8_t> img(32 * 32 * 3, 77);
  for (int threads : testing::thread_counts({1, 3})) {
    for (bool profile : {false, true}) {
      InterpreterOptions o;
      o.num_threads = threads;
      o.profile = profile;
      std::unique_ptr<Interpreter> it;
      ASSERT_TRUE(Interpreter::create(model, o, &it).ok());
      ASSERT_TRUE(it->set_input_image(0, img.data(), img.size(), nullptr, nullptr).ok());
      ASSERT_TRUE(it->run().ok());  // warm-up
      g_allocations = 0;
      g_counting = true;
      for (int i = 0; i < 3; ++i) ASSERT_TRUE(it->run().ok());
      g_counting = false;
      EXPECT_EQ(g_allocations.load(), 0) << threads << " threads, profile " << profile;
    }
  }
}

// set_input_image on an int8 input (normalizing through a per-channel table) allocates nothing
// either: the table lives in the Interpreter, made with it.
TEST(Allocation, SetInputImageAllocatesNothing) {
  graph::ModelBuilder b;
  const int x = b.add_input("x", {1, 8, 8, 3}, DType::kInt8, QuantParams{0.02f, -3});
  b.mark_output(b.clamp(x, -1000.f, 1000.f));
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(b.finish(&bytes).ok());
  std::shared_ptr<const Model> model;
  ASSERT_TRUE(Model::load_buffer(bytes.data(), bytes.size(), &model).ok());
  std::unique_ptr<Interpreter> it;
  ASSERT_TRUE(Interpreter::create(model, InterpreterOptions{}, &it).ok());
  std::vector<uint8_t> img(8 * 8 * 3, 200);
  const float mean[2][3] = {{123.f, 117.f, 104.f}, {127.5f, 127.5f, 127.5f}};
  const float stdv[3] = {58.f, 57.f, 57.f};
  g_allocations = 0;
  g_counting = true;
  for (int k : {0, 0, 1, 0})  // first use, same key, new key, old key again
    ASSERT_TRUE(it->set_input_image(0, img.data(), img.size(), mean[k], stdv).ok());
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
}

}  // namespace
}  // namespace octet

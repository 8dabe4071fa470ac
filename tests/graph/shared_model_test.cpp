// A Model is immutable and shared: interpreters on several threads (each with its own pool) run it
// at once and all get the single-threaded result. Built into test_graph_threads, which the TSan
// suite (scripts/tests.d/tsan.sh) also runs under ThreadSanitizer.
#include <gtest/gtest.h>

#include <cstring>
#include <thread>

#include "octet/octet.h"
#include "test_models.h"
#include "thread_probe.h"

namespace octet {
namespace {

TEST(SharedModel, InterpretersOnManyThreadsAgree) {
  if (!testing::threads_available()) GTEST_SKIP() << "threads do not start here (qemu-user)";
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(testing::mobilenet_v1(32, 0.25f, 10, 5).finish(&bytes).ok());
  std::shared_ptr<const Model> model;
  ASSERT_TRUE(Model::load_buffer(bytes.data(), bytes.size(), &model).ok());
  std::vector<uint8_t> img(32 * 32 * 3);
  for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<uint8_t>(i * 7 + 3);

  std::vector<float> expected(10);
  {
    std::unique_ptr<Interpreter> it;
    ASSERT_TRUE(Interpreter::create(model, InterpreterOptions{}, &it).ok());
    ASSERT_TRUE(it->set_input_image(0, img.data(), img.size(), nullptr, nullptr).ok());
    ASSERT_TRUE(it->run().ok());
    ASSERT_TRUE(it->get_output_float(0, expected.data(), 10).ok());
  }
  constexpr int kThreads = 3;
  std::vector<std::vector<float>> got(kThreads, std::vector<float>(10));
  std::vector<int> ok(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      InterpreterOptions o;
      o.num_threads = 1 + t;  // the interpreters themselves use 1..3 pool threads
      std::unique_ptr<Interpreter> it;
      if (!Interpreter::create(model, o, &it).ok()) return;
      if (!it->set_input_image(0, img.data(), img.size(), nullptr, nullptr).ok()) return;
      for (int r = 0; r < 2; ++r)
        if (!it->run().ok()) return;
      ok[t] = it->get_output_float(0, got[t].data(), 10).ok();
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(ok[t]) << t;
    EXPECT_EQ(0, std::memcmp(got[t].data(), expected.data(), 10 * sizeof(float))) << t;
  }
}

}  // namespace
}  // namespace octet

// Figures for a MobileNet-v1 shaped model (224x224, width 1.0, 1000 classes, random weights) made
// with the ModelBuilder: file size, load time (mmap + verification), arena vs its lower bound,
// heap allocations inside run() (wrapped allocators, as in alloc_test.cpp), and run time.
//   octet_mobilenet_report [OUT.octet] [--threads N] [--runs R]
#include <atomic>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "alloc_counter.h"
#include "octet/octet.h"
#include "test_models.h"


using Clock = std::chrono::steady_clock;
static double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

int main(int argc, char** argv) {
  const char* path = "mobilenet_v1_random.octet";
  int threads = 1, runs = 3;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::atoi(argv[++i]);
    else path = argv[i];
  }
  octet::Status st = octet::testing::mobilenet_v1(224, 1.0f, 1000).save(path);
  if (!st.ok()) return std::fprintf(stderr, "%s\n", st.message().c_str()), 1;

  std::vector<double> load_ms;
  std::shared_ptr<const octet::Model> model;
  for (int i = 0; i < 21; ++i) {
    model.reset();
    const auto t0 = Clock::now();
    st = octet::Model::load_file(path, &model);
    load_ms.push_back(ms_since(t0));
    if (!st.ok()) return std::fprintf(stderr, "%s\n", st.message().c_str()), 1;
  }
  std::sort(load_ms.begin(), load_ms.end());
  octet::InterpreterOptions o;
  o.num_threads = threads;
  o.profile = true;
  std::unique_ptr<octet::Interpreter> it;
  auto t0 = Clock::now();
  st = octet::Interpreter::create(model, o, &it);
  const double create_ms = ms_since(t0);
  if (!st.ok()) return std::fprintf(stderr, "%s\n", st.message().c_str()), 1;
  std::vector<uint8_t> img(224 * 224 * 3);
  for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<uint8_t>(i * 31 + 7);
  it->set_input_image(0, img.data(), img.size(), nullptr, nullptr);
  it->run();  // warm-up
  it->reset_profile();
  g_allocations = 0;
  g_counting = true;
  t0 = Clock::now();
  for (int r = 0; r < runs; ++r) it->run();
  const double run_ms = ms_since(t0) / runs;
  g_counting = false;
  const octet::MemoryInfo mi = it->memory_info();
  uint64_t macs = 0;
  for (const auto& p : it->profile()) macs += p.macs;
  std::printf("model: %s (%d operators, %.1f M MACs)\n", path, model->num_operators(), macs / 1e6);
  std::printf("file size: %zu bytes\n", model->file_size());
  std::printf("load_file (mmap + verify + validate): median %.3f ms, min %.3f ms over 21 loads\n", load_ms[10], load_ms[0]);
  std::printf("interpreter create (%s, plan, repack): %.1f ms\n", octet::isa_name(it->isa()), create_ms);
  std::printf("arena: %zu bytes, lower bound %zu bytes (%.3fx), constants %zu bytes (mapped, not copied), repacked %zu bytes\n",
              mi.arena_bytes, mi.lower_bound_bytes, static_cast<double>(mi.arena_bytes) / mi.lower_bound_bytes,
              mi.constant_bytes, mi.repacked_bytes);
  std::printf("heap allocations inside %d run() calls: %ld\n", runs, g_allocations.load());
  std::printf("run (host, %d thread(s), %s): %.1f ms\n", threads, octet::isa_name(it->isa()), run_ms);
  return g_allocations.load() == 0 ? 0 : 1;
}

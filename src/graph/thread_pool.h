// Persistent worker pool (pthreads) for static partitioning: run(parts, fn, ctx) calls
// fn(ctx, part, parts) once for every part in [0, parts), part 0 on the calling thread, the others
// on workers. No allocation per call (a function pointer and a context, no std::function).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace octet::graph {

class ThreadPool {
 public:
  using Fn = void (*)(void* ctx, int part, int parts);

  // num_threads includes the caller: num_threads - 1 workers. affinity_mask: bit i = CPU i; each
  // worker is pinned to one CPU of the mask, round robin (0 = no pinning).
  ThreadPool(int num_threads, uint64_t affinity_mask);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }
  // parts <= num_threads().
  void run(int parts, Fn fn, void* ctx);
  // Workers that could not be pinned (affinity refused by the OS).
  int pin_failures() const { return pin_failures_; }

 private:
  void worker_main(int index, int cpu);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable start_cv_, done_cv_;
  uint64_t generation_ = 0;
  int parts_ = 0;
  int pending_ = 0;
  Fn fn_ = nullptr;
  void* ctx_ = nullptr;
  bool stop_ = false;
  int pin_failures_ = 0;
};

}  // namespace octet::graph

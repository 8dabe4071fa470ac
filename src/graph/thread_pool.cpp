#include "graph/thread_pool.h"

#include <pthread.h>
#include <sched.h>

namespace octet::graph {

ThreadPool::ThreadPool(int num_threads, uint64_t affinity_mask) {
  std::vector<int> cpus;
  for (int c = 0; c < 64; ++c)
    if (affinity_mask >> c & 1) cpus.push_back(c);
  const int workers = num_threads > 1 ? num_threads - 1 : 0;
  workers_.reserve(workers);
  for (int i = 0; i < workers; ++i) {
    // Worker i + 1 takes CPU (i + 1) mod |mask|: the caller's part 0 goes with the first CPU.
    const int cpu = cpus.empty() ? -1 : cpus[(i + 1) % cpus.size()];
    workers_.emplace_back(&ThreadPool::worker_main, this, i + 1, cpu);
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::worker_main(int index, int cpu) {
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++pin_failures_;
    }
  }
  uint64_t seen = 0;
  for (;;) {
    Fn fn;
    void* ctx;
    int parts;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      fn = fn_;
      ctx = ctx_;
      parts = parts_;
    }
    if (index < parts) fn(ctx, index, parts);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_cv_.notify_one();
    }
  }
}

void ThreadPool::run(int parts, Fn fn, void* ctx) {
  if (parts <= 1 || workers_.empty()) {
    for (int p = 0; p < parts; ++p) fn(ctx, p, parts);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fn_ = fn;
    ctx_ = ctx;
    parts_ = parts;
    pending_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  start_cv_.notify_all();
  fn(ctx, 0, parts);
  std::unique_lock<std::mutex> lock(mutex_);
  done_cv_.wait(lock, [&] { return pending_ == 0; });
}

}  // namespace octet::graph

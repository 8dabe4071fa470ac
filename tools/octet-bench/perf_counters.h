// Hardware counters around the measured runs through perf_event_open (Linux). Each counter is
// opened on its own, so a kernel or VM that refuses one (no PMU, perf_event_paranoid, qemu-user)
// leaves the others working; refused counters report why instead of a number.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace octet_bench {

struct CounterValue {
  std::string name;       // "instructions", "cycles", "l1d_refills", "l2_refills", "branch_misses"
  bool available = false;
  uint64_t value = 0;     // total over the measured runs
  std::string why;        // when unavailable: the error from perf_event_open / read
};

class PerfCounters {
 public:
  PerfCounters();  // opens every counter disabled, for this thread and the threads it creates later
  ~PerfCounters();
  PerfCounters(const PerfCounters&) = delete;
  PerfCounters& operator=(const PerfCounters&) = delete;
  void start();
  void stop();
  std::vector<CounterValue> read() const;

 private:
  struct Counter {
    std::string name;
    int fd = -1;
    std::string why;
  };
  std::vector<Counter> counters_;
};

}  // namespace octet_bench

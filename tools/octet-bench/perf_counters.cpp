#include "perf_counters.h"

#include <cerrno>
#include <cstring>

#if defined(__linux__)
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace octet_bench {

#if defined(__linux__)
namespace {

uint64_t cache_config(uint64_t cache, uint64_t op, uint64_t result) { return cache | (op << 8) | (result << 16); }

int open_counter(uint32_t type, uint64_t config, std::string* why) {
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.size = sizeof(attr);
  attr.type = type;
  attr.config = config;
  attr.disabled = 1;
  attr.inherit = 1;  // count the worker threads the interpreter creates afterwards
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  const long fd = syscall(SYS_perf_event_open, &attr, 0 /*this process*/, -1 /*any cpu*/, -1, 0);
  if (fd < 0) *why = std::string("unavailable (") + std::strerror(errno) + ")";
  return static_cast<int>(fd);
}

}  // namespace

PerfCounters::PerfCounters() {
  struct Spec { const char* name; uint32_t type; uint64_t config; };
  const Spec specs[] = {
      {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
      {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
      {"l1d_refills", PERF_TYPE_HW_CACHE,
       cache_config(PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS)},
      // The last-level generic event: L2 refills on the Cortex-A cores without an L3.
      {"l2_refills", PERF_TYPE_HW_CACHE,
       cache_config(PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_READ, PERF_COUNT_HW_CACHE_RESULT_MISS)},
      {"branch_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
  };
  for (const Spec& s : specs) {
    Counter c;
    c.name = s.name;
    c.fd = open_counter(s.type, s.config, &c.why);
    counters_.push_back(c);
  }
}

PerfCounters::~PerfCounters() {
  for (const Counter& c : counters_)
    if (c.fd >= 0) close(c.fd);
}

void PerfCounters::start() {
  for (const Counter& c : counters_)
    if (c.fd >= 0) {
      ioctl(c.fd, PERF_EVENT_IOC_RESET, 0);
      ioctl(c.fd, PERF_EVENT_IOC_ENABLE, 0);
    }
}

void PerfCounters::stop() {
  for (const Counter& c : counters_)
    if (c.fd >= 0) ioctl(c.fd, PERF_EVENT_IOC_DISABLE, 0);
}

std::vector<CounterValue> PerfCounters::read() const {
  std::vector<CounterValue> out;
  for (const Counter& c : counters_) {
    CounterValue v;
    v.name = c.name;
    v.why = c.why;
    uint64_t value = 0;
    if (c.fd >= 0) {
      if (::read(c.fd, &value, sizeof(value)) == static_cast<ssize_t>(sizeof(value))) {
        v.available = true;
        v.value = value;
      } else {
        v.why = "unavailable (read failed)";
      }
    }
    out.push_back(v);
  }
  return out;
}

#else  // not Linux: every counter unavailable

PerfCounters::PerfCounters() {
  for (const char* n : {"instructions", "cycles", "l1d_refills", "l2_refills", "branch_misses"})
    counters_.push_back(Counter{n, -1, "unavailable (no perf_event_open on this OS)"});
}
PerfCounters::~PerfCounters() = default;
void PerfCounters::start() {}
void PerfCounters::stop() {}
std::vector<CounterValue> PerfCounters::read() const {
  std::vector<CounterValue> out;
  for (const Counter& c : counters_) out.push_back(CounterValue{c.name, false, 0, c.why});
  return out;
}

#endif

}  // namespace octet_bench

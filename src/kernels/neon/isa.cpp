#include "kernels/neon/isa.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#if defined(__linux__) && (defined(OCTET_ARCH_aarch64) || defined(OCTET_ARCH_armv7))
#include <sys/auxv.h>
#endif
#if defined(__linux__) && defined(OCTET_ARCH_aarch64)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace octet::neon {
namespace {

constexpr int kNoOverride = -1;
std::atomic<int> g_forced{kNoOverride};
std::atomic<int> g_forced_core{kNoOverride};

#if defined(OCTET_ARCH_aarch64) && defined(__linux__)
bool cpu_has_dotprod() {
  constexpr unsigned long kHwcapAsimdDp = 1ul << 20;  // HWCAP_ASIMDDP
  return (getauxval(AT_HWCAP) & kHwcapAsimdDp) != 0;
}
#endif
#if defined(OCTET_ARCH_armv7) && defined(__linux__)
bool cpu_has_neon() {
  constexpr unsigned long kHwcapNeon = 1ul << 12;  // HWCAP_NEON (arm)
  return (getauxval(AT_HWCAP) & kHwcapNeon) != 0;
}
#endif

// In-order parts by MIDR implementer and part number; every other part is taken as out-of-order.
bool is_in_order_part(unsigned implementer, unsigned part) {
  if (implementer == 0x41) {  // Arm
    for (unsigned p : {0xc05u, 0xc07u, 0xc08u, 0xd01u, 0xd02u, 0xd03u, 0xd04u, 0xd05u, 0xd46u, 0xd80u})
      if (part == p) return true;  // A5, A7, A8, A32, A34, A53, A35, A55, A510, A520
  }
  if (implementer == 0x51) return part == 0x803 || part == 0x805;  // Kryo 385 / 4xx-5xx Silver
  return false;
}

// Tally of the cores read: how many in-order and how many out-of-order.
struct CoreTally {
  int in_order = 0, out_of_order = 0;
  void add(unsigned implementer, unsigned part) {
    ++(is_in_order_part(implementer, part) ? in_order : out_of_order);
  }
  void add_midr(uint64_t midr) { add((midr >> 24) & 0xff, (midr >> 4) & 0xfff); }
  bool any() const { return in_order + out_of_order > 0; }
  CoreClass result() const {
    return in_order > 0 && out_of_order == 0 ? CoreClass::in_order : CoreClass::out_of_order;
  }
};

// "CPU implementer : 0x41" ... "CPU part : 0xd05" per core, as /proc/cpuinfo lists them.
void tally_cpuinfo_text(const char* text, CoreTally* t) {
  unsigned implementer = 0;
  for (const char* line = text; *line != '\0';) {
    const char* colon = std::strchr(line, ':');
    const char* end = std::strchr(line, '\n');
    if (end == nullptr) end = line + std::strlen(line);
    if (colon != nullptr && colon < end) {
      const unsigned long v = std::strtoul(colon + 1, nullptr, 0);
      if (std::strncmp(line, "CPU implementer", 15) == 0) implementer = static_cast<unsigned>(v);
      if (std::strncmp(line, "CPU part", 8) == 0) t->add(implementer, static_cast<unsigned>(v));
    }
    line = *end == '\0' ? end : end + 1;
  }
}

#if defined(OCTET_ARCH_aarch64) && defined(__linux__)

// Reads up to size - 1 bytes of a file into buf (NUL-terminated); false if it cannot be opened.
// POSIX calls, no stdio: nothing is allocated.
bool read_small_file(const char* path, char* buf, size_t size) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  size_t n = 0;
  for (ssize_t r; n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0;) n += static_cast<size_t>(r);
  close(fd);
  buf[n] = '\0';
  return true;
}

// /sys/devices/system/cpu/cpuN/regs/identification/midr_el1 ("0x00000000410fd034").
void tally_sysfs(CoreTally* t) {
  char path[96], buf[64];
  for (int cpu = 0; cpu < 256; ++cpu) {
    std::snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/regs/identification/midr_el1", cpu);
    if (!read_small_file(path, buf, sizeof buf)) {
      if (cpu >= 8 && !t->any()) return;  // no such files on this system
      continue;                           // an offline core: the next ones may be there
    }
    t->add_midr(std::strtoull(buf, nullptr, 16));
  }
}

void tally_proc_cpuinfo(CoreTally* t) {
  static char buf[64 * 1024];  // once per process, before any run (see detect_core_class)
  if (read_small_file("/proc/cpuinfo", buf, sizeof buf)) tally_cpuinfo_text(buf, t);
}

// MIDR_EL1 of the core this runs on, through the kernel's emulation of the MRS (HWCAP_CPUID).
void tally_mrs(CoreTally* t) {
  constexpr unsigned long kHwcapCpuid = 1ul << 11;
  if ((getauxval(AT_HWCAP) & kHwcapCpuid) == 0) return;
  uint64_t midr;
  asm volatile("mrs %0, midr_el1" : "=r"(midr));
  t->add_midr(midr);
}

CoreClass read_core_class() {
  CoreTally t;
  tally_sysfs(&t);
  if (!t.any()) tally_proc_cpuinfo(&t);
  if (!t.any()) tally_mrs(&t);
  return t.result();
}
#endif

}  // namespace

bool core_class_from_cpuinfo(const char* text, CoreClass* out) {
  CoreTally t;
  tally_cpuinfo_text(text, &t);
  if (t.any()) *out = t.result();
  return t.any();
}

bool core_class_from_midrs(const uint64_t* midrs, int count, CoreClass* out) {
  CoreTally t;
  for (int i = 0; i < count; ++i) t.add_midr(midrs[i]);
  if (t.any()) *out = t.result();
  return t.any();
}

const char* core_class_name(CoreClass c) {
  return c == CoreClass::in_order ? "in-order" : "out-of-order";
}

CoreClass detect_core_class() {
#if defined(OCTET_ARCH_aarch64) && defined(__linux__)
  static const CoreClass detected = read_core_class();
  return detected;
#else
  return CoreClass::out_of_order;
#endif
}

namespace {
CoreClass env_or_detected_core_class() {
  if (const char* env = std::getenv("OCTET_CORE")) {
    for (CoreClass c : {CoreClass::in_order, CoreClass::out_of_order})
      if (std::strcmp(env, core_class_name(c)) == 0) return c;
  }
  return detect_core_class();
}
}  // namespace

CoreClass active_core_class() {
  const int forced = g_forced_core.load(std::memory_order_relaxed);
  if (forced != kNoOverride) return static_cast<CoreClass>(forced);
  static const CoreClass active = env_or_detected_core_class();
  return active;
}

void force_core_class(CoreClass c) { g_forced_core.store(static_cast<int>(c), std::memory_order_relaxed); }
void clear_forced_core_class() { g_forced_core.store(kNoOverride, std::memory_order_relaxed); }

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::ref: return "ref";
    case Isa::v80: return "v80";
    case Isa::dotprod: return "dotprod";
    case Isa::i8mm: return "i8mm";
    case Isa::armv7: return "armv7";
  }
  return "unknown";
}

bool parse_isa(const char* name, Isa* out) {
  if (name == nullptr) return false;
  for (Isa isa : {Isa::ref, Isa::v80, Isa::dotprod, Isa::i8mm, Isa::armv7}) {
    if (std::strcmp(name, isa_name(isa)) == 0) {
      *out = isa;
      return true;
    }
  }
  return false;
}

const char* arch_flavor() {
#if defined(OCTET_ARCH_aarch64)
  return "aarch64";
#elif defined(OCTET_ARCH_armv7)
  return "armv7";
#else
  return "simde";
#endif
}

bool isa_supported(Isa isa) {
  switch (isa) {
    case Isa::ref: return true;
#if defined(OCTET_ARCH_aarch64)
    case Isa::v80: return true;
    case Isa::dotprod:
#if defined(__linux__)
      return cpu_has_dotprod();
#else
      return false;
#endif
#elif defined(OCTET_ARCH_armv7)
    case Isa::armv7:
#if defined(__linux__)
      return cpu_has_neon();
#else
      return true;
#endif
#elif defined(OCTET_ARCH_simde)
    case Isa::v80:
    case Isa::dotprod:
    case Isa::armv7: return true;
#endif
    default: return false;
  }
}

Isa detect_isa() {
#if defined(OCTET_ARCH_aarch64)
  return isa_supported(Isa::dotprod) ? Isa::dotprod : Isa::v80;
#elif defined(OCTET_ARCH_armv7)
  return isa_supported(Isa::armv7) ? Isa::armv7 : Isa::ref;
#else
  return Isa::dotprod;
#endif
}

Isa active_isa() {
  const int forced = g_forced.load(std::memory_order_relaxed);
  if (forced != kNoOverride) return static_cast<Isa>(forced);
  Isa env;
  if (parse_isa(std::getenv("OCTET_ISA"), &env) && isa_supported(env)) return env;
  return detect_isa();
}

bool force_isa(Isa isa) {
  if (!isa_supported(isa)) return false;
  g_forced.store(static_cast<int>(isa), std::memory_order_relaxed);
  return true;
}

void clear_forced_isa() { g_forced.store(kNoOverride, std::memory_order_relaxed); }

}  // namespace octet::neon

#include "kernels/neon/isa.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#if defined(__linux__) && (defined(OCTET_ARCH_aarch64) || defined(OCTET_ARCH_armv7))
#include <sys/auxv.h>
#endif

namespace octet::neon {
namespace {

constexpr int kNoOverride = -1;
std::atomic<int> g_forced{kNoOverride};

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

}  // namespace

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

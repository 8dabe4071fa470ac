#include "kernels/neon/dw_path.h"

#if defined(OCTET_ARCH_aarch64)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#endif

namespace octet::neon {

bool dw_path_built(DwPath path) {
#if defined(OCTET_ARCH_simde)
  (void)path;
  return true;
#elif defined(OCTET_ARCH_aarch64)
  return path == DwPath::v80 || path == DwPath::dotprod;
#elif defined(OCTET_ARCH_armv7)
  return path == DwPath::armv7;
#else
  (void)path;
  return false;
#endif
}

bool dw_path_runnable(DwPath path) {
  if (!dw_path_built(path)) return false;
#if defined(OCTET_ARCH_aarch64)
  if (path == DwPath::dotprod) return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#endif
  return true;
}

const char* dw_path_name(DwPath path) {
  switch (path) {
    case DwPath::v80: return "v80";
    case DwPath::dotprod: return "dotprod";
    case DwPath::armv7: return "armv7";
  }
  return "?";
}

}  // namespace octet::neon

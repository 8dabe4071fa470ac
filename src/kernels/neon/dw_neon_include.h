// NEON intrinsics for the depthwise / pooling / add kernels: the real <arm_neon.h> on Arm, SIMDe
// on x86 hosts (native aliases, so the same source runs under ASan/UBSan).
#pragma once
#if defined(OCTET_ARCH_simde)
#ifndef SIMDE_ENABLE_NATIVE_ALIASES
#define SIMDE_ENABLE_NATIVE_ALIASES
#endif
#include <simde/arm/neon.h>
#else
#include <arm_neon.h>
#endif

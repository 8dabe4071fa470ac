// Which kernel path runs (DESIGN.md §5 "Dispatch"): CPU detection plus a forced override.
// The integer values are stable (they may be logged, stored or passed across the C API).
#pragma once

#include <cstdint>

namespace octet::neon {

enum class Isa : int {
  ref = 0,      // portable C++ (octet::ref): always available
  v80 = 1,      // aarch64 ARMv8.0 NEON: SMULL/SMLAL + SADALP
  dotprod = 2,  // aarch64 ARMv8.2 dot product: SDOT
  i8mm = 3,     // aarch64 I8MM: SMMLA (reserved: no kernel yet, never selected)
  armv7 = 4,    // 32-bit NEON: VMULL/VMLAL + VPADAL
};

// "ref", "v80", "dotprod", "i8mm", "armv7".
const char* isa_name(Isa isa);
// Parses a name above; false (and *out untouched) for anything else.
bool parse_isa(const char* name, Isa* out);

// The build's kernel flavour: "aarch64", "armv7" or "simde" (x86 host, NEON through SIMDe).
const char* arch_flavor();

// Whether `isa` can run here: the build has its kernels and the CPU has the instructions.
// aarch64: v80 always, dotprod iff getauxval(AT_HWCAP) has HWCAP_ASIMDDP (so never under
// qemu -cpu cortex-a53), i8mm never (no kernel yet). armv7: armv7 iff HWCAP_NEON. simde: v80,
// dotprod and armv7 all run through SIMDe. ref is always supported.
bool isa_supported(Isa isa);

// Best path for this CPU, ignoring any override: aarch64 dotprod if present else v80; armv7 if
// NEON else ref; on simde hosts dotprod (the richest path SIMDe emulates, so the sanitizer
// builds exercise the kernels an ARMv8.2 board runs by default).
Isa detect_isa();

// The path kernels use when the caller does not name one: the API override (force_isa) if set,
// else the environment variable OCTET_ISA=ref|v80|dotprod|i8mm|armv7 if it names a supported path,
// else detect_isa(). An unsupported forced path is refused, never executed.
Isa active_isa();

// How the core issues instructions, for kernels whose best instruction order differs by it
// (DESIGN.md §5 "Dispatch"): in-order cores (Cortex-A53, A55, A510: a Q-form load does not issue
// beside a Q-form vector operation, so loads cost cycles) and out-of-order ones (Cortex-A76,
// Neoverse-N1 and later: loads run on their own pipes under the vector work).
enum class CoreClass : int { in_order = 0, out_of_order = 1 };

// "in-order", "out-of-order".
const char* core_class_name(CoreClass c);

// From the MIDR_EL1 values Linux publishes (/sys/devices/system/cpu/cpuN/regs/identification/
// midr_el1, else the "CPU part" lines of /proc/cpuinfo, else the MRS that HWCAP_CPUID allows):
// out_of_order if any core is an out-of-order one (heterogeneous boards run inference on their
// big cores), in_order if every core read is a known in-order part; out_of_order when nothing
// can be read, and on armv7 / SIMDe builds (no kernel there depends on it). Read once per process
// and cached (the first call opens files: the runtime makes it while preparing, not in run()).
CoreClass detect_core_class();

// The rules of detect_core_class() on given inputs (for tests): the "CPU implementer" / "CPU
// part" lines of a /proc/cpuinfo text, or MIDR values. False, *out untouched, when they name no
// core.
bool core_class_from_cpuinfo(const char* text, CoreClass* out);
bool core_class_from_midrs(const uint64_t* midrs, int count, CoreClass* out);

// The environment variable OCTET_CORE=in-order|out-of-order if it names one, else
// detect_core_class(); fixed at the first call (the kernels ask per layer: no getenv per run).
// Both kernel variants compute the same bits; only their speed differs.
CoreClass active_core_class();

// Forces active_core_class() for the whole process (tests run both variants); cleared by
// clear_forced_core_class().
void force_core_class(CoreClass c);
void clear_forced_core_class();

// Forces active_isa() to `isa` for the whole process; false (and no change) if !isa_supported.
bool force_isa(Isa isa);
// Drops the API override (OCTET_ISA and detection apply again).
void clear_forced_isa();

}  // namespace octet::neon

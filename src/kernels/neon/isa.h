// Which kernel path runs (DESIGN.md §5 "Dispatch"): CPU detection plus a forced override.
// The integer values are stable (they may be logged, stored or passed across the C API).
#pragma once

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

// Forces active_isa() to `isa` for the whole process; false (and no change) if !isa_supported.
bool force_isa(Isa isa);
// Drops the API override (OCTET_ISA and detection apply again).
void clear_forced_isa();

}  // namespace octet::neon

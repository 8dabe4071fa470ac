// Which instruction-set path the depthwise, pooling and add operators run. The runtime's CPU
// dispatch picks one; tests and benchmarks force each in turn. A path is only *callable* where
// dw_path_available() says so (built for this target; dotprod also needs the CPU feature, which
// the caller checks).
#pragma once

namespace octet::neon {

enum class DwPath { v80, dotprod, armv7 };

// True when the path was compiled into this build (aarch64: v80, dotprod; armv7: armv7;
// x86/SIMDe: all three, so host tests cover every path's logic).
bool dw_path_built(DwPath path);
const char* dw_path_name(DwPath path);

}  // namespace octet::neon

namespace octet::neon {
// True when the path is built and this CPU can execute it (dotprod: HWCAP_ASIMDDP on aarch64).
// For tests and benchmarks; the runtime's dispatch makes the same check.
bool dw_path_runnable(DwPath path);
}  // namespace octet::neon

# Cross-compile for 32-bit ARMv7-A hard-float with NEON (Cortex-A7/A9/A15) with Debian's
# g++-arm-linux-gnueabihf; tests run under qemu-arm -cpu ${OCTET_QEMU_CPU} (default cortex-a15).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)
set(CMAKE_C_FLAGS_INIT "-march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard")
set(CMAKE_CXX_FLAGS_INIT "-march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard")
set(OCTET_QEMU_CPU "cortex-a15" CACHE STRING "qemu -cpu used to run armv7 tests")
set(CMAKE_CROSSCOMPILING_EMULATOR "qemu-arm;-cpu;${OCTET_QEMU_CPU};-L;/usr/arm-linux-gnueabihf")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

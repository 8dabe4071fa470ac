# Cross-compile for aarch64 Linux with Debian's g++-aarch64-linux-gnu; tests run under qemu-user.
# The emulated CPU is chosen at configure time: -DOCTET_QEMU_CPU=cortex-a53 (ARMv8.0 path)
# or neoverse-n1 (dotprod path). Reconfiguring with another CPU needs no rebuild.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(OCTET_QEMU_CPU "cortex-a53" CACHE STRING "qemu -cpu used to run aarch64 tests")
set(CMAKE_CROSSCOMPILING_EMULATOR "qemu-aarch64;-cpu;${OCTET_QEMU_CPU};-L;/usr/aarch64-linux-gnu")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

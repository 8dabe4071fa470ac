#!/usr/bin/env bash
# Packaging: `cmake --install` each target's build (host, aarch64, armv7) into a temporary prefix,
# build examples/ against it with find_package(octet) (and, on the host, also with pkg-config),
# then classify an image with a builder-made model (natively, or under qemu for the cross builds).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-$ROOT/build}
OUT=$BUILD/examples
rm -rf "$OUT"; mkdir -p "$OUT"
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && tail -20 "$2"; }

# A build dir with liboctet (reuses test-all's; configures and builds the library if missing).
ensure_build() {  # ensure_build DIR cmake-args...
  local dir=$1; shift
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$dir" -G Ninja "$@" >"$OUT/$(basename "$dir").configure.log" 2>&1 || return 1
  fi
  cmake --build "$dir" -j "${JOBS:-2}" --target octet "${EXTRA_TARGETS[@]}" >"$OUT/$(basename "$dir").build.log" 2>&1
}

# A model and an image, made on the host.
EXTRA_TARGETS=(octet_make_model)
HOST=$BUILD/host-asan
if ! ensure_build "$HOST" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCTET_SANITIZE=ON; then
  ko "host build" "$OUT/host-asan.build.log"; echo "$pass passed, $fail failed"; exit 1
fi
EXTRA_TARGETS=()
"$HOST/tests/graph/octet_make_model" "$OUT/model.octet" mobilenet 64 0.25 10 || ko "make model"
/usr/bin/python3 - "$OUT/image.ppm" <<'PY'
import sys
w, h = 80, 60
px = bytearray()
for y in range(h):
    for x in range(w):
        px += bytes(((x * 3) % 256, (y * 4) % 256, ((x + y) * 2) % 256))
open(sys.argv[1], "wb").write(b"P6\n%d %d\n255\n" % (w, h) + px)
PY

run_example() {  # run_example NAME BUILD_DIR EMULATOR... -- extra cmake args
  local name=$1 dir=$2; shift 2
  local emu=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do emu+=("$1"); shift; done
  shift || true
  local prefix=$OUT/$name/prefix app=$OUT/$name/app
  if ! cmake --install "$dir" --prefix "$prefix" >"$OUT/$name.install.log" 2>&1; then ko "$name install" "$OUT/$name.install.log"; return; fi
  if [ ! -f "$prefix/lib/liboctet.a" ] || [ ! -f "$prefix/include/octet/octet_c.h" ] || [ ! -f "$prefix/lib/pkgconfig/octet.pc" ]; then
    ko "$name install layout"; return
  fi
  ok "$name install"
  if ! { cmake -S "$ROOT/examples" -B "$app" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" "$@" &&
         cmake --build "$app"; } >"$OUT/$name.example.log" 2>&1; then
    ko "$name example build (find_package)" "$OUT/$name.example.log"; return
  fi
  ok "$name example build (find_package)"
  # Threads do not start under qemu-user here (pthread_create hangs): 2 threads natively only.
  local threads=2; [ ${#emu[@]} -gt 0 ] && threads=1
  if "${emu[@]}" "$app/classify" "$OUT/model.octet" "$OUT/image.ppm" --threads $threads >"$OUT/$name.run.log" 2>&1 &&
     grep -q '^top5 class' "$OUT/$name.run.log"; then
    ok "$name classify"; grep '^top1' "$OUT/$name.run.log"
  else
    ko "$name classify" "$OUT/$name.run.log"
  fi
}

run_example host "$HOST" -- -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
# pkg-config on the host.
if PKG_CONFIG_PATH=$OUT/host/prefix/lib/pkgconfig g++ -std=c++17 -fsanitize=address,undefined \
     "$ROOT/examples/classify.cpp" $(PKG_CONFIG_PATH=$OUT/host/prefix/lib/pkgconfig pkg-config --cflags --libs octet) \
     -o "$OUT/classify-pkgconfig" >"$OUT/pkgconfig.log" 2>&1 &&
   "$OUT/classify-pkgconfig" "$OUT/model.octet" "$OUT/image.ppm" >>"$OUT/pkgconfig.log" 2>&1; then
  ok "host example build (pkg-config)"
else
  ko "host example build (pkg-config)" "$OUT/pkgconfig.log"
fi

for arch in aarch64 armv7; do
  dir=$BUILD/$arch
  tc=$ROOT/cmake/toolchain-$arch.cmake
  if ! ensure_build "$dir" -DCMAKE_TOOLCHAIN_FILE="$tc"; then ko "$arch build" "$OUT/$arch.build.log"; continue; fi
  if [ "$arch" = aarch64 ]; then emu=(qemu-aarch64 -cpu cortex-a53 -L /usr/aarch64-linux-gnu)
  else emu=(qemu-arm -cpu cortex-a15 -L /usr/arm-linux-gnueabihf); fi
  run_example "$arch" "$dir" "${emu[@]}" -- -DCMAKE_TOOLCHAIN_FILE="$tc"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

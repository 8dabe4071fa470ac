#!/usr/bin/env bash
# The one test command: installs what is missing, builds host (ASan + UBSan, NEON code through
# SIMDe), aarch64 and armv7, and runs every suite — host natively, aarch64 under qemu
# -cpu cortex-a53 (ARMv8.0 path) and -cpu neoverse-n1 (dotprod path), armv7 under -cpu cortex-a15.
# Ends with "N passed, M failed"; exits non-zero on any failure. Each run exports OCTET_EXPECT_ISA
# (simde, v80, dotprod, armv7): the dispatch test checks that the CPU really took that path.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${OCTET_BUILD_DIR:-$ROOT/build}
JOBS=${JOBS:-$(nproc)}
start=$(date +%s)

bash scripts/install-deps.sh || { echo "install-deps failed"; echo "0 passed, 1 failed"; exit 1; }

total_pass=0; total_fail=0; total_skip=0; summary=()
record() {  # record NAME PASSED FAILED [SKIPPED]
  total_pass=$((total_pass + $2)); total_fail=$((total_fail + $3))
  summary+=("$(printf '%-28s %5d passed %4d failed %4d skipped' "$1" "$2" "$3" "${4:-0}")")
}

configure_build() {  # configure_build DIR cmake-args...
  local dir=$1; shift
  cmake -S "$ROOT" -B "$dir" -G Ninja "$@" >"$dir.configure.log" 2>&1 &&
    cmake --build "$dir" -j "$JOBS" >"$dir.build.log" 2>&1
}

run_ctest() {  # run_ctest NAME DIR [ctest args]
  local name=$1 dir=$2; shift 2
  local log="$dir.ctest-$name.log"
  (cd "$dir" && ctest -j "$JOBS" --output-on-failure "$@") >"$log" 2>&1
  local line total failed
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    echo "[$name] ctest produced no summary:"; tail -30 "$log"; record "$name" 0 1; return
  fi
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  [ "$failed" -gt 0 ] && { echo "[$name] failures:"; grep -E '\(Failed|\(Timeout|\*\*\*' "$log" | head -40; }
  # GTEST_SKIP'd tests (e.g. a path this CPU cannot run) are reported, never counted as passed.
  local skipped
  skipped=$(grep -c '(Skipped)' "$log")
  total_skip=$((total_skip + skipped))
  record "$name" $((total - failed - skipped)) "$failed" "$skipped"
}

build_or_fail() {  # build_or_fail NAME DIR cmake-args...
  local name=$1 dir=$2; shift 2
  mkdir -p "$(dirname "$dir")"
  echo "== build $name"
  if ! configure_build "$dir" "$@"; then
    echo "[$name] build failed:"; tail -40 "$dir.configure.log" "$dir.build.log" 2>/dev/null | grep -v '^\[' | tail -40
    record "$name (build)" 0 1
    return 1
  fi
}

mkdir -p "$BUILD"
if build_or_fail host-asan "$BUILD/host-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCTET_SANITIZE=ON; then
  echo "== test host (ASan+UBSan)"
  OCTET_EXPECT_ISA=simde OCTET_EXPECT_CORE=out-of-order ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_ctest host-asan "$BUILD/host-asan"
fi
if build_or_fail aarch64 "$BUILD/aarch64" -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-aarch64.cmake" -DOCTET_QEMU_CPU=cortex-a53; then
  for cpu in cortex-a53 neoverse-n1; do
    echo "== test aarch64 under qemu -cpu $cpu"
    cmake -S "$ROOT" -B "$BUILD/aarch64" -DOCTET_QEMU_CPU=$cpu >/dev/null 2>&1
    isa=v80 core=in-order; [ "$cpu" = neoverse-n1 ] && isa=dotprod core=out-of-order
    OCTET_EXPECT_ISA=$isa OCTET_EXPECT_CORE=$core run_ctest "aarch64-$cpu" "$BUILD/aarch64"
  done
fi
if build_or_fail armv7 "$BUILD/armv7" -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-armv7.cmake" -DOCTET_QEMU_CPU=cortex-a15; then
  echo "== test armv7 under qemu -cpu cortex-a15"
  OCTET_EXPECT_ISA=armv7 OCTET_EXPECT_CORE=out-of-order run_ctest armv7-cortex-a15 "$BUILD/armv7"
fi

# Extra suites (scripts/tests.d/*.sh) print their own "N passed, M failed" line as the last line.
for t in scripts/tests.d/*.sh; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .sh)
  echo "== $name"
  log="$BUILD/extra-$name.log"
  BUILD="$BUILD" bash "$t" >"$log" 2>&1; rc=$?
  line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  if [ -z "$line" ]; then echo "[$name] no result line (rc=$rc):"; tail -30 "$log"; record "$name" 0 1; continue; fi
  p=$(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  [ "$f" -gt 0 ] && tail -30 "$log"
  record "$name" "$p" "$f"
done

echo
echo "== summary ($(( $(date +%s) - start )) s)"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]

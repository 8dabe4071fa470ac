#!/usr/bin/env bash
# ThreadSanitizer on the host: a Model shared by interpreters on several threads, each with its
# own worker pool (tests/graph/shared_model_test.cpp). Builds only that test binary.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-$ROOT/build}
DIR=$BUILD/host-tsan
if ! cmake -S "$ROOT" -B "$DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
     -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" -DCMAKE_C_FLAGS="-fsanitize=thread" \
     -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
     -DOCTET_BUILD_CONVERTER=OFF -DOCTET_BUILD_BENCH=OFF -DOCTET_BUILD_TOOLS=OFF \
     >"$DIR.configure.log" 2>&1 ||
   ! cmake --build "$DIR" -j "${JOBS:-2}" --target test_graph_threads >"$DIR.build.log" 2>&1; then
  tail -30 "$DIR.configure.log" "$DIR.build.log"
  echo "0 passed, 1 failed"; exit 1
fi
log=$DIR/tsan.log
if TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "$DIR/tests/graph/test_graph_threads" >"$log" 2>&1; then
  n=$(grep -cE '^\[       OK \]' "$log")
  echo "$n passed, 0 failed"
else
  grep -E 'WARNING: ThreadSanitizer|SUMMARY|FAILED' "$log" | head -20
  n=$(grep -cE '^\[       OK \]' "$log")
  echo "$n passed, 1 failed"; exit 1
fi

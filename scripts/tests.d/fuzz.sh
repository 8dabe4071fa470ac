#!/usr/bin/env bash
# libFuzzer over the model loader (clang, -fsanitize=fuzzer,address), bounded time, seeded with
# valid files from the ModelBuilder. FUZZ_SECONDS overrides the default 60 s.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-$ROOT/build}
DIR=$BUILD/fuzz
SECONDS_BUDGET=${FUZZ_SECONDS:-60}
pass=0; fail=0
if ! cmake -S "$ROOT" -B "$DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
     -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
     -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer" \
     -DOCTET_FUZZ=ON -DOCTET_BUILD_CONVERTER=OFF -DOCTET_BUILD_BENCH=OFF -DOCTET_BUILD_TOOLS=OFF \
     >"$DIR.configure.log" 2>&1 ||
   ! cmake --build "$DIR" -j "${JOBS:-2}" --target octet_loader_fuzz octet_fuzz_seeds >"$DIR.build.log" 2>&1; then
  tail -30 "$DIR.configure.log" "$DIR.build.log"
  echo "0 passed, 1 failed"; exit 1
fi
corpus=$DIR/corpus; rm -rf "$corpus"; mkdir -p "$corpus"
if "$DIR/tests/fuzz/octet_fuzz_seeds" "$corpus"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
# Each seed must load and run under the harness (-runs=0 executes the corpus only).
if "$DIR/tests/fuzz/octet_loader_fuzz" -runs=0 "$corpus" >"$DIR/seeds.log" 2>&1; then
  pass=$((pass + 1)); else fail=$((fail + 1)); tail -20 "$DIR/seeds.log"; fi
work=$DIR/work; rm -rf "$work"; mkdir -p "$work"; cp "$corpus"/* "$work"/
if "$DIR/tests/fuzz/octet_loader_fuzz" -max_total_time="$SECONDS_BUDGET" -timeout=10 -rss_limit_mb=2048 \
     -max_len=65536 -print_final_stats=1 -artifact_prefix="$DIR/" "$work" >"$DIR/fuzz.log" 2>&1; then
  pass=$((pass + 1))
  grep -E 'stat::number_of_executed_units|cov:' "$DIR/fuzz.log" | tail -2
else
  fail=$((fail + 1)); echo "fuzzer found a crash:"; grep -E 'ERROR|SUMMARY|Test unit written' "$DIR/fuzz.log" | head
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

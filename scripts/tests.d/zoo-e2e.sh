#!/usr/bin/env bash
# Zoo end to end: every selected zoo network is converted with qconvert (4 synthetic PNG
# calibration images; weights packed for dotprod, qconvert's default, so the other paths exercise
# the load-time repacking) and run with octet-bench on the host ref path, aarch64 under qemu
# cortex-a53 (ARMv8.0 path) and neoverse-n1 (dotprod path), armv7 under cortex-a15, and the host
# NEON-through-SIMDe path (auto, and the ARMv8.0 kernels forced with --isa v80); the host paths
# also with 3 threads. Every run's output bytes (FNV-1a 64 hash printed by octet-bench) must be
# identical to the host ref single-thread run's, and each run
# must have taken the expected kernel path. Under qemu only 1 thread: qemu-user here hangs
# (aarch64) or crashes (armv7) in pthread_create (see tests/graph/thread_probe.h); thread-count
# identity is checked on the host, where the same partitioning code runs.
#
# Default networks: the small ones (mobilenet_v1_0.25, squeezenet1_1, mobilenet_v2). The heavy
# ones (every default zoo network incl. resnet50 and googlenet, plus vgg19) only with
# OCTET_ZOO_ALL=1: under qemu they cost minutes each. OCTET_ZOO_E2E_NETS="a b" picks networks.
# Needs the builds test-all.sh makes: $BUILD/host-asan (qconvert, octet-bench), $BUILD/aarch64,
# $BUILD/armv7.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export BUILD=${BUILD:-$ROOT/build}
HOST=${OCTET_E2E_HOST_BUILD:-$BUILD/host-asan}
QCONVERT=$HOST/tools/qconvert/qconvert
BENCH_HOST=$HOST/tools/octet-bench/octet-bench
BENCH_A64=$BUILD/aarch64/tools/octet-bench/octet-bench
BENCH_A32=$BUILD/armv7/tools/octet-bench/octet-bench
WORK=$BUILD/zoo-e2e
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

for b in "$QCONVERT" "$BENCH_HOST" "$BENCH_A64" "$BENCH_A32"; do
  [ -x "$b" ] || { bad "missing binary $b (build host-asan, aarch64 and armv7 first)"; echo "$pass passed, $fail failed"; exit 1; }
done

if [ -n "${OCTET_ZOO_E2E_NETS:-}" ]; then
  read -r -a nets <<<"$OCTET_ZOO_E2E_NETS"
elif [ "${OCTET_ZOO_ALL:-0}" = 1 ]; then
  nets=(mobilenet_v1_0.25 squeezenet1_1 mobilenet_v2 mobilenet_v1_0.5 mobilenet_v1_0.75 mobilenet_v1_1.0
        squeezenet1_0 resnet50 googlenet vgg19)
else
  nets=(mobilenet_v1_0.25 squeezenet1_1 mobilenet_v2)
fi
echo "zoo-e2e networks: ${nets[*]} (OCTET_ZOO_ALL=1 for the whole zoo)"

if ! zoo=$(bash tools/zoo/ensure_zoo.sh); then bad "zoo generation"; echo "$pass passed, $fail failed"; exit 1; fi
mkdir -p "$WORK/calib" "$WORK/out"
[ -f "$WORK/calib/calib_03.png" ] || /usr/bin/python3 tools/e2e/write_calib_pngs.py "$WORK/calib" 4 224

# run_path NAME EXPECTED_ISA CMD...: runs octet-bench, checks the path, prints the output hashes.
run_path() {
  local name=$1 isa=$2; shift 2
  local log="$WORK/out/$name.log" t0=$SECONDS
  if ! "$@" --runs 1 --warmup 0 --no-timings >"$log" 2>&1; then
    bad "$name: octet-bench failed: $(tail -3 "$log" | tr '\n' ' ')"; return 1
  fi
  if ! grep -qE "^isa: $isa," "$log"; then
    bad "$name: expected isa $isa, got '$(grep '^isa:' "$log")'"; return 1
  fi
  grep '^output ' "$log" | sed -E 's/.*fnv1a64 ([0-9a-f]+).*/\1/' | tr '\n' ' '
  echo "  ($name: $((SECONDS - t0)) s)" >&2
}

A64="qemu-aarch64 -L /usr/aarch64-linux-gnu"
A32="qemu-arm -L /usr/arm-linux-gnueabihf -cpu cortex-a15"
for net in "${nets[@]}"; do
  onnx=$zoo/$net.onnx
  if [ ! -f "$onnx" ]; then  # vgg19 is generated on demand only
    /usr/bin/python3 tools/zoo/make_zoo.py --out "$WORK/extra" --only "$net" >/dev/null 2>&1
    onnx=$WORK/extra/$net.onnx
  fi
  [ -f "$onnx" ] || { bad "$net: no ONNX model (make_zoo.py --only $net failed)"; continue; }
  model=$WORK/$net.octet
  rm -f "$model"
  t0=$SECONDS
  if ! "$QCONVERT" "$onnx" -o "$model" --calib "$WORK/calib" --mean 123.7,116.3,103.5 --std 58.4,57.1,57.4 \
      >"$WORK/out/$net.qconvert.log" 2>&1; then
    bad "$net: qconvert failed: $(grep -iE 'error|unsupported' "$WORK/out/$net.qconvert.log" | head -3 | tr '\n' ' ')"
    continue
  fi
  ok "$net: converted ($((SECONDS - t0)) s)"
  ref=$(run_path "$net.host-ref-t1" ref "$BENCH_HOST" "$model" --isa ref --threads 1) || continue
  [ -n "$ref" ] || { bad "$net: no output hash"; continue; }
  ok "$net: host ref, output hash $ref"
  check() {  # check NAME ISA CMD...
    local name=$1 h
    h=$(run_path "$@") || return
    if [ "$h" = "$ref" ]; then ok "$net: $name bit-identical to host ref"; else bad "$net: $name output hash $h != host ref $ref"; fi
  }
  check "$net.host-ref-t3" ref "$BENCH_HOST" "$model" --isa ref --threads 3
  check "$net.host-simde-t1" "[a-z0-9]+" "$BENCH_HOST" "$model" --threads 1
  check "$net.host-simde-t3" "[a-z0-9]+" "$BENCH_HOST" "$model" --threads 3
  # The ARMv8.0 kernels (Winograd, small-K) through SIMDe: their work split over threads.
  check "$net.host-v80-t3" v80 "$BENCH_HOST" "$model" --isa v80 --threads 3
  check "$net.a53-v80-t1" v80 $A64 -cpu cortex-a53 "$BENCH_A64" "$model" --threads 1
  check "$net.n1-dotprod-t1" dotprod $A64 -cpu neoverse-n1 "$BENCH_A64" "$model" --threads 1
  # The dotprod kernels of in-order cores (qemu has no Cortex-A55): forced on the N1.
  check "$net.n1-dotprod-inorder-t1" dotprod env OCTET_CORE=in-order $A64 -cpu neoverse-n1 "$BENCH_A64" "$model" --threads 1
  for c in n1-dotprod-t1:out-of-order n1-dotprod-inorder-t1:in-order; do
    if grep -q "^core: ${c#*:}$" "$WORK/out/$net.${c%%:*}.log"; then ok "$net: ${c%%:*} ran the ${c#*:} kernels"
    else bad "$net: ${c%%:*}: $(grep '^core:' "$WORK/out/$net.${c%%:*}.log") (expected ${c#*:})"; fi
  done
  check "$net.a15-armv7-t1" armv7 $A32 "$BENCH_A32" "$model" --threads 1
  # qconvert packs for dotprod by default: that path reads every weight from the file in place;
  # the ARMv8.0 path repacks the GEMM weights once at load (the file still runs everywhere).
  if grep -qE "^operators with weights: [1-9][0-9]* read from the file, 0 repacked" "$WORK/out/$net.n1-dotprod-t1.log"; then
    ok "$net: dotprod path loads the --pack dotprod file with no repacking"
  else
    bad "$net: dotprod path repacked weights: $(grep '^operators with weights' "$WORK/out/$net.n1-dotprod-t1.log")"
  fi
  if grep -qE "^operators with weights: [0-9]+ read from the file, [1-9][0-9]* repacked" "$WORK/out/$net.a53-v80-t1.log"; then
    ok "$net: v80 path repacks the dotprod-packed GEMM weights at load"
  else
    bad "$net: v80 path: $(grep '^operators with weights' "$WORK/out/$net.a53-v80-t1.log")"
  fi
done

# octet-bench's own report on the first converted network: JSON parses, one profile row per
# operator, the five counters present (numbers or 'unavailable ...'), latency statistics present.
model=
for net in "${nets[@]}"; do [ -f "$WORK/$net.octet" ] && { model=$WORK/$net.octet; break; }; done
if [ -n "$model" ] && "$BENCH_HOST" "$model" --runs 3 --warmup 1 --pause-ms 5 --profile --perf --json \
    >"$WORK/out/report.json" 2>"$WORK/out/report.err"; then
  if /usr/bin/python3 - "$WORK/out/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r["layers"]) == r["operators"], "profile rows != operators"
assert sum(l["macs"] for l in r["layers"]) == r["macs"] > 0
assert set(r["counters_per_run"]) == {"instructions", "cycles", "l1d_refills", "l2_refills", "branch_misses"}
lat = r["latency_ms"]
assert 0 < lat["min"] <= lat["median"] <= lat["p90"] <= lat["max"] and r["fps"] > 0 and r["peak_rss_kib"] > 0
assert r["arena_bytes"] >= r["arena_lower_bound_bytes"] > 0 and r["weight_bytes"] > 0
assert all(l["weights"] in ("file", "repacked", "") for l in r["layers"])
assert sum(l["weights"] == "repacked" for l in r["layers"]) == r["repacked_operators"]
PY
  then ok "octet-bench --profile --perf --json report"; else bad "octet-bench JSON report: $(head -c 300 "$WORK/out/report.json")"; fi
else
  bad "octet-bench --profile --perf --json failed: $(tail -3 "$WORK/out/report.err" | tr '\n' ' ')"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

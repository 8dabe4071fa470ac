#!/usr/bin/env bash
# The whole-network speed table of bench/README.md, one row per zoo network:
#   bash bench/network_table.sh [NET ...]        (default: every default zoo network)
# For each network: converts the zoo ONNX model (tools/zoo/make_zoo.py, seeded weights) with 4
# synthetic calibration PNGs, then runs octet-bench single-threaded under ../shared/armperf with
# run counts 1 and 2 — ARMv8.0 path on the Cortex-A53 model, dotprod path on the Cortex-A55 and
# Neoverse-N1 models (each armperf profile advertises its core's MIDR, which picks the dotprod
# kernels for in-order or out-of-order cores) — and prints per inference = (count 2) - (count 1): that removes loading,
# weight repacking and process start-up. Also prints, per model, the symbols that take the most
# cycles per inference (the "where it loses" list). JSON files and octet-bench logs stay in $OUT
# for inspection.
# Needs build/aarch64 (octet-bench, aarch64 toolchain build) and a host build with qconvert
# (build/host-asan or build/host; OCTET_QCONVERT overrides).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
ARMPERF=${ARMPERF:-$ROOT/../shared/armperf/armperf}
BENCH=$BUILD/aarch64/tools/octet-bench/octet-bench
OUT=${OUT:-$BUILD/bench-models}
QCONVERT=${OCTET_QCONVERT:-}
if [ -z "$QCONVERT" ]; then
  for q in "$BUILD/host/tools/qconvert/qconvert" "$BUILD/host-asan/tools/qconvert/qconvert"; do
    [ -x "$q" ] && { QCONVERT=$q; break; }
  done
fi
[ -x "$BENCH" ] || { echo "missing $BENCH (build the aarch64 target first)" >&2; exit 1; }
[ -x "${QCONVERT:-}" ] || { echo "no qconvert (build the host target first)" >&2; exit 1; }
[ -x "$ARMPERF" ] || { echo "missing armperf at $ARMPERF" >&2; exit 1; }

nets=("$@")
[ ${#nets[@]} -gt 0 ] || nets=(mobilenet_v1_0.25 mobilenet_v1_0.5 mobilenet_v1_0.75 mobilenet_v1_1.0
                             mobilenet_v2 squeezenet1_0 squeezenet1_1 resnet50 googlenet)
zoo=$(bash "$ROOT/tools/zoo/ensure_zoo.sh")
mkdir -p "$OUT/calib" "$OUT/perf"
[ -f "$OUT/calib/calib_03.png" ] || /usr/bin/python3 "$ROOT/tools/e2e/write_calib_pngs.py" "$OUT/calib" 4 224

echo "| network (MACs) | est. cycles A53 (v80) | MAC/cycle | est. cycles A55 (dotprod) | MAC/cycle | est. cycles N1 (dotprod) | MAC/cycle | insns v80 / dotprod |"
echo "|---|---|---|---|---|---|---|---|"
for net in "${nets[@]}"; do
  onnx=$zoo/$net.onnx
  if [ ! -f "$onnx" ]; then  # vgg19: generated on demand
    /usr/bin/python3 "$ROOT/tools/zoo/make_zoo.py" --out "$OUT/extra" --only "$net" >/dev/null
    onnx=$OUT/extra/$net.onnx
  fi
  model=$OUT/$net.octet
  "$QCONVERT" "$onnx" -o "$model" --calib "$OUT/calib" >"$OUT/perf/$net.qconvert.log" 2>&1 ||
    { echo "| $net | qconvert failed: see $OUT/perf/$net.qconvert.log |"; continue; }
  for r in 1 2; do
    "$ARMPERF" cycles --cpu cortex-a53 --model cortex-a53 --json "$OUT/perf/$net.a53.r$r.json" \
      -- "$BENCH" "$model" --runs $r --warmup 0 --threads 1 --no-timings >"$OUT/perf/$net.a53.r$r.log" 2>&1
    # The dotprod path has a kernel per core class (in-order A55, out-of-order N1), picked by the
    # MIDR that each armperf profile advertises: one run per core.
    "$ARMPERF" cycles --cpu cortex-a55 --model cortex-a55 --json "$OUT/perf/$net.a55.r$r.json" \
      -- "$BENCH" "$model" --runs $r --warmup 0 --threads 1 --no-timings >"$OUT/perf/$net.a55.r$r.log" 2>&1
    "$ARMPERF" cycles --cpu neoverse-n1 --model neoverse-n1 --json "$OUT/perf/$net.n1.r$r.json" \
      -- "$BENCH" "$model" --runs $r --warmup 0 --threads 1 --no-timings >"$OUT/perf/$net.n1.r$r.log" 2>&1
  done
  # octet-bench prints the model's MACs in every run: read them from one already made.
  macs=$(sed -n 's/^MACs per inference: //p' "$OUT/perf/$net.a53.r1.log")
  /usr/bin/python3 - "$OUT/perf/$net" "$net" "$macs" <<'EOF'
import json, sys
base, net, macs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def load(tag, r): return json.load(open(f"{base}.{tag}.r{r}.json"))
a1, a2, n1, n2 = load("a53", 1), load("a53", 2), load("n1", 1), load("n1", 2)
c1, c2 = load("a55", 1), load("a55", 2)
cyc = lambda x, y, m: y["cycles"][m] - x["cycles"][m]
cells = []
for x, y, m in ((a1, a2, "cortex-a53"), (c1, c2, "cortex-a55"), (n1, n2, "neoverse-n1")):
    c = cyc(x, y, m)
    cells += [f"{c / 1e6:.1f} M", f"{macs / c:.2f}"]
ins = f"{(a2['insns'] - a1['insns']) / 1e6:.1f} M / {(n2['insns'] - n1['insns']) / 1e6:.1f} M"
print(f"| {net} ({macs / 1e6:.1f} M) | " + " | ".join(cells) + f" | {ins} |")
# Where the cycles go, per inference (symbols whose count grows from run count 1 to 2).
for x, y, m in ((a1, a2, "cortex-a53"), (c1, c2, "cortex-a55"), (n1, n2, "neoverse-n1")):
    total = cyc(x, y, m)
    before = {s["symbol"]: s["cycles"][m] for s in x["symbols"]}
    rows = sorted(((s["cycles"][m] - before.get(s["symbol"], 0.0), s["symbol"]) for s in y["symbols"]),
                  reverse=True)[:6]
    short = lambda sym: sym.replace("(anonymous namespace)::", "").split("(")[0].replace("octet::", "")
    top = "; ".join(f"{short(sym)} {c / total:.0%}" for c, sym in rows)
    print(f"<!-- {net} {m}: {top} -->", file=sys.stderr)
EOF
done

#!/usr/bin/env bash
# Per-inference est. cycles of one converted model (the speed-table method, one row at a time):
#   bash bench/netcyc.sh OCTET_BENCH MODEL.octet CPU MODELS
#   e.g. bash bench/netcyc.sh build/aarch64/tools/octet-bench/octet-bench build/bench-models/resnet50.octet \
#          neoverse-n1 cortex-a55,neoverse-n1      (dotprod path; cortex-a53 cortex-a53 for v80)
# Runs octet-bench single-threaded under armperf with --runs 1 and 2 and prints the difference.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
A=${ARMPERF:-$ROOT/../shared/armperf/armperf}
B=$1; M=$2; CPU=$3; MO=$4
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for r in 1 2; do
  "$A" cycles --cpu "$CPU" --model "$MO" --sysroot / --json "$T/r$r.json" \
    -- "$B" "$M" --runs $r --warmup 0 --threads 1 --no-timings >/dev/null 2>&1
done
/usr/bin/python3 - "$T/r1.json" "$T/r2.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
print(' '.join(f"{k} {(b['cycles'][k] - a['cycles'][k]) / 1e6:.1f}M" for k in b['cycles']),
      f"insns {(b['insns'] - a['insns']) / 1e6:.1f}M")
PY

#!/usr/bin/env bash
# Per-call est. cycles of one octet-kernel-bench case (OCTET_BENCH_ITERS 2 minus 1):
#   bash bench/percall.sh build/aarch64/bench/octet-kernel-bench conv1x1/dotprod/14x14x512x512 \
#        neoverse-n1 cortex-a55,neoverse-n1
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
A=${ARMPERF:-$ROOT/../shared/armperf/armperf}
B=$1; F=$2; CPU=$3; MO=$4
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for n in 1 2; do
  "$A" cycles --cpu "$CPU" --model "$MO" --sysroot / --json "$T/c$n.json" --env OCTET_BENCH_ITERS=$n \
    -- "$B" --benchmark_filter="^$F(/|\$)" >/dev/null 2>&1
done
/usr/bin/python3 - "$T/c1.json" "$T/c2.json" "$F" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
print(sys.argv[3], ' '.join(f"{k} {(b['cycles'][k] - a['cycles'][k]) / 1e6:.3f}M" for k in b['cycles']),
      f"insns {(b['insns'] - a['insns']) / 1e6:.3f}M")
PY

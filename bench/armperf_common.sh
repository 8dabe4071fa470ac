# Sourced by bench/netcyc.sh and bench/percall.sh: both cost a command under armperf twice, with a
# run count of 1 and of 2, and print the difference (one run, without start-up and loading).
# ARMPERF overrides the armperf location.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARMPERF=${ARMPERF:-$ROOT/../shared/armperf/armperf}
[ -x "$ARMPERF" ] || { echo "missing armperf at $ARMPERF" >&2; exit 1; }
ARMPERF_TMP=$(mktemp -d)
trap 'rm -rf "$ARMPERF_TMP"' EXIT

# armperf_run N CPU MODELS [armperf options] -- COMMAND ARGS...: est. cycles of run count N
# (1 or 2) into $ARMPERF_TMP/rN.json.
armperf_run() {
  local n=$1 cpu=$2 models=$3
  shift 3
  "$ARMPERF" cycles --cpu "$cpu" --model "$models" --sysroot / --json "$ARMPERF_TMP/r$n.json" "$@" \
    >/dev/null 2>&1
}

# armperf_difference DECIMALS [LABEL]: "[LABEL] MODEL xM ... insns xM", run 2 minus run 1 in
# millions.
armperf_difference() {
  /usr/bin/python3 - "$ARMPERF_TMP/r1.json" "$ARMPERF_TMP/r2.json" "$1" "${2:-}" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
digits, label = int(sys.argv[3]), sys.argv[4]
cells = [f"{k} {(b['cycles'][k] - a['cycles'][k]) / 1e6:.{digits}f}M" for k in b['cycles']]
cells.append(f"insns {(b['insns'] - a['insns']) / 1e6:.{digits}f}M")
print(' '.join(([label] if label else []) + cells))
PY
}

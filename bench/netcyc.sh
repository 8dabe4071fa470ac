#!/usr/bin/env bash
# Per-inference est. cycles of one converted model (the speed-table method, one row at a time):
#   bash bench/netcyc.sh OCTET_BENCH MODEL.octet CPU MODELS
#   e.g. bash bench/netcyc.sh build/aarch64/tools/octet-bench/octet-bench build/bench-models/resnet50.octet \
#          neoverse-n1 neoverse-n1      (dotprod path, out-of-order kernels; cortex-a55 cortex-a55 for
#          the in-order ones, cortex-a53 cortex-a53 for the v80 path: each armperf profile advertises
#          its core's MIDR, which picks the kernels)
# Runs octet-bench single-threaded under armperf with --runs 1 and 2 and prints the difference
# (in millions, DECIMALS=1 places unless set).
source "$(dirname "$0")/armperf_common.sh"
B=$1; M=$2; CPU=$3; MO=$4
for r in 1 2; do
  armperf_run $r "$CPU" "$MO" -- "$B" "$M" --runs $r --warmup 0 --threads 1 --no-timings
done
armperf_difference "${DECIMALS:-1}"

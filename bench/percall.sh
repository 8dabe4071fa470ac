#!/usr/bin/env bash
# Per-call est. cycles of one octet-kernel-bench case (OCTET_BENCH_ITERS 2 minus 1):
#   bash bench/percall.sh build/aarch64/bench/octet-kernel-bench conv1x1/dotprod/14x14x512x512 \
#        neoverse-n1 cortex-a55,neoverse-n1
source "$(dirname "$0")/armperf_common.sh"
B=$1; F=$2; CPU=$3; MO=$4
for n in 1 2; do
  armperf_run $n "$CPU" "$MO" --env OCTET_BENCH_ITERS=$n -- "$B" --benchmark_filter="^$F(/|\$)"
done
armperf_difference 3 "$F"

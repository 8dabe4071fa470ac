#!/usr/bin/env bash
# The demo (README "Two commands"): installs what is missing, builds qconvert + octet-run for the
# host and octet-run for aarch64, converts the project's trained Fashion-MNIST model with 200
# calibration images from its training set, then classifies a sample image on the host and under
# qemu-aarch64 (cortex-a53: ARMv8.0 kernels; neoverse-n1: dotprod kernels), printing the top-5 and
# the per-layer profile. Everything goes to build/demo-*; works from a fresh clone.
# Timings under qemu (and SIMDe on x86) say nothing about speed on a board.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JOBS=${JOBS:-$(nproc)}
IMAGE=${1:-models/fashion_mnist/samples/test_0000_ankle_boot.png}
M=models/fashion_mnist
W=build/demo

bash scripts/install-deps.sh
step() { echo; echo "== $*"; }

step "build host (qconvert, octet-run) and aarch64 (octet-run)"
common=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DOCTET_BUILD_TESTS=OFF -DOCTET_BUILD_BENCH=OFF)
cmake -S . -B build/demo-host "${common[@]}" >/dev/null
cmake --build build/demo-host -j "$JOBS" --target qconvert octet-run | tail -1
cmake -S . -B build/demo-aarch64 "${common[@]}" -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-aarch64.cmake" >/dev/null
cmake --build build/demo-aarch64 -j "$JOBS" --target octet-run | tail -1

step "export 200 calibration images from the Fashion-MNIST training set"
mkdir -p "$W"
/usr/bin/python3 tools/fmnist/export_data.py --calib "$W/calib" --count 200

step "convert $M/fmnist_dwsep.onnx (input = pixel / 255)"
build/demo-host/tools/qconvert/qconvert "$M/fmnist_dwsep.onnx" -o "$W/fmnist_dwsep.octet" \
  --calib "$W/calib" --scale 0.00392156862745098 </dev/null 2>&1 | tr '\r' '\n' | grep -v '^\s*$'

run_args=("$W/fmnist_dwsep.octet" "$IMAGE" --labels "$M/labels.txt" --top 5 --profile)
step "host: octet-run ${run_args[*]}"
build/demo-host/tools/octet-run/octet-run "${run_args[@]}"
for cpu in cortex-a53 neoverse-n1; do
  step "aarch64 under qemu-aarch64 -cpu $cpu: octet-run ${run_args[*]}"
  qemu-aarch64 -cpu "$cpu" -L /usr/aarch64-linux-gnu build/demo-aarch64/tools/octet-run/octet-run "${run_args[@]}"
done
echo
echo "demo done: the same int8 model file ran on the host and on two emulated Cortex-A cores."

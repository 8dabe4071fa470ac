#!/usr/bin/env bash
# qconvert's float executor against ONNX Runtime (the float reference users trust) on the
# converter's generated test graphs: max relative error <= 1e-4 per graph. Needs the host build
# (test-all.sh builds it) and node + npm; onnxruntime-node goes into the gitignored build/ort.
# Without node/npm or the registry the suite is skipped ("0 passed, 0 failed").
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-$PWD/build}
HOST=$BUILD/host-asan
RUN=$HOST/tests/convert/convert_float_run
MODELS=$HOST/tests/convert/models
if [ ! -x "$RUN" ] || [ ! -f "$MODELS/stamp" ]; then
  echo "convert-ort: no host build with the converter at $HOST"; echo "0 passed, 1 failed"; exit 1
fi
ORT=$BUILD/ort
if [ ! -d "$ORT/node_modules/onnxruntime-node" ]; then
  if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "convert-ort: node/npm missing, skipped"; echo "0 passed, 0 failed"; exit 0
  fi
  mkdir -p "$ORT"
  if ! (cd "$ORT" && timeout 300 npm install --ignore-scripts --no-audit --no-fund onnxruntime-node >npm.log 2>&1); then
    tail -5 "$ORT/npm.log"; echo "convert-ort: npm install failed, skipped"; echo "0 passed, 0 failed"; exit 0
  fi
fi
# ASan's leak checker trips over node-spawned children only if they leak; keep the defaults.
node tests/convert/ort_compare.js "$ORT" "$MODELS" "$RUN" "$BUILD/convert-ort-work"

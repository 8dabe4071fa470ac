#!/usr/bin/env bash
# qconvert's float executor against ONNX Runtime (the float reference users trust) on the
# converter's generated test graphs: max relative error <= 1e-4 per graph. Needs the host build
# (test-all.sh builds it) and node + npm; onnxruntime-node (pinned by tools/ort/install_ort.sh) goes into build/ort.
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
ORT=${OCTET_ORT_DIR:-$BUILD/ort}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "convert-ort: node/npm missing, skipped"; echo "0 passed, 0 failed"; exit 0
fi
# One pinned install serves this suite and tools/ort (tools/ort/install_ort.sh is idempotent).
if ! OCTET_ORT_DIR=$ORT bash tools/ort/install_ort.sh; then
  echo "convert-ort: ONNX Runtime could not be installed (registry unreachable?), skipped"
  echo "0 passed, 0 failed"; exit 0
fi
node tests/convert/ort_compare.js "$ORT" "$MODELS" "$RUN" "$BUILD/convert-ort-work"

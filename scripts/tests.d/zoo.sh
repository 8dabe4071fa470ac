#!/usr/bin/env bash
# Model zoo suite: MAC/weight counts vs the published figures, onnx.checker and structure checks
# on every default zoo network, determinism of the generator. The default zoo is generated once
# into $BUILD/zoo/models and reused while the generator is unchanged (tools/zoo/ensure_zoo.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-$PWD/build}
if ! dir=$(bash tools/zoo/ensure_zoo.sh); then
  echo "zoo: generating the zoo failed"; echo "0 passed, 1 failed"; exit 1
fi
/usr/bin/python3 tools/zoo/check_zoo.py "$dir"

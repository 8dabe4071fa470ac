#!/usr/bin/env bash
# Generates the default zoo into DIR (default $BUILD/zoo/models, BUILD defaulting to build/) unless
# it is already there from the same generator sources (stamp file = sha256 of the generator).
# Prints DIR on stdout. Used by the zoo and ort test suites and by anyone who needs the models.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-${BUILD:-$ROOT/build}/zoo/models}
stamp=$(cat "$ROOT/tools/zoo/make_zoo.py" "$ROOT/tools/zoo/numpy_ref.py" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$DIR/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -f "$DIR"/*.onnx "$DIR/.stamp"
  mkdir -p "$DIR"
  /usr/bin/python3 "$ROOT/tools/zoo/make_zoo.py" --out "$DIR" --json "$DIR/counts.json" >&2
  echo "$stamp" >"$DIR/.stamp"
fi
echo "$DIR"

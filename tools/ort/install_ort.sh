#!/usr/bin/env bash
# Installs ONNX Runtime for Node (npm onnxruntime-node, pinned) into build/ort (gitignored) or
# $OCTET_ORT_DIR, without running its install scripts (they would download CUDA binaries): the
# npm package itself carries libonnxruntime.so for linux x64 and arm64. Idempotent. Checks that
# the shared library is there and that the binding loads; exits non-zero with a message otherwise.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ORT_VERSION=1.30.0  # the version tests.d/convert-ort.sh also gets: one install serves both suites
DIR=${OCTET_ORT_DIR:-$ROOT/build/ort}
PKG=$DIR/node_modules/onnxruntime-node

check() {
  local arch
  arch=$(node -p process.arch) || { echo "install_ort: node is missing (apt-get install nodejs npm)" >&2; return 1; }
  local so
  so=$(ls "$PKG"/bin/napi-v*/linux/"$arch"/libonnxruntime.so* 2>/dev/null | head -1)
  [ -n "$so" ] || { echo "install_ort: no $PKG/bin/napi-v*/linux/$arch/libonnxruntime.so*: the package does not carry the runtime for linux/$arch" >&2; return 1; }
  node -e "const o = require(process.argv[1]); if (typeof o.InferenceSession?.create !== 'function') process.exit(1);" "$PKG" ||
    { echo "install_ort: $PKG does not load" >&2; return 1; }
}

have=$(node -p "require('$PKG/package.json').version" 2>/dev/null || true)
if [ "$have" = "$ORT_VERSION" ] && check 2>/dev/null; then exit 0; fi
command -v npm >/dev/null || { echo "install_ort: npm is missing (apt-get install npm)" >&2; exit 1; }
mkdir -p "$DIR"
[ -f "$DIR/package.json" ] || echo '{"name": "octet-ort", "private": true}' >"$DIR/package.json"
echo "install_ort: npm install onnxruntime-node@$ORT_VERSION into $DIR" >&2
if ! (cd "$DIR" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error "onnxruntime-node@$ORT_VERSION") >"$DIR/npm-install.log" 2>&1; then
  echo "install_ort: npm install onnxruntime-node@$ORT_VERSION FAILED (no network or registry unreachable?); last lines of $DIR/npm-install.log:" >&2
  tail -5 "$DIR/npm-install.log" >&2
  exit 1
fi
check

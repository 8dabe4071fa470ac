#!/usr/bin/env bash
# The trained Fashion-MNIST model end to end on the host build (test-all.sh builds host-asan):
# qconvert with 200 calibration images exported from the TRAINING set; int8 top-1 on the 10 000
# test images through the runtime within 0.5 point of float top-1 (the converter's float executor,
# recomputed here); octet-run names the right class on every sample image and fails cleanly on a
# bad image and a bad model file.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-$ROOT/build}
HOST=${OCTET_FMNIST_HOST:-$BUILD/host-asan}
QCONVERT=$HOST/tools/qconvert/qconvert
RUN=$HOST/tools/octet-run/octet-run
ACC=$HOST/tests/e2e/fmnist_accuracy
for b in "$QCONVERT" "$RUN" "$ACC"; do
  [ -x "$b" ] || { echo "fmnist-int8: $b not built"; echo "0 passed, 1 failed"; exit 1; }
done
M=$ROOT/models/fashion_mnist
W=$BUILD/fmnist-int8
rm -rf "$W"; mkdir -p "$W"
pass=0; fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }

/usr/bin/python3 tools/fmnist/export_data.py --calib "$W/calib" --count 200 >/dev/null &&
  /usr/bin/python3 tools/fmnist/export_data.py --test "$W/test" >/dev/null ||
  { ko "export Fashion-MNIST data"; echo "$pass passed, $fail failed"; exit 1; }

echo "== qconvert (calibration: 200 training images)"
if "$QCONVERT" "$M/fmnist_dwsep.onnx" -o "$W/fmnist_dwsep.octet" --calib "$W/calib" \
     --scale 0.00392156862745098 </dev/null 2>&1 | tr '\r' '\n' | grep -v '^\s*$' | tail -25 &&
   [ -s "$W/fmnist_dwsep.octet" ]; then
  ok "qconvert fmnist_dwsep.onnx"
else
  ko "qconvert fmnist_dwsep.onnx"; echo "$pass passed, $fail failed"; exit 1
fi

echo "== float vs int8 top-1 on the 10 000 test images"
if "$ACC" "$M/fmnist_dwsep.onnx" "$W/fmnist_dwsep.octet" "$W/test/t10k-images-idx3-ubyte" \
     "$W/test/t10k-labels-idx1-ubyte" --max-drop 0.5; then
  ok "int8 top-1 within 0.5 point of float top-1"
else
  ko "int8 top-1 within 0.5 point of float top-1"
fi

echo "== octet-run on the sample images"
norm() { tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9]+/_/g; s/^_+|_+$//g'; }
for img in "$M"/samples/test_*.png; do
  want=$(basename "$img" .png | sed -E 's/^test_[0-9]+_//')
  out=$("$RUN" "$W/fmnist_dwsep.octet" "$img" --labels "$M/labels.txt" --top 3 2>&1)
  got=$(awk '$1 == "1" { for (i = 2; i < NF - 2; ++i) printf "%s ", $i; exit }' <<<"$out" | norm)
  if [ "$got" = "$want" ]; then ok "octet-run $(basename "$img") -> $got"; else ko "octet-run $(basename "$img"): got '$got'"; echo "$out"; fi
done
out=$("$RUN" "$W/fmnist_dwsep.octet" "$M/labels.txt" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "cannot read image" <<<"$out"; then ok "octet-run rejects a non-image ($out)"; else ko "octet-run on a non-image: rc=$rc $out"; fi
head -c 1000 "$W/fmnist_dwsep.octet" >"$W/truncated.octet"
out=$("$RUN" "$W/truncated.octet" "$M/samples/test_0000_ankle_boot.png" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "cannot load model" <<<"$out"; then ok "octet-run rejects a truncated model ($out)"; else ko "octet-run on a truncated model: rc=$rc $out"; fi
out=$("$RUN" "$W/fmnist_dwsep.octet" "$M/samples/test_0000_ankle_boot.png" --profile --threads 2 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -q "total" <<<"$out"; then ok "octet-run --profile --threads 2"; else ko "octet-run --profile: rc=$rc"; echo "$out"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# ONNX Runtime suite: installs onnxruntime-node (pinned, into build/ort), then runs every default
# zoo network (VGG-19 too with OCTET_ZOO_ALL=1; and the trained Fashion-MNIST model) through ORT and through tools/zoo/numpy_ref.py
# on one seeded input and checks max|numpy - ort| / max|ort| <= 1e-4. An ORT that cannot be
# installed (no network) is a failure, never a silent pass.
set -uo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-$PWD/build}
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

if ! bash tools/ort/install_ort.sh; then
  ko "onnxruntime-node could not be installed (see above): ORT agreement NOT checked"
  echo "$pass passed, $fail failed"; exit 1
fi
ok "onnxruntime-node installed and loads"
if ! dir=$(bash tools/zoo/ensure_zoo.sh); then
  ko "zoo generation"; echo "$pass passed, $fail failed"; exit 1
fi

models=()
for n in squeezenet1_0 squeezenet1_1 mobilenet_v1_0.25 mobilenet_v1_0.5 mobilenet_v1_0.75 mobilenet_v1_1.0 \
         mobilenet_v2 resnet50 googlenet; do models+=("$dir/$n.onnx"); done
models+=(models/fashion_mnist/fmnist_dwsep.onnx)
# VGG-19 (575 MB, generated on demand) only with OCTET_ZOO_ALL=1, like zoo-e2e.sh.
if [ "${OCTET_ZOO_ALL:-0}" = 1 ]; then
  extra=$BUILD/zoo-e2e/extra
  [ -f "$extra/vgg19.onnx" ] || /usr/bin/python3 tools/zoo/make_zoo.py --out "$extra" --only vgg19 >/dev/null
  models+=("$extra/vgg19.onnx")
fi
for m in "${models[@]}"; do
  if out=$(/usr/bin/python3 tools/ort/ort_check.py "$m" --numpy-ref --tol 1e-4 2>&1); then ok "$out"; else ko "$out"; fi
done

# octet's own float graph (qconvert's ONNX import, passes and float executor, the calibration
# reference) against ORT on GoogLeNet, the zoo network with LRN; the converter's small op graphs
# are checked the same way by convert-ort.sh. Needs the host build (test-all.sh makes it).
float_run=$BUILD/host-asan/tests/convert/convert_float_run
float_nets=(googlenet)
[ "${OCTET_ZOO_ALL:-0}" = 1 ] && float_nets+=(vgg19)
for n in "${float_nets[@]}"; do
  [ "$n" = vgg19 ] && onnx=$BUILD/zoo-e2e/extra/vgg19.onnx || onnx=$dir/$n.onnx
  if [ ! -x "$float_run" ]; then ko "$n octet float executor: no $float_run (build host-asan first)"; continue; fi
  if out=$(/usr/bin/python3 tools/ort/ort_check.py "$onnx" --tol 1e-4 \
      --engine "$float_run {model} {input} {output}" 2>&1)
  then ok "$n octet float executor vs ORT: $out"; else ko "$n octet float executor vs ORT: $out"; fi
done

# The --engine path other engines use: numpy_ref.py's command line passes, a wrong answer fails.
m025="$dir/mobilenet_v1_0.25.onnx"
if out=$(/usr/bin/python3 tools/ort/ort_check.py "$m025" --engine "/usr/bin/python3 tools/zoo/numpy_ref.py {model} {input} {output}" 2>&1)
then ok "--engine numpy_ref.py CLI: $out"; else ko "--engine numpy_ref.py CLI: $out"; fi
/usr/bin/python3 tools/ort/ort_check.py "$m025" --engine "head -c 4000 /dev/zero > {output}" >/dev/null 2>&1
rc=$?; if [ $rc -eq 1 ]; then ok "--engine with an all-zero answer fails (exit 1)"; else ko "--engine all-zero answer: exit $rc, want 1"; fi

# The harness must refuse a wrong-sized input rather than run on garbage.
tmp=$(mktemp -d)
head -c 100 /dev/zero >"$tmp/short.bin"
if node tools/ort/run_ort.js "$dir/mobilenet_v1_0.25.onnx" "$tmp/short.bin" "$tmp/out.bin" 2>"$tmp/err"; then
  ko "run_ort.js accepted a 100-byte input"
else
  ok "run_ort.js refuses a wrong-sized input: $(cat "$tmp/err")"
fi
rm -rf "$tmp"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# Model zoo suite: MAC/weight counts vs the published figures, onnx.checker and structure checks
# on every default zoo network, determinism of the generator (tools/zoo/check_zoo.py); the
# trained Fashion-MNIST model's float accuracy and the data export formats
# (tools/fmnist/check_fmnist.py). The default zoo is generated once into $BUILD/zoo/models and
# reused while the generator is unchanged (tools/zoo/ensure_zoo.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-$PWD/build}
pass=0; fail=0
tally() {  # tally LOG: add the "N passed, M failed" of a checker's last line
  local line; line=$(tail -1 "$1")
  if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    pass=$((pass + BASH_REMATCH[1])); fail=$((fail + BASH_REMATCH[2]))
  else
    fail=$((fail + 1)); echo "FAIL $2 ended without a result line"
  fi
}
log=$(mktemp)
if dir=$(bash tools/zoo/ensure_zoo.sh); then
  /usr/bin/python3 tools/zoo/check_zoo.py "$dir" 2>&1 | tee "$log"; tally "$log" check_zoo.py
else
  echo "FAIL zoo generation"; fail=$((fail + 1))
fi
/usr/bin/python3 tools/fmnist/check_fmnist.py 2>&1 | tee "$log"; tally "$log" check_fmnist.py
rm -f "$log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

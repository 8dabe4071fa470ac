#!/usr/bin/env bash
# A real pretrained model on real photos (developer check, not part of the test suite: a user's
# clone has no ../shared):
#   bash tools/e2e/real_model_check.sh [SHARED_MODELS_DIR] [QCONVERT_OPTIONS...]
# 1. splits the photos: every third (sorted by name) calibrates, the others are held out;
# 2. qconvert with --eval on the held-out photos: per-layer and output SQNR, top-1 agreement and
#    KL divergence of int8 against the float graph (the report qconvert prints);
# 3. the float graph against ONNX Runtime on the first 16 held-out photos (max relative error of
#    the logits and argmax), the float semantics users trust; needs python3-pil and node.
# Default model: ../shared/models/nsfw_mobilenet_v2_224_logits.onnx (MobileNetV2, RGB / 255).
# Needs the host build (build/host: qconvert and tests/convert/convert_float_run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${1:-$ROOT/../shared/models}
shift || true
MODEL=$SHARED/nsfw_mobilenet_v2_224_logits.onnx
PHOTOS=$SHARED/photos
QCONVERT=$ROOT/build/host/tools/qconvert/qconvert
FLOAT_RUN=$ROOT/build/host/tests/convert/convert_float_run
WORK=${WORK:-$ROOT/build/real-model}
[ -f "$MODEL" ] && [ -d "$PHOTOS" ] || { echo "no $MODEL or $PHOTOS" >&2; exit 1; }
[ -x "$QCONVERT" ] || { echo "build the host tools first: cmake --build build/host" >&2; exit 1; }

rm -rf "$WORK" && mkdir -p "$WORK/calib" "$WORK/eval" "$WORK/ort"
i=0
for f in $(ls "$PHOTOS" | sort); do
  if [ $((i % 3)) -eq 0 ]; then ln -s "$PHOTOS/$f" "$WORK/calib/$f"; else ln -s "$PHOTOS/$f" "$WORK/eval/$f"; fi
  i=$((i + 1))
done
echo "calibration: $(ls "$WORK/calib" | wc -l) photos, held out: $(ls "$WORK/eval" | wc -l)"
"$QCONVERT" "$MODEL" -o "$WORK/model.octet" --calib "$WORK/calib" --eval "$WORK/eval" \
  --scale 0.00392157 --report "$WORK/report.json" "$@" | grep -E "^output|^runtime check|^wrote"

if ! /usr/bin/python3 -c "import PIL" 2>/dev/null || ! command -v node >/dev/null || [ ! -x "$FLOAT_RUN" ]; then
  echo "float graph vs ONNX Runtime: skipped (needs python3-pil, node and $FLOAT_RUN)"
  exit 0
fi
ORT=${OCTET_ORT_DIR:-$ROOT/build/ort}
OCTET_ORT_DIR=$ORT bash "$ROOT/tools/ort/install_ort.sh" >/dev/null

for f in $(ls "$WORK/eval" | head -16); do
  base=$WORK/ort/$f
  # Shorter side to 224, centre crop, RGB / 255, NCHW float32.
  /usr/bin/python3 - "$WORK/eval/$f" "$base.in" <<'PY'
import sys
import numpy as np
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
w, h = im.size
s = 224 / min(w, h)
im = im.resize((max(224, round(w * s)), max(224, round(h * s))), Image.BILINEAR)
w, h = im.size
x0, y0 = (w - 224) // 2, (h - 224) // 2
a = np.asarray(im.crop((x0, y0, x0 + 224, y0 + 224)), dtype=np.float32) / 255.0
a.transpose(2, 0, 1).copy().tofile(sys.argv[2])
PY
  OCTET_ORT_DIR=$ORT node "$ROOT/tools/ort/run_ort.js" "$MODEL" "$base.in" "$base.ort" >/dev/null
  "$FLOAT_RUN" "$MODEL" "$base.in" "$base.octet"
  /usr/bin/python3 - "$base.ort" "$base.octet" "$f" <<'PY'
import sys
import numpy as np
a, b = (np.fromfile(p, dtype=np.float32) for p in sys.argv[1:3])
rel = float(np.abs(a - b).max() / np.abs(a).max())
print(f"  {sys.argv[3]:<44} float vs ORT rel {rel:.1e}, argmax {a.argmax()} / {b.argmax()}")
sys.exit(0 if rel <= 1e-4 and a.argmax() == b.argmax() else 1)
PY
done

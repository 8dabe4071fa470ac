#!/usr/bin/python3
"""Checks for the trained Fashion-MNIST model and its data exports (run by scripts/tests.d/zoo.sh):

  * models/fashion_mnist/fmnist_dwsep.onnx passes onnx.checker, opset 13, input [1,1,28,28],
    output [1,10], only operators octet converts;
  * its float top-1 on the 10 000 test images, computed here with tools/zoo/numpy_ref.py (no torch),
    equals the figure stated in models/fashion_mnist/README.md (to the 0.01 % printed) and is >= 0.88;
  * export_data.py: calibration PNGs decode to the training images named in their file names,
    the IDX test export round-trips, the committed samples are the test images they name, and
    labels.txt matches.

Last line: "N passed, M failed"; exit status 1 on any failure.
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "zoo"))
from fmnist import idx  # noqa: E402
from fmnist.export_data import read_png_gray  # noqa: E402

MODEL_DIR = os.path.join(ROOT, "models", "fashion_mnist")
MODEL = os.path.join(MODEL_DIR, "fmnist_dwsep.onnx")
ALLOWED_OPS = {"Conv", "BatchNormalization", "Relu", "Clip", "MaxPool", "AveragePool",
               "GlobalAveragePool", "Gemm", "Flatten", "Reshape", "Concat", "Add", "Dropout",
               "Softmax", "Constant"}

passed = failed = 0


def check(ok, what):
    global passed, failed
    passed, failed = passed + bool(ok), failed + (not ok)
    print(f"{'PASS' if ok else 'FAIL'} {what}")


def float_top1(model, images, labels, batch=500):
    import numpy_ref
    name, _ = numpy_ref.input_shape(model)
    correct = 0
    for i in range(0, len(images), batch):
        x = images[i:i + batch, None].astype(np.float32) / 255.0
        logits = numpy_ref.run_model(model, {name: x})[0]
        correct += int((logits.argmax(1) == labels[i:i + batch]).sum())
    return correct / len(images)


def main():
    import onnx
    te_x, te_y = idx.load("t10k")
    tr_x, tr_y = idx.load("train")

    m = onnx.load(MODEL)
    try:
        onnx.checker.check_model(m, full_check=True)
        check(True, "fmnist_dwsep.onnx: onnx.checker (full_check)")
    except Exception as e:  # noqa: BLE001
        check(False, f"fmnist_dwsep.onnx: onnx.checker: {e}")
    ops = {n.op_type for n in m.graph.node}
    dims = lambda vi: [d.dim_value for d in vi.type.tensor_type.shape.dim]  # noqa: E731
    init = {t.name for t in m.graph.initializer}
    inputs = [i for i in m.graph.input if i.name not in init]
    check(m.opset_import[0].version == 13 and not ops - ALLOWED_OPS and len(inputs) == 1
          and dims(inputs[0]) == [1, 1, 28, 28] and dims(m.graph.output[0]) == [1, 10],
          f"fmnist_dwsep.onnx: opset {m.opset_import[0].version}, input {dims(inputs[0])}, "
          f"output {dims(m.graph.output[0])}, operators {sorted(ops)}")

    acc = float_top1(m, te_x, te_y)
    readme = open(os.path.join(MODEL_DIR, "README.md")).read()
    stated = re.search(r"float test top-1[^0-9]*([0-9]+\.[0-9]+) ?%", readme)
    stated = float(stated.group(1)) / 100 if stated else None
    check(stated is not None and abs(acc - stated) < 0.00005 and acc >= 0.88,
          f"float top-1 over 10000 test images (numpy_ref on the ONNX file) {100 * acc:.2f} % "
          f"== README {'missing' if stated is None else f'{100 * stated:.2f} %'}, >= 88 %")

    with tempfile.TemporaryDirectory(prefix="octet-fmnist-") as d:
        tool = os.path.join(HERE, "export_data.py")
        r = subprocess.run([sys.executable, tool, "--calib", os.path.join(d, "calib"), "--count", "30",
                            "--test", os.path.join(d, "test")], capture_output=True, text=True)
        check(r.returncode == 0, f"export_data.py --calib --test ran: {r.stdout.strip() or r.stderr.strip()}")
        if r.returncode == 0:
            files = sorted(os.listdir(os.path.join(d, "calib")))
            ok = len(files) == 30
            classes = set()
            for f in files:
                i, label = map(int, re.match(r"train_(\d{5})_(\d)\.png$", f).groups())
                img = read_png_gray(os.path.join(d, "calib", f))
                ok &= img.shape == (28, 28) and np.array_equal(img, tr_x[i]) and tr_y[i] == label
                classes.add(label)
            check(ok and len(classes) == 10, f"calibration PNGs: {len(files)} files, all 10 classes, "
                  "decode to the named training images")
            x = idx.read_idx(os.path.join(d, "test", "t10k-images-idx3-ubyte"))
            y = idx.read_idx(os.path.join(d, "test", "t10k-labels-idx1-ubyte"))
            head = open(os.path.join(d, "test", "t10k-images-idx3-ubyte"), "rb").read(16)
            check(head == bytes.fromhex("00000803" "00002710" "0000001c" "0000001c")
                  and np.array_equal(x, te_x) and np.array_equal(y, te_y),
                  "test export: IDX header 0x803/10000/28/28, images and labels round-trip")

    samples = sorted(os.listdir(os.path.join(MODEL_DIR, "samples")))
    ok = len(samples) >= 8
    for f in samples:
        i = int(re.match(r"test_(\d{4})_", f).group(1))
        ok &= np.array_equal(read_png_gray(os.path.join(MODEL_DIR, "samples", f)), te_x[i])
    check(ok, f"{len(samples)} committed sample PNGs are the test images they name")
    labels = open(os.path.join(MODEL_DIR, "labels.txt")).read().splitlines()
    check(labels == idx.LABELS, "labels.txt lists the 10 Fashion-MNIST classes in label order")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Checks for the model zoo (run by scripts/tests.d/zoo.sh):

  * MAC and weight counts of every network (vgg19 from the topology only) against the published
    figures, each within a stated tolerance;
  * every generated model passes onnx.checker (full check, with shape inference), uses only the
    allowed operators at opset 13, has the paper's input size and a [1, 1000] output;
  * MACs and weights recounted independently from each ONNX file equal the generator's figures;
  * the activations of the generator's forward pass are finite and in a sane range;
  * generation is deterministic: `--only NAME` rewrites a byte-identical file.

    /usr/bin/python3 tools/zoo/check_zoo.py ZOO_DIR
Last line: "N passed, M failed"; exit status 1 on any failure.
"""
import filecmp
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_zoo  # noqa: E402

M, K = 1e6, 1e3
# (network, quantity, published value, tolerance (absolute), source)
PUBLISHED = [
    ("mobilenet_v1_1.0", "macs", 569 * M, 0.01 * 569 * M, "Howard et al. 2017, Table 8: 569 M mult-adds"),
    ("mobilenet_v1_1.0", "weights", 4.2 * M, 0.05 * M, "Howard et al. 2017, Table 8: 4.2 M parameters"),
    ("mobilenet_v1_0.75", "macs", 325 * M, 0.01 * 325 * M, "Howard et al. 2017, Table 6"),
    ("mobilenet_v1_0.75", "weights", 2.6 * M, 0.05 * M, "Howard et al. 2017, Table 6"),
    ("mobilenet_v1_0.5", "macs", 149 * M, 0.01 * 149 * M, "Howard et al. 2017, Table 6"),
    ("mobilenet_v1_0.5", "weights", 1.3 * M, 0.05 * M, "Howard et al. 2017, Table 6"),
    ("mobilenet_v1_0.25", "macs", 41 * M, 0.01 * 41 * M, "Howard et al. 2017, Table 6"),
    ("mobilenet_v1_0.25", "weights", 0.5 * M, 0.05 * M, "Howard et al. 2017, Table 6"),
    ("mobilenet_v2", "macs", 300 * M, 0.01 * 300 * M, "Sandler et al. 2018, Table 4: 300 M"),
    ("mobilenet_v2", "weights", 3.4 * M, 0.05 * 3.4 * M, "Sandler et al. 2018, Table 4: 3.4 M"),
    ("squeezenet1_1", "macs", 350 * M, 0.01 * 350 * M, "SqueezeNet v1.1 release notes: ~350 M (issue 6: 349 M)"),
    ("squeezenet1_1", "weights", 1.24 * M, 0.01 * M, "SqueezeNet v1.1 release: 1.24 M parameters"),
    ("squeezenet1_0", "weights", 1248424, 0.001 * 1248424, "Iandola et al. 2016, Table 1: 1,248,424"),
    ("resnet50", "macs", 4.1e9, 0.01 * 4.1e9, "issue 6: ~4.1 G (4089 M; stride on the 3x3 conv)"),
    ("resnet50", "weights", 25.5 * M, 0.1 * M, "torchvision: 25.5 M (25,557,032)"),
    ("googlenet", "macs", 1.5e9, 0.1 * 1.5e9, "Szegedy et al. 2015: ~1.5 G multiply-adds budget"),
    ("googlenet", "weights", 6.8 * M, 0.05 * 6.8 * M, "Szegedy et al. 2015, Table 1: 6.8 M"),
    ("vgg19", "macs", 19.6e9, 0.01 * 19.6e9, "Simonyan & Zisserman 2015 / issue 6: 19.6 G"),
    ("vgg19", "weights", 143.7 * M, 0.1 * M, "Simonyan & Zisserman 2015, Table 2: 144 M; 143,667,240"),
]
# Exact parameter counts of the reference implementations (same counting convention).
EXACT = [
    ("mobilenet_v1_1.0", "weights", 4231976, "Keras MobileNet(alpha=1.0) trainable parameters"),
    ("mobilenet_v2", "weights", 3504872, "torchvision mobilenet_v2"),
    ("resnet50", "weights", 25557032, "torchvision resnet50"),
    ("squeezenet1_0", "weights", 1248424, "torchvision squeezenet1_0"),
    ("squeezenet1_1", "weights", 1235496, "torchvision squeezenet1_1"),
    ("vgg19", "weights", 143667240, "torchvision vgg19"),
]
ALLOWED_OPS = {"Conv", "BatchNormalization", "Relu", "Clip", "MaxPool", "AveragePool",
               "GlobalAveragePool", "Gemm", "Flatten", "Reshape", "Concat", "Add", "Dropout",
               "Softmax", "LRN"}

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {what}")
    else:
        failed += 1
        print(f"FAIL {what}")


def recount(model):
    """MACs and weights recomputed from an ONNX file alone (inferred shapes, initializer sizes)."""
    import onnx
    from onnx import numpy_helper
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    macs = weights = 0
    for node in model.graph.node:
        if node.op_type == "Conv":
            w = init[node.input[1]]
            macs += int(np.prod(shapes[node.output[0]])) * int(np.prod(w.shape[1:]))
            weights += sum(init[i].size for i in node.input[1:])
        elif node.op_type == "Gemm":
            w = init[node.input[1]]
            macs += int(np.prod(shapes[node.output[0]])) * (w.shape[1] if _attr(node, "transB") else w.shape[0])
            weights += sum(init[i].size for i in node.input[1:])
        elif node.op_type == "BatchNormalization":
            weights += init[node.input[1]].size + init[node.input[2]].size
    return macs, weights


def _attr(node, name, default=0):
    import onnx
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def main():
    import onnx
    zoo = sys.argv[1]
    topo = {}
    for name in make_zoo.ALL_NETS:
        net, _ = make_zoo.build(name, materialize=False)
        topo[name] = {"macs": net.macs, "weights": net.weights}
        print(f"  {name:18s} {net.macs / 1e6:9.1f} M MACs  {net.weights / 1e6:8.3f} M weights")
    for name, q, pub, tol, src in PUBLISHED:
        got = topo[name][q]
        check(abs(got - pub) <= tol, f"{name} {q} {got:,} vs published {pub:,.0f} +- {tol:,.0f} ({src})")
    for name, q, pub, src in EXACT:
        check(topo[name][q] == pub, f"{name} {q} {topo[name][q]:,} == {pub:,} ({src})")

    with open(os.path.join(zoo, "counts.json")) as f:
        gen = json.load(f)
    for name in make_zoo.DEFAULT_NETS:
        path = os.path.join(zoo, name + ".onnx")
        if not os.path.exists(path):
            check(False, f"{path} exists")
            continue
        m = onnx.load(path)
        try:  # on the loaded proto: onnx 1.12's check_model(path, full_check=True) rewrites the file
            onnx.checker.check_model(m, full_check=True)
            check(True, f"{name}: onnx.checker (full_check)")
        except Exception as e:  # noqa: BLE001
            check(False, f"{name}: onnx.checker: {e}")
        ops = {n.op_type for n in m.graph.node}
        bad = ops - (ALLOWED_OPS if name == "googlenet" else ALLOWED_OPS - {"LRN"})  # LRN: GoogLeNet only
        check(not bad and m.opset_import[0].version == 13, f"{name}: opset {m.opset_import[0].version}, operators {sorted(ops)}")
        size, _ = make_zoo.topology(name)
        in_dims = [d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim]
        out_dims = [d.dim_value for d in m.graph.output[0].type.tensor_type.shape.dim]
        check(in_dims == [1, 3, size, size] and out_dims == [1, 1000], f"{name}: input {in_dims}, output {out_dims}")
        macs, weights = recount(m)
        check(macs == topo[name]["macs"] == gen[name]["macs"] and weights == topo[name]["weights"] == gen[name]["weights"],
              f"{name}: recount from the file {macs:,} MACs {weights:,} weights == generator's")
        amax = gen[name].get("max_abs_activation", float("nan"))
        check(gen[name].get("finite") and 1.0 < amax < 100.0, f"{name}: activations finite, max |x| {amax:.1f} in (1, 100)")

    with tempfile.TemporaryDirectory(prefix="octet-zoo-") as d:
        name = "mobilenet_v1_0.25"
        r = subprocess.run([sys.executable, os.path.join(HERE, "make_zoo.py"), "--out", d, "--only", name],
                           capture_output=True, text=True)
        same = r.returncode == 0 and filecmp.cmp(os.path.join(d, name + ".onnx"), os.path.join(zoo, name + ".onnx"), shallow=False)
        check(same, f"{name}: --only regenerates a byte-identical file")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

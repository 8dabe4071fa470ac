#!/usr/bin/python3
"""Compare a float result against ONNX Runtime (tools/ort/run_ort.js) on one input.

    # ORT vs this repo's numpy reference, seeded image-like input:
    /usr/bin/python3 tools/ort/ort_check.py MODEL.onnx --numpy-ref
    # ORT vs any other engine's output (e.g. octet's float executor) on a given input:
    /usr/bin/python3 tools/ort/ort_check.py MODEL.onnx --input IN.bin --against OUT.bin
    # run another engine's command on the seeded input ({model} {input} {output} substituted):
    /usr/bin/python3 tools/ort/ort_check.py MODEL.onnx --engine "build/host/tools/my-float-run {model} {input} {output}"
    # just write the seeded input (and ORT's output) for another engine to consume:
    /usr/bin/python3 tools/ort/ort_check.py MODEL.onnx --write-input IN.bin --write-ort OUT.bin

All .bin files are raw little-endian float32 (NCHW input, the model's first output), no header.
Agreement metric: rel = max|x - ort| / max|ort| over the output tensor (error relative to the
output's scale; elementwise relative error is meaningless near zero). Exit 0 when rel <= --tol
(default 1e-4), 1 when above, 2 on usage or runtime errors.

From Python: `from ort_check import run_ort, seeded_input, compare` (add tools/ort to sys.path).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "zoo"))


def model_input_shape(model_path):
    import onnx
    m = onnx.load(model_path, load_external_data=False)
    init = {t.name for t in m.graph.initializer}
    inp = [i for i in m.graph.input if i.name not in init][0]
    return [d.dim_value for d in inp.type.tensor_type.shape.dim]


def seeded_input(shape, seed=1):
    """The image-like input the zoo tests use (ImageNet-normalised range); any NCHW shape."""
    from make_zoo import structured_input
    return structured_input(tuple(shape), np.random.default_rng(seed))


def run_ort(model_path, x, threads=1, opt="all"):
    """ONNX Runtime's first output for input x (float32 array shaped like the model input)."""
    x = np.ascontiguousarray(x, dtype="<f4")
    with tempfile.TemporaryDirectory(prefix="octet-ort-") as d:
        inp, out = os.path.join(d, "in.bin"), os.path.join(d, "out.bin")
        x.tofile(inp)
        cmd = ["node", os.path.join(HERE, "run_ort.js"), model_path, inp, out,
               "--shape", ",".join(map(str, x.shape)), "--threads", str(threads), "--opt", opt]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"run_ort.js failed ({r.returncode}): {r.stderr.strip()}")
        return np.fromfile(out, dtype="<f4")


def run_numpy_ref(model_path, x, float64=False):
    import onnx
    import numpy_ref
    m = onnx.load(model_path)
    name, _ = numpy_ref.input_shape(m)
    y = numpy_ref.run_model(m, {name: x}, np.float64 if float64 else np.float32)[0]
    return y.astype(np.float32).ravel()


def run_engine(template, model_path, x):
    """Runs a shell command template ({model}, {input}, {output} replaced) on x; returns its output."""
    import shlex
    with tempfile.TemporaryDirectory(prefix="octet-engine-") as d:
        inp, out = os.path.join(d, "in.bin"), os.path.join(d, "out.bin")
        np.ascontiguousarray(x, dtype="<f4").tofile(inp)
        cmd = template.format(model=shlex.quote(model_path), input=shlex.quote(inp), output=shlex.quote(out))
        r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"engine command failed ({r.returncode}): {cmd}: {r.stderr.strip()[-500:]}")
        return np.fromfile(out, dtype="<f4")


def compare(x, ref):
    """{'rel': max|x-ref|/max|ref|, 'max_abs': ..., 'argmax_equal': bool} for flat arrays."""
    x, ref = np.asarray(x, np.float64).ravel(), np.asarray(ref, np.float64).ravel()
    if x.shape != ref.shape:
        raise ValueError(f"{x.size} values vs {ref.size} from ORT")
    if not np.all(np.isfinite(x)):
        return {"rel": float("inf"), "max_abs": float("inf"), "argmax_equal": False}
    diff = np.abs(x - ref).max()
    return {"rel": float(diff / max(np.abs(ref).max(), 1e-30)), "max_abs": float(diff),
            "argmax_equal": bool(x.argmax() == ref.argmax())}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--input", help="raw float32 input (default: seeded image-like input)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--against", help="raw float32 output of another engine to check against ORT")
    ap.add_argument("--engine", help="command template run with {model} {input} {output} replaced")
    ap.add_argument("--numpy-ref", action="store_true", help="check tools/zoo/numpy_ref.py against ORT")
    ap.add_argument("--float64", action="store_true", help="numpy reference in float64")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--write-input", help="write the input used here")
    ap.add_argument("--write-ort", help="write ORT's output")
    args = ap.parse_args()
    try:
        shape = model_input_shape(args.model)
        x = np.fromfile(args.input, "<f4").reshape(shape) if args.input else seeded_input(shape, args.seed)
        if args.write_input:
            x.astype("<f4").tofile(args.write_input)
        y_ort = run_ort(args.model, x, args.threads)
        if args.write_ort:
            y_ort.tofile(args.write_ort)
        if args.engine:
            other, label = run_engine(args.engine, args.model, x), args.engine.split()[0]
        elif args.against:
            other, label = np.fromfile(args.against, "<f4"), args.against
        elif args.numpy_ref:
            other, label = run_numpy_ref(args.model, x, args.float64), "numpy_ref"
        else:
            print(f"{os.path.basename(args.model)}: ORT output {y_ort.size} values, max {y_ort.max():.6g}")
            return 0
        c = compare(other, y_ort)
    except Exception as e:  # noqa: BLE001 — one clear line for the caller
        print(f"ort_check: {e}", file=sys.stderr)
        return 2
    ok = c["rel"] <= args.tol
    print(f"{os.path.basename(args.model)}: {label} vs ORT rel {c['rel']:.3e} (max abs {c['max_abs']:.3e}, "
          f"argmax {'same' if c['argmax_equal'] else 'DIFFERENT'}) tol {args.tol:g}: {'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

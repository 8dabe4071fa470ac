#!/usr/bin/python3
"""Pure-numpy float reference for the ONNX operators the zoo uses (NCHW, opset 13).

An independent second opinion next to ONNX Runtime: convolution is im2col + matmul written
here, pooling/LRN/softmax follow the ONNX operator spec directly. The zoo generator also uses
these functions for the forward pass that sets BatchNorm statistics.

    /usr/bin/python3 tools/zoo/numpy_ref.py MODEL.onnx INPUT.bin OUTPUT.bin [--float64]

INPUT.bin / OUTPUT.bin: raw little-endian float32, NCHW, no header (the shape comes from the
model's graph input; the first graph output is written).
"""
import argparse
import sys

import numpy as np


# ---------------------------------------------------------------- operators (NCHW)

def _pad_nchw(x, pads, value=0.0):
    """pads: ONNX order [top, left, bottom, right]."""
    t, l, b, r = pads
    if not any(pads):
        return x
    return np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)), constant_values=value)


def _out_size(size, k, stride, pad_begin, pad_end, dilation=1):
    return (size + pad_begin + pad_end - dilation * (k - 1) - 1) // stride + 1


def im2col(x, kh, kw, strides, pads, dilations=(1, 1), pad_value=0.0):
    """x [N, C, H, W] -> columns [N, C, kh*kw, Ho*Wo] (channel-major, then kernel row, column)."""
    n, c, h, w = x.shape
    sh, sw = strides
    dh, dw = dilations
    ho = _out_size(h, kh, sh, pads[0], pads[2], dh)
    wo = _out_size(w, kw, sw, pads[1], pads[3], dw)
    xp = _pad_nchw(x, pads, pad_value)
    cols = np.empty((n, c, kh * kw, ho * wo), dtype=x.dtype)
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dh, kx * dw
            patch = xp[:, :, y0:y0 + sh * (ho - 1) + 1:sh, x0:x0 + sw * (wo - 1) + 1:sw]
            cols[:, :, ky * kw + kx, :] = patch.reshape(n, c, ho * wo)
    return cols, ho, wo


def conv(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0), group=1, dilations=(1, 1)):
    """ONNX Conv. x [N, C, H, W], w [M, C/group, kh, kw], b [M]."""
    n, c, _, _ = x.shape
    m, cg, kh, kw = w.shape
    if cg * group != c or m % group:
        raise ValueError(f"conv: input channels {c}, weight {w.shape}, group {group}")
    mg = m // group
    cols, ho, wo = im2col(x, kh, kw, strides, pads, dilations)
    if group == c and mg == 1:  # depthwise: one kh*kw dot product per channel and pixel
        y = np.einsum("ck,nckp->ncp", w.reshape(c, kh * kw), cols)
    else:  # per group: [mg, cg*kh*kw] x [cg*kh*kw, Ho*Wo]
        cols = cols.reshape(n, group, cg * kh * kw, ho * wo)
        y = np.matmul(w.reshape(group, mg, cg * kh * kw), cols)
    y = y.reshape(n, m, ho, wo)
    if b is not None:
        y = y + b.reshape(1, m, 1, 1).astype(y.dtype)
    return y


def batch_norm(x, scale, bias, mean, var, epsilon=1e-5):
    shape = (1, -1, 1, 1)
    inv = (scale / np.sqrt(var + epsilon)).astype(x.dtype)
    return (x - mean.reshape(shape).astype(x.dtype)) * inv.reshape(shape) + bias.reshape(shape).astype(x.dtype)


def relu(x):
    return np.maximum(x, 0).astype(x.dtype)


def clip(x, lo, hi):
    return np.clip(x, lo, hi).astype(x.dtype)


def _pool(x, kernel, strides, pads, reduce):
    n, c, _, _ = x.shape
    cols, ho, wo = im2col(x, kernel[0], kernel[1], strides, pads, pad_value=np.nan)
    return reduce(cols).reshape(n, c, ho, wo)


def max_pool(x, kernel, strides, pads=(0, 0, 0, 0)):
    """ONNX MaxPool (ceil_mode 0): padding never wins the max."""
    return _pool(x, kernel, strides, pads, lambda cols: np.nanmax(cols, axis=2))


def average_pool(x, kernel, strides, pads=(0, 0, 0, 0), count_include_pad=0):
    if count_include_pad:
        n_taps = kernel[0] * kernel[1]
        return _pool(x, kernel, strides, pads, lambda cols: np.nansum(cols, axis=2) / n_taps)
    return _pool(x, kernel, strides, pads, lambda cols: np.nanmean(cols, axis=2))


def global_average_pool(x):
    return x.mean(axis=(2, 3), keepdims=True)


def gemm(a, b, c=None, alpha=1.0, beta=1.0, trans_a=0, trans_b=0):
    a = a.T if trans_a else a
    b = b.T if trans_b else b
    y = alpha * (a @ b)
    if c is not None:
        y = y + beta * c
    return y.astype(a.dtype)


def flatten(x, axis=1):
    lead = int(np.prod(x.shape[:axis])) if axis else 1
    return x.reshape(lead, -1)


def reshape(x, shape):
    shape = [x.shape[i] if s == 0 else int(s) for i, s in enumerate(shape)]
    return x.reshape(shape)


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def lrn(x, size, alpha=1e-4, beta=0.75, bias=1.0):
    """ONNX LRN: across channels, window [c - floor((size-1)/2), c + ceil((size-1)/2)]."""
    c = x.shape[1]
    sq = x * x
    lo, hi = (size - 1) // 2, (size - 1 + 1) // 2
    padded = np.pad(sq, ((0, 0), (lo, hi), (0, 0), (0, 0)))
    csum = np.concatenate([np.zeros_like(padded[:, :1]), np.cumsum(padded, axis=1)], axis=1)
    square_sum = csum[:, size:size + c] - csum[:, 0:c]
    return (x / (bias + alpha / size * square_sum) ** beta).astype(x.dtype)


# ---------------------------------------------------------------- ONNX graph interpreter

def _attrs(node):
    import onnx
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv_pads(attrs, x_shape, w_hw, strides, dilations=(1, 1)):
    auto = attrs.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    if auto in ("NOTSET", ""):
        p = list(attrs.get("pads", [0, 0, 0, 0]))
        return (p[0], p[1], p[2], p[3])
    if auto == "VALID":
        return (0, 0, 0, 0)
    pads = []
    for size, k, s, d in zip(x_shape[2:], w_hw, strides, dilations):
        out = -(-size // s)
        total = max(0, (out - 1) * s + d * (k - 1) + 1 - size)
        small, big = total // 2, total - total // 2
        pads.append((small, big) if auto == "SAME_UPPER" else (big, small))
    return (pads[0][0], pads[1][0], pads[0][1], pads[1][1])


def run_node(node, env, dtype):
    op = node.op_type
    a = _attrs(node)
    ins = [env[i] if i else None for i in node.input]
    x = ins[0]
    if op == "Conv":
        w = ins[1].astype(dtype)
        strides = tuple(a.get("strides", (1, 1)))
        dil = tuple(a.get("dilations", (1, 1)))
        pads = _conv_pads(a, x.shape, w.shape[2:], strides, dil)
        b = ins[2].astype(dtype) if len(ins) > 2 and ins[2] is not None else None
        return [conv(x, w, b, strides, pads, a.get("group", 1), dil)]
    if op == "BatchNormalization":
        return [batch_norm(x, *ins[1:5], epsilon=a.get("epsilon", 1e-5))]
    if op == "Relu":
        return [relu(x)]
    if op == "Clip":
        lo = ins[1] if len(ins) > 1 and ins[1] is not None else -np.inf
        hi = ins[2] if len(ins) > 2 and ins[2] is not None else np.inf
        return [clip(x, lo, hi)]
    if op in ("MaxPool", "AveragePool"):
        if a.get("ceil_mode", 0):
            raise NotImplementedError(f"{op} ceil_mode=1")
        k = tuple(a["kernel_shape"])
        strides = tuple(a.get("strides", (1, 1)))
        pads = _conv_pads(a, x.shape, k, strides)
        if op == "MaxPool":
            return [max_pool(x, k, strides, pads)]
        return [average_pool(x, k, strides, pads, a.get("count_include_pad", 0))]
    if op == "GlobalAveragePool":
        return [global_average_pool(x)]
    if op == "Gemm":
        c = ins[2] if len(ins) > 2 else None
        return [gemm(x, ins[1].astype(dtype), None if c is None else c.astype(dtype),
                     a.get("alpha", 1.0), a.get("beta", 1.0), a.get("transA", 0), a.get("transB", 0))]
    if op == "Flatten":
        return [flatten(x, a.get("axis", 1))]
    if op == "Reshape":
        return [reshape(x, ins[1])]
    if op == "Concat":
        return [np.concatenate(ins, axis=a["axis"])]
    if op == "Add":
        return [(ins[0] + ins[1]).astype(dtype)]
    if op == "Dropout":
        return [x]
    if op == "Softmax":
        return [softmax(x, a.get("axis", -1))]
    if op == "LRN":
        return [lrn(x, a["size"], a.get("alpha", 1e-4), a.get("beta", 0.75), a.get("bias", 1.0))]
    raise NotImplementedError(f"numpy_ref: operator {op}")


def run_model(model, inputs, dtype=np.float32):
    """model: onnx.ModelProto; inputs: {name: array}. Returns the list of graph outputs."""
    from onnx import numpy_helper
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for k, v in inputs.items():
        env[k] = np.asarray(v, dtype=dtype)
    for node in model.graph.node:
        if node.op_type == "Constant":
            env[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
            continue
        for name, val in zip(node.output, run_node(node, env, dtype)):
            env[name] = val
    return [env[o.name] for o in model.graph.output]


def input_shape(model):
    init = {t.name for t in model.graph.initializer}
    inp = [i for i in model.graph.input if i.name not in init][0]
    return inp.name, [d.dim_value for d in inp.type.tensor_type.shape.dim]


def main():
    import onnx
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--float64", action="store_true", help="compute in float64, write float32")
    args = ap.parse_args()
    model = onnx.load(args.model)
    name, shape = input_shape(model)
    x = np.fromfile(args.input, dtype="<f4")
    if x.size != int(np.prod(shape)):
        sys.exit(f"{args.input}: {x.size} floats, model input {name} needs {shape}")
    y = run_model(model, {name: x.reshape(shape)}, np.float64 if args.float64 else np.float32)[0]
    y.astype("<f4").tofile(args.output)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes the converter's small ONNX test graphs into OUTDIR (run with Debian's /usr/bin/python3,
which has python3-onnx and numpy). Each op of qconvert's import list appears in at least one
graph; bad_*.onnx are graphs the converter must refuse with a clear error."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(1234)


def w(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


class G:
    """Tiny graph builder: activations by name, initializers from numpy arrays."""

    def __init__(self, shape):
        self.nodes, self.inits, self.n = [], [], 0
        self.input = helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)

    def const(self, arr, name=None):
        name = name or "c%d" % len(self.inits)
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def op(self, op_type, inputs, name=None, outputs=1, **attrs):
        self.n += 1
        name = name or "%s_%d" % (op_type.lower(), self.n)
        outs = [name] if outputs == 1 else [name] + ["%s_out%d" % (name, i) for i in range(1, outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=name, **attrs))
        return name

    def conv(self, x, cin, cout, k=3, group=1, bias=True, **attrs):
        ins = [x, self.const(w(cout, cin // group, k, k))]
        if bias:
            ins.append(self.const(w(cout, scale=0.2)))
        attrs.setdefault("kernel_shape", [k, k])
        return self.op("Conv", ins, group=group, **attrs)

    def bn(self, x, c):
        return self.op("BatchNormalization", [x, self.const(1 + w(c, scale=0.2)), self.const(w(c, scale=0.2)),
                                              self.const(w(c, scale=0.2)), self.const(0.5 + np.abs(w(c)))],
                       epsilon=1e-3)

    def model(self, out, opset=13):
        # Output shape by ONNX shape inference (the bad graphs keep an unknown rank).
        probe = helper.make_graph(self.nodes, "test", [self.input], [], self.inits)
        pm = helper.make_model(probe, opset_imports=[helper.make_opsetid("", opset)])
        shape = None
        try:
            for vi in onnx.shape_inference.infer_shapes(pm).graph.value_info:
                if vi.name == out and vi.type.tensor_type.HasField("shape"):
                    shape = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        except Exception:
            pass
        outv = helper.make_tensor_value_info(out, TensorProto.FLOAT, shape if shape is not None else [None])
        g = helper.make_graph(self.nodes, "test", [self.input], [outv], self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = 7
        return m


def models():
    m = {}
    g = G([1, 3, 8, 8])
    m["conv_basic"] = g.model(g.conv("input", 3, 4, pads=[1, 1, 1, 1]))

    g = G([1, 4, 9, 9])
    m["conv_group_dilated"] = g.model(g.conv("input", 4, 6, group=2, dilations=[2, 2], strides=[2, 2],
                                             pads=[1, 0, 2, 1]))
    g = G([1, 3, 7, 7])
    m["conv_depthwise_multiplier"] = g.model(g.conv("input", 3, 6, group=3, pads=[1, 1, 1, 1]))
    g = G([1, 3, 7, 7])
    m["conv_autopad_same_upper"] = g.model(g.conv("input", 3, 4, auto_pad="SAME_UPPER", strides=[2, 2]))
    g = G([1, 3, 7, 7])
    m["conv_autopad_same_lower"] = g.model(g.conv("input", 3, 4, k=2, auto_pad="SAME_LOWER"))
    g = G([1, 3, 7, 7])
    m["conv_autopad_valid"] = g.model(g.conv("input", 3, 4, auto_pad="VALID", strides=[2, 1]))

    g = G([1, 3, 8, 8])
    m["conv_bn_relu"] = g.model(g.op("Relu", [g.bn(g.conv("input", 3, 5, bias=False, pads=[1, 1, 1, 1]), 5)]))

    g = G([1, 3, 8, 8])
    m["clip_attrs_opset9"] = g.model(g.op("Clip", [g.conv("input", 3, 4, pads=[1, 1, 1, 1])], min=0.0, max=0.5),
                                     opset=9)
    g = G([1, 3, 8, 8])
    c = g.op("Clip", [g.conv("input", 3, 4), g.const(np.float32(-0.25)), ""])
    m["clip_inputs_opset11"] = g.model(g.op("Clip", [g.conv(c, 4, 4, k=1), "", g.const(np.float32(0.3))]), opset=11)

    # Weights and clip bounds from Constant nodes.
    g = G([1, 3, 8, 8])
    wn = g.op("Constant", [], name="w_const", value=numpy_helper.from_array(w(4, 3, 3, 3), "w"))
    lo = g.op("Constant", [], name="lo_const", value=numpy_helper.from_array(np.float32(0.0), "lo"))
    hi = g.op("Constant", [], name="hi_const", value=numpy_helper.from_array(np.float32(6.0), "hi"))
    m["constant_nodes_relu6_opset17"] = g.model(
        g.op("Clip", [g.op("Conv", ["input", wn], kernel_shape=[3, 3], pads=[1, 1, 1, 1]), lo, hi]), opset=17)

    g = G([1, 3, 9, 9])
    m["maxpool_pads"] = g.model(g.op("MaxPool", [g.conv("input", 3, 4, pads=[1, 1, 1, 1])], kernel_shape=[3, 3],
                                     strides=[2, 2], pads=[1, 1, 1, 1]))
    g = G([1, 3, 8, 8])
    m["maxpool_ceil"] = g.model(g.op("MaxPool", [g.conv("input", 3, 4)], kernel_shape=[2, 2], strides=[2, 2],
                                     ceil_mode=1))
    for inc in (0, 1):
        g = G([1, 3, 9, 9])
        m["avgpool_count_include_pad%d" % inc] = g.model(g.op(
            "AveragePool", [g.conv("input", 3, 4, pads=[1, 1, 1, 1])], kernel_shape=[3, 3], strides=[2, 2],
            pads=[1, 1, 1, 1], count_include_pad=inc))

    g = G([1, 3, 8, 8])
    gap = g.op("GlobalAveragePool", [g.op("Relu", [g.conv("input", 3, 8, pads=[1, 1, 1, 1])])])
    m["gap_flatten_gemm"] = g.model(g.op("Gemm", [g.op("Flatten", [gap]), g.const(w(5, 8)), g.const(w(5))],
                                         transB=1, alpha=0.5, beta=2.0))
    # Flatten of a 3x3x4 map: the FC weights must follow NHWC order.
    g = G([1, 3, 6, 6])
    f = g.op("Flatten", [g.op("Relu", [g.conv("input", 3, 4, strides=[2, 2], pads=[1, 1, 1, 1])])])
    m["flatten_matmul_add"] = g.model(g.op("Add", [g.op("MatMul", [f, g.const(w(36, 7, scale=0.3))]),
                                                   g.const(w(7))]))
    g = G([1, 3, 6, 6])
    r = g.op("Reshape", [g.conv("input", 3, 4, strides=[2, 2], pads=[1, 1, 1, 1]),
                         g.const(np.array([1, -1], dtype=np.int64))])
    m["reshape_gemm"] = g.model(g.op("Gemm", [r, g.const(w(36, 6, scale=0.3)), g.const(w(6))]))

    g = G([1, 3, 8, 8])
    a = g.op("Relu", [g.conv("input", 3, 4, pads=[1, 1, 1, 1])])
    b = g.conv("input", 3, 2, k=1)
    m["concat"] = g.model(g.conv(g.op("Concat", [a, b], axis=1), 6, 3, k=1))

    g = G([1, 4, 8, 8])
    x = g.conv("input", 4, 4, k=1)
    y = g.conv(g.op("Relu", [x]), 4, 4, pads=[1, 1, 1, 1])
    m["add_residual_relu"] = g.model(g.op("Relu", [g.op("Add", [x, y])]))

    g = G([1, 3, 8, 8])
    d = g.op("Dropout", [g.conv("input", 3, 4)], ratio=0.3)
    m["dropout_identity_opset11"] = g.model(g.op("Relu", [g.op("Identity", [d])]), opset=11)

    g = G([1, 3, 8, 8])
    gap = g.op("GlobalAveragePool", [g.conv("input", 3, 6)])
    fl = g.op("Flatten", [gap])
    m["softmax_output"] = g.model(g.op("Softmax", [g.op("Gemm", [fl, g.const(w(6, 5)), g.const(w(5))])]))

    g = G([1, 3, 6, 6])
    p = g.op("Pad", ["input", g.const(np.array([0, 0, 1, 2, 0, 0, 2, 1], dtype=np.int64))])
    m["pad_conv_opset11"] = g.model(g.conv(p, 3, 4), opset=11)
    g = G([1, 3, 6, 6])
    p = g.op("Pad", ["input"], pads=[0, 0, 1, 1, 0, 0, 1, 1], mode="constant", value=0.0)
    m["pad_conv_opset9"] = g.model(g.conv(p, 3, 4, pads=[1, 0, 0, 1]), opset=9)
    g = G([1, 3, 8, 8])
    p = g.op("Pad", [g.conv("input", 3, 4), g.const(np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64))])
    m["pad_avgpool"] = g.model(g.op("AveragePool", [p], kernel_shape=[3, 3], strides=[2, 2]))

    # BatchNorm and Relu straight on the input: nothing to fold into.
    g = G([1, 3, 8, 8])
    m["standalone_bn_relu"] = g.model(g.conv(g.op("Relu", [g.bn("input", 3)]), 3, 4))

    g = G([1, 16])
    h = g.op("Relu", [g.op("Gemm", ["input", g.const(w(16, 12, scale=0.3)), g.const(w(12))])])
    m["gemm_2d_input"] = g.model(g.op("Gemm", [h, g.const(w(12, 4, scale=0.3))]))

    # A MobileNetV2 block: expand, depthwise, project with BatchNorm and ReLU6, residual, head.
    g = G([1, 8, 10, 10])
    e = g.op("Clip", [g.bn(g.conv("input", 8, 16, k=1, bias=False), 16), g.const(np.float32(0)),
                      g.const(np.float32(6))])
    dw = g.op("Clip", [g.bn(g.conv(e, 16, 16, group=16, bias=False, pads=[1, 1, 1, 1]), 16),
                       g.const(np.float32(0)), g.const(np.float32(6))])
    pr = g.bn(g.conv(dw, 16, 8, k=1, bias=False), 8)
    res = g.op("Add", ["input", pr])
    head = g.op("Flatten", [g.op("GlobalAveragePool", [res])])
    m["mobilenet_block"] = g.model(g.op("Gemm", [head, g.const(w(5, 8)), g.const(w(5))], transB=1))

    # LRN: GoogLeNet's parameters between convs (odd channel count); a strong alpha straight on the
    # graph input; size 1 on a single channel. Odd sizes only: ONNX Runtime refuses even ones
    # (octet follows the spec's window for them; tests/ref/lrn_test.cpp covers sizes 2 and 4).
    g = G([1, 3, 8, 8])
    r = g.op("LRN", [g.op("Relu", [g.conv("input", 3, 7, pads=[1, 1, 1, 1])])], size=5, alpha=1e-4, beta=0.75,
             bias=1.0)
    m["lrn_conv"] = g.model(g.conv(r, 7, 4, k=1))
    g = G([1, 6, 5, 5])
    m["lrn_strong_alpha_input"] = g.model(g.conv(g.op("LRN", ["input"], size=3, alpha=2.0, beta=0.6, bias=2.0), 6, 3,
                                              k=1))
    g = G([1, 1, 6, 6])
    m["lrn_single_channel"] = g.model(g.op("LRN", [g.conv("input", 1, 1)], size=1, alpha=0.5, beta=1.0))

    # Robustness: all-zero weight channel, constant activations (zero range).
    g = G([1, 3, 8, 8])
    wz = w(4, 3, 3, 3)
    wz[1] = 0.0
    c1 = g.op("Conv", ["input", g.const(wz), g.const(np.array([0.1, 0.0, -0.2, 0.3], np.float32))],
              kernel_shape=[3, 3])
    m["zero_weight_channel"] = g.model(c1)
    g = G([1, 3, 8, 8])
    c0 = g.op("Conv", ["input", g.const(np.zeros((4, 3, 1, 1), np.float32)),
                       g.const(np.zeros(4, np.float32))], kernel_shape=[1, 1])
    m["constant_activation"] = g.model(g.op("Add", [g.conv(c0, 4, 4, k=1), g.conv("input", 3, 4, k=1)]))

    # Bad graphs.
    g = G([1, 3, 8, 8])
    m["bad_unsupported_op"] = g.model(g.op("Sigmoid", [g.conv("input", 3, 4)], name="my_sigmoid"))
    g = G([1, 3, 8, 8])
    p = g.op("Pad", ["input", g.const(np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64))], name="my_pad",
             mode="reflect")
    m["bad_pad_mode"] = g.model(g.conv(p, 3, 4))
    g = G([1, 3, 8, 8])
    m["bad_unsupported_attribute"] = g.model(g.op("Conv", ["input", g.const(w(4, 3, 3, 3))], name="my_conv",
                                                  kernel_shape=[3, 3], frobnicate=3))
    g = G([1, 3, 8, 8])
    m["bad_lrn_negative_alpha"] = g.model(g.op("LRN", [g.conv("input", 3, 4)], name="my_lrn", size=3, alpha=-1e-3))
    g = G([1, 3, 8, 8])
    wn = w(4, 3, 3, 3)
    wn[2, 1, 0, 0] = np.nan
    m["bad_nan_weights"] = g.model(g.op("Conv", ["input", g.const(wn, "conv_w_nan")], kernel_shape=[3, 3]))
    g = G([1, 16])
    wi = w(4, 16)
    wi[3, 5] = np.inf
    m["bad_inf_weights"] = g.model(g.op("Gemm", ["input", g.const(wi, "gemm_b_inf")], transB=1))
    return m


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, model in models().items():
        onnx.save(model, os.path.join(out, name + ".onnx"))
    with open(os.path.join(out, "stamp"), "w") as f:
        f.write("ok\n")


if __name__ == "__main__":
    main()

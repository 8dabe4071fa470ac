#!/usr/bin/python3
"""octet model zoo: the paper CNN topologies as float ONNX (opset 13, NCHW, batch 1) with seeded
random weights whose activations keep realistic ranges through depth.

    /usr/bin/python3 tools/zoo/make_zoo.py --out DIR [--only NAME ...] [--seed S]
    /usr/bin/python3 tools/zoo/make_zoo.py --count-only [--only NAME ...] [--json FILE]

Weights: He-normal init, then a data-driven pass: a numpy forward pass (tools/zoo/numpy_ref.py)
on a seeded structured image measures every convolution's per-channel output mean and variance.
Networks that have BatchNormalization in their paper topology (MobileNet v1/v2, ResNet-50) get a
BatchNormalization node whose running mean/var are those measured statistics and whose
scale/bias are drawn at random (scale ~U(0.5, 1.5), bias ~N(0, 0.2); the last BN of a residual
branch ~U(0.1, 0.4) so the residual stream grows slowly, as in trained ResNets). Networks without
BN in the paper (SqueezeNet, GoogLeNet, VGG) get the same normalisation folded into conv
weights and bias. Each network's seed derives from --seed and its name, so `--only NAME` writes
the same file as a full run.

MACs count the multiply-accumulates of Conv and Gemm; weights count all trainable parameters
(conv/FC weights and biases, BN scale and bias; not BN running statistics).
"""
import argparse
import json
import os
import sys
import time
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_ref as ref  # noqa: E402

OPSET = 13
IR_VERSION = 7  # the IR version that goes with opset 13: readable by older ONNX libraries too

DEFAULT_NETS = ["squeezenet1_0", "squeezenet1_1", "mobilenet_v1_0.25", "mobilenet_v1_0.5",
                "mobilenet_v1_0.75", "mobilenet_v1_1.0", "mobilenet_v2", "resnet50", "googlenet"]
ON_DEMAND_NETS = ["vgg19"]  # 548 MB of float weights: generated only when named
ALL_NETS = DEFAULT_NETS + ON_DEMAND_NETS


def structured_input(shape, rng):
    """A seeded image-like input, ImageNet-normalised range: smooth shapes, gradients, texture."""
    n, c, h, w = shape
    yy, xx = np.meshgrid(np.linspace(0, 1, h), np.linspace(0, 1, w), indexing="ij")
    img = np.zeros(shape, np.float64)
    for i in range(n):
        for ch in range(c):
            f = rng.normal(0, 1) * (xx - 0.5) + rng.normal(0, 1) * (yy - 0.5)
            for _ in range(6):
                fy, fx = rng.uniform(0.5, 12, 2)
                f += rng.uniform(0.1, 0.6) * np.sin(2 * np.pi * (fy * yy + fx * xx) + rng.uniform(0, 6.3))
            for _ in range(4):
                cy, cx, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.05, 0.3)
                f += rng.normal(0, 1) * (((yy - cy) ** 2 + (xx - cx) ** 2) < r * r)
            f += rng.normal(0, 0.1, f.shape)
            img[i, ch] = (f - f.mean()) / (f.std() + 1e-6)
    return np.clip(img, -2.1, 2.6).astype(np.float32)


class Net:
    """Builds an ONNX graph while tracking shapes, MACs and weights; with materialize=True it also
    draws the weights and runs every layer in numpy so normalisation statistics are data-driven."""

    def __init__(self, name, input_shape, seed, materialize=True):
        self.name = name
        self.materialize = materialize
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []
        self.shape, self.val = {}, {}
        self.macs = 0
        self.weights = 0
        self.layers = 0
        self.n = {}
        self.input = "input"
        self.shape["input"] = tuple(input_shape)
        if materialize:
            self.val["input"] = structured_input(input_shape, self.rng)

    # -------------------------------------------------------------- plumbing
    def _uniq(self, prefix):
        k = self.n.get(prefix, 0)
        self.n[prefix] = k + 1
        return f"{prefix}_{k}"

    def _const(self, name, arr):
        if self.materialize:
            from onnx import numpy_helper
            self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def _node(self, op, inputs, shape, val=None, prefix=None, **attrs):
        from onnx import helper
        out = self._uniq(prefix or op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        self.shape[out] = tuple(shape)
        if self.materialize:
            assert val is not None and val.shape == tuple(shape), (op, val.shape if val is not None else None, shape)
            self.val[out] = val.astype(np.float32)
        return out

    def _stats(self, y):
        m = y.astype(np.float64).mean(axis=(0, 2, 3))
        v = y.astype(np.float64).var(axis=(0, 2, 3))
        return m, v

    # -------------------------------------------------------------- layers
    def conv(self, x, cout, k, stride=1, pad=None, groups=1, bn=False, act="relu",
             gamma=(0.5, 1.5), beta_sd=0.2):
        """Conv (+ BatchNormalization when bn) (+ Relu / Clip(0,6) when act); without bn the
        normalisation is folded into the conv's weights and bias."""
        n, cin, h, w = self.shape[x]
        kh, kw = (k, k) if isinstance(k, int) else k
        if pad is None:
            pad = (kh // 2, kw // 2, kh // 2, kw // 2)
        elif isinstance(pad, int):
            pad = (pad, pad, pad, pad)
        ho = (h + pad[0] + pad[2] - kh) // stride + 1
        wo = (w + pad[1] + pad[3] - kw) // stride + 1
        cg = cin // groups
        assert cg * groups == cin and cout % groups == 0
        self.macs += ho * wo * cout * cg * kh * kw
        self.weights += cout * cg * kh * kw + (2 * cout if bn else cout)
        self.layers += 1
        shape = (n, cout, ho, wo)
        cname = self._uniq("conv")
        attrs = dict(kernel_shape=[kh, kw], strides=[stride, stride], pads=list(pad), group=groups)
        y = None
        if self.materialize:
            W = self.rng.normal(0, np.sqrt(2.0 / (cg * kh * kw)), (cout, cg, kh, kw)).astype(np.float32)
            y = ref.conv(self.val[x], W, None, (stride, stride), pad, groups)
            mean, var = self._stats(y)
            g = self.rng.uniform(gamma[0], gamma[1], cout)
            b = self.rng.normal(0, beta_sd, cout)
            if bn:
                self._const(cname + "_w", W)
            else:  # fold the normalisation: y' = g * (y - mean) / sqrt(var + eps) + b
                s = g / np.sqrt(var + 1e-5)
                W = (W * s[:, None, None, None]).astype(np.float32)
                bias = (b - mean * s).astype(np.float32)
                self._const(cname + "_w", W)
                self._const(cname + "_b", bias)
                y = ref.conv(self.val[x], W, bias, (stride, stride), pad, groups)
        inputs = [x, cname + "_w"] if bn else [x, cname + "_w", cname + "_b"]
        out = self._node("Conv", inputs, shape, y, prefix=cname, **attrs)
        if bn:
            bname = self._uniq("bn")
            if self.materialize:
                for suffix, arr in (("_scale", g), ("_bias", b), ("_mean", mean), ("_var", var)):
                    self._const(bname + suffix, arr.astype(np.float32))
                y = ref.batch_norm(self.val[out], g.astype(np.float32), b.astype(np.float32),
                                   mean.astype(np.float32), var.astype(np.float32), 1e-5)
            out = self._node("BatchNormalization", [out] + [bname + s for s in ("_scale", "_bias", "_mean", "_var")],
                             shape, y, prefix=bname, epsilon=1e-5)
        return self.act(out, act)

    def act(self, x, act):
        if act is None:
            return x
        v = self.val.get(x)
        if act == "relu":
            return self._node("Relu", [x], self.shape[x], None if v is None else ref.relu(v))
        if act == "relu6":
            lo = self._const_once("clip_min_0", np.array(0.0, np.float32))
            hi = self._const_once("clip_max_6", np.array(6.0, np.float32))
            return self._node("Clip", [x, lo, hi], self.shape[x], None if v is None else ref.clip(v, 0.0, 6.0))
        raise ValueError(act)

    def _const_once(self, name, arr):
        if name not in self.shape:
            self.shape[name] = arr.shape
            self._const(name, arr)
        return name

    def _pool(self, op, x, k, stride, pad):
        n, c, h, w = self.shape[x]
        pad = (pad,) * 4 if isinstance(pad, int) else tuple(pad)
        ho = (h + pad[0] + pad[2] - k) // stride + 1
        wo = (w + pad[1] + pad[3] - k) // stride + 1
        v = None
        if self.materialize:
            fn = ref.max_pool if op == "MaxPool" else ref.average_pool
            v = fn(self.val[x], (k, k), (stride, stride), pad)
        return self._node(op, [x], (n, c, ho, wo), v, kernel_shape=[k, k], strides=[stride, stride], pads=list(pad))

    def maxpool(self, x, k, stride, pad=0):
        return self._pool("MaxPool", x, k, stride, pad)

    def avgpool(self, x, k, stride=1, pad=0):
        return self._pool("AveragePool", x, k, stride, pad)

    def gap(self, x):
        n, c, _, _ = self.shape[x]
        v = ref.global_average_pool(self.val[x]) if self.materialize else None
        return self._node("GlobalAveragePool", [x], (n, c, 1, 1), v)

    def flatten(self, x):
        s = self.shape[x]
        v = ref.flatten(self.val[x]) if self.materialize else None
        return self._node("Flatten", [x], (s[0], int(np.prod(s[1:]))), v, axis=1)

    def reshape(self, x, shape):
        name = self._const_once(f"shape_{'x'.join(map(str, shape))}", np.array(shape, np.int64))
        total = int(np.prod(self.shape[x]))
        out_shape = tuple(total // -int(np.prod(shape)) if s == -1 else s for s in shape)
        v = self.val[x].reshape(out_shape) if self.materialize else None
        return self._node("Reshape", [x, name], out_shape, v)

    def gemm(self, x, nout, act=None, out_sd=1.0):
        """Fully connected, weights [nout, nin] with transB=1 (the layout PyTorch exports)."""
        n, nin = self.shape[x]
        self.macs += nin * nout
        self.weights += nin * nout + nout
        self.layers += 1
        gname = self._uniq("fc")
        v = None
        if self.materialize:
            W = self.rng.normal(0, np.sqrt(2.0 / nin), (nout, nin)).astype(np.float32)
            y = self.val[x] @ W.T
            W *= out_sd / (y.std() + 1e-6)  # one sample: scale the layer as a whole
            b = self.rng.normal(0, 0.1 * out_sd, nout).astype(np.float32)
            self._const(gname + "_w", W)
            self._const(gname + "_b", b)
            v = ref.gemm(self.val[x], W, b, trans_b=1)
        out = self._node("Gemm", [x, gname + "_w", gname + "_b"], (n, nout), v, prefix=gname, transB=1)
        return self.act(out, act)

    def concat(self, xs):
        shapes = [self.shape[x] for x in xs]
        shape = (shapes[0][0], sum(s[1] for s in shapes)) + shapes[0][2:]
        v = np.concatenate([self.val[x] for x in xs], axis=1) if self.materialize else None
        return self._node("Concat", xs, shape, v, axis=1)

    def add(self, a, b):
        assert self.shape[a] == self.shape[b]
        v = self.val[a] + self.val[b] if self.materialize else None
        return self._node("Add", [a, b], self.shape[a], v)

    def dropout(self, x):
        return self._node("Dropout", [x], self.shape[x], self.val.get(x))

    def softmax(self, x):
        v = ref.softmax(self.val[x]) if self.materialize else None
        return self._node("Softmax", [x], self.shape[x], v, axis=-1)

    def lrn(self, x, size=5, alpha=1e-4, beta=0.75, bias=1.0):
        v = ref.lrn(self.val[x], size, alpha, beta, bias) if self.materialize else None
        return self._node("LRN", [x], self.shape[x], v, size=size, alpha=alpha, beta=beta, bias=bias)

    # -------------------------------------------------------------- output
    def model(self, out):
        from onnx import TensorProto, helper
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info(self.input, TensorProto.FLOAT, list(self.shape[self.input]))],
            [helper.make_tensor_value_info(out, TensorProto.FLOAT, list(self.shape[out]))],
            initializer=self.inits)
        m = helper.make_model(graph, producer_name="octet-zoo", opset_imports=[helper.make_opsetid("", OPSET)])
        m.ir_version = IR_VERSION
        m.doc_string = (f"{self.name}: {self.macs} MACs, {self.weights} weights, seeded random weights "
                        f"(tools/zoo/make_zoo.py)")
        return m


# ------------------------------------------------------------------ topologies

def squeezenet(net, version):
    """SqueezeNet 1.0 (Iandola et al. 2016, 227x227) and 1.1 (the SqueezeNet repo's v1.1)."""
    def fire(x, s, e1, e3):
        sq = net.conv(x, s, 1)
        return net.concat([net.conv(sq, e1, 1), net.conv(sq, e3, 3)])
    x = net.input
    if version == "1_0":
        x = net.maxpool(net.conv(x, 96, 7, 2, pad=0), 3, 2)
        for s, e in ((16, 64), (16, 64), (32, 128)):
            x = fire(x, s, e, e)
        x = net.maxpool(x, 3, 2)
        for s, e in ((32, 128), (48, 192), (48, 192), (64, 256)):
            x = fire(x, s, e, e)
        x = net.maxpool(x, 3, 2)
        x = fire(x, 64, 256, 256)
    else:
        x = net.maxpool(net.conv(x, 64, 3, 2, pad=0), 3, 2)
        for s, e in ((16, 64), (16, 64)):
            x = fire(x, s, e, e)
        x = net.maxpool(x, 3, 2)
        for s, e in ((32, 128), (32, 128)):
            x = fire(x, s, e, e)
        x = net.maxpool(x, 3, 2)
        for s, e in ((48, 192), (48, 192), (64, 256), (64, 256)):
            x = fire(x, s, e, e)
    x = net.conv(net.dropout(x), 1000, 1, gamma=(1.0, 4.0), beta_sd=1.0)
    return net.softmax(net.flatten(net.gap(x)))


def mobilenet_v1(net, alpha):
    """MobileNet v1 (Howard et al. 2017, Table 1) at width multiplier alpha, 224x224."""
    c = lambda ch: int(ch * alpha)  # noqa: E731
    x = net.conv(net.input, c(32), 3, 2, bn=True)
    cin = c(32)
    for cout, s in ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
                    (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)):
        x = net.conv(x, cin, 3, s, groups=cin, bn=True)
        x = net.conv(x, c(cout), 1, bn=True)
        cin = c(cout)
    x = net.reshape(net.avgpool(x, 7), [1, -1])
    return net.softmax(net.gemm(x, 1000, out_sd=2.0))


def mobilenet_v2(net):
    """MobileNet v2 (Sandler et al. 2018, Table 2), width 1.0, 224x224, ReLU6 as Clip(0, 6)."""
    x = net.conv(net.input, 32, 3, 2, bn=True, act="relu6")
    cin = 32
    for t, cout, n, s in ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                          (6, 160, 3, 2), (6, 320, 1, 1)):
        for i in range(n):
            stride = s if i == 0 else 1
            y = x if t == 1 else net.conv(x, cin * t, 1, bn=True, act="relu6")
            y = net.conv(y, cin * t, 3, stride, groups=cin * t, bn=True, act="relu6")
            residual = stride == 1 and cin == cout
            y = net.conv(y, cout, 1, bn=True, act=None, gamma=(0.1, 0.4) if residual else (0.5, 1.5))
            x = net.add(x, y) if residual else y
            cin = cout
    x = net.conv(x, 1280, 1, bn=True, act="relu6")
    x = net.dropout(net.flatten(net.gap(x)))
    return net.softmax(net.gemm(x, 1000, out_sd=2.0))


def resnet50(net):
    """ResNet-50 (He et al. 2016), 224x224, stride on the bottleneck's 3x3 conv (the 4.09 G-MAC
    arrangement of Caffe2/torchvision "v1.5"; the original stride-on-1x1 variant has 3.86 G)."""
    x = net.conv(net.input, 64, 7, 2, bn=True)
    x = net.maxpool(x, 3, 2, pad=1)
    cin = 64
    for width, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for i in range(blocks):
            s = stride if i == 0 else 1
            y = net.conv(x, width, 1, bn=True)
            y = net.conv(y, width, 3, s, bn=True)
            y = net.conv(y, width * 4, 1, bn=True, act=None, gamma=(0.1, 0.4))
            if i == 0:
                x = net.conv(x, width * 4, 1, s, bn=True, act=None)
            x = net.act(net.add(x, y), "relu")
            cin = width * 4
    assert cin == 2048
    return net.softmax(net.gemm(net.flatten(net.gap(x)), 1000, out_sd=2.0))


def googlenet(net):
    """GoogLeNet (Szegedy et al. 2015, Table 1), 224x224, LRN after pool1 and conv2, no auxiliary
    heads. The 3x3/2 max pools pad one row/column at the end: the Caffe ceil-mode output sizes."""
    end_pad = (0, 0, 1, 1)

    def inception(x, c1, r3, c3, r5, c5, pp):
        b1 = net.conv(x, c1, 1)
        b3 = net.conv(net.conv(x, r3, 1), c3, 3)
        b5 = net.conv(net.conv(x, r5, 1), c5, 5)
        bp = net.conv(net.maxpool(x, 3, 1, pad=1), pp, 1)
        return net.concat([b1, b3, b5, bp])
    x = net.conv(net.input, 64, 7, 2)
    x = net.lrn(net.maxpool(x, 3, 2, end_pad))
    x = net.conv(net.conv(x, 64, 1), 192, 3)
    x = net.maxpool(net.lrn(x), 3, 2, end_pad)
    x = inception(x, 64, 96, 128, 16, 32, 32)
    x = inception(x, 128, 128, 192, 32, 96, 64)
    x = net.maxpool(x, 3, 2, end_pad)
    for cfg in ((192, 96, 208, 16, 48, 64), (160, 112, 224, 24, 64, 64), (128, 128, 256, 24, 64, 64),
                (112, 144, 288, 32, 64, 64), (256, 160, 320, 32, 128, 128)):
        x = inception(x, *cfg)
    x = net.maxpool(x, 3, 2, end_pad)
    x = inception(x, 256, 160, 320, 32, 128, 128)
    x = inception(x, 384, 192, 384, 48, 128, 128)
    x = net.dropout(net.flatten(net.avgpool(x, 7)))
    return net.softmax(net.gemm(x, 1000, out_sd=2.0))


def vgg19(net):
    """VGG-19 (Simonyan & Zisserman 2015, configuration E), 224x224."""
    x = net.input
    for block in ((64, 64), (128, 128), (256,) * 4, (512,) * 4, (512,) * 4):
        for ch in block:
            x = net.conv(x, ch, 3)
        x = net.maxpool(x, 2, 2)
    x = net.flatten(x)
    x = net.dropout(net.gemm(x, 4096, act="relu"))
    x = net.dropout(net.gemm(x, 4096, act="relu"))
    return net.softmax(net.gemm(x, 1000, out_sd=2.0))


def topology(name):
    """(input H=W, builder function) for a zoo name."""
    if name.startswith("squeezenet"):
        v = name[len("squeezenet"):]
        return (227 if v == "1_0" else 224), lambda net: squeezenet(net, v)
    if name.startswith("mobilenet_v1_"):
        alpha = float(name[len("mobilenet_v1_"):])
        return 224, lambda net: mobilenet_v1(net, alpha)
    return 224, {"mobilenet_v2": mobilenet_v2, "resnet50": resnet50, "googlenet": googlenet,
                 "vgg19": vgg19}[name]


def build(name, seed=0, materialize=True):
    """Returns the Net (with .model(out) when materialize) and the graph output name."""
    if name not in ALL_NETS:
        raise SystemExit(f"unknown network {name}; choose from {' '.join(ALL_NETS)}")
    size, fn = topology(name)
    net = Net(name, (1, 3, size, size), seed + zlib.crc32(name.encode()), materialize)
    out = fn(net)
    return net, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="output directory for NAME.onnx")
    ap.add_argument("--only", nargs="+", metavar="NAME",
                    help=f"networks to write (default: {' '.join(DEFAULT_NETS)}; vgg19 only when named)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count-only", action="store_true", help="print MACs/weights from the topology only")
    ap.add_argument("--json", help="also write the counts as JSON to this file")
    args = ap.parse_args()
    names = args.only or DEFAULT_NETS
    if not args.count_only and not args.out:
        ap.error("--out DIR is required unless --count-only")
    counts = {}
    for name in names:
        t0 = time.time()
        net, out = build(name, args.seed, materialize=not args.count_only)
        counts[name] = {"macs": net.macs, "weights": net.weights, "layers": net.layers,
                        "input": list(net.shape[net.input])}
        msg = f"{name:18s} input {'x'.join(map(str, net.shape[net.input]))}  {net.macs / 1e6:9.1f} M MACs  " \
              f"{net.weights / 1e6:7.3f} M weights  ({net.macs} MACs, {net.weights} weights, {net.layers} conv/fc)"
        if not args.count_only:
            import onnx
            model = net.model(out)
            onnx.checker.check_model(model)
            os.makedirs(args.out, exist_ok=True)
            path = os.path.join(args.out, name + ".onnx")
            onnx.save(model, path)
            amax = max(float(np.abs(v).max()) for v in net.val.values())
            counts[name]["max_abs_activation"] = amax
            counts[name]["finite"] = bool(all(np.all(np.isfinite(v)) for v in net.val.values()))
            msg += (f"  -> {path} ({os.path.getsize(path) / 1e6:.1f} MB, {time.time() - t0:.1f} s; "
                    f"max |activation| {amax:.1f}, top prob {net.val[out].max():.3f})")
        print(msg, flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(counts, f, indent=1)


if __name__ == "__main__":
    main()

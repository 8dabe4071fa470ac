#!/usr/bin/python3
"""Trains fmnist_dwsep, a compact MobileNet-style CNN, on Fashion-MNIST and exports it to ONNX.

Seeded and single-threaded (deterministic on CPU): running it again gives the same weights.
Input: [1, 1, 28, 28] float, pixel / 255 (0..1), no mean/std. Output: [1, 10] logits.

    /usr/bin/python3 tools/train_fashion_mnist.py --out models/fashion_mnist/fmnist_dwsep.onnx
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fmnist import idx  # noqa: E402


def conv_bn(cin, cout, k, stride, groups=1):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU6(inplace=True)]


class DwSepNet(nn.Module):
    """Stem conv 3x3 stride 2, then MobileNet v1 blocks (depthwise 3x3 + BN + ReLU6, pointwise
    1x1 + BN + ReLU6), global average pool, fully connected. 28x28 -> 14x14 -> 7x7."""
    # (output channels, stride) of each depthwise-separable block
    BLOCKS = [(64, 1), (128, 2), (128, 1)]

    def __init__(self, stem=32, num_classes=10):
        super().__init__()
        layers = conv_bn(1, stem, 3, 2)
        c = stem
        for cout, s in self.BLOCKS:
            layers += conv_bn(c, c, 3, s, groups=c) + conv_bn(c, cout, 1, 1)
            c = cout
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x):
        x = self.features(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


def count_macs(model):
    macs, shape = 0, (1, 28, 28)
    x = torch.zeros(1, *shape)
    hooks = []

    def hook(m, inp, out):
        nonlocal macs
        if isinstance(m, nn.Conv2d):
            macs += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            macs += m.in_features * m.out_features
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            hooks.append(m.register_forward_hook(hook))
    model.eval()
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    return macs


def augment(x, gen):
    """Random horizontal flip per image and a random shift of up to 2 pixels per batch."""
    flip = torch.rand(x.shape[0], generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    dy, dx = torch.randint(-2, 3, (2,), generator=gen).tolist()
    x = F.pad(x, (2, 2, 2, 2))
    return x[:, :, 2 + dy:30 + dy, 2 + dx:30 + dx]


def evaluate(model, images, labels, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(images), batch):
            logits = model(images[i:i + batch])
            correct += (logits.argmax(1) == labels[i:i + batch]).sum().item()
    return correct / len(images)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="models/fashion_mnist/fmnist_dwsep.onnx")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    gen = torch.Generator().manual_seed(args.seed)

    tr_x, tr_y = idx.load("train")
    te_x, te_y = idx.load("t10k")
    to_t = lambda a: torch.from_numpy(a.astype(np.float32) / 255.0).unsqueeze(1)  # noqa: E731
    tr_x, te_x = to_t(tr_x), to_t(te_x)
    tr_y, te_y = torch.from_numpy(tr_y.astype(np.int64)), torch.from_numpy(te_y.astype(np.int64))

    model = DwSepNet()
    params = sum(p.numel() for p in model.parameters())
    print(f"fmnist_dwsep: {count_macs(model)} MACs, {params} parameters", flush=True)

    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 5e-4},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    steps_per_epoch = math.ceil(len(tr_x) / args.batch)
    total = args.epochs * steps_per_epoch
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / steps_per_epoch) * 0.5 * (1 + math.cos(math.pi * s / total)))

    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(tr_x), generator=gen)
        loss_sum = 0.0
        for i in range(0, len(tr_x), args.batch):
            b = perm[i:i + args.batch]
            x = augment(tr_x[b], gen)
            loss = F.cross_entropy(model(x), tr_y[b], label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(b)
        acc = evaluate(model, te_x, te_y)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {loss_sum / len(tr_x):.4f} "
              f"test top-1 {acc:.4f} ({time.time() - t0:.0f} s)", flush=True)

    model.eval()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), args.out, opset_version=13,
                      input_names=["input"], output_names=["logits"], do_constant_folding=True)
    print(f"float test top-1 (torch): {evaluate(model, te_x, te_y):.4f}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Exports Fashion-MNIST data for octet's converter, accuracy test and demo.

    # N calibration images from the TRAINING set (seeded, class-balanced) as 8-bit grayscale PNG:
    /usr/bin/python3 tools/fmnist/export_data.py --calib DIR [--count 200] [--seed 1]
    # the 10 000 test images and labels as uncompressed IDX files:
    /usr/bin/python3 tools/fmnist/export_data.py --test DIR
    # one test image per class as PNG (what models/fashion_mnist/samples holds):
    /usr/bin/python3 tools/fmnist/export_data.py --samples DIR

Calibration PNGs: DIR/train_IIIII_L.png (I = training-set index, L = label 0..9), 28x28, 8-bit
grayscale, non-interlaced. Test set: DIR/t10k-images-idx3-ubyte (16-byte header: big-endian
uint32 0x00000803, 10000, 28, 28; then 10000*28*28 pixel bytes, image-major, row-major) and
DIR/t10k-labels-idx1-ubyte (8-byte header: 0x00000801, 10000; then one label byte per image),
plus DIR/labels.txt. The model's input for pixel p is p / 255.0 (see models/fashion_mnist/README.md).
"""
import argparse
import os
import re
import struct
import sys
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fmnist import idx  # noqa: E402


def write_png_gray(path, img):
    """8-bit grayscale PNG, one zlib stream, filter type 0 on every row."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    h, w = img.shape

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def read_png_gray(path):
    """Reader for the PNGs write_png_gray writes (8-bit grayscale, filter 0); for tests."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    p, idat, w, h = 8, b"", 0, 0
    while p < len(data):
        n, kind = struct.unpack(">I4s", data[p:p + 8])
        body = data[p + 8:p + 8 + n]
        if kind == b"IHDR":
            w, h, depth, color = struct.unpack(">IIBB", body[:10])
            if depth != 8 or color != 0:
                raise ValueError(f"{path}: not 8-bit grayscale")
        elif kind == b"IDAT":
            idat += body
        p += 12 + n
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, w + 1)
    if np.any(raw[:, 0] != 0):
        raise ValueError(f"{path}: row filters other than 0")
    return raw[:, 1:].copy()


def export_calib(out, count, seed):
    images, labels = idx.load("train")
    rng = np.random.default_rng(seed)
    per_class = [rng.permutation(np.flatnonzero(labels == c)) for c in range(10)]
    picks = [int(per_class[i % 10][i // 10]) for i in range(count)]  # round-robin over classes
    os.makedirs(out, exist_ok=True)
    for i in picks:
        write_png_gray(os.path.join(out, f"train_{i:05d}_{labels[i]}.png"), images[i])
    print(f"wrote {count} calibration PNGs (training set, seed {seed}) to {out}")


def export_test(out):
    images, labels = idx.load("t10k")
    os.makedirs(out, exist_ok=True)
    idx.write_idx(os.path.join(out, "t10k-images-idx3-ubyte"), images)
    idx.write_idx(os.path.join(out, "t10k-labels-idx1-ubyte"), labels)
    with open(os.path.join(out, "labels.txt"), "w") as f:
        f.write("\n".join(idx.LABELS) + "\n")
    print(f"wrote {len(labels)} test images and labels (IDX, uncompressed) to {out}")


def export_samples(out):
    images, labels = idx.load("t10k")
    os.makedirs(out, exist_ok=True)
    for c in range(10):
        i = int(np.flatnonzero(labels == c)[0])
        name = re.sub(r"[^a-z]+", "_", idx.LABELS[c].lower()).strip("_")
        write_png_gray(os.path.join(out, f"test_{i:04d}_{name}.png"), images[i])
    print(f"wrote 10 sample PNGs (first test image of each class) to {out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calib", metavar="DIR")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--test", metavar="DIR")
    ap.add_argument("--samples", metavar="DIR")
    args = ap.parse_args()
    if not (args.calib or args.test or args.samples):
        ap.error("nothing to do: give --calib, --test and/or --samples")
    if args.calib:
        export_calib(args.calib, args.count, args.seed)
    if args.test:
        export_test(args.test)
    if args.samples:
        export_samples(args.samples)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes N deterministic synthetic RGB PNG images (smooth gradients + seeded noise) into DIR.

Calibration data for the zoo end-to-end suite: a handful of images keep qconvert fast; the
networks have random weights, so natural images would not calibrate them any better.
usage: write_calib_pngs.py DIR [N] [SIZE]   (standard library only)
"""
import random
import struct
import sys
import zlib
from pathlib import Path


def png_bytes(width, height, rgb_rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(row) for row in rgb_rows)  # filter type 0 per row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def main():
    out = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 224
    out.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        rng = random.Random(1000 + i)
        fx, fy, phase = rng.randint(1, 7), rng.randint(1, 7), rng.randint(0, 255)
        rows = []
        for y in range(size):
            row = []
            for x in range(size):
                base = (x * fx * 255 // size + y * fy * 255 // size + phase) & 0xFF
                for c in range(3):
                    row.append(max(0, min(255, (base + 85 * c) % 256 + rng.randint(-24, 24))))
            rows.append(row)
        (out / f"calib_{i:02d}.png").write_bytes(png_bytes(size, size, rows))


if __name__ == "__main__":
    main()

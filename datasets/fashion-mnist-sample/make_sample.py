#!/usr/bin/python3
"""Cut the committed Fashion-MNIST sample out of Debian's dataset-fashion-mnist files.

Takes a seeded random subset (seed 2024): 3000 training and 1000 test images with their
labels, and writes them in the original IDX .gz format, so the same reader loads both.
Run: /usr/bin/python3 datasets/fashion-mnist-sample/make_sample.py
"""
import gzip, os, struct
import numpy as np

SRC = "/usr/share/datasets/fashion-mnist"
DST = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2024)

def read(name):
    with gzip.open(os.path.join(SRC, name), "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    header = 16 if magic == 2051 else 8
    return data[:header], np.frombuffer(data[header:], np.uint8).reshape(n, -1)

def write(name, header, rows):
    header = bytearray(header)
    header[4:8] = struct.pack(">I", rows.shape[0])
    with gzip.GzipFile(os.path.join(DST, name), "wb", mtime=0) as f:
        f.write(bytes(header) + rows.tobytes())

for prefix, count in (("train", 3000), ("t10k", 1000)):
    hi, images = read(prefix + "-images-idx3-ubyte.gz")
    hl, labels = read(prefix + "-labels-idx1-ubyte.gz")
    pick = np.sort(rng.choice(images.shape[0], count, replace=False))
    write(prefix + "-images-idx3-ubyte.gz", hi, images[pick])
    write(prefix + "-labels-idx1-ubyte.gz", hl, labels[pick])
    print(prefix, count, np.bincount(labels[pick].ravel(), minlength=10))

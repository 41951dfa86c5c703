#!/usr/bin/env python3
"""The benchmark peer: the cases of cnnbench (Sources/cnnbench) timed with NumPy/SciPy on one core.

    OPENBLAS_NUM_THREADS=1 python3 tools/bench/peer.py [--json] [--runs N] [--warmups N] [CASE ...]

Cases, on the same shapes as cnnbench (median of N runs after warm-up):
  conv512   scipy.signal.correlate2d of a 512x512 image with a 3x3 kernel, mode="valid"
  conv56    56x56x64 -> 56x56x64, 3x3x64x64 bank, same padding, bias: np.pad + sliding_window_view
            im2col (copied to a contiguous 3136 x 576 matrix) + matmul with the 576 x 64 bank (BLAS dgemm)
  maxpool   2x2 max pooling of 112x112x64 with reshape + max
  mnist     the notes' MNIST model with random weights: the two convolutions as im2col + matmul, np.maximum
            for relu, reshape-max pooling, dense layers as matmul, a stable softmax
Run it with one BLAS thread (tools/bench/run.sh sets OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and
MKL_NUM_THREADS to 1); --json also reports which BLAS kernel threadpoolctl says is running.
"""
import argparse
import json
import time

import numpy as np
import scipy
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import correlate2d


def im2col_conv_same(x, bank, bias):
    """H x W x C input, kh x kw x C x F bank, TensorFlow same padding, stride 1 -> H x W x F."""
    h, w, c = x.shape
    kh, kw, _, f = bank.shape
    top, left = (kh - 1) // 2, (kw - 1) // 2
    xp = np.pad(x, ((top, kh - 1 - top), (left, kw - 1 - left), (0, 0)))
    windows = sliding_window_view(xp, (kh, kw), axis=(0, 1))  # H x W x C x kh x kw
    cols = windows.transpose(0, 1, 3, 4, 2).reshape(h * w, kh * kw * c)  # copies: the im2col matrix
    return (cols @ bank.reshape(kh * kw * c, f) + bias).reshape(h, w, f)


def maxpool2(x):
    h, w, c = x.shape
    return x.reshape(h // 2, 2, w // 2, 2, c).max(axis=(1, 3))


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def build_cases():
    rng = np.random.default_rng(2024)
    cases = []

    image = rng.uniform(-1, 1, (512, 512))
    kernel3 = rng.uniform(-1, 1, (3, 3))
    cases.append(("conv512", "correlate2d 512x512 * 3x3, valid", 2 * 510 * 510 * 9,
                  lambda: correlate2d(image, kernel3, mode="valid")))

    maps = rng.uniform(-1, 1, (56, 56, 64))
    bank = rng.uniform(-0.1, 0.1, (3, 3, 64, 64))
    bank_bias = rng.uniform(-1, 1, 64)
    cases.append(("conv56", "im2col+matmul 56x56x64 * 3x3x64x64, same, bias", 2 * 56 * 56 * 64 * 3 * 3 * 64,
                  lambda: im2col_conv_same(maps, bank, bank_bias)))

    big = rng.uniform(-1, 1, (112, 112, 64))
    cases.append(("maxpool", "reshape-max 2x2 of 112x112x64", 112 * 112 * 64, lambda: maxpool2(big)))

    conv1 = rng.uniform(-0.3, 0.3, (3, 3, 1, 32))
    bias1 = rng.uniform(-0.1, 0.1, 32)
    conv2 = rng.uniform(-0.06, 0.06, (3, 3, 32, 64))
    bias2 = rng.uniform(-0.1, 0.1, 64)
    dense1 = rng.uniform(-0.01, 0.01, (12544, 128))
    dbias1 = rng.uniform(-0.1, 0.1, 128)
    dense2 = rng.uniform(-0.1, 0.1, (128, 10))
    dbias2 = rng.uniform(-0.1, 0.1, 10)
    digit = rng.uniform(-1, 1, (28, 28, 1))

    def mnist():
        x = np.maximum(im2col_conv_same(digit, conv1, bias1), 0)
        x = np.maximum(im2col_conv_same(x, conv2, bias2), 0)
        x = maxpool2(x).reshape(-1)
        x = np.maximum(x @ dense1 + dbias1, 0)
        return softmax(x @ dense2 + dbias2)

    flops = 2 * 28 * 28 * 32 * 9 + 2 * 28 * 28 * 64 * 288 + 2 * 12544 * 128 + 2 * 128 * 10
    cases.append(("mnist", "MNIST forward (im2col+matmul, NumPy)", flops, mnist))
    return cases


def median_ms(fn, runs, warmups):
    for _ in range(warmups):
        fn()
    times = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times))


def blas_info():
    """What threadpoolctl says about the BLAS in use (None if threadpoolctl is not installed)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return [{k: v for k, v in entry.items() if k in ("internal_api", "version", "architecture", "num_threads",
                                                       "threading_layer", "filepath")}
            for entry in threadpool_info()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()

    records = []
    for name, title, flops, fn in build_cases():
        if args.cases and name not in args.cases:
            continue
        ms = median_ms(fn, args.runs, args.warmups)
        gflops = flops / (ms * 1e-3) / 1e9
        records.append({"name": name, "ms": ms, "gflops": gflops, "flops": flops})
        if not args.json:
            print(f"{name:<8} {title:<50} {ms:9.3f} ms  {gflops:7.2f} GFLOP/s")
    if args.json:
        print(json.dumps({"tool": "numpy", "numpy": np.__version__, "scipy": scipy.__version__,
                          "runs": args.runs, "warmups": args.warmups, "blas": blas_info(), "cases": records}))
    else:
        info = blas_info()
        print(f"numpy {np.__version__}, scipy {scipy.__version__}; BLAS: {info if info is not None else 'threadpoolctl not installed'}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The benchmark's peers: the cases of cnnbench (Sources/cnnbench) timed with NumPy/SciPy, JAX or Keras 3.

    python3 tools/bench/peer.py --peer numpy|jax|keras [--json] [--runs N] [--warmups N]
                                [--train-runs N] [--train-warmups N] [--epoch-images N]
                                [--statistic median|min] [CASE ...]

One peer per process, because each needs its own thread settings (tools/bench/run.sh sets them; for the
one-core cases it runs NumPy and JAX from tools/bench/paired.py instead, which imports this file):
  numpy  float64, one BLAS thread, pinned to one CPU; timed by the process's CPU time.
         conv256..conv4096 scipy.signal.correlate2d (mode="valid"); conv224, conv56 np.pad + sliding-window
         im2col + matmul (BLAS dgemm); maxpool reshape + max; gemm1024 a @ b; mnist, mnist64 the notes' MNIST
         model with im2col convolutions; conv2back im2col, two matmuls and col2im; denseback np.outer, W @ g.
  jax    jax.jit, float64 (jax_enable_x64), XLA with one intra-op thread, pinned to one CPU; timed by the
         process's CPU time after block_until_ready. The same cases with lax.conv_general_dilated (NHWC, HWIO),
         lax.reduce_window, jnp.dot; conv2back and denseback are jax.vjp of the same conv and dense (the
         gradients of the input and of the kernel).
  keras  Keras 3 on the JAX backend, float32 (as Keras trains), on every core; timed by the wall clock (by
         the process's CPU time when pinned to one CPU).
         trainstep  train_on_batch of the notes' MNIST model on 64 images, adam
         mnistepoch, fashionepoch, digitsepoch  model.fit(epochs=1, shuffle=True) of the MNIST model (batch 64),
         the Fashion-MNIST CNN (batch 32) and the digits model (batch 32, adam lr=0.01) on random images of
         the same shapes and counts as cnnbench's; the first fit (compilation) is a warm-up.
Process CPU time counts every thread of the process; pinned to one CPU it is the work's time on that core,
without the time spent waiting for it on a shared machine (cnnbench reads its thread's CPU time: it runs
the single-core cases on the calling thread only). Every record also has the wall time.
"""
import argparse
import json
import os
import time

import numpy as np

EPOCH_IMAGES = 1024
DIGITS_IMAGES = 1438  # the training part (four fifths) of the 1,797 digits, as lessons/training.cnn
CONV_SIZES = (256, 512, 1024, 2048, 4096)
MNIST_FLOPS = 2 * 28 * 28 * 32 * 9 + 2 * 28 * 28 * 64 * 288 + 2 * 12544 * 128 + 2 * 128 * 10
FASHION_FLOPS = 2 * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 3 * 3 * 64 * 576 + 576 * 64 + 64 * 10)
DIGITS_FLOPS = 2 * (8 * 8 * 8 * 9 + 128 * 10)


class Case:
    """One timed operation: `make()` builds the inputs and returns the function to time. `floor()`, when given,
    builds a copy of as many values as the operation reads, into as many as it writes: the pace of the memory
    alone, timed beside it (the single-channel convolutions, whose largest sizes do not fit in the caches)."""

    def __init__(self, name, title, flops, make, images=None, taps=None, all_cores=False, floor=None):
        self.name, self.title, self.flops, self.make = name, title, flops, make
        self.images, self.taps, self.all_cores, self.floor = images, taps, all_cores, floor


def conv_taps(size):
    return (size - 2) * (size - 2) * 9


# ---------------------------------------------------------------- NumPy

def numpy_cases():
    from numpy.lib.stride_tricks import sliding_window_view
    from scipy.signal import correlate2d

    rng = np.random.default_rng(2024)

    def im2col_same(x, kh, kw):
        """N x H x W x C -> (N*H*W) x (kh*kw*C) windows of TensorFlow same padding, stride 1."""
        n, h, w, c = x.shape
        top, left = (kh - 1) // 2, (kw - 1) // 2
        xp = np.pad(x, ((0, 0), (top, kh - 1 - top), (left, kw - 1 - left), (0, 0)))
        windows = sliding_window_view(xp, (kh, kw), axis=(1, 2))  # N x H x W x C x kh x kw
        return windows.transpose(0, 1, 2, 4, 5, 3).reshape(n * h * w, kh * kw * c)  # copies

    def conv_same(x, bank, bias):
        """N x H x W x C input, kh x kw x C x F bank -> N x H x W x F."""
        n, h, w, _ = x.shape
        kh, kw, c, f = bank.shape
        return (im2col_same(x, kh, kw) @ bank.reshape(kh * kw * c, f) + bias).reshape(n, h, w, f)

    def maxpool2(x):
        n, h, w, c = x.shape
        return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))

    cases = []
    for size in CONV_SIZES:
        def make(size=size):
            image, kernel = rng.uniform(-1, 1, (size, size)), rng.uniform(-1, 1, (3, 3))
            return lambda: correlate2d(image, kernel, mode="valid")

        def copy(size=size):
            source, target = rng.uniform(-1, 1, (size, size)), np.empty((size - 2, size - 2))
            return lambda: np.copyto(target, source[1:-1, 1:-1])
        cases.append(Case(f"conv{size}", f"correlate2d {size}x{size} * 3x3, valid", 2 * conv_taps(size), make,
                          taps=conv_taps(size), floor=copy))

    def conv_case(h, c, f, scale):
        def make():
            x, bank, bias = rng.uniform(-1, 1, (1, h, h, c)), rng.uniform(-scale, scale, (3, 3, c, f)), rng.uniform(-1, 1, f)
            return lambda: conv_same(x, bank, bias)
        return make

    cases.append(Case("conv224", "im2col+matmul 224x224x3 * 3x3x3x64, same, bias", 2 * 224 * 224 * 64 * 27,
                      conv_case(224, 3, 64, 0.3)))
    cases.append(Case("conv56", "im2col+matmul 56x56x64 * 3x3x64x64, same, bias", 2 * 56 * 56 * 64 * 576,
                      conv_case(56, 64, 64, 0.1)))

    def make_pool():
        big = rng.uniform(-1, 1, (1, 112, 112, 64))
        return lambda: maxpool2(big)
    cases.append(Case("maxpool", "reshape-max 2x2 of 112x112x64", 112 * 112 * 64, make_pool))

    def make_gemm():
        a, b = rng.uniform(-1, 1, (1024, 1024)), rng.uniform(-1, 1, (1024, 1024))
        return lambda: a @ b
    cases.append(Case("gemm1024", "a @ b, 1024x1024 * 1024x1024 (BLAS dgemm)", 2 * 1024 ** 3, make_gemm))

    def mnist_model():
        w = [rng.uniform(-0.3, 0.3, (3, 3, 1, 32)), rng.uniform(-0.1, 0.1, 32),
             rng.uniform(-0.06, 0.06, (3, 3, 32, 64)), rng.uniform(-0.1, 0.1, 64),
             rng.uniform(-0.01, 0.01, (12544, 128)), rng.uniform(-0.1, 0.1, 128),
             rng.uniform(-0.1, 0.1, (128, 10)), rng.uniform(-0.1, 0.1, 10)]

        def forward(x):
            n = x.shape[0]
            x = np.maximum(conv_same(x, w[0], w[1]), 0)
            x = np.maximum(conv_same(x, w[2], w[3]), 0)
            x = maxpool2(x).reshape(n, -1)
            x = np.maximum(x @ w[4] + w[5], 0)
            z = x @ w[6] + w[7]
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        return forward

    def make_mnist(n):
        def make():
            forward, x = mnist_model(), rng.uniform(-1, 1, (n, 28, 28, 1))
            return lambda: forward(x)
        return make

    cases.append(Case("mnist", "MNIST forward, one image (im2col+matmul)", MNIST_FLOPS, make_mnist(1)))
    cases.append(Case("mnist64", "MNIST forward, batch of 64 (im2col+matmul)", 64 * MNIST_FLOPS, make_mnist(64),
                      images=64))

    def make_conv2back():
        x, k, g = rng.uniform(-1, 1, (1, 28, 28, 32)), rng.uniform(-0.06, 0.06, (3, 3, 32, 64)), rng.uniform(-1, 1, (784, 64))

        def backward():
            cols = im2col_same(x, 3, 3)  # 784 x 288
            dk = (cols.T @ g).reshape(3, 3, 32, 64)
            dcols = (g @ k.reshape(288, 64).T).reshape(28, 28, 3, 3, 32)
            dx = np.zeros((30, 30, 32))  # col2im into the padded input, then the padding cut off
            for i in range(3):
                for j in range(3):
                    dx[i:i + 28, j:j + 28] += dcols[:, :, i, j]
            return dx[1:29, 1:29], dk
        return backward
    cases.append(Case("conv2back", "im2col, cols.T @ g, g @ K.T, col2im (28x28x32 -> 64)", 2 * 2 * 28 * 28 * 64 * 288,
                      make_conv2back))

    def make_denseback():
        w, x, g = rng.uniform(-0.01, 0.01, (12544, 128)), rng.uniform(-1, 1, 12544), rng.uniform(-1, 1, 128)
        return lambda: (np.outer(x, g), w @ g)
    cases.append(Case("denseback", "np.outer(x, g), W @ g (12544 -> 128)", 2 * 2 * 12544 * 128, make_denseback))
    return cases


# ---------------------------------------------------------------- JAX

def jax_cases():
    import jax
    import jax.numpy as jnp
    from jax import lax

    jax.config.update("jax_enable_x64", True)
    rng = np.random.default_rng(2024)
    dims = ("NHWC", "HWIO", "NHWC")

    def conv(x, k, padding):
        return lax.conv_general_dilated(x, k, (1, 1), padding, dimension_numbers=dims)

    def ready(f, *args):
        """f jitted, on device arrays; the timed call waits for the result."""
        f = jax.jit(f)
        args = [jnp.asarray(a) for a in args]
        return lambda: jax.block_until_ready(f(*args))

    def maxpool2(x):
        return lax.reduce_window(x, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    cases = []
    for size in CONV_SIZES:
        def make(size=size):
            return ready(lambda x, k: conv(x, k, "VALID"), rng.uniform(-1, 1, (1, size, size, 1)), rng.uniform(-1, 1, (3, 3, 1, 1)))
        cases.append(Case(f"conv{size}", f"lax.conv {size}x{size} * 3x3, valid", 2 * conv_taps(size), make,
                          taps=conv_taps(size)))

    def conv_case(h, c, f, scale):
        return lambda: ready(lambda x, k, b: conv(x, k, "SAME") + b, rng.uniform(-1, 1, (1, h, h, c)),
                             rng.uniform(-scale, scale, (3, 3, c, f)), rng.uniform(-1, 1, f))
    cases.append(Case("conv224", "lax.conv 224x224x3 * 3x3x3x64, same, bias", 2 * 224 * 224 * 64 * 27,
                      conv_case(224, 3, 64, 0.3)))
    cases.append(Case("conv56", "lax.conv 56x56x64 * 3x3x64x64, same, bias", 2 * 56 * 56 * 64 * 576,
                      conv_case(56, 64, 64, 0.1)))
    cases.append(Case("maxpool", "lax.reduce_window max 2x2 of 112x112x64", 112 * 112 * 64,
                      lambda: ready(maxpool2, rng.uniform(-1, 1, (1, 112, 112, 64)))))
    cases.append(Case("gemm1024", "jnp.dot 1024x1024 * 1024x1024", 2 * 1024 ** 3,
                      lambda: ready(jnp.dot, rng.uniform(-1, 1, (1024, 1024)), rng.uniform(-1, 1, (1024, 1024)))))

    def mnist_forward(w, x):
        n = x.shape[0]
        x = jax.nn.relu(conv(x, w[0], "SAME") + w[1])
        x = jax.nn.relu(conv(x, w[2], "SAME") + w[3])
        x = maxpool2(x).reshape(n, -1)
        x = jax.nn.relu(x @ w[4] + w[5])
        return jax.nn.softmax(x @ w[6] + w[7], axis=-1)

    def make_mnist(n):
        def make():
            w = [rng.uniform(-0.3, 0.3, (3, 3, 1, 32)), rng.uniform(-0.1, 0.1, 32),
                 rng.uniform(-0.06, 0.06, (3, 3, 32, 64)), rng.uniform(-0.1, 0.1, 64),
                 rng.uniform(-0.01, 0.01, (12544, 128)), rng.uniform(-0.1, 0.1, 128),
                 rng.uniform(-0.1, 0.1, (128, 10)), rng.uniform(-0.1, 0.1, 10)]
            f = jax.jit(mnist_forward)
            wj, x = [jnp.asarray(a) for a in w], jnp.asarray(rng.uniform(-1, 1, (n, 28, 28, 1)))
            return lambda: jax.block_until_ready(f(wj, x))
        return make
    cases.append(Case("mnist", "MNIST forward, one image (jit)", MNIST_FLOPS, make_mnist(1)))
    cases.append(Case("mnist64", "MNIST forward, batch of 64 (jit)", 64 * MNIST_FLOPS, make_mnist(64), images=64))

    def conv2back(x, k, g):
        _, pull = jax.vjp(lambda x, k: conv(x, k, "SAME"), x, k)
        return pull(g)
    cases.append(Case("conv2back", "jax.vjp of lax.conv 28x28x32 -> 64, same (dx, dk)", 2 * 2 * 28 * 28 * 64 * 288,
                      lambda: ready(conv2back, rng.uniform(-1, 1, (1, 28, 28, 32)),
                                    rng.uniform(-0.06, 0.06, (3, 3, 32, 64)), rng.uniform(-1, 1, (1, 28, 28, 64)))))

    def denseback(x, w, b, g):
        _, pull = jax.vjp(lambda x, w: x @ w + b, x, w)
        return pull(g)
    cases.append(Case("denseback", "jax.vjp of x @ W + b, 12544 -> 128 (dx, dW)", 2 * 2 * 12544 * 128,
                      lambda: ready(denseback, rng.uniform(-1, 1, 12544), rng.uniform(-0.01, 0.01, (12544, 128)),
                                    rng.uniform(-0.1, 0.1, 128), rng.uniform(-1, 1, 128))))
    return cases


# ---------------------------------------------------------------- Keras

def keras_models():
    import keras
    from keras import layers

    def mnist():
        return keras.Sequential([
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2), layers.Flatten(),
            layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")])

    def fashion():
        return keras.Sequential([
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"), layers.Flatten(),
            layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])

    def digits():
        return keras.Sequential([
            keras.Input((8, 8, 1)),
            layers.Conv2D(8, 3, padding="same", activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
            layers.Dense(10, activation="softmax")])
    return mnist, fashion, digits


def keras_cases(epoch_images):
    import keras

    mnist, fashion, digits = keras_models()
    rng = np.random.default_rng(2024)

    def data(n, shape):
        x = rng.uniform(-1, 1, (n,) + shape).astype("float32")
        y = keras.utils.to_categorical(np.arange(n) % 10, 10).astype("float32")
        return x, y

    def compiled(build, learning_rate=0.001):
        keras.utils.set_random_seed(3)
        model = build()
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    def make_step():
        model, (x, y) = compiled(mnist), data(64, (28, 28, 1))
        return lambda: model.train_on_batch(x, y)

    def make_epoch(build, n, shape, batch, learning_rate=0.001):
        def make():
            model, (x, y) = compiled(build, learning_rate), data(n, shape)
            return lambda: model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0)
        return make

    mnist_params = 1625866
    assert compiled(fashion).count_params() == 93322 and compiled(mnist).count_params() == mnist_params
    return [
        Case("trainstep", "MNIST model: train_on_batch, 64 images, adam", 3 * 64 * MNIST_FLOPS, make_step, images=64,
             all_cores=True),
        Case("mnistepoch", f"MNIST model: fit, {epoch_images} images, batch 64", 3 * epoch_images * MNIST_FLOPS,
             make_epoch(mnist, epoch_images, (28, 28, 1), 64), images=epoch_images, all_cores=True),
        Case("fashionepoch", f"Fashion CNN: fit, {epoch_images} images, batch 32", 3 * epoch_images * FASHION_FLOPS,
             make_epoch(fashion, epoch_images, (28, 28, 1), 32), images=epoch_images, all_cores=True),
        Case("digitsepoch", f"digits model: fit, {DIGITS_IMAGES} images, batch 32", 3 * DIGITS_IMAGES * DIGITS_FLOPS,
             make_epoch(digits, DIGITS_IMAGES, (8, 8, 1), 32, 0.01), images=DIGITS_IMAGES, all_cores=True),
    ]


# ---------------------------------------------------------------- timing

def measure(fn, runs, warmups, wall, statistic="median"):
    """The median (or the minimum) in ms of the process CPU time and of the wall time, each on its own; the
    main one is `wall` or CPU. As cnnbench's --statistic."""
    for _ in range(warmups):
        fn()
    cpu, real = [], []
    for _ in range(max(1, runs)):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        w1, c1 = time.perf_counter(), time.process_time()
        cpu.append((c1 - c0) * 1000)
        real.append((w1 - w0) * 1000)
    summary = np.min if statistic == "min" else np.median
    cpu_ms, wall_ms = float(summary(cpu)), float(summary(real))
    return {"ms": wall_ms if wall else cpu_ms, "clock": "wall" if wall else "process-cpu", "statistic": statistic,
            "wall_ms": wall_ms, "process_cpu_ms": cpu_ms, "runs": max(1, runs)}


def time_case(peer, case, fn, runs, warmups, statistic, cpus=1):
    """One case's record: `fn` timed (`measure`) and the figures derived from its time (GFLOP/s, images per
    second, ns per tap). A training case on several CPUs is timed by the wall clock, everything else by CPU time."""
    if peer == "jax":
        warmups = max(1, warmups)  # the first call compiles
    record = {"name": case.name, "title": case.title, **measure(fn, runs, warmups, case.all_cores and cpus > 1, statistic),
              "threads": cpus if case.all_cores else 1, "flops": case.flops}
    record["gflops"] = case.flops / (record["ms"] * 1e-3) / 1e9
    if case.images:
        record["images"], record["images_per_s"] = case.images, case.images / (record["ms"] * 1e-3)
    if case.taps:
        record["ns_per_tap"] = record["ms"] * 1e6 / case.taps
    if case.floor:
        floor = measure(case.floor(), runs, warmups, False, statistic)
        record["copy_ms"] = floor["ms"]
        if case.taps:
            record["copy_ns_per_tap"] = floor["ms"] * 1e6 / case.taps
    return record


def make_report(peer, records, runs, warmups):
    """A peer's report of `records`, as `--json` prints it and tools/bench/report.py reads it."""
    report = {"tool": peer, "versions": versions(peer), "runs": runs, "warmups": warmups, "cases": records}
    if peer == "numpy":
        report["blas"] = blas_info()
    return report


def cases_of(peer, epoch_images=EPOCH_IMAGES):
    """The peer's cases, built lazily (`Case.make`)."""
    return {"numpy": numpy_cases, "jax": jax_cases, "keras": lambda: keras_cases(epoch_images)}[peer]()


def blas_info():
    """What threadpoolctl says about the BLAS in use (None if threadpoolctl is not installed)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return [{k: v for k, v in entry.items() if k in ("internal_api", "version", "architecture", "num_threads",
                                                       "threading_layer", "filepath")}
            for entry in threadpool_info()]


def versions(peer):
    if peer == "numpy":
        import scipy
        return {"numpy": np.__version__, "scipy": scipy.__version__}
    import jax
    import jaxlib
    found = {"jax": jax.__version__, "jaxlib": jaxlib.__version__, "numpy": np.__version__}
    if peer == "keras":
        import keras
        found["keras"] = keras.__version__
        found["keras_backend"] = keras.backend.backend()
        found["floatx"] = keras.backend.floatx()
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", choices=("numpy", "jax", "keras"), default="numpy")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--train-runs", type=int, default=3)
    parser.add_argument("--train-warmups", type=int, default=1)
    parser.add_argument("--epoch-images", type=int, default=EPOCH_IMAGES)
    parser.add_argument("--statistic", choices=("median", "min"), default="median")
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()
    if args.peer == "keras":
        os.environ.setdefault("KERAS_BACKEND", "jax")

    cases = cases_of(args.peer, args.epoch_images)
    cpus = len(os.sched_getaffinity(0))  # 1 when pinned: then training is timed by CPU time too
    records = []
    for case in cases:
        if args.cases and case.name not in args.cases:
            continue
        fn = case.make()
        runs, warmups = (args.train_runs, max(1, args.train_warmups)) if case.all_cores else (args.runs, args.warmups)
        record = time_case(args.peer, case, fn, runs, warmups, args.statistic, cpus)
        records.append(record)
        if not args.json:
            extra = f"  {record['images_per_s']:8.0f} images/s" if case.images else ""
            print(f"{case.name:<13} {case.title:<56} {record['ms']:10.3f} ms {record['clock']:<11} "
                  f"{record['gflops']:7.2f} GFLOP/s{extra}")
    report = make_report(args.peer, records, args.runs, args.warmups)
    if args.json:
        print(json.dumps(report))
    else:
        print(", ".join(f"{k} {v}" for k, v in report["versions"].items()))


if __name__ == "__main__":
    main()

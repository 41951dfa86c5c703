#!/usr/bin/env python3
"""Independent check of the numbers in the lessons' golden transcripts (and of repl-builtins.txt).

Run from anywhere:  python3 tools/verify/check_lessons.py            (prints a report, exit 1 on a mismatch)
                    python3 tools/verify/check_lessons.py --write    (also rewrites tools/verify/RESULTS.md)

How it checks. Each lesson is rebuilt here in NumPy/SciPy, without cnnrepl's code:
  - inputs: literals, range/reshape and the sample pictures (np.load) are exact; random inputs are
    redrawn with the Python transcription of cnnrepl's generator (xoshiro256** seeded by SplitMix64)
    in tools/fixtures/gen_random.py, which is itself checked there against published reference values.
    The printed inputs are compared too, so a wrong redraw cannot go unnoticed.
  - outputs: convolution with scipy.signal.correlate2d (or a plain NumPy window loop for channels and
    strides), padding with np.pad, pooling by the notes' reshape-max, activations with NumPy/SciPy,
    parameter counts and shapes with the Keras formulas written out here, receptive fields by brute
    force (poison one input pixel with NaN and see which output cells it reaches).
  - comparison: every visible number of a printed tensor (corners of a large one) or scalar must equal
    the recomputed value at the printed precision: |printed - true| <= half a unit of the last printed
    decimal. A whole number printed without decimals must be exactly that whole number.
Then claims the narration makes in words (e.g. "values run from -1,080 to 1,000") are checked as well.
"""
import importlib.util
import math
import os
import re
import sys

import numpy as np
from scipy import signal, special

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
TRANSCRIPTS = os.path.join(ROOT, "transcripts")
DATA = os.path.join(ROOT, "lessons", "data")


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_random", os.path.join(ROOT, "tools", "fixtures", "gen_random.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Generator


Generator = _load_generator()


class Random:
    """A session's random numbers: starts at seed 42, `seed N` restarts, values drawn in row-major order."""

    def __init__(self):
        self.g = Generator(42)

    def seed(self, n):
        self.g = Generator(n)

    def rand(self, *shape):
        return np.array([self.g.double() for _ in range(int(np.prod(shape)))]).reshape(shape)

    def randint(self, low, high, *shape):
        return np.array([low + self.g.int_below(high - low) for _ in range(int(np.prod(shape)))], dtype=float).reshape(shape)

    def randn(self, *shape):
        return np.array([self.g.gaussian() for _ in range(int(np.prod(shape)))]).reshape(shape)


# ---------------------------------------------------------------------------------------------------
# Reference operations (NumPy / SciPy)

def conv2d(x, k, stride=(1, 1), pad=(0, 0, 0, 0), bias=None):
    """Cross-correlation of H x W (x C) with kh x kw (x C (x F)); pad = (top, bottom, left, right)."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 2:
        x = x[:, :, None]
    k = np.asarray(k, dtype=float)
    if k.ndim == 2:
        k = k[:, :, None, None]
    elif k.ndim == 3:
        k = k[:, :, :, None]
    t, b, l, r = pad
    xp = np.pad(x, ((t, b), (l, r), (0, 0)))
    kh, kw, c, f = k.shape
    assert c == xp.shape[2]
    out = np.zeros((xp.shape[0] - kh + 1, xp.shape[1] - kw + 1, f))
    for fi in range(f):
        for ci in range(c):
            out[:, :, fi] += signal.correlate2d(xp[:, :, ci], k[:, :, ci, fi], mode="valid")
    out = out[::stride[0], ::stride[1], :]
    if bias is not None:
        out = out + np.asarray(bias, dtype=float)
    return out


def squeeze2(y):
    """A single map as H x W (how cnnrepl shows a conv of an H x W input with an H x W kernel)."""
    return y[:, :, 0] if y.ndim == 3 and y.shape[2] == 1 else y


def tf_same(n, k, s):
    """TensorFlow's 'same' padding (before, after) for one axis, from the TensorFlow documentation."""
    out = math.ceil(n / s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def same_pad(shape, k, s):
    (t, b), (l, r) = tf_same(shape[0], k[0], s[0]), tf_same(shape[1], k[1], s[1])
    return (t, b, l, r)


def pool(x, size=2, kind="max", mode="valid"):
    """2-D (or per-channel) pooling, window = stride = size, as the notes' NumPy MaxPooling does it."""
    x = np.asarray(x, dtype=float)
    squeeze = x.ndim == 2
    if squeeze:
        x = x[:, :, None]
    h, w, c = x.shape
    if mode == "fit":   # pad with zeros at the bottom/right until the windows cover the map; zeros count
        x = np.pad(x, ((0, (-h) % size), (0, (-w) % size), (0, 0)))
    elif mode == "same":  # TensorFlow: padded cells take no part
        fill = -np.inf if kind == "max" else np.nan
        x = np.pad(x, ((0, (-h) % size), (0, (-w) % size), (0, 0)), constant_values=fill)
    h, w = x.shape[0] // size, x.shape[1] // size
    blocks = x[: h * size, : w * size].reshape(h, size, w, size, c)
    out = blocks.max(axis=(1, 3)) if kind == "max" else np.nanmean(blocks, axis=(1, 3))
    return out[:, :, 0] if squeeze else out


def ceil_pool(x, size=2):
    """PyTorch's ceil_mode (padding 0): windows start every `size` cells inside the map and are clipped to
    it; the max is of the real cells (a plain loop, no padding at all)."""
    x = np.asarray(x, dtype=float)
    h, w = x.shape
    rows = range(0, h, size)
    cols = range(0, w, size)
    return np.array([[x[i:i + size, j:j + size].max() for j in cols] for i in rows])


def pool_stride(x, size, stride, kind):
    h, w = x.shape
    oh, ow = (h - size) // stride + 1, (w - size) // stride + 1
    f = np.max if kind == "max" else np.mean
    return np.array([[f(x[i * stride:i * stride + size, j * stride:j * stride + size]) for j in range(ow)] for i in range(oh)])


def softmax(v):
    return special.softmax(np.asarray(v, dtype=float), axis=-1)


def sigmoid(v):
    return special.expit(np.asarray(v, dtype=float))


def leaky(v, slope=0.3):
    v = np.asarray(v, dtype=float)
    return np.where(v > 0, v, slope * v)


def relu(v):
    return np.maximum(np.asarray(v, dtype=float), 0)


def receptive_field(forward, shape, cell):
    """Rows and columns of the input that output `cell` depends on, by brute force: put NaN into one
    input pixel at a time and see whether it reaches the cell."""
    rows, cols = set(), set()
    for i in range(shape[0]):
        for j in range(shape[1]):
            x = np.ones(shape)
            x[i, j] = np.nan
            if np.isnan(forward(x)[cell]):
                rows.add(i)
                cols.add(j)
    return (min(rows), max(rows)), (min(cols), max(cols))


# ---------------------------------------------------------------------------------------------------
# Keras-style shape and parameter arithmetic (independent of cnnrepl's ModelSpec)

def model_walk(input_shape, layers):
    """layers: tuples like ('conv', filters, k, padding), ('pool', k), ('flatten',), ('dense', n),
    ('gap',), ('dropout',). Returns [(shape, params)] per layer."""
    shape, out = list(input_shape), []
    for layer in layers:
        kind = layer[0]
        if kind == "conv":
            _, f, k, padding = layer
            h, w, c = shape
            if padding == "same":
                shape = [h, w, f]
            else:
                shape = [h - k + 1, w - k + 1, f]
            out.append((tuple(shape), k * k * c * f + f))
        elif kind == "pool":
            k = layer[1]
            shape = [shape[0] // k, shape[1] // k, shape[2]]
            out.append((tuple(shape), 0))
        elif kind == "flatten":
            shape = [int(np.prod(shape))]
            out.append((tuple(shape), 0))
        elif kind == "gap":
            shape = [shape[2]]
            out.append((tuple(shape), 0))
        elif kind == "dense":
            n = layer[1]
            params = shape[0] * n + n
            shape = [n]
            out.append((tuple(shape), params))
        elif kind == "dropout":
            out.append((tuple(shape), 0))
    return out


# ---------------------------------------------------------------------------------------------------
# Reading transcripts

NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")


class Transcript:
    def __init__(self, name):
        self.name = name
        with open(os.path.join(TRANSCRIPTS, name + ".txt"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        self.entries = []   # (command, output lines)
        current = None
        for line in lines:
            if line.startswith("cnn> "):
                current = [line[5:], []]
                self.entries.append(current)
            elif line.startswith("...> ") and current is not None and not current[1]:
                current[0] += "\n" + line[5:]
            elif line.startswith("#") or current is None:
                current = None if line.startswith("#") else current
            else:
                current[1].append(line)

    def output(self, command, occurrence=0):
        found = [out for cmd, out in self.entries if cmd == command]
        if len(found) <= occurrence:
            raise KeyError(f"{self.name}: no entry `{command}` (occurrence {occurrence})")
        return found[occurrence]

    def scalar(self, command, occurrence=0):
        """The number after ' = ' on the first output line."""
        line = self.output(command, occurrence)[0]
        return line.rsplit(" = ", 1)[1].split()[0]

    def grids(self, command, occurrence=0):
        """The printed numbers of a tensor: a list of slices, each a list of rows of tokens."""
        slices, rows = [], []
        for line in self.output(command, occurrence)[1:]:
            stripped = line.strip()
            if stripped.startswith("[:, :"):
                if rows:
                    slices.append(rows)
                rows = []
                continue
            if stripped.startswith("…") and "not shown" in stripped or "more slice" in stripped:
                slices.append(rows)
                slices.append(None)   # hidden slices
                rows = []
                continue
            tokens = stripped.split()
            if tokens and all(NUMBER.match(t) or t in ("…", "⋮") for t in tokens):
                rows.append(tokens)
            elif rows:
                break   # the table ended (a trace or note follows)
        if rows:
            slices.append(rows)
        return slices


def visible(n, limit=12, edge=5):
    return list(range(n)) if n <= limit else list(range(edge)) + [None] + list(range(n - edge, n))


def slice_indices(n, limit=4):
    return list(range(n)) if n <= limit else list(range(limit // 2)) + [None] + list(range(n - limit // 2, n))


def token_matches(token, value):
    value = float(value)
    token = token.replace(",", "")
    if "." not in token:
        return abs(value - round(value)) < 1e-9 and int(token) == int(round(value))
    decimals = len(token.split(".")[1])
    return abs(float(token) - value) <= 0.5 * 10 ** -decimals + 1e-9


class Checker:
    def __init__(self):
        self.results = []   # (transcript, what, ok, detail)
        self.count = 0

    def record(self, t, what, ok, detail=""):
        self.results.append((t.name if isinstance(t, Transcript) else t, what, ok, detail))

    def tensor(self, t, command, expected, occurrence=0, what=None):
        expected = np.asarray(expected, dtype=float)
        what = what or command
        try:
            slices = t.grids(command, occurrence)
        except KeyError as error:
            self.record(t, what, False, str(error))
            return
        if expected.ndim <= 2:
            grid_list = [expected.reshape(1, -1) if expected.ndim == 1 else expected]
            channel_ids = [0]
        else:
            flat = expected.reshape(expected.shape[0], expected.shape[1], -1)
            channel_ids = slice_indices(flat.shape[2])
            grid_list = [None if c is None else flat[:, :, c] for c in channel_ids]
        if len(slices) != len(grid_list):
            self.record(t, what, False, f"{len(slices)} printed slices, expected {len(grid_list)}")
            return
        checked, bad = 0, []
        for printed, grid in zip(slices, grid_list):
            if grid is None or printed is None:
                if (grid is None) != (printed is None):
                    bad.append("hidden slices differ")
                continue
            rows, cols = visible(grid.shape[0]), visible(grid.shape[1])
            if len(printed) != len(rows):
                bad.append(f"{len(printed)} printed rows, expected {len(rows)}")
                continue
            for r, tokens in zip(rows, printed):
                if r is None:   # the row of ⋮ between the top and bottom corners
                    if set(tokens) != {"⋮"}:
                        bad.append(f"expected a row of ⋮, found {' '.join(tokens)}")
                    continue
                if len(tokens) != len(cols):
                    bad.append(f"row {r}: {len(tokens)} printed values, expected {len(cols)}")
                    continue
                for c, token in zip(cols, tokens):
                    if r is None or c is None:
                        if token not in ("…", "⋮"):
                            bad.append(f"expected an ellipsis at ({r}, {c}), found {token}")
                        continue
                    checked += 1
                    if not token_matches(token, grid[r, c]):
                        bad.append(f"[{r}, {c}] printed {token}, true value {grid[r, c]:.6g}")
        self.count += checked
        self.record(t, what, not bad, "; ".join(bad[:3]) or f"{checked} values")

    def scalar(self, t, command, expected, occurrence=0, what=None):
        what = what or command
        try:
            token = t.scalar(command, occurrence)
        except (KeyError, IndexError) as error:
            self.record(t, what, False, str(error))
            return
        self.count += 1
        ok = token_matches(token, expected)
        self.record(t, what, ok, f"printed {token}, true value {float(expected):.6g}")

    def text(self, t, command, needle, occurrence=0, what=None):
        """A line of the output contains `needle` (shapes, parameter counts, window positions)."""
        what = what or f"{command}: '{needle}'"
        try:
            out = "\n".join(t.output(command, occurrence))
        except KeyError as error:
            self.record(t, what, False, str(error))
            return
        self.count += 1
        self.record(t, what, needle in out, "" if needle in out else "not found in the output")

    def claim(self, name, what, ok, detail=""):
        self.count += 1
        self.record(name, what, bool(ok), detail)


def fmt(n):
    return f"{n:,}"


def check_model(ck, t, command, input_shape, layers, total, seeds_total=None):
    """The declared walk and total of a model block against the Keras arithmetic (and SEEDS.md)."""
    walk = model_walk(input_shape, layers)
    shapes = [input_shape] + [s for s, _ in walk]
    text = " -> ".join("x".join(str(d) for d in s) for s in shapes)
    params = sum(p for _, p in walk)
    ck.claim(t.name, f"{command.splitlines()[0]}: Keras arithmetic gives {fmt(params)}", params == total,
             f"expected {fmt(total)}")
    if seeds_total is not None:
        ck.claim(t.name, f"{command.splitlines()[0]}: SEEDS.md total {fmt(seeds_total)}", params == seeds_total)
    ck.text(t, command, text, what=f"{command.splitlines()[0]}: walk {text}")
    ck.text(t, command, f"{fmt(total)} parameters", what=f"{command.splitlines()[0]}: {fmt(total)} parameters")
    return walk


# ---------------------------------------------------------------------------------------------------
# The lessons

def lesson_convolution(ck):
    t, rng = Transcript("convolution"), Random()
    rng.seed(7)
    a = rng.randint(0, 5, 3, 3)
    k = rng.randint(-1, 2, 3, 3)
    ck.tensor(t, "a = randint(0, 5, 3, 3)", a)
    ck.tensor(t, "k = randint(-1, 2, 3, 3)", k)
    ck.tensor(t, "p = a * k", a * k)
    ck.scalar(t, "sum(p)", np.sum(a * k))
    ck.tensor(t, "conv(a, k)", signal.correlate2d(a, k, mode="valid"))
    ck.tensor(t, "a @ k", a @ k)
    image = rng.randint(0, 10, 6, 6)
    ck.tensor(t, "image = randint(0, 10, 6, 6)", image)
    f = signal.correlate2d(image, k, mode="valid")
    ck.tensor(t, "f = conv(image, k)", f)
    ck.text(t, "trace f[1, 2]", f"f[1, 2] = {int(f[1, 2])}")
    ck.text(t, "trace f[1, 2]", "image rows 1..3, columns 2..4")


def lesson_stride(ck):
    t, rng = Transcript("stride"), Random()
    image = np.arange(49.0).reshape(7, 7)
    k = np.ones((3, 3))
    ck.tensor(t, "image = reshape(range(49), 7x7)", image)
    full = signal.correlate2d(image, k, mode="valid")
    ck.tensor(t, "s1 = conv(image, k, stride=1)", full)
    ck.tensor(t, "s2 = conv(image, k, stride=2)", full[::2, ::2])
    ck.tensor(t, "s3 = conv(image, k, stride=3)", full[::3, ::3])
    ck.tensor(t, "s12 = conv(image, k, stride=[1, 2])", full[::1, ::2])
    ck.text(t, "trace s2[1, 1]", "image rows 2..4, columns 2..4")
    ck.text(t, "trace s3[1, 1]", "image rows 3..5, columns 3..5")
    ck.claim(t.name, "stride 3 never reads row 6 / column 6", full[::3, ::3].shape == (2, 2) and 3 * 1 + 3 <= 6)
    rng.seed(1)
    big = squeeze2(conv2d(rng.rand(512, 512), k, stride=(2, 2)))
    ck.claim(t.name, "512x512, 3x3, stride 2 gives 255x255", big.shape == (255, 255), str(big.shape))
    ck.tensor(t, "big = conv(rand(512, 512), k, stride=2)", big)
    ck.tensor(t, "shape(big)", [255, 255])


def lesson_padding(ck):
    t, rng = Transcript("padding"), Random()
    x = np.arange(1.0, 26).reshape(5, 5)
    k = np.ones((3, 3))
    ck.tensor(t, "x = reshape(range(1, 26), 5x5)", x)
    ck.tensor(t, "conv(x, k)", signal.correlate2d(x, k, mode="valid"))
    ck.tensor(t, "xp = pad(x, 1)", np.pad(x, 1))
    same = signal.correlate2d(x, k, mode="same")   # SciPy's centred 'same' = one zero on each side for 3x3
    ck.tensor(t, "conv(xp, k)", signal.correlate2d(np.pad(x, 1), k, mode="valid"))
    ck.tensor(t, "s = conv(x, k, padding=same)", same)
    ck.text(t, "trace s[0, 0]", "s[0, 0] = 16")
    ck.claim(t.name, "s[0, 0] = 1 + 2 + 6 + 7 = 16", same[0, 0] == 1 + 2 + 6 + 7 == 16)
    ck.tensor(t, "conv(x, k, padding=full)", signal.correlate2d(x, k, mode="full"))
    rng.seed(1)
    image = rng.rand(10, 10)
    ck.tensor(t, "image = rand(10, 10)", image)
    valid = signal.correlate2d(image, k, mode="valid")
    ck.tensor(t, "conv(image, k)", valid)
    same10 = signal.correlate2d(image, k, mode="same")
    ck.tensor(t, "conv(image, k, padding=same)", same10)
    ck.claim(t.name, "the inner 8x8 of the same map is the valid map", np.allclose(same10[1:-1, 1:-1], valid))
    ck.claim(t.name, "the border values of the same map are smaller than their inner neighbours",
             np.all(same10[0, 1:-1] < valid[0, :]) and np.all(same10[-1, 1:-1] < valid[-1, :]))
    e = squeeze2(conv2d(x, np.ones((2, 2)), pad=same_pad(x.shape, (2, 2), (1, 1))))
    ck.claim(t.name, "2x2 same pads 0 above, 1 below (TensorFlow)", same_pad(x.shape, (2, 2), (1, 1)) == (0, 1, 0, 1))
    ck.tensor(t, "e = conv(x, ones(2, 2), padding=same)", e)
    ck.text(t, "trace e[4, 4]", "e[4, 4] = 25")
    ck.claim(t.name, "5x5, 3x3, stride 2 same pads 1 on each side", same_pad(x.shape, (3, 3), (2, 2)) == (1, 1, 1, 1))
    ck.tensor(t, "conv(x, k, stride=2, padding=same)", squeeze2(conv2d(x, k, (2, 2), same_pad(x.shape, (3, 3), (2, 2)))))
    y = np.arange(1.0, 37).reshape(6, 6)
    ck.tensor(t, "y = reshape(range(1, 37), 6x6)", y)
    ck.claim(t.name, "6x6, 3x3, stride 2 same pads 0 above, 1 below", same_pad(y.shape, (3, 3), (2, 2)) == (0, 1, 0, 1))
    g = squeeze2(conv2d(y, k, (2, 2), same_pad(y.shape, (3, 3), (2, 2))))
    ck.tensor(t, "g = conv(y, k, stride=2, padding=same)", g)
    ck.text(t, "trace g[0, 0]", f"g[0, 0] = {int(g[0, 0])}")
    ck.text(t, "trace g[2, 2]", f"g[2, 2] = {int(g[2, 2])}")
    ck.tensor(t, "conv(y, k, stride=2, padding=1)", squeeze2(conv2d(y, k, (2, 2), (1, 1, 1, 1))))
    ck.tensor(t, "conv(y, k, stride=2, padding=[0, 1, 0, 1])", g)


def lesson_pooling(ck):
    t, rng = Transcript("pooling"), Random()
    rng.seed(4)
    m = rng.randint(0, 10, 6, 6)
    ck.tensor(t, "m = randint(0, 10, 6, 6)", m)
    ck.tensor(t, "mx = maxpool(m)", pool(m))
    ck.tensor(t, "av = avgpool(m)", pool(m, kind="avg"))
    ck.text(t, "trace mx[1, 2]", f"mx[1, 2] = {int(pool(m)[1, 2])}")
    ck.text(t, "trace av[1, 2]", f"= {pool(m, kind='avg')[1, 2]:.2f}")
    rng.seed(5)
    odd = rng.randint(0, 10, 7, 7)
    ck.tensor(t, "odd = randint(0, 10, 7, 7)", odd)
    ck.tensor(t, "maxpool(odd)", pool(odd))
    fit = pool(odd, mode="fit")
    ck.tensor(t, "p = maxpool(odd, padding=fit)", fit)
    ck.claim(t.name, "7x7 -> 4x4 with padding=fit", fit.shape == (4, 4))
    ck.tensor(t, "maxpool(odd, padding=same)", pool(odd, mode="same"))
    neg = odd - 10
    ck.tensor(t, "neg = odd - 10", neg)
    ck.tensor(t, "maxpool(neg, padding=fit)", pool(neg, mode="fit"))
    ck.tensor(t, "maxpool(neg, padding=same)", pool(neg, mode="same"))
    ck.claim(t.name, "with negatives, fit and same differ only in the last row and column",
             np.array_equal(pool(neg, mode="fit")[:3, :3], pool(neg, mode="same")[:3, :3])
             and not np.array_equal(pool(neg, mode="fit")[3], pool(neg, mode="same")[3]))
    small = -np.arange(1.0, 10.0).reshape(3, 3)
    ck.tensor(t, "small = [-1, -2, -3; -4, -5, -6; -7, -8, -9]", small)
    ck.tensor(t, "maxpool(small, padding=fit)", pool(small, mode="fit"))
    ck.tensor(t, "maxpool(small, padding=ceil)", ceil_pool(small))
    ck.claim(t.name, "fit gives -1, 0, 0, 0; ceil gives -1, -3, -7, -9",
             pool(small, mode="fit").ravel().tolist() == [-1, 0, 0, 0] and ceil_pool(small).ravel().tolist() == [-1, -3, -7, -9])
    a = np.zeros((4, 4)); a[0, 0] = 9
    b = np.zeros((4, 4)); b[1, 1] = 9
    ck.tensor(t, "maxpool(a)", pool(a))
    ck.tensor(t, "maxpool(b)", pool(b))


def lesson_activation(ck):
    t, rng = Transcript("activation"), Random()
    rng.seed(2)
    image = rng.randint(0, 10, 6, 6)
    ck.tensor(t, "image = randint(0, 10, 6, 6)", image)
    k = np.array([[1, 0, -1]] * 3, dtype=float)
    f = signal.correlate2d(image, k, mode="valid")
    ck.tensor(t, "f = conv(image, k)", f)
    ck.tensor(t, "relu f", relu(f))
    ck.text(t, "trace f[0, 0]", f"relu({int(f[0, 0])}) = {int(relu(f)[0, 0])}")
    ck.claim(t.name, "f[0, 0] is -3 before ReLU", f[0, 0] == -3)
    v = np.array([-2, -1, 0, 1, 2], dtype=float)
    ck.tensor(t, "sigmoid(v)", sigmoid(v))
    scores = np.array([2, 1, 0.1])
    ck.tensor(t, "probs = softmax(scores)", softmax(scores))
    ck.scalar(t, "sum(probs)", 1)
    ck.scalar(t, "argmax(probs)", np.argmax(softmax(scores)))
    ck.tensor(t, "softmax(scores + 100)", softmax(scores + 100))
    ck.tensor(t, "tanh(v)", np.tanh(v))
    ck.tensor(t, "leakyrelu(v)", leaky(v))


def lesson_channels(ck):
    t, rng = Transcript("channels"), Random()
    rng.seed(42)
    image = rng.rand(10, 10)
    ck.tensor(t, "image = rand(10, 10)", image)
    c0 = signal.correlate2d(image, np.ones((3, 3)), mode="valid")
    ck.tensor(t, "c0 = conv(image, ones(3, 3))", c0)
    pooled = pool(relu(c0))
    ck.tensor(t, "p0 = maxpool(relu(c0))", pooled)
    layer = pool(relu(conv2d(image, np.ones((3, 3, 1, 3)))))
    ck.tensor(t, "shape(maxpool(relu(conv(image, ones(3, 3, 1, 3)))))", list(layer.shape))
    ck.claim(t.name, "the notes' join is 4x4x3, every slice equal to p0",
             layer.shape == (4, 4, 3) and np.allclose(layer, np.stack([pooled] * 3, axis=-1)))
    filters = [np.array([[1, 0, -1]] * 3, dtype=float), np.array([[1] * 3, [0] * 3, [-1] * 3], dtype=float),
               np.array([[0, 1, 1], [-1, 0, 1], [-1, -1, 0]], dtype=float)]
    bank = np.stack(filters, axis=-1).reshape(3, 3, 1, 3)
    ck.tensor(t, "bank = reshape(stack([1, 0, -1; 1, 0, -1; 1, 0, -1], [1, 1, 1; 0, 0, 0; -1, -1, -1], [0, 1, 1; -1, 0, 1; -1, -1, 0]), 3x3x1x3)",
              bank.reshape(3, 3, 3))
    maps = conv2d(image, bank)
    ck.tensor(t, "maps = conv(image, bank)", maps)
    pooled3 = pool(relu(maps))
    ck.tensor(t, "pooled = maxpool(relu(maps))", pooled3)
    ck.claim(t.name, "the zeros of pooled are windows with no positive value (exact zeros)",
             all(relu(maps)[2 * i:2 * i + 2, 2 * j:2 * j + 2, c].max() == 0
                 for i, j, c in zip(*np.nonzero(pooled3 < 0.005))))
    ck.tensor(t, "flatten(pooled)", pooled3.reshape(-1))
    ck.claim(t.name, "flatten: 0.00, 0.77 and 1.02 are cell [0, 0] of the three maps",
             [f"{v:.2f}" for v in pooled3.reshape(-1)[:3]] == ["0.00", "0.77", "1.02"])
    ck.tensor(t, "globalavgpool(pooled)", pooled3.mean(axis=(0, 1)))
    ck.tensor(t, "depthmaxpool(pooled, 3)", pooled3.max(axis=2, keepdims=True))
    rng.seed(3)
    x = rng.randint(0, 4, 4, 4, 3)
    w = rng.randint(-1, 2, 3, 3, 3)
    ck.tensor(t, "x = randint(0, 4, 4, 4, 3)", x)
    ck.tensor(t, "w = randint(-1, 2, 3, 3, 3)", w)
    o = conv2d(x, w)
    ck.tensor(t, "o = conv(x, w)", o)
    per_channel = [float(np.sum(x[0:3, 1:4, c] * w[:, :, c])) for c in range(3)]
    ck.claim(t.name, "o[0, 1, 0]: channels give -3, 3 and 2, total 2", per_channel == [-3, 3, 2] and o[0, 1, 0] == 2,
             str(per_channel))
    rng.seed(1)
    one = conv2d(rng.rand(32, 32, 3), np.ones((5, 5, 3)))
    ck.tensor(t, "one = conv(rand(32, 32, 3), ones(5, 5, 3))", one)
    ck.tensor(t, "shape(conv(rand(32, 32, 3), randn(5, 5, 3, 5)))", [28, 28, 5])


def lesson_receptive_field(ck):
    t, rng = Transcript("receptive-field"), Random()
    rng.seed(5)
    img = rng.randint(0, 10, 12, 12)
    k = np.ones((3, 3))
    ck.tensor(t, "img = randint(0, 10, 12, 12)", img)
    a = signal.correlate2d(img, k, mode="valid")
    p = pool(a)
    b = signal.correlate2d(p, k, mode="valid")
    ck.tensor(t, "a = conv(img, ones(3, 3))", a)
    ck.tensor(t, "p = maxpool(a)", p)
    ck.tensor(t, "b = conv(p, ones(3, 3))", b)

    def forward(x):
        return signal.correlate2d(pool(signal.correlate2d(x, k, mode="valid")), k, mode="valid")

    for cell in [(1, 1), (1, 2)]:
        (r0, r1), (c0, c1) = receptive_field(forward, (12, 12), cell)
        command = f"trace b[{cell[0]}, {cell[1]}]"
        ck.text(t, command, f"b[{cell[0]}, {cell[1]}] = {int(b[cell])}")
        ck.text(t, command, f"needs img rows {r0}..{r1}, columns {c0}..{c1}",
                what=f"{command}: brute-force receptive field rows {r0}..{r1}, columns {c0}..{c1}")
        ck.claim(t.name, f"{command}: the field is 8x8", (r1 - r0 + 1, c1 - c0 + 1) == (8, 8))
    walk = check_model(ck, t, "model plain 32x32x1\n  conv 8 3x3\n  conv 8 3x3\n  conv 8 3x3\n  conv 8 3x3\nend",
                       (32, 32, 1), [("conv", 8, 3, "valid")] * 4, 1832)
    # Receptive field sizes by the recurrence, written out: r += (k - 1) * j; j *= s.
    sizes = []
    r, j = 1, 1
    for k_, s_ in [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)]:
        r, j = r + (k_ - 1) * j, j * s_
        sizes.append(f"{r}x{r} / {j}")
    ck.claim(t.name, "pooled stack: fields 3, 4, 8, 10, 18", [s.split()[0] for s in sizes] == ["3x3", "4x4", "8x8", "10x10", "18x18"])
    for size in sizes:
        ck.text(t, "summary pooled", size, what=f"summary pooled: receptive field {size}")
    r = 1
    for layer in range(4):
        r += 2
        ck.text(t, "summary plain", f"{r}x{r} / 1", what=f"summary plain: receptive field {r}x{r} / 1")
    check_model(ck, t, "model pooled 32x32x1\n  conv 8 3x3\n  maxpool 2x2\n  conv 8 3x3\n  maxpool 2x2\n  conv 8 3x3\nend",
                (32, 32, 1), [("conv", 8, 3, "valid"), ("pool", 2), ("conv", 8, 3, "valid"), ("pool", 2), ("conv", 8, 3, "valid")], 1248)


def lesson_parameters(ck):
    t = Transcript("parameters")
    for command, count in [("params conv 3x3x1x32", 3 * 3 * 1 * 32 + 32), ("params conv 3x3x32x64", 3 * 3 * 32 * 64 + 64),
                           ("params dense 12544x128", 12544 * 128 + 128), ("params dense 784x128", 784 * 128 + 128),
                           ("params dense 150528x128", 150528 * 128 + 128), ("params conv 3x3x3x64", 3 * 3 * 3 * 64 + 64)]:
        ck.text(t, command, f"= {fmt(count)}")
    ck.claim(t.name, "224 x 224 x 3 = 150,528", 224 * 224 * 3 == 150528)
    ck.text(t, "params maxpool", "0 parameters")
    ck.text(t, "params flatten", "0 parameters")
    check_model(ck, t, "model dnn 28x28x1\n  flatten\n  dense 128 relu\n  dense 10 softmax\nend",
                (28, 28, 1), [("flatten",), ("dense", 128), ("dense", 10)], 101770, seeds_total=101770)
    fashion = [("conv", 32, 3, "valid"), ("pool", 2), ("conv", 64, 3, "valid"), ("pool", 2), ("conv", 64, 3, "valid"),
               ("flatten",), ("dense", 64), ("dense", 10)]
    check_model(ck, t, "model fashion 28x28x1\n  conv 32 3x3 relu\n  maxpool 2x2\n  conv 64 3x3 relu\n  maxpool 2x2\n"
                "  conv 64 3x3 relu\n  flatten\n  dense 64 relu\n  dense 10 softmax\nend", (28, 28, 1), fashion, 93322, seeds_total=93322)


CIFAR = [("conv", 32, 3, "valid"), ("pool", 2), ("conv", 64, 3, "valid"), ("pool", 2), ("conv", 64, 3, "valid"),
         ("flatten",), ("dense", 64), ("dense", 10)]
CIFAR_TEXT = "  conv 32 3x3 relu\n  maxpool 2x2\n  conv 64 3x3 relu\n  maxpool 2x2\n  conv 64 3x3 relu\n  flatten\n  dense 64 relu\n  dense 10 softmax\nend"


def lesson_architectures(ck):
    t = Transcript("architectures")
    small = check_model(ck, t, "model small 32x32x3\n  conv 6 5x5\n  maxpool 2x2\n  flatten\n  dense 10\nend", (32, 32, 3),
                        [("conv", 6, 5, "valid"), ("pool", 2), ("flatten",), ("dense", 10)], 12226, seeds_total=12226)
    for (shape, params) in small:
        if params:
            ck.text(t, "summary small", fmt(params), what=f"summary small: {fmt(params)}")
    ck.text(t, "run small", "32x32x3 -> 28x28x6", what="run small: layer 1 32x32x3 -> 28x28x6")
    ck.text(t, "run small", "14x14x6 -> 1176", what="run small: flatten 14x14x6 -> 1176")
    ck.text(t, "run small", "1176 -> 10", what="run small: dense 1176 -> 10")
    mnist = check_model(ck, t, "model mnist 28x28x1\n  conv 32 3x3 relu same\n  conv 64 3x3 relu same\n  maxpool 2x2\n  flatten\n"
                        "  dense 128 relu\n  dense 10 softmax\nend", (28, 28, 1),
                        [("conv", 32, 3, "same"), ("conv", 64, 3, "same"), ("pool", 2), ("flatten",), ("dense", 128), ("dense", 10)],
                        1625866, seeds_total=1625866)
    for (shape, params) in mnist:
        ck.text(t, "summary mnist", fmt(params) if params else "x".join(map(str, shape)),
                what=f"summary mnist: {'x'.join(map(str, shape))} {fmt(params)}")
    cifar = check_model(ck, t, "model cifar 32x32x3\n" + CIFAR_TEXT, (32, 32, 3), CIFAR, 122570, seeds_total=122570)
    ck.claim(t.name, "CIFAR-10 shapes 30, 15, 13, 6, 4, 1024 (SEEDS.md)",
             [s for s, _ in cifar] == [(30, 30, 32), (15, 15, 32), (13, 13, 64), (6, 6, 64), (4, 4, 64), (1024,), (64,), (10,)])
    ck.claim(t.name, "CIFAR-10 params 896, 0, 18,496, 0, 36,928, 0, 65,600, 650 (SEEDS.md)",
             [p for _, p in cifar] == [896, 0, 18496, 0, 36928, 0, 65600, 650])
    check_model(ck, t, "model fashion 28x28x1\n" + CIFAR_TEXT, (28, 28, 1), CIFAR, 93322, seeds_total=93322)
    pool1 = [("conv", 32, 3, "valid"), ("pool", 1), ("conv", 64, 3, "valid"), ("pool", 1), ("conv", 64, 3, "valid"),
             ("flatten",), ("dense", 64), ("dense", 10)]
    walk = check_model(ck, t, "model cifar_pool1 32x32x3\n" + CIFAR_TEXT.replace("maxpool 2x2", "maxpool 1x1"), (32, 32, 3), pool1,
                       2825930, seeds_total=2825930)
    ck.claim(t.name, "pool 1x1: flatten 43,264, first dense 2,768,960", walk[5][0] == (43264,) and walk[6][1] == 2768960)
    ck.claim(t.name, "2,825,930 / 122,570 is about 23", round(2825930 / 122570) == 23, f"{2825930 / 122570:.2f}")
    wide = [("conv", 64, 3, "valid")] + CIFAR[1:]
    check_model(ck, t, "model cifar_wide 32x32x3\n" + CIFAR_TEXT.replace("conv 32 3x3", "conv 64 3x3"), (32, 32, 3), wide,
                141898, seeds_total=141898)
    dropout = CIFAR[:7] + [("dropout",)] + CIFAR[7:]   # after Dense(64), where the notes put it
    check_model(ck, t, "model cifar_dropout 32x32x3\n" + CIFAR_TEXT.replace("  dense 64 relu\n", "  dense 64 relu\n  dropout 0.2\n"),
                (32, 32, 3), dropout, 122570)


def lesson_filters(ck):
    t = Transcript("filters")
    x = np.load(os.path.join(DATA, "letter.npy")).astype(float)
    ck.tensor(t, 'x = load("data/letter.npy")', x)
    sharpen = np.array([[-1, -1, -1], [-1, 9, -1], [-1, -1, -1]], dtype=float)
    s = signal.correlate2d(np.pad(x, 1), sharpen, mode="valid")
    ck.tensor(t, "s = conv(x, sharpen, padding=1)", s)
    ck.claim(t.name, "sharpen values run from -1,080 to 1,000", s.min() == -1080 and s.max() == 1000, f"{s.min()}..{s.max()}")
    ck.claim(t.name, "flat background stays 40 (s[9, 8])", s[9, 8] == 40)
    ck.claim(t.name, "stroke corner s[2, 3] = 1,000", s[2, 3] == 1000)
    ck.text(t, "trace s[9, 8]", "s[9, 8] = 40")
    ck.text(t, "trace s[2, 3]", "s[2, 3] = 1000")
    ck.tensor(t, "clip s 0 255", np.clip(s, 0, 255))
    ck.claim(t.name, "the picture's border became 160 and 240", set(np.clip(s, 0, 255)[0]) == {160.0, 240.0})
    vertical = np.zeros((7, 7)); vertical[:, 3] = 1
    ck.tensor(t, "vertical = pad(ones(7, 1), [0, 0, 3, 3])", vertical)
    ck.tensor(t, "horizontal = transpose(vertical)", vertical.T)
    v = squeeze2(conv2d(x, vertical, pad=same_pad(x.shape, (7, 7), (1, 1))))
    h = squeeze2(conv2d(x, vertical.T, pad=same_pad(x.shape, (7, 7), (1, 1))))
    ck.tensor(t, "v = conv(x, vertical, padding=same)", v)
    ck.tensor(t, "h = conv(x, horizontal, padding=same)", h)
    ck.claim(t.name, "vertical: 1,400 only on the stem (columns 3, 4); 920 at most elsewhere",
             v.max() == 1400 and set(np.argwhere(v == 1400)[:, 1]) == {3, 4} and np.delete(v, [3, 4], axis=1).max() == 920)
    ck.claim(t.name, "horizontal: top bar 1,400, middle bar 1,080", h[2].max() == 1400 and h[5].max() == 1080)
    shapes = np.load(os.path.join(DATA, "shapes.npy")).astype(float)
    ck.tensor(t, 'shapes = load("data/shapes.npy")', shapes)
    ck.tensor(t, "maxpool(shapes)", pool(shapes))
    ck.tensor(t, "avgpool(shapes)", pool(shapes, kind="avg"))
    # The photograph: the built-in JPEG decoded by Pillow, shrunk by Pillow's BOX filter in float mode.
    from PIL import Image
    camera = Image.open(os.path.join(ROOT, "Sources", "CSamplePhotos", "photos", "camera.jpg"))
    photo = np.asarray(Image.fromarray(np.asarray(camera, dtype=np.float32), "F").resize((128, 128), Image.Resampling.BOX), dtype=float)
    ck.tensor(t, 'photo = load("sample:camera", size=128x128)', photo)
    ck.claim(t.name, "128x128 by area: each pixel the mean of a 2 x 2 block",
             np.allclose(photo, np.asarray(camera, dtype=float).reshape(128, 2, 128, 2).mean(axis=(1, 3))))
    sharp = np.clip(signal.correlate2d(np.pad(photo, 1), sharpen, mode="valid"), 0, 255)
    ck.tensor(t, "sharp = clip(conv(photo, sharpen, padding=same), 0, 255)", sharp)
    edge = sharpen - np.pad([[1.0]], 1)
    edges = np.clip(signal.correlate2d(np.pad(photo, 1), edge, mode="valid"), 0, 255)
    ck.tensor(t, "edges = clip(conv(photo, edge, padding=same), 0, 255)", edges)
    ck.claim(t.name, "the edge kernel's weights add up to 0", edge.sum() == 0)
    pv = squeeze2(conv2d(photo, vertical, pad=same_pad(photo.shape, (7, 7), (1, 1)))) / 7
    ph = squeeze2(conv2d(photo, vertical.T, pad=same_pad(photo.shape, (7, 7), (1, 1)))) / 7
    ck.tensor(t, "pv = conv(photo, vertical, padding=same) / 7", pv)
    ck.tensor(t, "ph = conv(photo, horizontal, padding=same) / 7", ph)


def lesson_learning(ck):
    t = Transcript("learning")
    output, target = np.array([0.7, 0]), np.array([1.0, 0])
    error = target - output
    ck.tensor(t, "error = target - output", error)
    ck.tensor(t, "squared = error * error", error * error)
    ck.scalar(t, "loss = mean(squared)", np.mean(error * error))
    w, x = 0.35, 2.0
    y = w * x
    ck.scalar(t, "y = w * x", y)
    ck.scalar(t, "loss = (y - 1) * (y - 1)", (y - 1) ** 2)
    gradient = 2 * (y - 1) * x
    ck.scalar(t, "gradient = 2 * (y - 1) * x", gradient)
    numeric = (((w + 0.001) * x - 1) ** 2 - ((w - 0.001) * x - 1) ** 2) / 0.002
    ck.scalar(t, "((up - 1) * (up - 1) - (down - 1) * (down - 1)) / 0.002", numeric)
    w = w - 0.1 * gradient
    ck.scalar(t, "w = w - 0.1 * gradient", w)
    ck.scalar(t, "y = w * x", w * x, occurrence=1)
    ck.scalar(t, "loss = (y - 1) * (y - 1)", (w * x - 1) ** 2, occurrence=1)
    ck.claim(t.name, "w: 0.35 -> 0.47, output 0.7 -> 0.94, loss 0.09 -> 0.0036",
             abs(w - 0.47) < 1e-12 and abs(w * x - 0.94) < 1e-12 and abs((w * x - 1) ** 2 - 0.0036) < 1e-12)
    window = np.array([[1, 2, 0], [0, 1, 3], [2, 0, 1]], dtype=float)
    k = np.array([[0.1, 0, -0.1], [0.2, 0.1, 0], [0, -0.1, 0.1]])
    y = np.sum(window * k)
    ck.scalar(t, "y = sum(window * k)", y)
    grad = 2 * (y - 1) * window
    ck.tensor(t, "grad_k = 2 * (y - target) * window", grad)
    k = k - 0.01 * grad
    ck.tensor(t, "k = k - 0.01 * grad_k", k)
    ck.scalar(t, "y = sum(window * k)", np.sum(window * k), occurrence=1)
    ck.claim(t.name, "the weight over a 0 pixel (top right, -0.1) does not change", k[0, 2] == -0.1)


def repl_builtins(ck):
    t, rng = Transcript("repl-builtins"), Random()
    ck.tensor(t, "full(2x3, 7)", np.full((2, 3), 7))
    ck.tensor(t, "eye(3)", np.eye(3))
    ck.tensor(t, "range(1, 10, 2)", np.arange(1, 10, 2))
    rng.seed(42)
    ck.tensor(t, "rand(2, 3)", rng.rand(2, 3))
    ck.tensor(t, "randint(0, 5, 3, 3)", rng.randint(0, 5, 3, 3))
    ck.tensor(t, "randn(2, 2)", rng.randn(2, 2))
    x = np.arange(16.0).reshape(4, 4)
    ck.tensor(t, "conv(x, ones(2, 2))", signal.correlate2d(x, np.ones((2, 2)), mode="valid"))
    ck.tensor(t, "conv(x, [1, 0; 0, -1], stride=2, bias=0.5)", signal.correlate2d(x, np.array([[1, 0], [0, -1]]), mode="valid")[::2, ::2] + 0.5)
    ck.tensor(t, "conv(x, ones(3, 3), dilation=1, padding=same)", signal.correlate2d(x, np.ones((3, 3)), mode="same"))
    ck.tensor(t, "maxpool(x)", pool(x))
    ck.tensor(t, "avgpool(x, 2, stride=1)", pool_stride(x, 2, 1, "avg"))
    m = np.stack([x, 15 - x], axis=-1)
    ck.tensor(t, "globalavgpool(m)", m.mean(axis=(0, 1)))
    ck.tensor(t, "globalmaxpool(m)", m.max(axis=(0, 1)))
    ck.tensor(t, "depthmaxpool(m, 2)", m.max(axis=2, keepdims=True))
    v = np.array([-2, -0.5, 0, 0.5, 2])
    ck.tensor(t, "relu(v)", relu(v))
    ck.tensor(t, "leakyrelu(v)", leaky(v))
    ck.tensor(t, "leakyrelu(v, 0.1)", leaky(v, 0.1))
    ck.tensor(t, "sigmoid(v)", sigmoid(v))
    ck.tensor(t, "tanh(v)", np.tanh(v))
    ck.tensor(t, "softmax(v)", softmax(v))
    ck.tensor(t, "flatten(m)", m.reshape(-1))
    ck.tensor(t, "dense([1, 2, 3], [1, 0; 0, 1; 1, 1], [0.5, -0.5])",
              np.array([1, 2, 3]) @ np.array([[1, 0], [0, 1], [1, 1]]) + np.array([0.5, -0.5]))
    ck.scalar(t, "sum(x)", x.sum())
    ck.tensor(t, "sum(x, 0)", x.sum(axis=0))
    ck.scalar(t, "mean(x)", x.mean())
    ck.tensor(t, "mean(x, 1)", x.mean(axis=1))
    ck.scalar(t, "max(x)", x.max())
    ck.scalar(t, "min(x - 5)", (x - 5).min())
    ck.scalar(t, "argmax([0.1, 0.7, 0.2])", 1)
    ck.tensor(t, "clip(x, 3, 12)", np.clip(x, 3, 12))
    ck.tensor(t, "pad(x, [0, 1, 2, 0])", np.pad(x, ((0, 1), (2, 0))))
    ck.tensor(t, "transpose(x)", x.T)
    ck.tensor(t, "stack([1, 2], [3, 4], [5, 6])", np.stack([[1, 2], [3, 4], [5, 6]], axis=-1))
    ck.tensor(t, "gray(stack(full(2x2, 100), full(2x2, 50), full(2x2, 200)))", np.full((2, 2), 0.299 * 100 + 0.587 * 50 + 0.114 * 200))
    ck.tensor(t, 'load("/tmp/cnnrepl-transcript-x.png")', np.arange(0, 256, 16).reshape(4, 4))


def repl_commands(ck):
    t, rng = Transcript("repl-commands"), Random()
    rng.seed(3)
    f = rng.randint(-5, 5, 6, 6)
    ck.tensor(t, "f = randint(-5, 5, 6, 6)", f)
    ck.tensor(t, "relu f", relu(f))
    ck.tensor(t, "maxpool f 3", pool(relu(f), size=3))
    g = rng.randint(0, 10, 4, 4)
    ck.tensor(t, "g = randint(0, 10, 4, 4)", g)
    g = np.clip(np.pad(g, 1), 2, 8)
    ck.tensor(t, "clip g 2 8", g)
    g = pool(g, kind="avg")
    ck.tensor(t, "avgpool g 2 stride=2", g)
    ck.scalar(t, "mean(g)", g.mean())
    rng.seed(5)
    ck.tensor(t, "rand(2, 2)", rng.rand(2, 2))
    rng.seed(42)
    ck.tensor(t, "rand(2, 2)", rng.rand(2, 2), occurrence=1)
    ck.text(t, "params conv 5x5x3x6", f"= {fmt(5 * 5 * 3 * 6 + 6)}")
    ck.text(t, "params dense 1176x10", f"= {fmt(1176 * 10 + 10)}")
    walk = model_walk((8, 8, 1), [("conv", 4, 3, "same"), ("pool", 2), ("gap",), ("dense", 2)])
    ck.text(t, "model tiny 8x8x1\n  conv 4 3x3 same relu\n  maxpool 2x2\n  globalavgpool\n  dense 2 softmax\nend",
            f"{sum(p for _, p in walk)} parameters", what="model tiny: 50 parameters")


def repl_printing(ck):
    t, rng = Transcript("repl-printing"), Random()
    rng.seed(42)
    ck.tensor(t, "small = reshape(range(-4, 5), 3x3)", np.arange(-4, 5).reshape(3, 3))
    ck.tensor(t, "wide = rand(3, 20)", rng.rand(3, 20))
    ck.tensor(t, "tall = rand(20, 2)", rng.rand(20, 2))
    big = rng.rand(30, 30)
    ck.tensor(t, "big = rand(30, 30)", big)
    ck.tensor(t, "long = range(100)", np.arange(100))
    ck.tensor(t, "stack3 = reshape(range(27), 3x3x3)", np.arange(27).reshape(3, 3, 3))
    ck.scalar(t, "scalar = sum(big)", big.sum())
    ck.scalar(t, "x * 3", 21)


def repl_errors(ck):
    t, rng = Transcript("repl-errors"), Random()
    image = rng.rand(4, 4)
    ck.tensor(t, "image = rand(4, 4)", image)
    ck.tensor(t, "f = conv(image, ones(3, 3))", signal.correlate2d(image, np.ones((3, 3)), mode="valid"))
    ck.tensor(t, "image[0]", image[0])


def lesson_seeing(ck):
    """The photograph's way in (the training and the maps are cnnrepl's own run: see the note below)."""
    t = Transcript("seeing")
    from PIL import Image
    camera = Image.open(os.path.join(ROOT, "Sources", "CSamplePhotos", "photos", "camera.jpg"))
    photo = np.asarray(Image.fromarray(np.asarray(camera, dtype=np.float32), "F").resize((28, 28), Image.Resampling.BOX), dtype=float)
    ck.tensor(t, 'photo = load("sample:camera", size=28x28, gray=true)', photo)
    ck.tensor(t, "x = (255 - photo) / 255", (255 - photo) / 255)


def depthwise2d(x, k):
    """Each channel c alone with k[:, :, c, m] gives output channel c*M + m (valid, stride 1)."""
    return np.concatenate([conv2d(x[:, :, c:c + 1], k[:, :, c:c + 1, :]) for c in range(x.shape[2])], axis=2)


def keras_counts(layers, channels):
    """Parameters per layer by Keras' formulas, and the non-trainable ones (batch norm's moving statistics)."""
    total = frozen = 0
    for layer in layers:
        kind = layer[0]
        if kind == "conv":          # ("conv", filters, k, bias)
            total += layer[2] * layer[2] * channels * layer[1] + (layer[1] if layer[3] else 0)
            channels = layer[1]
        elif kind == "depthwise":   # ("depthwise", k, bias)
            total += layer[1] * layer[1] * channels + (channels if layer[2] else 0)
        elif kind == "batchnorm":   # gamma, beta, moving mean, moving variance
            total += 4 * channels
            frozen += 2 * channels
        elif kind == "dense":
            total += channels * layer[1] + layer[1]
            channels = layer[1]
    return total, frozen


def lesson_separable(ck):
    t, rng = Transcript("separable"), Random()
    rng.seed(3)
    x = rng.randint(0, 4, 5, 5, 2)
    dk = rng.randint(-1, 2, 3, 3, 2, 1)
    ck.tensor(t, "x = randint(0, 4, 5, 5, 2)", x)
    d = depthwise2d(x, dk)
    ck.tensor(t, "d = depthwiseconv(x, dk)", d)
    ck.text(t, "trace d[1, 1, 1]", f"d[1, 1, 1] = {int(d[1, 1, 1])}")
    ck.text(t, "trace d[1, 1, 1]", "output channel 1 = input channel 1 alone")
    pk = rng.randint(-1, 2, 1, 1, 2, 3)
    y = conv2d(d, pk)
    ck.tensor(t, "y = conv(d, pk)", y)
    ck.tensor(t, "s = separableconv(x, dk, pk)", y)
    ck.tensor(t, "s - y", np.zeros_like(y))
    ck.text(t, "trace s[0, 0, 2]", f"s[0, 0, 2] = {int(y[0, 0, 2])}")
    conv_params = 3 * 3 * 512 * 512 + 512
    separable_params = 3 * 3 * 512 + 512 * 512 + 512
    ck.text(t, "params conv 3x3x512x512", f"= {fmt(conv_params)}")
    ck.text(t, "params separableconv 3x3x512x512", f"= {fmt(separable_params)}")
    ck.scalar(t, "2359808 / 267264", conv_params / separable_params)
    conv_mults = 14 * 14 * 512 * 3 * 3 * 512
    separable_mults = 14 * 14 * 512 * 3 * 3 + 14 * 14 * 512 * 512
    ck.scalar(t, "14 * 14 * 512 * 3 * 3 * 512", conv_mults)
    ck.scalar(t, "14 * 14 * 512 * 3 * 3 + 14 * 14 * 512 * 512", separable_mults)
    ck.scalar(t, "462422016 / 52283392", conv_mults / separable_mults)
    ck.claim(t.name, "the cost ratio is 1/F + 1/k^2 (8.8 times fewer)",
             abs(separable_mults / conv_mults - (1 / 512 + 1 / 9)) < 1e-12 and round(conv_mults / separable_mults, 1) == 8.8)
    for name, layers, text in [("standard", [("conv", 512, 3, False), ("batchnorm",)], "  conv 512 3x3 same nobias\n  batchnorm\n  relu\nend"),
                               ("mobile", [("depthwise", 3, False), ("batchnorm",), ("conv", 512, 1, False), ("batchnorm",)],
                                "  depthwiseconv 3x3 same nobias\n  batchnorm\n  relu\n  conv 512 1x1 nobias\n  batchnorm\n  relu\nend")]:
        total, frozen = keras_counts(layers, 512)
        ck.text(t, f"model {name} 14x14x512\n" + text, f"{fmt(total)} parameters")
        ck.text(t, f"summary {name}", f"Total params: {fmt(total)}")
        ck.text(t, f"summary {name}", f"Trainable params: {fmt(total - frozen)}")
        ck.text(t, f"summary {name}", f"Non-trainable params: {fmt(frozen)}")
    ck.claim(t.name, "270,848 against 2,361,344 parameters is 8.7 times fewer", round(2361344 / 270848, 1) == 8.7)


def transposed_scatter(x, k, stride, same=False):
    """Keras' Conv2DTranspose as a scatter of kernel stamps (2-D input and kernel), cropped to in*stride for same."""
    kh, kw = k.shape
    out = np.zeros(((x.shape[0] - 1) * stride + kh, (x.shape[1] - 1) * stride + kw))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i * stride:i * stride + kh, j * stride:j * stride + kw] += x[i, j] * k
    if not same:
        return out
    def crop(n, kk):
        total = stride + kk - 2
        before = min(total // 2 + total % 2, kk - 1)
        return kk - 1 - before
    r0, c0 = crop(x.shape[0], kh), crop(x.shape[1], kw)
    return out[r0:r0 + x.shape[0] * stride, c0:c0 + x.shape[1] * stride]


def lesson_transposed(ck):
    t, rng = Transcript("transposed"), Random()
    x = np.array([[1, 2], [3, 4]], dtype=float)
    k = np.ones((3, 3))
    u = transposed_scatter(x, k, 2)
    ck.tensor(t, "u = transposedconv(x, k, stride=2)", u)
    ck.text(t, "trace u[2, 2]", f"u[2, 2] = {int(u[2, 2])}")
    ck.text(t, "trace u[2, 2]", "sum = 1 + 2 + 3 + 4 = 10")
    ck.tensor(t, "transposedconv(x, k, stride=2, padding=same)", transposed_scatter(x, k, 2, same=True))
    flat = np.ones((4, 4))
    checker = transposed_scatter(flat, k, 2, same=True)
    ck.tensor(t, "transposedconv(flat, k, stride=2, padding=same)", checker)
    ck.claim(t.name, "a 3x3 kernel at stride 2 overlaps 1, 2 or 4 times", set(np.unique(checker)) == {1.0, 2.0, 4.0})
    even = transposed_scatter(flat, np.ones((4, 4)), 2, same=True)
    ck.tensor(t, "transposedconv(flat, ones(4, 4), stride=2, padding=same)", even)
    ck.claim(t.name, "a 4x4 kernel at stride 2 overlaps evenly inside the map", set(np.unique(even[1:-1, 1:-1])) == {4.0})
    up = flat.repeat(2, axis=0).repeat(2, axis=1)
    ck.tensor(t, "up = upsample(flat, 2)", up)
    smooth = squeeze2(conv2d(up, k, pad=same_pad(up.shape, (3, 3), (1, 1))))
    ck.tensor(t, "conv(up, k, padding=same)", smooth)
    ck.claim(t.name, "upsample + conv: uniform inside the border", set(np.unique(smooth[1:-1, 1:-1])) == {9.0})
    rng.seed(11)
    img = rng.rand(5, 5)
    w = rng.randint(-2, 3, 3, 3)
    ck.tensor(t, "img = rand(5, 5)", img)
    ck.tensor(t, "w = randint(-2, 3, 3, 3)", w)
    y = squeeze2(conv2d(img, w, stride=(2, 2)))
    ck.tensor(t, "y = conv(img, w, stride=2)", y)
    g = np.array([[1, 2], [3, 4]], dtype=float)
    # d sum(y * g) / d img by central differences, independent of any chain rule
    numeric = np.zeros_like(img)
    for i in range(5):
        for j in range(5):
            e = np.zeros_like(img)
            e[i, j] = 1e-6
            numeric[i, j] = (np.sum(squeeze2(conv2d(img + e, w, stride=(2, 2))) * g)
                             - np.sum(squeeze2(conv2d(img - e, w, stride=(2, 2))) * g)) / 2e-6
    # sum(y * g) is linear in img, so the differences are exact up to rounding: 6 decimals are plenty.
    ck.tensor(t, "d = grad(sum(y * g), img)", np.round(numeric, 6))
    ck.tensor(t, "t = transposedconv(g, w, stride=2)", transposed_scatter(g, w, 2))
    ck.claim(t.name, "conv's input gradient is the transposed conv of the output gradient",
             np.allclose(numeric, transposed_scatter(g, w, 2), atol=1e-6))
    ck.tensor(t, "d - t", np.zeros((5, 5)))


def lesson_batchnorm(ck):
    t = Transcript("batchnorm")
    v = np.array([2, 4, 4, 4, 5, 5, 7, 9], dtype=float).reshape(8, 1)
    ck.scalar(t, "mu = mean(v)", v.mean())
    ck.scalar(t, "var = mean((v - mu) * (v - mu))", v.var())
    n = (v - 5) / np.sqrt(4 + 0.001)
    ck.tensor(t, "n = batchnorm(v, [1], [0], [5], [4])", n)
    ck.text(t, "trace n[7, 0]", "n[7, 0] = 2.00")
    ck.scalar(t, "mean(n * n)", np.mean(n * n))
    ck.claim(t.name, "the normalized channel has variance 4/4.001", abs(np.var(n) - 4 / 4.001) < 1e-15)
    ck.tensor(t, "batchnorm(v, [3], [10], [5], [4])", 3 * n + 10)
    ck.scalar(t, "0.99 * 0 + 0.01 * 5", 0.01 * v.mean())
    ck.scalar(t, "0.99 * 1 + 0.01 * 4", 0.99 + 0.01 * v.var())
    ck.tensor(t, "batchnorm(v, [1], [0], [0.05], [1.03])", (v - 0.05) / np.sqrt(1.03 + 0.001))
    ck.claim(t.name, "after 100 batches the averages have come 63% of the way, after 500 99%",
             round(100 * (1 - 0.99 ** 100)) == 63 and round(100 * (1 - 0.99 ** 500)) == 99)
    layers = [("conv", 8, 3, False), ("batchnorm",), ("conv", 16, 3, False), ("batchnorm",), ("dense", 10)]
    total, frozen = keras_counts(layers, 1)
    ck.text(t, "summary bn", f"Total params: {fmt(total)}")
    ck.text(t, "summary bn", f"Trainable params: {fmt(total - frozen)}")
    ck.text(t, "summary bn", f"Non-trainable params: {fmt(frozen)}")
    # The narration's percentages against the numbers train and evaluate printed.
    trained = "\n".join(t.output("train bn data epochs=3 batch=32"))
    last = re.findall(r"epoch 3/3: .* accuracy ([0-9.]+), val_loss", trained)
    evaluated = re.findall(r"training: +loss [0-9.]+, accuracy ([0-9.]+)", "\n".join(t.output("evaluate bn data")))
    ck.claim(t.name, "49% right in the last epoch with batch statistics", last and round(100 * float(last[0])) == 49, str(last))
    ck.claim(t.name, "16% right on the same examples in inference mode", evaluated and round(100 * float(evaluated[0])) == 16, str(evaluated))
    ck.claim(t.name, "after 135 batches the averages have come 74% of the way", round(100 * (1 - 0.99 ** 135)) == 74)


LESSONS = [("convolution", lesson_convolution), ("stride", lesson_stride), ("padding", lesson_padding),
           ("pooling", lesson_pooling), ("activation", lesson_activation), ("channels", lesson_channels),
           ("receptive-field", lesson_receptive_field), ("parameters", lesson_parameters),
           ("architectures", lesson_architectures), ("filters", lesson_filters), ("learning", lesson_learning),
           ("separable", lesson_separable), ("transposed", lesson_transposed), ("batchnorm", lesson_batchnorm),
           ("repl-builtins", repl_builtins), ("repl-commands", repl_commands), ("repl-printing", repl_printing),
           ("repl-errors", repl_errors), ("seeing", lesson_seeing)]


def main():
    ck = Checker()
    summary = []
    for name, check in LESSONS:
        before_results, before_count = len(ck.results), ck.count
        try:
            check(ck)
        except Exception as error:   # a lesson whose transcript changed shape: report, go on
            ck.record(name, "the check itself", False, f"{type(error).__name__}: {error}")
        mine = ck.results[before_results:]
        failed = [r for r in mine if not r[2]]
        summary.append((name, len(mine), ck.count - before_count, len(failed)))
    failures = [r for r in ck.results if not r[2]]
    lines = ["# Independent check of the transcripts' numbers", "",
             "Written by `python3 tools/verify/check_lessons.py --write` (NumPy " + np.__version__ + ", SciPy "
             + __import__("scipy").__version__ + "). How each number is recomputed: see the script's header.", "",
             "| transcript | checks | numbers and facts compared | mismatches |", "| --- | ---: | ---: | ---: |"]
    for name, checks, numbers, failed in summary:
        lines.append(f"| {name} | {checks} | {numbers:,} | {failed} |")
    lines.append(f"| **total** | {len(ck.results)} | {ck.count:,} | {len(failures)} |")
    lines += ["", "Not recomputed here: the inner lines of `trace` (the products and sums are the printed cell's value,",
              "which is checked, worked out term by term; the receptive-field rows and columns are checked by brute",
              "force), the previews of `run` (Glorot weights; tools/fixtures/gen_run.py checks `run`), the memory sizes",
              "of `summary`, the texts of help and error messages, and the hand-made cases of repl-printing (precision,",
              "-0, sizes), which were read by hand.",
              "", "## Checks", ""]
    for name, what, ok, detail in ck.results:
        what = what.replace("\n", " / ")
        lines.append(f"- {'ok' if ok else '**MISMATCH**'} {name}: `{what}`" + (f" ({detail})" if detail else ""))
    report = "\n".join(lines) + "\n"
    if "--write" in sys.argv:
        with open(os.path.join(HERE, "RESULTS.md"), "w", encoding="utf-8") as f:
            f.write(report)
    for name, checks, numbers, failed in summary:
        print(f"{name:16} {checks:4} checks {numbers:6,} numbers/facts  {'OK' if not failed else f'{failed} MISMATCHES'}")
    for name, what, ok, detail in failures:
        print(f"MISMATCH {name}: {what.splitlines()[0]}: {detail}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

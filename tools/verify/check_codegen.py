#!/usr/bin/env python3
"""Checks cnnrepl's `code` command with the frameworks themselves: Keras 3, PyTorch and NumPy.

Run from the repository:  python3 tools/verify/check_codegen.py           (prints a report, exit 1 on a mismatch)
                          python3 tools/verify/check_codegen.py --write   (also rewrites codegen_results.md)
Options: --cnnrepl PATH (default: .build/debug/cnnrepl, built first with `swift build`); --only NAME ... checks
only those models and NumPy cases.

What it needs: NumPy; Keras 3 with the JAX backend (`pip install keras jax`); PyTorch (`pip install torch`;
on Linux the PyPI wheel brings its CUDA libraries, about 5 GB in a venv, though the CPU is all it uses here).
A framework that cannot be imported is reported as not checked (and the run fails), never skipped silently.
Each generated script runs in a fresh Python process (so Keras numbers its layers from conv2d again).

How it checks.
  - Models (every model table of shared/SEEDS.md, plus models that exercise stride-2 `same`, dilation,
    average and global pooling, dropout, leaky ReLU and dense on an image): cnnrepl runs
    `summary NAME`, `code keras NAME file=...` and `code torch NAME file=...`. The summary table is read
    from cnnrepl's output; the Keras script is run and each layer's name, output shape (batch left out)
    and count_params() must equal the table's row, and model.count_params() the total. The PyTorch script
    is run and a zero example is pushed through the modules; the modules named after a cnnrepl layer
    (plus its "_pad", "_relu", ... helpers) must end in that layer's shape (channels first, so C x H x W is
    compared with H x W x C) and hold its parameters, and the model's total must match.
    Graphs (GRAPH_MODELS: a ResNet bottleneck with a projection shortcut, Inception branches, a DenseNet
    block, a residual block with batch norm, a U-Net skip) are checked by layer name, as Keras lists a
    functional model's layers in its own order, and cnnrepl's "Connected to" column must name the layers
    Keras connects; the PyTorch nn.Module is checked by its total and its output. A graph case may train
    the model on the shipped digits before `run` (TRAIN_DIGITS), so that batch norm's gamma, beta and
    moving averages are loaded with values other than their initial 1, 0, 0, 1.
    Then `run NAME` draws weights and an input in cnnrepl and saves them with its output; both models get
    those weights (in float64; PyTorch's in its own layouts) and must give the same output, within 1e-12
    for PyTorch and 1e-6 for Keras (whose JAX backend computes tanh and global average pooling at float32
    precision even in float64):
    the generated code does not only have the right shapes, it computes what cnnrepl computes (TensorFlow's
    asymmetric padding, pooling that ignores padded cells, the flatten order).
  - NumPy: small scripts (the worked examples of SEEDS.md and every operation the translation knows, and
    a forward pass of the MNIST model) end in `code numpy VAR file=...` and `save(VAR, "expected.npy")`.
    The generated code is run and its VAR must equal the saved array: same shape, and every value within
    1e-12 of it relative to the array's largest magnitude (sums are added in another order, so the last
    bits may differ; the report gives the largest difference and how many values are bit-for-bit equal).
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
RESULTS = os.path.join(HERE, "codegen_results.md")

# ---------------------------------------------------------------------------------------------------
# The models

MODELS = [
    ("mnist", "SEEDS.md: MNIST model", """
model mnist 28x28x1
  conv 32 3x3 relu same
  conv 64 3x3 relu same
  maxpool 2x2
  flatten
  dense 128 relu
  dense 10 softmax
end"""),
    ("cifar", "SEEDS.md: CIFAR-10 model", """
model cifar 32x32x3
  conv 32 3x3 relu
  maxpool 2x2
  conv 64 3x3 relu
  maxpool 2x2
  conv 64 3x3 relu
  flatten
  dense 64 relu
  dense 10 softmax
end"""),
    ("cifar_pool1", "SEEDS.md: CIFAR-10 with pool 1x1", """
model cifar_pool1 32x32x3
  conv 32 3x3 relu
  maxpool 1x1
  conv 64 3x3 relu
  maxpool 1x1
  conv 64 3x3 relu
  flatten
  dense 64 relu
  dense 10 softmax
end"""),
    ("cifar64", "SEEDS.md: CIFAR-10 with 64 first filters", """
model cifar64 32x32x3
  conv 64 3x3 relu
  maxpool 2x2
  conv 64 3x3 relu
  maxpool 2x2
  conv 64 3x3 relu
  flatten
  dense 64 relu
  dense 10 softmax
end"""),
    ("fashion", "SEEDS.md: Fashion-MNIST CNN", """
model fashion 28x28x1
  conv 32 3x3 relu
  maxpool 2x2
  conv 64 3x3 relu
  maxpool 2x2
  conv 64 3x3 relu
  flatten
  dense 64 relu
  dense 10 softmax
end"""),
    ("dnn", "SEEDS.md: Fashion-MNIST DNN", """
model dnn 28x28x1
  flatten
  dense 128 relu
  dense 10 softmax
end"""),
    ("small", "SEEDS.md: small example model", """
model small 32x32x3
  conv 6 5x5
  maxpool 2x2
  flatten
  dense 10
end"""),
    ("strided", "stride-2 same (TensorFlow's asymmetric padding), even kernel same", """
model strided 28x28x1
  conv 8 3x3 stride 2 same relu
  conv 8 5x5 stride 2 same
  conv 4 2x2 same tanh
  maxpool 2x2 same
  flatten
  dense 10 sigmoid
end"""),
    ("odd", "odd sizes: symmetric stride-2 same, dilation, average pooling same, leaky ReLU", """
model odd 29x29x3
  conv 8 3x3 stride 2 same leakyrelu
  conv 6 3x3 dilation 2
  avgpool 3x3 stride 2 same
  avgpool 2x2 same
  maxpool 3x3 stride 1 same
  conv 4 1x1
  leakyrelu
  globalavgpool
  dense 3 softmax
end"""),
    ("pixels", "dense on an image, global max pooling, dropout", """
model pixels 9x9x2
  conv 4 3x3 relu
  dense 5 relu
  dropout 0.25
  globalmaxpool
  dense 2 softmax
end"""),
    ("padded", "zero padding layers (ZeroPadding2D): even, rows x columns, uneven", """
model padded 7x7x2
  zeropad 1
  conv 3 3x3 relu
  zeropad 1x2
  maxpool 2x2
  zeropad 0 1 2 3
  conv 2 2x2
  flatten
  dense 3 softmax
end"""),
    ("mobile", "MobileNet's pieces: conv without bias, batch norm, relu6, depthwise (multiplier 2, stride 2), separable", """
model mobile 12x12x3
  conv 8 3x3 stride 2 same nobias
  batchnorm
  relu6
  depthwiseconv 3x3 same
  batchnorm
  relu6
  separableconv 6 3x3 same relu
  depthwiseconv 3x3 stride 2 multiplier 2 nobias
  zeropadding [0, 1, 0, 1]
  globalavgpool
  dense 3 softmax
end"""),
    ("decoder", "U-Net's upsampling: transposed convolutions (same at stride 2, valid, output padding), upsampling", """
model decoder 5x5x2
  transposedconv 4 3x3 stride 2 same relu
  transposedconv 3 2x2 stride 2
  upsample 2
  transposedconv 2 3x3 stride 2 same output_padding 1 nobias
  transposedconv 2 4x4 stride 2 same
  avgpool 2x2
  transposedconv 2 3x3 stride 2 output_padding 1
  zeropadding 1
  flatten
  dense 3 softmax
end"""),
    ("vector", "a vector input", """
model vector 784
  dense 32 relu
  dropout 0.5
  dense 10 softmax
end"""),
]

# A model block may be followed by lines run before `run NAME` (not before `summary`/`code`): training on the
# shipped digits moves batch norm's gamma, beta, moving mean and moving variance away from 1, 0, 0 and 1, so
# that loading them wrongly (or not at all) shows in the outputs.
TRAIN_DIGITS = """data = dataset("digits")
seed 1
train {name} data epochs=2 batch=32 optimizer=adam lr=0.01
"""

# Graphs (named layers, from, add, concat): Keras' functional API and a PyTorch nn.Module with a forward.
GRAPH_MODELS = [
    ("bottleneck", "graph: ResNet bottleneck with a projection shortcut", """
model bottleneck 16x16x8
  conv 4 1x1 stride 2 relu
  conv 4 3x3 same relu
  f = conv 16 1x1
  shortcut = conv 16 1x1 stride 2 from input
  add f shortcut
  relu
  globalavgpool
  dense 3 softmax
end"""),
    ("inception", "graph: Inception-style branches joined by concat", """
model inception 9x9x3
  a = conv 4 1x1 relu
  b = conv 2 1x1 relu from input
  b3 = conv 4 3x3 same relu
  c = maxpool 3x3 stride 1 same from input
  c1 = conv 2 1x1 relu
  concat a b3 c1
  conv 3 3x3 stride 2 same tanh
  globalavgpool
  dense 2 softmax
end"""),
    ("dense_block", "graph: DenseNet-style block, each layer joined to all before it", """
model dense_block 8x8x4
  x1 = conv 3 3x3 same relu
  c1 = concat input x1
  x2 = conv 3 3x3 same relu
  c2 = concat c1 x2
  conv 4 1x1
  avgpool 2x2
  globalmaxpool
  dense 3 softmax
end"""),
    ("resnet_bn", "graph: residual block with batch norm (trained 2 epochs first, so gamma, beta and the moving averages are not their initial values), a projection with batch norm, separable and depthwise convs, concat", """
model resnet_bn 8x8x1
  conv 8 3x3 same nobias
  batchnorm
  stem = relu
  conv 8 3x3 same nobias
  batchnorm
  relu
  conv 8 3x3 same nobias
  f = batchnorm
  add f stem
  a = relu
  separableconv 6 3x3 stride 2 same nobias
  s = batchnorm
  conv 4 1x1 stride 2 nobias from a
  p = batchnorm
  concat s p
  depthwiseconv 3x3 same multiplier 2
  batchnorm
  relu6
  globalavgpool
  dense 10 softmax
end
""" + TRAIN_DIGITS.format(name="resnet_bn")),
    ("unet_tiny", "graph: U-Net skip connection across a transposed conv", """
model unet_tiny 8x8x2
  left = conv 4 3x3 same relu
  maxpool 2x2
  conv 8 3x3 same relu
  up = transposedconv 4 2x2 stride 2 same
  concat up left
  conv 4 3x3 same relu
  conv 1 1x1 sigmoid
end"""),
]


# ---------------------------------------------------------------------------------------------------
# The NumPy cases: (label, what it covers, script, variable)


def _literal(matrix):
    return "[" + "; ".join(", ".join(str(v) for v in row) for row in matrix) + "]"


VERTICAL = _literal([[1 if c == 3 else 0 for c in range(7)] for _ in range(7)])
HORIZONTAL = _literal([[1 if r == 3 else 0 for _ in range(7)] for r in range(7)])

NUMPY_CASES = [
    ("notes-layer", "SEEDS.md example 1: valid 3x3 conv of rand(10,10), ReLU, 2x2 max pooling that pads an odd map (fit)", """
image = rand(10, 10)
f = conv(image, ones(3,3))
relu f
f = conv(f, ones(2,2))
maxpool f padding=fit""", ["f"]),
    ("one-value", "SEEDS.md example 2: a random 0..4 integer image times a random filter, summed", """
a = randint(0, 5, 3, 3)
k = randn(3, 3)
v = conv(a, k)""", ["v"]),
    ("sharpen", "SEEDS.md example 3: sharpen kernel with padding 1 on an 8-bit image", """
img = randint(0, 256, 8, 8)
sharp = conv(img, [-1, -1, -1; -1, 9, -1; -1, -1, -1], padding=1)""", ["sharp"]),
    ("edges", "SEEDS.md example 4: 7x7 line filters, stride 1, same", f"""
img = rand(12, 12)
v = conv(img, {VERTICAL}, padding=same)
h = conv(img, {HORIZONTAL}, padding=same)
both = v + h""", ["both"]),
    ("shape-walk", "SEEDS.md example 5: 32x32x3 -> conv 6 5x5 -> pool -> flatten -> dense 10", """
x = rand(32, 32, 3)
maps = conv(x, randn(5, 5, 3, 6), bias=randn(6))
p = maxpool(maps)
v = flatten(p)
y = dense(v, randn(1176, 10), randn(10))""", ["y"]),
    ("stride-512", "SEEDS.md example 6: a 512x512 image, filter 3, stride 2, then 2x2 pooling", """
big = rand(512, 512)
f = conv(big, randn(3, 3), stride=2)
p = maxpool(f, 2)""", ["p"]),
    ("conv-settings", "conv: stride 2 same (asymmetric), dilation with full padding, explicit padding, a number bias", """
image = randn(9, 8)
k = randn(3, 3)
a = conv(image, k, stride=2, padding=same, bias=0.5)
b = conv(image, k, dilation=2, padding=full)
c = conv(image, randn(2, 3), stride=[1, 2], padding=[0, 1, 2, 0])
d = conv(image, randn(4, 4), padding=same, dilation=[2, 1])""", ["a", "b", "c", "d"]),
    ("channels", "conv on H x W x C: a filter bank with bias, one kh x kw x C filter, a 2-D kernel on one channel", """
x = rand(6, 7, 3)
bank = randn(3, 3, 3, 4)
f = conv(x, bank, bias=randn(4), padding=same)
g = conv(x, randn(5, 5, 3))
one = rand(5, 5, 1)
h = conv(one, randn(2, 2), stride=2)
f2 = conv(f, randn(3, 3, 4, 2))""", ["g", "h", "f2"]),
    ("pooling", "max and average pooling: same (padding ignored), fit (zeros take part), strides, on H x W x C", """
m = randn(7, 7, 2)
a = maxpool(m, 2, padding=same)
b = avgpool(m, 3, stride=2, padding=same)
c = avgpool(m, 2, padding=fit)
d = maxpool(m, 2, padding=fit)
e = avgpool(m, [2, 3], stride=[1, 2])
f = maxpool(avgpool(m, 3, stride=1, padding=same), 3, stride=2)""", ["a", "b", "c", "d", "e", "f"]),
    ("minpool", "min pooling, written as -maxpool2d(-x): valid, same (padding ignored), fit (zeros take part)", """
m = randn(7, 7, 2)
a = minpool(m)
b = minpool(m, 3, stride=2, padding=same)
c = minpool(m, 2, padding=fit)
d = minpool(relu(m), [2, 3], stride=[1, 2])""", ["a", "b", "c", "d"]),
    ("pooling-ceil", "padding=ceil (PyTorch's ceil_mode): edge windows clipped to the map, no zeros take part", """
m = randn(7, 6, 2) - 1
a = maxpool(m, 2, padding=ceil)
b = avgpool(m, 3, stride=2, padding=ceil)
c = minpool(m, [3, 2], stride=[2, 1], padding=ceil)""", ["a", "b", "c"]),
    ("pooling-2d", "pooling a single H x W map, same and fit", """
m = randn(5, 5)
a = maxpool(m, 2, padding=same)
b = avgpool(m, 2, padding=same)
c = a + b
d = avgpool(c, 2, padding=fit)""", ["d"]),
    ("global-depth", "global average/max pooling (of stacks and of one map) and depth-wise max pooling", """
maps = randn(4, 4, 6)
d = depthmaxpool(maps, 3)
g = globalavgpool(d) + globalmaxpool(maps)[0:2]
one = globalavgpool(randn(3, 3)) * globalmaxpool(randn(2, 2))""", ["g", "one"]),
    ("activations", "relu, leaky ReLU (default 0.3 and 0.1), sigmoid of large values, tanh, softmax of a matrix", """
x = randn(4, 5) * 3
s = sigmoid(x * 300)
t = tanh(x)
l = leakyrelu(x) + leakyrelu(x, 0.1)
r = relu(x)
y = softmax(s + t + l + r)
z = softmax(flatten(x))""", ["y", "z"]),
    ("cell-assignment", "the notes' line filters built by setting cells (filters[:, 3, :, 0] = 1), a row set from a tensor, every second column set", """
filters = zeros(7, 7, 1, 2)
filters[:, 3, :, 0] = 1
filters[3, :, :, 1] = 1
img = rand(12, 12, 1)
v = conv(img, filters, padding=same)
m = zeros(3, 4)
m[1, :] = [1, 2, 3, 4]
m[:, ::2] = 5
both = m @ ones(4, 2)""", ["v", "both"]),
    ("pad-stack-clip", "the notes' sharpen exercise with np.pad and np.clip, stack, negation and reductions (issue 17: these were embedded as numbers)", """
img = randint(0, 256, 8, 8)
p = pad(img, 1)
s = conv(p, [-1, -1, -1; -1, 9, -1; -1, -1, -1])
c = clip(s, 0, 255)
m = stack(c, -c, c * 2)
q = pad(m, [0, 1, 2, 0])
total = sum(q) + mean(c, 0)
top = max(m, 2)""", ["c", "q", "total", "top"]),
    ("arithmetic", "element-wise arithmetic with numbers and broadcasting, the matrix product, flatten, slices", """
a = randn(3, 4)
b = randn(4, 2)
c = a @ b
d = 2 - c / 3 + [1, 2]
e = d * [10; 20; 30]
v = flatten(e)
w = v @ randn(6)
u = [1, 2, 3] @ [4, 5, 6]
z = v[0:1] * w + u - e[-1, :][::-1]""", ["z"]),
    ("reshape-transpose", "range and reshape (re-created), transpose", """
x = reshape(range(1, 26), 5x5)
f = conv(x, [1, 0; 0, -1])
g = transpose(f)
maxpool g 2 stride=1""", ["g"]),
    ("in-place-reuse", "in-place commands and a value still needed afterwards (renamed f_2)", """
f = randn(6, 6)
g = f * 2
relu f
avgpool f
h = f + g[0:3, 0:3]
sigmoid h""", ["h"]),
    ("run-mnist", "a forward pass of the MNIST model (`run mnist`): weights as .npy files beside the script", """
model mnist 28x28x1
  conv 32 3x3 relu same
  conv 64 3x3 relu same
  maxpool 2x2
  flatten
  dense 128 relu
  dense 10 softmax
end
run mnist""", ["mnist_out"]),
    ("conv-family", "depthwiseconv (multiplier 2, stride 2 same, dilation), separableconv, transposedconv (same, valid, output_padding), convolve (valid, full, on a stack), batchnorm, upsample, relu6", """
x = randn(7, 6, 3)
d = depthwiseconv(x, randn(3, 3, 3, 2), stride=2, padding=same, bias=randn(6))
e = depthwiseconv(x, randn(2, 3, 3, 1), dilation=2)
s = separableconv(x, randn(3, 3, 3, 2), randn(1, 1, 6, 4), padding=same, bias=randn(4))
t = transposedconv(d, randn(3, 3, 2, 6), stride=2, padding=same, bias=randn(2))
u = transposedconv(x, randn(2, 3, 4, 3), stride=[2, 3])
v = transposedconv(randn(4, 4), randn(3, 3), stride=2, padding=same, output_padding=1)
w = transposedconv(e, randn(3, 3, 2, 3), stride=2, output_padding=[1, 0])
c = convolve(randn(6, 6), randn(3, 2)) + convolve(randn(5, 5), randn(2, 2), padding=full)[0:4, 0:5]
g = convolve(x, randn(3, 3, 3, 2), padding=same)
n = batchnorm(s, randn(4), randn(4), randn(4), rand(4) + 0.5, eps=0.01)
m = relu6(upsample(n * 4, [2, 1]))""", ["d", "e", "t", "u", "v", "w", "c", "g", "m"]),
    ("run-odd", "a forward pass through strided same conv, dilation, average pooling same, dense on an image", """
model odd 15x15x2
  conv 4 3x3 stride 2 same leakyrelu
  conv 3 2x2 dilation 2 same tanh
  avgpool 3x3 stride 2 same
  dense 5 relu
  dropout 0.5
  globalmaxpool
  dense 3 softmax
end
run odd""", ["odd_out"]),
    ("run-mobile", "a forward pass through batch norm, depthwise, separable and transposed convolutions", """
model mobile 9x9x2
  conv 4 3x3 same nobias
  batchnorm
  relu6
  depthwiseconv 3x3 stride 2 same multiplier 2
  separableconv 3 3x3 same relu
  transposedconv 2 3x3 stride 2 same
  upsample 2
  flatten
  dense 3 softmax
end
run mobile""", ["mobile_out"]),
    ("run-resnet-bn", "a forward pass through a graph (add, concat) with trained batch norm, separable and depthwise convs", """
model resnet_bn 8x8x1
  conv 4 3x3 same nobias
  batchnorm
  stem = relu
  conv 4 3x3 same nobias
  f = batchnorm
  add f stem
  a = relu
  separableconv 3 3x3 stride 2 same
  s = batchnorm
  conv 2 1x1 stride 2 nobias from a
  concat s
  depthwiseconv 3x3 same multiplier 2
  batchnorm
  flatten
  dense 10 softmax
end
""" + TRAIN_DIGITS.format(name="resnet_bn") + """run resnet_bn""", ["resnet_bn_out"]),
]

# ---------------------------------------------------------------------------------------------------
# Running things


def run_cnnrepl(binary, folder, script):
    path = os.path.join(folder, "case.cnn")
    with open(path, "w") as f:
        f.write(script.strip() + "\n")
    result = subprocess.run([binary, "--no-color", path], capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"cnnrepl failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout


def run_python(code, env_extra=None, timeout=900):
    env = dict(os.environ)
    env.update(env_extra or {})
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"python failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    lines = [line for line in result.stdout.splitlines() if line.startswith("JSON ")]
    if not lines:
        raise RuntimeError(f"no result from python:\n{result.stdout[-3000:]}")
    return json.loads(lines[-1][5:])


def parse_summary(text, name):
    """Rows (name, shape list, params), the Keras types, and the total of cnnrepl's `summary NAME` table."""
    start = text.index(f'Model: "{name}"')
    rows = []
    types = []
    total = None
    for line in text[start:].splitlines():
        match = re.match(r"│ (\S+) \((\w+)\)\s*│ ([0-9x]+)\s*│\s*([0-9,]+) │", line)
        if match:
            shape = [int(v) for v in match.group(3).split("x")]
            rows.append((match.group(1), shape, int(match.group(4).replace(",", ""))))
            types.append(match.group(2))
        total_match = re.match(r" Total params: ([0-9,]+)", line)
        if total_match:
            total = int(total_match.group(1).replace(",", ""))
            break
    return rows, types, total


KERAS_DRIVER = r"""
import json, runpy, sys, io, contextlib
import numpy as np
import keras
keras.config.set_floatx("float64")
out = io.StringIO()
with contextlib.redirect_stdout(out):
    ns = runpy.run_path({path!r}, run_name="__main__")
model = ns["model"]
layers = [[l.name, [d for d in l.output.shape[1:]], int(l.count_params())] for l in model.layers]
# cnnrepl's `run` weights put into the Keras model: the same layouts and the same order (kernel(s), then
# bias; batch norm's gamma, beta, moving mean, moving variance); a weight a layer does not have (nobias)
# was never saved.
import os
for index, files in {weights!r}:
    model.layers[index].set_weights([np.load(path) for role, path in files if os.path.exists(path)])
x = np.load({input!r})
with contextlib.redirect_stdout(out):
    y = np.asarray(model.predict(x[np.newaxis], verbose=0))[0]
want = np.load({output!r})
print("JSON " + json.dumps({{"layers": layers, "total": int(model.count_params()), "keras": keras.__version__,
                            "backend": keras.backend.backend(), "dtype": str(y.dtype),
                            "max_diff": float(np.max(np.abs(y - want))), "scale": float(np.max(np.abs(want)))}}))
"""

# How both PyTorch drivers put cnnrepl's `run` weights into the modules (no braces: it goes into .format()).
TORCH_LOADER = r"""
import os
def put(module, w, b):
    module.weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
    if b is not None:
        module.bias.copy_(torch.from_numpy(b))
def depthwise(w):
    kh, kw, c, m = w.shape
    return w.reshape(kh, kw, c * m).transpose(2, 0, 1)[:, np.newaxis]
def load(modules, name, kind, files, flattened=None):
    # cnnrepl's `run` weights, moved to PyTorch's layouts: a conv kernel kh x kw x Cin x Cout becomes
    # Cout x Cin x kh x kw; a dense matrix inputs x units becomes units x inputs, with its rows put in
    # channels-first order when it follows the flattening of an H x W x C image; a dense layer on an
    # image is a 1x1 conv.
    # A depthwise kernel kh x kw x C x M is a grouped conv's (C*M) x 1 x kh x kw (output channel c*M + m); a
    # separable layer is two modules, NAME_depthwise and NAME_pointwise; a transposed kernel kh x kw x Out x In
    # is ConvTranspose2d's In x Out x kh x kw; batch norm's moving averages are the running statistics.
    a = dict((role, np.load(path)) for role, path in files if os.path.exists(path))
    b = a.get("bias")
    if kind == "conv" or kind == "transposed":
        put(modules[name], a["kernel"].transpose(3, 2, 0, 1), b)
    elif kind == "depthwise":
        put(modules[name], depthwise(a["kernel"]), b)
    elif kind == "separable":
        put(modules[name + "_depthwise"], depthwise(a["depthwise_kernel"]), None)
        put(modules[name + "_pointwise"], a["pointwise_kernel"].transpose(3, 2, 0, 1), b)
    elif kind == "batchnorm":
        put(modules[name], a["gamma"], a["beta"])
        modules[name].running_mean.copy_(torch.from_numpy(a["moving_mean"]))
        modules[name].running_var.copy_(torch.from_numpy(a["moving_variance"]))
    elif kind == "pixels":
        put(modules[name], a["kernel"].T[:, :, np.newaxis, np.newaxis], b)
    else:
        w = a["kernel"]
        if flattened:
            h, wd, c = flattened
            w = w.reshape(h, wd, c, -1).transpose(2, 0, 1, 3).reshape(h * wd * c, -1)
        put(modules[name], w.T, b)
"""

TORCH_DRIVER = r"""
import json, runpy, io, contextlib
import numpy as np
import torch
torch.set_default_dtype(torch.float64)
{loader}
out = io.StringIO()
with contextlib.redirect_stdout(out):
    ns = runpy.run_path({path!r}, run_name="__main__")
model = ns["model"]
x = torch.zeros(*{example})
modules = []
with torch.no_grad():
    model.eval()
    for name, layer in model.named_children():
        x = layer(x)
        # Batch norm's running mean and variance are buffers in PyTorch, weights (non-trainable) in Keras.
        stats = sum(b.numel() for n, b in layer.named_buffers() if n.startswith("running_"))
        modules.append([name, list(x.shape[1:]), int(sum(p.numel() for p in layer.parameters()) + stats)])
    layers = dict(model.named_children())
    for name, kind, files, flattened in {weights!r}:
        load(layers, name, kind, files, flattened)
    x = np.load({input!r})
    batch = torch.from_numpy(x.transpose(2, 0, 1) if x.ndim == 3 else x)[None]
    y = model(batch)[0].numpy()
if y.ndim == 3:
    y = y.transpose(1, 2, 0)
want = np.load({output!r})
print("JSON " + json.dumps({{"modules": modules, "total": int(sum(m[2] for m in modules)),
                            "torch": torch.__version__, "dtype": str(y.dtype),
                            "max_diff": float(np.max(np.abs(y - want))), "scale": float(np.max(np.abs(want)))}}))
"""

NUMPY_DRIVER = r"""
import json, runpy, io, contextlib
import numpy as np
out = io.StringIO()
with contextlib.redirect_stdout(out):
    ns = runpy.run_path({path!r}, run_name="__main__")
got = np.asarray(ns[{name!r}], dtype=float)
want = np.load({expected!r})
result = {{"shape": list(got.shape), "want_shape": list(want.shape), "numpy": np.__version__}}
if got.shape == want.shape:
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    diff = np.abs(got - want)
    result["max_diff"] = float(np.max(diff)) if want.size else 0.0
    result["scale"] = scale
    result["exact"] = int(np.sum(got == want))
    result["count"] = int(want.size)
    result["ok"] = bool(np.all(diff <= 1e-12 * scale))
else:
    result["ok"] = False
print("JSON " + json.dumps(result))
"""

SUFFIXES = {"pad", "relu", "relu6", "softmax", "sigmoid", "tanh", "leakyrelu", "flatten", "depthwise", "pointwise", "crop"}

# The weights `run` keeps for each kind of layer (variables NAME_K_ROLE), in Keras' set_weights order, and
# how the PyTorch driver puts them in.
WEIGHT_ROLES = {
    "Conv2D": ("conv", ["kernel", "bias"]),
    "Dense": ("dense", ["kernel", "bias"]),
    "DepthwiseConv2D": ("depthwise", ["kernel", "bias"]),
    "SeparableConv2D": ("separable", ["depthwise_kernel", "pointwise_kernel", "bias"]),
    "Conv2DTranspose": ("transposed", ["kernel", "bias"]),
    "BatchNormalization": ("batchnorm", ["gamma", "beta", "moving_mean", "moving_variance"]),
}


def torch_example(summary_input):
    shape = summary_input
    if len(shape) == 3:
        return [1, shape[2], shape[0], shape[1]]
    return [1] + shape


def check_model(binary, name, block):
    with tempfile.TemporaryDirectory() as folder:
        text = run_cnnrepl(binary, folder, block + f'\nsummary {name}\ncode keras {name} file="keras_model.py"\n'
                           f'code torch {name} file="torch_model.py"\n')
        rows, types, total = parse_summary(text, name)
        input_match = re.search(r"\(input ([0-9x]+)\)", text)
        input_shape = [int(v) for v in input_match.group(1).split("x")]
        problems = []
        # A forward pass in cnnrepl with its weights, input and output saved, to run through both frameworks.
        saves = [f'save({name}_in, "in.npy")', f'save({name}_out, "out.npy")']
        keras_weights, torch_weights = [], []
        flattened = None
        previous = input_shape
        layer_lines = [line.strip() for line in block.strip().splitlines()[1:-1]]
        for index, ((layer, shape, params), kind) in enumerate(zip(rows, types)):
            if kind == "Flatten" and len(previous) == 3:
                flattened = previous
            if params > 0:
                torch_kind, roles = WEIGHT_ROLES.get(kind, ("dense", ["kernel", "bias"]))
                if "nobias" in layer_lines[index].split():
                    roles = [role for role in roles if role != "bias"]
                files = [(role, os.path.join(folder, f"{role}{index + 1}.npy")) for role in roles]
                saves += [f'save({name}_{index + 1}_{role}, "{path}")' for role, path in files]
                keras_weights.append((index, files))
                if torch_kind == "dense" and len(previous) == 3:
                    torch_kind = "pixels"
                torch_weights.append((layer, torch_kind, files, flattened if torch_kind == "dense" else None))
                if kind == "Dense":
                    flattened = None
            previous = shape
        run_cnnrepl(binary, folder, block + f"\nrun {name}\n" + "\n".join(saves) + "\n")
        files = {"input": os.path.join(folder, "in.npy"), "output": os.path.join(folder, "out.npy")}
        # Keras (float64, so that it computes what cnnrepl computes up to rounding)
        keras_result = run_python(KERAS_DRIVER.format(path=os.path.join(folder, "keras_model.py"),
                                                      weights=keras_weights, **files),
                                  {"KERAS_BACKEND": "jax", "JAX_ENABLE_X64": "1"})
        keras_rows = [(n, s, p) for n, s, p in keras_result["layers"]]
        if [(n, s, p) for n, s, p in rows] != [(n, list(s), p) for n, s, p in keras_rows]:
            problems.append(f"Keras layers differ: cnnrepl {rows} vs Keras {keras_rows}")
        if keras_result["total"] != total:
            problems.append(f"Keras total {keras_result['total']} vs cnnrepl {total}")
        # PyTorch
        torch_result = run_python(TORCH_DRIVER.format(path=os.path.join(folder, "torch_model.py"), loader=TORCH_LOADER,
                                                      example=torch_example(input_shape), weights=torch_weights, **files))
        groups = {}
        order = []
        for module, shape, params in torch_result["modules"]:
            owner = module
            for row_name, _, _ in rows:
                if module == row_name or (module.startswith(row_name + "_") and module[len(row_name) + 1:] in SUFFIXES):
                    owner = row_name
            if owner not in groups:
                order.append(owner)
                groups[owner] = [None, 0]
            groups[owner][0] = shape
            groups[owner][1] += params
        torch_rows = []
        for owner in order:
            shape, params = groups[owner]
            if len(shape) == 3:
                shape = [shape[1], shape[2], shape[0]]  # C x H x W -> H x W x C
            torch_rows.append((owner, shape, params))
        if [(n, s, p) for n, s, p in rows] != torch_rows:
            problems.append(f"PyTorch layers differ: cnnrepl {rows} vs PyTorch {torch_rows}")
        if torch_result["total"] != total:
            problems.append(f"PyTorch total {torch_result['total']} vs cnnrepl {total}")
        # Keras' JAX backend computes tanh and global average pooling at float32 precision even with
        # floatx float64 (seen with Keras 3.15: tanh returns float32, the mean differs by ~1e-8), so Keras
        # is held to 1e-6; PyTorch computes everything in float64 and is held to 1e-12. A translation
        # mistake (padding on the wrong side, padded cells counted, another flatten order) is far larger.
        for framework, result, bound in (("Keras", keras_result, 1e-6), ("PyTorch", torch_result, 1e-12)):
            if not result["max_diff"] <= bound * max(1.0, result["scale"]):
                problems.append(f"{framework}'s output with cnnrepl's weights differs by {result['max_diff']:.1e} ({result['dtype']})")
        return {"rows": rows, "total": total, "keras_total": keras_result["total"],
                "keras_diff": keras_result["max_diff"], "torch_diff": torch_result["max_diff"],
                "torch_total": torch_result["total"], "torch_modules": len(torch_result["modules"]),
                "problems": problems, "keras": keras_result["keras"], "backend": keras_result["backend"],
                "torch": torch_result["torch"]}

KERAS_GRAPH_DRIVER = r"""
import json, os, runpy, io, contextlib
import numpy as np
import keras
keras.config.set_floatx("float64")
out = io.StringIO()
with contextlib.redirect_stdout(out):
    ns = runpy.run_path({path!r}, run_name="__main__")
model = ns["model"]
layers = {{l.name: [[d for d in l.output.shape[1:]], int(l.count_params())] for l in model.layers}}
connected = {{l.name: sorted(t._keras_history[0].name for node in l._inbound_nodes for t in node.input_tensors)
             for l in model.layers}}
# cnnrepl's weights in Keras' set_weights order (batch norm: gamma, beta, moving mean, moving variance); a weight
# a layer does not have (nobias) was never saved.
for name, kind, files in {weights!r}:
    model.get_layer(name).set_weights([np.load(path) for role, path in files if os.path.exists(path)])
x = np.load({input!r})
with contextlib.redirect_stdout(out):
    y = np.asarray(model.predict(x[np.newaxis], verbose=0))[0]
want = np.load({output!r})
print("JSON " + json.dumps({{"layers": layers, "connected": connected, "total": int(model.count_params()),
                            "keras": keras.__version__, "backend": keras.backend.backend(),
                            "max_diff": float(np.max(np.abs(y - want))), "scale": float(np.max(np.abs(want)))}}))
"""

TORCH_GRAPH_DRIVER = r"""
import json, os, runpy, io, contextlib
import numpy as np
import torch
torch.set_default_dtype(torch.float64)
{loader}
out = io.StringIO()
with contextlib.redirect_stdout(out):
    ns = runpy.run_path({path!r}, run_name="__main__")
model = ns["model"].double()
modules = dict(model.named_children())
with torch.no_grad():
    model.eval()
    for name, kind, files in {weights!r}:
        load(modules, name, kind, files)
    x = np.load({input!r})
    y = model(torch.from_numpy(x.transpose(2, 0, 1))[None])[0].numpy()
if y.ndim == 3:
    y = y.transpose(1, 2, 0)
want = np.load({output!r})
# Batch norm's running mean and variance are buffers in PyTorch, weights (non-trainable) in Keras.
stats = sum(b.numel() for n, b in model.named_buffers() if "running_" in n)
print("JSON " + json.dumps({{"total": int(sum(p.numel() for p in model.parameters()) + stats), "torch": torch.__version__,
                            "max_diff": float(np.max(np.abs(y - want))), "scale": float(np.max(np.abs(want)))}}))
"""


def parse_connections(text, name):
    """{layer: sorted names it takes} from the "Connected to" column of cnnrepl's graph summary."""
    start = text.index(f'Model: "{name}"')
    connected = {}
    for line in text[start:].splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) >= 6 and "(" in cells[1]:
            layer = cells[1].split(" (")[0]
            sources = [] if cells[4] == "-" else [s.split("[")[0] for s in cells[4].split(", ")]
            connected[layer] = sorted(sources)
        if line.startswith(" Total params"):
            break
    return connected


def check_graph(binary, name, block):
    """As check_model, for a graph: layers matched by name (Keras lists a functional model's layers in its own
    order), the "Connected to" column against Keras' inbound nodes, and the outputs with cnnrepl's weights."""
    # The model block, then any lines to run before `run NAME` (training).
    model_end = block.index("\nend") + len("\nend")
    model_text, prepare = block[:model_end], block[model_end:]
    with tempfile.TemporaryDirectory() as folder:
        text = run_cnnrepl(binary, folder, model_text + f'\nsummary {name}\ncode keras {name} file="keras_model.py"\n'
                           f'code torch {name} file="torch_model.py"\n')
        rows, types, total = parse_summary(text, name)
        connections = parse_connections(text, name)
        problems = []
        saves = [f'save({name}_in, "in.npy")', f'save({name}_out, "out.npy")']
        weights = []
        layer_lines = [line.strip() for line in model_text.strip().splitlines()[1:-1]
                       if line.strip() and not line.strip().startswith("#")]
        # rows[0] is the input layer, so row k is layer k of `run` (NAME_k_kernel, NAME_k_gamma, ...).
        for index, ((layer, shape, params), kind) in enumerate(zip(rows, types)):
            if params > 0:
                torch_kind, roles = WEIGHT_ROLES.get(kind, ("dense", ["kernel", "bias"]))
                if "nobias" in layer_lines[index - 1].split():
                    roles = [role for role in roles if role != "bias"]
                files = [(role, os.path.join(folder, f"{role}{index}.npy")) for role in roles]
                saves += [f'save({name}_{index}_{role}, "{path}")' for role, path in files]
                weights.append((layer, torch_kind, files))
        run_cnnrepl(binary, folder, block + f"\nrun {name}\n" + "\n".join(saves) + "\n")
        files = {"input": os.path.join(folder, "in.npy"), "output": os.path.join(folder, "out.npy")}
        keras_result = run_python(KERAS_GRAPH_DRIVER.format(path=os.path.join(folder, "keras_model.py"),
                                                            weights=weights, **files),
                                  {"KERAS_BACKEND": "jax", "JAX_ENABLE_X64": "1"})
        mine = {n: [list(s), p] for n, s, p in rows}
        if mine != keras_result["layers"]:
            problems.append(f"Keras layers differ: cnnrepl {mine} vs Keras {keras_result['layers']}")
        if connections != keras_result["connected"]:
            problems.append(f"Connected to differs: cnnrepl {connections} vs Keras {keras_result['connected']}")
        if keras_result["total"] != total:
            problems.append(f"Keras total {keras_result['total']} vs cnnrepl {total}")
        torch_result = run_python(TORCH_GRAPH_DRIVER.format(path=os.path.join(folder, "torch_model.py"), loader=TORCH_LOADER,
                                                            weights=weights, **files))
        if torch_result["total"] != total:
            problems.append(f"PyTorch total {torch_result['total']} vs cnnrepl {total}")
        for framework, result, bound in (("Keras", keras_result, 1e-6), ("PyTorch", torch_result, 1e-12)):
            if not result["max_diff"] <= bound * max(1.0, result["scale"]):
                problems.append(f"{framework}'s output with cnnrepl's weights differs by {result['max_diff']:.1e}")
        return {"rows": rows, "total": total, "keras_total": keras_result["total"],
                "keras_diff": keras_result["max_diff"], "torch_diff": torch_result["max_diff"],
                "torch_total": torch_result["total"], "problems": problems, "keras": keras_result["keras"],
                "backend": keras_result["backend"], "torch": torch_result["torch"]}


def count_assignments(text, variable):
    """(steps computed, constants re-created or embedded, whether the last assignment to `variable` is a step).

    A computed step ends with its shape as a comment (`f = conv2d(image, k)  # 8x8`); an input that is
    re-created, embedded or loaded does not."""
    steps = constants = 0
    last_is_step = False
    for line in text.splitlines():
        match = re.match(r"^(\w+) = (.*)$", line)
        if not match or match.group(1) == "HERE":
            continue
        is_constant = not re.search(r"  # [0-9x]+$", match.group(2))
        constants += is_constant
        steps += not is_constant
        if match.group(1) == variable:
            last_is_step = not is_constant
    return steps, constants, last_is_step


def check_numpy(binary, script, variables):
    """One result per variable: the generated code for it run by NumPy against the array cnnrepl saved."""
    with tempfile.TemporaryDirectory() as folder:
        commands = "".join(f'\ncode numpy {v} file="code_{v}.py"\nsave({v}, "expected_{v}.npy")' for v in variables)
        run_cnnrepl(binary, folder, script + commands + "\n")
        results = []
        for variable in variables:
            with open(os.path.join(folder, f"code_{variable}.py")) as f:
                text = f.read()
            lines = text.count("\n")
            steps, constants, last = count_assignments(text, variable)
            data_files = [n for n in os.listdir(folder) if n.startswith(f"code_{variable}_") and n.endswith(".npy")]
            result = run_python(NUMPY_DRIVER.format(path=os.path.join(folder, f"code_{variable}.py"), name=variable,
                                                    expected=os.path.join(folder, f"expected_{variable}.npy")))
            result["lines"] = lines
            result["data_files"] = len(data_files)
            result["variable"] = variable
            result["steps"] = steps
            result["constants"] = constants
            if not last:
                # The variable itself was embedded, not computed: agreement would prove nothing.
                result["ok"] = False
                result["embedded"] = True
            results.append(result)
        return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cnnrepl", default=os.path.join(ROOT, ".build", "debug", "cnnrepl"))
    parser.add_argument("--write", action="store_true", help="rewrite tools/verify/codegen_results.md")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="check only these models and NumPy cases (not with --write)")
    args = parser.parse_args()
    if args.only and args.write:
        sys.exit("--only checks a part: the results file is written from a full run")
    if args.only:
        MODELS[:] = [m for m in MODELS if m[0] in args.only]
        GRAPH_MODELS[:] = [m for m in GRAPH_MODELS if m[0] in args.only]
        NUMPY_CASES[:] = [c for c in NUMPY_CASES if c[0] in args.only]
    binary = os.path.abspath(args.cnnrepl)
    if not os.path.exists(binary):
        sys.exit(f"{binary} not found: run `swift build` first (or pass --cnnrepl PATH)")

    failures = 0
    model_lines = []
    versions = {}
    for name, what, block in MODELS + GRAPH_MODELS:
        try:
            check = check_graph if (name, what, block) in GRAPH_MODELS else check_model
            result = check(binary, name, block)
        except Exception as error:  # report and go on: every model is tried
            failures += 1
            print(f"FAIL model {name}: {error}")
            model_lines.append(f"| {name} | {what} | - | - | - | - | not checked: {str(error).splitlines()[0]} |")
            continue
        versions.update({"Keras": result["keras"], "Keras backend": result["backend"], "PyTorch": result["torch"]})
        ok = not result["problems"]
        failures += 0 if ok else 1
        shapes = " -> ".join("x".join(str(v) for v in shape) for _, shape, _ in result["rows"])
        verdict = "same layers, shapes, parameters" if ok else "; ".join(result["problems"])
        agreement = f"{result['keras_diff']:.1e} / {result['torch_diff']:.1e}"
        print(f"{'ok  ' if ok else 'FAIL'} model {name}: total {result['total']:,} (Keras {result['keras_total']:,}, "
              f"PyTorch {result['torch_total']:,}); {shapes}; output with cnnrepl's weights within {agreement}")
        for problem in result["problems"]:
            print("     " + problem)
        model_lines.append(f"| {name} | {what} | {len(result['rows'])} | {result['total']:,} | "
                           f"{result['keras_total']:,} / {result['torch_total']:,} | {agreement} | {verdict} |")

    numpy_lines = []
    checked = len(MODELS) + len(GRAPH_MODELS)
    for label, what, script, variables in NUMPY_CASES:
        checked += len(variables)
        try:
            results = check_numpy(binary, script, variables)
        except Exception as error:
            failures += len(variables)
            print(f"FAIL numpy {label}: {error}")
            numpy_lines.append(f"| {label} | {what} | {', '.join(variables)} | - | - | not checked: {str(error).splitlines()[0]} |")
            continue
        for index, result in enumerate(results):
            versions["NumPy"] = result["numpy"]
            ok = result["ok"]
            failures += 0 if ok else 1
            variable = result["variable"]
            shape = "x".join(str(v) for v in result["shape"])
            if "max_diff" in result:
                detail = (f"{result['exact']:,} of {result['count']:,} values bit-for-bit equal; "
                          f"largest difference {result['max_diff']:.1e} (scale {result['scale']:.3g})")
            else:
                detail = f"shape {result['shape']} but cnnrepl saved {result['want_shape']}"
            if result.get("embedded"):
                detail = "the variable itself was embedded, not computed"
            files = f", {result['data_files']} .npy file{'s' if result['data_files'] != 1 else ''}" if result["data_files"] else ""
            files = (f"{result['steps']} step{'s' if result['steps'] != 1 else ''}, "
                     f"{result['constants']} constant{'s' if result['constants'] != 1 else ''}{files}")
            print(f"{'ok  ' if ok else 'FAIL'} numpy {label}: {variable} {shape}: {detail} ({result['lines']} lines, {files})")
            numpy_lines.append(f"| {label if index == 0 else ''} | {what if index == 0 else ''} | {variable} {shape} | "
                               f"{files} | {detail} | {'equal' if ok else 'DIFFERENT'} |")

    print(f"codegen: {checked - failures} passed, {failures} failed")
    if args.write:
        version_text = ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))
        report = [
            "# `code` checked with Keras, PyTorch and NumPy",
            "",
            "Written by `python3 tools/verify/check_codegen.py --write` (see the script's docstring for how it",
            "checks). Do not edit by hand; re-run it after changing Sources/CNNCodegen.",
            "",
            f"Python {platform.python_version()}, {version_text}.",
            "",
            "## Models: `code keras NAME` and `code torch NAME` against `summary NAME`",
            "",
            "Every layer's name, output shape and parameter count, and the total, as Keras 3 and PyTorch",
            "compute them from the generated scripts, compared with cnnrepl's summary table. Then the weights",
            "and random input of `run NAME` are loaded into both models (float64) and their output compared",
            "with cnnrepl's: the largest difference is shown (at most 1e-12 for PyTorch; 1e-6 for Keras, whose JAX",
            "backend computes tanh and global average pooling at float32 precision even in float64).",
            "",
            "| model | what | layers | cnnrepl total | Keras / PyTorch total | Keras / PyTorch output vs run | result |",
            "| --- | --- | ---: | ---: | ---: | ---: | --- |",
        ] + model_lines + [
            "",
            "## Variables: `code numpy VAR` against `save(VAR, ...)`",
            "",
            "The generated script run by NumPy, its value compared with the .npy file cnnrepl saved",
            "(equal: every value within 1e-12 of the largest magnitude). \"steps\" counts the assignments the",
            "script computes, \"constants\" the inputs it re-creates, embeds or loads; the variable itself must be",
            "computed, never embedded.",
            "",
            "| case | what | variable | script | agreement | result |",
            "| --- | --- | --- | --- | --- | --- |",
        ] + numpy_lines + [
            "",
            f"{checked - failures} passed, {failures} failed",
            "",
        ]
        with open(RESULTS, "w") as f:
            f.write("\n".join(report))
        print(f"wrote {os.path.relpath(RESULTS, ROOT)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

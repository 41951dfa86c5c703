#!/usr/bin/env python3
"""Checks the numbers of lessons/residual.cnn (transcripts/residual.txt) with JAX.

Run from the repository:  python3 tools/verify/check_residual.py   (exit 1 on a mismatch)
Needs JAX and a built cnnrepl (.build/debug/cnnrepl, or --cnnrepl PATH).

cnnrepl runs the lesson and saves the input x and the eight kernels `run` drew (the same for both models:
the same seed, shapes and order). JAX then builds both models from those numbers alone (3x3 convolutions
with same padding, sigmoid, and x + f for every block of the residual one), differentiates sum(output)
with respect to x and to the outputs of layers 6, 4 and 2 of the plain stack, and every sum of squared
gradients printed in the transcript must equal JAX's to its printed 6 significant places.
"""
import os
import re
import subprocess
import sys
import tempfile

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def conv(x, k):
    """3x3 cross-correlation with same padding (1 on each side) of an H x W x C map, kernel 3x3xCxF."""
    return jax.lax.conv_general_dilated(x[None], k, (1, 1), ((1, 1), (1, 1)),
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"))[0]


def main():
    binary = sys.argv[sys.argv.index("--cnnrepl") + 1] if "--cnnrepl" in sys.argv else os.path.join(ROOT, ".build", "debug", "cnnrepl")
    lesson = open(os.path.join(ROOT, "lessons", "residual.cnn")).read()
    transcript = open(os.path.join(ROOT, "transcripts", "residual.txt")).read()
    with tempfile.TemporaryDirectory() as folder:
        saves = ['save(x, "x.npy")'] + [f'save(plain_{k}_kernel, "k{k}.npy")' for k in range(1, 9)] \
            + [f'save(skip_{2 * k - 1}_kernel, "s{k}.npy")' for k in range(1, 9)]
        with open(os.path.join(folder, "run.cnn"), "w") as f:
            f.write(lesson + "\n" + "\n".join(saves) + "\n")
        subprocess.run([binary, "--no-color", "run.cnn"], cwd=folder, check=True, capture_output=True)
        x = np.load(os.path.join(folder, "x.npy"))
        kernels = [np.load(os.path.join(folder, f"k{k}.npy")) for k in range(1, 9)]
        same = all(np.array_equal(a, np.load(os.path.join(folder, f"s{k}.npy"))) for k, a in enumerate(kernels, 1))

    def plain(x, start=0):
        for k in kernels[start:]:
            x = jax.nn.sigmoid(conv(x, k))
        return x

    def skip(x):
        for k in kernels:
            x = x + jax.nn.sigmoid(conv(x, k))
        return x

    def outputs(x):
        kept = []
        for k in kernels:
            x = jax.nn.sigmoid(conv(x, k))
            kept.append(x)
        return kept

    kept = outputs(x)
    expected = {
        "sum(gp * gp)": jax.grad(lambda v: plain(v).sum())(x),
        "sum(gs * gs)": jax.grad(lambda v: skip(v).sum())(x),
        "sum(g6 * g6)": jax.grad(lambda v: plain(v, 6).sum())(kept[5]),
        "sum(g4 * g4)": jax.grad(lambda v: plain(v, 4).sum())(kept[3]),
        "sum(g2 * g2)": jax.grad(lambda v: plain(v, 2).sum())(kept[1]),
    }
    failures = 0 if same else 1
    print(f"{'ok  ' if same else 'FAIL'} both models drew the same eight kernels")
    for line, g in expected.items():
        want = float((g * g).sum())
        match = re.search(re.escape(line) + r" = (\S+)", transcript)
        printed = float(match.group(1)) if match else None
        ok = printed is not None and abs(printed - want) <= 5e-6 * max(abs(want), 1e-300) + (0.5e-6 if "e" not in match.group(1) else 0)
        failures += 0 if ok else 1
        print(f"{'ok  ' if ok else 'FAIL'} {line}: transcript {match.group(1) if match else 'missing'}, JAX {want:.6e}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""fashion_full.py: the notes' Fashion-MNIST CNN trained in full by cnnrepl and by Keras 3, in the same run.

Both sides train the CNN of lessons/fashion.cnn (93,322 parameters: conv 32 3x3 relu, maxpool 2x2, conv 64
3x3 relu, maxpool 2x2, conv 64 3x3 relu, flatten, dense 64 relu, dense 10 softmax) for 5 epochs, batch 32,
adam (lr 0.001), on all 60,000 training pictures of Debian's dataset-fashion-mnist, with the 10,000 test
pictures as validation data after every epoch (cnnrepl's train does this for a set with a test split; Keras
is given validation_data), then evaluate on the 10,000 test pictures. Each side is one process, timed by wall clock from start to exit (reading the data,
building the model, training, evaluating), with both cores of the machine available to it.

    python3 tools/bench/fashion_full.py [--cnnrepl .build/release/cnnrepl] [--epochs 5] [--limit N]
                                        [--only cnnrepl|keras] [--json]

Keras runs in this Python (KERAS_BACKEND=jax unless set), so run it with a Python that has keras and jax
(tools/bench/run.sh passes its own). The pictures are read from the IDX files with NumPy and gzip; Keras'
own fashion_mnist.load_data() downloads them, which this machine may not be able to do.
Exit status 0 when every side that ran reached 0.90 test accuracy on a full run (no --limit, 5 epochs).
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time

DATA_DIRS = [os.environ.get("CNNREPL_DATA", ""), os.path.expanduser("~/.keras/datasets/fashion-mnist"),
             "/usr/share/datasets/fashion-mnist"]
FILES = {"x_train": "train-images-idx3-ubyte.gz", "y_train": "train-labels-idx1-ubyte.gz",
         "x_test": "t10k-images-idx3-ubyte.gz", "y_test": "t10k-labels-idx1-ubyte.gz"}

LESSON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lessons", "fashion.cnn")


def cnn_lines():
    """The CNN's model block exactly as lessons/fashion.cnn declares it."""
    with open(LESSON, encoding="utf-8") as handle:
        match = re.search(r"^model cnn 28x28x1\n.*?^end$", handle.read(), re.S | re.M)
    if not match:
        sys.exit(f"fashion_full.py: no 'model cnn 28x28x1 ... end' block in {LESSON}")
    return match.group(0)


def data_dir():
    for folder in DATA_DIRS:
        if folder and all(os.path.exists(os.path.join(folder, name)) for name in FILES.values()):
            return folder
    sys.exit("fashion_full.py: no Fashion-MNIST files in " + ", ".join(d for d in DATA_DIRS if d)
             + " (sudo apt-get install dataset-fashion-mnist)")


def run_cnnrepl(binary, epochs, limit):
    """Runs the training as a cnnrepl script; returns (seconds, test accuracy, text printed)."""
    limit_text = f", limit={limit}" if limit else ""
    script = (f'data = dataset("fashion-mnist"{limit_text})\n{cnn_lines()}\nseed 1\n'
              f"train cnn data epochs={epochs} batch=32 optimizer=adam\nevaluate cnn data\n")
    with tempfile.NamedTemporaryFile("w", suffix=".cnn", delete=False) as handle:
        handle.write(script)
        path = handle.name
    try:
        start = time.monotonic()
        done = subprocess.run([binary, "--no-color", path], capture_output=True, text=True)
        seconds = time.monotonic() - start
    finally:
        os.unlink(path)
    if done.returncode != 0:
        sys.exit("cnnrepl failed:\n" + done.stdout[-2000:] + done.stderr[-2000:])
    match = re.search(r"validation: loss [0-9.]+, accuracy ([0-9.]+)", done.stdout)
    if not match:
        sys.exit("cnnrepl printed no validation accuracy:\n" + done.stdout[-2000:])
    return seconds, float(match.group(1)), done.stdout


def run_keras(epochs, limit):
    """Trains the same model with Keras 3 in this process; returns (seconds, test accuracy, versions)."""
    start = time.monotonic()
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import numpy as np
    import keras

    def idx(path, offset):
        with gzip.open(path, "rb") as handle:
            return np.frombuffer(handle.read(), np.uint8, offset=offset)

    folder = data_dir()
    x_train = idx(os.path.join(folder, FILES["x_train"]), 16).reshape(-1, 28, 28, 1).astype("float32") / 255
    y_train = idx(os.path.join(folder, FILES["y_train"]), 8)
    x_test = idx(os.path.join(folder, FILES["x_test"]), 16).reshape(-1, 28, 28, 1).astype("float32") / 255
    y_test = idx(os.path.join(folder, FILES["y_test"]), 8)
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    keras.utils.set_random_seed(1)
    layers = keras.layers
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"), layers.Flatten(),
        layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax"),
    ])
    assert model.count_params() == 93322, model.count_params()
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # The test split is the validation data, as in cnnrepl (whose dataset("fashion-mnist") holds it out and whose
    # train reports val_loss and val_accuracy after every epoch): both sides do the same work.
    model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0, shuffle=True,
              validation_data=(x_test, y_test))
    _, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    seconds = time.monotonic() - start
    import jax
    versions = f"keras {keras.__version__}, jax {jax.__version__}, backend {keras.backend.backend()}, float32"
    return seconds, float(accuracy), versions


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cnnrepl", default=".build/release/cnnrepl")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=0, help="train on the first N pictures only")
    parser.add_argument("--only", choices=["cnnrepl", "keras"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    full = args.epochs == 5 and not args.limit
    results = {}
    if args.only != "keras":
        seconds, accuracy, _ = run_cnnrepl(args.cnnrepl, args.epochs, args.limit)
        results["cnnrepl"] = {"seconds": seconds, "accuracy": accuracy, "version": "float64"}
    if args.only != "cnnrepl":
        try:
            seconds, accuracy, versions = run_keras(args.epochs, args.limit)
            results["keras"] = {"seconds": seconds, "accuracy": accuracy, "version": versions}
        except ImportError as error:
            print(f"keras peer missing: {error}", file=sys.stderr)
    if args.json:
        print(json.dumps({"epochs": args.epochs, "limit": args.limit, "results": results}))
    else:
        pictures = f"{args.limit:,}" if args.limit else "60,000"
        print(f"Fashion-MNIST CNN (93,322 parameters), {args.epochs} epochs, batch 32, adam, {pictures} training "
              f"pictures, tested on 10,000; wall time of the whole process, {os.cpu_count()} cores")
        for name, result in results.items():
            print(f"  {name:8} {result['seconds']:9.1f} s   test accuracy {result['accuracy']:.4f}   ({result['version']})")
        if "cnnrepl" in results and "keras" in results:
            ratio = results["cnnrepl"]["seconds"] / results["keras"]["seconds"]
            print(f"  cnnrepl / keras wall time: {ratio:.2f} (target: at most 1)")
    if full and any(result["accuracy"] < 0.90 for result in results.values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

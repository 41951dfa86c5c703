#!/usr/bin/env python3
"""ctrl_c_train.py: Ctrl-C during `train` keeps the epochs that finished (issue 13).

Runs cnnrepl on a pseudo-terminal, starts a long training run on the digits, waits until the end of
epoch 2 is reported, presses Ctrl-C, and checks that `train` says where it stopped, that the model keeps
the weights of the completed epochs (`history` has them, `evaluate` works) and that the session goes on.

    python3 tools/robustness/ctrl_c_train.py [BINARY]     (default BINARY: .build/debug/cnnrepl)

Exit status 0 when all of that holds, 1 otherwise (the transcript is printed).
"""
import os
import re
import sys

from pty_repl import read_until, repl_on_pty


def text_until(fd, pattern, timeout):
    """The text read from fd until `pattern` matches or `timeout` seconds pass."""
    return read_until(fd, pattern, timeout)[0]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    binary = args[0] if args else ".build/debug/cnnrepl"
    transcript = ""
    with repl_on_pty(binary, "train") as fd:
        transcript += text_until(fd, r"cnn> ", 10)
        for line in ['data = dataset("digits")', "model m 8x8x1", "conv 8 3x3 same relu", "flatten",
                     "dense 10 softmax", "end"]:
            os.write(fd, line.encode() + b"\r")
            transcript += text_until(fd, r"(cnn|\.\.\.)> ", 30)
        os.write(fd, b"train m data epochs=500 batch=32\r")
        transcript += text_until(fd, r"epoch +2/500:", 120)   # the number is padded: "epoch   2/500"
        os.write(fd, b"\x03")
        stopped = text_until(fd, r"cnn> ", 30)
        transcript += stopped
        os.write(fd, b"history\r")
        table = text_until(fd, r"cnn> ", 10)
        transcript += table
        os.write(fd, b"evaluate m data\r")
        evaluated = text_until(fd, r"cnn> ", 30)
        transcript += evaluated
        os.write(fd, b"\x04")
        text_until(fd, r"never", 3)
    match = re.search(r"stopped in epoch (\d+) \(Ctrl-C\); the model keeps the weights after epoch (\d+)", stopped)
    ok = (match is not None and int(match.group(2)) == int(match.group(1)) - 1 and int(match.group(2)) >= 2
          and "error" not in stopped and "for %s epochs" % match.group(2) in table
          and "validation: loss" in evaluated)
    print(("ok" if ok else "FAILED") + ": Ctrl-C during train")
    if not ok or "--verbose" in sys.argv:
        print(transcript)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

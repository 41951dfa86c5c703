#!/usr/bin/env python3
"""ctrl_c_after_enter.py: Ctrl-C pressed right after Enter stops the entry; it is never lost.

Runs cnnrepl on a pseudo-terminal, makes a 1500x1500 input, then again and again types a long convolution,
presses Enter and, 0 to 18 ms later, Ctrl-C: the moments when readline is still returning the line, when
the entry is parsed and saved to the history, and when its statement has just started. Each time `f` must
not exist afterwards: the line was abandoned at the prompt, the statement was stopped before it started, or
its computation was interrupted. Until this check existed, a Ctrl-C in the first of those moments was taken
for one at the prompt and one in the second was forgotten, and the convolution ran to the end (12 of 60
tries on a busy machine). With --busy, as many spinning processes as CPUs keep the machine busy meanwhile,
which widens those moments.

    python3 tools/robustness/ctrl_c_after_enter.py [BINARY] [--tries N] [--busy]
    (default BINARY: .build/release/cnnrepl; 40 tries)

Prints how each try ended; exit status 0 if `f` was never made, 1 otherwise.
"""
import multiprocessing
import os
import sys
import time

from pty_repl import read_until, repl_on_pty


def spin():
    """Keeps one CPU busy until killed."""
    while True:
        pass


def one_try(binary, delay):
    """Types the convolution, presses Ctrl-C `delay` seconds after Enter; returns (how it ended, transcript)."""
    with repl_on_pty(binary, "after-enter") as fd:
        read_until(fd, "cnn> ", 10)
        os.write(fd, b"big = rand(1500, 1500)\r")
        read_until(fd, "cnn> ", 60)
        os.write(fd, b"f = conv(big, ones(55, 55))\r")
        time.sleep(delay)
        os.write(fd, b"\x03")
        text, _ = read_until(fd, "cnn> ", 60)
        os.write(fd, b"f\r")
        # Up to the prompt after the echo of `f` (a Ctrl-C at the prompt may have left a prompt or two before it).
        after, _ = read_until(fd, r"f\r?\n(.|\n)*cnn> ", 10)
    if "unknown name 'f'" not in after:
        return "f was made: Ctrl-C lost", text + after
    if "interrupted" in text:
        return "interrupted", text
    if "stopped before this statement" in text:
        return "stopped before it started", text
    return "line abandoned at the prompt", text


def main():
    argv = sys.argv[1:]
    tries = 40
    if "--tries" in argv:
        i = argv.index("--tries")
        tries = int(argv[i + 1])
        del argv[i:i + 2]
    busy = "--busy" in argv
    if busy:
        argv.remove("--busy")
    binary = os.path.abspath(argv[0] if argv else ".build/release/cnnrepl")
    spinners = [multiprocessing.Process(target=spin, daemon=True) for _ in range(os.cpu_count() or 1)] if busy else []
    for process in spinners:
        process.start()
    endings = {}
    lost = 0
    try:
        for i in range(tries):
            ending, transcript = one_try(binary, (i % 10) * 0.002)
            endings[ending] = endings.get(ending, 0) + 1
            if ending.startswith("f was made"):
                lost += 1
                print(f"try {i + 1}, Ctrl-C {(i % 10) * 2} ms after Enter: {ending}\n{transcript}")
    finally:
        for process in spinners:
            process.kill()
    for ending, count in sorted(endings.items()):
        print(f"{count:3d}  {ending}")
    print(f"{tries} tries{' on a busy machine' if busy else ''}: {'FAILED' if lost else 'ok'}")
    sys.exit(1 if lost else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""ctrl_c_latency.py: measures how fast Ctrl-C stops a long computation in the cnnrepl REPL.

Runs cnnrepl on a pseudo-terminal, makes a 4000x4000 input, starts four 55x55 convolutions in a row that
take several seconds together (about 180 billion multiply-adds; one alone, 48 billion, just under the limit
of one conv, took about a second once sums became fused multiply-adds), presses Ctrl-C after a delay and measures
the time until the next `cnn> ` prompt. Then checks that the variables are intact (`big` still there,
`f` never made) and that the session still computes. Repeats a few times and prints every latency.

    python3 tools/robustness/ctrl_c_latency.py [BINARY] [--runs N] [--delay S] [--size N] [--setup "save(big, ...)"]
                                              [--compute "f = big @ big"]
    (default BINARY: .build/release/cnnrepl; build it with swift build -c release; --delay presses Ctrl-C S
    seconds into the first run instead of 0.5 (each further run half a second later); --size makes big N x N
    instead of 4000 x 4000; --setup runs a statement before the one timed; --compute replaces the
    convolution by another long statement that assigns f from big, e.g. f = load("big.png"))

Exit status 0 if every latency is under 1 second and the session kept its variables, 1 otherwise.
"""
import os
import sys
import time

from pty_repl import read_until, repl_on_pty


def one_run(binary, delay, compute, size=4000, setup=None):
    with repl_on_pty(binary, "latency") as fd:
        read_until(fd, "cnn> ", 10)
        os.write(fd, f"big = rand({size}, {size})\r".encode())
        read_until(fd, "cnn> ", 60)
        if setup:
            os.write(fd, setup.encode() + b"\r")
            read_until(fd, "cnn> ", 120)
        os.write(fd, compute.encode() + b"\r")
        time.sleep(delay)
        pressed = time.monotonic()
        os.write(fd, b"\x03")
        text, _ = read_until(fd, "cnn> ", 30)
        latency = time.monotonic() - pressed
        os.write(fd, b"big[0, 0] + 1\r")
        after, _ = read_until(fd, "cnn> ", 10)
        os.write(fd, b"f\r")
        missing, _ = read_until(fd, "cnn> ", 10)
        os.write(fd, b"\x04")
        read_until(fd, "never", 3)
        intact = "interrupted" in text and "unknown name 'f'" in missing and "big[0, 0] + 1" in after \
            and "error" not in after
        return latency, intact, text + after + missing


def main():
    argv = sys.argv[1:]
    runs = 5
    compute = "f = conv(conv(conv(conv(big, ones(55, 55)), ones(55, 55)), ones(55, 55)), ones(55, 55))"
    if "--runs" in argv:
        i = argv.index("--runs")
        runs = int(argv[i + 1])
        del argv[i:i + 2]
    first_delay = 0.5
    if "--delay" in argv:
        i = argv.index("--delay")
        first_delay = float(argv[i + 1])
        del argv[i:i + 2]
    size = 4000
    if "--size" in argv:
        i = argv.index("--size")
        size = int(argv[i + 1])
        del argv[i:i + 2]
    setup = None
    if "--setup" in argv:
        i = argv.index("--setup")
        setup = argv[i + 1]
        del argv[i:i + 2]
    if "--compute" in argv:
        i = argv.index("--compute")
        compute = argv[i + 1]
        del argv[i:i + 2]
    args = argv
    binary = os.path.abspath(args[0] if args else ".build/release/cnnrepl")
    ok = True
    latencies = []
    for i in range(runs):
        delay = first_delay + 0.5 * i  # press Ctrl-C at different moments of the convolution
        latency, intact, transcript = one_run(binary, delay, compute, size, setup)
        latencies.append(latency)
        print(f"run {i + 1}: Ctrl-C after {delay:.1f} s -> prompt after {latency * 1000:.0f} ms, variables intact: {intact}")
        if latency >= 1.0 or not intact:
            ok = False
            print(transcript)
    print(f"statement: {compute}")
    print(f"largest latency {max(latencies) * 1000:.0f} ms over {runs} runs ({'ok' if ok else 'FAILED'})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Sample pictures for the lessons, drawn by this script (no third-party photos).

Run from anywhere:  python3 tools/samples/make_samples.py
Output:             lessons/data/*.npy (8-bit grayscale, dtype uint8, values 0..255)

  letter.npy   12x12  a capital F, ink 200 on a background of 40: a vertical stroke two pixels wide
               and two horizontal strokes, so both line filters of the filters lesson find something,
               and the sharpen filter overshoots at every edge (values below 0 and above 255 to clip).
               12x12 is the largest picture cnnrepl prints in full.
  shapes.npy   24x24  a filled square, a plus sign and a diagonal line on black (0), for pooling a
               picture: 2x2 max pooling shrinks it to 12x12, still recognisable.

The output is deterministic: running the script twice leaves `git status` clean.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "lessons", "data")


def letter_f():
    """A 12x12 capital F: background 40, ink 200."""
    picture = np.full((12, 12), 40, dtype=np.uint8)
    picture[2:10, 3:5] = 200   # the vertical stroke: rows 2..9, columns 3..4
    picture[2:4, 5:10] = 200   # the top bar: rows 2..3, columns 5..9
    picture[5:7, 5:8] = 200    # the middle bar: rows 5..6, columns 5..7
    return picture


def shapes():
    """A 24x24 picture of three shapes on black: a square, a plus sign and a diagonal line."""
    picture = np.zeros((24, 24), dtype=np.uint8)
    picture[3:9, 3:9] = 255            # a filled 6x6 square, top left
    picture[14:21, 16] = 255           # a plus sign, bottom right: vertical bar ...
    picture[17, 13:20] = 255           # ... and horizontal bar
    for i in range(8):                 # a diagonal line, top right to bottom left
        picture[3 + i, 20 - i] = 180
    picture[15:21, 3:9] = 120          # a gray square, bottom left
    return picture


def main():
    os.makedirs(OUT, exist_ok=True)
    np.save(os.path.join(OUT, "letter.npy"), letter_f())
    np.save(os.path.join(OUT, "shapes.npy"), shapes())
    for name in ("letter.npy", "shapes.npy"):
        array = np.load(os.path.join(OUT, name))
        print(f"lessons/data/{name}: {array.shape[0]}x{array.shape[1]} {array.dtype}, "
              f"values {array.min()}..{array.max()}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Copies the sample photographs into cnnrepl, once: a few public-domain / CC0 photographs that
scikit-image ships in its data folder, downscaled and saved as small JPEG files.

    pip install scikit-image pillow
    python3 tools/samples/copy_photos.py

Output: Sources/CSamplePhotos/photos/NAME.jpg, built into cnnrepl by Sources/CSamplePhotos/photos.c
(C23 #embed), so sample("cat") needs no files at run time. The licences are those the scikit-image
docstrings give (skimage/data/_fetchers.py); lessons/README.md credits each photograph.
The output is deterministic for a given Pillow (libjpeg-turbo) and scikit-image version.
"""
import os

import numpy as np
from PIL import Image
import skimage
from skimage import data

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Sources", "CSamplePhotos", "photos")

# name in cnnrepl, scikit-image function, size (height, width) after downscaling, credit and licence.
PHOTOS = [
    ("camera", data.camera, (256, 256), "a man with a camera on a tripod; Lav Varshney, CC0"),
    ("astronaut", data.astronaut, (256, 256), "astronaut Eileen Collins; NASA, public domain"),
    ("cat", data.chelsea, (150, 225), "Chelsea the cat; Stefan van der Walt, CC0"),
    ("coffee", data.coffee, (200, 300), "a cup of coffee; Rachel Michetti, CC0"),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    total = 0
    for name, load, (height, width), credit in PHOTOS:
        pixels = np.asarray(load())
        image = Image.fromarray(pixels)
        # Area averaging (Pillow's BOX) for shrinking, as cnnrepl's resize does.
        small = image.resize((width, height), Image.Resampling.BOX)
        target = os.path.join(OUT, name + ".jpg")
        small.save(target, format="JPEG", quality=90, optimize=True)
        size = os.path.getsize(target)
        total += size
        print(f"{name}.jpg  {small.mode:3} {width}x{height}  {size:,} bytes  from skimage.data.{load.__name__} "
              f"{pixels.shape}: {credit}")
    print(f"{total:,} bytes in all (scikit-image {skimage.__version__})")


if __name__ == "__main__":
    main()

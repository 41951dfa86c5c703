"""Shared set-up of the Python tests of cnnrepl's Jupyter kernel, notebooks and pages.

They need the cnnrepl binary (CNNREPL_BINARY, else .build/debug/cnnrepl, else cnnrepl on PATH) and the
kernelspec "cnnrepl" installed in this Python's environment (`python -m cnnrepl_kernel install --sys-prefix`;
.ci/run does both). Run them with `python -m pytest jupyter/tests`.
"""

import base64
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def cnnrepl_binary() -> str:
    given = os.environ.get("CNNREPL_BINARY")
    if given:
        return given
    for build in ("debug", "release"):
        candidate = REPO / ".build" / build / "cnnrepl"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("cnnrepl")
    if not found:
        pytest.exit("no cnnrepl binary: run `swift build` or set CNNREPL_BINARY", returncode=2)
    return found


@pytest.fixture(scope="session")
def binary() -> str:
    path = cnnrepl_binary()
    os.environ["CNNREPL_BINARY"] = path  # the kernel finds it through the environment
    return path


@pytest.fixture(scope="session")
def kernelspec(binary) -> str:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("cnnrepl")
    except NoSuchKernel:
        pytest.exit("the cnnrepl kernelspec is not installed: python -m cnnrepl_kernel install --sys-prefix", returncode=2)
    return "cnnrepl"


def decode_png(data: str):
    """Decodes a base64 PNG far enough to prove it is one: the signature, every chunk's CRC, the header, and
    the inflated image data of exactly the size the header promises. Returns (width, height, channels)."""
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    offset, idat, header = 8, b"", None
    while offset < len(raw):
        (length,) = struct.unpack(">I", raw[offset:offset + 4])
        kind = raw[offset + 4:offset + 8]
        body = raw[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", raw[offset + 8 + length:offset + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, f"bad CRC in {kind!r}"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
        if kind == b"IEND":
            break
    assert header is not None, "no IHDR"
    width, height, depth, color_type, _, _, interlace = header
    assert depth == 8 and interlace == 0
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    pixels = zlib.decompress(idat)
    assert len(pixels) == height * (1 + width * channels), "the image data does not match the header"
    return width, height, channels


def run_export(binary, lesson: Path, fmt: str, output: Path) -> None:
    result = subprocess.run([binary, "export", str(lesson), "--to", fmt, "-o", str(output)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr

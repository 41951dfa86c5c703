"""A client of `cnnrepl --serve` (docs/PROTOCOL.md): starts the binary, sends requests, reads responses.

The binary is CNNREPL_BINARY if set, else `cnnrepl` on PATH. Responses are read with os.read into our own
buffer, so a KeyboardInterrupt (Jupyter's stop button) while waiting loses no bytes: the caller passes the
interrupt on with `interrupt()` and goes on waiting for the same response.
"""

import json
import os
import shutil
import signal
import subprocess


class CnnreplNotFound(RuntimeError):
    pass


def find_binary() -> str:
    given = os.environ.get("CNNREPL_BINARY")
    if given:
        if not (os.path.isfile(given) and os.access(given, os.X_OK)):
            raise CnnreplNotFound(f"CNNREPL_BINARY is {given!r}, which is not an executable file")
        return given
    found = shutil.which("cnnrepl")
    if not found:
        raise CnnreplNotFound("cnnrepl is not on PATH: build it (swift build -c release) and put .build/release "
                              "on PATH, or set CNNREPL_BINARY to the binary")
    return found


class ServeClient:
    """One `cnnrepl --serve` process and its session."""

    def __init__(self, binary=None, cwd=None):
        self.binary = binary or find_binary()
        self.cwd = cwd
        self.process = None
        self.buffer = bytearray()
        self.next_id = 0
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen([self.binary, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        cwd=self.cwd, bufsize=0)
        self.buffer = bytearray()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(self, request: dict) -> None:
        self.next_id += 1
        request = dict(request, id=self.next_id)
        line = json.dumps(request, ensure_ascii=False) + "\n"
        self.process.stdin.write(line.encode("utf-8"))
        self.process.stdin.flush()

    def read_response(self) -> dict:
        """The next response; raises EOFError if cnnrepl has ended, KeyboardInterrupt if interrupted."""
        fd = self.process.stdout.fileno()
        while True:
            newline = self.buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self.buffer[:newline])
                del self.buffer[:newline + 1]
                return json.loads(line.decode("utf-8"))
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError("cnnrepl ended")
            self.buffer += chunk

    def request(self, request: dict) -> dict:
        self.send(request)
        return self.read_response()

    def interrupt(self) -> None:
        if self.alive:
            self.process.send_signal(signal.SIGINT)

    def close(self) -> None:
        if self.process is None:
            return
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except Exception:
            self.process.kill()
            self.process.wait()
        self.process = None

"""The cnnrepl kernel: a wrapper kernel on ipykernel's Kernel, over one `cnnrepl --serve` session.

Each cell is one execute request; its parts become Jupyter messages: text as a `stream`, pictures as
`display_data` with image/png, an error as an `error` message whose traceback is cnnrepl's report with the
caret. Tab completion and Shift-Tab help ask the same session. The stop button's SIGINT reaches cnnrepl (the
kernel passes it on as well, from a signal handler while a request is under way) and stops the computation; the
variables stay.
"""

import contextlib
import os
import signal

from ipykernel.kernelbase import Kernel

from . import __version__
from .serve import CnnreplNotFound, ServeClient


class CnnreplKernel(Kernel):
    implementation = "cnnrepl_kernel"
    implementation_version = __version__
    language = "cnnrepl"
    language_info = {
        "name": "cnnrepl",
        "mimetype": "text/x-cnnrepl",
        "file_extension": ".cnn",
        "pygments_lexer": "text",
        "codemirror_mode": "null",
    }
    banner = "cnnrepl: an educational, step-by-step CNN interpreter. Type `help` for a tour."

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.client = None
        self.html = os.environ.get("CNNREPL_KERNEL_HTML", "") not in ("", "0")

    # The session starts with the first request, so a missing binary is reported in the notebook.
    def _client(self) -> ServeClient:
        if self.client is None or not self.client.alive:
            self.client = ServeClient()
            hello = self.client.request({"type": "hello"})
            parts = hello.get("parts") or [{}]
            self.banner = parts[0].get("text", self.banner)
        return self.client

    @contextlib.contextmanager
    def _interrupts_to_cnnrepl(self):
        """While a request is under way, the stop button's SIGINT is passed on to cnnrepl (which answers the
        request with an "interrupted" error, or has already answered it) instead of raising KeyboardInterrupt
        here: raised between reading cnnrepl's answer and sending it on, that lost the answer and the cell never
        ended. Outside the main thread, where there are no signal handlers, `_request` catches it as before."""
        def forward(signum, frame):
            if self.client is not None:
                self.client.interrupt()
        try:
            previous = signal.signal(signal.SIGINT, forward)
        except ValueError:  # not the main thread
            yield
            return
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    def _request(self, request: dict) -> dict:
        client = self._client()
        with self._interrupts_to_cnnrepl():
            client.send(request)
            while True:
                try:
                    return client.read_response()
                except KeyboardInterrupt:
                    # Stop the computation; cnnrepl answers the same request with an "interrupted" error.
                    client.interrupt()

    def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False, **kwargs):
        if not code.strip():
            return self._ok()
        with self._interrupts_to_cnnrepl():
            return self._execute(code, silent)

    def _execute(self, code, silent):
        """One cell: the request, then its answer's parts as Jupyter messages."""
        try:
            response = self._request({"type": "execute", "code": code, "html": self.html})
        except CnnreplNotFound as error:
            return self._error("CnnreplNotFound", str(error), [str(error)], silent)
        except (EOFError, BrokenPipeError, OSError, ValueError) as error:
            self.client = None
            message = f"cnnrepl stopped ({error}); the next cell starts a new session"
            return self._error("CnnreplStopped", message, [message], silent)
        error = None
        for part in response.get("parts", []):
            kind = part.get("kind")
            if kind == "text":
                if not silent:
                    self.send_response(self.iopub_socket, "stream", {"name": "stdout", "text": part.get("text", "")})
            elif kind == "image" and part.get("png"):
                if not silent:
                    metadata = {"image/png": {"width": part.get("width"), "height": part.get("height")}}
                    data = {"image/png": part["png"], "text/plain": part.get("title") or "picture"}
                    self.send_response(self.iopub_socket, "display_data", {"data": data, "metadata": metadata})
            elif kind == "image":
                if not silent:
                    self.send_response(self.iopub_socket, "stream",
                                       {"name": "stdout", "text": f"(picture saved to {part.get('path')})\n"})
            elif kind == "html":
                if not silent:
                    self.send_response(self.iopub_socket, "display_data",
                                       {"data": {"text/html": part.get("html", ""), "text/plain": ""}, "metadata": {}})
            elif kind == "error":
                error = part
        if error is not None or not response.get("ok", False):
            error = error or {}
            text = error.get("text") or error.get("message") or "error"
            traceback = text.rstrip("\n").split("\n")
            return self._error("CnnreplError", error.get("message") or traceback[0], traceback, silent)
        return self._ok()

    def _ok(self) -> dict:
        return {"status": "ok", "execution_count": self.execution_count, "payload": [], "user_expressions": {}}

    def _error(self, name: str, value: str, traceback: list, silent: bool) -> dict:
        content = {"ename": name, "evalue": value, "traceback": traceback}
        if not silent:
            self.send_response(self.iopub_socket, "error", content)
        return dict(content, status="error", execution_count=self.execution_count)

    def do_complete(self, code, cursor_pos):
        try:
            response = self._request({"type": "complete", "code": code, "cursor": cursor_pos})
            part = (response.get("parts") or [{}])[0]
        except Exception:
            part = {}
        return {"status": "ok", "matches": part.get("matches", []),
                "cursor_start": part.get("start", cursor_pos), "cursor_end": part.get("end", cursor_pos), "metadata": {}}

    def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        try:
            response = self._request({"type": "inspect", "code": code, "cursor": cursor_pos})
            parts = response.get("parts") or []
        except Exception:
            parts = []
        if not parts:
            return {"status": "ok", "found": False, "data": {}, "metadata": {}}
        return {"status": "ok", "found": True, "data": {"text/plain": parts[0].get("text", "")}, "metadata": {}}

    def do_is_complete(self, code):
        """For consoles: whether Enter runs the code or opens another line (an open bracket or model block)."""
        try:
            parts = self._request({"type": "is_complete", "code": code}).get("parts") or [{}]
            status = parts[0].get("text", "unknown")
        except Exception:
            status = "unknown"
        if status == "incomplete":
            return {"status": "incomplete", "indent": ""}
        return {"status": status if status in ("complete", "invalid") else "unknown"}

    def do_shutdown(self, restart):
        if self.client is not None:
            self.client.close()
            self.client = None
        return {"status": "ok", "restart": restart}

"""pty_repl.py: the cnnrepl REPL on a pseudo-terminal, for the Ctrl-C scripts beside it.

`repl_on_pty(binary)` starts cnnrepl as a learner would meet it (a terminal, no colour, a history file of
its own) and yields the terminal's file descriptor; `read_until` reads its output up to a pattern. Used by
ctrl_c_latency.py, ctrl_c_after_enter.py and ctrl_c_train.py.
"""
import contextlib
import os
import pty
import re
import select
import signal
import tempfile
import time


def read_until(fd, pattern, timeout):
    """Reads from fd until the regular expression `pattern` matches what was read or `timeout` seconds pass;
    returns (the text read, the seconds waited)."""
    start = time.monotonic()
    data = b""
    while not re.search(pattern, data.decode("utf-8", "replace")):
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace"), time.monotonic() - start


@contextlib.contextmanager
def repl_on_pty(binary, name="repl"):
    """cnnrepl `--no-color` on a pseudo-terminal with a temporary history file; yields the terminal's fd and
    kills the process (and removes the history) when the block ends."""
    history = tempfile.NamedTemporaryFile(prefix=f"cnnrepl-{name}-", suffix=".history", delete=False).name
    env = {"PATH": "/usr/bin:/bin", "TERM": "dumb", "CNNREPL_HISTORY": history, "HOME": tempfile.gettempdir()}
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary, "--no-color"], env)
    try:
        yield fd
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.unlink(history)

"""The cnnrepl kernel through jupyter_client, as a notebook front end drives it: a conv, an error with its
caret, `show` as an inline PNG, completion, help on Shift-Tab, and an interrupt during a long convolution
that keeps the session's variables."""

import time

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import decode_png


@pytest.fixture(scope="module")
def kernel(kernelspec):
    manager, client = start_new_kernel(kernel_name=kernelspec, startup_timeout=60)
    yield manager, client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def shell_reply(client, msg_id, timeout=30):
    """The shell reply to request `msg_id` (earlier replies, such as start-up's kernel_info, are skipped)."""
    while True:
        reply = client.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def run(client, code, timeout=120, on_busy=None):
    """Executes `code`; returns the reply's content and the iopub messages of this request."""
    msg_id = client.execute(code)
    messages = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        message = client.get_iopub_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(message)
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "busy" and on_busy:
            on_busy()
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            break
    return shell_reply(client, msg_id, timeout)["content"], [m for m in messages if m["msg_type"] != "status" and m["msg_type"] != "execute_input"]


def test_kernel_info_names_the_language(kernel):
    _, client = kernel
    reply = shell_reply(client, client.kernel_info())
    assert reply["content"]["language_info"]["name"] == "cnnrepl"
    assert reply["content"]["implementation"] == "cnnrepl_kernel"


def test_a_conv_streams_the_step_header_and_the_map(kernel):
    _, client = kernel
    reply, messages = run(client, "x = reshape(range(1, 26), 5x5)\nconv(x, ones(3, 3))")
    assert reply["status"] == "ok"
    assert [m["msg_type"] for m in messages] == ["stream"]
    text = messages[0]["content"]["text"]
    assert messages[0]["content"]["name"] == "stdout"
    assert "conv(x, ones(3, 3))   5x5 * 3x3, stride 1, valid -> 3x3   (out = (5 - 3)/1 + 1 = 3)" in text
    assert "   63   72   81\n  108  117  126\n  153  162  171\n" in text


def test_an_error_is_an_error_message_with_the_caret(kernel):
    _, client = kernel
    reply, messages = run(client, "y = conv(x, ones(6, 6))")
    assert reply["status"] == "error"
    errors = [m for m in messages if m["msg_type"] == "error"]
    assert len(errors) == 1
    content = errors[0]["content"]
    assert "6x6 kernel does not fit a 5x5 input" in content["evalue"]
    traceback = "\n".join(content["traceback"])
    assert "  1 | y = conv(x, ones(6, 6))" in traceback
    assert "^^^^^^^^^^^^^^^^^^^" in traceback
    assert "hint:" in traceback


def test_show_is_an_inline_png(kernel):
    _, client = kernel
    reply, messages = run(client, "show x ones(3, 3)")
    assert reply["status"] == "ok"
    kinds = [m["msg_type"] for m in messages]
    assert kinds == ["stream", "display_data"], kinds
    data = messages[1]["content"]["data"]
    width, height, channels = decode_png(data["image/png"])
    assert (width, height) == (messages[1]["content"]["metadata"]["image/png"]["width"],
                               messages[1]["content"]["metadata"]["image/png"]["height"])
    assert width > height and channels == 1
    assert data["text/plain"].startswith("show x")


def test_a_saved_picture_is_shown(kernel, tmp_path):
    _, client = kernel
    path = tmp_path / "grid.png"
    reply, messages = run(client, f'savegrid(stack(x, x, x), "{path}", titles="x")')
    assert reply["status"] == "ok"
    pictures = [m for m in messages if m["msg_type"] == "display_data"]
    assert len(pictures) == 1
    decode_png(pictures[0]["content"]["data"]["image/png"])
    assert path.exists()


def test_completion_comes_from_the_registry_and_the_variables(kernel):
    _, client = kernel
    run(client, "convolved = ones(2, 2)")
    reply = shell_reply(client, client.complete("y = con", 7))["content"]
    assert reply["status"] == "ok"
    assert "conv" in reply["matches"] and "convolved" in reply["matches"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (4, 7)


def test_is_complete_for_consoles(kernel):
    _, client = kernel
    assert shell_reply(client, client.is_complete("x = ones(2,"))["content"]["status"] == "incomplete"
    assert shell_reply(client, client.is_complete("x = ones(2, 2)"))["content"]["status"] == "complete"


def test_inspect_gives_help(kernel):
    _, client = kernel
    reply = shell_reply(client, client.inspect("maxpool(x, 2)", 3))["content"]
    assert reply["found"] is True
    assert reply["data"]["text/plain"].startswith("maxpool(")
    assert shell_reply(client, client.inspect("   ", 1))["content"]["found"] is False


def test_interrupt_stops_a_long_conv_and_keeps_the_variables(kernel):
    manager, client = kernel
    reply, _ = run(client, "big = rand(4000, 4000)")
    assert reply["status"] == "ok"
    started = []

    def interrupt_soon():
        time.sleep(0.8)
        started.append(time.time())
        manager.interrupt_kernel()

    import threading

    timer = threading.Thread(target=interrupt_soon)
    # Four 55x55 convolutions in a row, about 3 s: one alone, just under the limit of one conv, now ends in about a
    # second, too close to the interrupt at 0.8 s.
    long = "f = conv(conv(conv(conv(big, ones(55, 55)), ones(55, 55)), ones(55, 55)), ones(55, 55))"
    reply, messages = run(client, long, on_busy=timer.start)
    timer.join()
    assert reply["status"] == "error", reply
    assert "interrupted" in reply["evalue"]
    assert time.time() - started[0] < 10
    reply, messages = run(client, "big[0, 0] + 1")
    assert reply["status"] == "ok", reply
    reply, _ = run(client, "f")
    assert reply["status"] == "error" and "f" in reply["evalue"]
    # x, made in an earlier cell, is still there
    reply, messages = run(client, "x[4, 4]")
    assert reply["status"] == "ok" and "25" in messages[0]["content"]["text"]

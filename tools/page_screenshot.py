#!/usr/bin/env python3
"""Opens a page (an exported lesson) in headless Chromium, takes a screenshot, and reports what a reader
would see: its tables, its traces, and what hovering a traced output cell outlines.

    python3 tools/page_screenshot.py padding.html -o padding.png [--width 1100] [--hover ".trace td.traced"]

Chromium (Debian's `chromium`) is driven through the DevTools protocol over a pipe (--remote-debugging-pipe),
so no network port is opened and nothing but the Python standard library is needed. jupyter/tests/
test_page.py uses the `Browser` class to check the DOM; a person uses the script to look at the page.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One headless Chromium with one page, spoken to through DevTools messages on fds 3 and 4."""

    def __init__(self, width=1100, height=900, binary=None):
        binary = binary or find_chromium()
        if not binary:
            raise RuntimeError("no chromium on PATH: apt-get install chromium")
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()
        # Move our ends out of the way of 3 and 4 before the child's dup2 puts the pipe ends there.
        high_read = os.dup(to_browser_read) if to_browser_read in (3, 4) else to_browser_read
        high_write = os.dup(from_browser_write) if from_browser_write in (3, 4) else from_browser_write

        def place_pipes():
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--remote-debugging-pipe", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=place_pipes, close_fds=False)
        for fd in {to_browser_read, from_browser_write, high_read, high_write}:
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium ended")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=False, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for_event(self, method, timeout=60):
        deadline = time.time() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(index)
            self.events.append(self._read_message(deadline))

    def open(self, path):
        self.events.clear()
        self.call("Page.navigate", {"url": Path(path).resolve().as_uri()}, session=True)
        self.wait_for_event("Page.loadEventFired")

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (for inspecting the DOM from outside)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def hover(self, selector):
        """Scrolls the first element matching `selector` into view and moves the mouse over its centre."""
        box = self.evaluate(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
            if (!e) return null; e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect();
            return [r.left + r.width / 2, r.top + r.height / 2]; }})()""")
        if box is None:
            raise RuntimeError(f"nothing matches {selector}")
        self.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": box[0], "y": box[1]}, session=True)
        return box

    def screenshot(self, path, full_page=True):
        params = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": min(size[1], 16000), "scale": 1}
        data = self.call("Page.captureScreenshot", params, session=True)["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)


SUMMARY = """(() => ({
    title: document.title,
    tables: document.querySelectorAll('table.matrix').length,
    traces: document.querySelectorAll('.trace').length,
    pictures: document.querySelectorAll('img').length,
    scripts: document.querySelectorAll('script').length,
}))()"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page")
    parser.add_argument("-o", "--output", default="page.png")
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--hover", help="a CSS selector to point at before the screenshot, e.g. '.trace td.traced'")
    args = parser.parse_args()
    browser = Browser(width=args.width)
    try:
        browser.open(args.page)
        print(json.dumps(browser.evaluate(SUMMARY)))
        if args.hover:
            browser.hover(args.hover)
            outlined = browser.evaluate("""[...document.querySelectorAll('.trace table.input td')]
                .filter(e => getComputedStyle(e).outlineColor === 'rgb(228, 0, 124)').length""")
            print(f"hovering {args.hover}: {outlined} input cells outlined")
            browser.screenshot(args.output, full_page=False)
        else:
            browser.screenshot(args.output)
        print(f"wrote {args.output}")
    finally:
        browser.close()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Measures `cnnrepl --serve`: the round trip of a small request, and how soon a SIGINT sent during a long
computation (four 55x55 convolutions of a 4000x4000 input in a row, about 3 s) is answered with the
"interrupted" error, at three moments.

    python3 tools/robustness/serve_latency.py [BINARY]      (default: .build/debug/cnnrepl)
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "jupyter"))
from cnnrepl_kernel.serve import ServeClient  # noqa: E402

binary = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/cnnrepl"
client = ServeClient(binary=binary)
client.request({"type": "hello"})
started = time.time()
client.request({"type": "execute", "code": "x = reshape(range(1, 26), 5x5)"})
print("small request round trip: %.1f ms" % ((time.time() - started) * 1000))
client.request({"type": "execute", "code": "big = rand(4000, 4000)"})
for delay in (0.5, 1.0, 1.5):
    client.send({"type": "execute", "code": "f = conv(conv(conv(conv(big, ones(55, 55)), ones(55, 55)), ones(55, 55)), ones(55, 55))"})
    time.sleep(delay)
    started = time.time()
    client.interrupt()
    answer = client.read_response()
    print("SIGINT after %.1f s: answered in %.0f ms: %s" % (delay, (time.time() - started) * 1000,
                                                            answer["parts"][-1].get("message")))
alive = client.request({"type": "execute", "code": "big[0, 0] + 1"})
print("big is still there:", alive["ok"])
client.close()

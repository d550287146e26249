"""``pausesim serve``: starts on 127.0.0.1 unless told, answers, stops."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx


def test_serve_binds_to_localhost_and_answers():
    exe = Path(sys.executable).with_name("pausesim")
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", "0", "--processes", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, line
        url = f"http://127.0.0.1:{m.group(1)}"
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"{url}/api/scenarios", timeout=10)
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert r.status_code == 200 and any(s["name"] == "no-pause" for s in r.json())
        assert httpx.get(f"{url}/", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_refuses_a_port_it_cannot_use():
    exe = Path(sys.executable).with_name("pausesim")
    done = subprocess.run(
        [str(exe), "serve", "--host", "203.0.113.1", "--port", "0", "--processes", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--host 203.0.113.1" in done.stderr and "cannot listen" in done.stderr

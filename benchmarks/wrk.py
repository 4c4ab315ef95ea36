"""Throughput measured with wrk (Debian package `wrk`), a C load generator that leaves the gateway
most of the machine: on 2 cores a Python client takes about as much CPU per request as the gateway."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.cpu import process_cpu_seconds
from benchmarks.queries import person_body
from benchmarks.throughput import Throughput


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _script(headers: dict[str, str], bodies: list[bytes]) -> str:
    lines = ['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"']
    lines += [f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}" for name, value in headers.items()]
    lines.append("local bodies = {" + ",".join(json.dumps(body.decode()) for body in bodies) + "}")
    lines += ["local n = 0", "request = function()", "  n = n % #bodies + 1",
              "  return wrk.format(nil, nil, nil, bodies[n])", "end"]
    return "\n".join(lines) + "\n"


def measure_with_wrk(url: str, gateway_pid: int, headers: dict[str, str], id_numbers: list[str],
                     concurrency: int, seconds: float) -> Throughput:
    """Single-person lookups cycling through `id_numbers`, `concurrency` connections on one wrk thread."""
    with tempfile.TemporaryDirectory(prefix="huitong-wrk-") as directory:
        script = Path(directory) / "lookups.lua"
        script.write_text(_script(headers, [person_body(number) for number in id_numbers]), encoding="utf-8")
        gateway_cpu = process_cpu_seconds(gateway_pid)
        started = time.monotonic()
        process = subprocess.Popen(["wrk", "-t1", f"-c{concurrency}", f"-d{seconds:.0f}s", "-s", str(script),
                                    f"{url}/graphql"], stdout=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.monotonic() - started
        output = process.stdout.read() if process.stdout else ""
    if status != 0:
        raise RuntimeError(f"wrk failed ({status}): {output}")
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return Throughput(requests, errors, min(elapsed, seconds), concurrency,
                      process_cpu_seconds(gateway_pid) - gateway_cpu, usage.ru_utime + usage.ru_stime, "wrk")

#!/usr/bin/env python3
"""Pages under load: each route with 50 concurrent keep-alive clients (oha, a real HTTP load
generator) beside a static file of about the same size served by the same server under the
same load, and the server's memory.

usage: bench_load.py BASE_URL TOKEN SERVER_PID [CLIENTS] [SECONDS]
"""
import http.client
import json
import re
import subprocess
import sys
from urllib.parse import urlparse

base, token, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
clients = int(sys.argv[4]) if len(sys.argv) > 4 else 50
seconds = int(sys.argv[5]) if len(sys.argv) > 5 else 10
url = urlparse(base)
auth = f"Authorization: Bearer {token}"

ROUTES = [
    ("overview /", "/"),
    ("environment /environments/prod", "/environments/prod"),
    ("history env=prod&outcome=succeeded", "/history?environment=prod&outcome=succeeded"),
    ("API /api/v1/deployments?environment=test", "/api/v1/deployments?environment=test"),
]


def memory(field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def body_size(path):
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}")
    return len(body)


def site_files():
    """The site files the pages name (stylesheet, scripts, wasm and its chunks), with the
    size each is served at without compression."""
    conn = http.client.HTTPConnection(url.hostname, url.port)
    paths = set()
    for page in ("/", "/environments/prod"):
        conn.request("GET", page, headers={"Authorization": f"Bearer {token}"})
        text = conn.getresponse().read().decode()
        paths.update(re.findall(r"(/pkg/[^\"')\s]+\.(?:css|js|wasm))", text))
    sizes = []
    for path in sorted(paths):
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        if response.status == 200:
            sizes.append((len(body), path))
    return sizes


def static_like(size, files):
    """The site file nearest in size to `size`."""
    best = min(files, key=lambda f: abs(f[0] - size))
    return best[1], best[0]


def load(path):
    out = subprocess.run(
        ["oha", "--no-tui", "--output-format", "json", "-c", str(clients), "-z", f"{seconds}s",
         "-H", auth, f"{base}{path}"],
        check=True, capture_output=True, text=True,
    ).stdout
    report = json.loads(out)
    codes = report.get("statusCodeDistribution", {})
    errors = {e: n for e, n in report.get("errorDistribution", {}).items() if "deadline" not in e}
    if set(codes) - {"200"} or errors:
        raise SystemExit(f"{path}: answers other than 200 under load: {codes} {errors}")
    pct = report["latencyPercentiles"]
    if pct["p99"] is None:
        # Not one answer within the run: say so rather than fail the table.
        return float("inf"), float("inf"), 0.0
    return pct["p50"] * 1000, pct["p99"] * 1000, report["summary"]["requestsPerSec"]


print(f"\n{clients} concurrent clients, {seconds} s per row (oha, keep-alive, loopback):")
header = f"{'route':42} {'bytes':>7} {'p50 ms':>7} {'p99 ms':>7} {'req/s':>7} | {'static':>7} {'p50':>6} {'p99':>6} {'req/s':>7} | {'p99 ×':>5}"
print(header)
rss_before = memory("VmRSS")
files = site_files()
for label, path in ROUTES:
    size = body_size(path)
    static, static_size = static_like(size, files)
    p50, p99, rps = load(path)
    s50, s99, srps = load(static)
    print(f"{label:42} {size:7d} {p50:7.2f} {p99:7.2f} {rps:7.0f} | {static_size:7d} {s50:6.2f} {s99:6.2f} {srps:7.0f} | {p99 / s99:5.1f}")
print(f"server memory: RSS {rss_before:.1f} MiB before the load, peak {memory('VmHWM'):.1f} MiB (goal <= 150), {memory('VmRSS'):.1f} MiB after")

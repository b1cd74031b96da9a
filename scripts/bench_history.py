#!/usr/bin/env python3
"""The history over a long table, one client, keep-alive: every filter's page (HTML, as people
see it) and API answer, a page deep in the history by its cursor, and the export's first bytes.

usage: greenlight history-plans | grep -v '^ ' | bench_history.py BASE_URL TOKEN ROWS [REQUESTS]
"""
import http.client
import statistics
import sys
import time
from urllib.parse import urlparse

base, token, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
requests = int(sys.argv[4]) if len(sys.argv) > 4 else 100
url = urlparse(base)
headers = {"Authorization": f"Bearer {token}"}
conn = http.client.HTTPConnection(url.hostname, url.port)

# The filters `greenlight history-plans` explains, one per line ("(no filter)" for none).
FILTERS = [f.strip() for f in sys.stdin.read().splitlines() if f.strip()]
FILTERS = ["" if f == "(no filter)" else f for f in FILTERS]


def percentiles(samples):
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def timed(path):
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}")
    return percentiles(samples)


def first_bytes(path):
    """Time to the first bytes of the body, on a fresh connection each time (an export is read
    to its end by a real client; here only its start matters)."""
    samples = []
    for _ in range(requests):
        fresh = http.client.HTTPConnection(url.hostname, url.port)
        start = time.perf_counter()
        fresh.request("GET", path, headers=headers)
        response = fresh.getresponse()
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}")
        response.read1(64)
        samples.append((time.perf_counter() - start) * 1000)
        fresh.close()
    return percentiles(samples)


# A cursor in the middle of the seeded span (two years back to now).
middle = int(time.time() * 1000) - 365 * 86_400_000
print(f"\nhistory with {rows:,} deployments, one client, {requests} requests a row:")
print(f"{'filter':48} {'page p50':>9} {'p99':>7} {'API p50':>8} {'p99':>7}")
for query in FILTERS:
    page = timed(f"/history?{query}")
    api = timed(f"/api/v1/deployments?{query}")
    print(f"{query or '(none)':48} {page[0]:9.2f} {page[1]:7.2f} {api[0]:8.2f} {api[1]:7.2f}")
deep = f"cursor={middle}.{2**53}"
page = timed(f"/history?environment=prod&{deep}")
api = timed(f"/api/v1/deployments?environment=prod&{deep}")
print(f"{'environment=prod, a page a year deep (cursor)':48} {page[0]:9.2f} {page[1]:7.2f} {api[0]:8.2f} {api[1]:7.2f}")
for fmt in ("csv", "json"):
    p50, p99 = first_bytes(f"/api/v1/deployments/export?environment=prod&format={fmt}")
    print(f"{'export env=prod ' + fmt + ', first bytes':48} {'':9} {'':7} {p50:8.2f} {p99:7.2f}")

#!/usr/bin/env python3
"""Times pages of a running Greenlight over loopback with keep-alive, beside a static file
from the same server, and reports the compressed first-load weight.

usage: bench.py BASE_URL TOKEN [REQUESTS]
"""
import gzip
import http.client
import re
import statistics
import sys
import time
from urllib.parse import urlparse

base, token = sys.argv[1], sys.argv[2]
requests = int(sys.argv[3]) if len(sys.argv) > 3 else 200
url = urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port)


def get(path, encoding="identity"):
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}", "Accept-Encoding": encoding})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}")
    return body, response


def timed(path):
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        body, _ = get(path)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p50 = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return p50, p99, len(body)


overview_html, _ = get("/")
links = re.findall(r'(?:href|import\()="?\'?(/pkg/[^"\')]+)', overview_html.decode())
css = next((l for l in links if l.endswith(".css")), None)

first_page, _ = get("/history?environment=prod")
cursor = re.findall(r'rel="next" href="([^"]+)"', first_page.decode())
deep = cursor[0].replace("&amp;", "&") if cursor else "/history?environment=prod"

rows = [
    ("overview /", "/"),
    ("environment page /environments/prod", "/environments/prod"),
    ("history, filtered (env=prod, outcome=succeeded)", "/history?environment=prod&outcome=succeeded"),
    ("history, next page by cursor", deep),
    ("history, filtered by user and dates", "/history?user=dana&from=2025-01-01&to=2025-12-31"),
    ("API /api/v1/deployments?environment=test", "/api/v1/deployments?environment=test"),
]
if css:
    rows.append((f"static file {css}", css))

print(f"{'what':52} {'p50 ms':>8} {'p99 ms':>8} {'bytes':>9}")
for label, path in rows:
    p50, p99, size = timed(path)
    print(f"{label:52} {p50:8.2f} {p99:8.2f} {size:9d}")

def first_load(page):
    """Every file the page makes the browser fetch before it is hydrated: the page itself, the
    stylesheet, the main module and wasm, and the wasm chunks of the page (the server lists
    them as preload links) with their loader; each compressed as served."""
    html, _ = get(page, "br, gzip")
    text, _ = get(page)
    text = text.decode()
    files = sorted(set(re.findall(r'(?:href|import\()="?\'?(/pkg/[^"\')]+)', text)))
    files += re.findall(r"module_or_path: '(/pkg/[^']+\.wasm)'", text)
    sizes = {"html": len(html)}
    for path in files:
        kind = "chunks" if "/pkg/chunk_" in path or "/pkg/split_" in path else path.rsplit(".", 1)[-1]
        body, _ = get(path, "br")
        sizes[kind] = sizes.get(kind, 0) + len(body)
    return sizes


pages = [
    ("overview", "/"),
    ("environment page", "/environments/prod"),
    ("history", "/history?environment=prod"),
    ("builds", "/builds"),
    ("deployment", "/deployments/1"),
    ("sign-in", "/login"),
]
kinds = ["html", "css", "js", "wasm", "chunks"]
print(f"\nfirst load, compressed as served (bytes):\n{'page':18}" + "".join(f"{k:>9}" for k in kinds) + f"{'total':>9} {'KiB':>7}")
for page_label, page in pages:
    sizes = first_load(page)
    total = sum(sizes.values())
    print(f"{page_label:18}" + "".join(f"{sizes.get(k, 0):9d}" for k in kinds) + f"{total:9d} {total / 1024:7.1f}")

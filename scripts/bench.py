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
js = next((l for l in links if l.endswith(".js")), None)
wasm_match = re.search(r"module_or_path: '(/pkg/[^']+\.wasm)'", overview_html.decode())
wasm = wasm_match.group(1) if wasm_match else None

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

for page_label, page in [("overview", "/"), ("environment page", "/environments/prod")]:
    total = 0
    print(f"\nfirst load of the {page_label}, compressed as served:")
    for label, path, encoding in [("html", page, "br, gzip"), ("css", css, "br"), ("js", js, "br"), ("wasm", wasm, "br")]:
        if not path:
            print(f"  {label:5} missing")
            continue
        body, response = get(path, encoding)
        total += len(body)
        print(f"  {label:5} {len(body):9d} bytes ({response.getheader('Content-Encoding') or 'identity'})")
    print(f"  total {total:9d} bytes ({total / 1024:.1f} KiB)")

#!/usr/bin/env python3
"""Live stream figures against a running Greenlight: the server's memory (RSS) before and with
N server-sent-events clients connected, and the time to fan one round of fleet events out to
all of them (from the first client's arrival to the last's, for the same look at the cloud).

usage: bench_live.py BASE_URL TOKEN SERVER_PID [CLIENTS]
"""
import asyncio
import sys
import time
from urllib.parse import urlparse

base, token, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
clients = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
url = urlparse(base)


def rss_mib():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def client(connected, arrivals, stop):
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(
        (f"GET /api/v1/events?environment=test HTTP/1.1\r\nHost: {url.netloc}\r\n"
         f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").encode()
    )
    await writer.drain()
    seen = 0
    announced = False
    while not stop.is_set():
        line = await reader.readline()
        if not line:
            break
        if line.startswith(b"data:") and b'"kind":"fleet"' in line:
            seen += 1
            if seen == 1 and not announced:
                announced = True
                connected.release()
            else:
                arrivals.append(time.perf_counter())
    writer.close()


async def main():
    idle = rss_mib()
    connected = asyncio.Semaphore(0)
    arrivals = []
    stop = asyncio.Event()
    started = time.perf_counter()
    tasks = [asyncio.create_task(client(connected, arrivals, stop)) for _ in range(clients)]
    for _ in range(clients):
        await connected.acquire()
    connect_s = time.perf_counter() - started
    with_clients = rss_mib()
    # Wait for one look at the cloud after everyone is connected, and its fan-out.
    arrivals.clear()
    deadline = time.perf_counter() + 30
    while len(arrivals) < clients and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    round_ = sorted(arrivals[:clients])
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"live stream with {clients} clients:")
    print(f"  RSS idle                {idle:8.1f} MiB")
    print(f"  RSS with the clients    {with_clients:8.1f} MiB (goal <= 150)")
    print(f"  all connected in        {connect_s * 1000:8.0f} ms")
    if len(round_) == clients:
        print(f"  one event to all        {(round_[-1] - round_[0]) * 1000:8.1f} ms (first to last arrival)")
    else:
        print(f"  one event reached {len(round_)} of {clients} clients within 30 s")


asyncio.run(main())

"""Load generator, run as its own process: logs in, then measures one path.

Prints one JSON line: latencies of sequential requests and throughput under concurrency.
"""

from __future__ import annotations

import http.client
import json
import re
import statistics
import sys
import threading
import time
from urllib.parse import urlencode


def login(host: str, port: int, email: str, password: str) -> str:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    conn.request("GET", "/login")
    response = conn.getresponse()
    body = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)
    form = urlencode({"email": email, "password": password, "csrf_token": token})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/login", form, headers)
    response = conn.getresponse()
    response.read()
    # Every cookie the login sets (the session and the known-device cookie), as one header.
    return "; ".join(value.split(";")[0] for value in response.msg.get_all("Set-Cookie"))


def timed_get(conn, path: str, cookie: str) -> float:
    start = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return time.perf_counter() - start


def main() -> None:
    host, port, path, email, password, sequential, seconds, threads = sys.argv[1:9]
    port, sequential, seconds, threads = int(port), int(sequential), float(seconds), int(threads)
    cookie = login(host, port, email, password)
    conn = http.client.HTTPConnection(host, port, timeout=300)
    latencies = sorted(timed_get(conn, path, cookie) for _ in range(sequential))
    done, stop = [], time.perf_counter() + seconds

    def worker():
        c = http.client.HTTPConnection(host, port, timeout=300)
        count = 0
        while time.perf_counter() < stop:
            timed_get(c, path, cookie)
            count += 1
        done.append(count)

    rps = None
    if seconds > 0:
        began = time.perf_counter()
        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        rps = sum(done) / (time.perf_counter() - began)
    p95_index = max(0, int(round(0.95 * len(latencies))) - 1)
    print(
        json.dumps(
            {
                "median_ms": statistics.median(latencies) * 1000,
                "p95_ms": latencies[p95_index] * 1000,
                "rps": rps,
            }
        )
    )


if __name__ == "__main__":
    main()

"""Drive a running `boardpaper serve` on loopback with a bounded load of the seed report.

Starts the server on a free 127.0.0.1 port, sends REQUESTS renders of the seed report
(format=pdf by default) from CONCURRENCY client threads, and prints p50/p95 latency,
throughput, the error count and each render worker's memory (RSS) before and after.
Each request carries distinct content (the title numbered), so the render cache cannot
help (``--same`` sends the seed unchanged every time). Then it sends one report 20 times
in a row and prints the latency of the repeats, answered from the render cache.

    .venv/bin/python benchmarks/service.py [--requests 200] [--concurrency 8]
        [--workers N] [--format pdf|docx|zip] [--recycle-after N] [--same]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "childrens-improvement-plan.yaml"


def distinct(seed: bytes, number: int) -> bytes:
    """The seed report under a numbered title: new content, same length of paper."""
    return seed.replace(b"\ntitle: ", f"\ntitle: {number} ".encode(), 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(port: int, path: str, body: bytes) -> tuple[int, float]:
    """POST one report; returns (status, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/yaml"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def worker_pids(server_pid: int) -> list[int]:
    """The server's render worker processes (its spawned multiprocessing children)."""
    pids = []
    for task in Path(f"/proc/{server_pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"spawn_main" in cmdline:
                pids.append(int(child))
    return sorted(pids)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(server_pid: int) -> float:
    """CPU time (user + system) of the server, its live workers and the workers it reaped."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(pid: int) -> list[int]:
        text = Path(f"/proc/{pid}/stat").read_text()
        return [int(field) for field in text.rsplit(")", 1)[1].split()[11:15]]

    utime, stime, cutime, cstime = fields(server_pid)
    total = utime + stime + cutime + cstime
    for pid in worker_pids(server_pid):
        try:
            total += sum(fields(pid)[:2])
        except OSError:  # recycled meanwhile: counted in cutime once reaped
            continue
    return total / tick


def wait_healthy(port: int, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("the server exited during start-up")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not start")


def wait_ready(port: int, workers: int) -> dict:
    """Wait until /healthz says every worker is warm; returns the health record."""
    deadline = time.monotonic() + 120
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/healthz")
        health = json.loads(connection.getresponse().read())
        if health["workers_ready"] >= workers or time.monotonic() > deadline:
            return health
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--format", default="pdf", choices=["pdf", "docx", "zip"])
    parser.add_argument("--recycle-after", type=int, default=50)
    parser.add_argument("--same", action="store_true", help="send the seed unchanged each time")
    args = parser.parse_args()

    port = free_port()
    boardpaper = Path(sys.executable).with_name("boardpaper")
    env = {key: value for key, value in os.environ.items() if key != "BOARDPAPER_TOKEN"}
    cache_folder = tempfile.TemporaryDirectory()
    env["BOARDPAPER_CACHE_DIR"] = cache_folder.name
    started = time.monotonic()
    process = subprocess.Popen(
        [
            str(boardpaper),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--recycle-after",
            str(args.recycle_after),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(port, process, time.monotonic() + 120)
        ready = time.monotonic() - started
        wait_ready(port, args.workers)
        pids = worker_pids(process.pid)
        before = {pid: rss_mib(pid) for pid in pids}

        seed = SEED.read_bytes()
        path = f"/api/v1/papers?format={args.format}"
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        remaining = iter(range(args.requests))

        def client() -> None:
            while True:
                with lock:
                    number = next(remaining, None)
                    if number is None:
                        return
                body = seed if args.same else distinct(seed, number)
                try:
                    status, seconds = post(port, path, body)
                except OSError:
                    status, seconds = 0, float("nan")
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 200:
                        latencies.append(seconds)

        cpu_before = cpu_seconds(process.pid)
        load_started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - load_started

        # Workers recycled near the end may still be starting: measure them once warm.
        health = wait_ready(port, args.workers)
        cpu_used = cpu_seconds(process.pid) - cpu_before
        after = {pid: rss_mib(pid) for pid in worker_pids(process.pid)}
        repeated = distinct(seed, args.requests + 1)
        repeats = [post(port, path, repeated) for _ in range(20)]
    finally:
        process.terminate()
        process.wait(timeout=30)
        cache_folder.cleanup()

    errors = sum(count for status, count in statuses.items() if status != 200)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [float("nan")] * 99
    print(f"server ready in {ready:.1f} s with {len(pids)} render workers ({os.cpu_count()} cores)")
    print(
        f"{args.requests} x POST {path} (seed report), {args.concurrency} concurrent, "
        f"{SEED.stat().st_size:,} bytes each"
    )
    print(f"latency p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms")
    print(f"throughput {len(latencies) / wall:.2f} papers/s over {wall:.1f} s")
    per_paper = cpu_used / max(1, len(latencies))
    print(
        f"CPU per paper (server and workers, recycling included) {per_paper:.3f} s: "
        f"at most {(os.cpu_count() or 1) / per_paper:.2f} papers/s on {os.cpu_count()} idle cores"
    )
    print(f"errors {errors} (statuses: {dict(sorted(statuses.items()))})")
    hits = [seconds for status, seconds in repeats[1:] if status == 200]
    print(
        f"one report sent 20 times: first {repeats[0][1] * 1000:.0f} ms, repeats from the cache "
        f"p50 {statistics.median(hits) * 1000:.1f} ms, max {max(hits) * 1000:.1f} ms "
        f"({19 - len(hits)} errors)"
    )
    print(f"load average now {os.getloadavg()[0]:.2f}")
    total_before, total_after = sum(before.values()), sum(after.values())
    print(
        f"worker RSS before: {', '.join(f'{v:.0f}' for v in before.values())} MiB "
        f"(total {total_before:.0f}); after (workers warm): "
        f"{', '.join(f'{v:.0f}' for v in after.values())} MiB "
        f"(total {total_after:.0f}, {(total_after - total_before) / total_before * 100:+.0f}%)"
    )
    print(
        f"workers recycled during the run (--recycle-after {args.recycle_after}): "
        f"{health['retired']}; replaced after a failure: {health['replaced']}"
    )


if __name__ == "__main__":
    main()

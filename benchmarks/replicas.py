"""The replica story on loopback: two `boardpaper serve` processes behind HAProxy, under load.

Starts two service processes (one render worker each, one shared render-cache folder)
and Debian's HAProxy in front of them, all on free 127.0.0.1 ports, then sends REQUESTS
renders of distinct content (the seed report under numbered titles) from CONCURRENCY
client threads through the load balancer. Prints latency, throughput, the status of
every answer (the proof wants zero errors), how many papers each replica rendered
(from its /metrics) and the machine load. Nothing leaves the loopback interface and
every process is stopped at the end.

    .venv/bin/python benchmarks/replicas.py [--requests 40] [--concurrency 4]

Needs `haproxy` (scripts/setup-system.sh --bench installs it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from service import SEED, distinct, free_port, post, wait_healthy

ROOT = Path(__file__).resolve().parents[1]

HAPROXY_CONFIG = """\
global
    maxconn 256
defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    retries 2
    option redispatch
frontend papers
    bind 127.0.0.1:{port}
    default_backend boardpaper
backend boardpaper
    balance leastconn
    option httpchk GET /healthz
{servers}
"""


def rendered_by(port: int) -> float:
    """Papers a replica rendered (not taken from the cache), from its /metrics."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/metrics")
    page = connection.getresponse().read().decode()
    return sum(
        float(line.split()[-1])
        for line in page.splitlines()
        if line.startswith("boardpaper_renders_total{") and 'outcome="rendered"' in line
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--format", default="pdf", choices=["pdf", "docx", "zip"])
    args = parser.parse_args()
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        sys.exit("haproxy is not installed: scripts/setup-system.sh --bench")

    boardpaper = Path(sys.executable).with_name("boardpaper")
    folder = tempfile.TemporaryDirectory()
    env = {key: value for key, value in os.environ.items() if key != "BOARDPAPER_TOKEN"}
    env["BOARDPAPER_CACHE_DIR"] = str(Path(folder.name) / "shared-cache")
    processes: list[subprocess.Popen[bytes]] = []
    ports = [free_port(), free_port()]
    balancer_port = free_port()
    try:
        for port in ports:
            processes.append(
                subprocess.Popen(
                    [str(boardpaper), "serve", "--port", str(port), "--workers", "1"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        servers = "\n".join(
            f"    server replica{number} 127.0.0.1:{port} check inter 1s"
            for number, port in enumerate(ports, start=1)
        )
        config = Path(folder.name) / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(port=balancer_port, servers=servers))
        for port, process in zip(ports, processes, strict=True):
            wait_healthy(port, process, time.monotonic() + 180)
        balancer = subprocess.Popen(
            [haproxy, "-f", str(config), "-db"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(balancer)
        wait_healthy(balancer_port, balancer, time.monotonic() + 30)
        time.sleep(2.5)  # both replicas pass HAProxy's health check

        seed = SEED.read_bytes()
        path = f"/api/v1/papers?format={args.format}"
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        numbers = iter(range(args.requests))

        def client() -> None:
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    return
                try:
                    status, seconds = post(balancer_port, path, distinct(seed, number))
                except OSError:
                    status, seconds = 0, float("nan")
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 200:
                        latencies.append(seconds)

        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        per_replica = [rendered_by(port) for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        folder.cleanup()

    errors = sum(count for status, count in statuses.items() if status != 200)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [float("nan")] * 99
    print(
        f"2 replicas (1 render worker each) behind HAProxy on 127.0.0.1, {os.cpu_count()} cores, "
        f"load {load_before:.2f} before"
    )
    print(
        f"{args.requests} x POST {path} with distinct content, {args.concurrency} concurrent: "
        f"p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms, "
        f"{len(latencies) / wall:.2f} papers/s over {wall:.1f} s"
    )
    print(f"errors {errors} (statuses: {dict(sorted(statuses.items()))})")
    print(f"papers rendered by each replica: {', '.join(f'{n:.0f}' for n in per_replica)}")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()

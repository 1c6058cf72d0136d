"""Benchmark: issue 19's limits, before and after: paragraphs, links, validation, slow clients.

    .venv/bin/python benchmarks/hardening.py [--src DIR] [--quick]

``--src`` runs another checkout's code (its ``src`` folder, e.g. main's) with this
script, so the same machine measures "before" and "after" side by side. Prints:

- item 3: seconds and peak memory to validate and render N one-line paragraphs
  (to PDF), and N hyperlinks (to Word); a refused report says so;
- item 4: server-process CPU seconds and /healthz latency while 4 large
  validations run, and the size of the answer to 1 MB of unknown keys;
- item 5: server file descriptors and /healthz latency with 300 clients that
  send half a header and stop, and the server log's growth.

Everything runs on 127.0.0.1 and every loop is bounded; a run takes a few minutes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_in_child(src: Path, code: str, timeout: float) -> str:
    """Run ``code`` with ``src`` first on the path; returns its stdout (or 'timed out')."""
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{ROOT}"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return f"still running after {timeout:.0f} s (stopped)"
    return (done.stdout.strip() or done.stderr.strip().splitlines()[-1])[-300:]


RENDER = """
import resource, time
from pathlib import Path
from boardpaper.errors import ContentError
from boardpaper.pipeline import parse_report, render
from boardpaper.template.library import TemplateLibrary
from tests.untrusted import MINIMAL
library = TemplateLibrary([Path("templates")])
kind, count, fmt = {kind!r}, {count}, {fmt!r}
if kind == "paragraphs":
    body = "".join(f"      - Item {{i}}.\\n" for i in range(count))
else:
    def links(first):
        last = min(first + 400, count)
        return " ".join(f"[l{{i}}](https://e.org/p{{i}})" for i in range(first, last))
    body = "".join('      - "' + links(k) + '"\\n' for k in range(0, count, 400))
text = MINIMAL.replace("      - An introduction.\\n", body)
started = time.perf_counter()
try:
    render(parse_report(text, "b.yaml", library), (fmt,))
    outcome = "rendered"
except ContentError as error:
    outcome = "refused: " + error.problems[0].message[:70]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{time.perf_counter() - started:7.1f}} s  {{peak:6.0f}} MB  {{outcome}}")
"""


def item3(src: Path, quick: bool) -> None:
    print("item 3: paragraphs (PDF) and links (Word)")
    paragraphs = (1_000, 2_000) if quick else (1_000, 2_000, 10_000, 40_000)
    for count in paragraphs:
        code = RENDER.format(kind="paragraphs", count=count, fmt="pdf")
        print(f"  {count:>6,} paragraphs to PDF   {run_in_child(src, code, 300)}")
    links = (2_000, 4_000) if quick else (2_000, 4_000, 8_000)
    for count in links:
        code = RENDER.format(kind="links", count=count, fmt="docx")
        print(f"  {count:>6,} links to Word       {run_in_child(src, code, 300)}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Service:
    """``boardpaper serve`` from ``src`` on a free loopback port, with its log in a file."""

    def __init__(self, src: Path) -> None:
        self.port = free_port()
        # Kept open for the service's lifetime; close() closes (and so deletes) it.
        self.log = tempfile.NamedTemporaryFile(prefix="boardpaper-bench-", suffix=".log")  # noqa: SIM115
        env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{ROOT}"}
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "boardpaper", "serve", "--port", str(self.port)),
                *("--workers", "1", "--templates", str(ROOT / "templates")),
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the service did not start")

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def post(self, path: str, body: bytes, timeout: float = 300) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("POST", path, body, {"Content-Type": "application/yaml"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def descriptors(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def healthz_ms(self) -> str:
        started = time.perf_counter()
        try:
            status, _ = self.get("/healthz", timeout=10)
        except OSError as error:
            return f"failed ({type(error).__name__})"
        return f"{(time.perf_counter() - started) * 1000:.0f} ms (HTTP {status})"

    def log_bytes(self) -> int:
        return Path(self.log.name).stat().st_size

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def item4(service: Service) -> None:
    import threading

    print("item 4: /api/v1/validate")
    seed = (ROOT / "content" / "childrens-improvement-plan.yaml").read_bytes()
    filler = "".join(
        f"      - Paragraph {i} of a long report that goes on and on.\n" for i in range(16_000)
    )
    big = seed.decode().replace("      - ", filler + "      - ", 1).encode()[:950_000]
    before = service.cpu_seconds()
    started = time.perf_counter()
    answers: list[int] = []
    threads = [
        threading.Thread(target=lambda: answers.append(service.post("/api/v1/validate", big)[0]))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    latency = service.healthz_ms()
    for thread in threads:
        thread.join(timeout=600)
    print(
        f"  4 x {len(big) / 1000:.0f} KB at once: {time.perf_counter() - started:6.1f} s wall, "
        f"server process CPU {service.cpu_seconds() - before:6.1f} s, /healthz meanwhile "
        f"{latency}, answers {sorted(answers)}"
    )
    unknown = seed + "".join(f"unknown_key_{i}: x\n" for i in range(45_000)).encode()
    status, body = service.post("/api/v1/validate", unknown[:1_000_000])
    count = len(json.loads(body).get("problems", [])) if body.startswith(b"{") else "-"
    print(f"  1 MB of unknown keys: HTTP {status}, {len(body):,} bytes, {count} problems listed")


def item5(service: Service, clients: int) -> None:
    print(f"item 5: {clients} clients sending half a header, then nothing")
    log_before, fds_before = service.log_bytes(), service.descriptors()
    sockets = []
    for _ in range(clients):
        try:
            sock = socket.create_connection(("127.0.0.1", service.port), timeout=5)
            sock.sendall(b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\n")
            sockets.append(sock)
        except OSError:
            break
    time.sleep(1.0)
    print(
        f"  after 1 s:  {len(sockets)} connected, server descriptors {service.descriptors()} "
        f"(idle {fds_before}), /healthz {service.healthz_ms()}"
    )
    time.sleep(14.0)
    closed = 0
    for sock in sockets:
        sock.settimeout(0.01)
        try:
            closed += sock.recv(1) == b""
        except (TimeoutError, BlockingIOError):
            pass
        except OSError:
            closed += 1
    print(
        f"  after 15 s: {closed} of {len(sockets)} closed by the server, descriptors "
        f"{service.descriptors()}, /healthz {service.healthz_ms()}, log grew "
        f"{service.log_bytes() - log_before:,} bytes"
    )
    for sock in sockets:
        sock.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the code to measure")
    parser.add_argument("--quick", action="store_true", help="smaller sizes only")
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--service-only", action="store_true", help="items 4 and 5 only")
    args = parser.parse_args()
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    print(f"code: {args.src}; load average {os.getloadavg()[0]:.1f}; open-file limit {soft}")
    if not args.service_only:
        item3(args.src, args.quick)
    service = Service(args.src)
    try:
        item4(service)
        item5(service, args.clients)
    finally:
        service.close()


if __name__ == "__main__":
    main()

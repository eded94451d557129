"""`fetch` of 64 documents vs a sequential download of the same files, wall time.

A local server answers every request after 200 ms. The 64 documents are spread over 8
hosts (127.0.0.1 ... 127.0.0.8, all loopback), 8 per host, so the per-host limit of 2 and
the polite per-host delay both apply. The baseline is a plain sequential httpx loop in
the same run; the server records the most requests it saw at once per host."""

from __future__ import annotations

import dataclasses
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LATENCY = 0.2
HOSTS = 8
DOCS = 64
BODY = b"%PDF-1.4\n" + b"x" * 100_000 + b"\n%%EOF\n"


class Handler(BaseHTTPRequestHandler):
    active: dict[str, int] = {}
    peak: dict[str, int] = {}
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802
        host = self.server.server_address[0]
        with self.lock:
            self.active[host] = self.active.get(host, 0) + 1
            self.peak[host] = max(self.peak.get(host, 0), self.active[host])
        try:
            time.sleep(LATENCY)
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)
        finally:
            with self.lock:
                self.active[host] -= 1

    def log_message(self, *args) -> None:
        pass


def start_servers() -> list[tuple[ThreadingHTTPServer, str]]:
    servers = []
    for i in range(1, HOSTS + 1):
        srv = ThreadingHTTPServer((f"127.0.0.{i}", 0), Handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append((srv, f"http://127.0.0.{i}:{srv.server_address[1]}"))
    return servers


def sequential(urls: list[str], folder: Path) -> float:
    import httpx

    folder.mkdir(parents=True)
    start = time.perf_counter()
    with httpx.Client() as client:
        for i, url in enumerate(urls):
            (folder / f"{i}.pdf").write_bytes(client.get(url).content)
    return time.perf_counter() - start


def fetch_run(tmp: Path, name: str, urls: list[str], settings) -> float:
    from strategikompas import linksamling
    from strategikompas.fetch import fetch
    from strategikompas.workspace import init_workspace

    ws = init_workspace(tmp / name)
    rows = linksamling.load(ws.linksamling_path)[:DOCS]
    linksamling.save(ws.linksamling_path, [dataclasses.replace(r, url=u) for r, u in zip(rows, urls, strict=True)])
    Handler.peak.clear()
    start = time.perf_counter()
    report = fetch(ws, None, settings)
    wall = time.perf_counter() - start
    statuses = {o.status for o in report.outcomes}
    assert statuses == {"downloaded"}, statuses
    return wall


def main() -> None:
    from strategikompas.fetch import Settings

    servers = start_servers()
    urls = [f"{servers[i % HOSTS][1]}/doc-{i}.pdf" for i in range(DOCS)]
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        base = sequential(urls, tmp / "sequential")
        default = Settings()
        polite = fetch_run(tmp, "ws-default", urls, default)
        peak_default = max(Handler.peak.values())
        no_delay = fetch_run(tmp, "ws-nodelay", urls, dataclasses.replace(default, delay=0.0))
        peak_nodelay = max(Handler.peak.values())
        wide = fetch_run(tmp, "ws-wide", urls, dataclasses.replace(default, delay=0.0, concurrency=32))
        peak_wide = max(Handler.peak.values())
    for srv, _ in servers:
        srv.shutdown()
    print(f"{DOCS} documents, {HOSTS} hosts, {LATENCY * 1000:.0f} ms latency per response")
    print(f"sequential httpx loop                      {base:6.2f} s")
    print(f"fetch (defaults: concurrency {default.concurrency}, delay {default.delay} s) {polite:6.2f} s  speed-up {base / polite:4.1f}x  (peak per host {peak_default})")
    print(f"fetch --delay 0                            {no_delay:6.2f} s  speed-up {base / no_delay:4.1f}x  (peak per host {peak_nodelay})")
    print(f"fetch --delay 0 --concurrency 32           {wide:6.2f} s  speed-up {base / wide:4.1f}x  (peak per host {peak_wide}; the limit is 2)")


if __name__ == "__main__":
    main()

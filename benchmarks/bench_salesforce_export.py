"""Benchmark one Salesforce refresh over a million Leads: API calls, wall time, peak memory.

    python benchmarks/bench_salesforce_export.py            # 1,000,000 Leads
    python benchmarks/bench_salesforce_export.py --rows 200000

The fake org (tests/fakes/salesforce.py) runs in a child process behind a real HTTP server on
loopback, so every page crosses a socket; the source runs here, unmodified but for its address.
A refresh is what the cockpit runs: `fetch_workflows` and `fetch_quality` together. The first
refresh exports (Bulk API 2.0 job, paged CSV, DuckDB count); the second reuses the export. The
job's poll pauses (2 s each) are recorded, not waited: a real org's job takes its own time anyway.
Peak memory is this process's maximum resident set (the source, httpx, DuckDB), not the fake's.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))


def serve(rows: int, ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    import httpx

    from fakes.salesforce import LEAD_FIELDS, FakeObject, FakeSalesforce, synthetic_lead

    fake = FakeSalesforce(objects={"Lead": FakeObject(LEAD_FIELDS, rows, synthetic_lead)})

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = httpx.Request(
                self.command, f"http://{self.headers['Host']}{self.path}", headers=dict(self.headers), content=body
            )
            response = fake.handle(request)
            content = response.content
            self.send_response(response.status_code)
            for key, value in response.headers.items():
                if key.lower() not in ("content-length", "transfer-encoding", "content-encoding"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = _any

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ready.put(server.server_address[1])
    server.serve_forever()


async def refresh(source: object) -> tuple[int, float]:
    source.reset_calls()  # type: ignore[attr-defined]
    started = time.perf_counter()
    await asyncio.gather(source.fetch_workflows(), source.fetch_quality())  # type: ignore[attr-defined]
    return source.calls, time.perf_counter() - started  # type: ignore[attr-defined]


async def main(rows: int, port: int) -> None:
    from mopstui.adapters.salesforce import SalesforceOptions, SalesforceSource
    from mopstui.core.source import SourceContext

    from fakes.salesforce import CLIENT_ID, CLIENT_SECRET

    pauses: list[float] = []

    async def record_pause(seconds: float) -> None:
        pauses.append(seconds)

    with tempfile.TemporaryDirectory() as tmp:
        options = SalesforceOptions(
            instance_url=f"http://127.0.0.1:{port}",
            client_id=CLIENT_ID,
            objects=["Lead"],
            required_fields=["email", "country", "lead_source"],
        )
        context = SourceContext(state_dir=Path(tmp) / "state", secret=lambda field: CLIENT_SECRET)
        source = SalesforceSource("bench", options, context, sleep=record_pause, cache_dir=Path(tmp) / "cache")
        try:
            calls, seconds = await refresh(source)
            export = Path(tmp) / "cache" / "salesforce" / "bench" / "Lead.csv"
            size = export.stat().st_size
            print(f"rows: {rows:,}; export file {size / 1e6:.1f} MB")
            print(
                f"refresh 1 (export): {calls} API calls, {seconds:.2f} s wall (+{sum(pauses):g} s of poll pauses not waited)"
            )
            print(f"  health: {source.health}")
            calls, seconds = await refresh(source)
            print(f"refresh 2 (export reused): {calls} API calls, {seconds:.2f} s wall")
        finally:
            await source.aclose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / (1 << 20) if sys.platform == "darwin" else peak / 1024
    print(f"peak memory (this process, max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=serve, args=(args.rows, ready), daemon=True)
    server.start()
    try:
        asyncio.run(main(args.rows, ready.get(timeout=30)))
    finally:
        server.terminate()
        server.join()

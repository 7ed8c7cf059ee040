"""Bounded loopback load test of `kg serve`.

Starts `kg serve` on a free 127.0.0.1 port (or uses --url), runs N concurrent
keep-alive clients for a fixed time, stops by itself, stops the server it
started, and prints one JSON object: requests, errors, latency percentiles,
status counts. Not part of the test suite.

    python benchmarks/load_serve.py --graph out --clients 50 --duration 60

Each client cycles through a SPARQL SELECT (GET), the same as a form POST, a
CSV request, the unit search API, the explorer page, and a SPARQL update that
must be refused (403: counted as "refused", an error if it is anything else).
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
import urllib.parse
from collections import Counter
from pathlib import Path

SELECT = "SELECT ?unit ?label WHERE { ?unit gk:leads|gk:coOwns ?t ; rdfs:label ?label } LIMIT 200"
UPDATE = 'INSERT DATA { <http://example.org/a> <http://example.org/b> "c" }'


def requests_cycle():
    form = urllib.parse.urlencode({"query": SELECT})
    return [
        ("GET", "/sparql?" + urllib.parse.urlencode({"query": SELECT}), None, {}, 200),
        ("POST", "/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"}, 200),
        ("GET", "/sparql?" + urllib.parse.urlencode({"query": SELECT}), None, {"Accept": "text/csv"}, 200),
        ("GET", "/api/units?" + urllib.parse.urlencode({"q": "市"}), None, {}, 200),
        ("GET", "/", None, {}, 200),
        ("POST", "/sparql", urllib.parse.urlencode({"update": UPDATE}),
         {"Content-Type": "application/x-www-form-urlencoded"}, 403),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(graph: str, port: int) -> subprocess.Popen:
    # the server logs every request to stderr: send it to a file, never to an unread pipe
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--graph", graph, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=log, cwd=str(Path(__file__).resolve().parents[1]),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise SystemExit(f"kg serve exited: {log.read().decode(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("kg serve did not start within 60 s")


def client(host, port, stop_at, cycle, offset, results, lock):
    latencies, statuses, errors, refused = [], Counter(), 0, 0
    conn = None
    i = offset
    while time.monotonic() < stop_at:
        method, path, body, headers, expected = cycle[i % len(cycle)]
        i += 1
        started = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            status = resp.status
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            status = "exception"
            if conn is not None:
                conn.close()
            conn = None
        latencies.append(time.monotonic() - started)
        statuses[str(status)] += 1
        if status != expected:
            errors += 1
        elif expected == 403:
            refused += 1
    if conn is not None:
        conn.close()
    with lock:
        results["latencies"].extend(latencies)
        results["statuses"].update(statuses)
        results["errors"] += errors
        results["refused"] += refused


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[k]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", default="out", help="graph folder for the server this script starts")
    ap.add_argument("--url", help="use an already running server (http://127.0.0.1:PORT) instead")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds (bounded: at most 600)")
    args = ap.parse_args(argv)
    duration = max(1.0, min(args.duration, 600.0))

    proc = None
    if args.url:
        parts = urllib.parse.urlsplit(args.url)
        host, port = parts.hostname, parts.port or 80
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("this load test runs on loopback only")
    else:
        host, port = "127.0.0.1", free_port()
        proc = start_server(args.graph, port)
    try:
        results = {"latencies": [], "statuses": Counter(), "errors": 0, "refused": 0}
        lock = threading.Lock()
        cycle = requests_cycle()
        started = time.monotonic()
        stop_at = started + duration
        threads = [
            threading.Thread(target=client, args=(host, port, stop_at, cycle, n, results, lock), daemon=True)
            for n in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(duration + 60)
        elapsed = time.monotonic() - started
        server_alive = proc.poll() is None if proc else None
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    lat = sorted(results["latencies"])
    report = {
        "clients": args.clients,
        "duration_s": round(elapsed, 2),
        "requests": len(lat),
        "requests_per_s": round(len(lat) / elapsed, 1) if elapsed else None,
        "errors": results["errors"],
        "updates_refused": results["refused"],
        "statuses": dict(sorted(results["statuses"].items())),
        "latency_ms": {
            "p50": round(1000 * percentile(lat, 0.50), 2) if lat else None,
            "p95": round(1000 * percentile(lat, 0.95), 2) if lat else None,
            "p99": round(1000 * percentile(lat, 0.99), 2) if lat else None,
            "max": round(1000 * lat[-1], 2) if lat else None,
            "mean": round(1000 * statistics.fmean(lat), 2) if lat else None,
        },
        "server_alive_at_end": server_alive,
        "pid": os.getpid(),
    }
    print(json.dumps(report, indent=2))
    return 0 if results["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

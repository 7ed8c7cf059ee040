"""Benchmark govkg: build speed and memory against corpus size, query latency, rdflib for comparison.

    python benchmarks/run.py                       # 10, 100, 1000 documents and 200 plans
    python benchmarks/run.py --sizes 10 100 --plans 0 --output results.json

Prints one JSON object: the machine, then per corpus (perturbed copies of the seeds,
see make_corpus.py, so no cache helps): input MB, build seconds, MB/s, documents/s,
peak RSS (the whole process tree, sampled every 20 ms, and the largest single
process), triples, the time of an unchanged rebuild, and p50/p95 latencies of
`kg tasks --unit 市经信局`, `kg track` (every year), `kg coverage` and of the queries in
benchmarks/queries/ — warm (in one
process, store open), cold (a new `kg` process each time), through `kg serve`
(HTTP, warm), and on rdflib's in-memory store for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_corpus import make_corpus  # noqa: E402

QUERIES = {path.stem: path.read_text(encoding="utf-8") for path in sorted((HERE / "queries").glob("*.rq"))}
UNIT = "市经信局"
TOOL_REPEAT = 3  # runs of kg track and kg coverage, warm and cold (seconds each on 1,000 documents)


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    import pyoxigraph
    import rdflib

    return {"cpu": cpu or platform.processor(), "cores": os.cpu_count(), "memory_mb": memory,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}",
            "pyoxigraph": pyoxigraph.__version__ if hasattr(pyoxigraph, "__version__") else "",
            "rdflib": rdflib.__version__, "load_average_at_start": os.getloadavg()[0]}


# --- process-tree memory ---------------------------------------------------------------------------

def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parent = int(fields[1])
            with open(f"/proc/{entry}/statm") as handle:
                rss[int(entry)] = int(handle.read().split()[1]) * page
            children.setdefault(parent, []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def run_measured(command: list[str], env=None) -> dict:
    """Run a command; wall time, exit status and peak RSS of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return {"seconds": round(seconds, 3), "exit": process.returncode, "peak_rss_mb": round(peak / 2**20, 1),
            "stderr_lines": len(stderr.splitlines())}


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2),
            "runs": len(ordered)}


def timed(function, repeat: int) -> dict:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


# --- one corpus ------------------------------------------------------------------------------------

def bench_corpus(name: str, documents: int, plans_only: bool, work: Path, args) -> dict:
    """Build one corpus (then again unchanged, then with one document edited) and query it."""
    corpus = work / f"corpus-{name}"
    out = work / f"out-{name}"
    paths = make_corpus(corpus, documents, plans_only)
    size = sum(p.stat().st_size for p in paths)
    kg = [sys.executable, "-m", "kg.cli"]
    build_command = kg + ["build", str(corpus), "--out", str(out), "--quiet", "--jobs", str(args.jobs)]
    build_command += args.build_args.split()
    row: dict = {"corpus": name, "documents": len(paths), "mb": round(size / 1e6, 2)}
    build = run_measured(build_command)
    row["build"] = build
    row["mb_per_s"] = round(size / 1e6 / build["seconds"], 2)
    row["documents_per_s"] = round(len(paths) / build["seconds"], 1)
    if args.no_network_too:
        graph_only = run_measured([a for a in build_command if a != "--no-network"] + ["--no-cache", "--no-network"])
        row["build_without_network_outputs"] = graph_only
        row["mb_per_s_without_network_outputs"] = round(size / 1e6 / graph_only["seconds"], 2)
    row["rebuild_unchanged"] = run_measured(build_command)
    changed = paths[len(paths) // 2]  # one document edited (a sentence added): the incremental path
    changed.write_text(changed.read_text(encoding="utf-8") + "\n本文件已修订。\n", encoding="utf-8")
    row["rebuild_one_changed"] = run_measured(build_command)
    row["build_args"] = args.build_args
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    row["triples"] = report["triples"]
    row["conforms"] = report["conforms"]
    row["queries"] = bench_queries(out, args)
    return row


def bench_queries(out: Path, args) -> dict:
    import pyoxigraph as ox

    from kg.lookup import unit_tasks
    from kg.store import open_store

    results: dict = {}
    store = open_store(out)
    rows = unit_tasks(store, UNIT)
    results["kg tasks --unit 市经信局"] = {
        "rows": len(rows),
        "warm": timed(lambda: unit_tasks(store, UNIT), args.repeat),
        "cold": timed(lambda: subprocess.run([sys.executable, "-m", "kg.cli", "tasks", "--unit", UNIT, "--graph",
                                              str(out), "--json"], stdout=subprocess.DEVNULL, check=True),
                      args.cold_repeat),
    }
    from kg.coverage import coverage
    from kg.track import track

    # the other commands' questions: which promises were missed, which tasks no report states
    for label, function, command in (
            ("kg track", lambda: track(store), ["track"]),  # every year: the copies' years are shifted
            ("kg coverage", lambda: coverage(store), ["coverage"])):
        results[label] = {
            "rows": len(function()),
            "warm": timed(function, TOOL_REPEAT),
            "cold": timed(lambda: subprocess.run([sys.executable, "-m", "kg.cli", *command, "--graph", str(out),
                                                  "--json"], stdout=subprocess.DEVNULL, check=True),
                          TOOL_REPEAT),
        }
    for name, text in QUERIES.items():
        entry: dict = {}
        count = len(list(store.query(text, use_default_graph_as_union=True)))
        entry["rows"] = count
        entry["warm_oxigraph"] = timed(lambda: list(store.query(text, use_default_graph_as_union=True)), args.repeat)
        query_file = HERE / "queries" / f"{name}.rq"
        entry["cold_kg_query"] = timed(lambda: subprocess.run(
            [sys.executable, "-m", "kg.cli", "query", str(query_file), "--graph", str(out), "--format", "json"],
            stdout=subprocess.DEVNULL, check=True), args.cold_repeat)
        results[name] = entry
    del store
    serve = bench_serve(out, args)
    for name, value in serve.items():
        results.setdefault(name, {})["warm_kg_serve"] = value
    triples = sum(1 for _ in open(out / "graph.nt", encoding="utf-8"))
    if triples <= args.rdflib_max_triples:
        import logging

        import rdflib

        logging.getLogger("rdflib").setLevel(logging.ERROR)  # perturbed dates (2月30日) are not valid xsd:date
        started = time.perf_counter()
        graph = rdflib.Dataset(default_union=True)  # the same named graphs: the queries use GRAPH ?g
        graph.parse(out / "graph.nq", format="nquads")
        load = time.perf_counter() - started
        results["rdflib_load"] = {"seconds": round(load, 2), "triples_per_s": round(triples / load)}
        for name, text in QUERIES.items():
            results[name]["warm_rdflib_memory"] = timed(lambda: list(graph.query(text)), max(3, args.repeat // 4))
        del graph
    else:
        results["rdflib_load"] = {"skipped": f"more than {args.rdflib_max_triples} triples"}
    started = time.perf_counter()
    memory_store = ox.Store()
    memory_store.bulk_load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    results["oxigraph_bulk_load"] = {"seconds": round(time.perf_counter() - started, 2), "triples": triples}
    return results


def bench_serve(out: Path, args) -> dict:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--graph", str(out), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/sparql"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "?query=" + urllib.parse.quote("ASK {}"), timeout=5).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    return {"error": "kg serve did not start"}
                time.sleep(0.2)
        results = {}
        for name, text in QUERIES.items():
            def ask(text=text):
                request = urllib.request.Request(base, data=text.encode("utf-8"), method="POST", headers={
                    "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.read()
            ask()
            results[name] = timed(ask, args.repeat)
        return results
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 100, 1000],
                        help="corpora of this many documents (every seed kind in turn)")
    parser.add_argument("--plans", type=int, default=200, help="also a corpus of this many plans (0: none)")
    parser.add_argument("--jobs", type=int, default=0, help="kg build --jobs (0: one per core)")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each warm query")
    parser.add_argument("--cold-repeat", type=int, default=5, help="runs of each cold (new process) query")
    parser.add_argument("--rdflib-max-triples", type=int, default=2_500_000)
    parser.add_argument("--no-network-too", action="store_true",
                        help="also time a build without the network outputs (kg build --no-network)")
    parser.add_argument("--build-args", default="", help="more options for every kg build, e.g. \"--no-network\"")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    parser.add_argument("--output", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="govkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result = {"machine": machine(), "corpora": []}
    help_times = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg.cli", "--help"], stdout=subprocess.DEVNULL, check=True)
        help_times.append(time.perf_counter() - t)
    seeds_out = work / "out-seeds"
    seeds = [run_measured([sys.executable, "-m", "kg.cli", "build", str(HERE.parent / "seeds"), "--out",
                           str(seeds_out), "--quiet", "--no-cache"]) for _ in range(3)]
    rebuild = [run_measured([sys.executable, "-m", "kg.cli", "build", str(HERE.parent / "seeds"), "--out",
                             str(seeds_out), "--quiet"]) for _ in range(5)]
    result["kg_help_seconds_p50"] = round(statistics.median(help_times), 3)
    result["seeds_build_seconds_p50"] = round(statistics.median(s["seconds"] for s in seeds), 3)
    result["seeds_rebuild_unchanged_seconds_p50"] = round(statistics.median(s["seconds"] for s in rebuild), 3)
    plans = [("plans-%d" % args.plans, args.plans, True)] if args.plans else []
    for name, documents, plans_only in [(f"docs-{n}", n, False) for n in args.sizes] + plans:
        print(f"benchmark: {name} …", file=sys.stderr, flush=True)
        result["corpora"].append(bench_corpus(name, documents, plans_only, work, args))
        if args.output:  # saved after every corpus: a long run that stops early keeps what it measured
            args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    by_docs = {row["documents"]: row["build"]["seconds"] for row in result["corpora"] if row["corpus"].startswith("docs")}
    result["scaling"] = {f"{b}/{a} documents: time ratio": round(by_docs[b] / by_docs[a], 2)
                         for a, b in zip(sorted(by_docs), sorted(by_docs)[1:])}
    result["seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The README's benchmark tables, rendered from the JSON that benchmarks/run.py wrote.

    python benchmarks/table.py                       # print them (from benchmarks/results.json)
    python benchmarks/table.py --readme README.md    # put them between the README's markers

tests/test_docs.py checks that the README holds exactly this rendering of the JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _get(row: dict, *path, default="–"):
    for key in path:
        if not isinstance(row, dict) or key not in row:
            return default
        row = row[key]
    return row


def render(result: dict) -> str:
    machine = result["machine"]
    lines = [
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_mb'] // 1024} GiB, "
        f"Python {machine['python']}, pyoxigraph {machine['pyoxigraph']}, rdflib {machine['rdflib']} "
        f"(load average {machine['load_average_at_start']:.2f} at the start).",
        "",
        f"`kg --help` {result['kg_help_seconds_p50']} s; building the seeds from nothing "
        f"{result['seeds_build_seconds_p50']} s, again unchanged {result['seeds_rebuild_unchanged_seconds_p50']} s "
        "(medians).",
        "",
        "| corpus | documents | MB | build s | MB/s | documents/s | peak RSS MB | triples | unchanged rebuild s "
        "| one document changed s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["corpora"]:
        lines.append(
            f"| {row['corpus']} | {row['documents']} | {row['mb']} | {row['build']['seconds']} | {row['mb_per_s']} "
            f"| {row['documents_per_s']} | {row['build']['peak_rss_mb']} | {row['triples']:,} "
            f"| {_get(row, 'rebuild_unchanged', 'seconds')} | {_get(row, 'rebuild_one_changed', 'seconds')} |")
    if result.get("scaling"):
        lines += ["", "Scaling: " + "; ".join(f"{k} {v}" for k, v in result["scaling"].items()) + "."]
    lines += ["", "| corpus | query | rows | warm p50 / p95 ms | `kg serve` p50 / p95 ms | cold p50 ms "
                  "| rdflib memory p50 ms |", "|---|---|---:|---:|---:|---:|---:|"]
    for row in result["corpora"]:
        for name, entry in row["queries"].items():
            if not isinstance(entry, dict) or "rows" not in entry:
                continue
            warm = entry.get("warm") or entry.get("warm_oxigraph") or {}
            serve = entry.get("warm_kg_serve") or {}
            cold = entry.get("cold") or entry.get("cold_kg_query") or {}
            rdflib = entry.get("warm_rdflib_memory") or {}
            lines.append(
                f"| {row['corpus']} | {name} | {entry['rows']:,} | {warm.get('p50_ms', '–')} / {warm.get('p95_ms', '–')} "
                f"| {serve.get('p50_ms', '–')} / {serve.get('p95_ms', '–')} | {cold.get('p50_ms', '–')} "
                f"| {rdflib.get('p50_ms', '–')} |")
    return "\n".join(lines) + "\n"


START, END = "<!-- benchmark:start -->\n", "<!-- benchmark:end -->"
RESULTS = Path(__file__).parent / "results.json"


def in_readme(readme_text: str, tables: str) -> str:
    """``readme_text`` with ``tables`` between the benchmark markers."""
    head, rest = readme_text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + START + tables + END + tail


def main() -> None:
    args = sys.argv[1:]
    readme = None
    if args[:1] == ["--readme"]:
        readme, args = Path(args[1]), args[2:]
    tables = render(json.loads(Path(args[0] if args else RESULTS).read_text(encoding="utf-8")))
    if readme is None:
        print(tables, end="")
    else:
        readme.write_text(in_readme(readme.read_text(encoding="utf-8"), tables), encoding="utf-8")


if __name__ == "__main__":
    main()

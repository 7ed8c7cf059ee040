"""What the terminal shows: progress bars, summary tables, task lists (rich)."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text  # what documents and queries hold is shown as text, never read as rich markup

# piped output (files, CliRunner, README examples) is not cut to 80 columns
PIPED_WIDTH = 220


class _Stdout:
    """A rich Console on whatever sys.stdout is at print time, wide when not a terminal."""

    def print(self, *args, **kwargs):
        width = None if sys.stdout.isatty() else PIPED_WIDTH
        Console(highlight=False, width=width).print(*args, **kwargs)


stdout = _Stdout()
stderr = Console(stderr=True, highlight=False)


@contextmanager
def working(message: str):
    """A spinner on stderr while a command reads the graph (seconds on thousands of documents);
    only on a terminal, so pipes, logs and --json output stay as they are."""
    if not stderr.is_terminal:
        yield
        return
    with stderr.status(message, spinner="dots"):
        yield


class BuildProgress:
    """A progress bar over the documents of a build; failures go to stderr as ``path: reason``."""

    def __init__(self, enabled: bool = True, debug: bool = False):
        self.enabled = enabled and stderr.is_terminal
        self.debug = debug
        self.progress = None
        self.task = None

    def __enter__(self):
        if self.enabled:
            self.progress = Progress(TextColumn("[bold]building"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.description}"), TimeElapsedColumn(),
                                     console=stderr, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("", total=None)
        return self

    def update(self, stage: str, result) -> None:
        if not result.ok:
            click.echo(f"{result.path}: {result.error}", err=True)
            if self.debug and result.debug:
                click.echo(result.debug, err=True)
        if self.progress is not None:
            self.progress.update(self.task, advance=1, description=result.path.rsplit("/", 1)[-1][:40])

    def set_total(self, total: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, total=total)

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()
        return False


TABLE_DOCUMENTS = 30  # above this, the build table sums the documents by kind


def print_build_summary(result, quiet: bool = False) -> None:
    for path, original in result.copies:
        click.echo(f"{path}: skipped as a copy of {original} (the same text once decoded)", err=True)
    for document in result.documents:
        for problem in document.problems:
            click.echo(f"{document.path}: {problem}", err=True)
        for note in document.notes:
            click.echo(f"{document.path}: note: {note}", err=True)
    if not result.built:
        if len(result.failed) == len(result.documents):
            click.echo(f"kg: no input could be built; {result.out_dir} is left as it was", err=True)
        else:
            click.echo(f"kg: --strict: {len(result.failed)} input(s) failed; nothing was built", err=True)
        return
    if not result.conforms:
        click.echo(f"kg: the graph does not conform to the SHACL shapes ({result.violations} violations); "
                   f"see {result.out_dir / 'validation.txt'}", err=True)
    if quiet:
        return
    table = Table(title=f"govkg build → {result.out_dir}", title_justify="left")
    numbers = ("tasks", "roles", "targets", "passages", "commitments", "results", "projects")
    for column in ("document", "kind") + numbers + ("notes",):
        table.add_column(column, justify="right" if column in numbers else "left")
    many = len(result.documents) > TABLE_DOCUMENTS
    for document in result.documents:
        notes = document.error if not document.ok else (f"{len(document.problems)} problem(s)" if document.problems else "")
        if many and not notes:
            continue  # a large build lists only the documents that need a look, then one row per kind
        table.add_row(Text(document.path.rsplit("/", 1)[-1]), document.kind or "—",
                      *(str(document.counts.get(k, "")) for k in numbers), Text(notes))
    if many:
        totals: dict[str, dict] = {}
        for document in result.documents:
            if document.ok:
                entry = totals.setdefault(document.kind, {"documents": 0})
                entry["documents"] += 1
                for key in numbers:
                    if key in document.counts:
                        entry[key] = entry.get(key, 0) + document.counts[key]
        for kind in sorted(totals):
            entry = totals[kind]
            table.add_row(f"all {entry['documents']} {kind} documents", kind,
                          *(str(entry.get(k, "")) for k in numbers), "total")
    stdout.print(table)
    reused = f", {result.reused} unchanged" if result.reused else ""
    reused += f", {len(result.copies)} cop{'y' if len(result.copies) == 1 else 'ies'} skipped" if result.copies else ""
    stdout.print(f"{len(result.documents) - len(result.failed)} of {len(result.documents)} documents built{reused}; "
                 f"{result.triples} triples; SHACL: {'conforms' if result.conforms else 'does NOT conform'}; "
                 f"{result.seconds:.1f} s")


def print_tasks(rows: list[dict], unit: str, with_name: str | None, as_json: bool, due_by: str | None = None) -> None:
    if as_json:
        print_json(rows)
        return
    from .lookup import jurisdictions_of

    places = jurisdictions_of(rows)
    where = f" in {places[0]}" if len(places) == 1 else (f" in {len(places)} jurisdictions" if places else "")
    title = f"{unit}{where}: {len(rows)} task{'' if len(rows) == 1 else 's'}" \
        + (f" shared with {with_name}" if with_name else "") + (f" due by {due_by}" if due_by else "")
    leads = sum(1 for r in rows if r["role"].startswith("lead"))
    table = Table(title=f"{title} ({leads} as lead, {len(rows) - leads} as co-owner)", title_justify="left",
                  show_lines=False)
    table.add_column("code", no_wrap=True)
    table.add_column("role", no_wrap=True)
    table.add_column("task", overflow="fold", ratio=3)
    table.add_column("targets", overflow="fold", ratio=2)
    table.add_column("with (* = lead)", overflow="fold", ratio=2)
    with_deadlines = any(row.get("deadline_text") for row in rows)
    if with_deadlines:
        table.add_column("due", no_wrap=True)
    for row in rows:
        targets = "; ".join(_target_text(t) for t in row["targets"])
        others = [u for u in row["units"] if u["name"] != row["unit"]]
        with_text = "、".join(u["name"] + ("*" if u["role"] == "lead" else "") for u in others[:6])
        if len(others) > 6:
            with_text += f" +{len(others) - 6}"
        role = row["role"] + (f" ({row['via']})" if row.get("via") else "")
        cells = [Text(row["code"]), Text(role), Text(row["text"]), Text(targets), Text(with_text)]
        if with_deadlines:
            cells.append(Text(row.get("deadline") or row.get("deadline_text") or ""))
        table.add_row(*cells)
    stdout.print(table)
    if len(places) > 1:
        shown = "、".join(places[:5]) + (" …" if len(places) > 5 else "")
        stderr.print(f"{unit} names a unit in each of {len(places)} jurisdictions ({shown}); "
                     f"narrow with --in {places[0]} (and --year)", soft_wrap=True)


TASK_COLUMNS = ("code", "role", "via", "unit", "jurisdiction", "text", "targets", "leads", "co_owners", "deadline",
                "deadline_text", "document", "line")


def tasks_table_text(rows: list[dict], fmt: str) -> str:
    """The rows of ``kg tasks`` as CSV or TSV, one line a task: its targets as written (; between them),
    the units that lead it and those that co-own it (、 between them)."""
    lines = []
    for row in rows:
        units = row.get("units", [])
        values = {**row, "via": row.get("via", ""), "targets": "; ".join(_target_text(t) for t in row["targets"]),
                  "leads": "、".join(u["name"] for u in units if u["role"] == "lead"),
                  "co_owners": "、".join(u["name"] for u in units if u["role"] != "lead")}
        lines.append([values.get(column, "") for column in TASK_COLUMNS])
    return delimited_text(list(TASK_COLUMNS), lines, fmt)


def _target_text(target: dict) -> str:
    """``固定资产投资增长 5%左右``, ``技术合同成交额 突破2700亿元``."""
    return f"{target['metric']} {written_target(str(target['value']) + target['unit'], target['comparator'])}".strip()


def written_target(value: str, comparator: str) -> str:
    """A target as written: the comparator's words that come before a number before it
    (kg/data/comparators.tsv), the others after it.

    >>> written_target("2400亿元", "突破"), written_target("5%", "左右"), written_target("3%", "控制在+以内")
    ('突破2400亿元', '5%左右', '控制在3%以内')
    """
    from .datafiles import read_tsv

    before = {row["word"] for row in read_tsv("comparators.tsv") if row["position"] == "before"}
    words = [word for word in (comparator or "").split("+") if word]
    return "".join(w for w in words if w in before) + value + "".join(w for w in words if w not in before)


# A CSV or TSV file govkg writes (units.csv, -o FILE) starts with the UTF-8 byte-order mark: without it
# Excel reads the file in the system's code page (GBK on Chinese Windows) and shows mojibake, and the
# readers of such files skip it (Python's utf-8-sig, pandas, LibreOffice, csvkit). Standard output never
# gets one: it is a stream that pipes and scripts read, where a BOM is a stray character in the first
# field, and whether it ends in a file or a pipe is the shell's business, not ours to guess.
SPREADSHEET_FORMATS = ("csv", "tsv")
FORMAT_OF_SUFFIX = {".csv": "csv", ".tsv": "tsv", ".json": "json"}


def delimited_text(header: list[str], rows: list[list], fmt: str) -> str:
    """``header`` and ``rows`` as CSV (``fmt`` "csv") or TSV, one line a row, no byte-order mark.

    >>> print(delimited_text(["unit", "tasks"], [["市发改委", 39], ["市经信局,市商务局", None]], "csv"), end="")
    unit,tasks
    市发改委,39
    "市经信局,市商务局",
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue()


def write_output(text: str, output: Path, fmt: str) -> None:
    """Write ``text`` to the file ``output``, a CSV or TSV with the byte-order mark Excel needs (see
    :data:`SPREADSHEET_FORMATS`); through a temporary name, so a reader never sees half a file."""
    output = Path(output)
    if output.is_dir():
        from .errors import UsageError

        raise UsageError(f"{output}: is a folder; give a file name")
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_bytes(text.encode("utf-8-sig" if fmt in SPREADSHEET_FORMATS else "utf-8"))
    os.replace(tmp, output)


def emit(text: str, fmt: str, output: Path | None = None) -> None:
    """``text`` to the file ``output``, or to standard output (plain UTF-8, never a byte-order mark)."""
    if output is not None:
        write_output(text, output, fmt)
    else:
        click.echo(text, nl=False)


def print_query_result(result, fmt: str, output: Path | None = None) -> None:
    kind, payload = result
    if kind == "boolean":
        emit("true\n" if payload else "false\n", "text", output)
        return
    if kind == "graph":
        if output is not None:
            write_output(payload.decode("utf-8"), output, "ttl")
        else:
            sys.stdout.buffer.write(payload)
        return
    variables, rows = payload
    if fmt == "json":
        emit(json.dumps([dict(zip(variables, row)) for row in rows], ensure_ascii=False, indent=2) + "\n", fmt, output)
    elif fmt in SPREADSHEET_FORMATS:
        emit(delimited_text(variables, rows, fmt), fmt, output)
    else:
        table = Table(*variables, title=f"{len(rows)} rows", title_justify="left")
        for row in rows:
            table.add_row(*(Text("" if v is None else str(v)) for v in row))
        stdout.print(table)


def print_validation(report) -> None:
    if report.conforms:
        stdout.print(f"conforms: the graph satisfies every SHACL shape of the govkg ontology ({report.triples} triples)")
    else:
        click.echo(report.text, err=True)
        click.echo(f"does not conform: {report.violations} violation(s)", err=True)


def print_scores(scores: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(scores, ensure_ascii=False, indent=2, sort_keys=True))
        return
    table = Table(title=f"scores against {scores['gold']} ({scores['items']} annotated items)", title_justify="left")
    for column in ("field", "gold", "found", "correct", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name in ("roles", "leads", "co_owners", "targets", "overall"):
        s = scores[name]
        table.add_row(name, str(s["gold"]), str(s["found"]), str(s["correct"]),
                      f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}")
    stdout.print(table)
    for miss in scores.get("errors", [])[:20]:
        click.echo(f"  {miss}")


def print_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def print_track(rows: list[dict], as_json: bool = False, held: list[tuple] = ()) -> None:
    """The rows as a table (with a count per status) or as a JSON array; with no rows, the years and
    jurisdictions the graph holds rows for (``held``), when a year or jurisdiction was asked."""
    if as_json:
        print_json(rows)
        return
    if not rows:
        stdout.print("no indicator has both a target and a result in the graph (for the year and jurisdiction asked)")
        if held:
            stdout.print("the graph has them for: " + ", ".join(f"{year} {place}" for year, place in held))
        return
    table = Table(title="promises against results")
    carried = any(row.get("owners") for row in rows)  # a plan of the year in the graph, linked to the report
    columns = ("year", "jurisdiction", "indicator", "target", "actual", "status", "target from", "actual from")
    for column in columns + (("lead units (plan task)",) if carried else ()):
        table.add_column(column)
    colours = {"met": "green", "missed": "red", "unclear": "yellow"}
    for row in rows:
        target, actual = row["evidence"]
        cells = [str(row["year"]), Text(row["jurisdiction"] or "-"), Text(row["indicator"]),
                 Text(written_target(f"{row['target_value']}{row['target_unit']}", row["comparator"])),
                 Text(f"{row['actual_value']}{row['actual_unit']}"),
                 f"[{colours[row['status']]}]{row['status']}[/]",
                 f"{target['document']}:{target['line']}", f"{actual['document']}:{actual['line']}"]
        if carried:
            cells.append(_owners_cell(row))
        table.add_row(*cells)
    stdout.print(table)
    counts = {status: sum(r["status"] == status for r in rows) for status in ("met", "missed", "unclear")}
    stdout.print(", ".join(f"{n} {s}" for s, n in counts.items()))



def _owners_cell(row: dict) -> Text:
    """The plan tasks that carry a promise, with their lead units (kg.track's ``owners``)."""
    return Text("; ".join(f"{'、'.join(task['leads'])} ({task['code']}"
                          f"{', by indicator' if task['matched'] == 'indicator' else ''})"
                          for task in row["owners"]) or "-")


def print_unanswered(rows: list[dict], as_json: bool = False) -> None:
    """The promises no result answers (:func:`kg.track.unanswered`), as a table or a JSON array."""
    if as_json:
        print_json(rows)
        return
    if not rows:
        stdout.print("every promise of a reviewed year and jurisdiction has a result of its indicator in the graph")
        return
    table = Table(title="promises no result answers")
    for column in ("year", "jurisdiction", "indicator", "target", "target from", "lead units (plan task)"):
        table.add_column(column)
    for row in rows:
        [target] = row["evidence"]
        table.add_row(str(row["year"]), Text(row["jurisdiction"] or "-"), Text(row["indicator"]),
                      Text(written_target(f"{row['target_value']}{row['target_unit']}", row["comparator"])),
                      f"{target['document']}:{target['line']}", _owners_cell(row))
    stdout.print(table)
    stdout.print(f"{len(rows)} promise(s) with no result of their indicator in the review of their year "
                 "(a result worded otherwise is not matched: read the review before calling one missed)")


def print_coverage(entries: list[dict], as_json: bool = False) -> None:
    """Per plan: how many tasks the report states, where the report ends, the gaps both ways."""
    if as_json:
        print_json(entries)
        return
    if not entries:
        stdout.print("no responsibility plan in the graph")
        return
    for entry in entries:
        if not entry["report"]:  # nothing to check the plan against: no gaps to list
            stdout.print(f"[bold]{entry['plan']}[/] ({entry['year']}): no report of its year and jurisdiction "
                         f"in the graph, so its {entry['tasks']} tasks are not checked (build the report with it)")
            continue
        stdout.print(f"[bold]{entry['plan']}[/] ({entry['year']}) against {entry['report']}")
        stdout.print(f"  {entry['linked']} of {entry['tasks']} tasks are stated in the report")
        end = entry["report_end"]
        if end and not end["complete"]:
            first = entry["after_report_end"][0]["code"] if entry["after_report_end"] else "-"
            stdout.print(f"  the report text stops at line {end['line']} (\"…{end['text'][-20:]}\"): "
                         f"{len(entry['after_report_end'])} tasks from {first} on come after it and are not checked")
        if entry["unlinked"]:
            table = Table(title="plan tasks with no report passage")
            for column in ("code", "line", "text"):
                table.add_column(column)
            for task in entry["unlinked"]:
                table.add_row(Text(task["code"]), str(task["line"] or ""), Text(task["text"][:60]))
            stdout.print(table)
        if entry["uncarried_commitments"]:
            table = Table(title="report commitments no plan task carries")
            for column in ("line", "indicator", "text"):
                table.add_column(column)
            for row in entry["uncarried_commitments"]:
                table.add_row(str(row["line"] or ""), Text(row["indicator"]), Text(row["text"][:60]))
            stdout.print(table)

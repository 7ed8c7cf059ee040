"""The ``kg`` command line: parses options and calls the library, nothing more."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_INTERRUPTED, EXIT_USAGE, GovkgError

DEFAULT_OUT = "out"
DEFAULT_SEEDS = "seeds"

graph_option = click.option(
    "--graph",
    "graph_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder written by `kg build` (holds graph.ttl and the store).",
)


class GovkgGroup(click.Group):
    """Turns library errors into one clear line and their exit code (a traceback only with --debug)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GovkgError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"kg: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:  # Ctrl-C: a build writes nothing in place, so nothing is half done
            click.echo("kg: interrupted; nothing was changed", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except OSError as exc:
            # a file or folder the user named that cannot be read or written (-o /no/such/dir/x.ttl)
            if (ctx.obj and ctx.obj.get("debug")) or exc.filename is None:
                raise
            click.echo(f"kg: {exc.filename}: {exc.strerror or exc}", err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=GovkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govkg")
@click.option("--debug", is_flag=True, help="Show a traceback for errors instead of one line.")
@click.pass_context
def main(ctx, debug):
    """govkg: Chinese government work reports and responsibility plans as a knowledge graph.

    `kg build` reads documents (default: the seeds/ folder) and writes the graph
    to out/; the other commands read that graph.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


# --- build (issue 2) ---------------------------------------------------------------

KIND_CHOICES = click.Choice(["plan", "city_report", "district_report", "news"])


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder to write the graph into (replaced as a whole when the build succeeds; a folder "
                   "holding the inputs or files kg build did not write is refused).")
@click.option("--kind", type=KIND_CHOICES, default=None,
              help="Treat every input as this kind of document instead of recognising it by content.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Documents extracted in parallel (0: one per core).")
@click.option("--strict", is_flag=True, help="Build nothing at all if any input fails.")
@click.option("--no-cache", is_flag=True, help="Extract every document again, even if unchanged since the last build.")
@click.option("--timeout", type=click.FloatRange(min=0), default=120.0, show_default=True,
              help="Seconds one document may take before it is reported as failed (0: no limit).")
@click.option("--no-network", is_flag=True, help="Skip the collaboration network outputs (analysis, pages).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary table.")
@click.pass_context
def build(ctx, inputs, out_dir, kind, jobs, strict, no_cache, timeout, no_network, quiet):
    """Read documents and write the knowledge graph.

    INPUTS are files or folders of documents: .txt (or .md), Word .docx, Excel .xlsx,
    tables saved as .csv (cells apart by commas, semicolons or tabs), PDF (with text,
    not scanned), or web pages saved as .html (default: seeds/).  Writes to
    --out: graph.ttl, graph.jsonld, graph.nt, graph.nq (one named graph per
    document), the Oxigraph store the other commands query, validation.ttl (SHACL),
    build-report.json, and the collaboration network (analysis.json, units.csv,
    collaboration.html/.graphml/.gexf).

    A file that cannot be read is named on stderr as `path: reason` and the
    others are still built (exit status 1); --strict builds nothing then.  The
    same document given twice (the same text once decoded: saved as UTF-8 and
    as GBK, or copied under another name) is built once: the copy with the
    shortest file name is kept, and each other is named on stderr as `path:
    skipped as a copy of …` and listed under "copies" in build-report.json.  A
    damaged document keeps its complete items and each broken one is reported
    with its line (exit status 1).  Unchanged documents are taken from the
    previous build; the graph is checked against the SHACL shapes (exit status 1
    and validation.txt if it does not conform).  The output folder is replaced
    only when the build ends, under a lock.
    """
    from .build import BuildOptions, build as run_build
    from .console import BuildProgress, print_build_summary

    options = BuildOptions(inputs=list(inputs) or [Path(DEFAULT_SEEDS)], out_dir=out_dir, kind=kind,
                           jobs=jobs, strict=strict, incremental=not no_cache, network=not no_network,
                           timeout=timeout or None)
    with BuildProgress(enabled=not quiet, debug=ctx.obj["debug"]) as progress:
        result = run_build(options, progress=progress.update)
    print_build_summary(result, quiet=quiet)
    ctx.exit(result.exit_code)


# --- tasks / query / export / validate / eval (issue 2) --------------------------------

OUTPUT_HELP = ("File to write instead of standard output; a .csv, .tsv or .json name sets --format. A CSV or TSV "
               "file starts with the UTF-8 byte-order mark Excel needs to show Chinese text (read it in Python "
               "with encoding='utf-8-sig'); standard output never gets one, so pipes read plain UTF-8.")


def output_format(fmt: str | None, output: Path | None) -> str:
    """The format to write: the one asked for, else the output file's suffix (-o units.csv), else a table."""
    from .console import FORMAT_OF_SUFFIX

    return fmt or (FORMAT_OF_SUFFIX.get(output.suffix.lower(), "table") if output is not None else "table")


def refuse_table_file(output: Path) -> None:
    raise click.BadParameter(f"{output.name}: a table is for the terminal; give --format csv, tsv or json, or a "
                             f"file name ending .csv, .tsv or .json", param_hint="--output")

@main.command()
@click.option("--unit", "unit_name", required=True, help="Unit name as written, its full name or an alias (市经信局).")
@click.option("--with", "with_name", default=None, help="Only the tasks shared with this unit.")
@click.option("--include-collective", is_flag=True,
              help="Also the tasks the unit carries as a member of a collective (各区人民政府 …).")
@click.option("--in", "jurisdiction", default=None, metavar="JURISDICTION",
              help="Only the plans of this city or district (武汉市, or 武汉): in a graph of many, one name names a unit in each.")
@click.option("--year", type=int, default=None, help="Only the plans for this year (2025).")
@click.option("--due-by", "due_by", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Only the tasks due on or before this day (a deadline the plan gives, as its last day; "
                   "tasks with no dated deadline are left out).")
@graph_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (code, role, text, targets, units …); "
                                                     "the same as --format json.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default=None,
              help="table (default), json, or csv/tsv: one line a task, its targets, lead units and co-owners.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None, help=OUTPUT_HELP)
def tasks(unit_name, with_name, include_collective, jurisdiction, year, due_by, graph_dir, as_json, fmt, output):
    """List every task a unit owns, as lead or co-owner, with its targets.

    Only direct responsibility unless --include-collective.  Examples:
    `kg tasks --unit 市经信局 --with 市发改委 --in 武汉市 --year 2025`;
    `kg tasks --unit 市住建局 --due-by 2026-06-30` (what falls due by the end of June);
    `kg tasks --unit 市经信局 -o 市经信局.csv` (a file Excel opens as it is).
    """
    from .console import emit, print_tasks, tasks_table_text, working
    from .lookup import unit_notes, unit_tasks
    from .store import open_store

    unit_name, with_name = unit_name.strip(), with_name.strip() if with_name else with_name  # pasted with spaces
    if not unit_name:
        raise click.BadParameter("give a unit's name", param_hint="--unit")
    if as_json and fmt not in (None, "json"):
        raise click.BadParameter(f"--json and --format {fmt} ask for two formats; give one", param_hint="--json")
    fmt = output_format("json" if as_json else fmt, output)
    if fmt == "table" and output is not None:
        refuse_table_file(output)
    with working(f"finding the tasks of {unit_name} …"):
        store = open_store(graph_dir)
        rows = unit_tasks(store, unit_name, with_name=with_name, include_collective=include_collective,
                          jurisdiction=jurisdiction, year=year, due_by=due_by.date() if due_by else None)
        # none due: say how many tasks the unit has and how many give a dated deadline at all
        undated = unit_tasks(store, unit_name, with_name=with_name, include_collective=include_collective,
                             jurisdiction=jurisdiction, year=year) if due_by and not rows and fmt == "table" else None
        # what the rows leave out: a host that owns the tasks, collectives whose members no document lists
        notes = unit_notes(store, unit_name, rows, include_collective, jurisdiction, year) \
            if with_name is None and due_by is None else []
    if fmt in ("csv", "tsv"):
        emit(tasks_table_text(rows, fmt), fmt, output)
    elif fmt == "json" and output is not None:
        import json

        emit(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", fmt, output)
    else:
        print_tasks(rows, unit_name, with_name, fmt == "json", due_by=due_by.date().isoformat() if due_by else None)
    if undated is not None:
        dated = sum(1 for row in undated if row.get("deadline"))
        click.echo(f"none of its {len(undated)} tasks is due by then; {dated} of them give a dated deadline", err=True)
    for note in notes:
        click.echo(note, err=True)


@main.command()
@click.argument("query")
@graph_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default=None,
              help="How to print SELECT results: table (default), json, csv or tsv (CONSTRUCT/DESCRIBE print Turtle).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None, help=OUTPUT_HELP)
def query(query, graph_dir, fmt, output):
    """Run a SPARQL query on the graph.

    QUERY is a .rq file, - for standard input, the query itself
    (kg query 'SELECT ?t WHERE { ?t a gk:Task } LIMIT 5'), or the name of a query
    that comes with govkg: project_located (where the projects are),
    project_investments (what they cost), tasks_shared_by_two_units … (the files
    of kg/queries/).

    The prefixes gk:, id:, org:, skos:, prov:, dcterms:, rdfs:, rdf:, xsd: and owl:
    are predefined; the default graph is the union of all documents.
    """
    from .console import print_query_result
    from .store import open_store, query_text, run_query

    fmt = output_format(fmt, output)
    result = run_query(open_store(graph_dir), query_text(query))
    if fmt == "table" and output is not None and result[0] == "rows":  # CONSTRUCT and ASK write as they print
        refuse_table_file(output)
    print_query_result(result, fmt, output)


@main.command()
@click.argument("document", type=click.Path(path_type=Path))
def text(document):
    """Print the text of DOCUMENT that the graph's offsets index.

    For a .txt or .html file that is the file itself; for a .docx, .xlsx or PDF it is the text
    govkg took out of it (paragraphs, table rows as tab-separated cells, pages), so that
    `kg text plan.docx > plan.txt` gives a file where gk:startOffset/gk:endOffset point.
    """
    from .errors import InputError
    from .read import read_file

    try:
        click.echo(read_file(document).raw, nl=False)
    except InputError as exc:
        raise InputError(f"{document}: {exc}") from None


@main.command()
@graph_option
@click.option("--format", "fmt", type=click.Choice(["ttl", "jsonld", "nt", "nq"]), default="ttl",
              show_default=True, help="Turtle, JSON-LD, N-Triples, or N-Quads (one named graph per document).")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="File to write (default: standard output).")
def export(graph_dir, fmt, output):
    """Write the graph in an RDF format for other systems."""
    from .publish.export import export_graph

    export_graph(graph_dir, fmt, output)


@main.command()
@graph_option
@click.option("--report", "report_file", type=click.Path(path_type=Path), default=None,
              help="Also write the SHACL validation report (Turtle) to this file.")
@click.pass_context
def validate(ctx, graph_dir, report_file):
    """Check the graph against the SHACL shapes of the govkg ontology (exit 1 if it does not conform)."""
    from .console import print_validation
    from .validate import validate_folder

    report = validate_folder(graph_dir)
    if report_file:
        report_file.write_text(report.turtle, encoding="utf-8")
    print_validation(report)
    ctx.exit(0 if report.conforms else 1)


@main.command(name="eval")
@click.option("--gold", "gold_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Annotation TSV: code, field (lead | co_owner | target), value [, document]. See README.")
@graph_option
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_command(gold_file, graph_dir, as_json):
    """Score the graph against a hand annotation: precision, recall and F1 of roles and targets."""
    from .evaluate import evaluate
    from .console import print_scores
    from .store import open_store

    print_scores(evaluate(open_store(graph_dir), gold_file), as_json)

# --- track / coverage (issue 3) ---------------------------------------------------------

@main.command()
@graph_option
@click.option("--year", type=int, default=None, help="Only this year (default: every year with a target and a result).")
@click.option("--jurisdiction", default=None, metavar="NAME",
              help="Only this city or district: 武汉市 (or 武汉), or 武昌区 for 武汉市武昌区 (default: every one).")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON array: indicator, year, jurisdiction, target_value, target_unit, comparator, "
                   "actual_value, actual_unit, status, evidence, owners.")
@click.option("--unanswered", is_flag=True,
              help="List instead the year's promises for which no result of their indicator is found, though a "
                   "later document reports results for that year and jurisdiction (status: no result).")
def track(graph_dir, year, jurisdiction, as_json, unanswered):
    """Check a year's promises against the results a later document reports.

    One row per indicator with a target for the year in one document and a result
    in another of the same jurisdiction (a district's report is checked against the
    district's, never its city's); status is met, missed or unclear (rules in the README).
    With --unanswered, the promises the review of their year reports nothing for.
    Example: `kg track --year 2024`, `kg track --year 2024 --unanswered`.
    """
    from .console import print_track, print_unanswered, working
    from .store import open_store
    from .track import track as run_track
    from .track import unanswered as run_unanswered

    if unanswered:
        with working("reading promises and results …"):
            rows = run_unanswered(open_store(graph_dir), year, jurisdiction)
        print_unanswered(rows, as_json)
        return
    with working("reading promises and results …"):
        store = open_store(graph_dir)
        rows = run_track(store, year, jurisdiction)
        # nothing for what was asked: say what the graph does hold
        held = sorted({(row["year"], row["jurisdiction"]) for row in run_track(store)}) \
            if not rows and not as_json and (year or jurisdiction) else []
    print_track(rows, as_json, held)


@main.command()
@graph_option
@click.option("--json", "as_json", is_flag=True, help="Print the coverage of every plan as JSON.")
def coverage(graph_dir, as_json):
    """List plan tasks no report passage states, and report commitments no plan task carries.

    When the report's text stops early, says where and does not count the tasks
    after that point as gaps.
    """
    from .console import print_coverage, working
    from .coverage import coverage as run_coverage
    from .store import open_store

    with working("matching plan tasks with report sentences …"):
        entries = run_coverage(open_store(graph_dir))
    print_coverage(entries, as_json)


# --- analyze / serve (issue 4) ----------------------------------------------------------

@main.command()
@graph_option
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Rows in each ranked table.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole analysis as JSON (what analysis.json holds).")
def analyze(graph_dir, top, as_json):
    """Rank the units of the collaboration network.

    Tables of task load (lead and co-owner), weighted degree, betweenness,
    PageRank, brokers between communities, the pairs that share most tasks, and
    the Louvain communities.
    """
    from .analysis import analyse, print_report
    from .console import working
    from .store import open_store

    with working("analysing the collaboration network …"):
        result = analyse(open_store(graph_dir))
    print_report(result, top=top, as_json=as_json)


@main.command()
@graph_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but a loopback address exposes the graph to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Query time limit in seconds.")
@click.option("--max-rows", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Most rows a query returns (the response says when it was cut).")
def serve(graph_dir, host, port, timeout, max_rows):
    """Explore the graph in a browser, with a read-only SPARQL endpoint at /sparql.

    The page at / searches units (tasks, targets, collaborators), runs SPARQL
    queries with examples and opens the collaboration network. Updates are
    refused; queries are limited in time, rows and request size.
    """
    from .serve import serve as run_server

    run_server(graph_dir, host, port, timeout=timeout, max_rows=max_rows, echo=click.echo)


# --- push (issue 5) ---------------------------------------------------------------------

@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="SPARQL 1.1 Graph Store Protocol endpoint (Oxigraph: http://host:7878/store, "
                   "Fuseki: http://host:3030/DATASET/data).")
@click.option("--graph", "target_graph", default=None, metavar="IRI",
              help="Put the whole graph into this named graph (default: one named graph per document).")
@click.option("--from", "graph_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder written by `kg build`.")
@click.option("--timeout", type=click.FloatRange(min=1), default=300.0, show_default=True,
              help="Seconds to wait for each request.")
def push(endpoint, target_graph, graph_dir, timeout):
    """Load the graph into an external triple store (Fuseki, GraphDB, Oxigraph …).

    Each document's named graph is replaced with an HTTP PUT, so pushing again
    updates the store instead of duplicating statements. User and password may
    be given in the URL (http://user:secret@host:3030/ds/data).
    """
    from .push import push as run_push

    result = run_push(graph_dir, endpoint, target_graph, timeout=timeout)
    click.echo(f"pushed {result.triples} triples in {len(result.graphs)} graph(s) to {result.endpoint}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The graph store: an embedded Oxigraph store that the query commands read.

``kg build`` writes the graph files and loads them into ``<out>/store``;
``kg tasks``, ``kg query``, ``kg track`` and ``kg serve`` open that store.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pyoxigraph

from .datafiles import QUERY_DIR, query
from .errors import UsageError
from .ns import PREFIXES

_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}

STORE_DIR = "store"
GRAPH_NT = "graph.nt"


def open_store(graph_dir: str | Path) -> pyoxigraph.Store:
    """Open the store of a built graph folder, read-only; fall back to loading graph.nt in memory."""
    graph_dir = Path(graph_dir)
    store_path = graph_dir / STORE_DIR
    if store_path.is_dir():
        try:
            return pyoxigraph.Store.read_only(str(store_path))
        except OSError:
            pass
    nq = graph_dir / "graph.nq"
    if not nq.is_file():
        raise UsageError(f"{graph_dir}: no graph here (run `kg build` first, or pass --graph DIR)")
    store = pyoxigraph.Store()
    store.bulk_load(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS)
    return store


def select(store: pyoxigraph.Store, query: str, bindings: dict | None = None, *, union: bool = True) -> list[dict]:
    """Run a SELECT with the govkg prefixes; ``bindings`` are substituted by the engine, never by string building.

    With ``union`` (the default) the default graph is the union of the named graphs;
    without, it is the store's own default graph, and queries reach the documents'
    graphs with ``GRAPH ?g`` (much faster in Oxigraph on graphs of many documents).

    Returns one dict per row, from variable name to a Python value (str for IRIs
    and literals, ``None`` when unbound).
    """
    substitutions = {pyoxigraph.Variable(name): _term(value) for name, value in (bindings or {}).items()}
    result = store.query(query, prefixes=_PREFIXES, substitutions=substitutions or None,
                         use_default_graph_as_union=union)
    names = [v.value for v in result.variables]
    # a solution iterates over its values in the order of the variables (twice as fast as by name)
    return [dict(zip(names, [None if term is None else term.value for term in solution])) for solution in result]


VALUES_PER_QUERY = 2000  # IRIs named in one VALUES block by select_with_values


def select_with_values(store: pyoxigraph.Store, query: str, variable: str, iris, *,
                       per_query: int | None = None) -> list[dict]:
    """Run ``query`` for many IRIs of ``variable``: its empty ``VALUES ?variable { }`` line is filled
    with them, ``per_query`` at a time (Oxigraph's substitutions take one value per variable).

    The IRIs come from the store and are written back as terms (``str`` of a NamedNode is ``<iri>``,
    escaped), never pasted as text.
    """
    slot = f"VALUES ?{variable} {{ }}"
    if slot not in query:
        raise AssertionError(f"the query has lost its {slot!r} line")
    names = sorted(set(iris))
    size = per_query or VALUES_PER_QUERY
    rows: list[dict] = []
    for first in range(0, len(names), size):
        block = " ".join(str(pyoxigraph.NamedNode(name)) for name in names[first:first + size])
        rows += select(store, query.replace(slot, f"VALUES ?{variable} {{ {block} }}", 1))
    return rows


_UPDATE_START = re.compile(r"\s*(?:#[^\n]*\n\s*)*(?:(?:PREFIX|BASE)[^\n]*\n\s*)*"
                           r"(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_QUERY_START = re.compile(r"\s*(?:#[^\n]*\n\s*)*(?:PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def is_update(text: str) -> bool:
    """Whether SPARQL text is an update (INSERT, DELETE, CLEAR …), which govkg's readers refuse.

    >>> is_update("CLEAR ALL"), is_update("PREFIX gk: <x>\\nDELETE WHERE { ?s ?p ?o }"), is_update("SELECT * {}")
    (True, True, False)
    """
    return bool(_UPDATE_START.match(text))


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; False for text too long to be a file's name (a long query)."""
    try:
        return path.is_file()
    except OSError:
        return False


def query_text(argument: str, stdin=None) -> str:
    """The query an argument gives: ``-`` reads standard input, an existing file is read,
    text that starts like SPARQL (after any ``#`` comments) or holds a ``{`` is the query itself,
    and a bare name is one of govkg's queries (``project_located``: kg/queries/project_located.rq)."""
    if argument == "-":
        return (stdin or sys.stdin).read()
    path = Path(argument)
    if not _is_file(path):
        if is_update(argument) and re.search(r"\s", argument):
            raise UsageError("kg query only reads the graph (SELECT, ASK, CONSTRUCT, DESCRIBE); an update "
                             "(INSERT, DELETE …) changes nothing here: rebuild from the documents instead")
        if _QUERY_START.match(argument) or "{" in argument:
            return argument  # the query itself (SELEC … { } is one with a typo: its syntax error says so)
        name = argument.removesuffix(".rq")
        if "/" not in argument and (QUERY_DIR / f"{name}.rq").is_file():
            return query(name)  # a query that comes with govkg: project_located
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc))
        raise UsageError(f"{argument}: {reason} (give a .rq file, - for standard input, the query itself: "
                         f"kg query 'SELECT …', or a query of govkg's by name: kg query project_located)") from None


def _term(value):
    """A Python value as an Oxigraph term: terms pass through, str becomes a plain literal."""
    if isinstance(value, (pyoxigraph.NamedNode, pyoxigraph.Literal, pyoxigraph.BlankNode)):
        return value
    return pyoxigraph.Literal(str(value))


def run_query(store: pyoxigraph.Store, text: str):
    """Run any query; returns ("boolean", bool), ("graph", turtle bytes) or ("rows", (variables, rows))."""
    try:
        result = store.query(text, prefixes=_PREFIXES, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise UsageError(f"SPARQL syntax error: {exc}") from None
    if isinstance(result, pyoxigraph.QueryBoolean):
        return "boolean", bool(result)
    if isinstance(result, pyoxigraph.QueryTriples):
        return "graph", pyoxigraph.serialize(result, format=pyoxigraph.RdfFormat.TURTLE, prefixes=_PREFIXES)
    variables = [v.value for v in result.variables]
    rows = [[None if term is None else term.value for term in solution] for solution in result]
    return "rows", (variables, rows)

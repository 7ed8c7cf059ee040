"""A document's share of the graph files, made in its build worker; the files are the shares end to end.

A document's statements split in two by subject:

- **local**: statements about or pointing to nodes minted under the document
  (``id:doc/<slug>``, ``id:doc/<slug>/…``, ``id:task/<slug>/…``), which no other document
  names, so no other document states them.  They go to graph.nt, graph.ttl and
  graph.jsonld exactly as the worker wrote them: a build copies them from the cache
  instead of serialising the whole graph again;
- **shared**: statements about every other subject (units, districts, projects,
  indicators, placements), which several documents may describe.  The build merges
  these across documents for the whole-graph SHACL checks, and writes to the files,
  each once, those that are not local (``unit gk:leads task`` is about a shared unit,
  but only the task's document can state it).

graph.nq needs no split: every quad carries its document's named graph, so the
documents' sorted N-Quads put end to end are already the dataset, each quad once.
"""

from __future__ import annotations

import pyoxigraph as ox

from .graph import serialization_prefixes
from .ns import ID

_DOC = f"<{ID}doc/"
_TASK = f"<{ID}task/"


def _graph_start(quad_line: str) -> int:
    """Where the graph term of an N-Quads line (``… <graph> .``) begins, less one."""
    return quad_line.rfind(" <", 0, len(quad_line) - 3)


def graph_of(quad_line: str) -> str:
    """The graph IRI of an N-Quads line."""
    line = quad_line.rstrip("\n")
    return line[_graph_start(line) + 2:line.rfind(">")]


def triple_of(quad_line: str) -> str:
    """The N-Triples line of an N-Quads line (its graph dropped)."""
    return quad_line[:_graph_start(quad_line)] + " .\n"


def local_subject_starts(quad_line: str) -> tuple[str, ...]:
    """How the subjects local to the document of ``quad_line`` begin (its graph is ``id:doc/<slug>``)."""
    graph = f"<{graph_of(quad_line)}>"
    if not graph.startswith(_DOC):
        return ()
    slug = graph[len(_DOC):-1]
    return (f"{_DOC}{slug}> ", f"{_DOC}{slug}/", f"{_TASK}{slug}/")


def _object(quad_line: str) -> str:
    after_subject = quad_line.index(" ") + 1
    after_predicate = quad_line.index(" ", after_subject) + 1
    return quad_line[after_predicate:_graph_start(quad_line)]


def _is_local(term: str, starts: tuple[str, ...]) -> bool:
    return bool(starts) and (term == starts[0][:-1] or term.startswith(starts[1:]))


def object_is_local(quad_line: str) -> bool:
    """Whether the object of an N-Quads line is a node local to the line's document."""
    after_subject = quad_line.index(" ") + 1
    if not quad_line.startswith(_LOCAL_KINDS, quad_line.index(" ", after_subject) + 1):
        return False  # most objects: literals, classes, units (no document's own node)
    return _is_local(_object(quad_line), local_subject_starts(quad_line))


_LOCAL_KINDS = (_DOC, _TASK)


def split_lines(quad_lines: list[str]) -> tuple[list[str], list[str]]:
    """(local triples, quads about shared subjects) of one document's sorted N-Quads lines; both stay sorted.

    A statement about a shared subject with a local object is in both: in the first for
    the files, in the second for the whole-graph checks.
    """
    if not quad_lines:
        return [], []
    starts = local_subject_starts(quad_lines[0])
    local, shared = [], []
    for line in quad_lines:
        if starts and line.startswith(starts):
            local.append(triple_of(line))
            continue
        shared.append(line)
        if _is_local(_object(line), starts):
            local.append(triple_of(line))
    return local, shared


def parse_triples(nt_text: str) -> list[ox.Triple]:
    """The triples of N-Triples text, parsed once for both :func:`turtle` and :func:`jsonld_nodes`."""
    return list(ox.parse(nt_text, format=ox.RdfFormat.N_TRIPLES)) if nt_text else []


def turtle(nt_text: str, title: str = "", triples: list[ox.Triple] | None = None) -> str:
    """Turtle of N-Triples text (``triples``: the same, already parsed) with the readable prefixes
    of what it names, under a ``# title`` line."""
    head = f"# {title}\n" if title else ""
    if not nt_text:
        return head
    if triples is None:
        triples = parse_triples(nt_text)
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=serialization_prefixes("ttl", nt_text))
    return head + body.decode("utf-8")


def jsonld_nodes(nt_text: str, triples: list[ox.Triple] | None = None) -> str:
    """The node objects of N-Triples text (``triples``: the same, already parsed) as JSON-LD
    (expanded), without the enclosing array.

    Several such pieces joined with commas inside ``[…]`` are one JSON-LD document; a node
    that appears in two pieces is one node (JSON-LD merges node objects by ``@id``).
    """
    if not nt_text:
        return ""
    if triples is None:
        triples = parse_triples(nt_text)
    text = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    return text.decode("utf-8").strip()[1:-1]  # Oxigraph writes one array of node objects

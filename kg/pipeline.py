"""One document through the stages: read -> classify -> segment/extract -> resolve -> graph.

:func:`process_document` is a top-level function of plain arguments and results
so that builds can run it in worker processes; it returns N-Quads/N-Triples
text rather than Python objects, so a worker's memory is freed as soon as it
returns and the parent only holds statements.
"""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass, field

import pyoxigraph as ox

from .classify import classify
from .errors import GovkgError, InputError
from .model import Problem
from .read import SourceText, read_bytes, text_digest
from .timeouts import DocumentTimeout, time_limit


@dataclass
class DocumentResult:
    path: str
    ok: bool
    kind: str = ""
    error: str = ""  # why the document could not be built at all
    problems: list[str] = field(default_factory=list)  # parts that could not be read ("line 12: …")
    notes: list[str] = field(default_factory=list)  # what a reader should know of a document read in full
    counts: dict = field(default_factory=dict)  # what was found, for the summary table
    nquads: str = ""  # the document's statements in its named graph, sorted lines
    sha256: str = ""
    text_sha256: str = ""  # of its decoded text (kg.read.text_digest): a copy in another encoding has the same
    debug: str = ""  # traceback, for --debug
    quads: int = 0  # statements in the document's named graph
    violations: list = field(default_factory=list)  # SHACL results of the document alone (kg.shacl.Result lists)
    deferred: list = field(default_factory=list)  # class checks of nodes other documents describe
    validated: bool = False
    # what the cross-document step (kg.crossdoc.document_facts) and the network (kg.network.network_rows) need
    facts: dict = field(default_factory=dict)
    # set by kg.build when it writes the document's share of the graph files (kg.fragments)
    graph: str = ""  # the document's named graph
    local_triples: int = 0  # triples about the subjects only this document describes
    links: dict = field(default_factory=dict)  # which cross-document facts it has (see kg.build)
    network_digest: str = ""  # hash of its network rows: unchanged rows, unchanged collaboration outputs
    cacheable: bool = True  # False for outcomes that may differ next time (time limit, internal error)


def _extractor(kind: str):
    """The graph builder of a document kind: ``(source, info, data) -> (quads, counts, problems)``."""
    if kind == "plan":
        return _plan_document
    from .extract import reports  # noqa: F401  (registered kinds beyond plans)

    builder = reports.BUILDERS.get(kind)
    if builder is None:
        raise InputError(f"no extractor for documents of kind {kind!r}")
    return builder


def _plan_document(source: SourceText, info, data: bytes):
    from .extract.plan import extract_plan
    from .graph import plan_quads

    extraction = extract_plan(source, info.years[0] if len(info.years) == 1 else None)
    quads = plan_quads(source, info, extraction, data)
    counts = {
        "tasks": len(extraction.tasks),
        "targets": sum(len(t.targets) for t in extraction.tasks),
        "roles": sum(len(t.roles.leads) + len(t.roles.co_owners) for t in extraction.tasks),
    }
    if not extraction.tasks:
        raise InputError("a plan with no numbered items")
    return quads, counts, extraction.problems


def _notes(info) -> list[str]:
    """What the user should know of a document read in full: a plan or report that names no jurisdiction
    has units and figures no other document's can meet (市发改委 of no city)."""
    if info.kind in ("plan", "city_report", "district_report") and not info.jurisdiction:
        return ["no city, county or district named in its title or heading: its units and figures are kept "
                "apart from every jurisdiction's (name the city in the title, as in 咸宁市2031年…)"]
    return []


def process_document(path: str, data: bytes, kind: str | None = None, *, validate: bool = False,
                     facts: bool = False, timeout: float | None = None) -> DocumentResult:
    """Build one document's statements; never raises for bad input (the result says why).

    ``nquads`` holds the document's named graph as N-Quads lines sorted as strings
    (so the graphs of many documents can be merged by streaming).  With ``validate``
    the statements are also checked against the SHACL shapes (:mod:`kg.shacl`); with
    ``facts``, what the cross-document step and the collaboration network need is read
    off them (:mod:`kg.crossdoc`, :mod:`kg.network`);
    ``timeout`` limits the seconds spent on the document.
    """
    digest = hashlib.sha256(data).hexdigest()
    text_sha256 = ""
    try:
        with time_limit(timeout):
            source = read_bytes(data, path)
            text_sha256 = text_digest(source.raw)
            info = classify(source, kind)
            quads, counts, problems = _extractor(info.kind)(source, info, data)
            quads = set(quads)
            lines = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
            lines.sort()
            result = DocumentResult(path=path, ok=True, kind=info.kind, counts=counts,
                                    problems=[str(p) if isinstance(p, Problem) else p for p in problems],
                                    notes=_notes(info),
                                    nquads="".join(line + "\n" for line in lines), sha256=digest,
                                    text_sha256=text_sha256,
                                    quads=len(lines))
            if validate:
                from .shacl import validate_quads

                results, deferred = validate_quads(quads)
                result.violations = [r.as_list() for r in results]
                result.deferred = deferred
                result.validated = True
            if facts:
                from .crossdoc import document_facts
                from .network import network_rows

                store = ox.Store()
                store.extend(quads)
                result.facts = {**document_facts(store), "network": network_rows(store)}
            return result
    except DocumentTimeout as exc:
        return DocumentResult(path=path, ok=False, error=str(exc), sha256=digest, text_sha256=text_sha256,
                              cacheable=False,
                              debug=traceback.format_exc())
    except GovkgError as exc:
        return DocumentResult(path=path, ok=False, error=str(exc), sha256=digest, text_sha256=text_sha256,
                              debug=traceback.format_exc())
    except RecursionError:
        return DocumentResult(path=path, ok=False, error="document too deeply nested to read", sha256=digest,
                              text_sha256=text_sha256)
    except MemoryError:
        return DocumentResult(path=path, ok=False, error="document too large to read in memory", sha256=digest,
                              text_sha256=text_sha256,
                              cacheable=False)
    except Exception as exc:  # a bug, not bad input: still one line, with the traceback kept for --debug
        return DocumentResult(path=path, ok=False, error=f"internal error: {type(exc).__name__}: {exc}",
                              sha256=digest, text_sha256=text_sha256, debug=traceback.format_exc(), cacheable=False)


def sorted_quads(quads) -> list[ox.Quad]:
    return sorted(set(quads), key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))

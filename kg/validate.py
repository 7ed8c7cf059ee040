"""Check a graph against the SHACL shapes of ontology/shapes.ttl (pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import rdflib

from .datafiles import ontology_dir


@dataclass
class ValidationReport:
    conforms: bool
    violations: int
    text: str  # pyshacl's human-readable report
    turtle: str  # the SHACL validation report graph, for other tools
    triples: int = 0


@lru_cache(maxsize=None)
def _shapes_and_ontology() -> tuple[rdflib.Graph, rdflib.Graph]:
    folder = ontology_dir()
    shapes = rdflib.Graph().parse(folder / "shapes.ttl", format="turtle")
    ontology = rdflib.Graph().parse(folder / "govkg.ttl", format="turtle")
    ontology.parse(folder / "unit-types.ttl", format="turtle")
    return shapes, ontology


def validate_graph(data: rdflib.Graph) -> ValidationReport:
    """Validate an rdflib graph; the ontology is mixed in for class hierarchy."""
    from pyshacl import validate

    shapes, ontology = _shapes_and_ontology()
    conforms, report_graph, report_text = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", abort_on_first=False,
        allow_warnings=True, advanced=False,
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = len(set(report_graph.subjects(rdflib.RDF.type, sh.ValidationResult)))
    return ValidationReport(bool(conforms), violations, report_text,
                            report_graph.serialize(format="turtle"), len(data))


def validate_folder(graph_dir) -> ValidationReport:
    """Validate the graph a build wrote (graph.nt in ``graph_dir``)."""
    from pathlib import Path

    from .errors import UsageError

    path = Path(graph_dir) / "graph.nt"
    if not path.is_file():
        raise UsageError(f"{graph_dir}: no graph here (run `kg build` first, or pass --graph DIR)")
    return validate_graph(rdflib.Graph().parse(path, format="nt"))

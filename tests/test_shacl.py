"""kg.shacl gives the same verdicts as pySHACL, on the seeds graph and on graphs broken on purpose."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from kg.shacl import Result, govkg_shapes, report_turtle, validate_quads, validate_store
from kg.validate import validate_graph

GK = "https://w3id.org/govkg/ontology#"
ID = "https://w3id.org/govkg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
G = ox.NamedNode(ID + "doc/t")
DOC = ox.NamedNode(ID + "doc/t")
TASK = ox.NamedNode(ID + "task/t/1-1")
UNIT = ox.NamedNode(ID + "unit/武汉市/市经信局")
TARGET = ox.NamedNode(ID + "task/t/1-1/target/1")


def gk(name):
    return ox.NamedNode(GK + name)


def lit(value, datatype=None, language=None):
    if datatype:
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))
    if language:
        return ox.Literal(str(value), language=language)
    return ox.Literal(str(value))


TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
PART = ox.NamedNode(ID + "doc/t/part/1")


def base() -> list[tuple]:
    """A small conforming document: one plan, one part, one task led by one unit, one target."""
    return [
        (DOC, TYPE, gk("Document")), (DOC, TYPE, gk("ResponsibilityPlan")), (DOC, gk("sourceFile"), lit("t.txt")),
        (DOC, gk("sha256"), lit("0" * 64)), (DOC, gk("aboutYear"), lit(2025, "integer")),
        (PART, TYPE, gk("Part")), (PART, gk("code"), lit("一")), (PART, gk("inDocument"), DOC),
        (TASK, TYPE, gk("Task")), (TASK, gk("code"), lit("一.1")), (TASK, gk("text"), lit("做事")),
        (TASK, gk("inDocument"), DOC), (TASK, gk("inPart"), PART), (TASK, gk("line"), lit(3, "integer")),
        (TASK, gk("startOffset"), lit(10, "integer")), (TASK, gk("endOffset"), lit(20, "integer")),
        (TASK, gk("hasTarget"), TARGET),
        (TARGET, TYPE, gk("Quantity")), (TARGET, gk("value"), lit("5.0", "decimal")), (TARGET, gk("unit"), lit("%")),
        (TARGET, gk("bound"), lit("about")),
        (UNIT, TYPE, gk("Unit")), (UNIT, LABEL, lit("市经信局")), (UNIT, PREF, lit("市经信局")),
        (UNIT, gk("unitType"), gk("GovernmentDepartment")), (UNIT, gk("leads"), TASK), (UNIT, gk("inDocument"), DOC),
    ]


def drop(triples, s, p):
    return [t for t in triples if not (t[0] == s and t[1] == p)]


MUTATIONS = {
    "conforming": lambda t: t,
    "minCount": lambda t: drop(t, TASK, gk("code")),
    "maxCount": lambda t: t + [(TASK, gk("code"), lit("一.2"))],
    "datatype": lambda t: drop(t, TASK, gk("line")) + [(TASK, gk("line"), lit("3"))],
    "impossible-date": lambda t: t + [(DOC, ox.NamedNode("http://purl.org/dc/terms/issued"), lit("2025-02-30", "date"))],
    "ill-formed": lambda t: drop(t, TASK, gk("line")) + [(TASK, gk("line"), lit("three", "integer"))],
    "minInclusive": lambda t: drop(t, TASK, gk("line")) + [(TASK, gk("line"), lit(0, "integer"))],
    "maxInclusive": lambda t: t + [(DOC, gk("aboutYear"), lit(3000, "integer"))],
    "lessThanOrEquals": lambda t: drop(t, TASK, gk("startOffset")) + [(TASK, gk("startOffset"), lit(99, "integer"))],
    "in": lambda t: drop(t, UNIT, gk("unitType")) + [(UNIT, gk("unitType"), gk("Nonsense"))],
    "in-literal": lambda t: drop(t, TARGET, gk("bound")) + [(TARGET, gk("bound"), lit("roughly"))],
    "class": lambda t: t + [(TASK, gk("hasTarget"), UNIT)],
    "inverse-minCount": lambda t: drop(t, UNIT, gk("leads")),
    "inverse-class": lambda t: t + [(DOC, gk("coOwns"), TASK)],
    "pattern": lambda t: drop(t, DOC, gk("sha256")) + [(DOC, gk("sha256"), lit("xyz"))],
    "minLength": lambda t: drop(t, DOC, gk("sourceFile")) + [(DOC, gk("sourceFile"), lit(""))],
    "uniqueLang": lambda t: t + [(UNIT, PREF, lit("a", language="en")), (UNIT, PREF, lit("b", language="en"))],
    "nodeKind": lambda t: drop(t, UNIT, LABEL) + [(UNIT, LABEL, DOC)],
    "member-class": lambda t: t + [(UNIT, TYPE, gk("CollectiveUnit")), (UNIT, ox.NamedNode(
        "http://www.w3.org/ns/org#hasMember"), TARGET)],
    "or-datatype": lambda t: t + [(ox.NamedNode(ID + "c/1"), TYPE, gk("Commitment")),
                                  (ox.NamedNode(ID + "c/1"), gk("forYear"), lit("2025"))],
    "node-or": lambda t: t + [(ox.NamedNode(ID + "i/1"), TYPE, gk("Indicator"))],
    "language-string": lambda t: drop(t, TASK, gk("text")) + [(TASK, gk("text"), lit("做事", language="zh"))],
}


def as_quads(triples):
    return [ox.Quad(s, p, o, G) for s, p, o in triples]


def pyshacl_results(triples) -> set:
    graph = rdflib.Graph()
    data = ox.serialize([ox.Triple(*t) for t in triples], format=ox.RdfFormat.N_TRIPLES).decode()
    graph.parse(data=data, format="nt")
    report = rdflib.Graph().parse(data=validate_graph(graph).turtle, format="turtle")
    found = set()
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode).n3()
        path = report.value(result, SH.resultPath)
        if path is None:
            path_text = ""
        elif isinstance(path, rdflib.BNode):
            path_text = "^" + report.value(path, SH.inversePath).n3()
        else:
            path_text = path.n3()
        component = str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[1]
        value = report.value(result, SH.value)
        if component in ("MinCountConstraintComponent", "MaxCountConstraintComponent",
                         "UniqueLangConstraintComponent") or path_text == "" and value == rdflib.URIRef(focus[1:-1]):
            value = None
        found.add((focus, path_text, component, None if value is None else _nt(value)))
    return found


def _nt(term) -> str:
    if isinstance(term, rdflib.Literal):
        return str(ox.Literal(str(term), language=term.language,
                              datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None))
    return term.n3()


def ours(triples) -> set:
    results, deferred = validate_quads(as_quads(triples))
    assert not deferred
    return {(r.focus, r.path, r.component, None if r.path == "" and r.value == r.focus else r.value)
            for r in results}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_same_verdict_as_pyshacl(name):
    triples = MUTATIONS[name](base())
    expected = pyshacl_results(triples)
    assert ours(triples) == expected
    assert (name == "conforming") == (not expected)


def test_every_shape_is_compiled():
    shapes = govkg_shapes()
    classes = {target for shape in shapes.node_shapes for target in shape.targets}
    assert {GK + "Task", GK + "Unit", GK + "Document", GK + "Quantity"} <= classes


def test_seeds_graph_conforms(seeds_build):
    quads = list(ox.parse(path=str(seeds_build.out_dir / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    results, deferred = validate_quads(quads)
    assert results == [] and deferred == []


def test_foreign_nodes_are_checked_on_the_whole_graph():
    # document A points at a task that document B describes: A alone cannot tell its class
    a = [(UNIT, TYPE, gk("Unit")), (UNIT, LABEL, lit("市经信局")), (UNIT, gk("coOwns"), TASK)]
    results, deferred = validate_quads(as_quads(a))
    assert results == [] and len(deferred) == 1
    store = ox.Store()
    store.extend(ox.Quad(s, p, o, ox.NamedNode(ID + "doc/a")) for s, p, o in a)
    assert validate_store(store, [], deferred)  # the task is described nowhere: a violation
    store.extend(ox.Quad(s, p, o, G) for s, p, o in base())
    assert validate_store(store, [], deferred) == []


def test_shared_nodes_are_checked_on_the_union():
    store = ox.Store()
    store.extend(ox.Quad(s, p, o, G) for s, p, o in base())
    other = ox.NamedNode(ID + "doc/u")
    store.add(ox.Quad(UNIT, gk("unitType"), gk("PartyOrgan"), other))
    results = validate_store(store, [str(UNIT)])
    assert [r.component for r in results] == ["MaxCountConstraintComponent"]
    assert "sh:conforms false" in report_turtle(results)
    assert Result.from_list(results[0].as_list()) == results[0]

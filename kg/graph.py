"""Turn extracted records into RDF with the govkg ontology (see ontology/README.md).

Statements are built as Oxigraph quads, one named graph per document (so a
document's statements can be replaced or removed alone), and written sorted so
the same input gives byte-identical files.  ``to_rdflib`` gives the rdflib API.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from .datafiles import read_yaml
from .model import DocumentInfo, PlanExtraction, Quantity, Unit
from .ns import GK, ID, ORG, PREFIXES
from .read import SourceText
from .resolve import COLLECTIVE, UnitResolver

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"

KIND_CLASSES = {  # a document's classes besides gk:Document, each stated (no inference needed)
    "plan": ("ResponsibilityPlan",),
    "city_report": ("WorkReport", "CityReport"),
    "district_report": ("WorkReport", "DistrictReport"),
    "news": ("NewsFeed",),
}
# IRI-safe: keep letters (any script), digits and a few marks; percent-encode the rest
_IRI_UNSAFE = re.compile(r"[\s<>\"{}|\\^`#?%/\[\]]")


def gk(term: str) -> ox.NamedNode:
    return ox.NamedNode(str(GK) + term)


def iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(str(ID) + path)


def iri_segment(text: str) -> str:
    """One path segment of an instance IRI: readable (Chinese stays), but never breaking the IRI.

    >>> iri_segment("市发改委"), iri_segment("a b/c")
    ('市发改委', 'a%20b%2Fc')
    """
    return _IRI_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), text)


def literal(value, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if datatype:
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))
    if language:
        return ox.Literal(str(value), language=language)
    return ox.Literal(str(value))


def decimal_literal(value: Decimal) -> ox.Literal:
    text = format(value, "f")
    if "." not in text:
        text += ".0"
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))


def document_slug(path: str) -> str:
    """``seeds/Wuhan 2025 plan.txt`` -> ``wuhan-2025-plan``."""
    stem = Path(path).stem.lower()
    stem = re.sub(r"\s+", "-", stem)
    return iri_segment(stem) or "document"


@dataclass
class QuadSink:
    """Collects the statements of one document in its named graph."""

    graph: ox.NamedNode
    quads: list[ox.Quad] = field(default_factory=list)

    def add(self, subject, predicate, obj) -> None:
        self.quads.append(ox.Quad(subject, predicate, obj, self.graph))


def document_node(slug: str) -> ox.NamedNode:
    return iri(f"doc/{slug}")


def describe_document(sink: QuadSink, doc: ox.NamedNode, source: SourceText, info: DocumentInfo,
                      data: bytes | None = None) -> None:
    sink.add(doc, RDF_TYPE, gk("Document"))
    for kind_class in KIND_CLASSES.get(info.kind, ()):
        sink.add(doc, RDF_TYPE, gk(kind_class))
    sink.add(doc, gk("sourceFile"), literal(source.name))
    if info.title:
        sink.add(doc, ox.NamedNode(DCTERMS + "title"), literal(info.title))
    if info.issuer:
        sink.add(doc, gk("issuer"), literal(info.issuer))
    if info.jurisdiction:
        sink.add(doc, gk("jurisdiction"), literal(info.jurisdiction))
    if info.date:
        sink.add(doc, ox.NamedNode(DCTERMS + "issued"), literal(info.date, "date"))
    for year in info.years:
        sink.add(doc, gk("aboutYear"), literal(year, "integer"))
    digest = hashlib.sha256(data if data is not None else source.raw.encode("utf-8")).hexdigest()
    sink.add(doc, gk("sha256"), literal(digest))
    sink.add(doc, gk("encoding"), literal(source.encoding))


UNKNOWN_JURISDICTION = "未知"  # the path segment of a unit, district, project or company of no known city


@lru_cache(maxsize=None)
def _namespaces() -> tuple[list[re.Pattern], tuple[str, ...]]:
    """Patterns of a city or prefecture followed by its district or county (武汉市武昌区,
    阿拉善盟阿拉善左旗), 市 first; and the level words of a jurisdiction that is its own namespace."""
    levels = read_yaml("jurisdictions.yaml")
    counties = "|".join(sorted(levels["county"], key=len, reverse=True))
    parents = ["市"] + sorted(levels["prefecture"], key=len, reverse=True)
    patterns = [re.compile(f"(.+?{parent})(.+(?:{counties}))") for parent in parents]
    own = ("市", *levels["province"], *levels["prefecture"], *(c for c in levels["county"] if c != "区"))
    return patterns, own


def task_key(item) -> str:
    """The path of a task's IRI within its plan: part-item (2-12), with the section where items are
    numbered within sections (1-2-1 for 一.(二).1) or the section is the task (1-s3 for 一.(三)),
    and the point (1-1.2 for 一.1(2)); a repeated code's later item ends in -dup."""
    if item.section_task:
        key = f"{item.part_number}-s{item.section_number}"
    elif item.numbered_in_section:
        key = f"{item.part_number}-{item.section_number}-{item.item_number}"
    else:
        key = f"{item.part_number}-{item.item_number}"
    return key + (f".{item.point_number}" if item.point_number else "") + ("-dup" if item.code.endswith("'") else "")


def city_of(jurisdiction: str) -> str:
    """The city of a jurisdiction: the namespace of the districts, projects and companies a
    document names, which a district's documents share with their city's.

    A province, a prefecture (自治州, 盟), or a county of no known city is its own namespace.

    >>> city_of("武汉市武昌区"), city_of("济南市市中区"), city_of("武汉市"), city_of("武侯区"), city_of("")
    ('武汉市', '济南市', '武汉市', '', '')
    >>> city_of("江南省"), city_of("青原县"), city_of("吉安市青原县"), city_of("杭州市西湖区")
    ('江南省', '青原县', '吉安市', '杭州市')
    >>> city_of("阿拉善盟阿拉善左旗"), city_of("恩施土家族苗族自治州"), city_of("达拉特旗")
    ('阿拉善盟', '恩施土家族苗族自治州', '达拉特旗')
    """
    patterns, own = _namespaces()
    for pattern in patterns:
        match = pattern.fullmatch(jurisdiction)
        if match:
            return match.group(1)
    return jurisdiction if jurisdiction.endswith(own) else ""


def jurisdiction_of_iri(node_iri: str) -> str:
    """The jurisdiction a unit's IRI names (:func:`unit_node`: ``…/unit/{jurisdiction}/{unit}``), "" when unknown.

    >>> jurisdiction_of_iri("https://w3id.org/govkg/id/unit/%E5%90%88%E8%82%A5%E5%B8%82/市财政局")
    '合肥市'
    >>> jurisdiction_of_iri("https://w3id.org/govkg/id/unit/未知/市财政局"), jurisdiction_of_iri("urn:x")
    ('', '')
    """
    from urllib.parse import unquote

    match = re.search(r"/unit/([^/]+)/[^/]+$", node_iri)
    name = unquote(match.group(1)) if match else ""
    return "" if name == UNKNOWN_JURISDICTION else name


def unit_node(unit: Unit) -> ox.NamedNode:
    return iri(f"unit/{iri_segment(unit.jurisdiction or UNKNOWN_JURISDICTION)}/{iri_segment(unit.key)}")


def describe_unit(sink: QuadSink, unit: Unit, units: dict[str, Unit], doc: ox.NamedNode) -> None:
    node = unit_node(unit)
    sink.add(node, RDF_TYPE, gk("Unit"))
    if unit.unit_type == COLLECTIVE:
        sink.add(node, RDF_TYPE, gk("CollectiveUnit"))
    for label in unit.labels or [unit.key]:
        sink.add(node, RDFS_LABEL, literal(label))
    sink.add(node, ox.NamedNode(SKOS + "prefLabel"), literal(unit.key))
    for alias in ([unit.full_name] if unit.full_name else []) + unit.aliases:
        sink.add(node, ox.NamedNode(SKOS + "altLabel"), literal(alias))
    type_term = "CollectiveType" if unit.unit_type == COLLECTIVE else (
        "OtherUnitType" if unit.unit_type == "Other" else unit.unit_type)
    sink.add(node, gk("unitType"), gk(type_term))
    if unit.jurisdiction:
        sink.add(node, gk("jurisdiction"), literal(unit.jurisdiction))
    sink.add(node, gk("inGazetteer"), literal("true" if unit.in_gazetteer else "false", "boolean"))
    sink.add(node, gk("inDocument"), doc)
    for member in unit.members:
        sink.add(node, ORG_HAS_MEMBER, unit_node(units[member]))
    if unit.host:
        sink.add(node, gk("hostedBy"), unit_node(units[unit.host]))


ORG_HAS_MEMBER = ox.NamedNode(str(ORG) + "hasMember")


def describe_quantity(sink: QuadSink, node: ox.NamedNode, quantity: Quantity, source: SourceText,
                      doc: ox.NamedNode) -> None:
    sink.add(node, RDF_TYPE, gk("Quantity"))
    sink.add(node, gk("value"), decimal_literal(quantity.value))
    if quantity.upper is not None:
        sink.add(node, gk("upperValue"), decimal_literal(quantity.upper))
    if quantity.baseline is not None:
        sink.add(node, gk("baselineValue"), decimal_literal(quantity.baseline))
        sink.add(node, gk("baselineUnit"), literal(quantity.baseline_unit))
    sink.add(node, gk("unit"), literal(quantity.unit))
    if quantity.comparator:  # none written: no statement (an empty string would say nothing)
        sink.add(node, gk("comparator"), literal(quantity.comparator))
    sink.add(node, gk("bound"), literal(quantity.bound))
    if quantity.metric:
        sink.add(node, gk("metric"), literal(quantity.metric))
    sink.add(node, gk("surface"), literal(quantity.surface))
    start, end = source.source_span(quantity.start, quantity.end)
    sink.add(node, gk("startOffset"), literal(start, "integer"))
    sink.add(node, gk("endOffset"), literal(end, "integer"))
    sink.add(node, gk("inDocument"), doc)


def plan_quads(source: SourceText, info: DocumentInfo, extraction: PlanExtraction,
               data: bytes | None = None) -> list[ox.Quad]:
    """All statements of a plan, in its own named graph."""
    slug = document_slug(source.path)
    doc = document_node(slug)
    sink = QuadSink(doc)
    describe_document(sink, doc, source, info, data)
    lead_rule = extraction.lead_rule
    sink.add(doc, gk("leadRule"), literal(lead_rule.text if lead_rule.stated else f"assumed: {lead_rule.name}"))

    part_nodes = {}
    for part in extraction.structure.parts:
        if not part.numeral:
            continue  # the one part of a table under no part heading: nothing to state
        node = iri(f"doc/{slug}/part/{part.number}")
        part_nodes[part.number] = node
        sink.add(node, RDF_TYPE, gk("Part"))
        sink.add(node, gk("code"), literal(part.code))
        sink.add(node, RDFS_LABEL, literal(part.title))
        sink.add(node, gk("inDocument"), doc)
    section_nodes = {}
    for section in extraction.structure.sections:
        node = iri(f"doc/{slug}/part/{section.part_number}/section/{section.number}")
        section_nodes[(section.part_number, section.number)] = node
        part = part_nodes[section.part_number]
        sink.add(node, RDF_TYPE, gk("Section"))
        numeral = next(p.code for p in extraction.structure.parts if p.number == section.part_number)
        sink.add(node, gk("code"), literal(f"{numeral}.({section.numeral})"))
        sink.add(node, RDFS_LABEL, literal(section.title))
        sink.add(node, gk("inPart"), part)
        sink.add(node, gk("inDocument"), doc)

    resolver = UnitResolver(info.jurisdiction)
    for task in extraction.tasks:
        item = task.item
        node = iri(f"task/{slug}/{task_key(item)}")
        sink.add(node, RDF_TYPE, gk("Task"))
        sink.add(node, gk("code"), literal(item.code))
        sink.add(node, gk("text"), literal(item.body))
        if item.role_clause is not None:
            role_text = item.role_clause + (f"。{item.role_sentence}" if item.role_sentence else "")
            sink.add(node, gk("roleText"), literal(role_text))
        elif item.section_clause is not None:
            sink.add(node, gk("roleText"), literal(item.section_clause))
        if task.deadline is not None:
            sink.add(node, gk("deadlineText"), literal(task.deadline))
        if task.deadline_date is not None:
            sink.add(node, gk("deadline"), literal(task.deadline_date.isoformat(), "date"))
        sink.add(node, gk("inDocument"), doc)
        if item.part_number in part_nodes:
            sink.add(node, gk("inPart"), part_nodes[item.part_number])
        if item.section_number is not None:
            sink.add(node, gk("inSection"), section_nodes[(item.part_number, item.section_number)])
        if item.subheading:
            sink.add(node, gk("subheading"), literal(item.subheading))
        start, end = source.source_span(item.start, item.end)
        sink.add(node, gk("startOffset"), literal(start, "integer"))
        sink.add(node, gk("endOffset"), literal(end, "integer"))
        sink.add(node, gk("line"), literal(item.line, "integer"))
        for mention in task.roles.leads:
            sink.add(unit_node(resolver.resolve(mention)), gk("leads"), node)
        for mention in task.roles.co_owners:
            sink.add(unit_node(resolver.resolve(mention)), gk("coOwns"), node)
        for index, quantity in enumerate(task.targets, start=1):
            target = iri(f"task/{slug}/{task_key(item)}/target/{index}")
            sink.add(node, gk("hasTarget"), target)
            describe_quantity(sink, target, quantity, source, doc)
    for key in sorted(resolver.units):
        describe_unit(sink, resolver.units[key], resolver.units, doc)
    return sink.quads


# --- writing ---------------------------------------------------------------------------

def sorted_unique(quads) -> list[ox.Quad]:
    return sorted(set(quads), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def union_triples(quads) -> list[ox.Triple]:
    """The default-graph view: every statement once, sorted (deterministic files)."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def serialize(triples, format_name: str) -> bytes:
    formats = {
        "ttl": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "nq": ox.RdfFormat.N_QUADS,
        "trig": ox.RdfFormat.TRIG,
    }
    triples = list(triples)
    iris = "\n".join(f"<{t.subject.value}> <{t.object.value}>" for t in triples
                     if isinstance(t.object, ox.NamedNode) and isinstance(t.subject, ox.NamedNode))
    return ox.serialize(triples, format=formats[format_name], prefixes=serialization_prefixes(format_name, iris))


# namespaces of instances whose local names are valid in Turtle, and the prefix each gets:
# id:task/{plan}/2-12 -> {plan}:2-12, id:unit/武汉市/市发改委 -> 武汉市:市发改委
# (one pattern, so a document's text is scanned once; a later kind wins a clash of names)
_READABLE_KINDS = {"task": "{}", "unit": "{}", "passage": "{}.passage", "project": "{}.project",
                   "company": "{}.company", "district": "{}.district"}
_READABLE_NAMESPACE = re.compile(r"<(https://w3id\.org/govkg/id/(?:(task|unit|project|company|district)/([^/>]+)"
                                 r"|doc/([^/>]+)/(passage))/)")
_PN_PREFIX = re.compile(r"^[A-Za-z\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*(?<!\.)$")


def serialization_prefixes(format_name: str, iris: str = "") -> dict | None:
    """Prefixes for Turtle, TriG and JSON-LD: the vocabularies, plus one per plan, jurisdiction and
    document found in ``iris`` (N-Triples text), so the files read ``武汉市:市发改委 gk:leads plan:2-12``
    instead of long IRIs.  Sorted, so output is deterministic."""
    if format_name not in ("ttl", "trig", "jsonld"):
        return None
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    if format_name == "jsonld":
        return prefixes
    del prefixes["id"]  # id:unit/… is not a valid prefixed name
    found = {"doc": str(ID) + "doc/", "indicator": str(ID) + "indicator/"}
    by_kind: dict[str, set] = {kind: set() for kind in _READABLE_KINDS}
    for namespace, kind, key, document, passage in set(_READABLE_NAMESPACE.findall(iris)):
        by_kind[kind or passage].add((namespace, key or document))
    for kind, name in _READABLE_KINDS.items():
        for namespace, key in by_kind[kind]:
            prefix = name.format(key)
            if _PN_PREFIX.match(prefix) and prefix not in prefixes:
                found[prefix] = namespace
    prefixes.update(sorted(found.items()))
    return prefixes


def to_rdflib(triples):
    """An rdflib Graph of Oxigraph triples (for pyshacl and users of the rdflib API)."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


# --- reports, news, commitments, results, projects (issue 3) -----------------------------

PROV_USED = ox.NamedNode(PROV + "used")
PROV_DERIVED = ox.NamedNode(PROV + "wasDerivedFrom")
SKOS_ALT = ox.NamedNode(SKOS + "altLabel")
SKOS_PREF = ox.NamedNode(SKOS + "prefLabel")


def passage_node(slug: str, start: int, end: int) -> ox.NamedNode:
    """``id:doc/{slug}/passage/{start}-{end}``, offsets into the decoded source file."""
    return iri(f"doc/{slug}/passage/{start}-{end}")


def describe_passage(sink: QuadSink, source: SourceText, slug: str, doc: ox.NamedNode, start: int, end: int,
                     text: str, part: ox.NamedNode | None = None) -> ox.NamedNode:
    """A gk:Passage for the normalised span ``start:end``; returns its node (source offsets in the IRI)."""
    source_start, source_end = source.source_span(start, end)
    node = passage_node(slug, source_start, source_end)
    sink.add(node, RDF_TYPE, gk("Passage"))
    sink.add(node, gk("text"), literal(text))
    sink.add(node, gk("startOffset"), literal(source_start, "integer"))
    sink.add(node, gk("endOffset"), literal(source_end, "integer"))
    sink.add(node, gk("line"), literal(source.line_of(start), "integer"))
    sink.add(node, gk("inDocument"), doc)
    if part is not None:
        sink.add(node, gk("inPart"), part)
    return node


def indicator_node(name: str) -> ox.NamedNode:
    return iri(f"indicator/{iri_segment(name)}")


def describe_indicator(sink: QuadSink, name: str) -> ox.NamedNode:
    node = indicator_node(name)
    sink.add(node, RDF_TYPE, gk("Indicator"))
    sink.add(node, SKOS_PREF, literal(name, language="zh"))
    sink.add(node, RDFS_LABEL, literal(name, language="zh"))
    return node


def district_node(jurisdiction: str, name: str) -> ox.NamedNode:
    return iri(f"district/{iri_segment(jurisdiction or UNKNOWN_JURISDICTION)}/{iri_segment(name)}")


def describe_district(sink: QuadSink, jurisdiction: str, row: dict) -> ox.NamedNode:
    """A district or function zone from a kg/data/districts.tsv row."""
    node = district_node(jurisdiction, row["name"])
    sink.add(node, RDF_TYPE, gk("District"))
    sink.add(node, RDFS_LABEL, literal(row["name"]))
    for alias in [row.get("full_name") or ""] + (row.get("aliases") or "").split("|"):
        if alias and alias != row["name"]:
            sink.add(node, SKOS_ALT, literal(alias))
    if row.get("kind"):
        sink.add(node, gk("districtKind"), literal(row["kind"]))
    for group in (row.get("groups") or "").split("|"):
        if group:
            sink.add(node, gk("districtGroup"), literal(group))
    if jurisdiction:
        sink.add(node, gk("jurisdiction"), literal(jurisdiction))
    return node


def project_node(jurisdiction: str, name: str) -> ox.NamedNode:
    """``id:project/{jurisdiction}/{name}``: one node per project name across documents."""
    return iri(f"project/{iri_segment(jurisdiction or UNKNOWN_JURISDICTION)}/{iri_segment(name)}")


def company_node(jurisdiction: str, name: str) -> ox.NamedNode:
    return iri(f"company/{iri_segment(jurisdiction or UNKNOWN_JURISDICTION)}/{iri_segment(name)}")

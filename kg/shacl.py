"""A fast SHACL Core validator for the govkg shapes, so that builds can check every document.

pySHACL validates the seeds graph (9 k triples) in about 1.5 s; a corpus of
thousands of documents would spend most of its build there.  This module
compiles ``ontology/shapes.ttl`` once into plain Python records and checks
graphs against them directly, with the same results (a test compares the two
on the seeds graph and on graphs broken on purpose, constraint by constraint):

- :func:`validate_quads` checks one document's statements (its named graph) —
  ``kg build`` runs it in the worker that extracted the document and caches the
  verdict with the document, so an unchanged document is never checked again;
- :func:`validate_store` checks what only the whole graph can tell: nodes that
  several documents describe (a unit named in many plans: ``sh:maxCount``,
  ``sh:uniqueLang`` over the union) and ``sh:class`` of nodes a document points
  to but does not describe (deferred by :func:`validate_quads`).

Supported: targets ``sh:targetClass`` (with ``rdfs:subClassOf`` from the
ontology), paths ``p`` and ``[ sh:inversePath p ]``, and the components
``sh:class sh:datatype sh:nodeKind sh:in sh:minCount sh:maxCount sh:minInclusive
sh:maxInclusive sh:minExclusive sh:maxExclusive sh:minLength sh:maxLength
sh:pattern sh:lessThan sh:lessThanOrEquals sh:uniqueLang sh:or sh:hasValue``.
A shape that uses anything else makes :func:`compile_shapes` raise
:class:`UnsupportedShape`; ``kg build`` then falls back to pySHACL.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode(RDF + "type")

_VALUE_COMPONENTS = {
    "class", "datatype", "nodeKind", "in", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive",
    "minLength", "maxLength", "pattern", "or", "hasValue",
}
_PROPERTY_COMPONENTS = {"minCount", "maxCount", "lessThan", "lessThanOrEquals", "uniqueLang"}
_IGNORED = {"message", "name", "description", "order", "group", "path", "property", "targetClass", "flags",
            "severity", "deactivated", "defaultValue"}


class UnsupportedShape(Exception):
    """The shapes use a SHACL feature this validator does not implement."""


@dataclass
class Shape:
    node: str  # the shape's IRI or blank node, as N-Triples
    path: tuple[str, bool] | None = None  # (predicate IRI, inverse) for a property shape
    constraints: list[tuple[str, object]] = field(default_factory=list)  # (component, parameter)
    properties: list["Shape"] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)  # class IRIs
    message: str = ""
    severity: str = SH + "Violation"

    @property
    def path_text(self) -> str:
        if self.path is None:
            return ""
        return ("^" if self.path[1] else "") + f"<{self.path[0]}>"


@dataclass(frozen=True)
class Result:
    """One validation result, in terms that survive JSON (N-Triples strings)."""

    focus: str
    path: str  # "<p>" or "^<p>", "" for a node constraint
    component: str  # local name: MinCountConstraintComponent
    value: str | None
    shape: str
    message: str
    severity: str = SH + "Violation"

    def as_list(self) -> list:
        return [self.focus, self.path, self.component, self.value, self.shape, self.message, self.severity]

    @classmethod
    def from_list(cls, row) -> "Result":
        return cls(*row)


@dataclass
class Shapes:
    node_shapes: list[Shape]
    subclasses: dict[str, frozenset[str]]  # class -> itself and all its subclasses

    def instances_of(self, cls: str) -> frozenset[str]:
        return self.subclasses.get(cls, frozenset((cls,)))


# --- compiling the shapes ---------------------------------------------------------------------

def _key(term) -> str:
    return str(term)


def compile_shapes(shape_triples, ontology_triples=()) -> Shapes:
    """Shapes from triples (``pyoxigraph`` terms); ``ontology_triples`` give ``rdfs:subClassOf``."""
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in shape_triples:
        out[_key(t.subject)][t.predicate.value].append(t.object)

    def objects(node, local):
        return out.get(_key(node), {}).get(SH + local, [])

    def rdf_list(head) -> list:
        items = []
        while not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
            props = out.get(_key(head))
            if not props:
                raise UnsupportedShape(f"malformed RDF list at {head}")
            items.append(props[RDF + "first"][0])
            head = props[RDF + "rest"][0]
        return items

    def build(node, is_property: bool) -> Shape:
        shape = Shape(node=_key(node))
        props = out.get(_key(node), {})
        for predicate, values in props.items():
            if not predicate.startswith(SH):
                continue
            local = predicate[len(SH):]
            if local in _IGNORED:
                continue
            if local not in _VALUE_COMPONENTS | _PROPERTY_COMPONENTS:
                raise UnsupportedShape(f"sh:{local} (in shape {node})")
            for value in values:
                if local == "in":
                    shape.constraints.append((local, frozenset(_key(v) for v in rdf_list(value))))
                elif local == "or":
                    shape.constraints.append((local, [build(member, SH + "path" in out.get(_key(member), {}))
                                                      for member in rdf_list(value)]))
                elif local in ("minCount", "maxCount", "minLength", "maxLength"):
                    shape.constraints.append((local, int(value.value)))
                elif local == "pattern":
                    flags = props.get(SH + "flags")
                    shape.constraints.append((local, _regex(value.value, flags[0].value if flags else "")))
                elif local in ("class", "datatype", "lessThan", "lessThanOrEquals"):
                    shape.constraints.append((local, value.value))
                elif local == "uniqueLang":
                    if value.value == "true":
                        shape.constraints.append((local, True))
                else:  # nodeKind, hasValue, min/max bounds: terms
                    shape.constraints.append((local, value))
        for message in props.get(SH + "message", [])[:1]:
            shape.message = message.value
        for severity in props.get(SH + "severity", [])[:1]:
            shape.severity = severity.value
        if is_property:
            path = props.get(SH + "path", [None])[0]
            if isinstance(path, ox.NamedNode):
                shape.path = (path.value, False)
            else:
                inverse = objects(path, "inversePath") if path is not None else []
                if len(inverse) != 1 or not isinstance(inverse[0], ox.NamedNode) or len(out.get(_key(path), {})) != 1:
                    raise UnsupportedShape(f"property path {path} (only p and [ sh:inversePath p ])")
                shape.path = (inverse[0].value, True)
        for prop in props.get(SH + "property", []):
            shape.properties.append(build(prop, True))
        shape.targets = [t.value for t in props.get(SH + "targetClass", [])]
        return shape

    node_shapes = []
    for subject, props in out.items():
        if SH + "targetClass" in props:
            for other in ("targetNode", "targetSubjectsOf", "targetObjectsOf", "target"):
                if SH + other in props:
                    raise UnsupportedShape(f"sh:{other}")
            node = next(t.subject for t in shape_triples if _key(t.subject) == subject)
            node_shapes.append(build(node, SH + "path" in props))
    node_shapes.sort(key=lambda s: s.node)
    return Shapes(node_shapes, _subclass_closure(ontology_triples))


def _regex(pattern: str, flags: str) -> re.Pattern:
    value = 0
    for flag, bit in (("i", re.I), ("m", re.M), ("s", re.S), ("x", re.X)):
        if flag in flags:
            value |= bit
    return re.compile(pattern, value)


def _subclass_closure(triples) -> dict[str, frozenset[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value == RDFS + "subClassOf" and isinstance(t.object, ox.NamedNode):
            parents[t.subject.value].add(t.object.value)
    children: dict[str, set[str]] = defaultdict(set)
    for child in parents:
        seen, todo = set(), [child]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        for ancestor in seen:
            children[ancestor].add(child)
    return {cls: frozenset(subs | {cls}) for cls, subs in children.items()}


@lru_cache(maxsize=None)
def govkg_shapes() -> Shapes:
    """The compiled shapes of ``ontology/shapes.ttl`` with the class hierarchy of the ontology."""
    from .datafiles import ontology_dir

    folder = Path(ontology_dir())
    shapes = list(ox.parse(path=str(folder / "shapes.ttl"), format=ox.RdfFormat.TURTLE))
    ontology = []
    for name in ("govkg.ttl", "unit-types.ttl"):
        ontology.extend(ox.parse(path=str(folder / name), format=ox.RdfFormat.TURTLE))
    return compile_shapes(shapes, ontology)


# --- graph views ----------------------------------------------------------------------------

class QuadView:
    """Statements indexed for validation (one document's, or those of the nodes several documents share).

    Nodes the statements do not describe are "foreign" (:meth:`local` is False).  ``types``
    may give the ``rdf:type`` of foreign nodes (N-Triples string -> class IRIs).
    """

    def __init__(self, quads, types: dict[str, set[str]] | None = None):
        self._out: dict = defaultdict(lambda: defaultdict(list))
        self._in: dict = defaultdict(lambda: defaultdict(list))
        self._types: dict = defaultdict(set)
        self._foreign_types = types
        if not isinstance(quads, (set, frozenset)):
            quads = {(q.subject, q.predicate, q.object) for q in quads}
        else:
            quads = ((q.subject, q.predicate, q.object) for q in quads)
        type_iri = RDF_TYPE.value
        for subject, predicate, obj in quads:
            name = predicate.value
            self._out[subject][name].append(obj)
            if isinstance(obj, ox.Literal):
                continue
            self._in[obj][name].append(subject)
            if name == type_iri:
                self._types[subject].add(obj.value)

    def values(self, node, path: tuple[str, bool]) -> list:
        index = self._in if path[1] else self._out
        entry = index.get(node)
        return list(entry.get(path[0], ())) if entry else []

    def types(self, node) -> set[str]:
        found = self._types.get(node)
        if found is None and self._foreign_types is not None:
            return self._foreign_types.get(str(node), set())
        return found or set()

    def instances(self, classes: frozenset[str]) -> list:
        return [node for node, types in self._types.items() if types & classes]

    def local(self, node) -> bool:
        return node in self._out


class StoreView:
    """The union of every named graph of an Oxigraph store (each statement once)."""

    def __init__(self, store: ox.Store):
        self.store = store

    def values(self, node, path: tuple[str, bool]) -> list:
        predicate = ox.NamedNode(path[0])
        if path[1]:
            found = {q.subject for q in self.store.quads_for_pattern(None, predicate, node, None)}
        else:
            found = {q.object for q in self.store.quads_for_pattern(node, predicate, None, None)}
        return list(found)

    def types(self, node) -> set[str]:
        if isinstance(node, ox.Literal):
            return set()
        return {q.object.value for q in self.store.quads_for_pattern(node, RDF_TYPE, None, None)
                if isinstance(q.object, ox.NamedNode)}

    def local(self, node) -> bool:
        return True


# --- checking -----------------------------------------------------------------------------------

_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                               "nonNegativeInteger", "positiveInteger", "negativeInteger",
                               "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
                               "unsignedByte")}
_LEXICAL = {
    XSD + "integer": re.compile(r"[+-]?\d+"),
    XSD + "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    XSD + "boolean": re.compile(r"true|false|1|0"),
    XSD + "date": re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d\d:\d\d)?"),
    XSD + "gYear": re.compile(r"-?\d{4,}(Z|[+-]\d\d:\d\d)?"),
    XSD + "double": re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF|NaN)|-INF"),
}
_LEXICAL[XSD + "float"] = _LEXICAL[XSD + "double"]
XSD_STRING = XSD + "string"
RDF_LANGSTRING = RDF + "langString"


def _datatype(term) -> str:
    if term.language:
        return RDF_LANGSTRING
    return term.datatype.value if term.datatype is not None else XSD_STRING


def _well_formed(term, datatype: str) -> bool:
    pattern = _LEXICAL.get(datatype)
    if pattern is None:
        return True
    if pattern.fullmatch(term.value) is None:
        return False
    if datatype == XSD + "date":  # 2025-02-30 matches the pattern but is no date
        import datetime

        year, month, day = term.value.lstrip("-")[:10].split("-")[:3] if term.value[0] != "-" else ("2000", "1", "1")
        try:
            datetime.date(int(year) if int(year) > 0 else 2000, int(month), int(day[:2]))
        except ValueError:
            return False
    return True


def _number(term):
    if not isinstance(term, ox.Literal) or _datatype(term) not in _NUMERIC or not _well_formed(term, _datatype(term)):
        return None
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return None


def _comparable(term):
    """A literal as a value that SPARQL would compare (numbers, dates and strings of one kind)."""
    number = _number(term)
    if number is not None:
        return ("number", number)
    if isinstance(term, ox.Literal):
        datatype = _datatype(term)
        if datatype in (XSD + "date", XSD + "dateTime", XSD_STRING) and _well_formed(term, datatype):
            return (datatype, term.value)
    return None


class _Checker:
    def __init__(self, shapes: Shapes, view, defer: bool, only: frozenset[str] | None = None):
        self.shapes = shapes
        self.view = view
        self.defer = defer
        self.only = only  # check only these components (None: all)
        self.results: list[Result] = []
        self.deferred: list[list] = []  # [focus, shape node, value]: sh:class of a node described elsewhere

    def instance(self, node, cls: str) -> bool:
        if isinstance(node, ox.Literal):
            return False
        return bool(self.view.types(node) & self.shapes.instances_of(cls))

    def value_ok(self, value, component: str, param) -> bool:
        """Does one value node satisfy one value-type constraint?"""
        if component == "class":
            return self.instance(value, param)
        if component == "datatype":
            return isinstance(value, ox.Literal) and _datatype(value) == param and _well_formed(value, param)
        if component == "nodeKind":
            kind = param.value[len(SH):]
            is_iri, is_blank = isinstance(value, ox.NamedNode), isinstance(value, ox.BlankNode)
            is_literal = isinstance(value, ox.Literal)
            return {"IRI": is_iri, "BlankNode": is_blank, "Literal": is_literal,
                    "BlankNodeOrIRI": is_blank or is_iri, "BlankNodeOrLiteral": is_blank or is_literal,
                    "IRIOrLiteral": is_iri or is_literal}.get(kind, False)
        if component == "in":
            return str(value) in param
        if component == "hasValue":
            return value == param
        if component in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            left, right = _comparable(value), _comparable(param)
            if left is None or right is None or left[0] != right[0]:
                return False
            return {"minInclusive": left[1] >= right[1], "maxInclusive": left[1] <= right[1],
                    "minExclusive": left[1] > right[1], "maxExclusive": left[1] < right[1]}[component]
        if component in ("minLength", "maxLength"):
            if isinstance(value, ox.BlankNode):
                return False
            length = len(value.value)
            return length >= param if component == "minLength" else length <= param
        if component == "pattern":
            return not isinstance(value, ox.BlankNode) and param.search(value.value) is not None
        if component == "or":
            return any(self.conforms(value, member) for member in param)
        raise UnsupportedShape(component)

    def conforms(self, node, shape: Shape) -> bool:
        """Does ``node`` conform to ``shape`` (used inside sh:or)?"""
        saved_results, saved_deferred = self.results, self.deferred
        self.results, self.deferred = [], []
        try:
            self.check(node, shape)
            return not self.results and not self.deferred
        finally:
            self.results, self.deferred = saved_results, saved_deferred

    def report(self, focus, shape: Shape, component: str, value=None) -> None:
        name = component[0].upper() + component[1:] + "ConstraintComponent"
        self.results.append(Result(str(focus), shape.path_text, name, None if value is None else str(value),
                                   shape.node, shape.message, shape.severity))

    def check(self, focus, shape: Shape) -> None:
        if shape.path is None:
            values = [focus]
        else:
            values = self.view.values(focus, shape.path)
        for component, param in shape.constraints:
            if self.only is not None and component not in self.only:
                continue
            if component == "minCount":
                if len(values) < param:
                    self.report(focus, shape, component)
            elif component == "maxCount":
                if len(values) > param:
                    self.report(focus, shape, component)
            elif component == "uniqueLang":
                languages = [v.language for v in values if isinstance(v, ox.Literal) and v.language]
                for language in sorted({lang for lang in languages if languages.count(lang) > 1}):
                    self.report(focus, shape, component)
            elif component in ("lessThan", "lessThanOrEquals"):
                others = self.view.values(focus, (param, False))
                for value in values:
                    for other in others:
                        left, right = _comparable(value), _comparable(other)
                        ok = left is not None and right is not None and left[0] == right[0] and (
                            left[1] < right[1] if component == "lessThan" else left[1] <= right[1])
                        if not ok:
                            self.report(focus, shape, component, value)
            else:
                for value in values:
                    if self.value_ok(value, component, param):
                        continue
                    if (self.defer and component in ("class", "or") and isinstance(value, (ox.NamedNode, ox.BlankNode))
                            and not self.view.local(value)):
                        self.deferred.append([str(focus), shape.node, str(value)])
                        continue
                    self.report(focus, shape, component, value)
        for prop in shape.properties:
            self.check(focus, prop)

    def run(self, focus_nodes=None) -> None:
        for shape in self.shapes.node_shapes:
            classes = frozenset().union(*(self.shapes.instances_of(c) for c in shape.targets)) \
                if shape.targets else frozenset()
            if focus_nodes is None:
                targets = self.view.instances(classes)
            else:
                targets = [node for node in focus_nodes if self.view.types(node) & classes]
            for node in sorted(targets, key=str):
                self.check(node, shape)


def validate_quads(quads, shapes: Shapes | None = None) -> tuple[list[Result], list[list]]:
    """Check one document's statements: ``(results, deferred)``.

    ``deferred`` lists ``[focus, property shape, value]`` where the value is a node the
    document points to but does not describe; :func:`validate_store` checks those on the
    whole graph.
    """
    shapes = shapes or govkg_shapes()
    checker = _Checker(shapes, QuadView(quads), defer=True)
    checker.run()
    return checker.results, checker.deferred


# What adding statements from other documents can break: everything else is decided by
# the values one document gives (checked in its worker), or can only improve (sh:minCount).
UNION_COMPONENTS = frozenset({"maxCount", "uniqueLang", "lessThan", "lessThanOrEquals"})


def union_predicates(shapes: Shapes | None = None) -> set[str]:
    """Predicate IRIs the union checks read (paths of :data:`UNION_COMPONENTS`, sh:lessThan targets)."""
    shapes = shapes or govkg_shapes()
    found: set[str] = set()

    def walk(shape: Shape) -> None:
        for component, param in shape.constraints:
            if component in UNION_COMPONENTS and shape.path is not None:
                found.add(shape.path[0])
            if component in ("lessThan", "lessThanOrEquals"):
                found.add(param)
        for prop in shape.properties:
            walk(prop)

    for shape in shapes.node_shapes:
        walk(shape)
    return found


def validate_union(view, shared_subjects, deferred=(), retyped=(), shapes: Shapes | None = None) -> list[Result]:
    """The whole-graph checks, on a view of the union of the documents.

    ``shared_subjects``: nodes several documents describe (checked for :data:`UNION_COMPONENTS`);
    ``retyped``: shared nodes whose documents disagree on their types (checked in full);
    ``deferred``: ``[focus, shape, value]`` class checks of nodes a document did not describe.
    """
    shapes = shapes or govkg_shapes()
    retyped = set(retyped)
    checker = _Checker(shapes, view, defer=False, only=UNION_COMPONENTS)
    checker.run([_parse_term(s) for s in shared_subjects if s not in retyped])
    checker.only = None
    checker.run([_parse_term(s) for s in sorted(retyped)])
    by_node = {}

    def find(shape: Shape):
        by_node[shape.node] = shape
        for prop in shape.properties:
            find(prop)

    for shape in shapes.node_shapes:
        find(shape)
    for focus, shape_node, value in deferred:
        shape = by_node.get(shape_node)
        if shape is None:
            continue
        value_term = _parse_term(value)
        for component, param in shape.constraints:
            if component in ("class", "or") and not checker.value_ok(value_term, component, param):
                checker.report(focus, shape, component, value)
    return sorted(set(checker.results), key=lambda r: repr(r.as_list()))


def validate_store(store: ox.Store, shared_subjects, deferred=(), shapes: Shapes | None = None,
                   retyped=()) -> list[Result]:
    """:func:`validate_union` on the union of every named graph of an Oxigraph store."""
    return validate_union(StoreView(store), shared_subjects, deferred, retyped, shapes)


def _parse_term(text: str):
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    # a literal: parse it through N-Triples
    triple = next(iter(ox.parse(f"<urn:x:s> <urn:x:p> {text} .", format=ox.RdfFormat.N_TRIPLES)))
    return triple.object


# --- the report --------------------------------------------------------------------------------

def report_turtle(results: list[Result]) -> str:
    """A SHACL validation report (``sh:ValidationReport``) as Turtle."""
    lines = ["@prefix sh: <http://www.w3.org/ns/shacl#> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .", "",
             "[] a sh:ValidationReport ;",
             f"    sh:conforms {'true' if not results else 'false'}"]
    for result in results:
        lines[-1] += " ;"
        parts = [f"sh:focusNode {result.focus}",
                 f"sh:resultSeverity <{result.severity}>",
                 f"sh:sourceConstraintComponent sh:{result.component}"]
        if result.shape.startswith("<"):
            parts.append(f"sh:sourceShape {result.shape}")
        if result.path:
            path = result.path
            parts.append(f"sh:resultPath [ sh:inversePath {path[1:]} ]" if path.startswith("^")
                         else f"sh:resultPath {path}")
        if result.value is not None:
            parts.append(f"sh:value {result.value}")
        if result.message:
            parts.append(f"sh:resultMessage {_turtle_string(result.message)}")
        lines.append("    sh:result [ a sh:ValidationResult ;\n        " + " ;\n        ".join(parts) + " ]")
    lines[-1] += " ."
    return "\n".join(lines) + "\n"


def report_text(results: list[Result]) -> str:
    """A human-readable report, one block per result."""
    if not results:
        return "Validation Report\nConforms: True\n"
    out = ["Validation Report", "Conforms: False", f"Results ({len(results)}):"]
    for result in results:
        out.append(f"Constraint Violation in {result.component}:")
        out.append(f"\tFocus Node: {result.focus}")
        if result.path:
            out.append(f"\tResult Path: {result.path}")
        if result.value is not None:
            out.append(f"\tValue Node: {result.value}")
        if result.message:
            out.append(f"\tMessage: {result.message}")
    return "\n".join(out) + "\n"


def _turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'

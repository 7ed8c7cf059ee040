"""The cross-document step: statements that need every document at once.

Run by ``kg build`` after all documents are extracted, on the merged statements:

- a plan task ``prov:wasDerivedFrom`` the report passages that state it (:mod:`kg.link`);
- placement evidence from plans: a task whose responsible units include exactly one
  district government (or zone committee) places the projects its text names there
  (method ``plan_units``, with the task's span as the passage);
- ``gk:locatedIn``: a project is located in a district when every piece of placement
  evidence, from every document, points to that same district; conflicting
  evidence places it nowhere.

The statements go to their own named graph, ``id:graph/cross-document``.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import pyoxigraph as ox

from .datafiles import query, read_tsv
from .graph import (PROV_DERIVED, PROV_USED, RDF_TYPE, RDFS_LABEL, describe_district, district_node, gk, iri,
                    iri_segment, literal, passage_node, project_node)
from .store import select

GRAPH = iri("graph/cross-document")


@lru_cache(maxsize=None)
def _governments() -> dict[str, dict]:
    """District rows by the name of the body that governs them (武昌区人民政府, 东湖高新区管委会)."""
    return {row["government"]: row for row in read_tsv("districts.tsv") if row.get("government")}


def link_documents(store: ox.Store) -> list[ox.Quad]:
    """The cross-document statements for a store holding every document's statements."""
    from .link import task_links

    quads: set[ox.Quad] = set()

    def add(s, p, o):
        quads.add(ox.Quad(s, p, o, GRAPH))

    for plan in task_links(store):
        for task in plan.tasks:
            for passage in task["passages"]:
                add(ox.NamedNode(task["task"]), PROV_DERIVED, ox.NamedNode(passage))
    _plan_placements(store, add)
    _located(store, add, quads)
    return sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))


def _plan_placements(store: ox.Store, add) -> None:
    from .extract.projects import find_projects
    from .extract.reports import project_key
    from .nlp import mentions
    from .segment_reports import Sentence

    tasks: dict[str, dict] = {}
    for row in select(store, query("project_plan_tasks")):
        task = tasks.setdefault(row["task"], {**row, "units": set()})
        task["units"].add(row["unitLabel"])
    governments = _governments()
    for iri_text in sorted(tasks):
        task = tasks[iri_text]
        districts = {governments[u]["name"] for u in task["units"] if u in governments}
        if len(districts) != 1:
            continue  # no district, or several: the task does not say where
        text = task["text"]
        sentence = Sentence(0, len(text), text)
        projects = find_projects(text, sentence, mentions(text))
        if not projects:
            continue
        jurisdiction = task["jurisdiction"]
        district = next(iter(districts))
        plan = ox.NamedNode(task["plan"])
        slug = task["plan"].rsplit("/", 1)[-1]
        start, end = int(task["start"]), int(task["end"])
        passage = passage_node(slug, start, end)
        add(passage, RDF_TYPE, gk("Passage"))
        add(passage, gk("text"), literal(text))
        add(passage, gk("startOffset"), literal(start, "integer"))
        add(passage, gk("endOffset"), literal(end, "integer"))
        if task.get("line"):
            add(passage, gk("line"), literal(task["line"], "integer"))
        add(passage, gk("inDocument"), plan)
        sink = _Sink(add)
        describe_district(sink, jurisdiction, governments_row(district))
        for mention in projects:
            key = project_key(mention.name, jurisdiction)
            project = project_node(jurisdiction, key)
            add(project, RDF_TYPE, gk("Project"))
            add(project, RDFS_LABEL, literal(key))
            add(project, gk("inDocument"), plan)
            add(project, gk("mentionedIn"), passage)
            placement = iri(f"project/{iri_segment(jurisdiction)}/{iri_segment(key)}/placement/"
                            f"{slug}/{start}-{end}/plan_units")
            add(project, gk("placement"), placement)
            add(placement, RDF_TYPE, gk("Placement"))
            add(placement, gk("method"), literal("plan_units"))
            add(placement, PROV_USED, passage)
            add(placement, gk("placedIn"), district_node(jurisdiction, district))


def governments_row(name: str) -> dict:
    return next(row for row in read_tsv("districts.tsv") if row["name"] == name)


class _Sink:
    """Adapter so the graph module's describe_* functions write into the cross-document graph."""

    def __init__(self, add):
        self.add = add


def _located(store: ox.Store, add, new_quads: set) -> None:
    """gk:locatedIn where all the placements of a project agree (those in the store and the new ones)."""
    placed: dict[str, set[str]] = defaultdict(set)
    for row in select(store, query("project_placements")):
        placed[row["project"]].add(row["district"])
    for quad in new_quads:
        if quad.predicate == gk("placedIn"):
            project = str(quad.subject.value).split("/placement/")[0]
            placed[project].add(quad.object.value)
    for project in sorted(placed):
        districts = placed[project]
        if len(districts) == 1:
            add(ox.NamedNode(project), gk("locatedIn"), ox.NamedNode(next(iter(districts))))


def link_nquads(lines: list[str]) -> list[str]:
    """:func:`link_documents` on N-Quads lines; returns N-Quads lines (what kg.build merges)."""
    store = ox.Store()
    store.load("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    quads = link_documents(store)
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    return sorted(line for line in text.splitlines() if line)


def link_parts(parts: list, target) -> "Path":
    """:func:`link_documents` over documents' N-Quads files; writes the result, sorted, to ``target``.

    This is the build hook: ``kg.build`` merges the returned file with the
    documents' own (every file sorted as lines, as its merge expects).
    """
    from pathlib import Path

    store = ox.Store()
    for part in parts:
        store.bulk_load(path=str(part), format=ox.RdfFormat.N_QUADS)
    quads = link_documents(store)
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8") if quads else ""
    lines = sorted(line for line in text.splitlines() if line)
    target = Path(target)
    target.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return target

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

from .datafiles import query, read_yaml
from .districts import district_rows
from .graph import (PROV_DERIVED, PROV_USED, RDF_TYPE, RDFS_LABEL, city_of, describe_district, district_node, gk,
                    iri, literal, passage_node, project_node)
from .store import select

GRAPH = iri("graph/cross-document")


@lru_cache(maxsize=None)
def _governments(city: str) -> dict[str, dict]:
    """The district rows of ``city`` by the name of the body that governs them (武昌区人民政府,
    东湖高新区管委会): the gazetteer's rows of another city do not apply (every row when the city is unknown)."""
    return {row["government"]: row for row in district_rows()
            if row.get("government") and (not city or row.get("jurisdiction", "") in ("", city))}


@lru_cache(maxsize=4096)  # asked for every unit of every task: few names, many times
def _district_governed(unit: str, city: str) -> dict | None:
    """The district row of the body ``unit`` names: the gazetteer's (武昌区人民政府, 东湖高新区管委会), or one
    it does not hold, named by its government (咸安区人民政府 -> 咸安区, 通城县人民政府 -> 通城县)."""
    row = _governments(city).get(unit)
    if row is not None:
        return row
    from .extract.projects import district_kind, names_a_place, unseen_district

    levels = read_yaml("jurisdictions.yaml")
    for organ in levels["organs"] + levels["zone_organs"]:
        if unit.endswith(organ):
            place = unit[:-len(organ)]
            if unseen_district(place) == place:
                return {"name": place, "kind": district_kind(place)}
            # a county-level city of the city (赤壁市人民政府 in 咸宁市's plan), never the city itself
            if organ in levels["organs"] and place.endswith("市") and 3 <= len(place) <= 4 and place != city \
                    and names_a_place(place):
                return {"name": place, "kind": "district"}
    return None


# what each document contributes to the cross-document step: rows of these queries, run on
# the document alone in its build worker (cached with it), so the step needs no store
FACT_QUERIES = {"plan_tasks": "coverage_plan_tasks", "report_passages": "coverage_report_passages",
                "placement_tasks": "project_plan_tasks", "placements": "project_placements"}


def document_facts(store: ox.Store) -> dict[str, list[dict]]:
    """The rows the cross-document step needs from the documents in ``store``.

    ``placement_tasks`` keeps only the tasks whose responsible units include exactly
    one district government (the only ones that can place a project) and whose text
    names a project, one row per task with its units' labels in ``units`` and the
    project names in ``projects`` (read here, once per document, not at every build).
    """
    facts = {name: select(store, query(name_of)) for name, name_of in FACT_QUERIES.items()
             if name != "placement_tasks"}
    tasks: dict[str, dict] = {}
    for row in select(store, query("project_plan_tasks")):
        task = tasks.setdefault(row["task"], {**{k: v for k, v in row.items() if k != "unitLabel"}, "units": set()})
        task["units"].add(row["unitLabel"])
    facts["placement_tasks"] = []
    for _, task in sorted(tasks.items()):
        city = city_of(task["jurisdiction"])
        if len({row["name"] for row in (_district_governed(u, city) for u in task["units"]) if row}) == 1:
            projects = _project_names(task["text"])
            if projects:
                facts["placement_tasks"].append({**task, "units": sorted(task["units"]), "projects": projects})
    return facts


def _project_names(text: str) -> list[str]:
    """The projects a task's text names, in the order it names them."""
    from .extract.projects import find_projects
    from .nlp import mentions
    from .segment_reports import Sentence

    return [mention.name for mention in find_projects(text, Sentence(0, len(text), text), mentions(text))]


def fact_keys(facts: dict) -> dict:
    """What a document's facts are about: the (jurisdiction, year) of its plan tasks and of its
    report passages, and how many placement facts it has (small, kept in the build's records)."""
    def keys(name):
        return sorted({(row["jurisdiction"], row["year"]) for row in facts.get(name, ())})

    return {"plans": keys("plan_tasks"), "reports": keys("report_passages"),
            "placements": len(facts.get("placement_tasks", ())) + len(facts.get("placements", ()))}


def can_meet(keys_of_documents: list[dict]) -> list[bool]:
    """For each document's :func:`fact_keys`: whether its facts can take part in a statement.

    A plan's tasks matter only when a report of its jurisdiction and year is there too (and
    the other way round); placement facts always matter.
    """
    plans = {tuple(k) for keys in keys_of_documents for k in keys.get("plans", ())}
    reports = {tuple(k) for keys in keys_of_documents for k in keys.get("reports", ())}
    return [bool(keys.get("placements") or any(tuple(k) in reports for k in keys.get("plans", ()))
                 or any(tuple(k) in plans for k in keys.get("reports", ())))
            for keys in keys_of_documents]


def link_documents(store: ox.Store) -> list[ox.Quad]:
    """The cross-document statements for a store holding every document's statements."""
    return link_facts([document_facts(store)])


def link_facts(facts: list[dict], memo=None) -> list[ox.Quad]:
    """The cross-document statements from the facts of every document (see :func:`document_facts`);
    ``memo``: the plan-report links of a previous build (:class:`kg.link.LinkMemo`)."""
    from .link import link_tasks

    quads: set[ox.Quad] = set()

    def add(s, p, o):
        quads.add(ox.Quad(s, p, o, GRAPH))

    def rows(name):
        return [row for entry in facts for row in entry.get(name, ())]

    for plan in link_tasks(rows("plan_tasks"), rows("report_passages"), memo):
        for task in plan.tasks:
            for passage in task["passages"]:
                add(ox.NamedNode(task["task"]), PROV_DERIVED, ox.NamedNode(passage))
    _plan_placements(rows("placement_tasks"), add)
    _located(rows("placements"), add, quads)
    return sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))


def _plan_placements(task_rows: list[dict], add) -> None:
    from .extract.reports import project_key

    for task in sorted(task_rows, key=lambda row: row["task"]):
        city = city_of(task["jurisdiction"])
        districts = {row["name"]: row for row in (_district_governed(u, city) for u in task["units"]) if row}
        if len(districts) != 1:
            continue  # no district, or several: the task does not say where
        text = task["text"]
        projects = task["projects"]
        if not projects:
            continue
        jurisdiction = city_of(task["jurisdiction"])  # a district's plan names its city's places
        district, district_row = next(iter(districts.items()))
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
        describe_district(sink, jurisdiction, district_row)
        for name in projects:
            key = project_key(name, jurisdiction)
            project = project_node(jurisdiction, key)
            add(project, RDF_TYPE, gk("Project"))
            add(project, RDFS_LABEL, literal(key))
            add(project, gk("inDocument"), plan)
            add(project, gk("mentionedIn"), passage)
            placement = ox.NamedNode(f"{project.value}/placement/{slug}/{start}-{end}/plan_units")
            add(project, gk("placement"), placement)
            add(placement, RDF_TYPE, gk("Placement"))
            add(placement, gk("method"), literal("plan_units"))
            add(placement, PROV_USED, passage)
            add(placement, gk("placedIn"), district_node(jurisdiction, district))


class _Sink:
    """Adapter so the graph module's describe_* functions write into the cross-document graph."""

    def __init__(self, add):
        self.add = add


def _located(placement_rows: list[dict], add, new_quads: set) -> None:
    """gk:locatedIn where all the placements of a project agree (the documents' and the new ones).

    A district its name holds gives way to what a text states: 汉阳造文化创意产业园项目在江夏区开工建设
    names 汉阳 but is built in 江夏区, so when every placement by a sentence, a plan's units or a
    district's own report agrees, the name's is not counted.
    """
    stated: dict[str, set[str]] = defaultdict(set)
    by_name: dict[str, set[str]] = defaultdict(set)
    for row in placement_rows:
        (by_name if row.get("method") == "name" else stated)[row["project"]].add(row["district"])
    for quad in new_quads:
        if quad.predicate == gk("placedIn"):  # plan_units
            project = str(quad.subject.value).split("/placement/")[0]
            stated[project].add(quad.object.value)
    for project in sorted(set(stated) | set(by_name)):
        districts = stated.get(project) or by_name[project]
        if len(districts) == 1:
            add(ox.NamedNode(project), gk("locatedIn"), ox.NamedNode(next(iter(districts))))

"""The unit collaboration network, built from the RDF graph with SPARQL.

Three NetworkX graphs come out of one store (every query is a ``.rq`` file in
``kg/queries/``, loaded by name with :func:`load_query`):

- the **co-ownership graph** (undirected): a node for every unit that leads or
  co-owns a task (a collective such as 各区人民政府 is a node of its own), an edge
  between two units that share tasks, ``weight`` = the number of tasks shared;
- the **lead graph** (directed): ``lead -> co-owner``, ``weight`` = the number of
  tasks the first leads and the second co-owns;
- the **membership graph** (directed): ``collective -> member`` from
  ``org:hasMember``; a separate kind of edge, never mixed into the weights.

Node ids are unit IRIs (stable: they come from the input, not from run order);
nodes and edges are inserted in sorted order, so every algorithm that iterates
over the graph sees the same order on every run.

Units of different jurisdictions may share a name (市发改委 of 武汉市 and of 合肥市 are two
nodes): every node carries its ``jurisdiction`` and a ``display_label``, the label
followed by the jurisdiction (``市发改委（合肥市）``) where units of different
jurisdictions share that label, the label alone otherwise (see :func:`display_labels`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import networkx as nx
import pyoxigraph

from .graph import jurisdiction_of_iri
from .store import select

QUERY_DIR = Path(__file__).parent / "queries"
UNIT_TYPES_TSV = Path(__file__).parent / "data" / "unit_types.tsv"

LEAD = "lead"
COOWNER = "coowner"

# The ontology names two types a little differently from the gazetteer table.
_TYPE_ALIASES = {"CollectiveType": "Collective", "OtherUnitType": "Other"}


@lru_cache(maxsize=None)
def load_query(name: str) -> str:
    """The text of ``kg/queries/<name>.rq``.

    >>> "gk:leads" in load_query("unit_collaboration_edges")
    True
    """
    path = QUERY_DIR / f"{name}.rq"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {QUERY_DIR}")
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=1 << 18)  # the same task IRIs are sorted again for every unit and edge
def natural_key(text: str | None) -> tuple:
    """Sort key that orders embedded numbers by value (``2-2`` before ``2-12``).

    >>> sorted(["task/x/2-12", "task/x/2-2", "task/x/10-1"], key=natural_key)
    ['task/x/2-2', 'task/x/2-12', 'task/x/10-1']
    """
    parts = re.split(r"(\d+)", text or "")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def local_name(iri: str | None) -> str | None:
    """The part of an IRI after ``#`` or the last ``/``.

    >>> local_name("https://w3id.org/govkg/ontology#GovernmentDepartment")
    'GovernmentDepartment'
    """
    if not iri:
        return None
    return re.split(r"[#/]", iri)[-1] or iri


@lru_cache(maxsize=1)
def unit_type_labels() -> dict[str, str]:
    """Chinese names of the unit types, from ``kg/data/unit_types.tsv`` (a fallback when
    the graph carries no ``skos:prefLabel`` for the type concept)."""
    labels: dict[str, str] = {}
    if UNIT_TYPES_TSV.is_file():
        with UNIT_TYPES_TSV.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if row.get("type") and row.get("label_zh"):
                    labels[row["type"].strip()] = row["label_zh"].strip()
    for alias, name in _TYPE_ALIASES.items():
        if name in labels:
            labels.setdefault(alias, labels[name])
    return labels


def canonical_type(type_name: str | None) -> str:
    """Unit type local name, with the ontology's and the gazetteer's spellings made one.

    >>> canonical_type("CollectiveType"), canonical_type(None)
    ('Collective', 'Other')
    """
    if not type_name:
        return "Other"
    return _TYPE_ALIASES.get(type_name, type_name)


@dataclass
class UnitNetwork:
    """The three graphs of one store, and the tasks they are built from."""

    graph: nx.Graph
    lead: nx.DiGraph
    membership: nx.DiGraph
    tasks: dict[str, dict] = field(default_factory=dict)


# the rows the network is built from: query name -> whether it matches per named graph (union off)
NETWORK_QUERIES = {"unit_task_roles": False, "network_tasks": True, "network_units": True,
                   "network_unit_aliases": True, "collective_members": False, "network_task_targets": True}


def network_rows(store: pyoxigraph.Store) -> dict[str, list[dict]]:
    """What the network is built from: the rows of :data:`NETWORK_QUERIES`.

    The rows of several stores put together (each document's alone, as ``kg build``
    keeps them) give the network of their union.
    """
    return {name: select(store, load_query(name), union=not per_graph) for name, per_graph in NETWORK_QUERIES.items()}


def build_network(store: pyoxigraph.Store) -> UnitNetwork:
    """Build the co-ownership, lead and membership graphs of a store (see the module doc)."""
    return network_from_rows(network_rows(store))


def network_from_rows(rows: dict[str, list[dict]]) -> UnitNetwork:
    """The network from :func:`network_rows` (of one store, or of many concatenated).

    The edge weights are counted here from the roles (one pass over the tasks'
    owners), which stays fast on graphs of many documents where a self-join in SPARQL
    does not.
    """
    tasks = _tasks(rows["network_tasks"], rows.get("network_task_targets", []))
    units = _units(rows["network_units"], rows["network_unit_aliases"])
    lead_tasks: dict[str, set[str]] = {}
    coown_tasks: dict[str, set[str]] = {}
    for row in rows["unit_task_roles"]:
        target = lead_tasks if row["role"] == LEAD else coown_tasks
        target.setdefault(row["unit"], set()).add(row["task"])
    # tasks in natural order, those no row describes after the others; one position and code each
    # (looked up, not recomputed, for every unit and edge)
    undescribed = {t for owned in (*lead_tasks.values(), *coown_tasks.values()) for t in owned} - tasks.keys()
    order = {iri: position for position, iri in
             enumerate(sorted(tasks, key=natural_key) + sorted(undescribed, key=natural_key))}
    code_of = {iri: tasks[iri]["code"] if iri in tasks else local_name(iri) for iri in order}

    def ordered(task_iris) -> list[str]:
        return sorted(task_iris, key=order.__getitem__)

    def codes(task_iris) -> list[str]:
        return [code_of[t] for t in ordered(task_iris)]

    graph = nx.Graph(tasks=tasks)
    owners = sorted(set(lead_tasks) | set(coown_tasks))
    # every unit drawn (owners, and members of collectives), named apart where names collide
    infos = {iri: units.get(iri) or _unknown_unit(iri)
             for iri in (*owners, *(row[k] for row in rows["collective_members"] for k in ("collective", "member")))}
    shown = display_labels({iri: (info["label"], info["jurisdiction"]) for iri, info in infos.items()})
    infos = {iri: {**info, "display_label": shown[iri]} for iri, info in sorted(infos.items())}
    for iri in owners:
        info = infos[iri]
        led = lead_tasks.get(iri, set())
        coowned = coown_tasks.get(iri, set())
        graph.add_node(
            iri,
            **info,
            lead_count=len(led),
            coown_count=len(coowned),
            tasks=codes(led | coowned),
            lead_tasks=ordered(led),
            coown_tasks=ordered(coowned),
        )

    shared, led_coowned = _pair_counts(lead_tasks, coown_tasks)
    for (a, b), task_iris in sorted(shared.items(), key=lambda item: (-len(item[1]), item[0])):
        graph.add_edge(a, b, weight=len(task_iris), tasks=codes(task_iris))

    lead = nx.DiGraph()
    lead.add_nodes_from((n, graph.nodes[n]) for n in graph.nodes)
    for (a, b), weight in sorted(led_coowned.items(), key=lambda item: (-item[1], item[0])):
        lead.add_edge(a, b, weight=weight)

    membership = nx.DiGraph()
    for row in sorted(rows["collective_members"], key=lambda r: (r["collective"], r["member"])):
        for iri in (row["collective"], row["member"]):
            if iri not in membership:
                info = graph.nodes[iri] if iri in graph else infos[iri]
                membership.add_node(iri, **info)
        membership.add_edge(row["collective"], row["member"], kind="member")
    for iri in graph.nodes:
        members = sorted(membership.successors(iri)) if iri in membership else []
        graph.nodes[iri]["members"] = members

    return UnitNetwork(graph=graph, lead=lead, membership=membership, tasks=tasks)


def shown_label(data: dict, node: str) -> str:
    """The name a node is shown by: its ``display_label``, else its label, else its IRI."""
    return str(data.get("display_label") or data.get("label") or node)


def display_labels(units: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The name to show for each unit (``iri -> (label, jurisdiction)``): the label, followed
    by the jurisdiction in full-width brackets where units of different jurisdictions share
    that label. A single-jurisdiction graph keeps its plain labels.

    >>> display_labels({"a": ("市发改委", "武汉市"), "b": ("市发改委", "合肥市"), "c": ("市财政局", "合肥市")})
    {'a': '市发改委（武汉市）', 'b': '市发改委（合肥市）', 'c': '市财政局'}
    >>> display_labels({"a": ("市发改委", "武汉市"), "b": ("市发改委", "武汉市")})
    {'a': '市发改委', 'b': '市发改委'}
    """
    jurisdictions: dict[str, set[str]] = {}
    for label, jurisdiction in units.values():
        jurisdictions.setdefault(label, set()).add(jurisdiction or "")
    shown = {}
    for iri, (label, jurisdiction) in units.items():
        apart = len(jurisdictions[label]) > 1 and jurisdiction
        shown[iri] = f"{label}（{jurisdiction}）" if apart else label
    return shown


def _pair_counts(lead_tasks: dict[str, set[str]], coown_tasks: dict[str, set[str]]):
    """Tasks each pair of units shares (``a < b``), and how many tasks ``a`` leads that ``b`` co-owns."""
    owners_of: dict[str, set[str]] = {}
    leads_of: dict[str, list[str]] = {}
    coowners_of: dict[str, list[str]] = {}
    for unit, task_iris in lead_tasks.items():
        for task in task_iris:
            owners_of.setdefault(task, set()).add(unit)
            leads_of.setdefault(task, []).append(unit)
    for unit, task_iris in coown_tasks.items():
        for task in task_iris:
            owners_of.setdefault(task, set()).add(unit)
            coowners_of.setdefault(task, []).append(unit)
    shared: dict[tuple[str, str], list[str]] = {}  # each (pair, task) is met once: lists, not sets
    led_coowned: dict[tuple[str, str], int] = {}
    for task, owners in owners_of.items():
        for pair in combinations(sorted(owners), 2):
            entry = shared.get(pair)
            if entry is None:
                shared[pair] = [task]
            else:
                entry.append(task)
        for a in leads_of.get(task, ()):
            for b in coowners_of.get(task, ()):
                if b != a:
                    led_coowned[(a, b)] = led_coowned.get((a, b), 0) + 1
    return shared, led_coowned


def coownership_graph(store: pyoxigraph.Store) -> nx.Graph:
    """Only the undirected co-ownership graph of :func:`build_network`."""
    return build_network(store).graph


def owners_by_task_pair(a: str, b: str, lead_tasks: dict, coown_tasks: dict) -> set[str]:
    """Tasks that units ``a`` and ``b`` both lead or co-own."""
    tasks_a = lead_tasks.get(a, set()) | coown_tasks.get(a, set())
    tasks_b = lead_tasks.get(b, set()) | coown_tasks.get(b, set())
    return tasks_a & tasks_b


_TASK_COLUMNS = ("task", "code", "text", "doc", "line", "part", "partCode", "partLabel", "section", "sectionCode",
                 "sectionLabel", "deadline", "deadlineText")


def _tasks(task_rows: list[dict], target_rows: list[dict] = ()) -> dict[str, dict]:
    targets: dict[str, dict[str, str]] = {}  # task -> target -> its words as written
    for row in target_rows:
        words = row.get("surface") or "".join(row.get(k) or "" for k in ("metric", "value", "measure"))
        targets.setdefault(row["task"], {}).setdefault(row["target"], words)
    tasks = {}
    for row in sorted(task_rows, key=lambda r: tuple(r.get(k) or "" for k in _TASK_COLUMNS)):
        iri = row["task"]
        if iri in tasks:
            continue  # a task stated twice (two parts or sections): the first in sorted order, as MIN would
        if row["section"]:
            group, group_code, group_label = row["section"], row["sectionCode"], row["sectionLabel"]
        elif row["part"]:
            group, group_code, group_label = row["part"], row["partCode"], row["partLabel"]
        else:
            group, group_code, group_label = row["doc"] or "", "", ""
        tasks[iri] = {
            "iri": iri,
            "code": row["code"] or local_name(iri),
            "text": row["text"] or "",
            "document": row["doc"] or "",
            "section": group or "",
            "section_code": group_code or "",
            "section_label": group_label or "",
            "line": int(row["line"]) if row.get("line") else 0,  # in the document; 0 when unknown
            "deadline": row.get("deadline") or "",  # the last day allowed (ISO), "" when the plan gives none
            "deadline_text": row.get("deadlineText") or "",  # as written (全年, 2026年12月底前), "" when none
            "targets": [targets[iri][t] for t in sorted(targets.get(iri, {}), key=natural_key)],
        }
    return dict(sorted(tasks.items()))


def _units(unit_rows: list[dict], alias_rows: list[dict]) -> dict[str, dict]:
    """Every unit the graph describes, the descriptions of all documents merged (smallest value wins)."""
    alt: dict[str, set[str]] = {}
    for row in alias_rows:
        alt.setdefault(row["unit"], set()).add(row["altLabel"])
    merged: dict[str, dict] = {}
    for row in unit_rows:
        unit = merged.setdefault(row["unit"], {"label": set(), "prefLabel": set(), "type": set(),
                                               "jurisdiction": set(), "collective": False})
        for name in ("label", "prefLabel", "type", "jurisdiction"):
            if row.get(name):
                unit[name].add(row[name])
        unit["collective"] = unit["collective"] or row["collective"] == "true"
    type_labels = unit_type_labels()
    units = {}
    for iri in sorted(merged):
        row = {name: (min(value) if value else None) if isinstance(value, set) else value
               for name, value in merged[iri].items()}
        label = row["label"] or row["prefLabel"] or local_name(iri)
        names = sorted(alt.get(iri, ()))
        # the full name: the longest alias (ties: the first in code-point order), else the preferred label
        full_name = min(names, key=lambda s: (-len(s), s)) if names else (row["prefLabel"] or label)
        unit_type = canonical_type(local_name(row["type"]))
        units[iri] = {
            "label": label,
            "full_name": full_name,
            "aliases": names,
            "unit_type": unit_type,
            "unit_type_label": type_labels.get(unit_type, unit_type),
            "is_collective": row["collective"] or unit_type == "Collective",
            "jurisdiction": row["jurisdiction"] or jurisdiction_of_iri(iri),
        }
    return units


def _unknown_unit(iri: str) -> dict:
    from urllib.parse import unquote

    name = unquote(local_name(iri) or iri)
    return {
        "label": name,
        "full_name": name,
        "aliases": [],
        "unit_type": "Other",
        "unit_type_label": unit_type_labels().get("Other", "Other"),
        "is_collective": False,
        "jurisdiction": jurisdiction_of_iri(iri),  # described nowhere: its IRI still names it
    }


__all__ = [
    "COOWNER",
    "LEAD",
    "UnitNetwork",
    "build_network",
    "network_from_rows",
    "network_rows",
    "coownership_graph",
    "display_labels",
    "shown_label",
    "load_query",
    "natural_key",
]

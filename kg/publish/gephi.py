"""The co-ownership graph for Gephi: GraphML and GEXF via NetworkX.

Node ids are unit IRIs; attributes are flat (lists joined with ``;``) because
neither format holds lists. Collective membership is a node attribute
(``members``), not an edge, so edge weights stay "tasks shared". The GEXF
writer's ``lastmodifieddate`` (today's date) is dropped so the same graph
gives the same bytes.

``label`` is the name Gephi shows: where units of different jurisdictions share a
label it is followed by the jurisdiction (``市发改委（合肥市）``); ``jurisdiction`` is an
attribute of every node.
"""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from ..network import UnitNetwork, natural_key, shown_label

GRAPHML_NAME = "collaboration.graphml"
GEXF_NAME = "collaboration.gexf"

_UNIT_MEASURES = ("betweenness", "pagerank", "community", "participation", "weighted_degree", "degree")


def export_graph(net: UnitNetwork, analysis: dict | None = None) -> nx.Graph:
    """A copy of the co-ownership graph with flat, typed attributes, inserted in sorted order."""
    G = net.graph
    stats = {row["iri"]: row for row in (analysis or {}).get("units", [])}
    out = nx.Graph()
    for n in sorted(G.nodes, key=natural_key):
        d = G.nodes[n]
        lead, coown = int(d.get("lead_count", 0)), int(d.get("coown_count", 0))
        attrs = {
            "label": shown_label(d, n),
            "full_name": str(d.get("full_name", d.get("label", n))),
            "jurisdiction": str(d.get("jurisdiction") or ""),
            "unit_type": str(d.get("unit_type", "Other")),
            "unit_type_label": str(d.get("unit_type_label", d.get("unit_type", "Other"))),
            "is_collective": bool(d.get("is_collective", False)),
            "lead_count": lead,
            "coown_count": coown,
            "load": lead + coown,
            "tasks": ";".join(d.get("tasks", [])),
            "members": ";".join(
                shown_label(net.membership.nodes[m], m) for m in d.get("members", []) if m in net.membership
            ),
        }
        row = stats.get(n, {})
        for key in _UNIT_MEASURES:
            if key in row:
                attrs[key] = row[key]
        out.add_node(n, **attrs)
    for u, v, d in sorted(G.edges(data=True), key=lambda e: tuple(sorted((e[0], e[1]), key=natural_key))):
        a, b = sorted((u, v), key=natural_key)
        out.add_edge(a, b, weight=int(d.get("weight", 1)), tasks=";".join(d.get("tasks", [])))
    return out


def graphml_bytes(net: UnitNetwork, analysis: dict | None = None) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(export_graph(net, analysis), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def gexf_bytes(net: UnitNetwork, analysis: dict | None = None) -> bytes:
    from .network_page import type_colour

    G = export_graph(net, analysis)
    for n, d in G.nodes(data=True):
        colour = type_colour(d["unit_type"]).lstrip("#")
        r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
        d["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}, "size": float(5 + 2 * d["load"])}
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(G)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def write_graphml(net: UnitNetwork, analysis: dict | None, path: Path) -> Path:
    Path(path).write_bytes(graphml_bytes(net, analysis))
    return Path(path)


def write_gexf(net: UnitNetwork, analysis: dict | None, path: Path) -> Path:
    Path(path).write_bytes(gexf_bytes(net, analysis))
    return Path(path)

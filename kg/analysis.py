"""Analyses of the unit collaboration network.

Small pure functions in the NetworkX manner: the graph comes first, plain
dicts (or lists of dicts) come out, and every number is rounded so the output
is the same on every run. The graph is the co-ownership graph of
:mod:`kg.network`: nodes are unit IRIs carrying ``label``, ``unit_type``,
``lead_count``, ``coown_count``, ``lead_tasks`` and ``coown_tasks`` (and ``jurisdiction``,
``display_label``: where units of two jurisdictions share a label, lists of names
give ``市发改委（合肥市）``, and every row carries the jurisdiction); edges carry
``weight`` (tasks shared); ``G.graph["tasks"]`` maps task IRIs to their code and
section. The functions only need the attributes they name.

:func:`analyse` puts it together for ``out/analysis.json``.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from .network import build_network, display_labels, natural_key

SEED = 42
EXACT_BETWEENNESS_LIMIT = 1000  # above this many nodes, betweenness is estimated from SAMPLE_PIVOTS sources
SAMPLE_PIVOTS = 500
DIGITS = 6


def _r(x: float) -> float:
    value = round(float(x), DIGITS)
    return 0.0 if value == 0 else value


def _label(G, n) -> str:
    return G.nodes[n].get("label", str(n))


def shown_labels(G: nx.Graph) -> dict:
    """The name to show for each node: its ``display_label`` (from :mod:`kg.network`), else its
    label, followed by its jurisdiction where nodes of different jurisdictions share the label.

    >>> G = nx.Graph()
    >>> G.add_node("a", label="市财政局", jurisdiction="合肥市"); G.add_node("b", label="市财政局", jurisdiction="南昌市")
    >>> G.add_node("c", label="市教育局", jurisdiction="南昌市")
    >>> shown_labels(G)
    {'a': '市财政局（合肥市）', 'b': '市财政局（南昌市）', 'c': '市教育局'}
    """
    computed = display_labels({n: (_label(G, n), d.get("jurisdiction") or "") for n, d in G.nodes(data=True)})
    return {n: d.get("display_label") or computed[n] for n, d in G.nodes(data=True)}


def task_load(G: nx.Graph) -> dict:
    """Tasks each unit leads, co-owns, and both together.

    >>> G = nx.Graph()
    >>> G.add_node("a", lead_count=2, coown_count=1); G.add_node("b", coown_count=3)
    >>> task_load(G)
    {'a': {'coowner': 1, 'lead': 2, 'total': 3}, 'b': {'coowner': 3, 'lead': 0, 'total': 3}}
    """
    out = {}
    for n, d in G.nodes(data=True):
        lead, coown = int(d.get("lead_count", 0)), int(d.get("coown_count", 0))
        out[n] = {"coowner": coown, "lead": lead, "total": lead + coown}
    return out


def degree(G: nx.Graph) -> dict:
    """Number of units each unit shares at least one task with.

    >>> degree(nx.path_graph(["a", "b", "c"]))
    {'a': 1, 'b': 2, 'c': 1}
    """
    return {n: int(k) for n, k in G.degree()}


def weighted_degree(G: nx.Graph, weight: str = "weight") -> dict:
    """Sum of shared-task counts over a unit's collaborators.

    >>> G = nx.Graph(); G.add_edge("a", "b", weight=2); G.add_edge("b", "c", weight=1)
    >>> weighted_degree(G)
    {'a': 2, 'b': 3, 'c': 1}
    """
    return {n: int(k) for n, k in G.degree(weight=weight)}


def betweenness(G: nx.Graph) -> dict:
    """Normalised betweenness centrality over shortest (hop-count) paths.

    Exact up to ``EXACT_BETWEENNESS_LIMIT`` nodes; beyond that estimated from
    ``SAMPLE_PIVOTS`` source nodes drawn with a fixed seed, so still deterministic.

    >>> betweenness(nx.path_graph(["a", "b", "c"]))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    if G.number_of_nodes() == 0:
        return {}
    k = None if G.number_of_nodes() <= EXACT_BETWEENNESS_LIMIT else SAMPLE_PIVOTS
    values = nx.betweenness_centrality(G, k=k, normalized=True, weight=None, seed=SEED)
    return {n: _r(v) for n, v in values.items()}


def pagerank(G: nx.Graph, weight: str = "weight") -> dict:
    """PageRank on the weighted co-ownership graph (alpha 0.85).

    >>> pr = pagerank(nx.star_graph(3))
    >>> max(pr, key=pr.get), round(sum(pr.values()), 3)
    (0, 1.0)
    """
    if G.number_of_nodes() == 0:
        return {}
    values = nx.pagerank(G, alpha=0.85, weight=weight, tol=1e-10, max_iter=1000)
    return {n: _r(v) for n, v in values.items()}


def communities(G: nx.Graph, weight: str = "weight", seed: int = SEED) -> dict:
    """Louvain communities (fixed seed) found within each connected component, as ``{node: community number}``.

    Each component is split on its own: over the whole graph, modularity's resolution
    limit merges a component's groups once the graph holds many components (several
    cities' plans: one community per city, and no unit left brokering between groups).
    Communities are numbered 0, 1, … by size (largest first), ties by their smallest
    node, so the numbering is stable.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    >>> communities(G)
    {'a': 0, 'b': 0, 'c': 0, 'x': 1, 'y': 1, 'z': 1}
    """
    if G.number_of_nodes() == 0:
        return {}
    found = []
    for component in sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: c[0]):
        found += nx.community.louvain_communities(G.subgraph(component), weight=weight, seed=seed)
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    return dict(sorted((n, i) for i, members in enumerate(ordered) for n in members))


def participation(G: nx.Graph, membership: dict, weight: str = "weight") -> dict:
    """Participation coefficient: ``1 - sum_s (k_is / k_i)^2`` over communities ``s``.

    0 when all of a unit's shared tasks stay inside one community; near 1 when
    they are spread evenly over many.

    >>> G = nx.Graph([("a", "b"), ("a", "c")])
    >>> participation(G, {"a": 0, "b": 0, "c": 1})
    {'a': 0.5, 'b': 0.0, 'c': 0.0}
    """
    out = {}
    for n in G.nodes:
        by_community: Counter = Counter()
        for m, d in G[n].items():
            by_community[membership[m]] += d.get(weight, 1)
        total = sum(by_community.values())
        out[n] = _r(1 - sum((k / total) ** 2 for k in by_community.values())) if total else 0.0
    return out


def communities_reached(G: nx.Graph, membership: dict) -> dict:
    """How many communities other than its own a unit's collaborators belong to.

    >>> G = nx.Graph([("a", "b"), ("a", "c")])
    >>> communities_reached(G, {"a": 0, "b": 1, "c": 2})
    {'a': 2, 'b': 1, 'c': 1}
    """
    return {n: len({membership[m] for m in G[n]} - {membership[n]}) for n in G.nodes}


def brokers(G: nx.Graph, membership: dict, between: dict | None = None, weight: str = "weight") -> list:
    """Units that link communities, best broker first.

    Ranked by the number of other communities their collaborators belong to,
    then betweenness, then participation coefficient; units whose
    collaborators are all in their own community are left out. ``label`` is the
    name shown (with the jurisdiction where labels collide, see :func:`shown_labels`).

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> [b["unit"] for b in brokers(G, {"a": 0, "b": 0, "c": 1, "d": 1})]
    ['b', 'c']
    """
    between = between if between is not None else betweenness(G)
    part = participation(G, membership, weight)
    reach = communities_reached(G, membership)
    names = shown_labels(G)
    rows = [
        {
            "unit": n,
            "label": names[n],
            "jurisdiction": G.nodes[n].get("jurisdiction") or "",
            "community": membership[n],
            "communities_reached": reach[n],
            "betweenness": between.get(n, 0.0),
            "participation": part[n],
        }
        for n in G.nodes
        if reach[n] > 0
    ]
    rows.sort(key=lambda r: (-r["communities_reached"], -r["betweenness"], -r["participation"], r["label"], r["unit"]))
    return rows


def top_pairs(G: nx.Graph, n: int | None = None, weight: str = "weight") -> list:
    """The pairs of units that share the most tasks (names as in :func:`shown_labels`).

    >>> G = nx.Graph(); G.add_edge("a", "b", weight=1); G.add_edge("b", "c", weight=3)
    >>> [(p["a"], p["b"], p["weight"]) for p in top_pairs(G)]
    [('b', 'c', 3), ('a', 'b', 1)]
    """
    rows = []
    names = shown_labels(G)
    for u, v, d in G.edges(data=True):
        a, b = sorted((u, v), key=lambda x: (names[x], x))
        rows.append(
            {
                "a": a,
                "b": b,
                "a_label": names[a],
                "b_label": names[b],
                "a_jurisdiction": G.nodes[a].get("jurisdiction") or "",
                "b_jurisdiction": G.nodes[b].get("jurisdiction") or "",
                "weight": int(d.get(weight, 1)),
                "tasks": list(d.get("tasks", [])),
            }
        )
    rows.sort(key=lambda r: (-r["weight"], r["a_label"], r["b_label"], r["a"], r["b"]))
    return rows if n is None else rows[:n]


def load_by_section(G: nx.Graph) -> list:
    """Tasks, lead and co-owner assignments and distinct units per plan section.

    A task outside any section is counted under its part. Uses
    ``G.graph["tasks"]`` (task IRI -> ``section``, ``section_code``, ``section_label``).

    >>> G = nx.Graph(tasks={"t1": {"section": "s1", "section_code": "二.(一)", "section_label": "消费"}})
    >>> G.add_node("a", lead_tasks=["t1"], coown_tasks=[]); G.add_node("b", lead_tasks=[], coown_tasks=["t1"])
    >>> load_by_section(G)
    [{'code': '二.(一)', 'coowner': 1, 'label': '消费', 'lead': 1, 'section': 's1', 'tasks': 1, 'units': 2}]
    """
    tasks = G.graph.get("tasks", {})
    rows: dict[str, dict] = {}
    units: dict[str, set] = defaultdict(set)
    seen_tasks: dict[str, set] = defaultdict(set)
    for n, d in G.nodes(data=True):
        for role, key in (("lead", "lead_tasks"), ("coowner", "coown_tasks")):
            for t in d.get(key, []):
                info = tasks.get(t, {})
                section = info.get("section", "")
                row = rows.setdefault(
                    section,
                    {
                        "code": info.get("section_code", ""),
                        "coowner": 0,
                        "label": info.get("section_label", ""),
                        "lead": 0,
                        "section": section,
                    },
                )
                row[role] += 1
                units[section].add(n)
                seen_tasks[section].add(t)
    out = []
    for section in sorted(rows, key=natural_key):
        row = rows[section] | {"tasks": len(seen_tasks[section]), "units": len(units[section])}
        out.append(dict(sorted(row.items())))
    return out


def load_by_unit_type(G: nx.Graph) -> list:
    """Units, lead and co-owner assignments per unit type, heaviest type first.

    >>> G = nx.Graph()
    >>> G.add_node("a", unit_type="GovernmentDepartment", lead_count=2, coown_count=1)
    >>> G.add_node("b", unit_type="GovernmentDepartment", lead_count=0, coown_count=3)
    >>> load_by_unit_type(G)[0]["total"], load_by_unit_type(G)[0]["mean_load"]
    (6, 3.0)
    """
    rows: dict[str, dict] = {}
    for _, d in G.nodes(data=True):
        t = d.get("unit_type") or "Other"
        row = rows.setdefault(
            t, {"coowner": 0, "label": d.get("unit_type_label", t), "lead": 0, "unit_type": t, "units": 0}
        )
        row["units"] += 1
        row["lead"] += int(d.get("lead_count", 0))
        row["coowner"] += int(d.get("coown_count", 0))
    out = []
    for row in rows.values():
        total = row["lead"] + row["coowner"]
        out.append(dict(sorted((row | {"total": total, "mean_load": _r(total / row["units"])}).items())))
    out.sort(key=lambda r: (-r["total"], r["unit_type"]))
    return out


def community_summary(G: nx.Graph, membership: dict, top: int = 5) -> list:
    """Size, internal weight, main unit types and the heaviest-loaded members of each community.

    >>> G = nx.Graph(); G.add_edge("a", "b", weight=2)
    >>> community_summary(G, {"a": 0, "b": 0})[0]["size"]
    2
    """
    load = task_load(G)
    names = shown_labels(G)
    groups: dict[int, list] = defaultdict(list)
    for n, c in membership.items():
        groups[c].append(n)
    out = []
    for c in sorted(groups):
        members = groups[c]
        sub = G.subgraph(members)
        types = Counter(G.nodes[n].get("unit_type", "Other") for n in members)
        ranked = sorted(members, key=lambda n: (-load[n]["total"], names[n], n))
        out.append(
            {
                "community": c,
                "internal_weight": int(sub.size(weight="weight")),
                "size": len(members),
                "top_units": [names[n] for n in ranked[:top]],
                "unit_types": dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))),
            }
        )
    return out


def unit_table(G: nx.Graph, membership: dict, between: dict, ranks: dict) -> list:
    """One row per unit with every per-unit measure, heaviest load first: ``label`` as written,
    ``jurisdiction`` beside it (two units of two cities may share the label)."""
    load = task_load(G)
    deg, wdeg = degree(G), weighted_degree(G)
    part = participation(G, membership)
    reach = communities_reached(G, membership)
    rows = []
    for n, d in G.nodes(data=True):
        rows.append(
            {
                "iri": n,
                "label": d.get("label", n),
                "full_name": d.get("full_name", d.get("label", n)),
                "jurisdiction": d.get("jurisdiction") or "",
                "unit_type": d.get("unit_type", "Other"),
                "unit_type_label": d.get("unit_type_label", d.get("unit_type", "Other")),
                "is_collective": bool(d.get("is_collective", False)),
                "lead": load[n]["lead"],
                "coowner": load[n]["coowner"],
                "load": load[n]["total"],
                "degree": deg[n],
                "weighted_degree": wdeg[n],
                "betweenness": between.get(n, 0.0),
                "pagerank": ranks.get(n, 0.0),
                "community": membership.get(n, -1),
                "participation": part[n],
                "communities_reached": reach[n],
            }
        )
    rows.sort(key=lambda r: (-r["load"], -r["weighted_degree"], r["label"], r["iri"]))
    return rows


def analyse_network(G: nx.Graph, membership_graph: nx.DiGraph | None = None) -> dict:
    """Everything :func:`analyse` reports, from an already built co-ownership graph."""
    membership = communities(G)
    between = betweenness(G)
    ranks = pagerank(G)
    modularity = (
        nx.community.modularity(G, _groups(membership), weight="weight") if G.number_of_edges() else 0.0
    )
    components = list(nx.connected_components(G)) if G.number_of_nodes() else []
    members_only = 0
    if membership_graph is not None:
        members_only = sum(1 for n in membership_graph.nodes if n not in G)
    summary = {
        "units": G.number_of_nodes(),
        "collectives": sum(1 for _, d in G.nodes(data=True) if d.get("is_collective")),
        "member_only_units": members_only,
        "tasks": len(G.graph.get("tasks", {})),
        "edges": G.number_of_edges(),
        "shared_task_links": int(G.size(weight="weight")),
        "density": _r(nx.density(G)) if G.number_of_nodes() > 1 else 0.0,
        "components": len(components),
        "largest_component": max((len(c) for c in components), default=0),
        "communities": len(set(membership.values())),
        "modularity": _r(modularity),
        "betweenness": "exact" if G.number_of_nodes() <= EXACT_BETWEENNESS_LIMIT else f"sampled k={SAMPLE_PIVOTS}",
        "community_method": f"louvain seed={SEED}",
    }
    return {
        "summary": dict(sorted(summary.items())),
        "units": unit_table(G, membership, between, ranks),
        "brokers": brokers(G, membership, between),
        "top_pairs": top_pairs(G),
        "communities": community_summary(G, membership),
        "load_by_section": load_by_section(G),
        "load_by_unit_type": load_by_unit_type(G),
    }


def analyse(store) -> dict:
    """The content of ``analysis.json`` for a store: summary, per-unit measures,
    brokers, top pairs, communities, load by section and by unit type."""
    net = build_network(store)
    return analyse_network(net.graph, net.membership)


def _groups(membership: dict) -> list:
    groups: dict[int, set] = defaultdict(set)
    for n, c in membership.items():
        groups[c].add(n)
    return [groups[c] for c in sorted(groups)]


# --- rich tables for `kg analyze` ------------------------------------------------------------


def report_tables(result: dict, top: int = 10) -> list:
    """Rich tables of an :func:`analyse` result: who carries the load and who brokers."""
    from rich.table import Table
    from rich.text import Text  # data shown as plain text, never as rich markup

    units = result["units"]
    names = display_labels({r["iri"]: (r["label"], r.get("jurisdiction") or "") for r in units})
    tables = []

    def unit_ranking(title, key, fmt, extra=()):
        t = Table(title=title, title_justify="left")
        t.add_column("#", justify="right")
        t.add_column("unit")
        t.add_column("type")
        t.add_column(key, justify="right")
        for name in extra:
            t.add_column(name, justify="right")
        ranked = sorted(units, key=lambda r: (-r[key], names[r["iri"]], r["iri"]))[:top]
        for i, r in enumerate(ranked, 1):
            t.add_row(str(i), Text(names[r["iri"]]), Text(r["unit_type_label"]), fmt(r[key]), *(str(r[e]) for e in extra))
        return t

    tables.append(unit_ranking("Task load (lead + co-owner)", "load", str, extra=("lead", "coowner")))
    tables.append(unit_ranking("Weighted degree (tasks shared with others)", "weighted_degree", str, extra=("degree",)))
    tables.append(unit_ranking("Betweenness", "betweenness", lambda v: f"{v:.4f}"))
    tables.append(unit_ranking("PageRank", "pagerank", lambda v: f"{v:.4f}"))

    t = Table(title="Brokers between communities (reaches: other communities among its collaborators)",
              title_justify="left")
    for col, just in (("#", "right"), ("unit", "left"), ("community", "right"), ("reaches", "right"),
                      ("betweenness", "right"), ("participation", "right")):
        t.add_column(col, justify=just)
    for i, b in enumerate(result["brokers"][:top], 1):
        t.add_row(str(i), Text(b["label"]), str(b["community"]), str(b["communities_reached"]),
                  f"{b['betweenness']:.4f}", f"{b['participation']:.3f}")
    tables.append(t)

    t = Table(title="Pairs that work together most", title_justify="left")
    for col, just in (("#", "right"), ("unit", "left"), ("unit", "left"), ("shared tasks", "right")):
        t.add_column(col, justify=just)
    for i, p in enumerate(result["top_pairs"][:top], 1):
        t.add_row(str(i), Text(p["a_label"]), Text(p["b_label"]), str(p["weight"]))
    tables.append(t)

    t = Table(title="Communities (Louvain)", title_justify="left")
    for col, just in (("community", "right"), ("size", "right"), ("internal weight", "right"), ("main units", "left")):
        t.add_column(col, justify=just)
    for c in result["communities"][:top]:
        t.add_row(str(c["community"]), str(c["size"]), str(c["internal_weight"]), Text("、".join(c["top_units"])))
    tables.append(t)
    return tables


def print_report(result: dict, top: int = 10, as_json: bool = False, console=None) -> None:
    """Print an :func:`analyse` result: rich tables, or the JSON of analysis.json."""
    import json

    from rich.console import Console

    console = console or Console()
    if as_json:
        console.print_json(json.dumps(result, ensure_ascii=False, sort_keys=True))
        return
    s = result["summary"]
    console.print(
        f"[bold]{s['units']}[/bold] units sharing tasks over [bold]{s['edges']}[/bold] links "
        f"({s['tasks']} tasks; {s['communities']} communities, modularity {s['modularity']:.3f})"
    )
    for table in report_tables(result, top):
        console.print(table)

"""The collaboration network as an offline page (pyvis + vis-network), and the
entry point that writes every network output of a build.

The page is rendered from ``templates/collaboration.html`` with pyvis's node and
edge records and vis-network's JavaScript and CSS (shipped inside the pyvis
package) inlined: it loads nothing from the network — no CDN, no font, no
image — and its Content-Security-Policy forbids it to.

Escaping: all text from documents (unit names, task texts) travels only inside
one JSON block (``<``, ``>``, ``&`` and U+2028/9 written as ``\\uXXXX``, so it
cannot close the script element); the page's JavaScript puts it into the DOM
with ``textContent`` and builds hover tooltips as DOM elements, never HTML
strings. vis-network draws labels on a canvas.

Units of different jurisdictions may share a name: each node's details carry its
jurisdiction, and where two nodes of the page share a label of different
jurisdictions the drawn label is followed by the jurisdiction (``市发改委（合肥市）``;
``display_label`` of :mod:`kg.network`); a one-city page keeps its plain labels.

Everything is sorted and carries no time stamp, so the same graph gives the
same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jinja2
import pyvis
from markupsafe import Markup
from pyvis.network import Network

from ..analysis import analyse_network
from ..network import COOWNER, LEAD, UnitNetwork, build_network, local_name, natural_key, shown_label
from . import gephi

TEMPLATES = Path(__file__).parent / "templates"


def _vis_dir() -> Path:
    """vis-network as shipped inside pyvis (0.3.2 ships 9.1.2); the newest copy if several."""
    lib = Path(pyvis.__file__).parent / "templates" / "lib"
    found = sorted((p.parent for p in lib.glob("vis-*/vis-network.min.js")), key=lambda p: natural_key(p.name))
    if not found:
        raise FileNotFoundError(f"vis-network not found under {lib} (pyvis >= 0.3.2 ships it)")
    return found[-1]


VIS_DIR = _vis_dir()

PAGE_NAME = "collaboration.html"
ANALYSIS_NAME = "analysis.json"
UNITS_CSV_NAME = "units.csv"

FONT_FACE = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif'

# Colour of each unit type (Tableau 10); presentation, not data.
TYPE_COLOURS = {
    "GovernmentDepartment": "#4e79a7",
    "DistrictGovernment": "#59a14f",
    "ZoneCommittee": "#76b7b2",
    "PartyOrgan": "#e15759",
    "StateOwnedEnterprise": "#f28e2b",
    "PeoplesOrganisation": "#b07aa1",
    "JudicialOrgan": "#9c755f",
    "CentralUnit": "#edc948",
    "Collective": "#59595c",
    "Other": "#bab0ac",
}
FALLBACK_COLOUR = "#bab0ac"
MEMBER_EDGE_COLOUR = "#8c8c8c"
# characters of a task's text carried into the page: a longer one is cut (…), and the page names
# its whole length, document and line, so the whole is found without carrying it (the page of
# 200 plans is already 26 MB; in the seeds 5 of 340 texts are longer)
TEXT_LIMIT = 120

UNIT_CSV_FIELDS = [
    "iri", "label", "full_name", "jurisdiction", "unit_type", "unit_type_label", "is_collective", "lead", "coowner", "load",
    "degree", "weighted_degree", "betweenness", "pagerank", "community", "participation", "communities_reached",
]


def type_colour(unit_type: str) -> str:
    return TYPE_COLOURS.get(unit_type, FALLBACK_COLOUR)


def vis_options(node_count: int) -> dict:
    """vis-network options: stabilise first (iterations fewer as the graph grows), then
    the page turns physics off; labels fade out when zoomed away on big graphs."""
    big = node_count > 300
    iterations = 1000 if node_count <= 150 else (400 if node_count <= 800 else 200)
    return {
        "autoResize": True,
        "layout": {"randomSeed": 42, "improvedLayout": node_count <= 150},
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            "font": {"face": FONT_FACE, "size": 14, "color": "#1f2933", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {
                "min": 6,
                "max": 42,
                "label": {"enabled": True, "min": 12, "max": 30, "drawThreshold": 7 if big else 4, "maxVisible": 30},
            },
        },
        "edges": {
            "smooth": False,
            "color": {"color": "#9aa5b1", "highlight": "#d64545", "hover": "#d64545", "opacity": 0.55},
            "scaling": {"min": 1, "max": 12},
            "selectionWidth": 1.5,
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -70,
                "centralGravity": 0.012,
                "springLength": 110,
                "springConstant": 0.05,
                "avoidOverlap": 0.3,
            },
            "maxVelocity": 60,
            "minVelocity": 1.0,
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 20, "fit": True},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "multiselect": False,
        },
    }


def page_data(net: UnitNetwork, analysis: dict | None = None) -> dict:
    """Everything the page draws, as plain JSON-ready data built with pyvis's Network.

    Node ids are positions in IRI order; member-only units (members of a
    collective that own no task themselves) are drawn small and hollow.
    """
    G, M = net.graph, net.membership
    by_unit = {row["iri"]: row for row in (analysis or {}).get("units", [])}

    task_iris = sorted(net.tasks, key=natural_key)
    task_index = {iri: i for i, iri in enumerate(task_iris)}
    tasks = [
        # its deadline: the last day allowed, else the time as written when it gives none (全年, 长期坚持)
        [net.tasks[t]["code"], _clip(net.tasks[t]["text"]), net.tasks[t].get("section_label", ""),
         net.tasks[t].get("deadline", "") or net.tasks[t].get("deadline_text", "")] for t in task_iris
    ]
    # Sparse, by task index, so a task without them carries nothing: its targets, and for a text cut
    # at TEXT_LIMIT where the whole is (length, document, line), so the page says so.
    targets = {str(i): [_place(words, tasks[i][1]) for words in net.tasks[t]["targets"]]
               for i, t in enumerate(task_iris) if net.tasks[t].get("targets")}
    cut_iris = [t for t in task_iris if len(_whole(net.tasks[t]["text"])) > TEXT_LIMIT]
    documents = sorted({net.tasks[t].get("document", "") for t in cut_iris}, key=natural_key)
    cut = {
        str(task_index[t]): [len(_whole(net.tasks[t]["text"])), documents.index(net.tasks[t].get("document", "")),
                             net.tasks[t].get("line", 0)]
        for t in cut_iris
    }

    iris = sorted(set(G.nodes) | set(M.nodes), key=natural_key)
    ids = {iri: i for i, iri in enumerate(iris)}

    pv = Network(height="100%", width="100%", directed=False, cdn_resources="in_line")
    for iri in iris:
        owner = iri in G
        d = G.nodes[iri] if owner else M.nodes[iri]
        unit_type = d.get("unit_type", "Other")
        colour = type_colour(unit_type)
        load = int(d.get("lead_count", 0)) + int(d.get("coown_count", 0))
        roles = [[task_index[t], LEAD] for t in d.get("lead_tasks", []) if t in task_index]
        roles += [[task_index[t], COOWNER] for t in d.get("coown_tasks", []) if t in task_index]
        roles.sort()
        stats = by_unit.get(iri, {})
        info = {
            "iri": iri,
            "name": d.get("label", iri),
            "full": d.get("full_name", d.get("label", iri)),
            "jurisdiction": d.get("jurisdiction") or "",
            "aliases": list(d.get("aliases", [])),
            "type": unit_type,
            "typeLabel": d.get("unit_type_label", unit_type),
            "collective": bool(d.get("is_collective", False)),
            "memberOnly": not owner,
            "lead": int(d.get("lead_count", 0)),
            "coown": int(d.get("coown_count", 0)),
            "tasks": roles,
            "members": [ids[m] for m in sorted(M.successors(iri), key=natural_key)] if iri in M else [],
            "community": stats.get("community", -1),
            "betweenness": stats.get("betweenness", 0.0),
        }
        pv.add_node(
            ids[iri],
            label=shown_label(d, iri),
            shape="diamond" if info["collective"] else "dot",
            color=(
                {"background": "#ffffff", "border": colour}
                if not owner
                else {"background": colour, "border": "#33363b", "highlight": {"background": colour, "border": "#000000"}}
            ),
            value=load,
            borderWidth=2 if not owner else 1,
            info=info,
        )
    # Appending pyvis Edge records directly: Network.add_edge checks every existing edge
    # for a duplicate (quadratic), and these edges are unique by construction.
    from pyvis.edge import Edge

    owned = {}  # unit -> the indexes of the tasks it leads or co-owns (met again on each of its edges)
    for u, v, d in sorted(G.edges(data=True), key=lambda e: (min(ids[e[0]], ids[e[1]]), max(ids[e[0]], ids[e[1]]))):
        a, b = sorted((ids[u], ids[v]))
        for unit in (u, v):
            if unit not in owned:
                owned[unit] = {task_index[t] for t in _owned(G, unit) if t in task_index}
        shared = sorted(owned[u] & owned[v])
        pv.edges.append(Edge(a, b, False, value=int(d.get("weight", 1)), kind="share", tasks=shared).options)
    for c, m in sorted(M.edges(), key=lambda e: (ids[e[0]], ids[e[1]])):
        pv.edges.append(
            Edge(ids[c], ids[m], False, kind="member", dashes=True, width=1, color={"color": MEMBER_EDGE_COLOUR, "opacity": 0.8}).options
        )
    for i, e in enumerate(pv.edges):
        e["id"] = i

    type_counts: dict[str, list] = {}
    for n in pv.nodes:
        info = n["info"]
        entry = type_counts.setdefault(info["type"], [info["typeLabel"], 0])
        entry[1] += 1
    types = [
        {"type": t, "label": label, "color": type_colour(t), "count": count}
        for t, (label, count) in sorted(type_counts.items(), key=lambda kv: (-kv[1][1], kv[0]))
    ]
    pv.options = vis_options(len(pv.nodes))
    summary = {
        "units": G.number_of_nodes(),
        "memberOnly": len(iris) - G.number_of_nodes(),
        "links": G.number_of_edges(),
        "memberLinks": M.number_of_edges(),
        "tasks": len(task_iris),
        "maxWeight": max((int(w) for _, _, w in G.edges(data="weight", default=1)), default=1),
        "communities": (analysis or {}).get("summary", {}).get("communities", 0),
    }
    return {"nodes": pv.nodes, "edges": pv.edges, "tasks": tasks, "targets": targets, "cut": cut,
            "documents": [local_name(d) if d else "" for d in documents],
            "types": types, "options": pv.options, "summary": summary}


def render_page(data: dict, title: str = "单位协作网络") -> str:
    """The HTML page for :func:`page_data` output, with vis-network inlined."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    template = env.get_template(PAGE_NAME)
    return template.render(
        title=title,
        summary=data["summary"],
        data_json=Markup(script_json(data)),
        vis_js=Markup(_inline_script((VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8"))),
        vis_css=Markup(_inline_style((VIS_DIR / "vis-network.css").read_text(encoding="utf-8"))),
        font_face=Markup(FONT_FACE),
    )


def script_json(data) -> str:
    """JSON safe inside a ``<script>`` element: sorted keys, and ``<``, ``>``, ``&``,
    U+2028 and U+2029 as ``\\u`` escapes (so ``</script>`` in a name cannot end the block).

    >>> script_json({"b": "</script><img src=x>", "a": 1})
    '{"a":1,"b":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def write_page(net: UnitNetwork, path: Path, analysis: dict | None = None) -> Path:
    html = render_page(page_data(net, analysis))
    Path(path).write_bytes(html.encode("utf-8"))
    return Path(path)


def write_units_csv(analysis: dict, path: Path) -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=UNIT_CSV_FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in analysis["units"]:
        writer.writerow({k: (str(row[k]).lower() if isinstance(row[k], bool) else row[k]) for k in UNIT_CSV_FIELDS})
    # with the byte-order mark Excel needs to read it as UTF-8 (kg.console.SPREADSHEET_FORMATS)
    Path(path).write_bytes(buf.getvalue().encode("utf-8-sig"))
    return Path(path)


def write_analysis_json(analysis: dict, path: Path) -> Path:
    Path(path).write_bytes(record_lines_json(analysis).encode("utf-8"))
    return Path(path)


def record_lines_json(data: dict) -> str:
    """JSON with one line per entry of each top-level list or object: readable and diffable,
    and written by the C encoder (``indent=`` falls back to Python's, 10x slower on 28 MB).

    >>> print(record_lines_json({"units": [{"b": 1, "a": "市经信局"}], "summary": {"edges": 2}, "pairs": []}), end="")
    {
      "pairs": [],
      "summary": {
        "edges": 2
      },
      "units": [
        {"a": "市经信局", "b": 1}
      ]
    }
    """
    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    blocks = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list) and value:
            inner = ",\n".join(f"    {dumps(item)}" for item in value)
            blocks.append(f"  {dumps(key)}: [\n{inner}\n  ]")
        elif isinstance(value, dict) and value:
            inner = ",\n".join(f"    {dumps(name)}: {dumps(value[name])}" for name in sorted(value))
            blocks.append(f"  {dumps(key)}: {{\n{inner}\n  }}")
        else:
            blocks.append(f"  {dumps(key)}: {dumps(value)}")
    return "{\n" + ",\n".join(blocks) + "\n}\n"


def write_network_outputs(store, out_dir: Path, network=None) -> dict:
    """Write analysis.json, units.csv, collaboration.html, collaboration.graphml and
    collaboration.gexf for ``store`` (or for ``network``, a :class:`kg.network.UnitNetwork`
    already built) into ``out_dir``; return a small summary.

    The same graph gives byte-identical files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    net = network if network is not None else build_network(store)
    analysis = analyse_network(net.graph, net.membership)
    files = [
        write_analysis_json(analysis, out_dir / ANALYSIS_NAME),
        write_units_csv(analysis, out_dir / UNITS_CSV_NAME),
        write_page(net, out_dir / PAGE_NAME, analysis),
        gephi.write_graphml(net, analysis, out_dir / gephi.GRAPHML_NAME),
        gephi.write_gexf(net, analysis, out_dir / gephi.GEXF_NAME),
    ]
    summary = analysis["summary"]
    top = analysis["units"][:5]
    shown = {iri: shown_label(d, iri) for iri, d in net.graph.nodes(data=True)}
    return {
        "units": summary["units"],
        "links": summary["edges"],
        "communities": summary["communities"],
        "top_load": [shown.get(row["iri"], row["label"]) for row in top],
        "top_brokers": [row["label"] for row in analysis["brokers"][:5]],
        "files": [str(p) for p in files],
    }


def _owned(G, unit) -> set:
    data = G.nodes[unit]
    return set(data.get("lead_tasks", [])) | set(data.get("coown_tasks", []))


def _place(words: str, text: str) -> list | str:
    """A target's words as [start, length] in the task's text where they stand in it (as nearly
    all do: 45,400 of 45,600 on 200 plans, a sixth of the bytes of the words), else the words.
    Counted in UTF-16 code units, as JavaScript's ``substr`` counts.

    >>> _place("1100场以上", "举办展会节事活动1100场以上。"), _place("5%", "增长 5 %")
    ([8, 7], '5%')
    """
    start = text.rstrip("…").find(words) if words else -1
    if start < 0:
        return words
    return [len(text[:start].encode("utf-16-le")) // 2, len(words.encode("utf-16-le")) // 2]


def _whole(text: str) -> str:
    return " ".join((text or "").split())


def _clip(text: str, limit: int = TEXT_LIMIT) -> str:
    text = _whole(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _inline_script(js: str) -> str:
    # a library must not be able to end its own <script> element early
    return js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _inline_style(css: str) -> str:
    return css.replace("</style", "<\\/style")

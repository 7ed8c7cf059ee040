"""kg.publish: the offline collaboration page, Gephi files, units.csv and analysis.json."""

import csv
import io
import json
import random
import re
import time
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest

from kg.network import build_network
from kg.publish import write_network_outputs
from kg.publish.network_page import page_data, render_page, script_json

from test_network import FGW, GQ, HOSTILE, JH, load_fixture

HOSTILE_LABEL = "<img src=x onerror=alert(1)>"
OUTPUTS = ["analysis.json", "units.csv", "collaboration.html", "collaboration.graphml", "collaboration.gexf"]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("net")
    summary = write_network_outputs(load_fixture(), d)
    return d, summary


def graph_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
    assert m, "graph data block missing"
    return json.loads(m.group(1))


def test_writes_all_outputs_and_a_summary(out):
    d, summary = out
    for name in OUTPUTS:
        assert (d / name).stat().st_size > 0, name
    assert summary["units"] == 7 and summary["links"] == 10
    assert summary["top_load"][0] == "市发改委"
    assert summary["top_brokers"][0] == "市经信局"


def test_outputs_are_byte_identical_on_a_second_write(out, tmp_path):
    d, _ = out
    write_network_outputs(load_fixture(), tmp_path)
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (d / name).read_bytes(), name


def test_page_is_offline(out):
    html = (out[0] / "collaboration.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert "@import" not in html
    assert not re.search(r"<script[^>]+src=", html, re.I)
    assert not re.search(r"<link[^>]+stylesheet", html, re.I)
    assert not re.search(r"cdnjs|jsdelivr|unpkg|googleapis|bootstrap", html, re.I)  # no CDN reference at all
    assert "default-src 'none'" in html  # and the page's CSP forbids loading anything
    assert "vis.Network" in html and len(html) > 400_000  # vis-network is inlined


def test_hostile_label_is_escaped_everywhere_in_the_page(out):
    html = (out[0] / "collaboration.html").read_text(encoding="utf-8")
    assert HOSTILE_LABEL not in html
    assert "<script>alert('full')</script>" not in html
    assert "<b>制造业</b>" not in html  # task text too
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html  # carried as data only
    assert graph_data(html)["nodes"][0]["label"] == HOSTILE_LABEL  # …and decodes back to the text
    assert "innerHTML" not in html.split("<script>")[-1]  # the page's own script never uses innerHTML


def test_page_data_holds_every_unit_and_both_edge_kinds(out):
    data = graph_data((out[0] / "collaboration.html").read_text(encoding="utf-8"))
    labels = {n["label"] for n in data["nodes"]}
    assert labels == {"市发改委", "市经信局", "市商务局", "各区人民政府", "江岸区人民政府", "江汉区人民政府", "团市委", HOSTILE_LABEL}
    by_iri = {n["info"]["iri"]: n for n in data["nodes"]}
    assert by_iri[JH]["info"]["memberOnly"] is True
    assert by_iri[GQ]["shape"] == "diamond"
    assert by_iri[FGW]["value"] == 4  # size by load
    assert by_iri[FGW]["info"]["full"] == "测试市发展和改革委员会"
    share = [e for e in data["edges"] if e["kind"] == "share"]
    member = [e for e in data["edges"] if e["kind"] == "member"]
    assert len(share) == 10 and len(member) == 2
    assert all(e["dashes"] for e in member)
    widths = {frozenset((data["nodes"][e["from"]]["info"]["iri"], data["nodes"][e["to"]]["info"]["iri"])): e["value"] for e in share}
    assert widths[frozenset((FGW, GQ))] == 2
    assert {t["type"] for t in data["types"]} == {"GovernmentDepartment", "DistrictGovernment", "Collective", "Other", "PeoplesOrganisation"}
    assert data["options"]["physics"]["stabilization"]["enabled"] is True
    assert data["options"]["layout"]["randomSeed"] == 42


def test_units_csv(out):
    assert (out[0] / "units.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    rows = list(csv.DictReader(io.StringIO((out[0] / "units.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 7
    assert rows[0]["label"] == "市发改委" and rows[0]["load"] == "4" and rows[0]["weighted_degree"] == "6"
    assert any(r["label"] == HOSTILE_LABEL for r in rows)


def test_analysis_json(out):
    data = json.loads((out[0] / "analysis.json").read_text(encoding="utf-8"))
    assert data["summary"]["units"] == 7
    assert data["brokers"][0]["label"] == "市经信局"
    # one line per unit row: a reader can grep and diff it
    lines = (out[0] / "analysis.json").read_text(encoding="utf-8").splitlines()
    start = lines.index('  "units": [')
    rows = lines[start + 1:lines.index("  ]", start)]
    assert [json.loads(line.rstrip(","))["label"] for line in rows] == [u["label"] for u in data["units"]]
    assert len(rows) == 7


def test_doctests():
    import doctest
    import kg.publish.network_page

    assert doctest.testmod(kg.publish.network_page).failed == 0


def test_gephi_files_read_back(out):
    d = out[0]
    for G in (nx.read_graphml(d / "collaboration.graphml"), nx.read_gexf(d / "collaboration.gexf")):
        assert G.number_of_nodes() == 7 and G.number_of_edges() == 10
        assert {int(w) for _, _, w in G.edges(data="weight")} == {1, 2}
    g = nx.read_graphml(d / "collaboration.graphml")
    assert g.nodes[HOSTILE]["label"] == HOSTILE_LABEL
    assert g.nodes[GQ]["members"] == "江岸区人民政府;江汉区人民政府"
    assert "lastmodifieddate" not in (d / "collaboration.gexf").read_text(encoding="utf-8")


def test_script_json_cannot_close_the_script_element():
    text = script_json({"x": "</script><script>alert(1)</script>\u2028&"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text)["x"].startswith("</script>")


def test_empty_graph_still_renders(tmp_path):
    summary = write_network_outputs(pyoxigraph.Store(), tmp_path)
    assert summary["units"] == 0
    assert graph_data((tmp_path / "collaboration.html").read_text(encoding="utf-8"))["nodes"] == []


# --- a big synthetic plan (also used by the browser test) -------------------------------------

GK = "https://w3id.org/govkg/ontology#"
ID = "https://w3id.org/govkg/id/"


def synthetic_store(units: int = 2000, tasks: int = 1500, seed: int = 7) -> pyoxigraph.Store:
    """A plan with ``units`` units (plus one collective) and ``tasks`` tasks, 1 lead and 1-6 co-owners each."""
    rnd = random.Random(seed)
    quads = []

    def add(s, p, o):
        quads.append(pyoxigraph.Quad(s, pyoxigraph.NamedNode(p), o))

    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    types = ["GovernmentDepartment", "DistrictGovernment", "StateOwnedEnterprise", "PartyOrgan", "ZoneCommittee"]
    unit_nodes = []
    for i in range(units):
        u = pyoxigraph.NamedNode(f"{ID}unit/合成市/单位{i:04d}")
        unit_nodes.append(u)
        add(u, rdf_type, pyoxigraph.NamedNode(GK + "Unit"))
        add(u, label, pyoxigraph.Literal(f"合成单位{i:04d}"))
        add(u, GK + "unitType", pyoxigraph.NamedNode(GK + types[i % len(types)]))
    collective = pyoxigraph.NamedNode(f"{ID}unit/合成市/各单位")
    add(collective, rdf_type, pyoxigraph.NamedNode(GK + "CollectiveUnit"))
    add(collective, label, pyoxigraph.Literal("各单位"))
    for u in unit_nodes[:20]:
        add(collective, "http://www.w3.org/ns/org#hasMember", u)
    for t in range(tasks):
        task = pyoxigraph.NamedNode(f"{ID}task/synth/1-{t + 1}")
        add(task, rdf_type, pyoxigraph.NamedNode(GK + "Task"))
        add(task, GK + "code", pyoxigraph.Literal(f"一.{t + 1}"))
        add(task, GK + "text", pyoxigraph.Literal(f"合成任务{t + 1}"))
        owners = rnd.sample(unit_nodes, rnd.randint(2, 7))
        add(owners[0], GK + "leads", task)
        for o in owners[1:]:
            add(o, GK + "coOwns", task)
        if t % 10 == 0:
            add(collective, GK + "coOwns", task)
    # every unit owns at least one task
    for i, u in enumerate(unit_nodes):
        add(u, GK + "coOwns", pyoxigraph.NamedNode(f"{ID}task/synth/1-{i % tasks + 1}"))
    store = pyoxigraph.Store()
    store.extend(quads)
    return store


@pytest.mark.slow
def test_two_thousand_units_render_quickly(tmp_path):
    store = synthetic_store()
    started = time.monotonic()
    net = build_network(store)
    html = render_page(page_data(net))
    elapsed = time.monotonic() - started
    data = graph_data(html)
    assert len(data["nodes"]) == 2001
    assert data["options"]["physics"]["stabilization"]["iterations"] <= 200
    assert data["options"]["interaction"]["hideEdgesOnDrag"] is True
    assert elapsed < 60


def test_the_builds_network_outputs_are_those_of_its_store(seeds_build, tmp_path):
    """kg build makes them from rows its workers cached per document; kg analyze asks the store."""
    from kg.publish import write_network_outputs
    from kg.store import open_store

    store = open_store(seeds_build.out_dir)
    try:
        write_network_outputs(store, tmp_path)
    finally:
        del store
    for name in ("analysis.json", "units.csv", "collaboration.html", "collaboration.graphml", "collaboration.gexf"):
        assert (tmp_path / name).read_bytes() == (seeds_build.out_dir / name).read_bytes(), name


def test_the_page_gives_each_tasks_deadline(tmp_path):
    # a plan with a 完成时限 column: the unit panel lists each task with the last day it allows
    from kg.build import BuildOptions, build

    data_dir = Path(__file__).parent / "data"
    result = build(BuildOptions(inputs=[data_dir / "plan_nanchang_table.txt"], out_dir=tmp_path / "out", jobs=1))
    assert result.exit_code == 0
    data = graph_data((result.out_dir / "collaboration.html").read_text(encoding="utf-8"))
    due = {task[0]: task[3] for task in data["tasks"]}
    assert due["二.4"] == "2026-10-31" and due["一.1"] == "2026-12-31"
    assert "完成时限" in (result.out_dir / "collaboration.html").read_text(encoding="utf-8")


def test_the_page_gives_a_deadline_written_without_a_day_as_written(tmp_path):
    # 完成时限:全年 gives no last day; the unit panel shows it as written, as kg tasks does, and a date as a date
    from kg.build import BuildOptions, build

    plan = tmp_path / "plan.txt"
    plan.write_text("咸宁市2030年重点任务分解方案\n\n一、稳增长\n1.新增规上工业企业50家。（牵头单位：市经信局；完成时限：全年）\n"
                    "2.改造老旧小区30个。（牵头单位：市住建局；完成时限：2030年6月底前）\n", encoding="utf-8")
    result = build(BuildOptions(inputs=[plan], out_dir=tmp_path / "out", jobs=1))
    assert result.exit_code == 0
    data = graph_data((result.out_dir / "collaboration.html").read_text(encoding="utf-8"))
    assert {task[0]: task[3] for task in data["tasks"]} == {"一.1": "全年", "一.2": "2030-06-30"}


def test_the_page_says_where_a_cut_text_stands_and_gives_each_tasks_targets():
    store = load_fixture()
    gk, task = "https://w3id.org/govkg/ontology#", pyoxigraph.NamedNode("https://w3id.org/govkg/id/task/mini/2-1")
    long_text = "加快创建国际消费中心城市，" * 20  # 260 characters, more than the page carries
    store.remove(next(iter(store.quads_for_pattern(task, pyoxigraph.NamedNode(gk + "text"), None))))
    store.add(pyoxigraph.Quad(task, pyoxigraph.NamedNode(gk + "text"), pyoxigraph.Literal(long_text)))
    store.add(pyoxigraph.Quad(task, pyoxigraph.NamedNode(gk + "line"),
                              pyoxigraph.Literal("7", datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    data = page_data(build_network(store))
    index = {task[0]: str(i) for i, task in enumerate(data["tasks"])}
    text = data["tasks"][int(index["二.1"])][1]
    assert len(text) == 120 and text.endswith("…") and long_text.startswith(text[:-1])
    # the whole text's length, document and line; texts that fit are not listed
    assert data["cut"] == {index["二.1"]: [260, 0, 7]} and data["documents"] == ["mini"]
    # a target as where its words stand in the task's text ("地区生产总值增长6%左右。")
    assert data["targets"][index["一.一"]] == [[0, 12]]
    assert index["二.1"] not in data["targets"]
    html = render_page(data)
    assert "节选：全文" in html and "目标：" in html

"""Units of two cities that share a name stay two units the reader can tell apart.

合肥's and 南昌's plans (tests/data) both name 市财政局 and 市教育局: two nodes each
(``unit/合肥市/市财政局``, ``unit/南昌市/市财政局``). units.csv, analysis.json and the
Gephi files carry each unit's jurisdiction; the page, the analysis's lists of names
and Gephi's labels add the jurisdiction where labels collide. The seeds, all 武汉市,
keep their plain labels.
"""

import csv
import doctest
import io
import json
import urllib.parse
from collections import Counter

import networkx as nx
import pytest

import kg.network
from kg.network import display_labels

from conftest import DATA
from test_network_page import graph_data

ID = "https://w3id.org/govkg/id/unit/"
PLANS = ["plan_hefei_marked_lead.txt", "plan_nanchang_table.txt"]
SHARED = {"市财政局", "市教育局"}  # named by both plans
OUTPUTS = ["analysis.json", "units.csv", "collaboration.html", "collaboration.graphml", "collaboration.gexf"]


@pytest.fixture(scope="module")
def two_cities(tmp_path_factory):
    """`kg build` of one 合肥 plan and one 南昌 plan."""
    from kg.build import BuildOptions, build

    out = tmp_path_factory.mktemp("two-cities") / "out"
    result = build(BuildOptions(inputs=[DATA / name for name in PLANS], out_dir=out, jobs=1))
    assert all(d.ok for d in result.documents), [d.error for d in result.documents]
    return result.out_dir


def units_csv(folder) -> list[dict]:
    return list(csv.DictReader(io.StringIO((folder / "units.csv").read_text(encoding="utf-8-sig"))))


def page_nodes(folder) -> list[dict]:
    return graph_data((folder / "collaboration.html").read_text(encoding="utf-8"))["nodes"]


def test_units_csv_has_a_row_per_city_for_a_shared_name(two_cities):
    rows = units_csv(two_cities)
    assert "jurisdiction" in rows[0]
    for name in SHARED:
        named = [r for r in rows if r["label"] == name]
        assert len(named) == 2, name
        assert {r["jurisdiction"] for r in named} == {"合肥市", "南昌市"}
        assert {r["iri"] for r in named} == {f"{ID}合肥市/{name}", f"{ID}南昌市/{name}"}
    # every unit knows its city, and the city is the one its IRI names
    assert all(r["iri"].startswith(f"{ID}{r['jurisdiction']}/") for r in rows)


def test_page_labels_the_two_units_apart(two_cities):
    nodes = page_nodes(two_cities)
    by_iri = {n["info"]["iri"]: n for n in nodes}
    for name in SHARED:
        for city in ("合肥市", "南昌市"):
            node = by_iri[f"{ID}{city}/{name}"]
            assert node["label"] == f"{name}（{city}）"
            assert node["info"]["name"] == name  # the name as written, for search and details
            assert node["info"]["jurisdiction"] == city
    labels = Counter(n["label"] for n in nodes)
    assert max(labels.values()) == 1, [label for label, k in labels.items() if k > 1]
    # a name only one city uses stays plain
    assert by_iri[f"{ID}合肥市/市科技局"]["label"] == "市科技局"
    assert by_iri[f"{ID}南昌市/市统计局"]["label"] == "市统计局"


def test_analysis_names_units_apart(two_cities):
    data = json.loads((two_cities / "analysis.json").read_text(encoding="utf-8"))
    units = {row["iri"]: row for row in data["units"]}
    assert units[f"{ID}合肥市/市财政局"]["jurisdiction"] == "合肥市"
    assert units[f"{ID}南昌市/市财政局"]["label"] == "市财政局"
    shown = {n["label"] for n in page_nodes(two_cities)}
    names = [b["label"] for b in data["brokers"]]
    names += [name for c in data["communities"] for name in c["top_units"]]
    names += [p[k] for p in data["top_pairs"] for k in ("a_label", "b_label")]
    assert names and set(names) <= shown  # the names the page draws…
    assert not SHARED & set(names)  # …never a bare name two cities share
    assert any(name.startswith("市财政局（") for name in names)
    assert all(b["jurisdiction"] for b in data["brokers"])
    assert all(p["a_jurisdiction"] and p["b_jurisdiction"] for p in data["top_pairs"])


def test_gephi_files_carry_the_jurisdiction(two_cities):
    for G in (nx.read_graphml(two_cities / "collaboration.graphml"), nx.read_gexf(two_cities / "collaboration.gexf")):
        hefei, nanchang = G.nodes[f"{ID}合肥市/市财政局"], G.nodes[f"{ID}南昌市/市财政局"]
        assert (hefei["jurisdiction"], nanchang["jurisdiction"]) == ("合肥市", "南昌市")
        assert (hefei["label"], nanchang["label"]) == ("市财政局（合肥市）", "市财政局（南昌市）")
        assert G.nodes[f"{ID}合肥市/市科技局"]["label"] == "市科技局"


def test_outputs_from_the_store_are_the_builds(two_cities, tmp_path):
    """The jurisdiction comes the same way from the cached rows (kg build) and from the store (kg analyze),
    and the same graph gives the same bytes."""
    from kg.publish import write_network_outputs
    from kg.store import open_store

    store = open_store(two_cities)
    try:
        write_network_outputs(store, tmp_path)
    finally:
        del store
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (two_cities / name).read_bytes(), name


def test_one_city_keeps_plain_labels(seeds_build):
    folder = seeds_build.out_dir
    rows = units_csv(folder)
    assert {r["jurisdiction"] for r in rows} == {"武汉市"}
    nodes = page_nodes(folder)
    assert all(n["label"] == n["info"]["name"] for n in nodes)
    assert {n["info"]["jurisdiction"] for n in nodes} == {"武汉市"}
    assert {n["label"] for n in nodes if not n["info"]["memberOnly"]} == {r["label"] for r in rows}
    assert not any("（武汉市）" in name for c in json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
                   ["communities"] for name in c["top_units"])


def test_display_labels():
    assert doctest.testmod(kg.network, optionflags=doctest.ELLIPSIS).failed == 0
    # a unit of no known jurisdiction keeps its label; the one of a known city is named apart from it
    assert display_labels({"a": ("市财政局", ""), "b": ("市财政局", "合肥市")}) == {"a": "市财政局", "b": "市财政局（合肥市）"}
    assert display_labels({}) == {}


@pytest.mark.browser
def test_page_opens_the_unit_of_the_city_asked_for(two_cities, tmp_path):
    """#unit=市财政局（南昌市） opens 南昌's 市财政局, its details naming the city."""
    from test_browser import CHROMIUM, chromium

    if CHROMIUM is None:
        pytest.skip("headless chromium not installed")
    url = (two_cities / "collaboration.html").as_uri() + "#unit=" + urllib.parse.quote("市财政局（南昌市）")
    dom = chromium(tmp_path, url)
    assert '<h2 id="d-name">市财政局（南昌市）</h2>' in dom
    assert '<p id="d-meta">辖区 南昌市 · 政府部门' in dom


def test_a_unit_described_nowhere_takes_its_jurisdiction_from_its_iri():
    from kg.network import network_from_rows

    unit = "https://w3id.org/govkg/id/unit/%E5%90%88%E8%82%A5%E5%B8%82/%E5%B8%82%E8%B4%A2%E6%94%BF%E5%B1%80"
    other = "https://w3id.org/govkg/id/unit/未知/市统计局"
    task = "https://w3id.org/govkg/id/task/plan/1-1"
    rows = {"network_tasks": [], "network_units": [], "network_unit_aliases": [], "collective_members": [],
            "unit_task_roles": [{"unit": unit, "task": task, "role": "lead"},
                                {"unit": other, "task": task, "role": "coowner"}]}
    graph = network_from_rows(rows).graph
    assert graph.nodes[unit]["jurisdiction"] == "合肥市" and graph.nodes[unit]["label"] == "市财政局"
    assert graph.nodes[other]["jurisdiction"] == ""  # 未知: no jurisdiction, not one called 未知


def test_two_function_zones_plans_keep_their_units_apart(tmp_path):
    # 招商局 of 襄阳's 高新区 and of its 经开区 are two units: a zone's own plan (its title names the zone
    # and its 管委会) is the zone's, within the city the plan names (the 经开区 plan names none)
    from kg.build import BuildOptions, build
    from kg.store import open_store, select

    names = ["plan_xiangyang_hitech_zone.txt", "plan_xiangyang_econ_zone.txt"]
    result = build(BuildOptions(inputs=[DATA / name for name in names], out_dir=tmp_path / "out", jobs=1))
    assert result.exit_code == 0 and result.conforms
    store = open_store(result.out_dir)
    rows = select(store, "SELECT ?where (COUNT(?task) AS ?tasks) WHERE { ?u skos:prefLabel '招商局' ; "
                         "gk:jurisdiction ?where ; gk:leads ?task } GROUP BY ?where")
    assert sorted((r["where"], int(r["tasks"])) for r in rows) == [
        ("襄阳市高新技术产业开发区", 1), ("襄阳经济技术开发区", 1)]
    issuers = select(store, "SELECT ?issuer WHERE { ?d a gk:ResponsibilityPlan ; gk:issuer ?issuer }")
    assert sorted(r["issuer"] for r in issuers) == ["襄阳市高新技术产业开发区管委会", "襄阳经济技术开发区管委会"]


def test_a_plan_under_its_cover_notice_is_titled_and_issued_as_written(tmp_path):
    # 宜昌市人民政府办公室关于印发…方案的通知: the plan's title is the one the notice issues, its issuer the
    # office that signed; the seeds' 市人民政府关于印发… names no city, so 武汉市人民政府 stays its issuer
    from kg.build import BuildOptions, build
    from kg.store import open_store, select

    inputs = [DATA / "plan_yichang_notice.txt", DATA.parent.parent / "seeds" / "wuhan-2025-plan-responsibility-decomposition.txt"]
    result = build(BuildOptions(inputs=inputs, out_dir=tmp_path / "out", jobs=1))
    assert result.exit_code == 0
    rows = select(open_store(result.out_dir), "SELECT ?title ?issuer ?year WHERE { ?d a gk:ResponsibilityPlan ; "
                                              "dcterms:title ?title ; gk:issuer ?issuer ; gk:aboutYear ?year }")
    assert sorted((r["title"], r["issuer"], int(r["year"])) for r in rows) == [
        ("2025年市《政府工作报告》目标任务责任分解方案", "武汉市人民政府", 2025),
        ("宜昌市2026年《政府工作报告》重点任务分工方案", "宜昌市人民政府办公室", 2026)]


def test_explorer_links_a_shared_name_by_its_iri(two_cities):
    """The explorer's address names a unit (#unit=市财政局) only where no other unit has that name."""
    from kg.serve import Explorer

    explorer = Explorer(two_cities)
    try:
        shared = explorer.unit(iri=ID + "南昌市/市财政局")["unit"]
        assert shared["label"] == "市财政局" and shared["link_name"] == ""
        own = [row for row in units_csv(two_cities) if row["label"] not in SHARED][0]
        assert explorer.unit(iri=own["iri"])["unit"]["link_name"] == own["label"]
    finally:
        explorer.close()


def test_a_shared_name_found_as_the_network_page_shows_it(two_cities):
    # 市财政局（南昌市）, the label the page and units.csv give where two cities share the name, finds
    # 南昌市's unit in the explorer and in kg tasks; so does 南昌市市财政局
    from kg.lookup import unit_tasks
    from kg.serve import Explorer
    from kg.store import open_store

    explorer = Explorer(two_cities)
    try:
        for name in ("市财政局（南昌市）", "市财政局(南昌市)", "南昌市市财政局"):
            assert explorer.unit(name=name)["unit"]["iri"] == ID + "南昌市/市财政局"
    finally:
        explorer.close()
    rows = unit_tasks(open_store(two_cities), "市财政局（合肥市）")
    assert rows and {row["jurisdiction"] for row in rows} == {"合肥市"}

"""kg.analysis: hand-checked numbers on tests/data/mini_plan.ttl and on tiny graphs."""

import doctest
import json

import networkx as nx
import pytest

import kg.analysis
from kg.analysis import (
    analyse,
    analyse_network,
    betweenness,
    brokers,
    communities,
    degree,
    load_by_section,
    load_by_unit_type,
    pagerank,
    participation,
    task_load,
    top_pairs,
    weighted_degree,
)
from kg.network import build_network

from test_network import FGW, GQ, HOSTILE, JA, JXJ, SWJ, TSW, load_fixture


@pytest.fixture(scope="module")
def G():
    return build_network(load_fixture()).graph


def test_doctests():
    result = doctest.testmod(kg.analysis, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10 and result.failed == 0


def test_load(G):
    load = task_load(G)
    assert load[FGW] == {"lead": 2, "coowner": 2, "total": 4}
    assert load[JXJ] == {"lead": 1, "coowner": 2, "total": 3}
    assert load[GQ] == {"lead": 0, "coowner": 2, "total": 2}


def test_degree_and_weighted_degree(G):
    assert degree(G) == {FGW: 3, JXJ: 5, SWJ: 3, GQ: 3, JA: 2, TSW: 1, HOSTILE: 3}
    assert weighted_degree(G) == {FGW: 6, JXJ: 7, SWJ: 5, GQ: 4, JA: 2, TSW: 1, HOSTILE: 3}


def test_betweenness_orders_the_bridges(G):
    # 市经信局 lies on every shortest path between {发改委, 商务局, 各区} and {江岸区, hostile, 团市委}:
    # 9 of the 15 pairs -> 0.6; the hostile unit on the 5 paths to 团市委 -> 1/3; the rest 0.
    b = betweenness(G)
    assert b[JXJ] == 0.6
    assert b[HOSTILE] == pytest.approx(1 / 3, abs=1e-6)
    assert {b[n] for n in (FGW, SWJ, GQ, JA, TSW)} == {0.0}


def test_pagerank_sums_to_one_and_ranks_the_hub_first(G):
    pr = pagerank(G)
    assert sum(pr.values()) == pytest.approx(1.0, abs=1e-5)
    assert max(pr, key=pr.get) == JXJ
    assert min(pr, key=pr.get) == TSW


def test_communities_are_deterministic_and_split_the_two_groups(G):
    c = communities(G)
    assert c == communities(G)
    assert c[FGW] == c[SWJ] == c[GQ] == c[JXJ]
    assert c[JA] == c[HOSTILE] == c[TSW]
    assert c[FGW] != c[TSW]
    assert c[FGW] == 0  # the larger community is numbered first


def test_groups_of_each_city_stay_apart_when_many_cities_are_built_together():
    # 30 cities, each two triangles of units joined by one shared task. Over the whole graph
    # modularity would make each city one community (its resolution limit); within each
    # connected part the two triangles are two communities, joined by two brokers.
    G = nx.Graph()
    for city in range(30):
        a, b = [[f"{city}-{side}{i}" for i in range(3)] for side in "ab"]
        G.add_edges_from([(a[0], a[1]), (a[1], a[2]), (a[0], a[2]), (b[0], b[1]), (b[1], b[2]), (b[0], b[2]),
                          (a[0], b[0])], weight=1)
    c = communities(G)
    assert len(set(c.values())) == 60
    assert c["7-a1"] == c["7-a2"] != c["7-b1"]
    assert {row["unit"] for row in brokers(G, c)} == {f"{city}-{side}0" for city in range(30) for side in "ab"}


def test_participation_and_brokers(G):
    c = communities(G)
    p = participation(G, c)
    # 市经信局: weight 5 inside its community, 2 outside -> 1 - (5/7)^2 - (2/7)^2 = 20/49
    assert p[JXJ] == pytest.approx(20 / 49, abs=1e-6)
    # hostile: 1 to 市经信局's community, 2 inside -> 1 - (1/3)^2 - (2/3)^2 = 4/9
    assert p[HOSTILE] == pytest.approx(4 / 9, abs=1e-6)
    assert p[FGW] == 0.0
    ranked = [row["unit"] for row in brokers(G, c)]
    assert ranked == [JXJ, HOSTILE, JA]  # reach ties at 1; betweenness 0.6 > 0.33 > 0


def test_top_pairs(G):
    pairs = top_pairs(G)
    assert [p["weight"] for p in pairs[:4]] == [2, 2, 2, 2]
    assert {frozenset((p["a"], p["b"])) for p in pairs[:4]} == {
        frozenset((FGW, GQ)), frozenset((FGW, SWJ)), frozenset((FGW, JXJ)), frozenset((SWJ, JXJ))
    }
    assert pairs[0]["tasks"] == ["一.一", "二.1"]
    assert len(top_pairs(G, 3)) == 3


def test_load_by_section(G):
    rows = {r["code"]: r for r in load_by_section(G)}
    assert rows["一"] == {"code": "一", "label": "经济社会发展主要预期目标", "section": rows["一"]["section"],
                         "tasks": 1, "lead": 1, "coowner": 1, "units": 2}
    assert (rows["二.(一)"]["tasks"], rows["二.(一)"]["lead"], rows["二.(一)"]["coowner"], rows["二.(一)"]["units"]) == (3, 3, 7, 6)
    assert (rows["二.(二)"]["tasks"], rows["二.(二)"]["lead"], rows["二.(二)"]["coowner"], rows["二.(二)"]["units"]) == (2, 2, 1, 3)
    assert [r["code"] for r in load_by_section(G)] == ["一", "二.(一)", "二.(二)"]


def test_load_by_unit_type(G):
    rows = {r["unit_type"]: r for r in load_by_unit_type(G)}
    assert (rows["GovernmentDepartment"]["units"], rows["GovernmentDepartment"]["lead"],
            rows["GovernmentDepartment"]["coowner"]) == (3, 5, 4)
    assert rows["Collective"]["total"] == 2
    assert load_by_unit_type(G)[0]["unit_type"] == "GovernmentDepartment"


def test_analyse_assembles_sorted_deterministic_json():
    store = load_fixture()
    a, b = analyse(store), analyse(store)
    assert json.dumps(a, sort_keys=True, ensure_ascii=False) == json.dumps(b, sort_keys=True, ensure_ascii=False)
    assert set(a) == {"summary", "units", "brokers", "top_pairs", "communities", "load_by_section", "load_by_unit_type"}
    s = a["summary"]
    assert (s["units"], s["edges"], s["tasks"], s["collectives"], s["member_only_units"]) == (7, 10, 6, 1, 1)
    assert s["shared_task_links"] == 14
    assert [u["label"] for u in a["units"][:2]] == ["市发改委", "市经信局"]  # heaviest load first


def test_tiny_graphs_and_empty():
    assert analyse_network(nx.Graph())["summary"]["units"] == 0
    G = nx.Graph()
    G.add_node("solo", label="solo", lead_count=1, coown_count=0)
    out = analyse_network(G)
    assert out["units"][0]["load"] == 1 and out["brokers"] == [] and out["top_pairs"] == []


def test_betweenness_is_sampled_deterministically_on_big_graphs(monkeypatch):
    monkeypatch.setattr(kg.analysis, "EXACT_BETWEENNESS_LIMIT", 10)
    monkeypatch.setattr(kg.analysis, "SAMPLE_PIVOTS", 5)
    G = nx.barabasi_albert_graph(40, 2, seed=1)
    assert betweenness(G) == betweenness(G)

"""kg.network: the collaboration graphs built from tests/data/mini_plan.ttl.

Hand-checked from the fixture's comments (owners per task):
  一.一 {发改委, 各区}   二.1 {商务局, 发改委, 经信局, 各区}   二.2 {商务局, 发改委, 经信局}
  二.3 {经信局, 江岸区, hostile}   二.4 {发改委}   二.5 {团市委, hostile}
"""

from pathlib import Path

import pyoxigraph
import pytest

from kg.network import QUERY_DIR, build_network, load_query, natural_key
from kg.store import select

DATA = Path(__file__).parent / "data"
U = "https://w3id.org/govkg/id/unit/测试市/"
FGW, JXJ, SWJ, GQ, JA, JH, TSW, HOSTILE = (
    U + n for n in ("市发改委", "市经信局", "市商务局", "各区人民政府", "江岸区人民政府", "江汉区人民政府", "团市委", "hostile")
)


def load_fixture(name: str = "mini_plan.ttl", graph: str | None = None) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    kwargs = {"to_graph": pyoxigraph.NamedNode(graph)} if graph else {}
    store.load(path=str(DATA / name), format=pyoxigraph.RdfFormat.TURTLE, **kwargs)
    return store


@pytest.fixture(scope="module")
def net():
    return build_network(load_fixture())


def test_nodes_are_every_task_owner_collective_included(net):
    assert set(net.graph.nodes) == {FGW, JXJ, SWJ, GQ, JA, TSW, HOSTILE}
    assert JH not in net.graph  # a member that owns no task is not a co-ownership node
    assert net.graph.nodes[GQ]["is_collective"] is True
    assert net.graph.nodes[FGW]["is_collective"] is False


def test_node_attributes(net):
    fgw = net.graph.nodes[FGW]
    assert fgw["label"] == "市发改委"
    assert fgw["full_name"] == "测试市发展和改革委员会"  # the longest altLabel
    assert fgw["unit_type"] == "GovernmentDepartment"
    assert fgw["unit_type_label"] == "政府部门"  # skos:prefLabel@zh from the graph
    assert (fgw["lead_count"], fgw["coown_count"]) == (2, 2)
    assert fgw["tasks"] == ["一.一", "二.1", "二.2", "二.4"]
    assert net.graph.nodes[SWJ]["full_name"] == "市商务局"  # no altLabel: the preferred label
    assert net.graph.nodes[GQ]["unit_type"] == "Collective"  # gk:CollectiveType, one spelling
    assert net.graph.nodes[HOSTILE]["label"] == "<img src=x onerror=alert(1)>"
    loads = {n: (d["lead_count"], d["coown_count"]) for n, d in net.graph.nodes(data=True)}
    assert loads == {FGW: (2, 2), JXJ: (1, 2), SWJ: (2, 0), GQ: (0, 2), JA: (0, 1), TSW: (1, 0), HOSTILE: (0, 2)}


def test_edge_weights_count_shared_tasks(net):
    weights = {frozenset((u, v)): w for u, v, w in net.graph.edges(data="weight")}
    assert weights == {
        frozenset((FGW, GQ)): 2,
        frozenset((FGW, SWJ)): 2,
        frozenset((FGW, JXJ)): 2,
        frozenset((SWJ, JXJ)): 2,
        frozenset((GQ, SWJ)): 1,
        frozenset((GQ, JXJ)): 1,
        frozenset((JXJ, JA)): 1,
        frozenset((JXJ, HOSTILE)): 1,
        frozenset((JA, HOSTILE)): 1,
        frozenset((TSW, HOSTILE)): 1,
    }
    assert net.graph.edges[FGW, GQ]["tasks"] == ["一.一", "二.1"]


def test_lead_graph_is_directed_lead_to_coowner(net):
    assert dict(((u, v), w) for u, v, w in net.lead.edges(data="weight")) == {
        (FGW, GQ): 1,
        (SWJ, FGW): 2,
        (SWJ, JXJ): 2,
        (SWJ, GQ): 1,
        (JXJ, JA): 1,
        (JXJ, HOSTILE): 1,
        (TSW, HOSTILE): 1,
    }


def test_membership_is_a_separate_edge_kind(net):
    assert sorted(net.membership.edges) == [(GQ, JA), (GQ, JH)]
    assert all(kind == "member" for _, _, kind in net.membership.edges(data="kind"))
    assert net.graph.nodes[GQ]["members"] == [JA, JH]
    # membership never adds co-ownership weight: 各区 and 江岸区 share no task
    assert not net.graph.has_edge(GQ, JA)
    assert net.membership.nodes[JH]["label"] == "江汉区人民政府"


def test_tasks_carry_section_or_part(net):
    assert net.tasks[
        "https://w3id.org/govkg/id/task/mini/2-1"
    ]["section_code"] == "二.(一)"
    assert net.tasks["https://w3id.org/govkg/id/task/mini/1-1"]["section_code"] == "一"  # no section: its part


def test_same_network_from_named_graph_store():
    """The build keeps one named graph per document; the network sees their union."""
    named = build_network(load_fixture(graph="https://w3id.org/govkg/id/doc/mini"))
    plain = build_network(load_fixture())
    assert sorted(named.graph.edges(data="weight")) == sorted(plain.graph.edges(data="weight"))


def test_build_is_deterministic():
    a, b = build_network(load_fixture()), build_network(load_fixture())
    assert list(a.graph.nodes(data=True)) == list(b.graph.nodes(data=True))
    assert list(a.graph.edges(data=True)) == list(b.graph.edges(data=True))


def test_empty_store_gives_empty_graphs():
    net = build_network(pyoxigraph.Store())
    assert net.graph.number_of_nodes() == 0 and net.lead.number_of_edges() == 0


def test_parameterised_queries_bind_through_the_engine():
    store = load_fixture()
    rows = select(store, load_query("tasks_coowned_by_unit"), {"unit_label": "市发改委"})
    assert [(r["code"], r["leadLabel"]) for r in rows] == [("二.1", "市商务局"), ("二.2", "市商务局")]
    rows = select(store, load_query("tasks_shared_by_two_units"), {"unit_label_a": "市商务局", "unit_label_b": "市经信局"})
    assert [(r["code"], r["roleA"], r["roleB"]) for r in rows] == [("二.1", "lead", "coowner"), ("二.2", "lead", "coowner")]
    # an alias works as well as the name as written
    assert len(select(store, load_query("tasks_coowned_by_unit"), {"unit_label": "测试市发展和改革委员会"})) == 2
    # a hostile value is a value, not query text
    assert select(store, load_query("tasks_coowned_by_unit"), {"unit_label": '") } DROP ALL #'}) == []


NETWORK_QUERIES = [
    "collective_member_names", "collective_members", "lead_coowner_edges", "network_task_targets", "responsible_tasks", "responsible_units", "targets_of_unit_tasks",
    "tasks_coowned_by_unit", "tasks_of_unit", "tasks_shared_by_two_units", "unit_alt_labels", "unit_aliases",
    "unit_by_name", "unit_collaboration_edges", "unit_collaborators", "unit_details", "unit_memberships",
    "unit_task_roles", "units_matching",
]


@pytest.mark.parametrize("name", NETWORK_QUERIES)
def test_query_files_parse_standalone(name):
    """Each .rq file declares its prefixes, so it runs anywhere (unbound parameters are fine)."""
    store = load_fixture()
    assert (QUERY_DIR / f"{name}.rq").is_file()
    store.query(load_query(name))


def test_natural_key_orders_items_by_number():
    assert sorted(["二.12", "二.2", "二.1"], key=natural_key) == ["二.1", "二.2", "二.12"]

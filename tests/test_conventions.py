"""Plans written in other cities' conventions, with units no gazetteer holds, through the whole pipeline."""

import pytest

from kg.pipeline import process_document

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def build_one(tmp_path, name):
    from kg.build import BuildOptions, build

    result = build(BuildOptions(inputs=[DATA / name], out_dir=tmp_path / "out", jobs=1))
    from kg.store import open_store

    return result, open_store(result.out_dir)


def owners(store, code):
    from kg.store import select

    rows = select(store, """
        SELECT ?code ?role ?name WHERE {
          ?task gk:code ?code .
          { ?unit gk:leads ?task . BIND("lead" AS ?role) } UNION { ?unit gk:coOwns ?task . BIND("co" AS ?role) }
          ?unit skos:prefLabel ?name .
        }""", {"code": code})
    return sorted((r["role"], r["name"]) for r in rows)


def test_first_listed_responsible_unit_leads(tmp_path):
    result, store = build_one(tmp_path, "plan_chengdu_first_listed.txt")
    assert result.exit_code == 0 and result.conforms
    assert result.documents[0].counts["tasks"] == 6
    assert owners(store, "一.1") == [("co", "市统计局"), ("lead", "市发改委")]
    assert owners(store, "二.3") == [("co", "市经信局"), ("co", "金牛区政府"), ("co", "锦江区政府"), ("co", "青羊区政府"),
                                     ("lead", "市发改委")]
    assert owners(store, "二.4") == [("co", "双流区政府"), ("co", "市住建局"), ("lead", "市交通运输局")]


def test_units_of_another_city_are_not_wuhan_units(tmp_path):
    from kg.store import select

    _, store = build_one(tmp_path, "plan_chengdu_first_listed.txt")
    rows = select(store, """SELECT ?unit ?alt WHERE { ?unit skos:prefLabel "市发改委" . OPTIONAL { ?unit skos:altLabel ?alt } }""")
    assert [r["unit"] for r in rows] == ["https://w3id.org/govkg/id/unit/成都市/市发改委"]
    assert rows[0]["alt"] is None  # Wuhan's full name must not leak into Chengdu's unit


def test_unit_types_of_units_no_gazetteer_holds(tmp_path):
    from kg.store import select

    _, store = build_one(tmp_path, "plan_chengdu_first_listed.txt")
    rows = select(store, "SELECT ?name ?type WHERE { ?u skos:prefLabel ?name ; gk:unitType ?type }")
    types = {r["name"]: r["type"].rsplit("#", 1)[-1] for r in rows}
    assert types["锦江区政府"] == "DistrictGovernment"
    assert types["市交通运输局"] == "GovernmentDepartment"
    assert types["各区(市)县政府"] == "CollectiveType"


def test_inline_roles_with_full_width_punctuation(tmp_path):
    result, store = build_one(tmp_path, "plan_changsha_inline.txt")
    assert result.exit_code == 0
    assert owners(store, "一.一") == [("co", "市统计局"), ("lead", "市发展改革委")]
    assert owners(store, "一.二") == [("lead", "市商务局")]
    assert owners(store, "二.1") == [("co", "各区县(市)人民政府"), ("lead", "市住房城乡建设局"), ("lead", "市发展改革委")]
    assert owners(store, "二.2") == [("co", "市科技局"), ("co", "市财政局"), ("lead", "湘江新区管委会")]


def test_targets_in_other_conventions(tmp_path):
    from kg.store import select

    _, store = build_one(tmp_path, "plan_changsha_inline.txt")
    rows = select(store, """
        SELECT ?code ?value ?unit ?comparator WHERE {
          ?t gk:code ?code ; gk:hasTarget ?q . ?q gk:value ?value ; gk:unit ?unit ; gk:comparator ?comparator }""")
    found = sorted((r["code"], float(r["value"]), r["unit"], r["comparator"]) for r in rows)
    assert found == [("一.一", 6.0, "%", "左右"), ("一.二", 5.0, "%", "以上"), ("二.1", 300.0, "个", "以上"),
                     ("二.1", 1500.0, "亿元", "突破"), ("二.2", 10.0, "家", ""), ("二.3", 120.0, "个", "")]


def test_damaged_plan_keeps_complete_items_and_reports_the_broken_ones():
    data = (DATA / "plan_damaged.txt").read_bytes()
    result = process_document("plan_damaged.txt", data)
    assert result.ok and result.counts["tasks"] == 4
    assert result.problems == [
        "line 8: item 二.2 names no responsible unit (cut off?); item left out",
        "line 9: item 二.3: unbalanced bracket in its role clause",
        "line 10: item 5 out of order (expected 4)",
        "line 11: item 二.6 names no responsible unit (cut off?); item left out",
    ]


def test_a_damaged_plan_makes_the_build_exit_1(tmp_path):
    result, _ = build_one(tmp_path, "plan_damaged.txt")
    assert result.conforms and result.exit_code == 1


def test_a_graph_of_two_cities_answers_for_the_one_asked(tmp_path):
    """广州 (州 in its name) is read as the jurisdiction; `kg tasks --in/--year` keep one city's plan."""
    from click.testing import CliRunner

    from kg.build import BuildOptions, build
    from kg.cli import main
    from kg.lookup import UnitNotFound, unit_tasks
    from kg.store import open_store

    out = tmp_path / "out"
    result = build(BuildOptions(inputs=[DATA / "plan_chengdu_first_listed.txt", DATA / "plan_guangzhou_2027.txt"],
                                out_dir=out, jobs=1, network=False))
    assert result.exit_code == 0
    store = open_store(out)
    both = unit_tasks(store, "市发改委")
    assert {(row["jurisdiction"], row["code"]) for row in both} == {
        ("成都市", "一.1"), ("成都市", "二.3"), ("广州市", "一.1"), ("广州市", "二.3")}
    guangzhou = unit_tasks(store, "市发改委", jurisdiction="广州市", year=2027)
    assert [(row["code"], row["role"]) for row in guangzhou] == [("一.1", "lead"), ("二.3", "co-owner")]
    assert guangzhou[1]["units"][0] == {"name": "市工信局", "role": "lead"}
    assert [t["value"] for t in guangzhou[1]["targets"]] == [120, 8]
    assert unit_tasks(store, "市发改委", jurisdiction="成都市")[0]["targets"][0]["value"] == 5.5
    with pytest.raises(UnitNotFound, match="广州市 2027"):
        unit_tasks(store, "市发改委", jurisdiction="广州市", year=2026)
    del store
    cli = CliRunner()
    narrowed = cli.invoke(main, ["tasks", "--unit", "市发改委", "--in", "广州市", "--graph", str(out)])
    assert narrowed.exit_code == 0 and "市发改委 in 广州市: 2 tasks" in narrowed.output
    wide = cli.invoke(main, ["tasks", "--unit", "市发改委", "--graph", str(out)])
    assert wide.exit_code == 0 and "in 2 jurisdictions: 4 tasks" in wide.output
    assert "narrow with --in" in wide.stderr

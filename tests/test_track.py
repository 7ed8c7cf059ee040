"""kg track: status rules, and a year's promises checked against a later report."""

import json
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from kg.cli import main
from kg.pipeline import process_document
from kg.track import KEYS, judge, track

DATA = Path(__file__).parent / "data"


def store_of(*names):
    store = ox.Store()
    for name in names:
        path = DATA / name
        store.load(process_document(str(path), path.read_bytes()).nquads.encode(), format=ox.RdfFormat.N_QUADS)
    return store


def test_at_least():
    assert judge(Decimal(25), "万人", "at_least", Decimal("29.8"), "万人") == "met"
    assert judge(Decimal(25), "万人", "at_least", Decimal("24.9"), "万人") == "missed"


def test_at_most():
    assert judge(Decimal(3), "%", "at_most", Decimal("2.9"), "%") == "met"
    assert judge(Decimal(3), "%", "at_most", Decimal("3.1"), "%") == "missed"


def test_about_uses_the_tolerance():
    assert judge(Decimal(6), "%", "about", Decimal("5.5"), "%") == "met"
    assert judge(Decimal(6), "%", "about", Decimal("5.2"), "%") == "missed"
    assert judge(Decimal(3), "%", "about", Decimal("3.4"), "%", "居民消费价格涨幅") == "met"
    assert judge(Decimal(3), "%", "about", Decimal("3.6"), "%", "居民消费价格涨幅") == "missed"


def test_plain_figure_is_a_goal():
    assert judge(Decimal(6), "%", "exactly", Decimal("5.2"), "%") == "missed"


def test_magnitudes_convert_and_incompatible_units_are_unclear():
    assert judge(Decimal(25), "万人", "at_least", Decimal(260000), "人") == "met"
    assert judge(Decimal(900), "亿元", "at_least", Decimal(5), "%") == "unclear"


def test_promises_of_one_report_against_results_of_the_next():
    rows = track(store_of("report_2030.txt", "report_2031.txt"), 2030)
    by_name = {r["indicator"]: r for r in rows}
    assert by_name["地区生产总值增长"]["status"] == "missed"  # 6%左右 against 5.2%
    assert by_name["城镇新增就业"]["status"] == "met"  # 22万人以上 against 25.3万人
    assert by_name["技术合同成交额"]["status"] == "met"  # 突破1000亿元 against 1100亿元
    assert by_name["新增市级以上众创孵化载体"]["actual_value"] == 38  # not the 省级以上 figure
    # 涨幅 and 上涨 name one measure; 3.3% is within the 0.5-point tolerance of a 左右 ceiling of 3%
    assert by_name["居民消费价格上涨"]["status"] == "met"
    assert (by_name["居民消费价格上涨"]["target_value"], by_name["居民消费价格上涨"]["actual_value"]) == (3, 3.3)
    assert "新开工亿元以上项目" not in by_name  # 投产 is not 开工
    for row in rows:
        assert tuple(row) == KEYS
        assert [e["role"] for e in row["evidence"]] == ["target", "actual"]
        assert all(e["text"] for e in row["evidence"])


def test_cli_json(tmp_path):
    store = ox.Store(str(tmp_path / "store"))
    for name in ("report_2030.txt", "report_2031.txt"):
        path = DATA / name
        store.load(process_document(str(path), path.read_bytes()).nquads.encode(), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    result = CliRunner().invoke(main, ["track", "--graph", str(tmp_path), "--year", "2030", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and all(set(r) == set(KEYS) for r in rows)
    table = CliRunner().invoke(main, ["track", "--graph", str(tmp_path), "--year", "2030"])
    assert "missed" in table.output and "met" in table.output

"""kg.extract.report_tables: tables of targets and results in work reports, read as promises and results."""

from decimal import Decimal
from pathlib import Path

import openpyxl
import pyoxigraph as ox

from kg.extract.commitments import read_facts
from kg.extract.report_tables import header_columns, read_cell
from kg.pipeline import process_document
from kg.read import read_file
from kg.segment_reports import layout_report
from kg.track import track

DATA = Path(__file__).parent / "data"


def facts_of(name):
    source = read_file(DATA / name)
    return read_facts(layout_report(source.text), source.text)


def test_header_columns_name_the_indicator_the_unit_and_each_years_targets_and_results():
    indicator, unit, columns = header_columns(["指标名称", "计量单位", "2031年预期目标", "2030年实际完成", "备注"])
    assert (indicator, unit) == (0, 1)
    assert [(c.index, c.kind, c.year) for c in columns] == [(2, "commitment", 2031), (3, "result", 2030)]


def test_a_cell_is_read_with_its_rows_indicator_and_unit():
    assert (read_cell("城镇调查失业率", "%", "5.5以内").bound, read_cell("城镇新增就业", "万人", "≥3.2").bound) == (
        "at_most", "at_least")
    assert read_cell("规模以上工业增加值增长", "%", "7").unit == "%"
    assert read_cell("单位地区生产总值能耗下降", "%", "完成省下达任务") is None


def test_a_reports_table_of_main_targets_and_its_annex_of_results():
    # 二、… a Markdown table of 2031's 主要预期目标 (指标 | 单位 | 2031年预期目标); the annex
    # 附件:2030年主要经济社会发展指标完成情况, tab-separated: 指标 | 单位 | 2030年目标 | 2030年完成 | 完成情况
    facts = {(f.kind, f.year, f.indicator): (f.quantity.value, f.quantity.unit, f.quantity.comparator, f.main_target)
             for f in facts_of("report_yunxi_2031.txt")}
    assert facts == {
        ("commitment", 2031, "地区生产总值增长"): (Decimal("5.5"), "%", "左右", True),
        ("commitment", 2031, "一般公共预算收入增长"): (Decimal(5), "%", "", True),
        ("commitment", 2031, "城镇新增就业"): (Decimal("3.2"), "万人", "≥", True),
        ("commitment", 2031, "城镇调查失业率"): (Decimal("5.5"), "%", "以内", True),
        ("commitment", 2030, "地区生产总值增长"): (Decimal(6), "%", "左右", True),
        ("commitment", 2030, "一般公共预算收入增长"): (Decimal(5), "%", "", True),
        ("commitment", 2030, "城镇新增就业"): (Decimal(3), "万人", "以上", True),
        ("commitment", 2030, "规模以上工业增加值增长"): (Decimal(7), "%", "", True),  # 增长(%): the unit in brackets
        ("commitment", 2030, "居民消费价格上涨"): (Decimal(3), "%", "左右", True),
        ("result", 2030, "地区生产总值增长"): (Decimal("5.4"), "%", "", False),
        ("result", 2030, "一般公共预算收入增长"): (Decimal("6.1"), "%", "", False),
        ("result", 2030, "城镇新增就业"): (Decimal("3.4"), "万人", "", False),
        ("result", 2030, "规模以上工业增加值增长"): (Decimal("7.8"), "%", "", False),
        ("result", 2030, "居民消费价格上涨"): (Decimal("1.2"), "%", "", False),
    }


def store_of(*paths):
    store = ox.Store()
    for path in paths:
        store.load(process_document(str(path), Path(path).read_bytes()).nquads.encode(), format=ox.RdfFormat.N_QUADS)
    return store


def test_a_table_row_of_a_target_and_its_result_is_tracked_within_one_report():
    rows = {r["indicator"]: (r["target_value"], r["actual_value"], r["status"])
            for r in track(store_of(DATA / "report_yunxi_2031.txt"), 2030)}
    assert rows == {"地区生产总值增长": (6, 5.4, "missed"), "一般公共预算收入增长": (5, 6.1, "met"),
                    "城镇新增就业": (3, 3.4, "met"), "规模以上工业增加值增长": (7, 7.8, "met"),
                    "居民消费价格上涨": (3, 1.2, "met")}


def test_a_report_written_as_a_spreadsheet_gives_the_results_of_the_years_promises(tmp_path):
    workbook = openpyxl.Workbook()
    for row in [["云溪市2031年政府工作报告主要目标完成情况表"],
                ["序号", "指标", "单位", "2031年目标", "2031年完成", "完成情况"],
                [1, "地区生产总值增速", "%", "5.5左右", 5.9, "完成"],
                [2, "一般公共预算收入增长", "%", 5, 4.2, "未完成"],
                [3, "城镇新增就业", "万人", "≥3.2", 3.5, "完成"],
                [4, "城镇调查失业率", "%", "5.5以内", 5.1, "完成"]]:
        workbook.active.append(row)
    path = tmp_path / "yunxi_2031_results.xlsx"
    workbook.save(path)
    result = process_document(str(path), path.read_bytes())
    assert (result.kind, result.problems, result.counts["results"]) == ("city_report", [], 4)
    rows = {r["indicator"]: (r["target_value"], r["actual_value"], r["status"], r["jurisdiction"])
            for r in track(store_of(DATA / "report_yunxi_2031.txt", path), 2031)}
    assert rows == {"地区生产总值增长": (5.5, 5.9, "met", "云溪市"), "一般公共预算收入增长": (5, 4.2, "missed", "云溪市"),
                    "城镇新增就业": (3.2, 3.5, "met", "云溪市"), "城镇调查失业率": (5.5, 5.1, "met", "云溪市")}


def test_a_deadline_column_gives_no_figures_and_the_unit_goes_after_a_cells_final_figure_only():
    # 指标 | 单位 | 2026年目标 | 完成时限: 2026年底 under 完成时限 is a deadline, not a result of 2026 万人; in the
    # annex's 2025年完成 column, 2025年提前完成 and 提前1年完成 state no figure, 完成(7.4) states 7.4 %
    facts = {(f.kind, f.year, f.indicator): (f.quantity.value, f.quantity.unit, f.quantity.upper)
             for f in facts_of("report_zhangqiu_2026_deadline_columns.txt") if f.sentence.text.count("\t") >= 2}
    assert facts == {
        ("commitment", 2026, "城镇新增就业"): (Decimal("2.2"), "万人", None),
        ("commitment", 2026, "地区生产总值增长"): (Decimal(6), "%", None),
        ("commitment", 2026, "一般公共预算收入增长"): (Decimal(5), "%", Decimal(6)),
        ("commitment", 2025, "城镇新增就业"): (Decimal(2), "万人", None),
        ("commitment", 2025, "规模以上工业增加值增长"): (Decimal(7), "%", None),
        ("result", 2025, "规模以上工业增加值增长"): (Decimal("7.4"), "%", None),
        ("commitment", 2025, "新建改造老旧小区"): (Decimal(30), "个", None),
        ("commitment", 2025, "居民消费价格上涨"): (Decimal(3), "%", None),
        ("result", 2025, "居民消费价格上涨"): (Decimal("1.2"), "%", None),
    }

"""Commitments and results: which quantities of a report count for which year."""

from kg.extract.commitments import read_facts
from kg.segment_reports import layout_report


def facts(text):
    return [(f.kind, f.year, f.indicator, str(f.quantity.value), f.quantity.bound)
            for f in read_facts(layout_report("各位代表:\n" + text))]


def test_plan_part_quantities_are_commitments_for_the_plan_year():
    assert facts("一、2029年工作回顾\n好。\n二、2030年重点工作\n城镇新增就业22万人以上。") == [
        ("commitment", 2030, "城镇新增就业", "22", "at_least")]


def test_review_part_quantities_are_results_of_the_reviewed_year():
    assert facts("一、2029年工作回顾\n技术合同成交额达900亿元。") == [
        ("result", 2029, "技术合同成交额", "900", "exactly")]


def test_part_of_a_year_is_not_the_year():
    assert facts("一、2029年工作回顾\n一季度增长4%,上半年增长5%。") == []


def test_several_years_are_not_one_year():
    assert facts("一、2029年工作回顾\n五年来,城镇新增就业100万人。\n新增学位累计5万个。") == []


def test_a_sentence_about_another_year_is_left_out():
    assert facts("一、2029年工作回顾\n好。\n二、2030年重点工作\n到2035年,建成区面积200平方公里。") == []


def test_bare_growth_takes_the_subject_before_it():
    assert facts("一、2029年工作回顾\n地区生产总值达到3000亿元,增长5.2%。")[1][2] == "地区生产总值增长"


def test_a_period_part_gives_no_facts():
    assert facts("一、“十五五”时期发展目标\n城镇新增就业100万人。") == []


def test_main_targets_are_marked():
    found = read_facts(layout_report("各位代表:\n二、2030年重点工作\n主要预期目标是:地区生产总值增长6%左右。新建公园5个。"))
    assert [f.main_target for f in found] == [True, False]

"""Metric phrase -> indicator: same measure, same name; different measures never merged."""

from decimal import Decimal

from kg.indicators import base_unit, indicator_name, lower_is_better


def test_reporting_words_are_stripped():
    assert indicator_name("全年地区生产总值增长") == "地区生产总值增长"
    assert indicator_name("力争科技型中小企业评价入库") == "科技型中小企业评价入库"


def test_spellings_of_one_measure_meet():
    assert indicator_name("GDP增速") == indicator_name("地区生产总值增长")
    assert indicator_name("开工亿元以上项目") == indicator_name("新开工亿元以上项目") == "新开工亿元以上项目"


def test_the_short_names_reports_use_meet_the_long_ones():
    # a 2031 report's 社零总额增长7.3% and 一般公共预算收入增长3.1% answer the 2030 promises of 社会消费品零售总额
    # and 地方一般公共预算收入; a change word ends no indicator (养老金提高到, 养老金降至)
    assert indicator_name("社零总额增长") == indicator_name("社会消费品零售总额增长")
    assert indicator_name("一般公共预算收入增长") == indicator_name("地方一般公共预算收入增长")
    assert indicator_name("城乡居民基础养老金提高到") == indicator_name("城乡居民基础养老金降至") == "城乡居民基础养老金"


def test_distinct_measures_stay_apart():
    assert indicator_name("新增市级以上众创孵化载体") != indicator_name("新增省级以上众创孵化载体")
    assert indicator_name("新开工亿元以上工业项目") != indicator_name("新投产亿元以上工业项目")
    assert indicator_name("地区生产总值") != indicator_name("地区生产总值增长")


def test_examples_before_deng_are_dropped():
    assert indicator_name("新开工锐科光纤激光等亿元以上工业项目") == "新开工亿元以上工业项目"


def test_ambiguous_phrases_have_no_indicator():
    assert indicator_name("汽车、家电零售额分别增长") is None
    assert indicator_name("增长") is None
    assert indicator_name("") is None


def test_units_and_direction():
    assert base_unit("万人") == ("人", Decimal(10000))
    assert lower_is_better("居民消费价格涨幅") and not lower_is_better("城镇新增就业")

"""kg.extract.quantities: targets and what is not a target."""

from decimal import Decimal

import pytest

from kg.extract.quantities import read_quantities


def quantities(text):
    return [(q.value, q.unit, q.comparator, q.bound, q.metric) for q in read_quantities(text)]


def test_investment_item_with_category_phrases():
    found = quantities("实施项目投资质效提升十大工程,推进2400个亿元以上项目、1050个十亿元以上项目、"
                       "90个百亿元以上项目建设,新开工亿元以上项目930个,固定资产投资增长5%左右。")
    assert [(v, u) for v, u, *_ in found] == [
        (Decimal(2400), "个"), (Decimal(1050), "个"), (Decimal(90), "个"), (Decimal(930), "个"), (Decimal(5), "%")]
    assert found[3][4] == "新开工亿元以上项目"
    assert found[4][2:] == ("左右", "about", "固定资产投资增长")


def test_decimal_value_as_written_with_the_magnitude_in_the_unit():
    assert quantities("筹集建设保障性租赁住房5.4万套(间)。") == [
        (Decimal("5.4"), "万套(间)", "", "exactly", "筹集建设保障性租赁住房")]


@pytest.mark.parametrize("text, unit", [
    ("组织企业境外参展超600家(次)", "家(次)"),      # 2025 plan, task 二.20
    ("培训农村实用人才3万人（次）以上", "万人（次）"),  # a measure the table has not paired
])
def test_a_second_measure_in_brackets_belongs_to_the_unit_not_to_the_metric(text, unit):
    found = read_quantities(text)
    assert [q.unit for q in found] == [unit]
    assert "次" not in found[0].metric


@pytest.mark.parametrize("text, value, unit", [
    ("建成三个示范区", Decimal(3), "个"),
    ("完成两家区域医疗中心建设", Decimal(2), "家"),
    ("新建改建幼儿园三十所", Decimal(30), "所"),
    ("经济总量达到1.3万亿元", Decimal("1.3"), "万亿元"),
    ("高性能算力总规模超4500P", Decimal(4500), "P"),
    ("新增停车泊位２万个", Decimal(2), "万个"),
])
def test_numbers_in_every_form(text, value, unit):
    from kg.read import read_text

    found = read_quantities(read_text(text).text)
    assert [(q.value, q.unit) for q in found] == [(value, unit)]


@pytest.mark.parametrize("text, comparator, bound", [
    ("城镇新增就业25万人以上", "以上", "at_least"),
    ("技术合同成交额突破2700亿元", "突破", "at_least"),
    ("规上高新技术企业超3500家", "超", "at_least"),
    ("单位能耗控制在3%以内", "控制在+以内", "at_most"),
    ("为6万余名困难妇女办理保险", "余", "at_least"),
    ("居民消费价格涨幅2%左右", "左右", "about"),
])
def test_comparators(text, comparator, bound):
    found = read_quantities(text)
    assert [(q.comparator, q.bound) for q in found] == [(comparator, bound)]


@pytest.mark.parametrize("text", [
    "举办第11届园博会",
    "推进地铁11号线建设",
    "建设5G基站",
    "为全市30—64周岁常住适龄妇女筛查",
    "扶持毕业5年内高校毕业生",
    "建设24小时不打烊服务中心",
    "推广武汉十大名菜",
    "坚定拥护\"两个确立\"",
    "力争PM2.5平均浓度下降",
    "创建一批和美乡村",
    "严格落实中央八项规定",
    "推进小米科技园二期投用",
])
def test_not_targets(text):
    assert read_quantities(text) == []


def test_several_quantities_in_one_clause_each_get_their_metric():
    found = quantities("新改建生活垃圾分类收集屋400座、收集转运站40座")
    assert [q[4] for q in found] == ["新改建生活垃圾分类收集屋", "收集转运站"]


def test_offsets_point_at_the_number():
    text = "新开工亿元以上项目930个"
    (quantity,) = read_quantities(text, offset=100)
    assert text[quantity.start - 100:quantity.end - 100] == "930个"


def test_quoted_names_inside_a_metric_keep_their_quotes():
    assert quantities('打通"断头路"30条')[0][4] == '打通"断头路"'


def test_a_distance_along_a_river_is_a_condition():
    assert read_quantities("开展沿江1公里化工腾退地块土壤污染治理") == []


def test_a_shared_metric_for_respectively():
    found = quantities("力争国控、省控断面水质优良比例分别达100%、88%以上")
    assert [(q[0], q[4]) for q in found] == [(Decimal(100), "力争国控、省控断面水质优良比例"),
                                             (Decimal(88), "力争国控、省控断面水质优良比例")]


@pytest.mark.parametrize("text, value, baseline, baseline_unit, comparator, bound", [
    ("城乡居民基础养老金由每月4.2万元提高到4.5万元", Decimal("4.5"), Decimal("4.2"), "万元", "提高到", "exactly"),
    ("市级行政审批事项由240项减少到166项", Decimal(166), Decimal(240), "项", "减少到", "at_most"),
    ("PM2.5平均浓度由38微克/立方米降至35微克/立方米", Decimal(35), Decimal(38), "微克/立方米", "降至", "at_most"),
    ("千亿元产业从1个增加到5个", Decimal(5), Decimal(1), "个", "增加到", "exactly"),
    ("最低生活保障标准从每人每月800元提高到850元", Decimal(850), Decimal(800), "元", "提高到", "exactly"),
    ("研发投入强度由2.5%提高至2.8%左右", Decimal("2.8"), Decimal("2.5"), "%", "左右", "about"),
    ("乙烯年产能从80万吨到110万吨", Decimal(110), Decimal(80), "万吨", "到", "exactly"),  # a change, not a range
    ("外贸规模由3000亿元增加到1.2万亿元", Decimal("1.2"), Decimal(3000), "亿元", "增加到", "exactly"),
])
def test_a_change_is_one_quantity_whose_target_is_the_figure_after_it(text, value, baseline, baseline_unit,
                                                                     comparator, bound):
    (found,) = read_quantities(text)
    assert (found.value, found.baseline, found.baseline_unit, found.comparator, found.bound) == (
        value, baseline, baseline_unit, comparator, bound)
    assert str(baseline) not in found.metric and "由" not in found.metric and "从" not in found.metric


def test_a_figure_without_a_change_has_no_baseline():
    assert [(q.value, q.baseline) for q in read_quantities("基础养老金提高到4.5万元,增长5%至6%")] == [
        (Decimal("4.5"), None), (Decimal(5), None)]


def test_measures_written_in_latin_letters():
    # 100MW, 12km, 35μg/m³ are measures (kg/data/measures.tsv); 5G and PM2.5 stay names
    found = [(str(q.value), q.unit, q.bound, q.metric)
             for q in read_quantities("新增储能100MW,新建道路12km,PM2.5平均浓度控制在35μg/m³以内,建设5G基站")]
    assert found == [("100", "MW", "exactly", "新增储能"), ("12", "km", "exactly", "新建道路"),
                     ("35", "μg/m³", "at_most", "PM2.5平均浓度")]


def test_a_topic_in_square_brackets_is_no_part_of_the_metric():
    # 4.【数字经济】新建5G基站1000个: the topic heads the item, what is measured is 新建5G基站
    [quantity] = read_quantities("【数字经济】新建5G基站1000个。")
    assert (quantity.metric, quantity.surface) == ("新建5G基站", "新建5G基站1000个")

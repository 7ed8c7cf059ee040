"""The 2025 Wuhan plan (seed): roles and targets of items that are easy to get wrong."""

from decimal import Decimal

import pytest


@pytest.fixture(scope="module")
def tasks(plan_extraction):
    return {task.item.code: task for task in plan_extraction.tasks}


def roles(task):
    return [m.name for m in task.roles.leads], [m.name for m in task.roles.co_owners]


def test_the_plan_states_its_lead_rule(plan_extraction):
    rule = plan_extraction.lead_rule
    assert rule.stated and rule.name == "responsible_are_leads"
    assert rule.text == "无牵头单位的,责任单位即为牵头单位"


def test_every_item_has_a_lead_and_nothing_is_reported(plan_extraction):
    assert len(plan_extraction.tasks) == 340
    assert all(task.roles.leads for task in plan_extraction.tasks)
    assert plan_extraction.problems == []


def test_page_number_inside_a_unit_name_2_7(tasks):
    leads, co_owners = roles(tasks["二.7"])
    assert leads == ["市发改委"]
    assert co_owners[:2] == ["市教育局", "市经信局"] and co_owners[-1] == "各区人民政府"
    assert len(co_owners) == 11


def test_hosted_office_and_member_collective_2_69(tasks):
    task = tasks["二.69"]
    assert roles(task) == (["市城市数字公共基础设施建设工作领导小组办公室"],
                           ["市数据局", "市城市数字公共基础设施建设工作领导小组成员单位"])
    assert task.roles.leads[0].host == "市公安局"


def test_shorthand_zones_and_districts_2_158(tasks):
    assert roles(tasks["二.158"]) == (["市交通运输局"], [
        "市公安局", "市财政局", "市政府国资委", "东湖高新区管委会", "武汉经开区管委会", "洪山区人民政府", "江夏区人民政府"])


def test_qualifier_defines_the_collective_2_160(tasks):
    task = tasks["二.160"]
    assert roles(task) == (["市自然资源和城乡建设局"], ["市农业农村局", "各涉农区人民政府"])
    assert len(task.roles.co_owners[1].members) == 10


def test_page_number_in_the_role_label_2_172(tasks):
    assert roles(tasks["二.172"]) == (["市农业农村局"], ["市委社会工作部", "市生态环境局", "市城管执法委", "各涉农区人民政府"])


def test_page_number_in_the_lead_label_2_242(tasks):
    leads, co_owners = roles(tasks["二.242"])
    assert leads == ["市教育局"]
    assert co_owners == ["市委编办", "市发改委", "市财政局", "市人社局", "市自然资源和城乡建设局", "市住房和城市更新局",
                         "各区人民政府"]


def test_responsible_units_lead_when_no_lead_is_named_3_1(tasks):
    assert roles(tasks["三.1"]) == (["市人民政府各部门", "各区人民政府"], [])


def test_targets_of_2_12(tasks):
    targets = [(q.value, q.unit, q.comparator, q.metric) for q in tasks["二.12"].targets]
    assert targets == [
        (Decimal(2400), "个", "", "推进亿元以上项目"),
        (Decimal(1050), "个", "", "十亿元以上项目"),
        (Decimal(90), "个", "", "百亿元以上项目建设"),
        (Decimal(930), "个", "", "新开工亿元以上项目"),
        (Decimal(5), "%", "左右", "固定资产投资增长"),
    ]


def test_targets_of_2_240_and_its_twin_4_12(tasks):
    for code in ("二.240", "四.12"):
        assert [(q.value, q.unit) for q in tasks[code].targets] == [(Decimal("5.4"), "万套(间)")]


def test_main_targets_of_part_1(tasks):
    assert [(q.value, q.unit, q.comparator) for q in tasks["一.一"].targets] == [(Decimal(6), "%", "左右")]
    assert [(q.value, q.unit, q.comparator) for q in tasks["一.二"].targets] == [(Decimal(25), "万人", "以上")]
    assert tasks["一.四"].targets == []


def test_conditions_and_names_are_not_targets(tasks):
    # 30—64周岁 is a condition; 20万人次 is the target
    assert [(q.value, q.unit) for q in tasks["四.22"].targets] == [(Decimal(20), "万人次")]
    # 两个确立 / 两个维护 are names
    assert tasks["三.1"].targets == []
    # 24小时 is a condition; 1个 is the target
    assert [(q.value, q.unit) for q in tasks["四.35"].targets] == [(Decimal(1), "个")]

"""kg.extract.roles: each role convention on its own, with units no gazetteer holds."""

import pytest

from kg.extract.roles import find_lead_rule, read_roles
from kg.model import LeadRule

RESPONSIBLE_ARE_LEADS = LeadRule("responsible_are_leads", "", True)
FIRST_LEADS = LeadRule("first_responsible_leads", "", True)


def roles(clause, rule=RESPONSIBLE_ARE_LEADS):
    found = read_roles(clause, rule)
    return [m.name for m in found.leads], [m.name for m in found.co_owners]


def test_lead_and_responsible():
    assert roles("牵头单位:甲市数据局;责任单位:甲市财政局、乙区人民政府") == (
        ["甲市数据局"], ["甲市财政局", "乙区人民政府"])


def test_lead_and_cooperating_units():
    assert roles("牵头单位:市卫健委;配合单位:市医保局、市财政局") == (["市卫健委"], ["市医保局", "市财政局"])


def test_a_time_closing_a_labelled_list_is_no_unit():
    # the deadline after the last unit is the task's (kg.extract.deadlines), a unit named like a time is kept
    assert roles("牵头单位:甲市数据局;责任单位:甲市财政局、乙区人民政府,2026年12月底前完成") == (
        ["甲市数据局"], ["甲市财政局", "乙区人民政府"])
    assert roles("牵头单位:甲市数据局;责任单位:甲市财政局;长期坚持") == (["甲市数据局"], ["甲市财政局"])


def test_a_colon_typed_for_the_semicolon():
    assert roles("牵头单位:市投资促进局:责任单位:各区人民政府") == (["市投资促进局"], ["各区人民政府"])


def test_responsible_only_under_the_rule_that_they_all_lead():
    assert roles("责任单位:市人民政府各部门,各区人民政府") == (["市人民政府各部门", "各区人民政府"], [])


def test_responsible_only_under_the_first_listed_rule():
    assert roles("责任单位:市发改委、市统计局", FIRST_LEADS) == (["市发改委"], ["市统计局"])


def test_inline_lead_and_cooperating():
    assert roles("成都市商务局牵头,市发改委、锦江区人民政府配合") == (
        ["成都市商务局"], ["市发改委", "锦江区人民政府"])


def test_inline_two_leads_and_others_by_duty():
    assert roles("市经信局、市科技局牵头,市财政局等按职责分工负责") == (["市经信局", "市科技局"], ["市财政局"])


def test_inline_sole_responsibility():
    assert roles("市住建局负责") == (["市住建局"], [])


def test_full_width_punctuation_after_reading():
    from kg.read import read_text

    clause = read_text("牵头单位：市商务局；责任单位：市发改委，各区人民政府").text
    assert roles(clause) == (["市商务局"], ["市发改委", "各区人民政府"])


@pytest.mark.parametrize("text, rule", [
    ("各牵头单位(无牵头单位的,责任单位即为牵头单位,下同)要统筹", "responsible_are_leads"),
    ("各项工作列第一位的责任单位为牵头单位,其余为配合单位。", "first_responsible_leads"),
    ("排在第一位的单位为牵头单位", "first_responsible_leads"),
])
def test_the_document_states_its_rule(text, rule):
    found = find_lead_rule(text)
    assert found.stated and found.name == rule


def test_without_a_stated_rule_the_default_is_recorded_as_assumed():
    found = find_lead_rule("一份没有说明规则的方案")
    assert not found.stated and found.name == "first_responsible_leads"


def test_doctests():
    import doctest

    import kg.extract.roles

    assert doctest.testmod(kg.extract.roles).failed == 0


def test_a_label_of_something_else_ends_the_unit_list():
    from kg.extract.roles import read_roles
    from kg.model import LeadRule

    rule = LeadRule("first_responsible_leads", "", False)

    def names(clause):
        roles = read_roles(clause, rule)
        return [u.name for u in roles.leads], [u.name for u in roles.co_owners]

    assert names("责任单位:市发改委,市财政局;完成时限:2026年12月底") == (["市发改委"], ["市财政局"])
    assert names("责任单位:市发改委,市财政局完成时限:2026年") == (["市发改委"], ["市财政局"])  # no separator
    assert names("牵头单位:市发改委【完成时限】2026年") == (["市发改委"], [])
    assert names("牵头单位:市发改委;推进期限:年底前") == (["市发改委"], [])  # a label no list holds
    assert names("牵头单位:市委全面深化改革领导小组办公室;责任单位:市财政局") == \
        (["市委全面深化改革领导小组办公室"], ["市财政局"])  # 领导 inside a unit's name is no label

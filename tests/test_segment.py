"""kg.segment: parts, sections, sub-headings and numbered items of plans."""

from collections import Counter

from kg.read import read_text
from kg.segment import find_role_clause, segment_plan


def test_seed_plan_has_340_items_in_five_parts(plan_extraction):
    structure = plan_extraction.structure
    assert [p.numeral for p in structure.parts] == ["一", "二", "三", "四", "五"]
    counts = Counter(item.part_number for item in structure.items)
    assert counts == {1: 5, 2: 286, 3: 7, 4: 38, 5: 4}
    assert len(structure.items) == 340


def test_seed_plan_codes_and_sections(plan_extraction):
    items = {item.code: item for item in plan_extraction.structure.items}
    assert items["一.三"].body == "居民消费价格涨幅2%左右。"
    assert items["二.12"].section_code == "二.(一)"
    assert items["二.12"].subheading == "夯实投资硬支撑"
    assert items["二.286"].section_code == "二.(十一)"
    assert items["三.1"].section_code == "三.(一)"
    # part 二 has 11 sections, part 三 four, part 四 ten, part 五 two
    sections = Counter(s.part_number for s in plan_extraction.structure.sections)
    assert sections == {2: 11, 3: 4, 4: 10, 5: 2}


def test_item_number_glued_to_its_text(plan_extraction):
    items = {item.code: item for item in plan_extraction.structure.items}
    assert items["五.3"].body.startswith("100名园艺师挂牌服务100个社区绿色驿站")


def test_wrapped_item_with_a_page_number_in_a_word(plan_extraction):
    items = {item.code: item for item in plan_extraction.structure.items}
    assert "市教育局、市经信局" in items["二.7"].role_clause
    assert items["二.158"].role_clause.startswith("牵头单位:市交通运输局;")
    assert items["二.242"].role_clause.startswith("牵头单位:市教育局;")


def test_appendix_of_blank_forms_holds_no_tasks(plan_extraction):
    last = plan_extraction.structure.items[-1]
    assert last.code == "五.4"
    assert "附表" not in last.body and "备注" not in last.body


def test_preamble_numbered_points_are_not_parts():
    text = ("关于印发方案的通知\n一、强化责任意识,科学制订办理方案。各单位要落实。\n二、严格压实责任。\n"
            "方案\n一、主要目标\n(一)增长6%左右。(牵头单位:市发改委)\n二、重点工作\n1. 做好工作。(责任单位:市商务局)\n")
    structure = segment_plan(read_text(text))
    assert [item.code for item in structure.items] == ["一.一", "二.1"]


def test_wrapped_decimal_is_a_continuation_not_an_item():
    text = "一、重点工作\n1. 筹集建设保障性租赁住房\n5.4万套(间)。(牵头单位:市住建局)\n2. 下一项。(牵头单位:市商务局)\n"
    structure = segment_plan(read_text(text))
    assert [item.code for item in structure.items] == ["一.1", "一.2"]
    assert structure.items[0].body == "筹集建设保障性租赁住房5.4万套(间)。"
    assert structure.problems == []


def test_cut_off_and_out_of_order_items_are_reported_with_line_numbers():
    text = ("一、重点工作\n1. 甲。(牵头单位:市甲局)\n2. 乙项没有责任单位。\n"
            "3. 丙。(牵头单位:市丙局;责任单位:市丁局\n5. 戊。(牵头单位:市戊局)\n")
    structure = segment_plan(read_text(text))
    assert [item.code for item in structure.items] == ["一.1", "一.2", "一.3", "一.5"]
    messages = {(p.line, p.message) for p in structure.problems}
    assert (3, "item 一.2 names no responsible unit (cut off?); item left out") in messages
    assert (4, "item 一.3: unbalanced bracket in its role clause") in messages
    assert (5, "item 5 out of order (expected 4)") in messages


def test_numbering_that_goes_on_across_parts_under_a_section_heading():
    # 广州's convention: items numbered through the whole plan, the first of part 二 under a heading
    text = ("一、主要预期目标\n1．增长5％左右。（责任单位：市发改委、市统计局）\n2．就业30万人。（责任单位：市人社局）\n"
            "二、重点工作\n"
            "（一）推进产业高质量发展\n3．新引进项目120个。（责任单位：市工信局、市发改委）\n"
            "4．建成东站改造工程。（牵头单位：市交通运输局）\n")
    structure = segment_plan(read_text(text))
    assert [(item.code, item.section_code) for item in structure.items] == [
        ("一.1", None), ("一.2", None), ("二.3", "二.(一)"), ("二.4", "二.(一)")]
    assert structure.problems == []


def test_an_item_read_into_the_block_above_is_reported():
    text = ("一、重点工作\n1．甲。（牵头单位：市甲局）\n（一）乙方面\n7．丙。（牵头单位：市丙局）\n")
    structure = segment_plan(read_text(text))
    assert [item.code for item in structure.items] == ["一.1"]
    assert [(p.line, p.message) for p in structure.problems] == [
        (4, "item 7 out of order: read as the text of the block above")]


def test_find_role_clause_takes_the_last_bracket_that_names_a_role():
    text = "新建社区体育中心(广场)30个。(牵头单位:市体育局;责任单位:各区人民政府)"
    clause = find_role_clause(text)
    assert clause.closed and clause.bracketed and text[clause.start:clause.end] == "牵头单位:市体育局;责任单位:各区人民政府"
    unbracketed = find_role_clause("新建口袋公园20个。责任单位:市园林局(牵头),市城管局。")
    assert unbracketed.closed and not unbracketed.bracketed
    cut_off = find_role_clause("新建口袋公园20个。(牵头单位:市园林局;责任单位:市城")
    assert cut_off.bracketed and not cut_off.closed
    assert find_role_clause("新建社区体育中心(广场)30个。") is None

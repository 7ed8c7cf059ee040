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


def build_clean(tmp_path, name, tasks):
    """Build one document that must build cleanly: exit status 0, SHACL conforms, ``tasks`` tasks."""
    result, store = build_one(tmp_path, name)
    assert result.exit_code == 0 and result.conforms, [d.problems for d in result.documents]
    assert result.documents[0].counts["tasks"] == tasks
    return result, store


def task_texts(store):
    """Each task's text by its code."""
    from kg.store import select

    return {r["code"]: r["text"] for r in select(store, "SELECT ?code ?text WHERE { ?t gk:code ?code ; gk:text ?text }")}


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
    assert types["各区市县政府"] == "CollectiveType"


def test_inline_roles_with_full_width_punctuation(tmp_path):
    result, store = build_one(tmp_path, "plan_changsha_inline.txt")
    assert result.exit_code == 0
    assert owners(store, "一.一") == [("co", "市统计局"), ("lead", "市发改委")]
    assert owners(store, "一.二") == [("lead", "市商务局")]
    assert owners(store, "二.1") == [("co", "各区县市人民政府"), ("lead", "市住建局"), ("lead", "市发改委")]
    assert owners(store, "二.2") == [("co", "市科技局"), ("co", "市财政局"), ("lead", "湘江新区管委会")]


def test_targets_in_other_conventions(tmp_path):
    from kg.store import select

    _, store = build_one(tmp_path, "plan_changsha_inline.txt")
    rows = select(store, """
        SELECT ?code ?value ?unit ?comparator WHERE {
          ?t gk:code ?code ; gk:hasTarget ?q . ?q gk:value ?value ; gk:unit ?unit OPTIONAL { ?q gk:comparator ?comparator } }""")
    found = sorted((r["code"], float(r["value"]), r["unit"], r["comparator"]) for r in rows)
    assert found == [("一.一", 6.0, "%", "左右"), ("一.二", 5.0, "%", "以上"), ("二.1", 300.0, "个", "以上"),
                     ("二.1", 1500.0, "亿元", "突破"), ("二.2", 10.0, "家", None), ("二.3", 120.0, "个", None)]


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


def test_a_unit_marked_lead_in_brackets_leads(tmp_path):
    # 合肥's convention: no brackets round the clause, the lead marked "(牵头)" inside the list
    result, store = build_one(tmp_path, "plan_hefei_marked_lead.txt")
    assert result.exit_code == 0 and result.conforms
    assert result.documents[0].counts["tasks"] == 5 and result.documents[0].problems == []
    # the clause wraps onto the next line: its last unit is still read
    assert owners(store, "一.1") == [("co", "各县市区政府"), ("co", "市自然资源和规划局"), ("co", "市财政局"), ("lead", "市发改委")]
    assert owners(store, "二.3") == [("co", "市税务局"), ("co", "市经信局"), ("lead", "市科技局")]
    # "(并列牵头)" closes a run joined by 、: both lead
    assert owners(store, "二.4") == [("co", "市财政局"), ("lead", "市教育局"), ("lead", "市科技局")]
    # a marker inside a bracketed clause, and the task text without the clause
    assert owners(store, "二.5") == [("co", "市科技局"), ("lead", "市发改委")]
    texts = task_texts(store)
    assert texts["一.2"] == "社会消费品零售总额增长6%以上。"
    assert texts["二.5"] == "推动量子信息产业集聚发展,培育量子科技企业20家。"


def test_a_responsibility_table_with_tab_separated_cells(tmp_path):
    result, store = build_one(tmp_path, "plan_nanchang_table.txt")
    assert result.exit_code == 0 and result.conforms
    assert result.documents[0].counts["tasks"] == 5 and result.documents[0].counts["targets"] == 5
    assert owners(store, "一.1") == [("co", "市统计局"), ("lead", "市发改委")]
    assert owners(store, "二.3") == [("co", "市教育局"), ("co", "市财政局"), ("lead", "市人社局")]
    assert owners(store, "二.4") == [("lead", "市住建局")]  # an empty 责任单位 cell
    # no 牵头单位 in the row: the plan's lead rule (here the assumed first-listed) decides
    assert owners(store, "二.5") == [("lead", "市住建局")]
    from kg.store import select

    rows = select(store, "SELECT ?text ?start ?end WHERE { ?t gk:code \"二.3\" ; gk:text ?text ; gk:startOffset ?start ; gk:endOffset ?end }")
    assert rows[0]["text"] == "新增城镇就业5万人"  # the task cell, not the 完成时限 column
    source = (DATA / "plan_nanchang_table.txt").read_text(encoding="utf-8")
    assert source[int(rows[0]["start"]):int(rows[0]["end"])].startswith("新增城镇就业5万人\t市人社局")
    # the 完成时限 column is each task's deadline: 2026年10月 allows up to its last day
    due = {r["code"]: (r["text"], r["date"]) for r in select(
        store, "SELECT ?code ?text ?date WHERE { ?t gk:code ?code ; gk:deadlineText ?text ; gk:deadline ?date }")}
    assert due["二.4"] == ("2026年10月", "2026-10-31") and due["二.5"] == ("2026年12月", "2026-12-31")
    assert len(due) == 5
    from kg.lookup import unit_tasks

    rows = unit_tasks(store, "市住房城乡建设局")  # kg tasks gives each task's deadline
    assert [(r["code"], r["deadline"], r["deadline_text"]) for r in rows] == [
        ("二.4", "2026-10-31", "2026年10月"), ("二.5", "2026-12-31", "2026年12月")]


def test_a_table_aligned_with_spaces_whose_cells_wrap_onto_the_next_line(tmp_path):
    # pdftotext -layout of a PDF table: columns by spaces, a cell's text wrapped under it
    # (市人力资源社会保 / 障局), 完成时限 a column of no role, part rows between the rows
    result, store = build_one(tmp_path, "plan_nanning_layout.txt")
    assert result.exit_code == 0 and result.conforms and result.documents[0].problems == []
    assert result.documents[0].counts["tasks"] == 4
    assert owners(store, "一.2") == [("co", "市教育局"), ("co", "市财政局"), ("co", "市退役军人局"), ("lead", "市人社局")]
    assert owners(store, "二.3") == [("co", "市交通运输局"), ("co", "市自然资源局"), ("co", "邕宁区人民政府"), ("lead", "市发改委")]
    from kg.store import select

    rows = select(store, """SELECT ?text ?value ?start WHERE { ?t gk:code "二.3" ; gk:text ?text ;
                            gk:hasTarget [ gk:value ?value ; gk:startOffset ?start ] }""")
    assert [(r["text"], r["value"]) for r in rows] == [("推进平陆运河经济带建设,新开工亿元以上项目120个", "120")]
    source = (DATA / "plan_nanning_layout.txt").read_text(encoding="utf-8")
    assert source[int(rows[0]["start"]):].startswith("120个")  # on the wrapped line, where it is printed


def test_a_spreadsheet_table_with_cells_of_several_lines(tmp_path):
    # a tab-separated export whose cells hold line breaks: the cell goes on, quoted, on the next line
    result, store = build_one(tmp_path, "plan_liuzhou_multiline_cells.txt")
    assert result.exit_code == 0 and result.conforms and result.documents[0].counts["tasks"] == 3
    assert owners(store, "1") == [("co", "市发改委"), ("co", "市商务局"), ("lead", "市工信局")]
    assert owners(store, "2") == [("co", "市通信发展管理办公室"), ("lead", "市大数据发展局")]
    from kg.store import select

    rows = select(store, 'SELECT ?text WHERE { ?t gk:code "1" ; gk:text ?text }')
    assert rows[0]["text"] == "推动汽车产业转型升级,新能源汽车产量达到60万辆"


def build_text(tmp_path, name, text):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_text(text, encoding="utf-8")
    from kg.build import BuildOptions, build
    from kg.store import open_store

    result = build(BuildOptions(inputs=[tmp_path / "in"], out_dir=tmp_path / "out", jobs=1))
    return result, open_store(result.out_dir)


def test_role_labels_in_lenticular_brackets_need_no_colon(tmp_path):
    result, store = build_text(tmp_path, "plan_hefei_lenticular.txt",
                               "合肥市2026年政府工作报告重点工作任务分解\n\n一、主要目标\n"
                               "1.地区生产总值增长6%左右。【牵头单位】市发展改革委【责任单位】市统计局、市财政局\n"
                               "2.城镇新增就业10万人。【牵头单位】市人力资源社会保障局\n")
    assert result.exit_code == 0 and result.documents[0].kind == "plan"
    assert owners(store, "一.1") == [("co", "市统计局"), ("co", "市财政局"), ("lead", "市发改委")]
    assert owners(store, "一.2") == [("lead", "市人社局")]


def test_a_table_whose_targets_have_a_column_of_their_own(tmp_path):
    header = "序号\t重点工作\t工作目标\t牵头单位\t协办单位\t责任领导\t完成时限\n"
    result, store = build_text(tmp_path, "plan_shenzhen_target_column.txt",
                               "深圳市2026年政府工作报告重点任务分工表\n\n" + header + "一、扩大内需\n"
                               "1\t提振消费\t社会消费品零售总额增长5%\t市商务局\t市发展改革委\t张三\t2026年12月\n"
                               "2\t扩大有效投资\t新开工亿元以上项目300个\t市发展改革委\t市财政局\t李四\t2026年12月\n")
    assert result.exit_code == 0 and result.documents[0].counts["targets"] == 2
    from kg.store import select

    rows = select(store, """SELECT ?text ?metric ?value WHERE { ?t gk:code "一.2" ; gk:text ?text ;
                            gk:hasTarget [ gk:metric ?metric ; gk:value ?value ] }""")
    assert [(r["text"], r["metric"], r["value"]) for r in rows] == [
        ("扩大有效投资。新开工亿元以上项目300个", "新开工亿元以上项目", "300")]  # 李四, 2026年12月: not text
    assert owners(store, "一.1") == [("co", "市发改委"), ("lead", "市商务局")]


def test_two_district_plans_have_units_of_their_own(tmp_path):
    # 区发改局 of 武昌区 and of 江岸区 are two units, each in its district (the city from the districts
    # gazetteer when the title does not name it), and neither is read with the city's gazetteer
    (tmp_path / "in").mkdir()
    for district, target in (("武昌区", "6%"), ("江岸区", "5.5%")):
        (tmp_path / "in" / f"{district}-plan.txt").write_text(
            f"{district}2026年政府工作报告重点任务责任分解方案\n\n一、主要目标\n"
            f"1.地区生产总值增长{target}左右。(牵头单位:区发改局;责任单位:区统计局)\n", encoding="utf-8")
    from kg.build import BuildOptions, build
    from kg.store import open_store, select

    result = build(BuildOptions(inputs=[tmp_path / "in"], out_dir=tmp_path / "out", jobs=1))
    assert result.exit_code == 0
    rows = select(open_store(result.out_dir), """SELECT ?jurisdiction ?value WHERE {
        ?unit skos:prefLabel "区发改局" ; gk:jurisdiction ?jurisdiction ; gk:leads/gk:hasTarget/gk:value ?value }""")
    assert sorted((r["jurisdiction"], r["value"]) for r in rows) == [("武汉市武昌区", "6"), ("武汉市江岸区", "5.5")]


@pytest.mark.parametrize("name, note", [
    ("plan_liuzhou_multiline_cells.txt", "注:带*的任务列入市政府重点督办事项,由市政府办公室督查室跟踪问效。"),
    ("plan_nanning_layout.txt", "    各牵头单位要会同责任单位细化工作措施,明确时间节点,每季度末向市政府督查室报送进展情况。"),
])
def test_text_after_a_table_is_not_part_of_its_last_row(tmp_path, name, note):
    text = (DATA / name).read_text(encoding="utf-8").rstrip("\n") + "\n" + note + "\n"
    result, store = build_text(tmp_path, name, text)
    assert result.exit_code == 0 and result.documents[0].problems == []
    from kg.store import select

    texts = [r["text"] for r in select(store, "SELECT ?text WHERE { ?t a gk:Task ; gk:text ?text }")]
    units = {r["name"] for r in select(store, "SELECT ?name WHERE { ?u gk:leads|gk:coOwns ?t ; skos:prefLabel ?name }")}
    assert not any("督查室" in t for t in texts) and not any("督查室" in u or "注" in u for u in units)


def test_a_table_under_no_part_heading_numbers_tasks_by_its_rows():
    text = ("贵阳市2026年政府工作报告重点任务责任分解表\n\n| 序号 | 重点任务 | 牵头单位 | 配合单位 |\n"
            "|---|---|---|---|\n| 1 | 新建5G基站3000个 | 市大数据局 | 市通信管理办 |\n"
            "| 2 | 建成区域数据中心2个 | 市大数据局、市发展改革委 | |\n")
    result = process_document("plan_guiyang_pipes.txt", text.encode("utf-8"))
    assert result.ok, result.error
    assert result.counts["tasks"] == 2 and result.problems == []
    codes = sorted(line.split("#code> ")[1].split(" ")[0] for line in result.nquads.splitlines() if "#code> " in line)
    assert codes == ['"1"', '"2"']  # no part to prefix: the row numbers as printed
    assert "ontology#Part>" not in result.nquads and "ontology#inPart>" not in result.nquads


ITEM_FORMS = {
    # (1) items under 一、 parts (西安)
    "paren": "西安市2026年政府工作报告重点工作任务分解方案\n\n一、主要预期目标\n"
             "（1）地区生产总值增长5.5%左右。（牵头单位：市发改委；责任单位：市统计局）\n"
             "（2）城镇新增就业12万人。（牵头单位：市人社局）\n二、重点工作\n"
             "（3）新建5G基站5000个。（牵头单位：市工信局；责任单位：市通信管理局）\n",
    # 1) items under 第一部分 headings (太原)
    "half paren, 第N部分": "太原市2026年政府工作报告重点工作任务分工方案\n\n第一部分  主要预期目标\n"
                          "1）地区生产总值增长5.5%左右。（牵头单位：市发改委；责任单位：市统计局）\n"
                          "2）城镇新增就业12万人。（牵头单位：市人社局）\n第二部分  重点工作\n"
                          "3）新建5G基站5000个。（牵头单位：市工信局；责任单位：市通信管理局）\n",
    # the labels on lines of their own, no brackets (昆明)
    "label lines": "昆明市2026年政府工作报告重点工作任务分解\n\n一、主要预期目标\n1. 地区生产总值增长5.5%左右。\n"
                   "牵头单位：市发改委\n责任单位：市统计局\n2. 城镇新增就业12万人。\n牵头单位：市人社局\n"
                   "二、重点工作\n3. 新建5G基站5000个。\n牵头单位：市工信局\n责任单位：市通信管理局\n",
}


@pytest.mark.parametrize("form", sorted(ITEM_FORMS))
def test_other_ways_of_numbering_items_and_placing_roles(form):
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    extraction = extract_plan(read_bytes(ITEM_FORMS[form].encode("utf-8"), "plan.txt"))
    assert extraction.problems == []
    found = [(t.item.code, t.item.body, [u.name for u in t.roles.leads], [u.name for u in t.roles.co_owners])
             for t in extraction.tasks]
    assert found == [("一.1", "地区生产总值增长5.5%左右。", ["市发改委"], ["市统计局"]),
                     ("一.2", "城镇新增就业12万人。", ["市人社局"], []),
                     ("二.3", "新建5G基站5000个。", ["市工信局"], ["市通信管理局"])]
    assert [t.item.part_title for t in extraction.tasks] == ["主要预期目标", "主要预期目标", "重点工作"]


def test_a_numbered_point_inside_an_item_is_not_an_item():
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    text = ("某市2026年重点工作任务分解方案\n\n一、重点工作\n1.实施三项工程:\n(1)新建学校5所;\n(2)新建医院2所。"
            "(牵头单位:市教育局;责任单位:市卫健委)\n2.新增就业1万人。(牵头单位:市人社局)\n")
    extraction = extract_plan(read_bytes(text.encode("utf-8"), "plan.txt"))
    assert [t.item.code for t in extraction.tasks] == ["一.1", "一.2"]
    assert extraction.tasks[0].item.body == "实施三项工程:(1)新建学校5所;(2)新建医院2所。"


def test_role_clauses_named_by_any_label_of_the_role_vocabulary():
    """The segmenter finds a closing role clause by the words of kg/data/roles.yaml: 主责单位 and
    协同单位 (no 牵头/负责/配合 in them) were not recognised when its word list was written by hand."""
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    text = ("某市2026年重点工作任务分解方案\n\n一、重点工作\n"
            "1.新建保障性住房3000套。(主责单位:市住房保障局;协同单位:市财政局、市自然资源局)\n"
            "2.建设口袋公园20个。(主责单位:市园林局)\n")
    extraction = extract_plan(read_bytes(text.encode("utf-8"), "plan.txt"))
    assert extraction.problems == []
    found = [(t.item.body, [u.name for u in t.roles.leads], [u.name for u in t.roles.co_owners])
             for t in extraction.tasks]
    assert found == [("新建保障性住房3000套。", ["市住房保障局"], ["市财政局", "市自然资源局"]),
                     ("建设口袋公园20个。", ["市园林局"], [])]


def test_deadlines_in_the_role_clause_and_role_sentences_outside_brackets(tmp_path):
    # (责任单位:X;完成时限:2026年12月底): the deadline is no unit; 市人社局牵头,…按职责分工负责。 closing the
    # item names its units, after a bracketed clause too; (X牵头,Y负责): Y shares the work, X leads
    result, store = build_clean(tmp_path, "plan_jizhou_deadlines.txt", 8)
    assert owners(store, "一.1") == [("co", "各区人民政府"), ("lead", "市工信局")]
    assert owners(store, "一.2") == [("co", "市自然资源和规划局"), ("co", "市财政局"), ("lead", "市发改委")]
    assert owners(store, "一.3") == [("co", "市文旅局"), ("lead", "市商务局")]  # not 分管副市长
    assert owners(store, "二.4") == [("co", "市教育局"), ("co", "市财政局"), ("lead", "市人社局")]
    assert owners(store, "二.5") == [("co", "各区人民政府"), ("lead", "市教育局")]
    assert owners(store, "二.6") == [("co", "各区人民政府"), ("lead", "市住建局")]  # on a line of its own
    assert owners(store, "二.7") == [("lead", "各区人民政府")]
    # (牵头单位:X)。各区人民政府负责。: the bracket's lead is kept beside the sentence's units
    assert owners(store, "二.8") == [("co", "各区人民政府"), ("lead", "市城管局")]
    from kg.store import select

    texts = task_texts(store)
    assert texts["二.4"] == "城镇新增就业12万人。"  # the role sentence is not the task's text
    names = {r["name"] for r in select(store, "SELECT ?name WHERE { ?u a gk:Unit ; skos:prefLabel ?name }")}
    assert not [n for n in names if "时限" in n or "节点" in n or "领导" in n]
    # the deadlines are data: as written, and as the last day they allow (全年推进 names no day)
    due = {r["code"]: (r["text"], r.get("date")) for r in select(store, """SELECT ?code ?text ?date WHERE {
        ?t gk:code ?code ; gk:deadlineText ?text OPTIONAL { ?t gk:deadline ?date } }""")}
    assert due == {"一.1": ("2026年12月底", "2026-12-31"), "一.2": ("2026年12月", "2026-12-31"),
                   "一.3": ("全年推进", None)}


def test_a_task_sentence_is_not_read_as_a_role_sentence():
    from kg.extract.roles import is_role_sentence

    assert is_role_sentence("市人力资源社会保障局牵头,市财政局、市教育局等按职责分工负责")
    assert is_role_sentence("各区人民政府负责")
    assert not is_role_sentence("加强组织领导,市政府办公厅牵头")  # 加强组织领导 is no unit
    assert not is_role_sentence("市财政局、市教育局配合")  # nobody leads
    assert not is_role_sentence("推动产业链协同配合")


def test_sections_as_tasks_labels_without_separators_and_a_dash_before_the_clause(tmp_path):
    # (一)… items under 一、 parts; 牵头单位:X 责任单位:Y parted by a space; …建设。——责任单位:X
    result, store = build_clean(tmp_path, "plan_linjiang_sections.txt", 5)
    assert owners(store, "一.一") == [("co", "各区人民政府"), ("lead", "市商务局")]
    assert owners(store, "二.二") == [("co", "各区人民政府"), ("lead", "市教育局")]
    assert owners(store, "二.三") == [("lead", "市卫健委")]
    texts = task_texts(store)
    assert texts["二.三"] == "推进健康城市建设。"


def test_joint_leads_a_leader_label_and_a_plan_named_by_its_labels(tmp_path):
    # titled 责任分工; (牵头领导:…;牵头单位:X); (X、Y并列牵头,Z配合); full-width digits; 保持在85%以上
    result, store = build_one(tmp_path, "plan_donggang_joint_leads.txt")
    assert result.exit_code == 0 and result.conforms, [d.problems for d in result.documents]
    assert result.documents[0].kind == "plan" and result.documents[0].counts["tasks"] == 4
    assert owners(store, "一.1") == [("co", "市科技局"), ("lead", "市工信局")]
    assert owners(store, "一.2") == [("co", "各区政府"), ("lead", "市工信局"), ("lead", "市科技局")]
    assert owners(store, "一.3") == [("co", "市工信局"), ("lead", "市数据局")]
    from kg.store import select

    rows = select(store, """SELECT ?metric ?comparator ?bound WHERE { ?t gk:code "二.4" ; gk:hasTarget ?q .
                             ?q gk:metric ?metric ; gk:comparator ?comparator ; gk:bound ?bound }""")
    assert [(r["metric"], r["comparator"], r["bound"]) for r in rows] == [("空气质量优良天数比例", "保持在+以上", "at_least")]


def test_one_department_written_three_ways_is_one_unit(tmp_path):
    # 北川市 is no city of the gazetteer: 市发展和改革委员会, 市发改委 and 市发展改革委 are still one unit
    # (kg/data/unit_name_variants.tsv), its names as written kept as labels
    from kg.lookup import unit_tasks
    from kg.store import select

    result, store = build_one(tmp_path, "plan_beichuan_name_variants.txt")
    assert result.exit_code == 0 and result.conforms
    rows = select(store, "SELECT ?unit ?label WHERE { ?unit a gk:Unit ; rdfs:label ?label }")
    units: dict = {}
    for row in rows:
        units.setdefault(row["unit"].rsplit("/", 1)[-1], set()).add(row["label"])
    assert units == {"市发改委": {"市发展和改革委员会", "市发改委", "市发展改革委"},
                     "市经信局": {"市经济和信息化局", "市经信局"}, "市财政局": {"市财政局"}}
    assert all("/unit/北川市/" in row["unit"] for row in rows)
    assert owners(store, "一.3") == [("co", "市发改委"), ("lead", "市经信局")]
    assert sorted(t["code"] for t in unit_tasks(store, "市发展和改革委员会")) == ["一.1", "一.2", "一.3"]


def test_labels_no_list_names_end_the_unit_list_at_their_colon(tmp_path):
    # 推进期限, 工作要求, 督查要求, 联系人 are in no list of kg/data/roles.yaml and follow the unit with no
    # separator: the colon gives the label away, and the unit ends where an organisation's name does
    result, store = build_one(tmp_path, "plan_yuncheng_unlisted_labels.txt")
    assert result.exit_code == 0 and result.conforms, [d.problems for d in result.documents]
    assert owners(store, "一.1") == [("lead", "市发改委")]
    assert owners(store, "一.2") == [("co", "各区人民政府"), ("co", "市财政局"), ("lead", "市商务局")]
    assert owners(store, "二.3") == [("co", "市数据局"), ("lead", "市政府办公室")]
    assert owners(store, "二.4") == [("lead", "市财政局")]
    assert owners(store, "二.5") == [("co", "各区人民政府"), ("lead", "市园林局")]  # a colon for a semicolon


def test_short_labels_other_brackets_and_a_clause_in_lenticular_brackets(tmp_path):
    # (主办:X;协办:Y), (牵头:X;配合:Y), X〔牵头〕, 【牵头单位:X 配合单位:Y】, 各县(市、区)人民政府
    result, store = build_one(tmp_path, "plan_haizhou_short_labels.txt")
    assert result.exit_code == 0 and result.conforms and result.documents[0].problems == []
    assert result.documents[0].counts["tasks"] == 6
    assert owners(store, "一.1") == [("co", "市统计局"), ("lead", "市发改委")]
    assert owners(store, "一.2") == [("co", "市科技局"), ("lead", "市工信局")]
    assert owners(store, "一.3") == [("co", "市投促中心"), ("lead", "市商务局")]
    assert owners(store, "一.4") == [("co", "各县市区人民政府"), ("lead", "市人社局")]
    assert owners(store, "一.6") == [("co", "市通信管理办"), ("lead", "市工信局")]


def test_a_leaders_column_is_no_role_column_though_it_starts_with_a_role_word(tmp_path):
    # 牵头领导 starts with the short label 牵头, but names people: its cells are no units
    result, store = build_text(tmp_path, "plan_table_leaders.txt",
                               "某市2026年重点工作任务分工表\n\n序号\t重点任务\t牵头领导\t牵头单位\t配合单位\n"
                               "一、扩大内需\n1\t社会消费品零售总额增长5%\t张三\t市商务局\t市财政局\n")
    assert result.exit_code == 0 and result.documents[0].counts["tasks"] == 1
    assert owners(store, "一.1") == [("co", "市财政局"), ("lead", "市商务局")]


def test_a_clause_that_opens_the_item_before_its_task(tmp_path):
    # 牵头单位:X;责任单位:Y。task / X牵头,Y配合:task / 【牵头单位】X【责任单位】Y。task; a task sentence
    # that names a unit before a colon (加强组织领导,市政府办公厅牵头:…) is no such clause
    result, store = build_one(tmp_path, "plan_linhai_leading_clauses.txt")
    assert result.exit_code == 0 and result.conforms and result.documents[0].problems == []
    assert owners(store, "一.1") == [("co", "市财政局"), ("lead", "市发改委")]
    assert owners(store, "一.2") == [("co", "各区政府"), ("lead", "市商务局")]
    assert owners(store, "一.3") == [("co", "市商务局"), ("lead", "市文化广电旅游体育局")]
    assert owners(store, "二.4") == [("lead", "市政府办公厅")]
    from kg.store import select

    texts = task_texts(store)
    assert texts["一.1"] == "推进重大项目建设,新开工项目200个。" and texts["一.2"] == "社会消费品零售总额增长6%。"
    assert texts["二.4"] == "加强组织领导,市政府办公厅牵头:研究制定工作方案。"
    rows = select(store, """SELECT ?code ?start ?end WHERE { ?t gk:code ?code ; gk:hasTarget [ gk:startOffset ?start ;
                            gk:endOffset ?end ] }""")
    source = (DATA / "plan_linhai_leading_clauses.txt").read_text(encoding="utf-8")
    assert sorted(source[int(r["start"]):int(r["end"])] for r in rows) == ["10%", "200个", "6%", "800亿元"]


def test_deadlines_the_task_sentence_sets(tmp_path):
    # no time label: the sentence's own time before 前, after 到, or 年内 is the deadline; of several,
    # the one by which the whole task is due; a label, where there is one, wins
    result, store = build_clean(tmp_path, "plan_xuzhou_sentence_deadlines.txt", 7)
    from kg.store import select

    due = {r["code"]: (r["text"], r.get("date")) for r in select(store, """SELECT ?code ?text ?date WHERE {
        ?t gk:code ?code ; gk:deadlineText ?text OPTIONAL { ?t gk:deadline ?date } }""")}
    assert due == {"一.1": ("年内", "2026-12-31"),  # not its 6月底前 milestone
                   "一.2": ("到2026年底", "2026-12-31"),
                   "一.3": ("2026年9月底前", "2026-09-30"),
                   "一.4": ("三季度末前", "2026-09-30"),  # 每月底前 recurs: no deadline
                   "二.6": ("2026年11月", "2026-11-30")}  # the label, not the sentence's 年底前
    # 3年内 is a span and 到2028年 the horizon of a goal: neither is a deadline
    assert "二.5" not in due and "二.7" not in due


def test_a_province_plan_with_units_parted_by_spaces(tmp_path):
    # 江南省…方案: the province is the jurisdiction (its units are 江南省's, not some city's); full-width
    # item numbers; (牵头单位:省发展改革委 省财政厅): reading removes the space, the list still names two
    result, store = build_clean(tmp_path, "plan_jiangnan_province.txt", 6)
    from kg.store import select

    assert select(store, "SELECT ?j ?i WHERE { ?d a gk:ResponsibilityPlan ; gk:jurisdiction ?j ; gk:issuer ?i }") == [
        {"j": "江南省", "i": "江南省人民政府"}]
    assert owners(store, "一.2") == [("co", "省生态环境厅"), ("co", "省自然资源厅"), ("lead", "省发展改革委"),
                                     ("lead", "省财政厅")]
    assert owners(store, "二.4") == [("co", "中国人民银行江南省分行"), ("co", "国家金融监督管理总局江南监管局"),
                                     ("co", "省委组织部"), ("co", "省教育厅"), ("lead", "省科技厅")]
    assert owners(store, "二.5") == [("lead", "省委网信办"), ("lead", "省工业和信息化厅"), ("lead", "省通信管理局")]
    places = {r["j"] for r in select(store, "SELECT DISTINCT ?j WHERE { ?u a gk:Unit ; gk:jurisdiction ?j }")}
    assert places == {"江南省"}


def test_a_county_plan(tmp_path):
    # 青原县…分解: the county is the jurisdiction; labels with full-width colons after the sentence, no
    # brackets; towns (富田镇), 各乡(镇) and 团县委 are units
    result, store = build_clean(tmp_path, "plan_qingyuan_county.txt", 5)
    from kg.store import select

    assert select(store, "SELECT ?j WHERE { ?d a gk:ResponsibilityPlan ; gk:jurisdiction ?j }") == [{"j": "青原县"}]
    assert owners(store, "一.2") == sorted([("co", "各乡(镇)"), ("co", "县税务局"), ("lead", "县财政局")])
    assert owners(store, "二.3") == sorted([("co", "值夏镇"), ("co", "县自然资源局"), ("co", "县财政局"), ("co", "富田镇"),
                                            ("lead", "县交通运输局")])
    assert owners(store, "二.4") == sorted([("co", "县妇联"), ("co", "县就业服务中心"), ("co", "团县委"),
                                            ("lead", "县人社局")])


def test_an_autonomous_prefectures_plan(tmp_path):
    # 清江土家族苗族自治州…方案: the prefecture (a name of ten characters before its level) is the
    # jurisdiction, not 清江市, a city the plan names; 州发改委 is its unit
    result, store = build_clean(tmp_path, "plan_qingjiang_prefecture.txt", 4)
    from kg.store import select

    assert select(store, "SELECT ?j ?i WHERE { ?d a gk:ResponsibilityPlan ; gk:jurisdiction ?j ; gk:issuer ?i }") == [
        {"j": "清江土家族苗族自治州", "i": "清江土家族苗族自治州人民政府"}]
    assert owners(store, "一.1") == [("co", "各县市人民政府"), ("co", "州统计局"), ("lead", "州发改委")]
    assert owners(store, "二.4") == [("co", "州财政局"), ("co", "清江市人民政府"), ("co", "白岩市人民政府"),
                                     ("lead", "州发改委")]
    places = {r["j"] for r in select(store, "SELECT DISTINCT ?j WHERE { ?u a gk:Unit ; gk:jurisdiction ?j }")}
    assert places == {"清江土家族苗族自治州"}


def test_a_banners_plan_under_its_league(tmp_path):
    # 白云盟白云左旗…: the banner (旗, a county's level) of its league (盟) is the jurisdiction; 旗人社局 is
    # its unit, and 旗财政局 旗民政局 parted by a space are two
    result, store = build_clean(tmp_path, "plan_baiyun_league_banner.txt", 3)
    from kg.store import select

    assert select(store, "SELECT ?j WHERE { ?d a gk:ResponsibilityPlan ; gk:jurisdiction ?j }") == [
        {"j": "白云盟白云左旗"}]
    assert owners(store, "一.2") == [("co", "旗民政局"), ("co", "旗财政局"), ("lead", "旗人社局")]


def test_role_labels_each_in_a_sentence_of_its_own(tmp_path):
    # 牵头单位:X。配合单位:Y、Z。 on the line after the task: both sentences are the clause (before, the
    # lead's sentence was read as the task's and the item had no lead); (一) sections between parts and items
    result, store = build_clean(tmp_path, "plan_dongping_label_sentences.txt", 4)
    assert owners(store, "一.1") == [("co", "市发改委"), ("co", "市科技局"), ("lead", "市工信局")]
    assert owners(store, "一.2") == [("lead", "市工信局")]
    assert owners(store, "二.4") == [("co", "市教育局"), ("co", "市财政局"), ("lead", "市人社局")]
    texts = task_texts(store)
    assert texts["一.1"] == "实施制造业重点产业链高质量发展行动,规模以上工业增加值增长7%。"


@pytest.mark.parametrize("name", ["plan_ningchuan_markdown.txt", "plan_ningchuan_csv_gbk.txt"])
def test_a_table_in_markdown_or_saved_as_csv(tmp_path, name):
    # | 一 | 扩大有效需求 | | | and 一,扩大有效需求,,, are part rows, not text of the task above; a CSV
    # (GBK, CRLF, as a spreadsheet saves it) splits at ASCII commas outside quotes only: the quoted
    # "市发展改革委,市文化和旅游局" is one cell of two units, a full-width ，is the task's own text
    result, store = build_one(tmp_path, name)
    assert result.exit_code == 0 and result.conforms, [d.problems for d in result.documents]
    assert result.documents[0].kind == "plan" and result.documents[0].counts["tasks"] == 3
    assert owners(store, "一.1") == [("co", "市发改委"), ("co", "市文旅局"), ("lead", "市商务局")]
    assert owners(store, "一.2") == [("co", "各区人民政府"), ("lead", "市发改委")]
    assert owners(store, "二.3")[-1] == ("lead", "市人社局")
    from kg.store import select

    rows = select(store, "SELECT ?code ?text ?due WHERE { ?t gk:code ?code ; gk:text ?text ; gk:deadline ?due }")
    found = {r["code"]: (r["text"], r["due"]) for r in rows}
    assert found["一.2"][0].startswith("新开工亿元以上项目200个") and found["二.3"][1] == "2026-11-30"
    if name.endswith("csv_gbk.txt"):  # a quoted multi-line cell, and quotes doubled inside a quoted one
        assert found["一.2"][0] == "新开工亿元以上项目200个,完成固定资产投资1500亿元"
        assert found["一.1"][0] == '社会消费品零售总额增长6%左右,实施"宁川好物"消费品牌培育行动'


def test_a_spreadsheet_s_merged_role_cells(tmp_path):
    # one 牵头单位/责任单位/完成时限 cell merged over several rows keeps its text in the first row only:
    # a row whose role cells are all empty shares those of the row above, within its part; a new
    # part's first row has no row above and names no unit
    result, store = build_one(tmp_path, "plan_yunling_merged_cells.txt")
    assert result.exit_code == 1 and result.conforms  # 二.6 is reported and left out
    problems = result.documents[0].problems
    assert len(problems) == 1 and "二.6 names no responsible unit" in problems[0]
    assert owners(store, "一.2") == owners(store, "一.1") == [("co", "市发改委"), ("lead", "市商务局")]
    assert owners(store, "一.4") == owners(store, "一.3") == [("co", "各区人民政府"), ("lead", "市发改委")]
    assert owners(store, "一.5") == [("lead", "市财政局")]
    from kg.store import select

    rows = select(store, "SELECT ?code ?due WHERE { ?t gk:code ?code ; gk:deadline ?due }")
    assert {r["code"]: r["due"] for r in rows} == {"一.1": "2026-12-31", "一.2": "2026-12-31", "一.3": "2026-12-31",
                                                   "一.4": "2026-12-31", "一.5": "2026-06-30"}
    # the task is still its own row's (line 5), its role text the merged cell's
    rows = select(store, """SELECT ?line WHERE { ?t gk:code "一.2" ; gk:line ?line ; gk:roleText ?r
        FILTER(CONTAINS(?r, "牵头单位:市商务局")) }""")
    assert rows == [{"line": "5"}]


def test_a_decimal_outline(tmp_path):
    # parts "1 推动经济…" and items "1.1 地区…" (the space goes in reading): items coded 1.1, 2.2
    result, store = build_clean(tmp_path, "plan_beiyuan_decimal_outline.txt", 4)
    assert owners(store, "1.1") == [("co", "市统计局"), ("lead", "市发改委")]
    assert owners(store, "2.2") == [("lead", "市教育局")]
    from kg.store import select

    parts = select(store, "SELECT ?code ?title WHERE { ?t gk:code ?code ; gk:inPart/rdfs:label ?title }")
    assert {r["code"]: r["title"] for r in parts}["2.1"] == "保障和改善民生"


def test_a_plan_in_a_layout_not_read_says_so():
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    text = "某市2026年重点工作任务分解方案\n\n推动经济发展,牵头单位为市发改委。\n"
    extraction = extract_plan(read_bytes(text.encode("utf-8"), "plan.txt"))
    assert extraction.tasks == [] and [p.message for p in extraction.problems] == [
        "no task found: no numbered item or table row names a lead unit "
        "(the layouts read are in the README, How documents are read)"]


def test_points_inside_items(tmp_path):
    # 1.扩大有效投资。 then (1)…(牵头单位:X) and (2)…(牵头单位:X;责任单位:Y) on lines of their own: each
    # point is a task (一.1(2)), headed by its item; before, (2) was dropped without a word
    result, store = build_clean(tmp_path, "plan_nanxi_points.txt", 6)
    assert owners(store, "一.1(2)") == [("co", "各区政府"), ("lead", "市发改委")]
    assert owners(store, "一.2(2)") == [("co", "市文旅局"), ("lead", "市商务局")]
    from kg.store import select

    rows = select(store, """SELECT ?code ?text ?sub ?metric WHERE { ?t gk:code ?code ; gk:text ?text ; gk:subheading ?sub ;
        gk:hasTarget/gk:metric ?metric }""")
    assert {r["code"]: (r["text"], r["sub"], r["metric"]) for r in rows}["一.1(2)"] == (
        "完成固定资产投资1500亿元。", "扩大有效投资", "完成固定资产投资")


def test_points_that_share_their_item_s_clause(tmp_path):
    # 1.推进…: (1)…; (2)…。 then one clause: one task of both points; 2.…(牵头单位:X) then points naming no
    # unit: the item is the task and the points are reported, not silently dropped
    result, store = build_one(tmp_path, "plan_nanxi_points_one_clause.txt")
    assert result.conforms and result.documents[0].counts["tasks"] == 3
    assert result.documents[0].problems == [
        "line 9: item 一.2: points (1)…(2) after its role clause name no unit; read as no task"]
    assert owners(store, "一.1") == [("co", "各区政府"), ("lead", "市发改委")]
    from kg.store import select

    metrics = {r["metric"] for r in select(store, """SELECT ?metric WHERE { ?t gk:code "一.1" ; gk:hasTarget/gk:metric ?metric }""")}
    assert metrics == {"新开工亿元以上项目", "完成固定资产投资"}  # without their (1), (2)


def test_a_role_clause_after_a_whole_item_is_reported():
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    text = ("某市2026年重点工作任务分解方案\n\n一、重点工作\n1.新建学校10所。(牵头单位:市教育局)\n"
            "改造老旧小区50个。(牵头单位:市住建局)\n")
    extraction = extract_plan(read_bytes(text.encode("utf-8"), "plan.txt"))
    assert [t.item.code for t in extraction.tasks] == ["一.1"]
    assert [(p.line, p.message) for p in extraction.problems] == [
        (5, "a role clause outside any numbered item; not read as a task")]


def test_a_plan_that_lists_each_unit_s_tasks_under_it(tmp_path):
    # 一、市发展和改革委员会 heading its tasks (a 责任清单): the heading's unit leads each task under it; a
    # clause in the item adds its co-owners (配合单位:各区人民政府); a topic heading names no unit
    result, store = build_clean(tmp_path, "plan_xichuan_by_unit.txt", 5)
    assert owners(store, "一.1") == [("lead", "市发改委")]
    assert owners(store, "一.2") == [("co", "各区人民政府"), ("lead", "市发改委")]
    assert owners(store, "二.4") == [("co", "市投促局"), ("lead", "市商务局")]
    assert owners(store, "三.5") == [("lead", "市人社局")]


def test_saved_web_pages(tmp_path):
    # a plan's table and a news article saved as HTML: tags out (a cell starts with a tab, a block ends a
    # line), entities decoded; offsets still point into the .html file; a folder's .html files are read
    from kg.build import BuildOptions, build, collect_inputs
    from kg.store import open_store, select

    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("plan_yunling_page.html", "news_xiangyang_page.html"):
        (folder / name).write_bytes((DATA / name).read_bytes())
    assert [p.name for p in collect_inputs([folder])] == ["news_xiangyang_page.html", "plan_yunling_page.html"]
    result = build(BuildOptions(inputs=[folder], out_dir=tmp_path / "out", jobs=1))
    assert result.exit_code == 0 and result.conforms, [d.problems for d in result.documents]
    assert [(d.kind, d.counts.get("tasks")) for d in result.documents] == [("news", None), ("plan", 2)]
    store = open_store(result.out_dir)
    assert owners(store, "一.1") == [("co", "市发改委"), ("co", "市文旅局"), ("lead", "市商务局")]
    texts = task_texts(store)
    assert texts["一.2"] == "新开工亿元以上项目200个&完成投资1500亿元"  # &amp; decoded
    rows = select(store, """SELECT ?title ?date ?start ?end WHERE { ?a a gk:NewsArticle ; dcterms:title ?title ;
        dcterms:issued ?date . ?p a gk:Passage ; gk:text "该项目总投资50亿元。" ; gk:startOffset ?start ; gk:endOffset ?end }""")
    assert [(r["title"], r["date"]) for r in rows] == [("比亚迪襄阳产业园二期项目开工", "2026-03-18")]
    page = (DATA / "news_xiangyang_page.html").read_text(encoding="utf-8")
    assert page[int(rows[0]["start"]):int(rows[0]["end"])] == "该项目总投资50亿元。"


def test_a_word_document(tmp_path):
    # a .docx: its paragraphs and tables in reading order, a table row as tab-separated cells; a cell merged
    # across the row heads a part, one merged down two rows gives both their units
    result, store = build_one(tmp_path, "plan_yunling_word.docx")
    assert result.exit_code == 0 and result.conforms, [d.problems for d in result.documents]
    assert result.documents[0].kind == "plan" and result.documents[0].counts["tasks"] == 3
    assert owners(store, "一.2") == owners(store, "一.1") == [("co", "市发改委"), ("co", "市文旅局"), ("lead", "市商务局")]
    assert owners(store, "一.3") == [("co", "各区人民政府"), ("lead", "市发改委")]
    from kg.read import InputError, read_bytes

    with pytest.raises(InputError, match="not a readable .docx"):
        read_bytes(b"PK\x03\x04" + b"broken" * 20, "plan.docx")


@pytest.mark.parametrize("name", ["plan_yunling_print.pdf", "plan_yunling_table_print.pdf"])
def test_a_pdf(tmp_path, name):
    # PDFs printed by a browser (chromium --print-to-pdf) from a plan of numbered items with a wrapped
    # line, and from a table: pypdf's layout keeps the table's columns apart with spaces
    result, store = build_one(tmp_path, name)
    assert result.exit_code == 0 and result.conforms, [d.problems for d in result.documents]
    assert result.documents[0].kind == "plan"
    assert owners(store, "一.1") == [("co", "市发改委"), ("co", "市文旅局"), ("lead", "市商务局")]
    assert owners(store, "一.2") == [("co", "各区人民政府"), ("lead", "市发改委")]
    texts = task_texts(store)
    if name == "plan_yunling_print.pdf":  # the line the page wrapped is joined again
        assert texts["一.1"].endswith("推动商贸流通企业数字化转型。") and owners(store, "二.3") == [("lead", "市人社局")]


def test_a_pdf_without_text_or_broken_is_named_with_its_reason():
    from kg.read import InputError, read_bytes

    with pytest.raises(InputError, match="not a readable PDF"):
        read_bytes(b"%PDF-1.4\n" + b"broken" * 20, "plan.pdf")


def test_points_naming_their_units_under_an_item_that_names_its_own():
    # 1.…(牵头单位:X) with points (1)…(牵头单位:…) under it: the item and each point are tasks
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    text = ("某市2026年重点工作任务分解方案\n\n一、重点工作\n1.扩大有效投资,完成投资1500亿元。(牵头单位:市发改委)\n"
            "(1)新开工亿元以上项目300个。(牵头单位:市发改委;责任单位:各区政府)\n(2)争取专项债券300亿元。(牵头单位:市财政局)\n"
            "2.新建学校10所。(牵头单位:市教育局)\n")
    extraction = extract_plan(read_bytes(text.encode("utf-8"), "plan.txt"))
    assert [(t.item.code, [u.name for u in t.roles.leads]) for t in extraction.tasks] == [
        ("一.1", ["市发改委"]), ("一.1(1)", ["市发改委"]), ("一.1(2)", ["市财政局"]), ("一.2", ["市教育局"])]
    assert extraction.problems == []


def test_an_excel_workbook(tmp_path):
    # a .xlsx: rows as tab-separated cells; the title and 一、… rows merged across the sheet; role cells
    # merged down two rows (the value in the first); units parted by a line break inside a cell
    result, store = build_one(tmp_path, "plan_yunling_sheet.xlsx")
    assert result.exit_code == 0 and result.conforms, [d.problems for d in result.documents]
    assert result.documents[0].kind == "plan" and result.documents[0].counts["tasks"] == 3
    assert owners(store, "一.2") == owners(store, "一.1") == [("co", "市发改委"), ("co", "市文旅局"), ("lead", "市商务局")]
    texts = task_texts(store)
    assert texts["一.3"] == "新开工亿元以上项目200个,完成固定资产投资1500亿元"


def test_a_date_cell_of_a_workbook_is_a_deadline():
    import datetime
    import io

    import openpyxl

    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["某市2026年重点任务分解表"])
    sheet.append(["序号", "重点任务", "牵头单位", "完成时限"])
    sheet.append([1, "新建学校10所", "市教育局", datetime.datetime(2026, 9, 30)])
    data = io.BytesIO()
    workbook.save(data)
    extraction = extract_plan(read_bytes(data.getvalue(), "plan.xlsx"), 2026)
    assert [(t.item.code, t.deadline, t.deadline_date) for t in extraction.tasks] == [
        ("1", "2026年9月30日", datetime.date(2026, 9, 30))]


def test_kg_text_gives_the_text_a_word_document_s_offsets_point_into(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main
    from kg.store import select

    result, store = build_one(tmp_path, "plan_yunling_word.docx")
    text = CliRunner().invoke(main, ["text", str(DATA / "plan_yunling_word.docx")]).output
    rows = select(store, """SELECT ?text ?start ?end WHERE { ?t gk:code "一.3" ; gk:text ?text ;
        gk:hasTarget [ gk:surface ?surface ; gk:startOffset ?start ; gk:endOffset ?end ] }""")
    assert rows and text[int(rows[0]["start"]):int(rows[0]["end"])] == "200个"
    missing = CliRunner().invoke(main, ["text", str(tmp_path / "none.docx")])
    assert missing.exit_code == 1 and "none.docx: No such file or directory" in missing.output


def test_a_word_document_numbered_by_word():
    # Word's automatic numbering (一、 then 1. under it, from numbering.xml) is no part of a paragraph's
    # text: its labels are rendered, a level starting again under each item of the level above
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    source = read_bytes((DATA / "plan_yunling_word_numbering.docx").read_bytes(), "plan.docx")
    assert source.raw.split("\n")[1:3] == ["一、扩大有效需求", "1.社会消费品零售总额增长6%。（牵头单位：市商务局）"]
    extraction = extract_plan(source, 2026)
    assert [(t.item.code, [u.name for u in t.roles.leads]) for t in extraction.tasks] == [
        ("一.1", ["市商务局"]), ("一.2", ["市发展改革委"]), ("二.1", ["市人力资源社会保障局"])]
    assert extraction.problems == []


def test_inline_clauses_opened_by_you_and_closed_by_the_tasks_time(tmp_path):
    # (由市发改委牵头,市统计局、市财政局配合,2025年12月底前完成): 由 is no part of the lead's name, and the
    # closing time (or 长期坚持) is the task's deadline, never a unit
    result, store = build_clean(tmp_path, "plan_jingmen_inline_times.txt", 6)
    from kg.store import select

    assert result.documents[0].problems == []
    assert owners(store, "一.1") == [("co", "市统计局"), ("co", "市财政局"), ("lead", "市发改委")]
    assert owners(store, "二.5") == [("lead", "市教育局")]
    due = {r["code"]: (r["text"], r.get("date")) for r in select(
        store, "SELECT ?code ?text ?date WHERE { ?t gk:code ?code ; gk:deadlineText ?text OPTIONAL { ?t gk:deadline ?date } }")}
    assert due == {"一.1": ("2025年12月底前", "2025-12-31"), "一.2": ("长期坚持", None), "一.3": ("持续推进", None),
                   "二.4": ("2025年6月底前", "2025-06-30"), "二.5": ("2025年9月底前", "2025-09-30")}
    names = {r["name"] for r in select(store, "SELECT ?name WHERE { ?u a gk:Unit ; rdfs:label ?name }")}
    assert not {name for name in names if name.startswith("由") or "完成" in name or name in ("长期坚持", "持续推进")}


def test_a_lead_marker_after_a_unit_not_listed_first(tmp_path):
    # 市经信局、市发改委(牵头)、市商务局: the unit before (牵头) leads, not its run; (配合) marks a co-owner and
    # is no part of its name; (双牵头), like (并列牵头), closes a run of joint leads
    result, store = build_clean(tmp_path, "plan_shiyan_lead_markers.txt", 6)
    assert owners(store, "一.1") == [("co", "市商务局"), ("co", "市经信局"), ("lead", "市发改委")]
    assert owners(store, "一.2") == [("co", "市自然资源和规划局"), ("lead", "市林业局")]
    assert owners(store, "一.3") == [("co", "市生态环境局"), ("co", "市经信局"), ("lead", "市发改委")]
    assert owners(store, "二.5") == [("co", "市商务局"), ("co", "市财政局"), ("lead", "市文旅局")]
    assert owners(store, "二.6") == [("co", "各县市区政府"), ("lead", "市发改委"), ("lead", "市文旅局")]


def test_units_parted_by_slashes_and_conjunctions_and_a_supervising_unit(tmp_path):
    # 市经信局/市科技局, 市经信局及各区人民政府, 市财政局和市自然资源规划局 name two units each (市发展和改革委员会
    # one); 督办单位 supervises: neither it nor the units it names own the task; X指导 co-owns
    result, store = build_clean(tmp_path, "plan_suizhou_separators.txt", 6)
    from kg.store import select

    assert owners(store, "一.1") == [("co", "市生态环境局"), ("co", "市自然资源和规划局"), ("lead", "市发改委")]
    assert owners(store, "一.2") == [("co", "市市场监管局"), ("co", "市财政局"), ("lead", "市科技局"), ("lead", "市经信局")]
    assert owners(store, "一.3") == [("co", "各区人民政府"), ("co", "市经信局"), ("lead", "市数据局")]
    assert owners(store, "二.4") == [("co", "市自然资源和规划局"), ("co", "市财政局"), ("lead", "市教育局")]
    assert owners(store, "二.5") == [("co", "市应急局"), ("co", "市经信局"), ("lead", "各区人民政府")]  # its gazetteer name
    assert owners(store, "二.6") == [("co", "市交通运输局"), ("co", "市农业农村局"), ("lead", "市发改委")]  # 市发展和改革委员会
    names = {r["name"] for r in select(store, "SELECT ?name WHERE { ?u a gk:Unit ; rdfs:label ?name }")}
    assert not names & {"市政府督查室", "市纪委监委", "督办单位"}


def test_a_plan_titled_task_list(tmp_path):
    # …重点工作任务清单 with inline (X牵头,Y配合) clauses is a plan
    result, store = build_clean(tmp_path, "plan_xiaogan_task_list.txt", 6)
    assert result.documents[0].kind == "plan"
    assert owners(store, "一.3") == [("co", "孝感海关"), ("lead", "市商务局")]


def test_role_labels_on_lines_of_their_own_after_a_task_without_a_full_stop(tmp_path):
    # 1.新建改造高标准农田20万亩 / 牵头单位:州农业农村局 / 责任单位:… / 完成时限:… each on a line of its own, no
    # 。 anywhere (item 4 even puts each label's units on the next line): every item is a task, its text
    # the task alone
    result, store = build_clean(tmp_path, "plan_enshi_label_lines.txt", 4)
    assert result.documents[0].problems == []
    assert task_texts(store) == {"一.1": "新建改造高标准农田20万亩", "一.2": "茶叶综合产值增长10%",
                                 "二.3": "新改建农村公路800公里", "二.4": "建成恩施机场改扩建工程"}
    assert owners(store, "一.1") == [("co", "各县市人民政府"), ("co", "州自然资源和规划局"), ("co", "州财政局"),
                                     ("lead", "州农业农村局")]
    assert owners(store, "二.4") == [("co", "州交通运输局"), ("co", "恩施市人民政府"), ("lead", "州发改委")]
    # and where the other items close with a bracketed clause, the one whose labels follow on the next
    # line keeps its lead: 市交通运输局, not the co-owner after it
    result, store = build_clean(tmp_path / "mixed", "plan_enshi_mixed_clauses.txt", 3)
    assert owners(store, "一.3") == [("co", "各县市人民政府"), ("lead", "市交通运输局")]
    assert task_texts(store)["一.3"] == "新改建农村公路800公里"


def test_role_labels_each_a_sentence_on_a_line_of_its_own(tmp_path):
    # …20万亩。/ 牵头单位:市农业农村局。/ 责任单位:市财政局、…。/ 完成时限:2025年12月底前。: one run of labels
    result, store = build_clean(tmp_path, "plan_enshi_label_sentences.txt", 2)
    from kg.store import select

    assert result.documents[0].problems == []
    assert owners(store, "一.1") == [("co", "市自然资源和规划局"), ("co", "市财政局"), ("lead", "市农业农村局")]
    due = {r["code"]: r["text"] for r in select(store, "SELECT ?code ?text WHERE { ?t gk:code ?code ; gk:deadlineText ?text }")}
    assert due == {"一.1": "2025年12月底前", "一.2": "长期坚持"}


def test_a_leader_named_beside_the_role_labels(tmp_path):
    # 责任领导:李明(市长)  牵头单位:X  责任单位:Y on the line after the task (reading removes the spaces
    # between the labels), 责任领导:王建国副市长;牵头单位:… and a leader on a line of its own before the
    # labels: the leader is no unit and no part of the task's text
    result, store = build_clean(tmp_path, "plan_yichang_leaders.txt", 6)
    assert result.documents[0].problems == []
    assert owners(store, "一.1") == [("co", "各县市区人民政府"), ("co", "市统计局"), ("lead", "市发改委")]
    assert task_texts(store)["一.2"] == "一般公共预算收入增长5%。"
    result, store = build_clean(tmp_path / "lines", "plan_yichang_leader_lines.txt", 4)
    assert owners(store, "一.1") == [("co", "市税务局"), ("lead", "市财政局")]
    assert owners(store, "一.3") == [("co", "市招商局"), ("lead", "市发改委")]
    assert task_texts(store) == {"一.1": "地区生产总值增长6.5%左右。", "一.2": "一般公共预算收入增长5%。",
                                 "一.3": "新开工亿元以上产业项目200个。", "一.4": "新增规模以上工业企业150家。"}


def test_items_numbered_within_each_section(tmp_path):
    # (一) 1. 2. (二) 1. 2.: a task's code carries its section (一.(二).1), and its IRI too; a section that
    # names its own units over items that name theirs ((三)…(牵头单位:市经信局)) is a task; one over items
    # that name none ((二)全力提振消费。(牵头单位:市商务局…)) gives them its units and is no task itself
    result, store = build_clean(tmp_path, "plan_huanggang_sections.txt", 6)
    from kg.store import select

    rows = select(store, "SELECT ?code ?task WHERE { ?task a gk:Task ; gk:code ?code }")
    assert sorted((r["code"], r["task"].rsplit("/", 1)[1]) for r in rows) == [
        ("一.(一).1", "1-1-1"), ("一.(一).2", "1-1-2"), ("一.(二).1", "1-2-1"), ("一.(二).2", "1-2-2"),
        ("二.(三)", "2-s3"), ("二.(四).1", "2-4-1")]
    assert owners(store, "二.(三)") == [("co", "市科技局"), ("lead", "市经信局")]
    assert owners(store, "一.(二).2") == [("co", "市文旅局"), ("co", "市财政局"), ("lead", "市商务局")]


def test_items_naming_no_unit_take_their_section_headings_clause(tmp_path):
    # 襄阳's layout: the (一) heading carries the clause, its items 1. 2. none (numbered on through the
    # part); an item with a clause of its own keeps it. The clause's closing time is the items' deadline,
    # not a unit, and the units' offsets are those of the heading where they are written
    result, store = build_clean(tmp_path, "plan_xiangyang_section_clauses.txt", 7)
    from kg.store import select

    assert sorted(task_texts(store)) == ["一.1", "一.2", "一.3", "一.4", "一.5", "二.1", "二.2"]
    assert owners(store, "一.2") == [("co", "市自然资源和规划局"), ("co", "市财政局"), ("lead", "市发改委")]
    assert owners(store, "一.3") == [("co", "市生态环境局"), ("lead", "市水利和湖泊局")]
    assert owners(store, "一.5") == [("co", "市文旅局"), ("lead", "市商务局")]
    assert owners(store, "二.2") == [("lead", "市营商办")]
    [row] = select(store, "SELECT ?due ?roles WHERE { ?t gk:code '一.1' ; gk:deadline ?due ; gk:roleText ?roles }")
    assert (row["due"], row["roles"]) == (
        "2026-12-31", "牵头单位:市发改委;责任单位:市财政局、市自然资源和规划局,2026年12月底前完成")
    assert not select(store, "SELECT ?t WHERE { ?t gk:code '一.4' ; gk:deadline ?due }")
    # the units' offsets: where the heading of (二) writes them
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    source = read_bytes((DATA / "plan_xiangyang_section_clauses.txt").read_bytes(), "plan.txt")
    task = next(t for t in extract_plan(source).tasks if t.item.code == "一.4")
    [lead], [co_owner] = task.roles.leads, task.roles.co_owners
    assert source.text[lead.start:lead.end] == "市商务局" and source.text[co_owner.start:co_owner.end] == "市文旅局"
    assert source.line_of(lead.start) == 10


def test_a_report_from_which_nothing_is_read_says_so(tmp_path):
    # headings neither a review nor a plan of a year (一、过去五年工作回顾 is a period): never silent
    from kg.build import BuildOptions, build

    path = tmp_path / "report.txt"
    path.write_text("政府工作报告\n——2031年1月10日在某市第十六届人民代表大会第四次会议上\n各位代表：\n"
                    "一、过去五年工作回顾\n全市地区生产总值年均增长5.2%。\n二、关于政府自身建设\n坚持依法行政。\n",
                    encoding="utf-8")
    result = build(BuildOptions(inputs=[path], out_dir=tmp_path / "out", jobs=1))
    assert result.exit_code == 1 and result.documents[0].ok
    [problem] = result.documents[0].problems
    assert problem.startswith("no commitment or result found") and "一、过去五年工作回顾 (period, no year)" in problem


def test_a_header_over_two_rows(tmp_path):
    # 责任单位 spanning 牵头单位 | 责任单位 in the row below (a spreadsheet's merged header): the second
    # row names the role columns, so the co-owners are read
    result, store = build_clean(tmp_path, "plan_two_row_header.xlsx", 2)
    assert owners(store, "一.1") == [("co", "市发改委"), ("co", "市财政局"), ("lead", "市商务局")]  # 市发展改革委
    assert owners(store, "一.2") == [("co", "各区人民政府"), ("lead", "市发改委")]


def test_cells_of_several_lines_and_numbers_in_brackets(tmp_path):
    # units one a line in a cell (Alt+Enter; Word paragraphs) stay apart even when the next names no
    # level (市财政局 / 高新区管委会); (1), (2) in the 序号 column under 二、 are 二.1, 二.2; Word's automatic
    # numbering in the 序号 cells is read
    result, store = build_clean(tmp_path, "plan_cell_line_breaks.xlsx", 4)
    assert owners(store, "一.1") == [("co", "市财政局"), ("co", "高新区管委会"), ("lead", "市住建局")]  # 市住房城乡建设局
    assert owners(store, "二.2") == [("co", "各县市区人民政府"), ("co", "市卫健委"), ("lead", "市民政局")]
    result, store = build_clean(tmp_path / "docx", "plan_cell_paragraph_units.docx", 2)
    assert owners(store, "1") == [("co", "市财政局"), ("co", "高新区管委会"), ("lead", "市商务局")]
    result, store = build_clean(tmp_path / "numbered", "plan_numbered_cells.docx", 2)
    assert owners(store, "2") == [("co", "市财政局"), ("lead", "市人社局")]


def test_a_task_cell_wrapped_onto_a_line_of_its_own(tmp_path):
    # …社会消费品零售总额 / 增长6%左右 on the next line, with no tab: the task's text goes on, and so its target
    result, store = build_clean(tmp_path, "plan_wrapped_task_cells.txt", 4)
    from kg.store import select

    assert task_texts(store)["一.1"] == "实施消费提振行动,社会消费品零售总额增长6%左右"
    targets = {r["code"]: r["v"] for r in select(store, "SELECT ?code ?v WHERE { ?t gk:code ?code ; gk:hasTarget/gk:value ?v }")}
    assert targets["一.1"] == "6" and targets["一.2"] == "120"


def test_a_web_page_table_with_merged_cells(tmp_path):
    # rowspan/colspan: a header over two rows, a lead unit and a deadline merged down two rows, part rows
    # across the table: each row reads with its cells in place
    result, store = build_clean(tmp_path, "plan_merged_cells.html", 4)
    from kg.store import select

    assert owners(store, "一.1") == [("co", "市发改委"), ("lead", "市商务局")]
    assert owners(store, "一.2") == [("co", "市市场监管局"), ("lead", "市商务局")]
    due = {r["code"]: r["text"] for r in select(store, "SELECT ?code ?text WHERE { ?t gk:code ?code ; gk:deadlineText ?text }")}
    assert due == {"一.1": "2025年12月底前", "一.2": "2025年12月底前", "二.3": "2025年12月底前", "二.4": "2025年9月底前"}


def test_a_markdown_table_with_bold_part_rows_and_line_breaks_in_cells(tmp_path):
    # | **一、** | **扩大内需** | is a part row; <br> in a cell parts two units (and two clauses of a task);
    # a page of Markdown with <br> in it is no web page
    result, store = build_clean(tmp_path, "plan_markdown_bold_breaks.md", 4)
    from kg.store import select

    assert owners(store, "一.1") == [("co", "市发改委"), ("co", "市财政局"), ("lead", "市商务局")]
    assert task_texts(store)["二.3"] == "城镇新增就业2万人"
    targets = {r["v"] for r in select(store, "SELECT ?v WHERE { ?t gk:code '一.1' ; gk:hasTarget/gk:value ?v }")}
    assert targets == {"6", "80"}


def test_a_workbook_of_one_sheet_per_part(tmp_path):
    # sheets 一、扩大内需 and 二、保障民生, each numbering its rows from 1 under the same header: parts by sheet
    # name, so 二.1 is no repeat of 一.1 (a hidden column of internal numbers changes nothing)
    result, store = build_clean(tmp_path, "plan_sheet_per_part.xlsx", 4)
    assert result.documents[0].problems == []
    assert sorted(task_texts(store)) == ["一.1", "一.2", "二.1", "二.2"]
    assert owners(store, "二.1")[-1] == ("lead", "市人社局")


def test_a_table_of_indicators(tmp_path):
    # 主要指标 | 2025年目标 | 牵头单位 …: the indicator and its figure are the task (one phrase, not two
    # sentences), so the figure is its target; a cell of 0.05 formatted as a percentage reads 5%
    result, store = build_clean(tmp_path, "plan_indicator_table.xlsx", 3)
    from kg.store import select

    assert task_texts(store) == {"1": "地区生产总值增长6.5%左右", "2": "一般公共预算收入增长5%", "3": "城镇新增就业3万人"}
    targets = {r["code"]: (r["v"], r["u"]) for r in select(
        store, "SELECT ?code ?v ?u WHERE { ?t gk:code ?code ; gk:hasTarget [ gk:value ?v ; gk:unit ?u ] }")}
    assert targets == {"1": ("6.5", "%"), "2": ("5", "%"), "3": ("3", "万人")}


def test_the_annex_list_and_the_requirements_after_the_tasks_are_no_tasks(tmp_path):
    # 附件:1.… 2.… after the tasks, then 三、保障措施 with its (一)(二)(三) points: neither is a task nor a
    # damaged item, so a clean plan builds cleanly
    result, store = build_clean(tmp_path, "plan_annex_list_and_requirements.txt", 3)
    assert result.documents[0].problems == [] and result.exit_code == 0
    assert sorted(task_texts(store)) == ["一.1", "一.2", "二.3"]


def test_a_plan_titled_by_its_city_and_a_range_of_years(tmp_path):
    # 黄石市优化营商环境重点任务责任清单(2025—2026年): the city the title opens with, and both years
    result, store = build_one(tmp_path, "plan_two_years_list.txt")
    from kg.store import select

    assert select(store, "SELECT ?j WHERE { ?d a gk:ResponsibilityPlan ; gk:jurisdiction ?j }") == [{"j": "黄石市"}]
    years = {r["y"] for r in select(store, "SELECT ?y WHERE { ?d a gk:ResponsibilityPlan ; gk:aboutYear ?y }")}
    assert years == {"2025", "2026"}


def test_role_clauses_inside_an_item_and_units_in_charge_by_their_duties(tmp_path):
    # an item whose parts each name their units (…1200亿元(牵头单位:市发改委;责任单位:各县(市、区)人民政府);
    # …80亿元以上(牵头单位:市财政局…)): every part's units, not the last part's alone
    result, store = build_clean(tmp_path, "plan_clauses_inside_items.txt", 5)
    assert owners(store, "一.1") == [("co", "各县市区人民政府"), ("lead", "市发改委"), ("lead", "市财政局")]
    # (市商务局、鄂州海关按职责分工负责) with no lead verb: both are in charge (a task, not left out)
    result, store = build_one(tmp_path / "notice", "plan_notice_responsible_verbs.txt")
    assert owners(store, "一.3") == [("lead", "市商务局"), ("lead", "鄂州海关")]


def test_the_seed_plans_item_of_three_parts_names_each_parts_unit(seeds_store):
    # 二.103: 结对帮扶恩施州…(责任单位:市农业农村局)结对帮扶三峡库区…(责任单位:市水务局)与神农架…(责任单位:市发改委);
    # the plan's rule makes each 责任单位 of a clause with no 牵头单位 a lead
    assert owners(seeds_store, "二.103") == [("lead", "市农业农村局"), ("lead", "市发改委"), ("lead", "市水务局")]


def test_a_unit_named_with_a_note_in_brackets(tmp_path):
    # 市公安局(交管局): 市公安局 holds the role and 交管局 is housed in it; (含…) names a collective's
    # members; a note that names no unit (市本级) is left to the role text, out of the unit's name
    result, store = build_clean(tmp_path, "plan_shiyan_unit_notes.txt", 3)
    from kg.store import select

    assert owners(store, "一.1") == [("co", "市交通运输局"), ("co", "市城管执法委"), ("lead", "市公安局")]
    assert owners(store, "二.3") == [("co", "市财政局"), ("lead", "市委宣传部"), ("lead", "市文旅局")]
    hosted = select(store, "SELECT ?inside ?host WHERE { ?i gk:hostedBy ?h . ?i skos:prefLabel ?inside . "
                           "?h skos:prefLabel ?host }")
    assert sorted((r["inside"], r["host"]) for r in hosted) == [
        ("交管局", "市公安局"), ("市人防办", "市住建局"), ("市新闻办", "市委宣传部")]
    [member] = select(store, "SELECT ?name WHERE { ?c skos:prefLabel '各区人民政府' ; org:hasMember ?m . "
                             "?m skos:prefLabel ?name }")
    assert member["name"] == "十堰经济技术开发区管委会"
    assert not select(store, "SELECT ?u WHERE { ?u skos:prefLabel ?name FILTER(CONTAINS(?name, '(')) }")


def test_divisions_over_parts(tmp_path):
    # 荆州's layout: 第一部分 主要预期目标 and 第二部分 重点工作任务, the second parted again 一、二、 with the
    # items numbered through: a part's code carries its division (二.一), and item 5 is in 二、扩大内需
    # (it was read into 一、 when the second 一、 was taken for a new start)
    result, store = build_clean(tmp_path, "plan_jingzhou_divisions.txt", 5)
    from kg.store import select

    rows = select(store, "SELECT ?code ?part ?title WHERE { ?t a gk:Task ; gk:code ?code ; gk:inPart ?p . "
                         "?p gk:code ?part ; rdfs:label ?title }")
    assert sorted((r["code"], r["part"], r["title"]) for r in rows) == [
        ("一.1", "一", "主要预期目标"), ("一.2", "一", "主要预期目标"), ("二.一.3", "二.一", "加快建设现代化产业体系"),
        ("二.一.4", "二.一", "加快建设现代化产业体系"), ("二.二.5", "二.二", "扩大内需")]
    assert owners(store, "二.二.5") == [("co", "市文旅局"), ("co", "市统计局"), ("lead", "市商务局")]


def test_dash_bullets_inside_an_item_are_its_text(tmp_path):
    # 1.实施重大项目攻坚行动: / ——新开工…300个; / ——完成…8%。 / (牵头单位:…): the ——lines are the item's
    # list, not subheadings (成都's ——扩大有效投资 between items stays one, test_first_listed_responsible_unit_leads)
    result, store = build_clean(tmp_path, "plan_xiaogan_dash_bullets.txt", 3)
    from kg.store import select

    assert task_texts(store)["一.1"] == "实施重大项目攻坚行动:——新开工亿元以上项目300个;——完成固定资产投资增长8%。"
    assert owners(store, "一.1") == [("co", "各县市区人民政府"), ("co", "孝感高新区管委会"), ("lead", "市发改委")]
    values = select(store, "SELECT ?v WHERE { ?t gk:code '一.1' ; gk:hasTarget ?q . ?q gk:value ?v }")
    assert sorted(float(r["v"]) for r in values) == [8.0, 300.0]
    assert not select(store, "SELECT ?t WHERE { ?t gk:subheading ?s }")


def _targets_by_code(name):
    """Each task's targets (value, measure, comparator) of a plan in tests/data, read without a build."""
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    extraction = extract_plan(read_bytes((DATA / name).read_bytes(), name), 2025)
    return {t.item.code: [(format(q.value.normalize(), "f"), q.unit, q.comparator) for q in t.targets]
            for t in extraction.tasks}


@pytest.mark.parametrize("name, expected", [
    # tab-separated text: 6左右 with % → 6%左右; a target cell that writes its % already keeps one; 所 is a
    # measure (though it ends office names: 派出所); - under 单位 and a target in words give no target
    ("plan_taizhou_indicator_measures.txt", {"1": [("6", "%", "左右")], "2": [("4.2", "万人", "")],
                                             "3": [("5", "%", "")], "4": [("12", "所", "")], "5": []}),
    # a Markdown table (pipes)
    ("plan_indicator_measures_pipes.md", {"1": [("7", "%", "")], "2": [("6", "%", "以上")], "3": [("3", "万人", "")]}),
    # Word: 计量单位 | 2025年预期目标
    ("plan_indicator_measures.docx", {"1": [("8", "%", "")], "2": [("2.5", "亿美元", "")],
                                      "3": [("5.5", "%", "以内")]}),
    # Excel: the figures are numbers (6, 22), the measures text
    ("plan_indicator_measures.xlsx", {"1": [("6", "%", "")], "2": [("6.5", "%", "")], "3": [("22", "万人", "")],
                                      "4": [("120", "万吨", "")]}),
])
def test_an_indicator_table_whose_measures_have_a_column_of_their_own(name, expected):
    # 指标名称 | 单位 | 2025年目标 | 牵头单位 | 责任单位: the figure of the target column with the measure of the
    # 单位 column is the task's target (地区生产总值增速 | % | 6 → 6 %)
    assert _targets_by_code(name) == expected


def test_an_indicator_table_with_a_measure_column_builds_cleanly(tmp_path):
    result, store = build_clean(tmp_path, "plan_taizhou_indicator_measures.txt", 5)
    assert task_texts(store)["2"] == "城镇新增就业4.2万人"
    assert owners(store, "2") == [("co", "各县市区人民政府"), ("lead", "市人社局")]  # 市人力资源社会保障局


def test_plan_tables_saved_as_csv_with_semicolons_or_tabs(tmp_path):
    # a folder's .csv files are inputs; the separator is sniffed: ; (UTF-8 with BOM, CRLF, a quoted cell with
    # ; "" and a line break inside), tabs (GBK); the units of a quoted cell apart by ; are two
    import shutil

    from kg.build import BuildOptions, build
    from kg.store import open_store, select

    folder = tmp_path / "exports"
    folder.mkdir()
    for name in ("plan_fenyang_semicolons.csv", "plan_liucheng_tabs.csv"):
        shutil.copy(DATA / name, folder / name)
    result = build(BuildOptions(inputs=[folder], out_dir=tmp_path / "out", jobs=1, network=False))
    assert result.exit_code == 0 and result.conforms, [(d.path, d.error, d.problems) for d in result.documents]
    assert {Path(d.path).name: d.counts["tasks"] for d in result.documents} == {
        "plan_fenyang_semicolons.csv": 3, "plan_liucheng_tabs.csv": 2}
    store = open_store(result.out_dir)
    rows = select(store, """
        SELECT ?file ?code ?text WHERE { ?t gk:code ?code ; gk:text ?text ; gk:inDocument/gk:sourceFile ?file }""")
    texts = {(r["file"], r["code"]): r["text"] for r in rows}
    assert texts[("plan_fenyang_semicolons.csv", "一.1")] == \
        '实施消费提振行动,社会消费品零售总额增长5.5%左右;举办"汾阳老字号"促消费活动50场以上'
    assert texts[("plan_fenyang_semicolons.csv", "一.2")] == "新开工亿元以上项目80个,完成固定资产投资增长6%"
    assert texts[("plan_liucheng_tabs.csv", "1")] == "新建改建农村公路120公里"
    fenyang = select(store, """
        SELECT ?role ?name WHERE {
          ?task gk:code "一.1" ; gk:inDocument/gk:sourceFile "plan_fenyang_semicolons.csv" .
          { ?unit gk:leads ?task . BIND("lead" AS ?role) } UNION { ?unit gk:coOwns ?task . BIND("co" AS ?role) }
          ?unit skos:prefLabel ?name }""")
    assert sorted((r["role"], r["name"]) for r in fenyang) == [("co", "市发展和改革局"), ("co", "市文旅局"),  # 市文化和旅游局
                                                                ("lead", "市商务局")]
    titles = select(store, """SELECT ?file ?title WHERE { ?d gk:sourceFile ?file ; dcterms:title ?title }""")
    assert {r["file"]: r["title"] for r in titles}["plan_fenyang_semicolons.csv"] == "汾阳市2026年政府工作报告重点任务责任分解表"


def test_parts_numbered_straight_through_divisions():
    # 第一部分 一、二、 第二部分 三、四、: the parts go on across the divisions, so a task's code is its part's
    # (三.3); read as divisions, parts 三 and 四 were lost without a word
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    source = read_bytes((DATA / "plan_straight_parts_in_divisions.txt").read_bytes(), "plan.txt")
    extraction = extract_plan(source)
    assert [(t.item.code, t.item.part_title) for t in extraction.tasks] == [
        ("一.1", "经济发展"), ("二.2", "民生保障"), ("三.3", "产业升级"), ("四.4", "城市建设")]
    assert extraction.problems == []


def test_a_dash_line_after_a_whole_item_is_a_subheading():
    # under a heading of units (一、市发改委) every item waits for a clause it never gets: a ——line after an
    # item that opened no list (…800个。) heads the items after it, it is not that item's bullet
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    text = ("某市2026年重点工作任务分解方案\n\n一、市发改委\n——扩大有效投资。\n1.实施亿元以上项目800个。\n"
            "——稳定外贸外资。\n2.开展招商活动100场。\n")
    tasks = extract_plan(read_bytes(text.encode("utf-8"), "plan.txt")).tasks
    assert [(t.item.body, t.item.subheading) for t in tasks] == [
        ("实施亿元以上项目800个。", "扩大有效投资"), ("开展招商活动100场。", "稳定外贸外资")]


def test_a_section_heading_with_figures_of_its_own_stays_a_task():
    # (一)…完成固定资产投资1200亿元,增长8%。(牵头单位:X): its items naming no unit take its clause, and its
    # own figures stay a task's targets (they were dropped with the heading)
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    text = ("某市2026年重点工作任务分解方案\n\n一、扩大有效需求\n"
            "（一）扩大有效投资，全年完成固定资产投资1200亿元，增长8%。（牵头单位：市发改委；责任单位：市财政局）\n"
            "1.全年实施亿元以上项目800个以上。\n2.争取专项债券资金120亿元。（牵头单位：市财政局）\n")
    tasks = extract_plan(read_bytes(text.encode("utf-8"), "plan.txt")).tasks
    assert [(t.item.code, [m.name for m in t.roles.leads], [str(q.value) for q in t.targets]) for t in tasks] == [
        ("一.(一)", ["市发改委"], ["1200", "8"]), ("一.1", ["市发改委"], ["800"]), ("一.2", ["市财政局"], ["120"])]



def test_a_lead_unit_merged_down_the_rows_of_a_workbook_leads_each_of_them():
    # 绵阳-style 分工表: 牵头单位 D4:D5 merged (its value saved in D4 only), row 5 with 责任单位 of its own;
    # the merged value is read in both rows, its copy pointing at the merged cell
    import io

    import openpyxl

    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["绵阳市2026年优化营商环境重点任务分工表"])
    sheet.append([])
    sheet.append(["序号", "目标任务", "责任领导", "牵头单位", "责任单位", "完成时限"])
    sheet.append([1, "深化投资项目审批制度改革,审批时限压减30%", "王某某", "市发展改革委", "市财政局", "2026年12月底"])
    sheet.append([2, "推进工程建设项目联合验收,新增联合验收项目120个", "王某某", None,
                  "市住建局\n市自然资源和规划局", "2026年10月底"])
    sheet.merge_cells("D4:D5")
    data = io.BytesIO()
    workbook.save(data)
    source = read_bytes(data.getvalue(), "plan.xlsx")
    extraction = extract_plan(source, 2026)
    roles = {t.item.code: ([u.name for u in t.roles.leads], [u.name for u in t.roles.co_owners])
             for t in extraction.tasks}
    assert roles == {"1": (["市发展改革委"], ["市财政局"]),
                     "2": (["市发展改革委"], ["市住建局", "市自然资源和规划局"])}
    second = extraction.tasks[1].roles.leads[0]
    start, end = source.source_span(second.start, second.end)
    assert source.raw[start:end] == "市发展改革委" and source.raw.count("市发展改革委") == 1


def test_a_target_read_with_the_measure_column_points_at_its_figure():
    # 城镇新增就业 | 万人 | 4.2: the measure is written after the figure but read from no cell of its own, so
    # the target's span lies in the target cell (start before end), around the figure it states
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    name = "plan_taizhou_indicator_measures.txt"
    source = read_bytes((DATA / name).read_bytes(), name)
    for task in extract_plan(source, 2025).tasks:
        for target in task.targets:
            start, end = source.source_span(target.start, target.end)
            assert start < end and str(target.value) in source.raw[start:end], (task.item.code, start, end)
            assert "\t" not in source.raw[start:end]  # within one cell


def test_an_indicator_table_with_two_target_columns_gives_both_targets():
    # 指标名称 | 单位 | 预期目标 | 力争目标: the measure goes after each target cell's figure, and the two figures are
    # two targets of the indicator (地区生产总值增速6%、6.5%), not 6 % of 地区生产总值增速6.5
    from kg.extract.plan import extract_plan
    from kg.read import read_bytes

    name = "plan_nanping_two_target_columns.txt"
    extraction = extract_plan(read_bytes((DATA / name).read_bytes(), name), 2026)
    assert {t.item.code: (t.item.body, [(format(q.value.normalize(), "f"), q.unit, q.metric) for q in t.targets])
            for t in extraction.tasks if t.item.code in "123"} == {
        "1": ("地区生产总值增速6%、6.5%", [("6", "%", "地区生产总值增速"), ("6.5", "%", "地区生产总值增速")]),
        "2": ("城镇新增就业3万人左右、3.5万人", [("3", "万人", "城镇新增就业"), ("3.5", "万人", "城镇新增就业")]),
        "3": ("细颗粒物(PM2.5)平均浓度25微克/立方米以下、23微克/立方米",
              [("25", "微克/立方米", "细颗粒物(PM2.5)平均浓度"), ("23", "微克/立方米", "细颗粒物(PM2.5)平均浓度")])}


def test_plan_and_report_tables_put_the_measure_by_one_rule():
    # kg.extract.quantities.measure_at for both: a range's two ends take the measure (5—6 in % is 5%—6%), a
    # time (2026年底前完成) none, in a plan's indicator table as in a report's table of targets
    from kg.extract.plan import extract_plan
    from kg.extract.report_tables import read_cell
    from kg.read import read_bytes

    name = "plan_nanping_two_target_columns.txt"
    tasks = {t.item.code: t for t in extract_plan(read_bytes((DATA / name).read_bytes(), name), 2026).tasks}
    assert (tasks["4"].item.body, [(str(q.value), str(q.upper), q.unit) for q in tasks["4"].targets]) == (
        "一般公共预算收入增长5%—6%", [("5", "6", "%")])
    reported = read_cell("一般公共预算收入增长", "%", "5—6")
    assert (str(reported.value), str(reported.upper), reported.unit) == ("5", "6", "%")
    assert tasks["5"].targets == [] and read_cell("新增高新技术企业", "家", "2026年底前完成") is None

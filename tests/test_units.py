"""kg.extract.units: unit lists, shorthand, hosted offices, collective qualifiers."""

from kg.extract.units import expand_shorthand, read_unit_list, split_top_level


def names(text):
    return [m.name for m in read_unit_list(text)]


def test_separators_including_a_stray_full_stop():
    assert names("市民政局、市人社局,市农业农村局.各区人民政府，市妇联") == [
        "市民政局", "市人社局", "市农业农村局", "各区人民政府", "市妇联"]


def test_district_shorthand_in_another_city():
    assert names("锦江、青羊、金牛区政府") == ["锦江区政府", "青羊区政府", "金牛区政府"]
    assert names("东湖高新区、武汉经开区管委会,洪山、江夏区人民政府") == [
        "东湖高新区管委会", "武汉经开区管委会", "洪山区人民政府", "江夏区人民政府"]


def test_shorthand_keeps_what_it_was_expanded_from():
    mentions = read_unit_list("江汉、硚口、黄陂区人民政府")
    assert [m.expanded_from for m in mentions] == ["江汉", "硚口", None]


def test_departments_are_never_shorthand():
    assert names("市人民政府各部门,各区人民政府") == ["市人民政府各部门", "各区人民政府"]


def test_hosted_office():
    mention = read_unit_list("某某工作领导小组办公室〈市公安局〉")[0]
    assert (mention.name, mention.host) == ("某某工作领导小组办公室", "市公安局")


def test_qualifier_defines_members_and_is_not_a_list_of_owners():
    mentions = read_unit_list("市农业农村局,各涉农区人民政府〈含东湖高新区、长江新区管委会,青山、新洲区人民政府,下同〉")
    assert [m.name for m in mentions] == ["市农业农村局", "各涉农区人民政府"]
    assert mentions[1].members == ["东湖高新区管委会", "长江新区管委会", "青山区人民政府", "新洲区人民政府"]


def test_example_of_a_category():
    mentions = read_unit_list("市国资委,武汉城发集团等市属国企")
    assert [m.name for m in mentions] == ["市国资委", "武汉城发集团", "市属国企"]
    assert mentions[2].members == ["武汉城发集团"]


def test_brackets_are_not_split():
    text = "市卫健委、各区(市)县政府"
    assert [text[a:b] for a, b in split_top_level(text)] == ["市卫健委", "各区(市)县政府"]


def test_expand_shorthand():
    assert expand_shorthand("江汉", "黄陂区人民政府") == "江汉区人民政府"
    assert expand_shorthand("长江新区", "风景区管委会") == "长江新区管委会"
    assert expand_shorthand("江汉", "市公安局") is None


def test_a_note_in_brackets_names_a_unit_inside_only_when_it_names_one():
    # 市公安局(交管局): 交管局 is housed in it; (单位), (各分局), (有限公司) say what kind, no unit
    from kg.extract.units import read_unit_list

    found = [(m.name, m.within) for m in read_unit_list(
        "市公安局（交管局）、市直各部门（单位）、市自然资源和规划局（各分局）、市城投集团（有限公司）")]
    assert found == [("市公安局", ["交管局"]), ("市直各部门", []), ("市自然资源和规划局", []), ("市城投集团", [])]


def test_what_a_departments_work_takes_in_makes_it_no_collective(tmp_path):
    # 市生态环境局(含各县市区分局) in one year's plan, 市生态环境局 in the other's: one department, the graph
    # conforms (as a collective in one plan it had two types and broke the shapes), and the 含 list
    # makes no unit; 各区人民政府(含开发区管委会) still names a member
    from kg.build import BuildOptions, build
    from kg.store import open_store, select

    head = "咸宁市{year}年政府工作报告重点任务分解方案\n\n一、生态环境\n"
    texts = {2030: "1.推进“无废城市”建设。（牵头单位：市生态环境局；责任单位：市住建局）\n",
             2031: "1.推进“无废城市”建设。（牵头单位：市生态环境局（含各县市区分局）；责任单位：市住建局）\n"
                   "2.整治黑臭水体10处。（牵头单位：各区人民政府（含开发区管委会））\n"}
    for year, body in texts.items():
        (tmp_path / f"plan{year}.txt").write_text(head.format(year=year) + body, encoding="utf-8")
    result = build(BuildOptions(inputs=[tmp_path / "plan2030.txt", tmp_path / "plan2031.txt"],
                                out_dir=tmp_path / "out", jobs=1))
    assert result.exit_code == 0 and result.conforms
    store = open_store(result.out_dir)
    kinds = select(store, "SELECT DISTINCT ?type WHERE { ?u skos:prefLabel '市生态环境局' ; gk:unitType ?type }")
    assert [r["type"].rsplit("#")[-1] for r in kinds] == ["GovernmentDepartment"]
    assert not select(store, "SELECT ?u WHERE { ?u skos:prefLabel '各县市区分局' }")
    [member] = select(store, "SELECT ?name WHERE { ?c skos:prefLabel '各区人民政府' ; org:hasMember ?m . ?m skos:prefLabel ?name }")
    assert member["name"] == "开发区管委会"

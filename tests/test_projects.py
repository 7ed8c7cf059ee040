"""Projects, companies and placements: names, rejections, evidence, agreement across documents."""

from pathlib import Path

import pyoxigraph as ox

from kg.crossdoc import link_documents
from kg.extract.projects import acceptable, extract_projects, find_projects
from kg.nlp import mentions
from kg.pipeline import process_document
from kg.segment_reports import Sentence, sentences
from kg.datafiles import query
from kg.store import select

DATA = Path(__file__).parent / "data"


def names(text):
    s = Sentence(0, len(text), text)
    return [p.name for p in find_projects(text, s, mentions(text))]


def test_names_from_their_last_word_without_introducing_verbs():
    assert names("加快推进中韩石化炼化一体项目,建设武昌滨江天街等3个消费新地标。") == ["中韩石化炼化一体项目", "武昌滨江天街"]


def test_example_lists_name_projects():
    assert names("推动楚兴二期、中信科移动等328个亿元以上工业项目开工建设。") == ["楚兴二期", "中信科移动"]


def test_categories_and_descriptions_are_not_names():
    assert names("实施集成电路强链补链项目10个。") == []
    assert names("华中最大规模天街开业。") == []
    assert not acceptable("千亿级光电子产业园", set())
    assert not acceptable("一批重点项目", set())


def placements(text, home=None):
    found = extract_projects(text, sentences(text), home)
    return sorted((p.project, p.district, p.method) for p in found.placements)


def test_place_in_the_name():
    assert placements("建设武昌滨江天街。") == [("武昌滨江天街", "武昌区", "name")]


def test_place_stated_in_the_sentence_and_by_reference():
    assert placements("光明科技园开工。该项目位于武汉经济技术开发区。") == [("光明科技园", "武汉经开区", "sentence")]


def test_district_report_places_its_projects_unless_the_sentence_names_another_district():
    assert placements("建设滨湖数字产业园。", "武昌区") == [("滨湖数字产业园", "武昌区", "district_report")]
    assert placements("支持洪山区建设滨湖数字产业园。", "武昌区") == []


def test_a_company_named_after_its_project_starts_after_it():
    # 九宫山康养度假区项目由湖北文旅集团有限公司投资建设: the company is 湖北文旅集团有限公司, not the project's
    # name run on into it, and 集团有限公司 is one name
    from kg.extract.projects import find_companies

    text = "九宫山康养度假区项目由湖北文旅集团有限公司投资建设,总投资30亿元。"
    assert [name for name, _, _ in find_companies(text, Sentence(0, len(text), text), mentions(text))] == [
        "湖北文旅集团有限公司"]


def test_two_districts_in_a_cue_sentence_place_nothing():
    assert placements("光明科技园开工。该项目位于江夏区和位于蔡甸区。") == []


def test_builder_from_the_news_and_one_node_across_documents():
    store = ox.Store()
    for name in ("news_feed.txt", "report_2031.txt"):
        path = DATA / name
        store.load(process_document(str(path), path.read_bytes()).nquads.encode(), format=ox.RdfFormat.N_QUADS)
    for quad in link_documents(store):
        store.add(quad)
    rows = select(store, """SELECT ?label ?district ?company WHERE { ?p a gk:Project ; rdfs:label ?label .
                            OPTIONAL { ?p gk:locatedIn/rdfs:label ?district }
                            OPTIONAL { ?p gk:builtBy/rdfs:label ?company } }""")
    by_label = {r["label"]: r for r in rows}
    assert by_label["光谷云端科技园"]["district"] == "东湖高新区"  # name and sentence agree
    assert by_label["光谷云端科技园"]["company"] == "江城云端科技有限公司"
    assert by_label["青山钢城产业园"]["district"] == "洪山区"  # 落户洪山区
    docs = select(store, 'SELECT DISTINCT ?d WHERE { ?p rdfs:label "光谷云端科技园" ; gk:inDocument ?d }')
    assert len(docs) == 2


def _placed(text):
    store = ox.Store()
    path = DATA / "news_feed.txt"
    data = ("-\n【江城招商】武昌智慧科技园\n" + text + "2030-01-01\n-\n【江城招商】其他\n好的。\n2030-01-02\n").encode()
    store.load(process_document(str(path), data, "news").nquads.encode(), format=ox.RdfFormat.N_QUADS)
    for quad in link_documents(store):
        store.add(quad)
    methods = select(store, "SELECT ?m ?d WHERE { ?x a gk:Placement ; gk:method ?m ; gk:placedIn/rdfs:label ?d }")
    located = select(store, "SELECT ?d WHERE { ?p gk:locatedIn/rdfs:label ?d }")
    return {(r["m"], r["d"]) for r in methods}, [r["d"] for r in located]


def test_a_stated_place_outweighs_the_name_and_conflicting_statements_place_nothing():
    # 武昌智慧科技园 names 武昌, but the text states 洪山区: the statement places it (a name such as 汉阳造 or
    # 光谷 is a brand as often as a place)
    assert _placed("武昌智慧科技园开工。该项目位于洪山区。\n") == (
        {("name", "武昌区"), ("sentence", "洪山区")}, ["洪山区"])
    # two statements that disagree: nowhere
    methods, located = _placed("武昌智慧科技园开工。该项目位于洪山区。\n该项目落户江夏区。\n")
    assert ("sentence", "江夏区") in methods and located == []


def test_a_company_name_starts_after_the_verb_that_introduces_it(seeds_store):
    # 武昌's report: "充分发挥省大数据集团…作用": the company is 省大数据集团
    rows = select(seeds_store, "SELECT DISTINCT ?c WHERE { ?c gk:mentionedIn ?p . FILTER(CONTAINS(STR(?c), '/company/')) }")
    names = {r["c"].rsplit("/", 1)[-1] for r in rows}
    assert "省大数据集团" in names
    assert not [name for name in names if name.startswith(("充分", "发挥"))]


def test_news_of_another_city_places_projects_in_districts_no_gazetteer_holds(tmp_path):
    # the districts gazetteer is Wuhan's: 成都经开区 is not 武汉经开区 (alias 经开区), and 双流区,
    # 成都高新区 are found after their cue though no row holds them
    result = process_document("news_chengdu_investment.txt", (DATA / "news_chengdu_investment.txt").read_bytes())
    assert result.ok and result.kind == "news", result.error
    store = ox.Store()
    store.load(result.nquads.encode(), format=ox.RdfFormat.N_QUADS)
    rows = select(store, """SELECT ?project ?district ?kind WHERE {
        ?p a gk:Project ; rdfs:label ?project ; gk:placement/gk:placedIn ?d .
        ?d rdfs:label ?district ; gk:districtKind ?kind ; gk:jurisdiction "成都市" }""")
    placed = {(r["project"], r["district"], r["kind"]) for r in rows}
    assert placed == {("京东方第8.6代AMOLED生产线项目", "成都高新区", "function_zone"),
                      ("药明康德西南总部", "双流区", "district"),
                      ("经开区新能源汽车产业园", "成都经开区", "function_zone")}
    assert "武汉" not in result.nquads  # no Wuhan district, by name or by alias
    projects = {r["name"] for r in select(store, "SELECT ?name WHERE { ?p a gk:Project ; rdfs:label ?name }")}
    assert "成都科创大厦" in projects  # a project, but 国家级开发区 is no district


def test_a_placement_of_a_city_not_named_is_under_its_project_iri():
    # no city in the text: the project is id:project/未知/…, and its placement sits beneath it
    text = "重大项目集中签约\n\n本报讯 日前，总投资50亿元的光明新材料产业园项目落户双流区。\n"
    result = process_document("news.txt", text.encode(), kind="news")
    assert result.ok, result.error
    store = ox.Store()
    store.load(result.nquads.encode(), format=ox.RdfFormat.N_QUADS)
    rows = select(store, "SELECT ?p ?placement WHERE { ?p a gk:Project ; gk:placement ?placement }")
    assert [r["p"].rsplit("/", 2)[-2:] for r in rows] == [["未知", "光明新材料产业园"]]
    assert rows[0]["placement"].startswith(rows[0]["p"] + "/placement/")


def test_an_unseen_district_is_read_only_where_it_is_a_district():
    from kg.extract.projects import unseen_district

    assert [unseen_district(t) for t in ("郫都区,", "湖北省襄阳市樊城区", "洪山区", "东西湖区", "南太子湖创新谷二期",
                                         "国家级开发区核心板块", "高新区西区", "核心区", "和平社区", "主城区")] == \
        ["郫都区", "樊城区", "洪山区", "东西湖区", None, None, None, None, None, None]


def test_project_located_lists_each_placement_once(seeds_store):
    # a district is described by every document that names it: over the union of graphs its label
    # came once per such document (165 rows for 57 placements on the seeds)
    text = (Path(__file__).parent.parent / "kg" / "queries" / "project_located.rq").read_text(encoding="utf-8")
    rows = [tuple(sorted(r.items())) for r in select(seeds_store, text)]
    assert len(rows) == len(set(rows)) >= 53


def test_a_city_the_gazetteer_does_not_hold_clauses_names_run_on_and_investments():
    # 合肥: no district of it in the gazetteer. A sentence of several projects places each by its own
    # clause; 合肥滨湖科学城智能网联汽车产业园项目 is one name; 总投资 is the project's gk:investment,
    # but not the sum of 86 projects counted before it
    data = (DATA / "news_hefei_projects.txt").read_bytes()
    result = process_document("news_hefei_projects.txt", data)
    assert result.ok and result.kind == "news", result.error
    store = ox.Store()
    store.load(result.nquads.encode(), format=ox.RdfFormat.N_QUADS)
    rows = select(store, """SELECT ?project ?district WHERE {
        ?p a gk:Project ; rdfs:label ?project ; gk:placement/gk:placedIn/rdfs:label ?district }""")
    assert {(r["project"], r["district"]) for r in rows} == {
        ("国轩高科新能源电池基地", "肥西县"), ("滨湖科学城智能网联汽车产业园", "包河区"), ("比亚迪合肥基地三期", "长丰县"),
        ("中科大先进技术研究院二期", "蜀山区")}  # 蜀山区签约落地的…: the district before the cue
    rows = select(store, """SELECT ?project ?value ?unit ?metric ?start ?end WHERE {
        ?p rdfs:label ?project ; gk:investment [ gk:value ?value ; gk:unit ?unit ; gk:metric ?metric ;
                                                  gk:startOffset ?start ; gk:endOffset ?end ] }""")
    found = {r["project"]: (r["value"], r["unit"], r["metric"]) for r in rows}
    assert found == {"国轩高科新能源电池基地": ("120", "亿元", "总投资"), "滨湖科学城智能网联汽车产业园": ("45", "亿元", "总投资"),
                     "中科大先进技术研究院二期": ("8", "亿元", "总投资"), "比亚迪合肥基地三期": ("60", "亿元", "总投资")}
    text = data.decode("utf-8")
    assert all(text[int(r["start"]):int(r["end"])].endswith(r["value"] + r["unit"]) for r in rows)
    labels = {r["alt"] for r in select(store, "SELECT ?alt WHERE { ?p skos:altLabel ?alt }")}
    assert "国轩高科新能源电池基地项目" in labels  # the name as written; 项目 after 基地 is no part of the key


def test_a_district_just_before_the_cue_places_the_project():
    from kg.extract.projects import extract_projects
    from kg.segment_reports import Sentence

    def placed(text):
        found = extract_projects(text, [Sentence(0, len(text), text)], jurisdiction="武汉市")
        return [(p.project, p.district) for p in found.placements]

    assert placed("在青山区落户的宝武氢能产业园项目开工。") == [("宝武氢能产业园项目", "青山区")]  # 在 is no part of it
    assert placed("项目在社区落地的光明产业园项目。") == []  # 社区 is no district
    assert placed("推动更多优质项目在汉落地,宝武产业园项目开工。") == []


def test_news_articles_without_separator_lines():
    # a web article (title, 来源/发布时间 header, body) and a feed of articles each a title and a date line,
    # with no "-" lines: both are news, split into their articles, each dated by its header line
    for name, titles in (("news_xiangyang_article.txt", [("总投资50亿元!比亚迪襄阳产业园二期项目开工", "2026-03-18")]),
                         ("news_xiangyang_no_separators.txt", [("襄阳市一季度重大项目集中签约总投资286亿元", "2026-03-28"),
                                                               ("樊城区新能源装备产业园开工", "2026-04-02")])):
        result = process_document(name, (DATA / name).read_bytes())
        assert result.ok and result.kind == "news", (name, result.error)
        store = ox.Store()
        store.load(result.nquads.encode(), format=ox.RdfFormat.N_QUADS)
        rows = select(store, "SELECT ?title ?date WHERE { ?a a gk:NewsArticle ; dcterms:title ?title ; dcterms:issued ?date }")
        assert sorted((r["title"], r["date"]) for r in rows) == sorted(titles), name
    # 在襄州区开工建设: a district just before a verb that follows its place; the sum is the project's
    assert placements("3月17日,比亚迪襄阳产业园二期项目在襄州区开工建设。该项目总投资50亿元。") == [
        ("比亚迪襄阳产业园二期项目", "襄州区", "sentence")]
    assert placements("新开工项目300个,其中江岸区开工建设。") == []  # no named project
    result = process_document("news.txt", (DATA / "news_xiangyang_no_separators.txt").read_bytes())
    store = ox.Store()
    store.load(result.nquads.encode(), format=ox.RdfFormat.N_QUADS)
    rows = select(store, """SELECT ?project ?district ?value WHERE { ?p a gk:Project ; rdfs:label ?project ;
        gk:placement/gk:placedIn/rdfs:label ?district ; gk:investment/gk:value ?value }""")
    assert {(r["project"], r["district"], r["value"]) for r in rows} == {
        ("东风汽车襄阳新能源基地", "襄州区", "80"), ("樊城区新能源装备产业园", "樊城区", "30")}


def test_news_that_names_no_city_belongs_to_the_city_of_its_districts():
    # articles of 洪山区 and 黄陂区 that never write 武汉市: both districts are the gazetteer's 武汉市's, so
    # the projects are 武汉市's (one node with the same project in its reports), not 未知's
    result = process_document("news.txt", (DATA / "news_districts_no_city.txt").read_bytes())
    assert result.ok and result.kind == "news"
    store = ox.Store()
    store.load(result.nquads.encode(), format=ox.RdfFormat.N_QUADS)
    rows = select(store, "SELECT ?p ?district WHERE { ?p a gk:Project ; gk:placement/gk:placedIn/rdfs:label ?district }")
    assert {(r["p"].split("/project/")[1], r["district"]) for r in rows} == {
        ("武汉市/光电子信息产业园二期", "洪山区"), ("武汉市/天河航空产业园", "黄陂区")}


def test_a_sentence_of_several_projects_places_each_by_its_part_between_semicolons():
    # the cue and the district are in the clause after the project's name, within its own part of
    # the sentence between semicolons
    assert sorted(placements("德国博世新能源汽车零部件项目总投资5亿美元,落户武汉经开区;"
                             "新加坡丰树物流园项目总投资2.3亿美元,选址东西湖区。")) == [
        ("德国博世新能源汽车零部件项目", "武汉经开区", "sentence"), ("新加坡丰树物流园项目", "东西湖区", "sentence")]


def test_a_park_named_after_a_locative_cue_is_where_the_project_goes():
    # 落户青山区装备制造产业园区: the park after the cue is the place, not a second project
    assert placements("北方稀土永磁材料产业园项目落户青山区装备制造产业园区,总投资45亿元。") == [
        ("北方稀土永磁材料产业园项目", "青山区", "sentence")]


def test_a_phase_ends_a_projects_name():
    # 三期, 二期: a phase of a named project is a project of its own, its name the words just before it
    assert names("宜昌高新区科创中心三期正式开工建设,总投资18亿元。") == ["宜昌高新区科创中心三期"]
    assert names("建成长飞科技园一期、花山码头二期和长山口垃圾焚烧厂二期工程。") == [
        "长飞科技园一期", "花山码头二期", "长山口垃圾焚烧厂二期"]
    assert names("武汉科创园择址南太子湖创新谷二期,位于开发区核心区。") == ["武汉科创园", "南太子湖创新谷二期"]
    # the rounds of an event are no phases of a project
    assert names("举办民营企业家能力提升培训班三期,全年开展招聘活动五期。") == []


def test_a_leading_word_is_kept_where_only_the_ending_would_be_left():
    # 高质量发展 before a heading's run-on name is cut, but not out of 阳新县高质量发展产业园; 向 starts
    # place names (向阳湖), so it is no leading word
    assert names("黄石市阳新县高质量发展产业园开工建设。") == ["黄石市阳新县高质量发展产业园"]
    assert names("开工建设向阳湖文旅小镇项目。") == ["向阳湖文旅小镇项目"]


def test_the_work_a_project_does_before_its_project_word_is_part_of_its_name():
    # 改造 introduces a name elsewhere (改造湖北船舶大厦), but 改造项目 is the project's own work;
    # a company's legal name and a heading's slogan before it are not
    assert names("湖北兴发化工集团股份有限公司磷石膏综合利用改造项目全面复工。") == ["磷石膏综合利用改造项目"]
    assert names("四、科技创新驱动高质量发展磷石膏综合利用改造项目采用国内领先工艺。") == ["磷石膏综合利用改造项目"]
    assert names("推进整理和提升工业园,全力保障项目用地。") == []
    assert names("老旧小区改造项目新开工65个。") == []  # a category being counted


def test_news_of_phases_and_a_renovation_project():
    result = process_document("news_yichang_phases.txt", (DATA / "news_yichang_phases.txt").read_bytes())
    assert result.ok and result.kind == "news", result.error
    store = ox.Store()
    store.load(result.nquads.encode(), format=ox.RdfFormat.N_QUADS)
    projects = {r["name"] for r in select(store, "SELECT ?name WHERE { ?p a gk:Project ; rdfs:label ?name }")}
    assert {"宜昌高新区科创中心三期", "三峡物流园二期", "白洋港多式联运二期", "磷石膏综合利用改造项目"} <= projects
    invested = {r["name"]: (r["value"], r["unit"]) for r in select(store, """SELECT ?name ?value ?unit WHERE {
        ?p rdfs:label ?name ; gk:investment [ gk:value ?value ; gk:unit ?unit ] }""")}
    assert invested == {"宜昌高新区科创中心三期": ("18", "亿元"), "磷石膏综合利用改造项目": ("12.6", "亿元")}
    placed = {(r["name"], r["district"]) for r in select(store, """SELECT ?name ?district WHERE {
        ?p rdfs:label ?name ; gk:placement/gk:placedIn/rdfs:label ?district }""")}
    assert ("磷石膏综合利用改造项目", "猇亭区") in placed


def test_projects_placed_in_districts_no_gazetteer_holds(tmp_path):
    # 咸宁市: a plan task whose one local government is 咸安区人民政府 places its project in 咸安区; one naming
    # 赤壁市 (a county-level city) and 嘉鱼县 places nothing; 咸安区's own report places its projects at home
    from kg.build import BuildOptions, build
    from kg.store import open_store

    names = ["plan_xianning_district_units.txt", "district_report_xianan_2031.txt"]
    result = build(BuildOptions(inputs=[DATA / name for name in names], out_dir=tmp_path / "out", jobs=1, network=False))
    assert result.exit_code == 0
    rows = select(open_store(result.out_dir), query("project_located"))
    assert sorted((r["label"], r["districtLabel"], r["method"]) for r in rows) == [
        ("南站综合交通枢纽项目", "咸安区", "plan_units"), ("咸安智能装备产业园", "咸安区", "district_report"),
        ("贺胜桥冷链物流中心项目", "咸安区", "district_report")]

"""Reports and news feeds end to end on small texts: boilerplate, parts, passages, articles, facts."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.classify import classify, strip_boilerplate
from kg.pipeline import process_document
from kg.read import read_file, read_text
from kg.segment_reports import layout_report, news_articles, report_parts, sentences
from kg.store import select

DATA = Path(__file__).parent / "data"


def build(*names: str) -> ox.Store:
    store = ox.Store()
    for name in names:
        path = DATA / name
        result = process_document(str(path), path.read_bytes())
        assert result.ok, result.error
        store.load(result.nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


def test_boilerplate_lines_are_removed_but_offsets_still_map_to_the_file():
    source = strip_boilerplate(read_file(DATA / "report_2030.txt"))
    assert "更多数据尽在" not in source.text and "关注公众号" not in source.text
    position = source.text.index("各位代表")
    assert source.raw[source.to_source(position):].startswith("各位代表")


def test_report_kind_years_and_issuer():
    info = classify(read_file(DATA / "report_2030.txt"))
    assert info.kind == "city_report"
    assert info.years == [2029, 2030]
    assert info.date == "2030-01-10"
    assert info.jurisdiction == "江城市"


def test_a_district_report_speaks_for_its_district_and_names_its_citys_places(seeds_store):
    # its figures are 武昌区's (kg track keys on it); its projects and districts are the ones the
    # city's documents name, so both reports describe one project node
    info = classify(read_file(DATA / "district_report_qingshan_2031.txt"))
    assert (info.kind, info.jurisdiction, info.issuer) == ("district_report", "江城市青山区", "江城市青山区人民政府")
    rows = select(seeds_store, """SELECT ?jurisdiction ?place WHERE {
        ?doc a gk:DistrictReport ; gk:jurisdiction ?jurisdiction .
        ?place gk:inDocument ?doc . FILTER(CONTAINS(STR(?place), "/project/") || CONTAINS(STR(?place), "/district/")) }""")
    assert {r["jurisdiction"] for r in rows} == {"武汉市武昌区"}
    assert {r["place"].split("/id/")[1].split("/")[1] for r in rows} == {"武汉市"}


def test_parts_have_kinds_and_years_and_a_table_of_contents_is_skipped():
    text = "一、2024年工作回顾\n二、2025年重点工作\n各位代表:\n一、2024年工作回顾\n好。\n二、2025年重点工作\n做。\n三、全面加强政府自身建设\n严。"
    layout = layout_report(text)
    assert [(p.kind, p.year) for p in layout.parts] == [("review", 2024), ("plan", 2025), ("plan", 2025)]
    assert layout.parts[0].start > text.index("各位代表")


def test_a_multi_year_part_is_a_period_and_inline_headings_are_found():
    text = "各位代表:一、2015年工作回顾好。二、“十三五”发展基本思路和重点任务好。三、2016年工作建议做。"
    assert [(p.kind, p.year) for p in report_parts(text)] == [("review", 2015), ("period", None), ("plan", 2016)]


def test_sentences_keep_offsets():
    text = "甲乙丙。丁戊“己庚。”\n辛壬"
    for sentence in sentences(text):
        assert text[sentence.start:sentence.end] == sentence.text


def test_news_feed_is_split_into_articles_with_dates_and_no_navigation():
    source = strip_boilerplate(read_file(DATA / "news_feed.txt"))
    articles = news_articles(source.text)
    assert [a.date for a in articles] == ["2030-03-01", "2030-03-02", "2030-03-03"]
    assert articles[0].title == "【江城招商】光谷云端科技园开工建设"
    assert all("联系我们" not in source.text[a.body_start:a.body_end] for a in articles)


def test_passages_point_back_into_the_source_file():
    store = build("report_2030.txt")
    raw = (DATA / "report_2030.txt").read_text(encoding="utf-8")
    rows = select(store, "SELECT ?t ?s ?e WHERE { ?p a gk:Passage ; gk:text ?t ; gk:startOffset ?s ; gk:endOffset ?e }")
    assert rows
    for row in rows:
        assert raw[int(row["s"]):int(row["e"])] == row["t"]


def test_every_commitment_and_result_is_stated_in_a_passage():
    store = build("report_2030.txt")
    rows = select(store, """SELECT ?f WHERE { { ?f a gk:Commitment } UNION { ?f a gk:Result }
                             FILTER NOT EXISTS { ?f gk:statedIn/gk:text ?t } }""")
    assert rows == []


def test_embedded_report_in_an_article_is_read_as_a_report():
    store = build("news_feed.txt")
    rows = select(store, "SELECT ?a ?y WHERE { ?a a gk:NewsArticle, gk:CityReport ; gk:aboutYear ?y }")
    assert sorted(int(r["y"]) for r in rows) == [2024, 2025]
    facts = select(store, """SELECT ?kind ?year ?name WHERE { ?f a ?kind ; gk:forYear ?year ; gk:indicator/skos:prefLabel ?name .
                              VALUES ?kind { gk:Commitment gk:Result } }""")
    assert {(r["kind"].rsplit("#")[-1], int(r["year"]), r["name"]) for r in facts} == {
        ("Result", 2024, "城镇新增就业"), ("Commitment", 2025, "地区生产总值增长")}


def test_counts_for_the_build_summary():
    path = DATA / "report_2030.txt"
    result = process_document(str(path), path.read_bytes())
    assert {"passages", "commitments", "results", "projects"} <= set(result.counts)
    store = ox.Store()
    store.load(result.nquads.encode(), format=ox.RdfFormat.N_QUADS)
    named = select(store, "SELECT ?n WHERE { ?r a gk:Result ; gk:indicator/skos:prefLabel ?n }")
    # not 一季度增长4%, not 五年来…累计100万人; 全年增长5% is kept but names no indicator
    assert sorted(r["n"] for r in named) == ["城镇新增就业", "技术合同成交额"]


def test_kind_override():
    source = read_text("政府工作报告\n各位代表:\n一、2029年工作回顾\n好。")
    assert classify(source, "district_report").kind == "district_report"


def test_an_impossible_article_date_is_reported_and_left_out():
    data = ("-\n【江城招商】光谷云端科技园开工\n光谷云端科技园开工建设。\n2030-09-32\n"
            "-\n【江城招商】其他\n好的。\n2030-09-02\n").encode()
    result = process_document("feed.txt", data, "news", validate=True)
    assert result.ok and not result.violations  # no invalid xsd:date reaches the graph
    assert result.problems == ["line 4: article 1: 2030-09-32 is not a date; the article is kept without one"]
    assert '"2030-09-02"^^<http://www.w3.org/2001/XMLSchema#date>' in result.nquads
    assert "2030-09-32" not in result.nquads

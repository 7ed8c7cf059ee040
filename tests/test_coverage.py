"""Plan <-> report: task links, gaps, and where a truncated report ends."""

from pathlib import Path

import pyoxigraph as ox

from kg.coverage import coverage
from kg.crossdoc import link_documents
from kg.link import bigrams, task_links
from kg.pipeline import process_document

DATA = Path(__file__).parent / "data"


def store_of(*names):
    store = ox.Store()
    for name in names:
        path = DATA / name
        result = process_document(str(path), path.read_bytes(), "plan" if "plan" in name else None)
        assert result.ok, result.error
        store.load(result.nquads.encode(), format=ox.RdfFormat.N_QUADS)
    return store


def test_bigrams_ignore_punctuation():
    assert bigrams("甲,乙丙") == {"甲乙", "乙丙"}


def test_tasks_link_to_the_sentences_that_state_them():
    store = store_of("report_plan_2030.txt", "report_truncated.txt")
    plan = task_links(store)[0]
    linked = {t["code"] for t in plan.tasks if t["passages"]}
    assert {"一.一", "一.二", "二.1", "二.2"} <= linked
    assert "二.4" not in linked


def test_a_truncated_report_says_where_coverage_ends():
    store = store_of("report_plan_2030.txt", "report_truncated.txt")
    entry = coverage(store)[0]
    assert entry["report_end"]["complete"] is False
    # 二.3 is the sentence the report was cut in; 二.4, 二.5 come after the end: not gaps
    assert [t["code"] for t in entry["after_report_end"]] == ["二.4", "二.5"]
    assert "二.4" not in [t["code"] for t in entry["unlinked"]]


def test_cross_document_links_are_prov_derivations():
    store = store_of("report_plan_2030.txt", "report_truncated.txt")
    quads = link_documents(store)
    derived = [q for q in quads if q.predicate.value.endswith("wasDerivedFrom")]
    assert derived and all("/passage/" in q.object.value for q in derived)


def test_a_district_plan_is_checked_against_its_district_report(tmp_path):
    # 江城市青山区's plan for 2031, its district's report and 江城市's report (地区生产总值增长6%左右): the
    # task 地区生产总值增长5.5%左右 derives from the district's sentence, never from the city's
    from kg.build import BuildOptions, build
    from kg.store import open_store, select

    result = build(BuildOptions(inputs=[DATA / name for name in ("plan_qingshan_district_2031.txt",
                                                                  "district_report_qingshan_2031.txt",
                                                                  "report_2031.txt")],
                                out_dir=tmp_path / "out", jobs=1))
    store = open_store(result.out_dir)
    links = select(store, "SELECT ?code ?passage WHERE { ?t gk:code ?code ; prov:wasDerivedFrom ?passage }")
    assert [(r["code"], r["passage"].split("/doc/")[1].split("/")[0]) for r in links] == \
        [("一.1", "district_report_qingshan_2031")]
    [entry] = coverage(store)
    assert (entry["plan"], entry["report"], entry["linked"], entry["tasks"]) == \
        ("plan_qingshan_district_2031.txt", "district_report_qingshan_2031.txt", 1, 2)
    assert [t["code"] for t in entry["unlinked"]] == ["一.2"]

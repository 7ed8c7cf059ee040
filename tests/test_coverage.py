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

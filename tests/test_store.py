"""The Oxigraph store of a build, and the lookups that read it."""

from __future__ import annotations

import shutil

import pytest

from kg.errors import UsageError
from kg.lookup import UnitNotFound, unit_tasks
from kg.store import open_store, select


def test_store_holds_one_named_graph_per_document(seeds_build):
    store = open_store(seeds_build.out_dir)
    graphs = {g.value for g in store.named_graphs()}
    documents = {g for g in graphs if g.startswith("https://w3id.org/govkg/id/doc/")}
    assert len(documents) == sum(1 for d in seeds_build.documents if d.ok)
    # besides the documents' graphs, only the graph of the cross-document step
    assert graphs - documents <= {"https://w3id.org/govkg/id/graph/cross-document"}


def test_falls_back_to_graph_nq(seeds_build, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(seeds_build.out_dir, copy, ignore=shutil.ignore_patterns("store"))
    rows = unit_tasks(open_store(copy), "市经信局")
    assert rows == unit_tasks(open_store(seeds_build.out_dir), "市经信局")


def test_missing_graph_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        open_store(tmp_path)


def test_bindings_are_terms_not_text(seeds_store):
    hostile = '市经信局" } UNION { ?s ?p ?o } #'
    rows = select(seeds_store, 'SELECT ?name ?unit WHERE { ?unit <http://www.w3.org/2000/01/rdf-schema#label> ?name }',
                  {"name": hostile})
    assert rows == []
    with pytest.raises(UnitNotFound):
        unit_tasks(seeds_store, hostile)


def test_unit_tasks_rows(seeds_store):
    rows = unit_tasks(seeds_store, "市经信局")
    assert rows and all(set(r) >= {"code", "role", "text", "document", "line", "unit", "targets", "units"} for r in rows)
    assert {r["role"] for r in rows} <= {"lead", "co-owner"}
    codes = [(r["document"], r["code"]) for r in rows]
    assert len(codes) == len(set(codes)) or len(rows) == len({(c, r["role"]) for c, r in zip(codes, rows)})
    for row in rows:
        assert any(u["name"] == "市经信局" for u in row["units"])
    full_name = unit_tasks(seeds_store, "武汉市经济和信息化局")
    assert [r["code"] for r in full_name] == [r["code"] for r in rows]
    shared = unit_tasks(seeds_store, "市经信局", with_name="市发改委")
    assert shared and {r["code"] for r in shared} <= {r["code"] for r in rows}
    via = unit_tasks(seeds_store, "江岸区人民政府", include_collective=True)
    assert any(r.get("via") for r in via)

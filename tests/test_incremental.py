"""Incremental builds: unchanged documents are not extracted again; removed ones leave the graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg.build as build_module
from kg.build import BuildOptions, build

FAULTS = Path(__file__).resolve().parent / "data" / "faults"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    text = (FAULTS / "plan_ok.txt").read_text(encoding="utf-8")
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text(text.replace("5000", "6000"), encoding="utf-8")
    return folder


def _options(folder, out, **kw):
    return BuildOptions(inputs=[folder], out_dir=out, jobs=1, network=False, **kw)


@pytest.fixture
def extracted(monkeypatch):
    """The files each build extracts (instead of taking them from the cache)."""
    seen: list[str] = []
    original = build_module.build_document

    def spy(path, *args):
        seen.append(Path(path).name)
        return original(path, *args)

    monkeypatch.setattr(build_module, "build_document", spy)
    return seen


def _graphs(out: Path) -> set[str]:
    """The documents' named graphs in graph.nq."""
    return {g for g in (line.rsplit(" ", 2)[-2] for line in (out / "graph.nq").read_text(encoding="utf-8").splitlines())
            if "/id/doc/" in g}


def test_unchanged_documents_come_from_the_cache(corpus, tmp_path, extracted):
    out = tmp_path / "out"
    first = build(_options(corpus, out))
    assert sorted(extracted) == ["a.txt", "b.txt"] and first.exit_code == 0
    before = {name: (out / name).read_bytes() for name in ("graph.nq", "graph.ttl", "build-report.json")}
    extracted.clear()
    second = build(_options(corpus, out))
    assert extracted == [] and second.up_to_date and second.exit_code == 0
    assert {name: (out / name).read_bytes() for name in before} == before
    # one document changes: only it is extracted again
    (corpus / "b.txt").write_text((corpus / "b.txt").read_text(encoding="utf-8").replace("6000", "7000"),
                                  encoding="utf-8")
    third = build(_options(corpus, out))
    assert extracted == ["b.txt"] and third.reused == 1
    assert '"7000.0"' in (out / "graph.nt").read_text(encoding="utf-8")
    assert '"6000.0"' not in (out / "graph.nt").read_text(encoding="utf-8")


def test_removed_document_leaves_the_graph(corpus, tmp_path, extracted):
    out = tmp_path / "out"
    build(_options(corpus, out))
    assert len(_graphs(out)) == 2
    (corpus / "b.txt").unlink()
    extracted.clear()
    result = build(_options(corpus, out))
    assert extracted == [] and result.exit_code == 0
    assert _graphs(out) == {"<https://w3id.org/govkg/id/doc/a>"}
    from kg.store import open_store

    store = open_store(out)
    assert {g.value for g in store.named_graphs() if "/id/doc/" in g.value} == {"https://w3id.org/govkg/id/doc/a"}
    assert len(list((out / "cache").glob("*.ttl"))) == 1  # one document's share of the files
    assert result.store_mode == "update"  # the previous store, with b's graph dropped


def _store_lines(out: Path) -> list[str]:
    import pyoxigraph as ox

    from kg.store import open_store

    store = open_store(out)
    try:
        return sorted(ox.serialize(store, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    finally:
        del store


def test_same_result_with_and_without_cache(corpus, tmp_path):
    build(_options(corpus, tmp_path / "one"))
    (corpus / "c.txt").write_text((corpus / "a.txt").read_text(encoding="utf-8").replace("1100", "1200"),
                                  encoding="utf-8")
    (corpus / "a.txt").write_text((corpus / "a.txt").read_text(encoding="utf-8").replace("1100", "1300"),
                                  encoding="utf-8")
    updated = build(_options(corpus, tmp_path / "one"))
    fresh = build(_options(corpus, tmp_path / "two", incremental=False))
    assert (updated.store_mode, fresh.store_mode) == ("update", "bulk")
    for name in ("graph.nq", "graph.nt", "graph.ttl", "graph.jsonld", "validation.ttl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    # the store patched from the previous build's holds exactly what a fresh load holds
    assert _store_lines(tmp_path / "one") == _store_lines(tmp_path / "two")
    assert any('"1300' in line for line in _store_lines(tmp_path / "one"))


def test_parallel_build_equals_serial(corpus, tmp_path):
    text = (corpus / "a.txt").read_text(encoding="utf-8")
    for index in range(4):  # each its own figures: a plain copy would be built once (kg.build.set_copies_aside)
        (corpus / f"copy{index}.txt").write_text(text.replace("5000", str(7000 + index)), encoding="utf-8")
    build(BuildOptions(inputs=[corpus], out_dir=tmp_path / "serial", jobs=1, network=False))
    build(BuildOptions(inputs=[corpus], out_dir=tmp_path / "parallel", jobs=2, network=False))
    for name in ("graph.nq", "graph.ttl", "build-report.json"):
        serial = (tmp_path / "serial" / name).read_text(encoding="utf-8")
        parallel = (tmp_path / "parallel" / name).read_text(encoding="utf-8")
        assert serial == parallel


def test_collaboration_outputs_follow_the_roles(corpus, tmp_path):
    """An edit that changes no unit's role keeps the previous collaboration outputs; one that does remakes them."""
    out = tmp_path / "out"
    options = BuildOptions(inputs=[corpus], out_dir=out, jobs=1)
    first = build(options)
    assert not first.network_reused and (out / "analysis.json").is_file()
    before = (out / "analysis.json").read_bytes()
    assert "市发改委" in before.decode("utf-8")
    # the notice's date changed: the same units on the same tasks
    (corpus / "b.txt").write_text((corpus / "b.txt").read_text(encoding="utf-8").replace("1月16日", "1月17日"),
                                  encoding="utf-8")
    second = build(options)
    assert second.network_reused and second.exit_code == 0 and second.network == first.network
    assert (out / "analysis.json").read_bytes() == before
    assert '"2025-01-17"' in (out / "graph.nt").read_text(encoding="utf-8")  # while the graph did change
    # a co-owner replaced in both documents: the outputs are made again and show it
    for name in ("a.txt", "b.txt"):
        (corpus / name).write_text((corpus / name).read_text(encoding="utf-8").replace("市发改委", "市统计局"),
                                   encoding="utf-8")
    third = build(options)
    assert not third.network_reused
    after = (out / "analysis.json").read_text(encoding="utf-8")
    assert "市统计局" in after and "市发改委" not in after
    # the same as a build from nothing
    fresh = build(BuildOptions(inputs=[corpus], out_dir=tmp_path / "fresh", jobs=1, incremental=False))
    assert not fresh.network_reused
    for name in ("analysis.json", "collaboration.html", "units.csv", "build-report.json"):
        assert (out / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name


def test_plan_report_links_are_kept_until_the_plan_or_report_changes(tmp_path, monkeypatch):
    """Matching plan tasks to report sentences is not done again for a plan and report that did not change."""
    import kg.link as link_module

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("wuhan-2025-plan-responsibility-decomposition.txt", "wuhan-2025-city-government-work-report.txt",
                 "wuhan-2024-city-government-work-report.txt"):
        shutil.copy(seeds / name, folder / name)
    matched: list[str] = []
    original = link_module.match

    def spy(text, *args):
        matched.append(text)
        return original(text, *args)

    monkeypatch.setattr(link_module, "match", spy)
    out = tmp_path / "out"
    build(_options(folder, out))
    assert len(matched) == 340  # every task of the 2025 plan, against the 2025 report
    derived = [line for line in (out / "graph.nq").read_text(encoding="utf-8").splitlines() if "wasDerivedFrom" in line]
    assert len(derived) == 69  # as in the seeds' graph: the 2025 plan's tasks stated by the 2025 report
    # another document changes: the links are the previous build's
    other = folder / "wuhan-2024-city-government-work-report.txt"
    other.write_text(other.read_text(encoding="utf-8") + "\n附:名词解释。\n", encoding="utf-8")
    matched.clear()
    build(_options(folder, out))
    assert matched == []
    assert [line for line in (out / "graph.nq").read_text(encoding="utf-8").splitlines()
            if "wasDerivedFrom" in line] == derived
    # the report changes: matched again, and the same as a build from nothing
    report = folder / "wuhan-2025-city-government-work-report.txt"
    report.write_text(report.read_text(encoding="utf-8") + "\n本报告已修订。\n", encoding="utf-8")
    build(_options(folder, out))
    assert len(matched) == 340
    build(_options(folder, tmp_path / "fresh", incremental=False))
    assert (out / "graph.nq").read_bytes() == (tmp_path / "fresh" / "graph.nq").read_bytes()


def test_a_query_or_template_edit_invalidates_the_cache(tmp_path):
    """The cache key covers every file of the package, not only its code: the network rows a
    worker caches come from kg/queries/*.rq, so an edited query must extract again."""
    from kg.network import QUERY_DIR

    assert any(QUERY_DIR.is_relative_to(root) for root in build_module._knowledge_roots())
    (tmp_path / "rows.rq").write_text("SELECT ?unit WHERE { ?unit a gk:Unit }", encoding="utf-8")
    before = build_module._knowledge_digest([tmp_path])
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"compiled")
    assert build_module._knowledge_digest([tmp_path]) == before  # compiled files are no knowledge
    (tmp_path / "rows.rq").write_text("SELECT ?unit ?label WHERE { ?unit a gk:Unit }", encoding="utf-8")
    assert build_module._knowledge_digest([tmp_path]) != before


def test_store_loaded_in_slices_holds_the_whole_graph(corpus, tmp_path, monkeypatch):
    """The store is bulk-loaded a slice at a time (bounded memory); slices of one document each
    give the store exactly the quads of graph.nq, the cross-document statements included."""
    fresh = build(_options(corpus, tmp_path / "whole", incremental=False))
    monkeypatch.setattr(build_module._StoreLoader, "LOAD_SLICE", 1)
    sliced = build(_options(corpus, tmp_path / "sliced", incremental=False))
    assert fresh.store_mode == sliced.store_mode == "bulk"
    graph_lines = (tmp_path / "sliced" / "graph.nq").read_text(encoding="utf-8").splitlines()
    assert _store_lines(tmp_path / "sliced") == _store_lines(tmp_path / "whole")
    assert len(_store_lines(tmp_path / "sliced")) == len(graph_lines) > 100


def test_slices_keep_every_byte_in_order(tmp_path):
    parts = []
    for index, size in enumerate([5, 3, 9, 1]):
        parts.append(tmp_path / f"{index}.nq")
        parts[-1].write_bytes(bytes([65 + index]) * size)
    pieces = list(build_module._slices(parts, 8))
    assert b"".join(pieces) == b"AAAAABBBCCCCCCCCCD"
    assert pieces == [b"AAAAABBB", b"CCCCCCCCC", b"D"]  # a file larger than a slice is one piece

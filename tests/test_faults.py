"""Bad input: one line per failed file, the others still built; damaged plans keep their complete items."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import BuildOptions, build
from kg.cli import main
from kg.pipeline import process_document

FAULTS = Path(__file__).resolve().parent / "data" / "faults"
BAD = {
    "empty.txt": "empty file",
    "blank.txt": "empty file",
    "binary.txt": "binary file",
    "undecodable.txt": "cannot decode",
    "unknown_kind.txt": "unknown kind of document",
    "no_chinese.txt": "no Chinese text",
    "old_office.doc": "an old Office or WPS file (.doc, .xls, .wps): save it as .docx, .xlsx or .txt",
    "broken.docx": "not a readable .docx",
    "broken.xlsx": "not a readable .xlsx",
    "broken.pdf": "not a readable PDF",
}


def _build(tmp_path, *args):
    return CliRunner().invoke(main, ["build", *map(str, args), "--out", str(tmp_path / "out"), "--quiet",
                                     "--no-network", "--jobs", "1"])


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_is_one_line_and_others_are_built(tmp_path, name):
    result = _build(tmp_path, FAULTS / name, FAULTS / "plan_ok.txt")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(FAULTS / name))]
    assert len(lines) == 1 and BAD[name] in lines[0]
    assert "Traceback" not in result.output
    assert "加快创建国际消费中心城市" in (tmp_path / "out" / "graph.nt").read_text(encoding="utf-8")


def test_debug_shows_a_traceback(tmp_path):
    result = CliRunner().invoke(main, ["--debug", "build", str(FAULTS / "binary.txt"), str(FAULTS / "plan_ok.txt"),
                                       "--out", str(tmp_path / "out"), "--quiet", "--no-network", "--jobs", "1"])
    assert result.exit_code == 1
    assert "Traceback" in result.output


def test_strict_builds_nothing(tmp_path):
    result = CliRunner().invoke(main, ["build", str(FAULTS / "empty.txt"), str(FAULTS / "plan_ok.txt"), "--strict",
                                       "--out", str(tmp_path / "out"), "--quiet", "--no-network"])
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out.tmp-*"))


def test_strict_keeps_the_previous_output(tmp_path):
    assert _build(tmp_path, FAULTS / "plan_ok.txt").exit_code == 0
    before = (tmp_path / "out" / "graph.nq").read_bytes()
    result = CliRunner().invoke(main, ["build", str(FAULTS / "plan_ok.txt"), str(FAULTS / "binary.txt"), "--strict",
                                       "--out", str(tmp_path / "out"), "--quiet", "--no-network"])
    assert result.exit_code == 1
    assert (tmp_path / "out" / "graph.nq").read_bytes() == before


def test_usage_errors_exit_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o")]).exit_code == 2
    assert runner.invoke(main, ["build", "--jobs", "-3"]).exit_code == 2
    assert runner.invoke(main, ["build", "--no-such-option"]).exit_code == 2
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    assert runner.invoke(main, ["build", str(empty), "--out", str(tmp_path / "o")]).exit_code == 2


def test_damaged_plan_keeps_complete_items_and_reports_lines(tmp_path):
    result = _build(tmp_path, FAULTS / "plan_damaged.txt")
    assert result.exit_code == 1
    reported = [line for line in result.output.splitlines() if "plan_damaged.txt: line " in line]
    lines = {int(line.split("line ")[1].split(":")[0]) for line in reported}
    assert {10, 11, 12, 14} <= lines  # missing 责任单位, unbalanced bracket, out of order, cut off
    graph = (tmp_path / "out" / "graph.nt").read_text(encoding="utf-8")
    for complete in ("加快创建国际消费中心城市", "实施新型消费培育行动", "积极拓展数字消费"):
        assert complete in graph
    assert (tmp_path / "out" / "validation.ttl").read_text(encoding="utf-8").count("sh:conforms true") == 1


def test_process_document_never_raises_on_junk():
    for data in (b"", b"\x00" * 100, b"\xff" * 100, "一、\n1. (".encode(), b"(" * 10000):
        result = process_document("junk.txt", data)
        assert not result.ok and result.error


def test_non_conforming_graph_fails_the_build(tmp_path, monkeypatch):
    """Validation is a gate: a graph that breaks a shape gives exit 1 and a written report."""
    import pyoxigraph as ox

    import kg.pipeline as pipeline

    original = pipeline._plan_document

    def broken(source, info, data):
        quads, counts, problems = original(source, info, data)
        doc = quads[0].graph_name
        quads.append(ox.Quad(doc, ox.NamedNode("https://w3id.org/govkg/ontology#sha256"), ox.Literal("not a hash"),
                             doc))
        return quads, counts, problems

    monkeypatch.setattr(pipeline, "_plan_document", broken)
    result = _build(tmp_path, FAULTS / "plan_ok.txt")
    assert result.exit_code == 1
    assert "does not conform" in result.output
    out = tmp_path / "out"
    assert "PatternConstraintComponent" in (out / "validation.txt").read_text(encoding="utf-8")
    assert "sh:conforms false" in (out / "validation.ttl").read_text(encoding="utf-8")

"""Encodings and line ends: a GBK, UTF-16 or CRLF copy of a plan gives exactly the graph of the UTF-8 original."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from kg.pipeline import process_document
from kg.read import decode, read_bytes

PLAN = Path(__file__).resolve().parent / "data" / "faults" / "plan_ok.txt"


def _content(result) -> set[str]:
    """The document's statements without the two that describe the bytes (sha256, encoding)."""
    return {line for line in result.nquads.splitlines()
            if not re.search(r"ontology#(sha256|encoding)> ", line)}


VARIANTS = {
    "utf-8-bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "gbk": lambda text: text.encode("gbk"),
    "gb18030": lambda text: text.encode("gb18030"),
    "utf-16-le-bom": lambda text: text.encode("utf-16"),
    "utf-16-be-bom": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "cr": lambda text: text.replace("\n", "\r").encode("utf-8"),
    "gbk-crlf": lambda text: text.replace("\n", "\r\n").encode("gbk"),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_same_graph_as_utf8(name):
    text = PLAN.read_text(encoding="utf-8")
    original = process_document("plan.txt", text.encode("utf-8"))
    copy = process_document("plan.txt", VARIANTS[name](text))
    assert original.ok and copy.ok, copy.error
    if name in ("crlf", "cr", "gbk-crlf"):
        # offsets into the decoded file move by one per line end; everything else is the same
        strip = re.compile(r"ontology#(startOffset|endOffset)> .*")
        assert {strip.sub("", l) for l in _content(copy)} == {strip.sub("", l) for l in _content(original)}
    else:
        assert _content(copy) == _content(original)


def test_full_width_forms_are_read_like_ascii():
    text = PLAN.read_text(encoding="utf-8")
    wide = text.replace("(", "（").replace(")", "）").replace(":", "：").replace(";", "；")
    wide = re.sub(r"\d", lambda m: chr(ord(m.group(0)) + 0xFEE0), wide)
    original = process_document("plan.txt", text.encode("utf-8"))
    copy = process_document("plan.txt", wide.encode("utf-8"))
    assert copy.ok
    assert copy.counts == original.counts
    values = lambda r: sorted(l for l in r.nquads.splitlines() if "ontology#value>" in l)  # noqa: E731
    assert values(copy) == values(original)


def test_encoding_is_recorded():
    text = PLAN.read_text(encoding="utf-8")
    assert decode(text.encode("gbk"))[1] == "gb18030"
    assert decode(codecs.BOM_UTF8 + text.encode())[1] == "utf-8-sig"
    assert read_bytes(text.encode("utf-16")).encoding == "utf-16"
    result = process_document("plan.txt", text.encode("gbk"))
    assert '"gb18030"' in result.nquads


def test_a_gbk_file_builds_like_the_utf8_one(tmp_path):
    from kg.build import BuildOptions, build

    text = PLAN.read_text(encoding="utf-8")
    for name, data in (("a", text.encode("utf-8")), ("b", text.encode("gbk"))):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "plan.txt").write_bytes(data)
        result = build(BuildOptions(inputs=[folder], out_dir=tmp_path / f"out-{name}", jobs=1, network=False))
        assert result.exit_code == 0
    lines = [{l for l in (tmp_path / f"out-{n}" / "graph.nt").read_text(encoding="utf-8").splitlines()
              if not re.search(r"ontology#(sha256|encoding)> ", l)} for n in "ab"]
    assert lines[0] == lines[1]


def test_the_same_plan_given_twice_is_built_once(tmp_path):
    # a plan saved as UTF-8, again as GBK, and copied by Windows (CRLF, "- 副本"): one document, not three,
    # so no task or unit load counts three times; the copies are named on stderr and in build-report.json
    import json

    from click.testing import CliRunner

    from kg.build import BuildOptions, build
    from kg.cli import main

    text = PLAN.read_text(encoding="utf-8")
    other = (Path(__file__).resolve().parent / "data" / "plan_chengdu_first_listed.txt").read_bytes()
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "督查清单.txt").write_text(text, encoding="utf-8")
    (folder / "督查清单(GBK).txt").write_bytes(text.encode("gbk"))
    (folder / "督查清单 - 副本.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    (folder / "成都.txt").write_bytes(other)
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "督查清单.txt").write_text(text, encoding="utf-8")
    (alone / "成都.txt").write_bytes(other)
    reference = build(BuildOptions(inputs=[alone], out_dir=tmp_path / "reference", jobs=1, network=False))

    files = sorted(folder.iterdir())
    for order, out in ((files, tmp_path / "out"), (files[::-1], tmp_path / "reversed")):
        result = build(BuildOptions(inputs=order, out_dir=out, jobs=1, network=False))
        assert result.exit_code == 0
        assert sorted(Path(d.path).name for d in result.documents) == ["成都.txt", "督查清单.txt"]
        assert [(Path(c).name, Path(o).name) for c, o in result.copies] == [
            ("督查清单 - 副本.txt", "督查清单.txt"), ("督查清单(GBK).txt", "督查清单.txt")]
        # the same statements as the plan built alone (the documents come in the order they were given)
        assert sorted((out / "graph.nq").read_text(encoding="utf-8").splitlines()) == \
            sorted((tmp_path / "reference" / "graph.nq").read_text(encoding="utf-8").splitlines())
        report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
        assert {Path(c["path"]).name: Path(c["copy_of"]).name for c in report["copies"]} == {
            "督查清单 - 副本.txt": "督查清单.txt", "督查清单(GBK).txt": "督查清单.txt"}
    assert reference.documents[0].counts == result.documents[1].counts

    for _ in range(2):  # built, then up to date: the copies are named both times
        cli = CliRunner().invoke(main, ["build", str(folder), "--out", str(tmp_path / "cli"), "--quiet", "--no-network"])
        assert cli.exit_code == 0
        assert f"{folder / '督查清单(GBK).txt'}: skipped as a copy of {folder / '督查清单.txt'}" in cli.stderr

"""kg.fragments: a document's share of the graph files, and builds that put the shares together."""

from __future__ import annotations

import shutil
from pathlib import Path

import rdflib

from kg.build import BuildOptions, build
from kg.fragments import object_is_local, split_lines

DATA = Path(__file__).parent / "data"
ID = "https://w3id.org/govkg/id/"
GRAPH = f"<{ID}doc/p1>"


def quad(s: str, p: str, o: str) -> str:
    return f"{s} {p} {o} {GRAPH} .\n"


def test_statements_about_or_pointing_to_the_documents_own_nodes_are_local():
    task = f"<{ID}task/p1/2-12>"
    unit = f"<{ID}unit/武汉市/市经信局>"
    other_task = f"<{ID}task/p10/2-12>"  # another document whose name begins the same way
    lines = sorted([
        quad(task, "<urn:p>", '"x"'),
        quad(f"<{ID}doc/p1>", "<urn:p>", '"y"'),
        quad(unit, "<urn:coOwns>", task),
        quad(unit, "<urn:label>", '"市经信局"'),
        quad(unit, "<urn:coOwns>", other_task),
    ])
    local, shared = split_lines(lines)
    assert {line.split(" ")[0] for line in local} == {task, f"<{ID}doc/p1>", unit}
    assert all(line.endswith(" .\n") and not line.endswith(f"{GRAPH} .\n") for line in local)  # graph dropped
    # the unit's statements are all there for the whole-graph checks; its role on the task is also local
    assert [line.split(" ")[0] for line in shared] == [unit] * 3
    assert [object_is_local(line) for line in shared] == [True, False, False]


def test_cross_document_links_survive_a_rebuild_that_takes_the_plan_from_the_cache(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("report_plan_2030.txt", "report_truncated.txt"):
        shutil.copy(DATA / name, docs / name)
    out = tmp_path / "out"
    derived = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")

    def links():
        graph = rdflib.Graph().parse(out / "graph.nt", format="nt")
        return {(s, o) for s, _, o in graph.triples((None, derived, None)) if "/task/" in str(s)}

    first = build(BuildOptions(inputs=[docs], out_dir=out, jobs=1, network=False))
    assert first.exit_code == 0 and links()
    before = links()
    report = docs / "report_truncated.txt"
    report.write_text(report.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # changed: extracted again
    second = build(BuildOptions(inputs=[docs], out_dir=out, jobs=1, network=False))
    assert second.reused == 1 and second.exit_code == 0
    assert links() == before


def test_merging_in_rounds_gives_what_one_round_gives(tmp_path, monkeypatch):
    """More files than may be open at once are merged in rounds; the result is the same."""
    import kg.build as build_module

    parts, quads = [], set()
    for index in range(5):  # the same statements in several files and several graphs
        lines = sorted({f"<http://x/s{(index + k) % 4}> <http://x/p> \"{k % 2}\" <http://x/g{index % 2}> .\n"
                        for k in range(4)})
        quads.update(lines)
        part = tmp_path / f"part{index}.nq"
        part.write_text("".join(lines), encoding="utf-8")
        parts.append(part)
    triples = {line.rsplit(" <", 1)[0] for line in quads}
    one = build_module.merge_graphs(parts, tmp_path / "one.nq", tmp_path / "one.nt", tmp_path)
    monkeypatch.setattr(build_module, "merge_fan_in", lambda: 2)
    rounds = build_module.merge_graphs(parts, tmp_path / "rounds.nq", tmp_path / "rounds.nt", tmp_path)
    assert one == rounds and one["triples"] == len(triples) == 8
    assert (tmp_path / "rounds.nq").read_text(encoding="utf-8") == "".join(sorted(quads))
    assert (tmp_path / "one.nt").read_bytes() == (tmp_path / "rounds.nt").read_bytes()
    assert all(path.exists() for path in parts) and not list(tmp_path.glob(".merge-*"))

"""Safe output: atomic replacement (even under kill -9), a lock, files never overwritten."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import BuildOptions, _BuildLock, build
from kg.cli import main
from kg.errors import GovkgError, UsageError

FAULTS = Path(__file__).resolve().parent / "data" / "faults"


def test_out_naming_a_file_is_refused(tmp_path):
    target = tmp_path / "out"
    target.write_text("precious", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(FAULTS / "plan_ok.txt"), "--out", str(target), "--quiet"])
    assert result.exit_code == 2
    assert "not a folder" in result.output
    assert target.read_text(encoding="utf-8") == "precious"
    with pytest.raises(UsageError):
        build(BuildOptions(inputs=[FAULTS / "plan_ok.txt"], out_dir=target))


def test_two_builds_do_not_interleave(tmp_path):
    out = tmp_path / "out"
    with _BuildLock(out):
        with pytest.raises(GovkgError, match="another `kg build` is writing"):
            build(BuildOptions(inputs=[FAULTS / "plan_ok.txt"], out_dir=out, network=False))
        result = CliRunner().invoke(main, ["build", str(FAULTS / "plan_ok.txt"), "--out", str(out), "--quiet"])
        assert result.exit_code == 1 and "another `kg build`" in result.output
    assert not out.exists()
    assert build(BuildOptions(inputs=[FAULTS / "plan_ok.txt"], out_dir=out, network=False, jobs=1)).exit_code == 0


def test_outputs(tmp_path):
    out = tmp_path / "out"
    result = build(BuildOptions(inputs=[FAULTS / "plan_ok.txt"], out_dir=out, network=False, jobs=1))
    assert result.exit_code == 0 and result.conforms and result.triples > 50
    for name in ("graph.nq", "graph.nt", "graph.ttl", "graph.jsonld", "validation.ttl", "build-report.json", "store"):
        assert (out / name).exists(), name
    lines = (out / "graph.nq").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(set(lines))
    assert len((out / "graph.nt").read_text(encoding="utf-8").splitlines()) == result.triples
    import rdflib

    graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert len(graph) == result.triples
    assert len(rdflib.Graph().parse(out / "graph.jsonld", format="json-ld")) == result.triples


def _corpus(folder: Path, copies: int) -> Path:
    folder.mkdir()
    text = (Path(__file__).resolve().parent.parent / "seeds" /
            "wuhan-2025-plan-responsibility-decomposition.txt").read_text(encoding="utf-8")
    for index in range(copies):
        (folder / f"plan{index}.txt").write_text(text.replace("2025", str(2000 + index)), encoding="utf-8")
    return folder


def test_kill_9_leaves_the_previous_output(tmp_path):
    out = tmp_path / "out"
    small = tmp_path / "small"
    small.mkdir()
    (small / "a.txt").write_bytes((FAULTS / "plan_ok.txt").read_bytes())
    assert build(BuildOptions(inputs=[small], out_dir=out, network=False, jobs=1)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    corpus = _corpus(tmp_path / "big", 6)
    # a build killed after its output was swapped in has finished: the output is then the whole new one
    reference = tmp_path / "reference"
    assert build(BuildOptions(inputs=[corpus], out_dir=reference, jobs=2)).exit_code == 0
    finished = {p.name: p.read_bytes() for p in reference.iterdir() if p.is_file()}
    command = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), "--quiet", "--jobs", "2"]
    for delay in (0.5, 1.5, 3.0, 4.5):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.returncode == 0:  # finished before the kill: put the small graph back
            assert build(BuildOptions(inputs=[small], out_dir=out, network=False, jobs=1)).exit_code == 0
        after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
        assert after == before or after == finished, f"killed after {delay} s: a mix of two outputs"
        if after == finished:  # put the small graph back for the next kill
            assert build(BuildOptions(inputs=[small], out_dir=out, network=False, jobs=1)).exit_code == 0
    # the next build cleans up what the killed ones left and replaces the output
    result = build(BuildOptions(inputs=[corpus], out_dir=out, network=False, jobs=2))
    assert result.exit_code == 0 and len(result.documents) == 6
    assert not list(tmp_path.glob(".out.tmp-*")) and not list(tmp_path.glob(".out.old-*"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux's /proc")
def test_forked_workers_do_not_hold_the_build_lock(tmp_path):
    # the lock must go with the build's process: a worker still exiting after kill -9 of the build
    # held it, and the next build was refused as "another kg build is writing"
    from kg.build import _BuildLock

    with _BuildLock(tmp_path / "out") as lock:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: does any of its descriptors open the lock file?
            held = any(os.path.realpath(f"/proc/self/fd/{fd}") == str(lock.path) for fd in os.listdir("/proc/self/fd"))
            os.write(write_end, b"1" if held else b"0")
            os._exit(0)
        os.waitpid(pid, 0)
        assert os.read(read_end, 1) == b"0"


def test_a_killed_build_leaves_no_process_behind(tmp_path):
    """kill -9 of the build alone (as the out-of-memory killer does): its workers and the process
    waiting to write the collaboration outputs end with it instead of waiting forever."""
    corpus = _corpus(tmp_path / "big", 40)
    command = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(tmp_path / "out"), "--quiet",
               "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(_group(process.pid)) < 3:  # the build and its 2 workers
            time.sleep(0.05)
        assert len(_group(process.pid)) >= 3, "the build's workers did not start"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _group(process.pid):
            time.sleep(0.1)
        assert _group(process.pid) == [], "processes of the killed build still run"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _group(group: int) -> list[int]:
    """The live processes of a process group (zombies are ended processes)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                found.append(int(entry))
    return found


def test_the_network_process_reads_its_keys_and_reports_a_failure(tmp_path):
    """The collaboration outputs' process gets the documents' keys on its input; a key whose rows
    are missing fails the build with the reason, and a build that ends first stops it quietly."""
    from kg.build import _finish_network_outputs, _spawn_network_process, _start_network_outputs, _stop_process
    from kg.errors import GovkgError

    (tmp_path / "cache").mkdir()
    process = _spawn_network_process(tmp_path)
    _start_network_outputs(process, ["missing-key"])
    with pytest.raises(GovkgError, match="collaboration outputs failed: .*missing-key.network.json"):
        _finish_network_outputs(process)
    stopped = _spawn_network_process(tmp_path)
    _stop_process(stopped)
    assert stopped.returncode is not None and not list(tmp_path.glob("*.html"))


def test_concatenated_files_are_whole_with_or_without_the_kernel_copy(tmp_path, monkeypatch):
    import os

    from kg.build import _concatenate

    parts = []
    for index, text in enumerate(["甲\n" * 5000, "", "乙\n"]):
        parts.append(tmp_path / f"{index}.part")
        parts[-1].write_text(text, encoding="utf-8")
    _concatenate(parts, tmp_path / "kernel", head="[", separator=b",", tail="]")

    def refuse(*args):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refuse, raising=False)
    _concatenate(parts, tmp_path / "python", head="[", separator=b",", tail="]")
    expected = "[" + "甲\n" * 5000 + ",乙\n]"
    assert (tmp_path / "kernel").read_text(encoding="utf-8") == expected
    assert (tmp_path / "python").read_text(encoding="utf-8") == expected


def test_a_folder_kg_build_wrote_is_no_input(tmp_path):
    # `kg build .` with out/ inside: out/units.csv (a .csv is an input type) and the like are outputs, not documents
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "plan.txt").write_bytes((FAULTS / "plan_ok.txt").read_bytes())
    assert build(BuildOptions(inputs=[folder], out_dir=folder / "out", jobs=1)).exit_code == 0
    assert (folder / "out" / "units.csv").is_file()
    again = build(BuildOptions(inputs=[folder], out_dir=folder / "again", jobs=1, network=False))
    assert again.exit_code == 0 and [Path(d.path).name for d in again.documents] == ["plan.txt"]

"""Property-based tests (hypothesis): reading, segmentation and extraction never raise, never hang,
and whatever they produce conforms to the SHACL shapes; hostile input costs linear time.

The examples here are kept few so the suite stays fast; docs/faults.md describes the long run
(``HYPOTHESIS_PROFILE=long``) and its figures.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings, strategies as st

from kg.pipeline import process_document
from kg.read import read_text
from kg.segment import segment_plan
from kg.shacl import validate_quads

settings.register_profile("suite", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")), deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

PLAN = (Path(__file__).resolve().parent / "data" / "faults" / "plan_ok.txt").read_text(encoding="utf-8")
PIECES = ["一、", "二、", "(一)", "(二)", "1. ", "2.", "3、", "——", "(牵头单位:", "责任单位:", "配合单位:", ";", ")",
          "(", "〈", "〉", "市发改委", "市经信局", "、", ",", "。", "\n", "\r\n", "5. 4 万套", "PM_{2.5}", "—4—",
          "牵 头单位", "各区人民政府", "江汉、硚口区人民政府", "(含", ",下同)", "增长 6%", "1000 家", "\u3000", "（", "）",
          "无牵头单位的,责任单位即为牵头单位", "武汉市人民政府", "2025年1月16日", "附件"]
documents = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES), max_size=120).map("".join),
    st.tuples(st.integers(0, len(PLAN)), st.integers(0, len(PLAN)), st.lists(st.sampled_from(PIECES), max_size=10))
      .map(lambda t: PLAN[:min(t[0], t[1])] + "".join(t[2]) + PLAN[max(t[0], t[1]):]),
)
encodings = st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-8-sig"])


def _conforms(result) -> None:
    if not result.ok:
        assert result.error and "internal error" not in result.error, result.debug
        return
    quads = set(ox.parse(result.nquads, format=ox.RdfFormat.N_QUADS))
    results, _ = validate_quads(quads)
    assert results == [], results[:3]


@given(documents, encodings)
def test_any_document_builds_or_fails_cleanly(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    result = process_document("fuzz.txt", data, timeout=20)
    _conforms(result)


@given(st.binary(max_size=2000))
def test_any_bytes(data):
    _conforms(process_document("bytes.txt", data, timeout=20))


@given(documents)
def test_reading_maps_every_offset_back(text):
    source = read_text(text)
    for position in range(0, len(source.text) + 1, max(1, len(source.text) // 50)):
        assert 0 <= source.to_source(position) <= len(source.raw)
    structure = segment_plan(source)
    for item in structure.items:
        assert item.line >= 1
        assert 0 <= item.start <= len(source.text)


@given(documents)
def test_plan_kind_forced(text):
    _conforms(process_document("forced.txt", text.encode("utf-8"), kind="plan", timeout=20))


def _seconds(data: bytes) -> float:
    started = time.perf_counter()
    result = process_document("hostile.txt", data, kind="plan", timeout=60)
    assert "internal error" not in result.error and "time limit" not in result.error, result.error
    return time.perf_counter() - started


def test_hostile_input_costs_linear_time():
    """Doubling hostile input must not quadruple the time (a ratio, never an absolute time)."""
    head = "一、重点工作\n1. 做事("
    for unit, size in ((b"((((", 250_000), ("、".encode(), 250_000), (b"x", 2_500_000)):
        small = _seconds(head.encode() + unit * (size // 2 // len(unit)))
        large = _seconds(head.encode() + unit * (size // len(unit)))
        assert large < 3.5 * small + 0.5, (unit, small, large)


def test_hostile_inputs_at_full_size():
    """1 MB of ``((((``, a 10 MB single line, a million ``、``: each finishes (built or refused), in time."""
    head = "一、重点工作\n1. 做事".encode()
    for data in (head + b"(" * 1_000_000, head + "中".encode() * 3_400_000, head + "、".encode() * 1_000_000):
        result = process_document("hostile.txt", data, kind="plan", timeout=120)
        assert "internal error" not in result.error and "time limit" not in result.error, result.error
        _conforms(result)


def test_time_limit_stops_a_document(monkeypatch):
    import kg.pipeline as pipeline

    def slow(*args):
        while True:
            pass

    monkeypatch.setattr(pipeline, "_plan_document", slow)
    started = time.perf_counter()
    result = process_document("slow.txt", PLAN.encode("utf-8"), kind="plan", timeout=0.5)
    assert not result.ok and "time limit" in result.error
    assert time.perf_counter() - started < 30


def test_a_hostile_line_is_classified():
    """Every signal of kg/data/document_kinds.yaml on lines of its own words, four times its window: each
    finishes (a signal with three [^\\n]* in a row took 13 s on 5,000 characters, and hours on these), and a
    report's table header still counts only with its words in order (指标 … 目标 … 完成)."""
    from kg.classify import _kind_rules, kind_scores

    for line in ("指标目标" * 5000, "指标目标计划" * 3400, "任务牵头" * 5000, "工作责任单位" * 3400 + "x"):
        for _, signals in _kind_rules().values():
            for pattern, _, _, _ in signals:
                pattern.search(line)
    head = "某市人民政府工作报告\n各位代表:\n"
    assert kind_scores(head + "指标目标" * 1250)["city_report"] == 12  # two signals; the table's needs 完成
    assert kind_scores(head + "指标目标" * 1200 + "完成")["city_report"] == 18
    assert kind_scores(head + "完成" + "指标目标" * 1200)["city_report"] == 12


def test_a_long_run_of_digits_in_a_target_cell_is_read():
    """An indicator table's target cell of 200,000 digits (a figure the measure column's % would follow): read
    in linear time, as no target (the figure of a cell is looked for in its last characters; reading split
    decimals tries a number from its first digit). Each spot backtracked through the run from every digit."""
    hostile = ("某市2026年主要指标任务分解表\n序号\t指标名称\t单位\t2026年目标\t牵头单位\n"
               "1\t地区生产总值增速\t%\t" + "1" * 200_000 + "元以上完成\t市发改委\n").encode()
    result = process_document("hostile.txt", hostile, kind="plan", timeout=120)
    assert "internal error" not in result.error and "time limit" not in result.error, result.error
    assert result.counts["tasks"] == 1 and result.counts["targets"] == 0
    _conforms(result)


def test_a_csv_files_separator_is_sniffed_in_its_first_lines(monkeypatch):
    """csv.Sniffer's expressions are quadratic in what they read (6 s on 32 KB of ,"): it is given the first
    4 KB of a file, whatever the file's size."""
    import csv

    from kg.read import csv_delimiter

    read = []
    sniff = csv.Sniffer.sniff

    def recording(self, sample, delimiters=None):
        read.append(len(sample))
        return sniff(self, sample, delimiters)

    monkeypatch.setattr(csv.Sniffer, "sniff", recording)
    header = "序号,重点任务,牵头单位,责任单位\n"
    assert csv_delimiter(header + '1,",",市发改委,市财政局\n' * 20_000) == ","
    assert read and max(read) <= 4096

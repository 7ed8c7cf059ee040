"""Commitments and results of a report: quantities read in its plan and review parts.

In a plan part (二、2025年重点工作, with its 主要预期目标) each quantity is a
commitment for the plan year; in the review part (一、2024年工作回顾) each quantity
is a result achieved in the reviewed year.  Figures that do not belong to that
one year are left out rather than guessed: part of a year (一季度, 上半年),
several years (五年来, 累计, 年均) or a sentence that names another year.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..indicators import indicator_name, is_bare, respective_indicators, with_subject
from ..model import Quantity
from ..segment_reports import ReportLayout, Sentence, multi_year_marker, part_year_marker
from .quantities import read_quantities
from .report_tables import read_report_tables

_CJK = re.compile(r"[\u3400-\u9fff]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")

COMMITMENT = "commitment"
RESULT = "result"


@dataclass
class Fact:
    """A commitment (promised for ``year``) or a result (achieved in ``year``)."""

    kind: str  # commitment | result
    year: int
    quantity: Quantity  # offsets into the normalised text
    indicator: str | None  # normalised metric; None when the phrase names no single measure
    sentence: Sentence
    main_target: bool = False  # stated among the year's main targets (主要预期目标)


def _other_year(sentence: Sentence, year: int) -> bool:
    return any(int(y) != year for y in _YEAR.findall(sentence.text))


def _inside_word(text: str, quantity: Quantity, offset: int) -> bool:
    """A Chinese numeral run into the next word is part of a name, not a count (二次供水, 一体化)."""
    number = text[quantity.start - offset:quantity.start - offset + 1]
    following = text[quantity.end - offset:quantity.end - offset + 1]
    return not number.isdigit() and bool(_CJK.match(following))


def _respective(quantities: list[Quantity]) -> dict[int, str]:
    """Indicators of figures given respectively (规模以上工业增加值、进出口总额分别增长8.6%和3.2%): each run
    of quantities sharing one 分别 phrase, by ``id`` of the quantity."""
    found: dict[int, str] = {}
    index = 0
    while index < len(quantities):
        run = [quantities[index]]
        while index + len(run) < len(quantities) and quantities[index + len(run)].metric == run[0].metric:
            run.append(quantities[index + len(run)])
        names = respective_indicators(run[0].metric, len(run)) if "分别" in run[0].metric else None
        for quantity, name in zip(run, names or []):
            found[id(quantity)] = name
        index += len(run)
    return found


def read_facts(layout: ReportLayout, text: str | None = None) -> list[Fact]:
    """Every commitment and result of a segmented report: those of its sentences in text order, then
    those of its tables of targets and results (kg.extract.report_tables), when ``text`` is given.

    >>> from kg.segment_reports import layout_report
    >>> text = "各位代表:\\n一、2024年工作回顾\\n地区生产总值达到2万亿元,增长5.2%。一季度增长4%。\\n" \\
    ...        "二、2025年重点工作\\n主要预期目标是:地区生产总值增长6%左右。"
    >>> [(f.kind, f.year, f.indicator, str(f.quantity.value)) for f in read_facts(layout_report(text))]
    [('result', 2024, '地区生产总值', '2'), ('result', 2024, '地区生产总值增长', '5.2'), ('commitment', 2025, '地区生产总值增长', '6')]
    """
    facts: list[Fact] = []
    tables = read_report_tables(text, layout) if text is not None else []
    in_table = _table_rows(layout.sentences, tables)
    for index, sentence in enumerate(layout.sentences):
        if index in in_table:
            continue  # a row of a table of targets and results: read by its columns below
        part = sentence.part
        if part is None or part.kind not in ("review", "plan") or not part.year:
            continue
        kind = RESULT if part.kind == "review" else COMMITMENT
        if kind == RESULT and sentence.multi_year:
            continue
        if _other_year(sentence, part.year):
            continue
        previous: str | None = None
        quantities = read_quantities(sentence.text, offset=sentence.start)
        respective = _respective(quantities)
        first = len(facts)
        for quantity in quantities:
            clause = quantity.surface
            if part_year_marker(clause) or (kind == RESULT and multi_year_marker(clause)):
                previous = None
                continue
            if _inside_word(sentence.text, quantity, sentence.start):
                previous = None
                continue
            if not quantity.metric:
                # 突破1000亿元大关,达到1036.2亿元: the figure of the threshold passed just before
                if kind == RESULT and _refines(facts[first:], quantity):
                    facts[-1] = Fact(kind=kind, year=part.year, quantity=quantity, indicator=facts[-1].indicator,
                                     sentence=sentence)
                previous = None
                continue
            indicator = respective.get(id(quantity)) or indicator_name(quantity.metric)
            if indicator is None and previous and is_bare(quantity.metric):
                indicator = with_subject(quantity.metric, previous)
            previous = indicator
            facts.append(Fact(kind=kind, year=part.year, quantity=quantity, indicator=indicator,
                              sentence=sentence, main_target=kind == COMMITMENT and sentence.targets))
    starts = [sentence.start for sentence in layout.sentences]
    for table in tables:
        rows = layout.sentences[bisect.bisect_left(starts, table.start):bisect.bisect_left(starts, table.end)]
        for figure in table.figures:
            # the row's passage is the sentence the segmenter made of it, when it made one
            row = next((s for s in rows if s.start <= figure.quantity.start < s.end), figure.row)
            # a table of targets lists a year's main targets
            facts.append(Fact(kind=figure.kind, year=figure.year, quantity=figure.quantity,
                              indicator=indicator_name(figure.quantity.metric), sentence=row,
                              main_target=figure.kind == COMMITMENT))
    return facts


def _table_rows(sentences: list[Sentence], tables) -> set[int]:
    """The indexes of the sentences (in text order) that lie in a table."""
    starts = [sentence.start for sentence in sentences]
    return {index for table in tables
            for index in range(bisect.bisect_left(starts, table.start), bisect.bisect_left(starts, table.end))}


def _refines(sentence_facts: list[Fact], quantity) -> bool:
    """Whether ``quantity`` (达到1036.2亿元, naming no measure) gives the figure of a threshold the
    sentence's last result says was passed (社零额突破1000亿元大关): a figure of the same unit.

    >>> from kg.segment_reports import layout_report
    >>> text = "各位代表:\\n一、2024年工作回顾\\n社零额突破1000亿元大关,达到1036.2亿元。航线新增30条,达37条。\\n"
    >>> [(f.indicator, str(f.quantity.value)) for f in read_facts(layout_report(text))]
    [('社会消费品零售总额', '1036.2'), ('航线新增', '30')]
    """
    return bool(sentence_facts) and sentence_facts[-1].indicator is not None \
        and sentence_facts[-1].quantity.bound == "at_least" and sentence_facts[-1].quantity.unit == quantity.unit

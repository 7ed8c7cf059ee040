"""Tables of targets and results in reports: ``指标 | 单位 | 2030年目标 | 2030年完成 | 完成情况``.

A work report's annex, a 主要预期目标 table or a report written as a table comes in as lines of
cells (tab-separated from .docx, .xlsx and web pages, or ``|`` in text and Markdown: kg.read).
A header row names an indicator column and target or result columns (kg/data/report_tables.yaml);
each row below it gives, for each such column with a figure, the same commitment or result
the text readers give (kg.extract.commitments.Fact): the indicator's words and the cell read as one
phrase (城镇新增就业 with 22以上 in 万人: 城镇新增就业22万人以上), the year from the column's
header, the table's title or its report part.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from ..datafiles import read_yaml
from ..model import Quantity
from ..segment_reports import ReportLayout, ReportPart, Sentence
from .quantities import measure_at, read_quantities

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_BRACKETED = re.compile(r"\s*[(（]([^()（）]{1,8})[)）]\s*$")  # 城镇新增就业(万人): the unit in brackets
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WORDS_AND_FIGURE = re.compile(r"^[^\d()（）]{1,8}[(（]([^()（）]*\d[^()（）]*)[)）]$")  # 完成(6.2): a figure in brackets
_RULE_CELL = re.compile(r"^:?-{2,}:?$")  # | --- | :---: |, a Markdown table's rule


@lru_cache(maxsize=None)
def _rules() -> dict:
    return read_yaml("report_tables.yaml")


@dataclass
class Column:
    index: int
    kind: str  # commitment | result
    year: int | None
    header: str


@dataclass
class TableFigure:
    """One figure of a table: a target or a result of the indicator of its row."""

    kind: str  # commitment | result
    year: int
    quantity: Quantity  # offsets of its cell
    row: Sentence  # the row, as the passage that states it


@dataclass
class ReportTable:
    start: int  # the header row
    end: int  # the end of its last row
    figures: list[TableFigure]


def _separator(line: str) -> str | None:
    if "\t" in line:
        return "\t"
    if line.count("|") >= 2:
        return "|"
    return None


def _cells(line: str, separator: str) -> list[tuple[int, str]]:
    """(offset in ``line``, text) of each cell, empty ones kept so columns stay in place."""
    cells, start = [], 0
    for piece in line.split(separator):
        stripped = piece.strip()
        cells.append((start + (piece.find(stripped) if stripped else 0), stripped))
        start += len(piece) + len(separator)
    if separator == "|" and cells and not cells[0][1]:  # | 指标 | 目标 |: the outer bars
        cells = cells[1:-1] if not cells[-1][1] else cells[1:]
    return cells


@lru_cache(maxsize=None)
def _time_headers() -> tuple[str, ...]:
    """Words of a header over times or other notes, never figures: the deadline labels and the other
    headers of plan tables (完成时限, 完成时间, 时间节点, 进度, 备注: kg/data/roles.yaml)."""
    roles = read_yaml("roles.yaml")
    return (*roles["deadline_labels"], *roles["table_other_headers"])


def _column_kind(header: str) -> str | None:
    """Whether a column holds targets or results; 完成时限 (a deadline) holds neither.

    >>> [_column_kind(h) for h in ("2026年目标", "2025年完成", "完成情况", "完成时限", "完成时间", "计划完成时间")]
    ['commitment', 'result', 'result', None, None, None]
    """
    rules = _rules()
    if any(word in header for word in _time_headers()):
        return None
    words = _YEAR.sub("", header)
    if any(word in words for word in rules["target_words"]):
        return "commitment"
    if any(word in words for word in rules["result_words"]):
        return "result"
    return None


def header_columns(cells: list[str]) -> tuple[int | None, int | None, list[Column]]:
    """The indicator column, the unit column and the figure columns a header row names.

    >>> indicator, unit, columns = header_columns(["序号", "指标", "单位", "2030年目标", "2030年完成", "完成情况"])
    >>> indicator, unit, [(c.index, c.kind, c.year) for c in columns]
    (1, 2, [(3, 'commitment', 2030), (4, 'result', 2030), (5, 'result', None)])
    """
    rules = _rules()
    headers = [cell.replace(" ", "").replace("\u3000", "") for cell in cells]
    indicator = next((i for i, h in enumerate(headers) if h in rules["indicator_headers"]), None)
    # the words of a measure column are the plan tables' (one list for any table: kg/data/roles.yaml)
    measure_headers = read_yaml("roles.yaml")["table_measure_headers"]
    unit = next((i for i, h in enumerate(headers) if h in measure_headers), None)
    columns = []
    for index, header in enumerate(headers):
        if index in (indicator, unit) or not header:
            continue
        kind = _column_kind(header)
        if kind:
            year = _YEAR.search(header)
            columns.append(Column(index, kind, int(year.group(1)) if year else None, header))
    return indicator, unit, columns


def _unit_of(indicator: str, unit_cell: str) -> tuple[str, str]:
    """The indicator's words and the unit its figures are in: the unit column's, a bracketed one
    (城镇新增就业(万人)), or % for a rate of change (地区生产总值增长)."""
    bracketed = _BRACKETED.search(indicator)
    if bracketed:
        indicator = indicator[:bracketed.start()]
    unit = unit_cell or (bracketed.group(1) if bracketed else "")
    if not unit and indicator.endswith(tuple(_rules()["percent_endings"])):
        unit = "%"
    return indicator.strip(), unit.strip()


def read_cell(indicator: str, unit: str, cell: str) -> Quantity | None:
    """The quantity a figure cell gives for its row's indicator: the cell read after the indicator's
    words, with the row's unit after the cell's final figure when the cell writes none
    (:func:`kg.extract.quantities.measure_at`, the plans' rule: never after a year, a month, 个 …).

    >>> q = read_cell("城镇新增就业", "万人", "22以上")
    >>> str(q.value), q.unit, q.comparator, q.bound, q.metric
    ('22', '万人', '以上', 'at_least', '城镇新增就业')
    >>> q = read_cell("地区生产总值增长", "%", "5.5—6")
    >>> str(q.value), str(q.upper), q.bound
    ('5.5', '6', 'between')
    >>> [read_cell("城镇新增就业", "万人", cell) for cell in ("完成", "2026年底", "2025年提前完成", "提前1年完成")]
    [None, None, None, None]
    >>> q = read_cell("城镇新增就业", "万人", "超额完成(2.4)")
    >>> str(q.value), q.unit, q.metric
    ('2.4', '万人', '城镇新增就业')
    """
    if not _NUMBER.search(cell):
        return None
    bracketed = _WORDS_AND_FIGURE.match(cell)
    if bracketed:  # 完成(7.4): the figure is the bracket's, the words no part of the indicator
        cell = bracketed.group(1)
    written = cell
    for cut in reversed(measure_at(cell, unit) if unit and not read_quantities(cell) else []):
        written = written[:cut] + unit + written[cut:]
    found = [q for q in read_quantities(indicator + written) if q.start >= len(indicator)]
    return found[-1] if found else None


def _title_year(text: str, header_start: int) -> int | None:
    """A year the title lines just above a table name (附件:2030年主要指标完成情况)."""
    window = text[max(0, header_start - 400):header_start]  # a few lines back, not the whole text: linear time
    lines = window.rstrip("\n").split("\n")[-_rules()["title_lines"]:]
    for line in reversed(lines):
        if _separator(line):
            break
        year = _YEAR.search(line)
        if year:
            return int(year.group(1))
    return None


def _year(column: Column, title_year: int | None, part: ReportPart | None, layout: ReportLayout) -> int | None:
    if column.year:
        return column.year
    if title_year:
        return title_year
    wanted = "plan" if column.kind == "commitment" else "review"
    if part is not None and part.kind == wanted and part.year:
        return part.year
    return layout.plan_year if wanted == "plan" else layout.review_year


def _part_at(layout: ReportLayout, position: int) -> ReportPart | None:
    found = None
    for part in layout.parts:
        if part.start <= position:
            found = part
    return found


def read_report_tables(text: str, layout: ReportLayout) -> list[ReportTable]:
    """Every table of targets and results in the report ``layout`` covers, with its figures.

    >>> from kg.segment_reports import layout_report
    >>> text = "各位代表:\\n附件:2030年主要指标完成情况\\n指标\\t单位\\t目标\\t完成\\n城镇新增就业\\t万人\\t22以上\\t25.3\\n"
    >>> [(f.kind, f.year, str(f.quantity.value), f.quantity.unit, f.quantity.metric)
    ...  for t in read_report_tables(text, layout_report(text)) for f in t.figures]
    [('commitment', 2030, '22', '万人', '城镇新增就业'), ('result', 2030, '25.3', '万人', '城镇新增就业')]
    """
    tables: list[ReportTable] = []
    lines = list(re.compile(r"(?m)^.*$").finditer(text, layout.body_start, layout.end))
    index = 0
    while index < len(lines):
        header = lines[index]
        index += 1
        separator = _separator(header.group(0))
        if separator is None:
            continue
        indicator, unit, columns = header_columns([cell for _, cell in _cells(header.group(0), separator)])
        if indicator is None or not columns:
            continue
        title_year = _title_year(text, header.start())
        part = _part_at(layout, header.start())
        table = ReportTable(start=header.start(), end=header.end(), figures=[])
        while index < len(lines) and _separator(lines[index].group(0)) == separator:
            row = lines[index]
            index += 1
            table.end = row.end()
            cells = _cells(row.group(0), separator)
            if len(cells) <= indicator or all(_RULE_CELL.match(cell) or not cell for _, cell in cells):
                continue
            name, row_unit = _unit_of(cells[indicator][1], cells[unit][1] if unit is not None and unit < len(cells) else "")
            if not name:
                continue
            sentence = Sentence(row.start(), row.end(), row.group(0), part)
            for column in columns:
                if column.index >= len(cells) or not cells[column.index][1]:
                    continue
                offset, cell = cells[column.index]
                quantity = read_cell(name, row_unit, cell)
                year = _year(column, title_year, part, layout)
                if quantity is None or year is None:
                    continue
                start = row.start() + offset
                quantity = dataclasses.replace(quantity, start=start, end=start + len(cell),
                                               surface=f"{cells[indicator][1]} {cell}")
                table.figures.append(TableFigure(column.kind, year, quantity, sentence))
        tables.append(table)
    return tables

"""Segment documents: a plan into parts, sections, sub-headings and numbered items.

Plans are printed as::

    二、十一个方面重点工作                 part
    (一)在促进内外需协调发展上……          section (or, in a part with no Arabic items, an item: 一.三)
    ——做强消费主引擎                       sub-heading
    1. 加快创建……。(牵头单位:…;责任单位:…)  item, wrapped over several lines

An item number is only taken as a new item when it follows the previous one or
the previous item is complete (its role clause closed); otherwise a line such as
``5.4万套`` is the continuation of a wrapped item.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from .datafiles import read_yaml
from .extract.quantities import measure_at
from .extract.units import heading_units, org_suffix
from .extract.roles import (deadline_columns, first_colon, is_role_sentence, lead_marker_pattern,
                           other_label_pattern, role_label_of, role_label_pattern, role_word_pattern, table_columns)
from .model import PlanItem, PlanPart, PlanSection, PlanStructure, Problem, UnitMention
from .numerals import chinese_to_int
from .read import GAP, SourceText

CN_NUM = "一二三四五六七八九十"
_MARKER = re.compile(r"^\s*(?:[-•·●▪*](?=\s)\s*)*")
# 二、十一个方面重点工作 / 第二部分 重点工作 (第二章, 第二篇): the numeral, then the title
_PART = re.compile(f"^(?:([{CN_NUM}]{{1,3}})\\s*[、.]\\s*(?=\\S)|第([{CN_NUM}]{{1,3}})(?:部分|章|篇)\\s*)(.{{0,40}})$")
_SECTION = re.compile(f"^\\(([{CN_NUM}]{{1,3}})\\)\\s*(.*)$")
_SUBHEADING = re.compile(r"^——+\s*(\S.*)$")
# how items are numbered: 1. / 1、 (most plans), (1) (西安), 1) (太原); a plan's commonest form is its own
# (a "(1)" line in a plan numbered "1." is a point inside an item)
_ITEM_FORMS = (re.compile(r"^(\d{1,4})\s*[.、]\s*(.*)$"), re.compile(r"^\((\d{1,4})\)\s*(.*)$"),
               re.compile(r"^(\d{1,4})\)\s*(.*)$"))
# a decimal outline (北原): parts "1 推动经济…" (an Arabic numeral, a short title) and items "1.1 地区…",
# the item numbered by its second figure; read so when at least two lines are numbered so
_DECIMAL_ITEM = re.compile(r"^\d{1,2}\.(\d{1,3})(?!\d)\s*(?=[\u4e00-\u9fff])(.*)$")
_DECIMAL_PART = re.compile(r"^(\d{1,2})()\s*(?=[\u4e00-\u9fff])([^。]{1,40})$")  # () stands for _PART's 第X部分

# a point inside an item of a plan numbered otherwise ((1)… under 1.…); a task of its own when every
# point of the item names its units
_POINT = re.compile(r"^\((\d{1,3})\)\s*(?=\S)")

# an appendix: 附件, 附件2, or the list of appendices (附件:1.…分解表 2.…清单) after the tasks
_APPENDIX = re.compile(r"^(附表|附件|附录)\s*\d*\s*(?:[:：].*)?$")
_TABLE_ROW = re.compile(r"\t\s*\S.*\t|\t\s*\d+\s*$")


@lru_cache(maxsize=None)
def _requirement_words() -> re.Pattern:
    return re.compile("|".join(map(re.escape, read_yaml("plan_parts.yaml")["requirement_headings"])))


def _is_requirements(title: str) -> bool:
    """Whether a part heading is of the plan's requirements (三、保障措施), not of its tasks.

    >>> _is_requirements("保障措施"), _is_requirements("加强政府自身建设")
    (True, False)
    """
    return bool(_requirement_words().search(title))


def _item_form(text: str) -> re.Pattern:
    """The item numbering form most lines of ``text`` start with (the first form when none does)."""
    lines = [line.strip() for line in text.split("\n")]
    counts = [sum(1 for line in lines if form.match(line)) for form in _ITEM_FORMS]
    if sum(1 for line in lines if _DECIMAL_ITEM.match(line)) >= max(2, max(counts)):
        return _DECIMAL_ITEM  # each 1.1 line also reads as "1." with text "1 …"
    if _points_under_items(lines):
        return _ITEM_FORMS[0]
    return _ITEM_FORMS[max(range(len(counts)), key=lambda i: (counts[i], -i))]


def _points_under_items(lines: list[str]) -> bool:
    """Whether the (1) lines are points inside "1." items: each run of them starts again at (1) after a
    "1." line (1.推进…: (1)…(2)…, 2.促进…: (1)…), however many of them there are."""
    runs = seen_item = 0
    for line in lines:
        if _ITEM_FORMS[0].match(line):
            seen_item = 1
        elif _ITEM_FORMS[1].match(line) and _ITEM_FORMS[1].match(line).group(1) == "1":
            if not seen_item:
                return False  # a run of (1)… under no item: they are the items
            runs, seen_item = runs + 1, 0
    return runs >= 1


def _part_number(numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else chinese_to_int(numeral)


@dataclass
class _Block:
    kind: str  # part | paren | sub | item
    number: int
    numeral: str
    text: str
    start: int
    line: int
    end: int = 0
    part_index: int = -1
    # (offset in .text, offset in the normalised document) where each joined line starts
    pieces: list[tuple[int, int]] = field(default_factory=list)
    parent: "_Block | None" = None  # a point's item: (1)… on a line of its own inside 1.…
    took_item: bool = False  # an item out of order was read as this block's text
    division: str = ""  # a part's 第X部分, in a plan that has both (see _has_divisions)

    def append(self, line: str, line_start: int) -> None:
        joined = join_wrapped(self.text, line)
        self.pieces.append((len(joined) - len(line), line_start))
        self.text = joined


def iter_lines(text: str):
    """Yield ``(start_offset, line)`` for every line of ``text``."""
    start = 0
    for line in text.split("\n"):
        yield start, line
        start += len(line) + 1


def join_wrapped(previous: str, continuation: str) -> str:
    """Join a wrapped line: Chinese needs no space, Latin words do, and so does a line that opens
    with a role label (…20万亩 / 牵头单位:X, each label on a line of its own): the space is the
    boundary a label opens its clause after, where the line break was.

    >>> join_wrapped("新建改造高标准农田20万亩", "牵头单位:州农业农村局"), join_wrapped("建设", "5G基站")
    ('新建改造高标准农田20万亩 牵头单位:州农业农村局', '建设5G基站')
    """
    if previous and continuation and previous[-1].isascii() and previous[-1].isalnum() \
            and continuation[0].isascii() and continuation[0].isalnum():
        return previous + " " + continuation
    if previous and previous[-1] not in _CLAUSE_BOUNDARY and role_label_pattern().match(continuation):
        return previous + " " + continuation
    return previous + continuation


class RoleClause(NamedTuple):
    """Where an item's role clause is: the span of its inside, whether it is whole, whether in brackets."""

    start: int
    end: int
    closed: bool  # False: cut off (an opened bracket never closed, or labels not ended by 。)
    bracketed: bool  # (牵头单位:X;…) rather than 牵头单位:X;… closing the item
    # a role sentence after the bracketed clause (…建设(牵头单位:X)。各区人民政府负责。): its span
    sentence: tuple[int, int] | None = None
    leading: bool = False  # the clause opens the item and the task follows (牵头单位:X。推进…; X牵头:推进…)


def find_role_clause(text: str) -> RoleClause | None:
    """Locate the role clause of an item (see :class:`RoleClause`). Five rules, tried in this order
    (the first that finds one wins; each has its own test plan in tests/data):

    1. a closing bracket group that names a role: ``…增长6%。(牵头单位:X;责任单位:Y)``, or ``【…】``;
    2. a clause that opens the item, the task after it: ``牵头单位:X;责任单位:Y。推进…`` or
       ``X牵头,Y配合:推进…`` (plan_linhai_leading_clauses);
    3. an opened but unclosed group near the end (``(牵头单位:市商务局;责任单位:…`` cut off),
       returned with ``closed=False``;
    4. a run of labels closing the item outside brackets (``…。责任单位:市商务局(牵头),市文化和旅游局。``,
       合肥's convention; each label may end its own sentence), closed once it ends with ``。``;
    5. a last sentence of units and role verbs only (``…12万人。市人社局牵头,市财政局等按职责分工负责。``),
       with a bracketed clause before it kept beside it (``…(牵头单位:X)。各区人民政府负责。``).

    Rule 1 comes before 2 so that a task opening with a label-like phrase keeps its closing
    bracket; rule 3 before 4 and 5 so that a cut-off bracket is reported, not read as a sentence.
    """
    bracket = _closing_bracket_clause(text)
    if bracket is not None:
        return bracket
    leading = _leading_clause(text)
    if leading is not None:
        return leading
    # an unclosed "(牵头单位…" / "(责任单位…" / "(X牵头…" near the end
    last_open = text.rfind("(")
    if last_open >= 0 and ")" not in text[last_open:]:
        inside = text[last_open + 1:]
        if role_word_pattern().search(inside):
            return RoleClause(last_open + 1, len(text.rstrip()), closed=False, bracketed=True)
    start = _unbracketed_clause_start(text)
    if start is None:
        start = _role_sentence_start(text)
        before = _closing_bracket_clause(text[:start]) if start is not None else None
        if before is not None:  # (牵头单位:X)。各区人民政府负责。: both name the task's units
            return before._replace(sentence=(start, len(text.rstrip(" \n"))))
    if start is not None:
        return RoleClause(start, len(text.rstrip(" \n")), closed=text.rstrip().endswith("。"), bracketed=False)
    return None


_LEADING_REACH = 80  # how far into an item a clause that opens it may run (its units, not the task)


def _leading_clause(text: str) -> RoleClause | None:
    """A clause that opens the item, the task after it: ``牵头单位:X;责任单位:Y。推进…`` (labels up to
    the first 。) or ``X牵头,Y配合:推进…`` (a role sentence up to the first colon)."""
    start = len(text) - len(text.lstrip())
    label = role_label_pattern().match(text, start)
    if label is not None:
        end = text.find("。", start, start + _LEADING_REACH)
        if end > 0 and text[end + 1:].strip(" 。"):
            return RoleClause(start, end, closed=True, bracketed=False, leading=True)
        return None
    colon = first_colon(text, start, start + _LEADING_REACH)
    if colon > start and text[colon + 1:].strip(" 。") and is_role_sentence(text[start:colon]):
        return RoleClause(start, colon, closed=True, bracketed=False, leading=True)
    return None


def _closing_bracket_clause(text: str) -> RoleClause | None:
    """The bracket group closing ``text`` (before its last 。), when it names a role."""
    stripped = text.rstrip(" 。.;;\n")
    if stripped.endswith("】"):  # 【牵头单位:X;责任单位:Y】, not a label alone (…【牵头单位】)
        opened = stripped.rfind("【")
        inside = stripped[opened + 1:-1]
        if opened >= 0 and "】" not in inside and role_word_pattern().search(inside) \
                and role_label_pattern().fullmatch(stripped[opened:]) is None:
            return RoleClause(opened + 1, len(stripped) - 1, closed=True, bracketed=True)
        return None
    if not stripped.endswith(")"):
        return None
    depth = 0
    for i in range(len(stripped) - 1, -1, -1):
        ch = stripped[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
            if depth == 0:
                inside = stripped[i + 1:len(stripped) - 1]
                # "(牵头)" after a unit names it lead inside a list: never a role clause of its own
                if role_word_pattern().search(inside) and not lead_marker_pattern().fullmatch(stripped[i:]):
                    return RoleClause(i + 1, len(stripped) - 1, closed=True, bracketed=True)
                return None
    return None


def _role_sentence_start(text: str) -> int | None:
    """Where a last sentence naming only units and their roles starts (…12万人。市人社局牵头,市财政局等按职责
    分工负责。), None when there is no such sentence after the task's own."""
    stripped = text.rstrip(" 。\n")
    start = stripped.rfind("。") + 1
    if start == 0:
        return None  # the item would be nothing but its units
    sentence = stripped[start:]
    start += len(sentence) - len(sentence.lstrip())
    return start if is_role_sentence(sentence.strip()) else None


def _unbracketed_clause_start(text: str) -> int | None:
    """Where a run of role labels outside brackets (``牵头单位:X;责任单位:Y``) closing ``text`` starts.

    Labels of something else chained to them belong to the run (``…5%。责任领导:王建国副市长;牵头单位:X``:
    the leader is no part of the task's text), and a label chained to an earlier one needs no boundary
    before it (reading removes the spaces of ``责任领导:李明(市长)  牵头单位:X``).
    """
    # (start of the label, end of its colon, whether it names a role, start of its word)
    labels = [(m.start(), m.end(), True, m.start(1))
              for m in role_label_pattern().finditer(text) if _depth(text, m.start()) == 0]
    if not labels:
        return None
    for m in other_label_pattern().finditer(text):
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip(_SEPARATORS_BEFORE_LABEL))
        label = text[start:m.end()]
        if _depth(text, start) == 0:
            labels.append((start, m.end(), False, start + len(label) - len(label.lstrip("【 "))))
    labels.sort()
    last = max(index for index, label in enumerate(labels) if label[2])
    first = last
    for index in range(last - 1, -1, -1):  # labels chained by ";", "," or a 。 that ends a value belong to one clause
        value = text[labels[index][1]:labels[first][0]].rstrip(" \n")
        if "。" in value.removesuffix("。"):  # a task's sentence between them: the clause starts after it
            break
        first = index
    # the run opens at its first label after a boundary; 【牵头单位】 brings its own, so the character
    # before the label's word is tested, not the one before its bracket
    for start, _, _, word in labels[first:last + 1]:
        if word == 0 or text[word - 1] in _CLAUSE_BOUNDARY:
            return start
    return None


_SEPARATORS_BEFORE_LABEL = ";；,，。 \t\n"
_CLAUSE_BOUNDARY = "。;,: \t—【)"  # — : ……建设。——责任单位:X; ) : (市长)牵头单位:X


def _depth(text: str, position: int) -> int:
    """How many brackets are open at ``position``."""
    return text.count("(", 0, position) - text.count(")", 0, position)


def _continues_label_run(found: RoleClause, line: str) -> bool:
    """Whether ``line`` is one more label of the run outside brackets that ``found`` (the clause closing
    an item) is, each label a sentence on a line of its own (…20万亩。/ 牵头单位:X。/ 责任单位:Y。)."""
    if found.bracketed or found.leading or found.sentence is not None:
        return False
    return bool(role_label_pattern().match(line) or other_label_pattern().match(line))


def _has_open_role_clause(text: str) -> bool:
    found = find_role_clause(text)
    return found is not None and not found.closed


def is_complete(text: str) -> bool:
    found = find_role_clause(text)
    return found is not None and found.closed


@dataclass
class _TableLayout:
    """The columns of a responsibility table, from its header row (序号 | 重点任务 | 牵头单位 | 责任单位)."""

    separator: str  # "\t", "|", or GAP: a table aligned with spaces (kg.read.protect_table_gaps)
    number: int | None  # the 序号 column
    tasks: list[int]  # the columns of the task's text (重点工作, and 工作目标 where targets have a column of their own)
    roles: list[tuple[int, str]]  # (column, its header: a role label of kg/data/roles.yaml)
    count: int = 0  # how many columns the header names
    deadlines: list[tuple[int, str]] = field(default_factory=list)  # (column, its time label: 完成时限)
    spans: list[tuple[int, int]] = field(default_factory=list)  # GAP tables: each header cell's screen columns
    measure: int | None = None  # an indicator table's 单位 column: the measure of the figures in the task columns


@dataclass
class _TableRow:
    """A row being read: its cells may wrap over several lines (a spreadsheet's multi-line cell,
    a PDF table's wrapped text), each line's piece of a cell kept with its offset."""

    numeral: str
    start: int
    line: int
    part_index: int
    cells: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # column -> [(offset, text)]
    last: int = 0  # the column the latest piece went to
    # the row above in the same part whose role cells it shares when its own are all empty: a
    # spreadsheet's merged cell (one 牵头单位 for several rows) keeps its text in its first row only
    above: "_TableRow | None" = None

    def add(self, column: int, offset: int, text: str) -> None:
        if text:
            self.cells.setdefault(column, []).append((offset, text))
            self.last = column


_NUMBER_HEADER = re.compile(r"^(序号|编号|No\.?)$", re.IGNORECASE)
_ROW_NUMBER = re.compile(r"^(?:\((\d{1,4})\)|(\d{1,4})[.、]?)$")  # 1, 1., 1、, (1)


def _cells(line: str, separator: str) -> list[tuple[int, str]]:
    """(offset in ``line``, text) of each cell; an empty cell is kept, so columns stay in place."""
    if separator == GAP:
        return [(match.start(), match.group(0)) for match in re.finditer(f"[^{GAP}\\s][^{GAP}]*(?<!\\s)", line)]
    cells, start = [], 0
    for piece in line.split(separator):
        stripped = piece.strip()
        cells.append((start + (piece.find(stripped) if stripped else 0), stripped))
        start += len(piece) + len(separator)
    if separator == "|" and cells and not cells[0][1]:  # | 1 | 任务 | …: the outer bars
        cells = cells[1:-1] if not cells[-1][1] else cells[1:]
    return cells


def _screen_span(source: SourceText, start: int, text: str) -> tuple[int, int]:
    """The screen columns a cell covers on its line, counted in the original file (a Chinese
    character is two columns wide, as the tool that aligned the table counted it)."""
    raw_start = source.to_source(start)
    line_start = source.raw.rfind("\n", 0, raw_start) + 1
    left = _width(source.raw[line_start:raw_start])
    return left, left + _width(source.raw[raw_start:source.to_source(start + len(text) - 1) + 1])


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_of(span: tuple[int, int], spans: list[tuple[int, int]]) -> int:
    """The header cell a cell lies under: the one it overlaps most, else the nearest by its middle."""
    overlaps = [min(span[1], right) - max(span[0], left) for left, right in spans]
    best = max(range(len(spans)), key=lambda i: (overlaps[i], -i))
    if overlaps[best] > 0:
        return best
    middle = (span[0] + span[1]) / 2
    return min(range(len(spans)), key=lambda i: (abs((spans[i][0] + spans[i][1]) / 2 - middle), i))


def _table_layout(line: str, source: SourceText | None = None, line_start: int = 0) -> _TableLayout | None:
    """The layout a header row names, or None when ``line`` is not one."""
    separator = GAP if GAP in line else "\t" if "\t" in line else "|" if line.count("|") >= 2 else None
    if separator is None:
        return None
    cells = _cells(line, separator)
    headers = [text.replace(" ", "") for _, text in cells]
    roles, tasks = table_columns(headers)
    if not roles:
        return None
    number = next((index for index, header in enumerate(headers) if _NUMBER_HEADER.match(header)), None)
    spans = [_screen_span(source, line_start + offset, text) for offset, text in cells] \
        if separator == GAP and source is not None else []
    measures = read_yaml("roles.yaml")["table_measure_headers"]
    measure = next((index for index, header in enumerate(headers) if header in measures), None)
    return _TableLayout(separator, number, tasks, roles, len(cells), spans=spans, deadlines=deadline_columns(headers),
                        measure=measure)


def _sub_header(layout: _TableLayout, line: str) -> _TableLayout | None:
    """The layout a second header row makes of ``layout``: a header over two rows, 责任单位 spanning
    牵头单位 | 配合单位 below it. The role labels of ``line`` name their columns; None when it names none
    (or the table is aligned with spaces, whose columns the first row's spans give).

    >>> layout = _table_layout("序号\\t重点任务\\t责任单位\\t\\t完成时限")
    >>> [(c, label) for c, label in _sub_header(layout, "\\t\\t牵头单位\\t配合单位\\t").roles]
    [(2, '牵头单位'), (3, '配合单位')]
    """
    if layout.separator == GAP:
        return None
    cells = [text.replace(" ", "") for _, text in _cells(line, layout.separator)]
    labelled = [(index, role_label_of(text)) for index, text in enumerate(cells) if text and role_label_of(text)]
    headed = {*layout.tasks, layout.number, layout.measure, *(column for column, _ in layout.deadlines)}
    other_words = [index for index, text in enumerate(cells)
                   if text and not role_label_of(text) and index not in headed]
    if not labelled or other_words:  # a row with words under no header of its own is no second header
        return None
    columns = {index for index, _ in labelled}
    roles = sorted([(c, label) for c, label in layout.roles if c not in columns] + labelled)
    return _TableLayout(layout.separator, layout.number, [t for t in layout.tasks if t not in columns], roles,
                        max(layout.count, len(cells)), deadlines=layout.deadlines, spans=layout.spans,
                        measure=layout.measure)


def _line_cells(line: str, layout: _TableLayout, line_start: int, source: SourceText) -> list[tuple[int, int, str]]:
    """(column, offset in the document, text) of each non-empty cell of a table line."""
    cells = _cells(line, layout.separator)
    if layout.separator != GAP:
        return [(column, line_start + offset, text) for column, (offset, text) in enumerate(cells) if text]
    return [(_column_of(_screen_span(source, line_start + offset, text), layout.spans), line_start + offset, text)
            for offset, text in cells]


def _starts_row(cells: list[tuple[int, int, str]], layout: _TableLayout) -> str | None:
    """The row number a table line starts a row with, or None when it continues the row above
    (or is no row). A table with no 序号 column starts a row at every line with a task."""
    by_column = {column: text for column, _, text in cells}
    if layout.number is None:
        task = "".join(by_column.get(column, "") for column in layout.tasks)
        return "" if re.search(r"[\u4e00-\u9fff]", task) else None
    number = _ROW_NUMBER.match(by_column.get(layout.number, ""))
    return (number.group(1) or number.group(2)) if number else None


def _continues_row(row: _TableRow, line: str, cells: list[tuple[int, int, str]], layout: _TableLayout,
                   source: SourceText) -> bool:
    """Whether a line that starts no row goes on with the row above, rather than being text after the
    table (注:…, a paragraph): a line of cells; a spreadsheet's quoted cell still open; in a
    space-aligned table, a piece that stays within its column."""
    if layout.separator == GAP:
        if GAP in line:
            return True
        column, offset, text = cells[0]
        following = [left for left, _ in layout.spans[column + 1:]]
        return not following or _screen_span(source, offset, text)[1] <= following[0] + 2
    if layout.separator in line:
        return True
    return _open_quote(row) or _wrapped_task(row, line, layout)


def _open_quote(row: _TableRow) -> bool:
    """Whether the cell the row's last piece went to is a spreadsheet's quoted cell still open."""
    return "".join(text for _, text in row.cells.get(row.last, ())).count('"') % 2 == 1


def _wrapped_task(row: _TableRow, line: str, layout: _TableLayout) -> bool:
    """Whether a line of no cells is the row's task text wrapped onto it (…社会消费品零售总额 / 增长6%左右):
    the task's text is cut off (no 。 ends it) and the line is short and no note (注:…)."""
    task = "".join(text for column in layout.tasks[:1] for _, text in row.cells.get(column, ()))
    return bool(task) and not task.rstrip().endswith(("。", ";", "!", "?")) and len(line.strip()) <= 30 \
        and not re.search("[:：]", line)


def _continue_row(row: _TableRow, line: str, cells: list[tuple[int, int, str]], layout: _TableLayout) -> None:
    """Add a continuation line's cells to ``row``. A space-aligned or full line puts each cell in
    its column; a spreadsheet's multi-line cell goes on where the line above stopped; a line of no
    cells under a cut-off task goes on with the task."""
    if layout.separator != GAP and layout.separator not in line and not _open_quote(row) and layout.tasks:
        cells = [(layout.tasks[0], offset, text) for _, offset, text in cells]
    elif layout.separator != GAP and not line.startswith(layout.separator) and len(_cells(line, layout.separator)) < layout.count:
        columns = range(row.last, row.last + len(cells))
        cells = [(column, offset, text) for column, (_, offset, text) in zip(columns, cells)]
    for column, offset, text in cells:
        row.add(column, offset, text)


def _unquote(offset: int, text: str) -> tuple[int, str]:
    """A spreadsheet's quotes around a cell ("市财政局,市统计局") or a multi-line cell ("推动…\n…发展")
    are not text."""
    if len(text) >= 2 and text[0] == text[-1] == '"' and text.count('"') % 2 == 0:
        return offset + 1, text[1:-1]
    if text.count('"') % 2 == 1:
        if text.startswith('"'):
            return offset + 1, text[1:]
        if text.endswith('"'):
            return offset, text[:-1]
    return offset, text


_PART_CELL = re.compile(f"^([{CN_NUM}]{{1,3}})\\s*[、.]?\\s*(.*)$")


def _table_part(cells: list[tuple[int, int, str]], layout: _TableLayout) -> tuple[str, str, int] | None:
    """(numeral, title, the title's offset) of a table line (its cells) that heads a part: a Chinese
    numeral in its first cell (| 一 | 扩大有效需求 | | | or | 一、扩大有效需求 | | |) and no unit in a
    role column."""
    role_columns = {column for column, _ in layout.roles}
    if not cells or any(column in role_columns for column, _, _ in cells):
        return None
    _, offset, first = cells[0]
    match = _PART_CELL.match(first)
    if match is None:
        return None
    if match.group(2):
        return match.group(1), match.group(2), offset + match.start(2)
    if len(cells) > 1:
        return match.group(1), cells[1][2], cells[1][1]
    return None


def _row_block(row: _TableRow, layout: _TableLayout) -> _Block | None:
    """A table row as an item block whose text is ``task(牵头单位:X;责任单位:Y;完成时限:Z)``, or None when it
    has no task.

    The block's pieces map each line's piece of the task and unit cells back to the document, so
    the units and targets read from it keep their offsets; the labels between them are the header's.
    """
    def joined(column: int, text: str, pieces: list, holder: _TableRow = row, cell: list | None = None) -> str:
        for offset, piece in cell if cell is not None else holder.cells.get(column, ()):
            offset, piece = _unquote(offset, piece)
            pieces.append((len(text), offset))
            text += piece
        return text

    pieces: list[tuple[int, int]] = []
    text = ""
    measure = _row_measure(row, layout)
    figures = False  # whether a cell joined already holds a figure
    for column in layout.tasks:  # 提振消费 | 社会消费品零售总额增长5%: one text, one sentence a column
        cell = row.cells.get(column)
        # …, but an indicator and its figure (地区生产总值增长 | 6.5%左右) are one phrase, and the figures of
        # two target columns (预期目标 | 力争目标: 6 | 6.5) two of its targets (地区生产总值增速6%、6.5%)
        if text and cell and cell[0][1][:1].isdigit() and figures:
            text += "、"
        elif text and cell and not text.endswith(("。", ";", ",", ":", "!", "?")) and not cell[0][1][:1].isdigit():
            text += "。"
        # an indicator table's 单位 column: its measure goes after the figure of each target cell (6 | % → 6%)
        measured = _with_measure(cell, measure) if measure and cell and column != layout.tasks[0] else None
        text = joined(column, text, pieces, cell=measured)
        figures = figures or (column != layout.tasks[0] and any(re.search(r"\d", piece) for _, piece in cell or ()))
    if not re.search(r"[\u4e00-\u9fff]", text):
        return None
    owner = row if any(row.cells.get(column) for column, _ in layout.roles) else row.above
    clauses = [(owner, column, label) for column, label in layout.roles if owner and owner.cells.get(column)]
    if clauses:  # the deadline goes into the clause as its label: (牵头单位:X;完成时限:2026年12月)
        for column, label in layout.deadlines:
            holder = row if row.cells.get(column) else owner
            if holder.cells.get(column):
                clauses.append((holder, column, label))
        text += "("
        for index, (holder, column, label) in enumerate(clauses):
            text = joined(column, text + (";" if index else "") + label + ":", pieces, holder)
        text += ")"
    return _Block("item", int(row.numeral), row.numeral, text, pieces[0][1], row.line,
                  part_index=row.part_index, pieces=pieces)


def _bullet_of(block: _Block | None, line: str) -> bool:
    """Whether a ``——`` line is a bullet of the open item (1.实施攻坚行动: / ——新开工项目300个;), not a
    subheading over the items after it (——扩大有效投资, ——稳定外贸外资。): the item still waits for its
    role clause, and it opened a list with its colon or a bullet already goes on it."""
    if block is None or block.kind not in ("item", "point") or is_complete(block.text):
        return False
    text = block.text.rstrip()
    return text.endswith((":", "：")) or ("——" in text and text.endswith((";", "；", ",", "，")))


def _has_divisions(text: str) -> bool:
    """Whether the plan parts itself twice, numbering its parts 一、二、 again under a later 第X部分
    (篇, 章) (荆州: 第一部分 …, 第二部分 一、二、): then the 第X部分 are divisions over the parts. Parts
    numbered straight through the divisions (第一部分 一、二、 第二部分 三、四、) need none."""
    divisions = 0
    for line in text.split("\n"):
        match = _PART.match(line.strip())
        if match and match.group(2):
            divisions += 1
        elif match and divisions >= 2 and "。" not in line and _part_number(match.group(1)) == 1:
            return True
    return False


def _row_measure(row: _TableRow, layout: _TableLayout) -> tuple[int, str] | None:
    """(offset, text) of a row's cell in an indicator table's 单位 column: a short measure (%, 万人,
    亿元), never a unit's name (a table whose 单位 column names who is responsible)."""
    if layout.measure is None or not row.cells.get(layout.measure):
        return None
    offset, text = _unquote(*row.cells[layout.measure][0])
    if not text or len(text) > 8 or re.search(r"\d", text) or (len(text) > 2 and org_suffix(text)) \
            or not re.search(r"[^\W\d_]|[%‰℃]", text) or text in ("无", "暂无"):  # -, /, 无: no measure
        return None
    return offset, text


def _with_measure(cell: list[tuple[int, str]], measure: tuple[int, str]) -> list[tuple[int, str]] | None:
    """A target cell's pieces with the measure of its row put after its figure (6 → 6%, 不低于6.5 →
    不低于6.5%, 22左右 → 22万人左右; :func:`kg.extract.quantities.measure_at`), or None when the cell holds
    no figure or writes its measure already. The measure is written in the cell, not read from it: each
    of its characters maps to the figure's last one, so a target read from the cell spans its figure
    (start before end) and no offset points back at the 单位 column.

    >>> _with_measure([(10, "6左右")], (5, "%")), _with_measure([(10, "6.5%")], (5, "%"))
    ([(10, '6'), (10, '%'), (11, '左右')], None)
    >>> _with_measure([(10, "较2024年增长4.2")], (5, "万人"))[-2:], _with_measure([(10, "2025年")], (5, "%"))
    ([(20, '万'), (20, '人')], None)
    """
    index = max((i for i, (_, piece) in enumerate(cell) if re.search(r"\d", piece)), default=None)
    if index is None:
        return None
    offset, text = _unquote(*cell[index])
    cuts = measure_at(text, measure[1])
    if not cuts:
        return None  # no figure, or one with its measure (6.5%) or counting something else (2025年, 6个)
    pieces, last = [], 0
    for cut in cuts:  # the measure's characters zero width, at the figure's last one
        pieces += [(offset + last, text[last:cut])] + [(offset + cut - 1, character) for character in measure[1]]
        last = cut
    pieces += [(offset + last, text[last:])] if text[last:] else []
    return cell[:index] + pieces + cell[index + 1:]


def segment_plan(source: SourceText) -> PlanStructure:
    """Split a plan into parts, sections and items (see the module docstring)."""
    text = source.text
    blocks: list[_Block] = []
    problems: list[Problem] = []
    current: _Block | None = None
    parts: list[_Block] = []
    in_appendix = False
    preamble_end = None
    table: _TableLayout | None = None  # a responsibility table's columns, once its header row is read
    row: _TableRow | None = None  # the table row being read
    item_form = _item_form(text)
    part_form = _DECIMAL_PART if item_form is _DECIMAL_ITEM else _PART
    divisions = part_form is _PART and _has_divisions(text)
    division: _Block | None = None  # the 第X部分 being read, when the plan has divisions

    def close(block: _Block | None, end: int) -> None:
        if block is not None and not block.end:
            block.end = end

    for start, raw_line in iter_lines(text):
        marker = _MARKER.match(raw_line)
        line = raw_line[marker.end():].rstrip()
        content_start = start + marker.end()
        if not line.strip():
            continue
        line = line.strip()
        if _APPENDIX.match(line):
            in_appendix = True
            close(current, start)
            current = None
            continue
        part_match = part_form.match(line)
        title_start = content_start + part_match.start(3) if part_match else 0
        cells = _line_cells(raw_line, table, start, source) if table is not None else []
        table_part = _table_part(cells, table) if table is not None and not part_match else None
        if table_part is not None:  # | 一 | 扩大有效需求 | | |: a part heading inside the table
            numeral, title, title_start = table_part
            line = f"{numeral}、{title}"
            part_match = _PART.match(line)
        if part_match and "。" not in line and len(line) <= 40:
            numeral = part_match.group(1) or part_match.group(2)
            number = _part_number(numeral)
            is_division = divisions and bool(part_match.group(2))
            if is_division:
                expected = sum(1 for b in parts if not b.division) + 1
            elif division is not None:  # parts are numbered within their division
                expected = sum(1 for b in parts if b.division == division.numeral) + 1
            else:
                expected = len(parts) + 1
            if number == 1 or number == expected:
                if number == 1 and parts and (is_division or not divisions):
                    # a second "一、": what came before was preamble (a notice's own numbered points)
                    if not any(b.kind in ("item", "paren") for b in blocks if b.part_index >= 0):
                        blocks.clear()
                        parts.clear()
                close(current, start)
                # 三、保障措施: how the plan is carried out, no tasks (read like an appendix: skipped)
                in_appendix = _is_requirements(part_match.group(3))
                current = _Block("part", number, numeral, part_match.group(3).strip(),
                                 content_start, source.line_of(content_start), part_index=len(parts),
                                 pieces=[(0, title_start)])
                if is_division:
                    division = current
                elif division is not None:
                    current.division = division.numeral
                if preamble_end is None or not parts:
                    preamble_end = start
                parts.append(current)
                blocks.append(current)
                continue
        if table_part is not None:
            continue  # a part row out of sequence: no task, and no text of the row above
        if not in_appendix:
            layout = _table_layout(raw_line, source, start)
            if layout is not None:
                table, row = layout, None
                close(current, start)
                current = None
                continue
            if table is not None:
                numeral = _starts_row(cells, table)
                below = _sub_header(table, raw_line) if row is None and numeral is None else None
                if below is not None:  # 责任单位 over 牵头单位 | 配合单位: the roles are the second row's
                    table = below
                    continue
                if numeral is not None:
                    if not parts:  # a table under no part heading: one part without a number
                        parts.append(_Block("part", 1, "", "", start, source.line_of(start), part_index=0))
                        blocks.append(parts[0])
                        preamble_end = start
                    above = row if row is not None and row.part_index == len(parts) - 1 else None
                    if above is not None and not any(above.cells.get(column) for column, _ in table.roles):
                        above = above.above  # the merged cell's first row
                    row = _TableRow(numeral or str(_last_item_number(blocks, len(parts) - 1) + 1), start,
                                    source.line_of(start), len(parts) - 1, above=above)
                    for column, offset, cell in cells:
                        row.add(column, offset, cell)
                    block = _row_block(row, table)
                    if block is not None:
                        close(current, start)
                        current = block
                        blocks.append(block)
                        continue
                    row = None
                elif row is not None and current is not None and blocks and blocks[-1] is current and cells \
                        and table.number is not None and not _PART.match(line) and not _SECTION.match(line) \
                        and _continues_row(row, raw_line, cells, table, source):
                    _continue_row(row, raw_line, cells, table)
                    block = _row_block(row, table)
                    blocks[-1] = current = block
                    continue
        if not parts or in_appendix:
            continue
        part_index = len(parts) - 1
        section_match = _SECTION.match(line)
        if section_match:
            close(current, start)
            current = _Block("paren", chinese_to_int(section_match.group(1)), section_match.group(1),
                             section_match.group(2), content_start, source.line_of(content_start),
                             part_index=part_index, pieces=[(0, content_start + section_match.start(2))])
            blocks.append(current)
            continue
        sub_match = _SUBHEADING.match(line)
        if sub_match and len(line) <= 60 and not _bullet_of(current, line):
            close(current, start)
            current = _Block("sub", 0, "", sub_match.group(1).strip(), content_start,
                             source.line_of(content_start), part_index=part_index)
            blocks.append(current)
            continue
        item_match = item_form.match(line)
        if item_match:
            number = int(item_match.group(1))
            last_item = next((b for b in reversed(blocks) if b.kind == "item"), None)  # blocks are in order
            in_this_part = last_item is not None and last_item.part_index == part_index
            expected = last_item.number + 1 if in_this_part else 1
            if part_index > 0 and not in_this_part:
                # a part's items start at 1, or continue the numbering of the parts before (成都, 广州)
                expected_alternatives = {1} | ({last_item.number + 1} if last_item is not None else set())
            elif in_this_part and next((b.kind == "paren" for b in reversed(blocks) if b.kind in ("item", "paren")),
                                       False):
                # a section ((二)…) opened since the last item: its items start at 1 or go on
                expected_alternatives = {1, expected}
            else:
                expected_alternatives = {expected}
            pending = current is not None and current.kind in ("item", "paren") and not is_complete(current.text)
            # an open role clause never continues with "5. 新增…": the pending item was cut off
            cut_off = pending and _has_open_role_clause(current.text) and number > (current.number or 0) \
                and bool(item_match.group(2).strip())
            if number in expected_alternatives or not pending or cut_off:
                if number not in expected_alternatives and not (part_index > 0 and not in_this_part):
                    problems.append(Problem(source.line_of(content_start),
                                            f"item {number} out of order (expected {expected})"))
                close(current, start)
                current = _Block("item", number, item_match.group(1), item_match.group(2),
                                 content_start, source.line_of(content_start), part_index=part_index,
                                 pieces=[(0, content_start + item_match.start(2))])
                blocks.append(current)
                continue
        point = _POINT.match(line) if item_form is not _ITEM_FORMS[1] else None
        if point and current is not None and current.kind in ("item", "point"):
            close(current, start)
            current = _Block("point", int(point.group(1)), point.group(1), line, content_start,
                             source.line_of(content_start), part_index=part_index, pieces=[(0, content_start)],
                             parent=current if current.kind == "item" else current.parent)
            blocks.append(current)
            continue
        if _TABLE_ROW.search(raw_line):
            close(current, start)
            current = None
            continue
        # a continuation line: wrapped text of the open block
        # (not a wrapped decimal: "5.4万套" goes on the line above)
        if item_match and current is not None and current.kind in ("item", "paren") \
                and not item_match.group(2)[:1].isdigit():
            problems.append(Problem(source.line_of(content_start),
                                    f"item {item_match.group(1)} out of order: read as the text of the block above"))
            current.took_item = True
        if current is not None and current.kind in ("item", "point", "paren", "sub", "part"):
            found = find_role_clause(current.text) if current.kind in ("item", "point", "paren") else None
            if found is not None and found.closed and not _continues_label_run(found, line):
                close(current, start)
                current = None
                if find_role_clause(line) is not None:  # units named after a whole item: say so, never drop them
                    problems.append(Problem(source.line_of(content_start),
                                            "a role clause outside any numbered item; not read as a task"))
                continue
            current.append(line, start + marker.end() + (len(raw_line[marker.end():]) - len(raw_line[marker.end():].lstrip())))
            current.end = 0
    close(current, len(text))

    return _assemble(source, parts, blocks, problems, text[:preamble_end or 0])


def _last_item_number(blocks: list[_Block], part_index: int) -> int:
    return next((b.number for b in reversed(blocks) if b.kind == "item" and b.part_index == part_index), 0)


def _points_as_tasks(blocks: list[_Block], parts: list[_Block], problems: list[Problem]) -> list[_Block]:
    """Resolve the points of each item: when every point names its units ((1)…(牵头单位:X) on a line of
    its own), each point is a task and the item, naming none of its own, only heads them; otherwise the
    points are the item's text (1.推进…:(1)新开工…;(2)完成…。(牵头单位:X) is one task)."""
    points: dict[int, list[_Block]] = {}
    for block in blocks:
        if block.kind == "point":
            points.setdefault(id(block.parent), []).append(block)
    resolved, as_tasks = [], set()  # as_tasks: the items whose points are tasks (an item precedes its points)
    for block in blocks:
        if block.kind == "point":
            if id(block.parent) in as_tasks:
                resolved.append(block)
            continue
        own = points.get(id(block))
        if own and all(find_role_clause(point.text) is not None for point in own):
            if find_role_clause(block.text) is None:
                block.kind = "point-parent"  # a heading only: its points are the tasks
            as_tasks.add(id(block))
            resolved.append(block)
            continue
        if own and find_role_clause(block.text) is not None:  # 1.…(牵头单位:X) then (1)… naming no unit
            part = parts[block.part_index]
            code = f"{part.division}.{part.numeral}.{block.numeral}".lstrip(".")
            problems.append(Problem(own[0].line, f"item {code}: points ({own[0].numeral})…({own[-1].numeral}) "
                                                 f"after its role clause name no unit; read as no task"))
        elif own:  # the points are the item's text, as if they were wrapped lines
            for point in own:
                for index, (offset, document_offset) in enumerate(point.pieces):
                    following = point.pieces[index + 1][0] if index + 1 < len(point.pieces) else len(point.text)
                    block.append(point.text[offset:following], document_offset)
            block.end = own[-1].end
        resolved.append(block)
    return resolved


def _numbered_in_sections(blocks: list[_Block]) -> bool:
    """Whether the plan numbers its items within each section: an item 1 again after a section
    opened in the same part ((一)1.2. (二)1.2.), so a task's code needs its section (一.(二).1)."""
    seen, section_since = set(), False
    for block in blocks:
        if block.kind == "paren":
            section_since = True
        elif block.kind == "item":
            if block.number == 1 and block.part_index in seen and section_since:
                return True
            seen.add(block.part_index)
            section_since = False
    return False


def _without_prefix(block: _Block, length: int) -> _Block:
    """``block`` without the first ``length`` characters of its text (a point's ``(2)``)."""
    pieces = [(0, block.pieces[0][1] + length)] + [(offset - length, document) for offset, document in block.pieces[1:]]
    return _Block(block.kind, block.number, block.numeral, block.text[length:], block.start + length, block.line,
                  end=block.end, part_index=block.part_index, pieces=pieces, parent=block.parent)


def _is_section(block: _Block, has_arabic: set[int]) -> bool:
    """A (一) heading over numbered items, not an item of a part numbered (一)(二)…."""
    return block.kind == "paren" and block.part_index in has_arabic


def _sections_over_bare_items(blocks: list[_Block], has_arabic: set[int]) -> set[int]:
    """Indexes of the section headings that name units ((二)提振消费。(牵头单位:X)) over at least one
    item that names none: their clause is those items' clause, and the heading is no task of its own
    unless it states figures of its own."""
    found: set[int] = set()
    for index, block in enumerate(blocks):
        if not _is_section(block, has_arabic) or block.took_item or find_role_clause(block.text) is None:
            continue
        for later in blocks[index + 1:]:
            if later.kind == "part" or _is_section(later, has_arabic):
                break
            if later.kind in ("item", "point") and find_role_clause(later.text) is None:
                found.add(index)
                break
    return found


def _clause_pieces(block: _Block, clause: RoleClause) -> list[tuple[int, int]]:
    """``block.pieces`` for the text of ``clause`` alone: (offset in the clause, offset in the document)."""
    pieces = block.pieces or [(0, block.start)]
    first = max((p for p in pieces if p[0] <= clause.start), default=pieces[0])
    return [(0, first[1] + clause.start - first[0])] + [
        (offset - clause.start, document) for offset, document in pieces if clause.start < offset < clause.end]


def _units_of_heading(block: _Block) -> list[UnitMention]:
    """The units a part or section heading consists of, with offsets into the document ([] for a topic)."""
    start = block.pieces[0][1] if block.pieces else block.start
    return [UnitMention(name=m.name, start=start + m.start, end=start + m.end) for m in heading_units(block.text)]


def _assemble(source, parts, blocks, problems, preamble) -> PlanStructure:
    blocks = _points_as_tasks(blocks, parts, problems)
    plan_parts = [PlanPart(i + 1, b.numeral, b.text, b.start, b.line, b.division) for i, b in enumerate(parts)]
    has_arabic = {b.part_index for b in blocks if b.kind == "item"}
    numbered_in_sections = _numbered_in_sections(blocks)
    sections: list[PlanSection] = []
    items: list[PlanItem] = []
    section: PlanSection | None = None
    subheading = ""
    seen_codes: set[str] = set()
    # units of a heading that is nothing but units (一、市商务局), with their offsets: they lead its tasks
    part_units = [_units_of_heading(b) for b in parts]
    section_units: list = []
    over_bare_items = _sections_over_bare_items(blocks, has_arabic)
    section_clause: tuple[str, list] | None = None  # (text, pieces) of a heading's clause its bare items take
    for index, block in enumerate(blocks):
        if block.kind == "part":
            section, subheading, section_units, section_clause = None, "", [], None
            continue
        part = plan_parts[block.part_index]
        if block.kind == "sub":
            subheading = block.text.rstrip("。.")
            continue
        if _is_section(block, has_arabic):
            known = next((s for s in sections if (s.part_number, s.number) == (part.number, block.number)), None)
            if known is not None:  # a repeated (一): its items go on under the section already opened
                problems.append(Problem(block.line, f"section {part.code}.({block.numeral}) appears twice; "
                                                    f"its items are kept under the first"))
                section = known
            else:
                section = PlanSection(part.number, block.number, block.numeral, block.text, block.start, block.line)
                sections.append(section)
            subheading, section_units, section_clause = "", _units_of_heading(block), None
            if index in over_bare_items:
                clause = find_role_clause(block.text)
                section_clause = (block.text[clause.start:clause.end], _clause_pieces(block, clause))
                if not re.search(r"\d", block.text[:clause.start]):
                    continue  # a heading only: (二)提振消费。(牵头单位:X) over its items
                # (一)…完成固定资产投资1200亿元,增长8%。(牵头单位:X): its own figures make it a task too
            if find_role_clause(block.text) is None or block.took_item:
                continue
            # (三)推动…。(牵头单位:X): the section names its units, so it is a task of its own
            # (not when they are those of an item read into it)
        if block.kind == "point-parent":
            continue  # its points are the tasks
        if section is not None and section.part_number != part.number:
            section, section_units, section_clause = None, [], None
        heading = section_units or part_units[block.part_index]
        numeral = block.numeral
        if block.kind == "point":  # 一.1(2): the point's own text, without its (2)
            numeral = f"{block.parent.numeral}({block.numeral})"
            block = _without_prefix(block, _POINT.match(block.text).end())
        section_task = _is_section(block, has_arabic)
        in_section = section is not None and numbered_in_sections and not section_task
        if section_task:
            numeral = f"({block.numeral})"
        elif in_section:
            numeral = f"({section.numeral}).{numeral}"
        code = f"{part.code}.{numeral}" if part.numeral else numeral
        if code in seen_codes:
            problems.append(Problem(block.line, f"item {code} appears twice; the later one is kept as {code}'"))
            code += "'"
        seen_codes.add(code)
        clause = find_role_clause(block.text)
        if clause is None:
            body, role_clause, role_sentence, body_start = block.text.strip(), None, None, 0
            if not heading and section_clause is None:
                problems.append(Problem(block.line, f"item {code} names no responsible unit (cut off?); item left out"))
        elif clause.leading:
            body_start = clause.end + 1
            while body_start < len(block.text) and block.text[body_start] in " 。:：":
                body_start += 1
            body = block.text[body_start:].strip()
            role_clause, role_sentence = block.text[clause.start:clause.end], None
        else:
            head = block.text[:clause.start - 1 if clause.bracketed else clause.start]
            body = head.rstrip().rstrip("—")  # 推进健康城市建设。——责任单位:X
            body_start = 0
            role_clause = block.text[clause.start:clause.end]
            role_sentence = block.text[clause.sentence[0]:clause.sentence[1]] if clause.sentence else None
            if clause.bracketed and not clause.closed:
                problems.append(Problem(block.line, f"item {code}: unbalanced bracket in its role clause"))
        if not body.strip():
            problems.append(Problem(block.line, f"item {code} has no text, only its role clause; item left out"))
            continue
        point = block.number if block.kind == "point" else None
        items.append(PlanItem(
            code=code, part_number=part.number, item_number=block.parent.number if point else block.number,
            point_number=point,
            number_as_printed=block.numeral, body=body, role_clause=role_clause, role_sentence=role_sentence,
            body_start=body_start,
            start=block.start, end=block.end or block.start + len(block.text), line=block.line,
            part_title=part.title,
            section_number=section.number if section else None,
            section_code=f"{part.code}.({section.numeral})" if section else None,
            section_title=section.title if section else "",
            subheading=block.parent.text.rstrip("。:: ") if point and block.parent.kind == "point-parent"
            else subheading if section or block.kind == "item" else "",
            pieces=list(block.pieces), full_text=block.text, heading_units=list(heading),
            numbered_in_section=in_section, section_task=section_task,
            section_clause=section_clause[0] if section_clause and clause is None else None,
            section_clause_pieces=list(section_clause[1]) if section_clause and clause is None else [],
        ))
    return PlanStructure(plan_parts, sections, items, preamble, problems)

"""Read a document: bytes -> decoded text -> normalised text, with a map back.

Every later stage works on the normalised text; offsets it reports are turned
back into offsets in the decoded original with :meth:`SourceText.to_source`,
so a passage in the graph points at the characters a person can find in the
file they gave us.

Normalisation repairs what PDF and web exports do to Chinese documents:
full-width ASCII forms, CRLF, page numbers cut into words (``市教—4—育局``,
``责任 30 —单位``), spaces inside words (``牵 头单位``), split decimals
(``5. 4 万``), ``PM_{2.5}``, list markers (``- ``, ``^{——}``) and website
banners.
"""

from __future__ import annotations

import bisect
import codecs
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

CJK = r"\u3400-\u9fff\uf900-\ufaff"


class OffsetMap:
    """Piecewise map from positions in a rewritten text to positions in the text it came from.

    Stored as segments, not one integer per character, so memory stays small
    for large inputs.  Each segment is ``(new_start, old_start, old_len, copied)``;
    a copied segment maps one to one, a replaced one maps every new character
    to the span it replaced (start, clamped to its length).

    >>> m = OffsetMap.from_edits(10, [(2, 5, "x")])   # "abCDEfghij" -> "abxfghij"
    >>> [m(i) for i in range(5)]
    [0, 1, 2, 5, 6]
    """

    __slots__ = ("_new_starts", "_segments", "_length")

    def __init__(self, segments: list[tuple[int, int, int, bool]], length: int):
        self._segments = segments
        self._new_starts = [s[0] for s in segments]
        self._length = length

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        return cls([(0, 0, length, True)], length)

    @classmethod
    def from_edits(cls, old_length: int, edits: list[tuple[int, int, str]]) -> "OffsetMap":
        """Build the map of applying ``edits`` (sorted, non-overlapping ``(start, end, replacement)``)."""
        segments: list[tuple[int, int, int, bool]] = []
        new_pos = old_pos = 0
        for start, end, replacement in edits:
            if start > old_pos:
                segments.append((new_pos, old_pos, start - old_pos, True))
                new_pos += start - old_pos
            if replacement:
                segments.append((new_pos, start, max(end - start, 1), len(replacement) == end - start))
                new_pos += len(replacement)
            old_pos = end
        if old_pos < old_length or not segments:
            segments.append((new_pos, old_pos, old_length - old_pos, True))
            new_pos += old_length - old_pos
        return cls(segments, new_pos)

    def __call__(self, position: int) -> int:
        if position <= 0:
            return 0
        index = bisect.bisect_right(self._new_starts, position) - 1
        new_start, old_start, old_len, copied = self._segments[index]
        delta = position - new_start
        if copied:
            return old_start + delta
        return old_start + min(delta, old_len)


def rewrite(text: str, pattern: re.Pattern, replace) -> tuple[str, OffsetMap]:
    """``pattern.sub`` that also returns the :class:`OffsetMap` of the rewrite."""
    edits: list[tuple[int, int, str]] = []
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        replacement = replace(match) if callable(replace) else match.expand(replace)
        if replacement == match.group(0):
            continue
        pieces.append(text[last:match.start()])
        pieces.append(replacement)
        edits.append((match.start(), match.end(), replacement))
        last = match.end()
    if not edits:
        return text, OffsetMap.identity(len(text))
    pieces.append(text[last:])
    return "".join(pieces), OffsetMap.from_edits(len(text), edits)


@dataclass
class SourceText:
    """A document as read: its original decoded text and the normalised text the stages use."""

    path: str
    raw: str
    text: str
    encoding: str
    maps: list[OffsetMap] = field(default_factory=list, repr=False)

    @property
    def name(self) -> str:
        return Path(self.path).name

    def to_source(self, position: int) -> int:
        """Offset in the decoded original for an offset in :attr:`text`."""
        for offset_map in reversed(self.maps):
            position = offset_map(position)
        return min(position, len(self.raw))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            s = self.to_source(start)
            return s, s
        return self.to_source(start), self.to_source(end - 1) + 1

    def line_of(self, position: int) -> int:
        """1-based line number, in the original file, of a normalised offset (LF, CRLF or CR line ends)."""
        end = self.to_source(position)
        lines = self.raw.count("\n", 0, end) + 1
        if "\r" in self.raw:  # old Mac line ends (CR alone) count too
            lines += self.raw.count("\r", 0, end) - self.raw.count("\r\n", 0, end)
        return lines


# --- decoding ---------------------------------------------------------------

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not), UTF-16/32 with BOM, or GB18030 (a superset of GBK/GB2312).

    Raises :class:`InputError` for empty, binary or undecodable input.
    """
    if not data.strip():
        raise InputError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {encoding} after its byte-order mark ({exc.reason})") from None
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: the formats of Office 97-2003 and WPS
        raise InputError("an old Office or WPS file (.doc, .xls, .wps): save it as .docx, .xlsx or .txt")
    if b"\x00" in data[:4096]:
        raise InputError("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot decode as UTF-8 or GB18030 (byte {exc.start})") from None
    return text, "gb18030"


def check_text(text: str) -> None:
    """Refuse text that decoded but is not a document (control characters, no Chinese at all)."""
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    if controls > max(8, len(sample) // 100):
        raise InputError("binary file (control characters), not text")
    if not re.search(f"[{CJK}]", text):
        raise InputError("no Chinese text found")


# --- normalisation ------------------------------------------------------------

def _fullwidth(match: re.Match) -> str:
    ch = match.group(0)
    if ch == "\u3000":
        return " "
    return chr(ord(ch) - 0xFEE0)


def _starts_line(match: re.Match) -> bool:
    """Is the match at the start of a line, after nothing but a list marker?"""
    line_start = match.string.rfind("\n", 0, match.start()) + 1
    return not match.string[line_start:match.start()].strip(" \t-•·*")


_DIGITS = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | {"零": "0"}


def _arabic_date(match: re.Match) -> str:
    """二〇三〇年一月十二日 -> 2030年1月12日.

    >>> import re; _arabic_date(re.match("(二〇三〇)年(一)月(十二)日", "二〇三〇年一月十二日")), _arabic_date(re.match("(二〇二九)年()?()?", "二〇二九年"))
    ('2030年1月12日', '2029年')
    """
    from .numerals import chinese_to_int

    year, month, day = match.groups()
    text = "".join(_DIGITS[ch] for ch in year) + "年"
    if month:
        text += f"{chinese_to_int(month)}月" + (f"{chinese_to_int(day)}日" if day else "")
    return text


_STEPS: list[tuple[re.Pattern, object]] = [
    # CRLF and CR line ends
    (re.compile(r"\r\n?"), "\n"),
    # full-width ASCII forms and the ideographic space -> ASCII
    (re.compile("[\uff01-\uff5e\u3000]"), _fullwidth),
    # zero-width characters and NBSP
    (re.compile("[\u200b-\u200d\ufeff]"), ""),
    (re.compile("\u00a0"), " "),
    # LaTeX-ish exports: PM_{2.5} -> PM2.5, ^{——} -> ——
    (re.compile(r"[_^]\{([^{}\n]{1,12})\}"), r"\1"),
    # page numbers: "—4—" inside or at the end of a word, "30 —" at a line end
    (re.compile(f"(?<=[{CJK}])\\s*—\\s*\\d{{1,3}}\\s*—(?=\\s*$|[{CJK}])", re.M), ""),
    (re.compile(f"(?<=[{CJK}])[ \\t]+\\d{{1,3}}[ \\t]*—[ \\t]*$", re.M), ""),
    # a stand-alone page-number line ("- 12 -", "—12—")
    (re.compile(r"^[ \t]*[-—][ \t]*\d{1,3}[ \t]*[-—][ \t]*$", re.M), ""),
    # split decimals "5. 4 万" -> "5.4 万" (never at a line start, where "3. 4" is an item number); a number
    # is tried from its first digit only, so a long run of digits costs linear time
    (re.compile(r"(?<!\d)(\d+)\.[ \t]+(?=\d)"), lambda m: m.group(0) if _starts_line(m) else m.group(1) + "."),
    # spaces between CJK characters, and between CJK and digits/punctuation: "牵 头单位", "增长 6%"
    # (tabs stay: they separate the cells of a table, 序号\t重点任务\t牵头单位)
    (re.compile(f"(?<=[{CJK}\\d%。，、；：）(（)“”\"]) +(?=[{CJK}（(“”\"])"), ""),
    (re.compile(f"(?<=[{CJK}]) +(?=[\\d(（:：;；,，、.。])"), ""),
    (re.compile(f"(?<=[\\d]) +(?=[{CJK}%])"), ""),
    (re.compile(r"(?<=[:;,、(]) +"), ""),
    (re.compile(r" +(?=[:;,、)])"), ""),
    # Markdown: **一、** **扩大内需** bold marks (a table's part row) go; a <br> inside a cell parts its
    # lines as ; does (市发展改革委<br>市财政局: two units; …增长6%<br>举办…: two clauses)
    (re.compile(r"\*\*([^*\n]+?)\*\*"), r"\1"),
    (re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE),
     lambda m: "" if m.start() and m.string[m.start() - 1] in "。;；,，、" else ";"),
    # years and dates in Chinese numerals: 二〇三〇年一月十二日 -> 2030年1月12日 (a report's date and headings)
    (re.compile("((?:一九|二[〇零])[〇零一二三四五六七八九]{2})年(?:([一二三四五六七八九十]{1,3})月"
                "(?:([一二三四五六七八九十]{1,3})日)?)?"), _arabic_date),
]


# a column gap of a table aligned with spaces (pdftotext -layout, a web page's table as text)
GAP = "\u2003"
_SPACE_RUN = re.compile(r"(?<=\S) {2,}(?=\S)")
_GAP_STEP = 9  # after full-width forms (an ideographic space is a space then) and page numbers, before the space removals


def protect_table_gaps(text: str) -> str:
    r"""From the header row of a space-aligned responsibility table on, every run of two or more
    spaces between words becomes as many :data:`GAP` characters: the steps after this one delete
    spaces between Chinese words, which would join the cells of ``序号  重点任务  牵头单位``.
    One character for one, so offsets and columns stay where they were.

    A header row: three or more cells apart by runs of spaces that name a task column and a
    role column (:func:`kg.extract.roles.table_columns`).

    >>> protect_table_gaps("说明  两个空格\n序号  重点任务    牵头单位  责任单位\n1   新建基站   市工信局   市通信管理局").split("\n")[2]
    '1\u2003\u2003\u2003新建基站\u2003\u2003\u2003市工信局\u2003\u2003\u2003市通信管理局'
    """
    if "  " not in text:
        return text
    from .extract.roles import table_columns

    position = 0
    for line in text.split("\n"):
        if _SPACE_RUN.search(line):
            cells = _SPACE_RUN.split(line.strip())
            if len(cells) >= 3 and table_columns(cells)[0]:
                head = text[:position]
                return head + _SPACE_RUN.sub(lambda m: GAP * len(m.group(0)), text[position:])
        position += len(line) + 1
    return text


_CSV_STEP = 1  # after line ends, before full-width forms: a full-width ，is text, never a cell's end


_HEADER_CELL = 10  # the longest header cell of a CSV table, in characters (责任单位(部门), 重点工作任务)


def _header_cell(cell: str) -> bool:
    """Whether a CSV cell can head a column: short, and a whole phrase (its brackets closed)."""
    return 0 < len(cell) <= _HEADER_CELL and all(
        cell.count(opening) == cell.count(closing) for opening, closing in ("()", "（）", "【】"))


def _scan_csv(text: str, delimiter: str = ",") -> tuple[list[int], list[int]]:
    """Where ``text`` (CSV) has its separators, the delimiters (ASCII commas) outside double quotes, and
    its escaped quotes (the first of each "" inside quotes)."""
    commas, escaped, quoted, i = [], [], False, 0
    while i < len(text):
        if text[i] == '"':
            if quoted and text.startswith('"', i + 1):
                escaped.append(i)
                i += 1
            else:
                quoted = not quoted
        elif text[i] == delimiter and not quoted:
            commas.append(i)
        i += 1
    return commas, escaped


def _as_tabs(text: str, delimiter: str) -> str:
    """``text`` (CSV) with every delimiter outside double quotes a tab and the first quote of each ""
    inside quotes a space (removed later with the others between Chinese characters). One character
    for one, so offsets stay where they were."""
    characters = list(text)
    separators, escaped = _scan_csv(text, delimiter)
    for i in separators:
        characters[i] = "\t"
    for i in escaped:
        characters[i] = " "
    return "".join(characters)


CSV_DELIMITERS = ",;\t"  # what offices' exports separate cells with: Excel's comma, a European Excel's or an OA system's ;, tabs
_SEP_LINE = re.compile(r"\Asep=(.)\r?\n")  # Excel's hint line: sep=;
_SNIFF = 4096  # characters of a .csv file its separator is sniffed in: a header and dozens of rows


def csv_delimiter(text: str) -> str:
    r"""The cell separator of a CSV file: the one Excel's ``sep=`` line names, else the one of
    :data:`CSV_DELIMITERS` that :class:`csv.Sniffer` finds in the first lines, else the commonest of them.

    >>> csv_delimiter('序号;重点任务;牵头单位\n1;"扩大投资,稳定增长";市发改委\n'), csv_delimiter("sep=\t\n序号\t任务\n")
    (';', '\t')
    """
    import csv

    hint = _SEP_LINE.match(text)
    if hint and hint.group(1) in CSV_DELIMITERS:
        return hint.group(1)
    # the first lines only: the sniffer's regular expressions are quadratic in what they read (6 s on 32 KB of ,")
    sample = text[:_SNIFF].rsplit("\n", 1)[0] if len(text) > _SNIFF else text
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:  # too few lines, or none consistent: the separator written most
        return max(CSV_DELIMITERS, key=lambda d: (len(_scan_csv(sample, d)[0]), d == ","))


def csv_table(text: str) -> str:
    """A .csv file's text as the tab-separated table the plan reader reads (one character for one):
    separated by commas, semicolons or tabs (:func:`csv_delimiter`)."""
    return _as_tabs(text, csv_delimiter(text))


def _csv_cells(line: str) -> list[str]:
    """The cells of a comma-separated line."""
    bounds = [-1, *_scan_csv(line)[0], len(line)]
    return [line[start + 1:end] for start, end in zip(bounds, bounds[1:])]


def comma_separated_table(text: str) -> str:
    r"""From the header row of a responsibility table saved as CSV on, every ASCII comma outside
    double quotes becomes a tab, so the table is read as a tab-separated one. One character for one,
    so offsets stay where they were. A full-width ，(text inside a cell) is never a separator, and a
    quoted cell keeps its commas (and its line breaks) whole; a quote doubled inside it ("") becomes a
    space and a quote (the space is removed with the others between Chinese characters).

    A header row: three or more short cells (a sentence parted by commas is none) that name a task
    column and a role column (:func:`kg.extract.roles.table_columns`).

    >>> comma_separated_table('说明,不是表头\n序号,重点任务,牵头单位,责任单位\n1,扩大投资，稳定增长,市发改委,"市财政局,市统计局"').split("\n")
    ['说明,不是表头', '序号\t重点任务\t牵头单位\t责任单位', '1\t扩大投资，稳定增长\t市发改委\t"市财政局,市统计局"']
    >>> prose = "各牵头单位(无牵头单位的,责任单位即为牵头单位,下同)要细化工作任务,明确完成时限"
    >>> comma_separated_table(prose) == prose
    True
    """
    if "," not in text:
        return text
    from .extract.roles import table_columns

    position = 0
    for line in text.split("\n"):
        if line.count(",") >= 2 and "\t" not in line:
            cells = [cell.strip().strip('"') for cell in _csv_cells(line)]
            if len(cells) >= 3 and all(_header_cell(cell) for cell in cells) and table_columns(cells)[0]:
                return text[:position] + _as_tabs(text[position:], ",")
        position += len(line) + 1
    return text


# a saved web page: its tags go (a block's end is a line end, a table cell's start a tab, so a table
# reads as a tab-separated one), its entities are decoded, scripts and styles are dropped
_HTML = re.compile(r"<(?:!doctype\s+html|html|body|p|div|table|h[1-6])\b", re.IGNORECASE)  # not br: Markdown has it too
_HTML_STEPS: list[tuple[re.Pattern, object]] = [
    (re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL), ""),
    (re.compile(r"\s*</?(?:p|div|br|h[1-6]|li|tr|title|section|article|table|ul|ol|header|footer|head|body|html)\b[^>]*>\s*",
                re.IGNORECASE), "\n"),
    (re.compile(r"<t[dh]\b[^>]*>", re.IGNORECASE), "\t"),
    (re.compile(r"<[^>\n]+>"), ""),
    (re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,6}|#[xX][0-9a-fA-F]{1,5});"),
     lambda m: " " if m.group(0) in ("&nbsp;", "&#160;") else html.unescape(m.group(0))),
    (re.compile(r"\n{3,}"), "\n\n"),
]


def expand_table_spans(page: str) -> tuple[str, OffsetMap]:
    """A web page with each table cell that spans rows or columns (rowspan, colspan) written into every
    row and column it covers, so each row reads with all its cells in place: a lead unit merged down two
    rows leads both. A copy's text maps back to the cell it copies; the copies of a colspan are empty.

    >>> page = "<table><tr><td rowspan=2>A</td><td>1</td></tr><tr><td>2</td></tr></table>"
    >>> text, back = expand_table_spans(page)
    >>> text[text.index("</tr><tr>") + 9:]
    '<td>A</td><td>2</td></tr></table>'
    >>> page[back(text.index("</tr><tr>") + 13)]
    'A'
    """
    from html.parser import HTMLParser

    line_starts = [0] + [m.end() for m in re.finditer("\n", page)]
    insertions: list[tuple[int, int, int]] = []  # (where, inner start, inner end): a copy; inner start -1: empty

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=False)
            self.tables: list[dict] = []  # per open table: rows spanned from above, the row's cells

        def position(self) -> int:
            line, column = self.getpos()
            return line_starts[line - 1] + column

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append({"pending": {}, "cells": None})
            elif not self.tables:
                return
            elif tag == "tr":
                self.end_row(self.position())
                self.tables[-1]["cells"] = []
            elif tag in ("td", "th") and self.tables[-1]["cells"] is not None:
                self.end_cell(self.position())
                spans = dict(attrs)
                start = self.position() + len(self.get_starttag_text() or "")
                self.tables[-1]["cells"].append([self.position(), start, None, _span(spans.get("colspan")),
                                                 _span(spans.get("rowspan"))])

        def handle_endtag(self, tag):
            if not self.tables:
                return
            if tag in ("td", "th"):
                self.end_cell(self.position())
            elif tag == "tr":
                self.end_row(self.position())
            elif tag == "table":
                self.end_row(self.position())
                self.tables.pop()

        def end_cell(self, position):
            cells = self.tables[-1]["cells"]
            if cells and cells[-1][2] is None:
                cells[-1][2] = position

        def end_row(self, position):
            table = self.tables[-1]
            cells, pending = table["cells"], table["pending"]
            if cells is None:
                return
            self.end_cell(position)
            column, below = 0, {}
            for tag_start, inner_start, inner_end, colspan, rowspan in cells:
                while column in pending:  # a cell of a row above spans down into this one
                    insertions.append((tag_start, *pending[column][:2]))
                    column += 1
                for offset in range(colspan):
                    if offset:
                        insertions.append((inner_end, -1, -1))
                    if rowspan > 1:
                        below[column + offset] = (inner_start, inner_end, rowspan - 1)
                column += colspan
            for spanned in sorted(c for c in pending if c >= column):
                insertions.append((position, *pending[spanned][:2]))
            for spanned, (start, end, left) in pending.items():
                if left > 1 and spanned not in below:
                    below[spanned] = (start, end, left - 1)
            table["pending"], table["cells"] = below, None

    try:
        parser = Cells()
        parser.feed(page)
        parser.close()
    except (AssertionError, ValueError):  # a page the parser cannot follow: read as it is
        return page, OffsetMap.identity(len(page))
    return insert_copies(page, insertions, "<td>", "</td>")


def insert_copies(text: str, insertions: list[tuple[int, int, int]], before: str = "",
                  after: str = "") -> tuple[str, OffsetMap]:
    r"""``text`` with a copy of ``text[start:end]`` written at each ``where`` of ``insertions`` (``(where,
    start, end)``; start -1: nothing copied), each between ``before`` and ``after``, and the map back: a
    copy's characters map to the characters it copies, so an offset in a copy points at the original
    (a merged cell's copies at the merged cell), and ``before``/``after`` to where the copy went.

    >>> copied, back = insert_copies("A\tB\n\tC\n", [(4, 0, 1)])
    >>> copied, [back(i) for i in range(len(copied))]
    ('A\tB\nA\tC\n', [0, 1, 2, 3, 0, 4, 5, 6])
    """
    if not insertions:
        return text, OffsetMap.identity(len(text))
    pieces, segments, new, old = [], [], 0, 0
    for where, start, end in sorted(insertions, key=lambda item: item[0]):  # stable: a row's copies in order
        if where > old:
            pieces.append(text[old:where])
            segments.append((new, old, where - old, True))
            new, old = new + where - old, where
        copy = text[start:end] if start >= 0 else ""
        for piece, origin, copied in ((before, where, False), (copy, start, True), (after, where, False)):
            if piece:
                pieces.append(piece)
                segments.append((new, origin, max(len(piece), 1) if copied else 1, copied))
                new += len(piece)
    pieces.append(text[old:])
    segments.append((new, old, len(text) - old, True))
    return "".join(pieces), OffsetMap(segments, new + len(text) - old)


def _span(value) -> int:
    """A rowspan or colspan attribute as a count (1 when absent or unreadable; at most 100)."""
    try:
        return min(max(int(value), 1), 100)
    except (TypeError, ValueError):
        return 1


def is_html(text: str) -> bool:
    """Whether ``text`` is a web page (its first lines hold HTML block tags).

    >>> is_html("<html><body><p>正文</p></body></html>"), is_html("牵头单位:市发改委<含各区>")
    (True, False)
    """
    return len(_HTML.findall(text[:4000])) >= 2


def normalise(text: str) -> tuple[str, list[OffsetMap]]:
    """Apply every normalisation step; return the text and the maps (first to last)."""
    maps = []
    if is_html(text):
        text, offset_map = expand_table_spans(text)
        maps.append(offset_map)
        for pattern, replacement in _HTML_STEPS:
            text, offset_map = rewrite(text, pattern, replacement)
            maps.append(offset_map)
    # rewrites of one character for one (no map needed), each before the step they must precede
    in_place = {_CSV_STEP: comma_separated_table, _GAP_STEP: protect_table_gaps}
    for index, (pattern, replacement) in enumerate(_STEPS):
        if index in in_place:
            text = in_place[index](text)
        text, offset_map = rewrite(text, pattern, replacement)
        maps.append(offset_map)
    return text, maps


def is_docx(data: bytes, path: str = "") -> bool:
    """A Word document (.docx: a zip holding word/document.xml)."""
    return data[:2] == b"PK" and (path.lower().endswith(".docx") or b"word/document.xml" in data[:65536])


def docx_text(data: bytes) -> str:
    """The text of a .docx in reading order: each paragraph a line, each table row a line of
    tab-separated cells (a cell merged across columns once, its paragraphs joined; a cell merged
    down the rows in each of them, as the row reads), so a responsibility table reads as a
    tab-separated one. Offsets in the graph point into this text."""
    import io
    import zipfile

    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"not a readable .docx ({exc})") from None
    numbering = _WordNumbering(document)
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            lines.append(numbering.label(element) + Paragraph(element, document).text)
        elif element.tag.endswith("}tbl"):
            for row in Table(element, document).rows:
                cells, previous = [], None
                for cell in row.cells:  # a cell spanning columns comes once per column it spans
                    cells.append("" if cell._tc is previous else
                                 cell_lines([numbering.label(p._p) + p.text for p in cell.paragraphs], ""))
                    previous = cell._tc
                lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _WordNumbering:
    """The labels of Word's automatic numbering (一、 1. (1)), which are no part of a paragraph's text:
    each numbered paragraph's label is rendered from numbering.xml (the level's format and text,
    counted per list, a level starting again under each item of the level above), the numbering
    given by the paragraph or by its style."""

    def __init__(self, document):
        self.lists: dict[str, str] = {}  # numId -> abstractNumId
        self.levels: dict[tuple[str, str], tuple[str, str, int]] = {}  # (abstractNumId, ilvl) -> format, text, start
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # styleId -> numId, ilvl, basedOn
        self.counts: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        for abstract in root.iter(f"{_W}abstractNum"):
            for level in abstract.iter(f"{_W}lvl"):
                self.levels[(abstract.get(f"{_W}abstractNumId"), level.get(f"{_W}ilvl"))] = (
                    self._val(level, "numFmt") or "decimal", self._val(level, "lvlText") or "",
                    int(self._val(level, "start") or 1))
        for num in root.iter(f"{_W}num"):
            self.lists[num.get(f"{_W}numId")] = self._val(num, "abstractNumId")
        for style in document.styles.element.iter(f"{_W}style"):
            self.styles[style.get(f"{_W}styleId")] = (self._val(style, "numId"), self._val(style, "ilvl"),
                                                     self._val(style, "basedOn"))

    @staticmethod
    def _val(element, name: str) -> str | None:
        found = element.find(f".//{_W}{name}")
        return None if found is None else found.get(f"{_W}val")

    def _numbering_of(self, paragraph) -> tuple[str | None, str | None]:
        num_id, level = self._val(paragraph, "numId"), self._val(paragraph, "ilvl")
        style, seen = self._val(paragraph, "pStyle"), set()
        while num_id is None and style in self.styles and style not in seen:  # the style's, or its parents'
            seen.add(style)
            num_id, style_level, style = self.styles[style]
            level = level or style_level
        return num_id, level or "0"

    def label(self, paragraph) -> str:
        """The label Word shows before ``paragraph`` (a w:p element), "" when it is not numbered."""
        if not self.lists:
            return ""
        num_id, level = self._numbering_of(paragraph)
        abstract = self.lists.get(num_id)
        if abstract is None or (abstract, level) not in self.levels:
            return ""
        depth = int(level)
        counts = self.counts.setdefault(num_id, {})
        counts[depth] = counts.get(depth, self.levels[(abstract, level)][2] - 1) + 1
        for deeper in [d for d in counts if d > depth]:  # a new item starts its sub-levels again
            del counts[deeper]
        fmt, text, _ = self.levels[(abstract, level)]
        if fmt in ("bullet", "none"):
            return ""  # a bullet's glyph (often in a private-use code point) is no number

        def number(match: re.Match) -> str:
            shown = int(match.group(1)) - 1
            spec = self.levels.get((abstract, str(shown)), ("decimal", "", 1))
            return _list_number(counts.get(shown, spec[2]), spec[0])

        return re.sub(r"%(\d)", number, text)


def _list_number(value: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (chineseCounting 三, decimalEnclosedCircle ③ …)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital"):
        import cn2an

        return cn2an.an2cn(value, "up" if fmt == "chineseLegalSimplified" else "low")
    if fmt == "decimalEnclosedCircle" and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt in ("bullet", "none"):
        return ""
    return str(value)


def is_xlsx(data: bytes, path: str = "") -> bool:
    """An Excel workbook (.xlsx: a zip holding xl/workbook.xml)."""
    return data[:2] == b"PK" and (path.lower().endswith(".xlsx") or b"xl/workbook.xml" in data[:65536])


def xlsx_text(data: bytes) -> str:
    """The text of an Excel workbook: each sheet's rows as lines of tab-separated cells (values, not
    formulas), so a responsibility table reads as a tab-separated one, each sheet of several under its
    name (a workbook of one sheet per part: 一、扩大内需); a line break inside a cell parts
    a list of units one a line, and is a space otherwise (:func:`cell_lines`). A merged cell has its
    value in its first cell only, as a spreadsheet saves it (:func:`xlsx_source` gives its copies for the rows
    below it). Offsets in the graph point into this text."""
    return xlsx_source(data)[0]


def xlsx_source(data: bytes) -> tuple[str, list[tuple[int, int, int]]]:
    """:func:`xlsx_text` and the copies of its merged cells: for each cell a merged range covers in the
    rows below its first, ``(where, start, end)``: the position of that empty cell and the span of the
    range's value, so :func:`insert_copies` writes a 牵头单位 merged down two rows into both (a range
    across columns keeps its value in its first column, as a Word or HTML table's does)."""
    import io
    import zipfile

    try:
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)  # not read-only: merged ranges
        sheets, copies, position = [], [], 0
        for sheet in workbook.worksheets:
            below = {(row, ranged.min_col): (ranged.min_row, ranged.min_col)
                     for ranged in sheet.merged_cells.ranges
                     for row in range(ranged.min_row + 1, ranged.max_row + 1)}
            lines = []
            if len(workbook.worksheets) > 1 and not _DEFAULT_SHEET.match(sheet.title):
                lines.append(sheet.title)  # a workbook of one sheet per part: 一、扩大内需 heads its rows
            starts: dict[tuple[int, int], tuple[int, int]] = {}  # cell -> its value's span in the text
            pending = []
            for row in sheet.iter_rows():
                texts = [_cell_text(cell.value, getattr(cell, "number_format", "")) for cell in row]
                keep = max([i + 1 for i, text in enumerate(texts) if text or (row[i].row, row[i].column) in below],
                           default=0)  # trailing empty cells go, but not one a merged cell is copied into
                at = position + sum(len(line) + 1 for line in lines)
                for cell, text in zip(row[:keep], texts[:keep]):
                    starts[(cell.row, cell.column)] = (at, at + len(text))
                    if (cell.row, cell.column) in below:
                        pending.append((at, below[(cell.row, cell.column)]))
                    at += len(text) + 1
                lines.append("\t".join(texts[:keep]))
            for where, first in pending:
                if first in starts and starts[first][1] > starts[first][0]:
                    copies.append((where, *starts[first]))
            sheets.append("\n".join(lines))
            position += len(sheets[-1]) + 2
        workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"not a readable .xlsx ({exc})") from None
    return "\n\n".join(sheets) + "\n", copies


_DEFAULT_SHEET = re.compile(r"^(?:Sheet|工作表|表)\s*\d*$", re.IGNORECASE)  # a name Excel gave, no heading


def _cell_text(value, number_format: str = "") -> str:
    """A spreadsheet cell's value as a plan would write it: a date (a 完成时限 cell) as 2026年12月31日, a
    number formatted as a percentage (0.05 shown as 5%) as 5%, a whole number stored as 1.0 as 1.

    >>> _cell_text(0.05, "0%"), _cell_text(0.065, "0.0%"), _cell_text(1.0), _cell_text(6.5)
    ('5%', '6.5%', '1', '6.5')
    """
    import datetime
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        percent = (number_format or "").endswith("%")
        number = Decimal(str(value)) * (100 if percent else 1)
        return format(number.normalize(), "f") + ("%" if percent else "")
    return cell_lines(str(value).replace("\r", "").split("\n"), " ")


def cell_lines(lines: list[str], between: str) -> str:
    """A table cell's lines (Alt+Enter in a spreadsheet, paragraphs in a Word cell) as one line: units
    one a line are a list (parted by 、, so 市财政局 / 高新区管委会 stay two), other text is joined by
    ``between`` (a wrapped sentence).

    >>> cell_lines(["市财政局", "高新区管委会"], ""), cell_lines(["推进消费提振,社会消费品零售总额", "增长6%"], "")
    ('市财政局、高新区管委会', '推进消费提振,社会消费品零售总额增长6%')
    """
    from .extract.units import org_suffix  # what ends a unit's name: the units stage's knowledge

    lines = [line.strip() for line in lines if line.strip()]
    if len(lines) > 1 and all(org_suffix(line) for line in lines):
        return "、".join(lines)
    return between.join(lines)


def pdf_text(data: bytes) -> str:
    """The text of a PDF, page after page, as pypdf lays it out (a table's columns aligned with
    spaces, so it reads as a space-aligned table). Offsets in the graph point into this text.
    A scanned PDF (images, no text) has none: it is refused."""
    import io

    try:
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds (PdfReadError, struct errors …) on a broken file
        raise InputError(f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    if not any(page.strip() for page in pages):
        raise InputError("a PDF without text (scanned pages?): nothing to read")
    return "\n".join(page.rstrip() for page in pages) + "\n"


def text_digest(raw: str) -> str:
    r"""What makes two files the same document: the SHA-256 of their decoded text, line ends unified and
    the blank ends stripped, so a plan saved as UTF-8 and as GBK (or with CRLF, or copied under another
    name) is one document.

    >>> text_digest("一、扩大内需\r\n1.提振消费\r\n") == text_digest("一、扩大内需\n1.提振消费")
    True
    """
    import hashlib

    return hashlib.sha256(re.sub(r"\r\n?", "\n", raw).strip().encode("utf-8")).hexdigest()


def read_bytes(data: bytes, path: str = "<bytes>") -> SourceText:
    copies: list[tuple[int, int, int]] = []
    if is_docx(data, path):
        raw, encoding = docx_text(data), "docx"
    elif is_xlsx(data, path):
        (raw, copies), encoding = xlsx_source(data), "xlsx"
    elif data[:5] == b"%PDF-":
        raw, encoding = pdf_text(data), "pdf"
    else:
        raw, encoding = decode(data)
    check_text(raw)
    # a workbook's merged cell is read in each row it covers, its copies pointing at it
    copied, copies_map = insert_copies(raw, copies)
    # a .csv file is a table from its first line: its cells apart by tabs, whatever its separator
    # (offsets are unchanged: one character for one, so they still point into the file as decoded)
    text, maps = normalise(csv_table(copied) if path.lower().endswith(".csv") else copied)
    return SourceText(path=path, raw=raw, text=text, encoding=encoding, maps=[copies_map, *maps] if copies else maps)


def read_text(text: str, path: str = "<text>") -> SourceText:
    """Read an already decoded string (tests, the library API)."""
    normalised, maps = normalise(text)
    return SourceText(path=path, raw=text, text=normalised, encoding="str", maps=maps)


def read_file(path: str | Path) -> SourceText:
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError("is a folder, not a file") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    return read_bytes(data, str(path))

"""Segment reports and news feeds: report parts, sentences (passages) and news articles.

A work report reviews one year (一、2024年工作回顾) and plans the next
(二、2025年重点工作); the kind and year of each part decide whether a quantity in
it is a result or a commitment.  Passages are sentence-sized spans; their
offsets are into the normalised text (the graph stage maps them to the source).
The rules (heading keywords, markers) are data: kg/data/report_parts.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .classify import real_date
from .datafiles import read_yaml
from .numerals import chinese_to_int

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_PART_HEAD = re.compile(r"(?:^|(?<=\n)|(?<=[。!?！？:：]))[ \t]*([一二三四五六七八九十]{1,3})、")


@dataclass
class ReportPart:
    """A top-level part of a report: its kind (review | plan | period | other) and year."""

    number: int
    numeral: str
    title: str
    kind: str
    year: int | None
    start: int  # offset of the heading
    end: int  # offset where the next part (or the body) ends
    body_start: int  # offset just after the heading


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    part: ReportPart | None = None
    multi_year: bool = False  # in a paragraph about several years (五年来 …)
    targets: bool = False  # the sentence that lists the main targets


@dataclass
class ReportLayout:
    """What the segmenter learns about one report (or one report embedded in an article)."""

    body_start: int
    end: int
    parts: list[ReportPart]
    sentences: list[Sentence]

    @property
    def review_year(self) -> int | None:
        return next((p.year for p in self.parts if p.kind == "review" and p.year), None)

    @property
    def plan_year(self) -> int | None:
        return next((p.year for p in self.parts if p.kind == "plan" and p.year), None)


@dataclass
class Article:
    """One article of a news feed."""

    number: int  # 1-based, in feed order
    title: str
    title_start: int
    title_end: int
    body_start: int
    body_end: int
    date: str = ""  # ISO date
    tag: str = ""  # 【武汉招商】
    impossible_date: str = ""  # a date line that names no real day (2025-09-32): kept out of ``date``
    sentences: list[Sentence] = field(default_factory=list)


@lru_cache(maxsize=None)
def _rules():
    config = read_yaml("report_parts.yaml")
    kinds = [(kind, re.compile("|".join(words))) for kind, words in config["part_kinds"].items()]
    return {
        "kinds": kinds,
        "period": re.compile("|".join(config["period_markers"])),
        "max_heading": int(config["max_heading"]),
        "body_start": re.compile("|".join(config["body_start"])),
        "targets": re.compile(config["targets_cue"]),
        "multi_year": re.compile("|".join(config["multi_year_markers"])),
        "part_year": re.compile("|".join(config["part_year_markers"])),
        "cumulative": re.compile("|".join(config["cumulative_markers"])),
        "sentence_end": re.compile(config["sentence_end"]),
        "delivery_date": re.compile(config["delivery_date"]),
        "last_year": re.compile("|".join(config["last_year_markers"])),
    }


def part_year_marker(text: str) -> bool:
    """Does a clause speak of part of a year (一季度, 上半年)?"""
    return bool(_rules()["part_year"].search(text))


def multi_year_marker(text: str) -> bool:
    """Does a clause speak of several years (五年来) or give a cumulative figure (累计, 年均)?"""
    rules = _rules()
    return bool(rules["multi_year"].search(text) or rules["cumulative"].search(text))


def _heading(text: str, start: int, limit: int) -> tuple[str, int] | None:
    """The heading text after ``一、`` at ``start`` and the offset where it ends, if it is a part heading.

    A heading is a short line, or (in a report flattened to one line) the words up
    to the first part keyword.
    """
    rules = _rules()
    line_end = text.find("\n", start)
    line_end = limit if line_end < 0 or line_end > limit else line_end
    line = text[start:line_end]
    # a heading line holds no full stop; a flattened report runs on after its heading
    if len(line.strip()) <= rules["max_heading"] and line.strip() and "。" not in line.strip()[:-1]:
        return line.strip(), line_end
    window = text[start:min(line_end, start + rules["max_heading"])]
    best = None
    for _, pattern in rules["kinds"]:
        match = pattern.search(window)
        if match and (best is None or match.end() < best):
            best = match.end()
    if best is None:
        return None
    return window[:best].strip(), start + best


def _part_kind(title: str) -> tuple[str, int | None]:
    rules = _rules()
    year_match = _YEAR.search(title)
    year = int(year_match.group(1)) if year_match else None
    if year is None and rules["period"].search(title):
        return "period", None
    for kind, pattern in rules["kinds"]:
        if pattern.search(title):
            return kind, year
    return "other", year


def report_parts(text: str, start: int = 0, end: int | None = None) -> list[ReportPart]:
    """The numbered parts of a report body in ``text[start:end]``, in order.

    Numerals must follow on (一, 二, 三 …) so that a list inside a part is not
    taken for a part; a part with a plan keyword but no year takes the year of
    the plan part before it (三、全面加强政府自身建设 after 二、2025年重点工作).

    >>> [(p.kind, p.year) for p in report_parts("一、2024年工作回顾\\n好。\\n二、2025年重点工作\\n做。")]
    [('review', 2024), ('plan', 2025)]
    """
    end = len(text) if end is None else end
    parts: list[ReportPart] = []
    expected = 1
    for match in _PART_HEAD.finditer(text, start, end):
        try:
            number = chinese_to_int(match.group(1))
        except (ValueError, KeyError, TypeError):
            continue
        if number < expected:
            continue  # numbering restarts: a list inside a part
        heading = _heading(text, match.end(), end)
        if heading is None:
            continue
        title, heading_end = heading
        kind, year = _part_kind(title)
        if kind == "other" and number > 1 and not parts:
            continue
        if kind == "plan" and year is None and parts and parts[-1].kind == "plan":
            year = parts[-1].year
        parts.append(ReportPart(number=number, numeral=match.group(1), title=title, kind=kind, year=year,
                                start=match.start(1), end=end, body_start=heading_end))
        expected = number + 1
    for previous, following in zip(parts, parts[1:]):
        previous.end = following.start
    return parts


def _years_from_delivery(parts: list[ReportPart], head: str) -> None:
    """Give a review or plan part whose heading names no year (过去一年的工作, 今年的目标任务) the year
    before and the year of the report's delivery, read from ``head`` (the text before its body).

    >>> parts = report_parts("各位代表:\\n一、过去一年的工作\\n好。\\n二、今年的目标任务和重点工作\\n做。")
    >>> _years_from_delivery(parts, "——2030年1月12日在东平市第十七届人民代表大会第三次会议上")
    >>> [(p.kind, p.year) for p in parts]
    [('review', 2029), ('plan', 2030)]
    """
    if not any(p.year is None and p.kind in ("review", "plan") for p in parts):
        return
    year = _delivery_year(head)
    if year is None:
        return
    for part in parts:
        if part.year is None and part.kind == "review":
            part.year = year - 1
        elif part.year is None and part.kind == "plan":
            part.year = year


def _delivery_year(head: str) -> int | None:
    """The year a report was delivered in: of its date (——2030年1月12日在…), else the first year of ``head``."""
    delivered = _rules()["delivery_date"].search(head) or _YEAR.search(head)
    return int(delivered.group(1)) if delivered else None


def _last_year_in_period(text: str, found: list[Sentence], year: int | None) -> None:
    """Give the sentences of a period review that speak of the last year alone (一、过去五年工作回顾:
    …。2030年是…开局之年。一年来,全市地区生产总值增长5.8%…) a review part of that year: from the
    marker (一年来, or the year named at the paragraph's start) to the paragraph's end.

    >>> text = "——2031年1月8日在…\\n各位代表:\\n一、过去五年工作回顾\\n五年来增长5.6%。\\n2030年是开局之年。一年来,增长5.8%。\\n"
    >>> [(s.text, s.part.kind, s.part.year) for s in layout_report(text).sentences if s.part and s.part.kind == "review"]
    [('2030年是开局之年。', 'review', 2030), ('一年来,增长5.8%。', 'review', 2030)]
    """
    if year is None:
        return
    rules = _rules()
    review_words = dict(rules["kinds"])["review"]
    reviewed: dict[int, ReportPart] = {}
    for sentence in found:
        part = sentence.part
        if part is None or part.kind != "period" or not review_words.search(part.title):
            continue
        line_start = text.rfind("\n", 0, sentence.start) + 1
        opening = text[line_start:sentence.end]
        if not (rules["last_year"].search(opening) or opening.startswith(f"{year - 1}年")):
            continue
        if id(part) not in reviewed:
            reviewed[id(part)] = ReportPart(part.number, part.numeral, part.title, "review", year - 1, part.start,
                                            part.end, part.body_start)
        sentence.part, sentence.multi_year = reviewed[id(part)], False


def report_body_start(text: str, start: int = 0, end: int | None = None) -> int:
    """Where the report itself starts: at 各位代表 when the text has it (skips a table of contents)."""
    end = len(text) if end is None else end
    match = _rules()["body_start"].search(text, start, end)
    return match.start() if match else start


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentence-sized spans of ``text[start:end]``: split at 。！？ (with a closing quote) and line ends.

    >>> [s.text for s in sentences("甲乙。丙“丁。”\\n戊己")]
    ['甲乙。', '丙“丁。”', '戊己']
    """
    end = len(text) if end is None else end
    rules = _rules()
    found: list[Sentence] = []
    for line_match in re.finditer(r"[^\n]+", text[start:end]):
        line_start = start + line_match.start()
        line_end = start + line_match.end()
        position = line_start
        for stop in rules["sentence_end"].finditer(text, line_start, line_end):
            _add_sentence(found, text, position, stop.end())
            position = stop.end()
        _add_sentence(found, text, position, line_end)
    return found


def _add_sentence(found: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    if end - start >= 2 and re.search(r"[\u3400-\u9fff]", text[start:end]):
        found.append(Sentence(start=start, end=end, text=text[start:end]))


def layout_report(text: str, start: int = 0, end: int | None = None) -> ReportLayout:
    """Parts and sentences of the report in ``text[start:end]``, each sentence tagged with its part.

    A sentence is ``multi_year`` when its paragraph (line) speaks of several years
    (五年来 …) and ``targets`` when it states the main targets (主要预期目标).
    """
    end = len(text) if end is None else end
    body = report_body_start(text, start, end)
    parts = report_parts(text, body, end)
    head = text[start:body] if body > start else text[start:min(end, start + 500)]
    _years_from_delivery(parts, head)
    rules = _rules()
    found = sentences(text, body, end)
    index = 0
    paragraph_multi: dict[int, bool] = {}
    for sentence in found:
        while index + 1 < len(parts) and parts[index + 1].start <= sentence.start:
            index += 1
        if parts and parts[index].start <= sentence.start:
            sentence.part = parts[index]
        line_start = text.rfind("\n", 0, sentence.start) + 1
        if line_start not in paragraph_multi:
            line_end = text.find("\n", sentence.start)
            paragraph = text[line_start:line_end if line_end >= 0 else len(text)]
            # a flattened report is one long line: judge it sentence by sentence instead
            paragraph_multi[line_start] = len(paragraph) < 3000 and bool(rules["multi_year"].search(paragraph))
        sentence.multi_year = paragraph_multi[line_start] or bool(rules["multi_year"].search(sentence.text))
        sentence.targets = bool(rules["targets"].search(sentence.text))
    _last_year_in_period(text, found, _delivery_year(head))
    return ReportLayout(body_start=body, end=end, parts=parts, sentences=found)


# --- news feeds -------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _news_rules():
    config = read_yaml("document_kinds.yaml")["news"]
    return (re.compile(config["separator"], re.M), re.compile(config["date"]),
            re.compile(config["title_tag"]), re.compile(config["header"]), re.compile(config["header_date"]))


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the non-blank lines of ``text[start:end]``."""
    return [(start + m.start(), start + m.end()) for m in re.finditer(r"[^\n]+", text[start:end])
            if m.group(0).strip()]


def _article_blocks(text: str) -> list[tuple[int, int]]:
    """Where each article of a feed starts and ends: between ``-`` lines; or, in a feed without them,
    from each title line (the line before a header line) to the next; or the whole text."""
    separator, _, _, header, _ = _news_rules()
    if separator.search(text):
        bounds = [0] + [m.end() for m in separator.finditer(text)] + [len(text)]
        return list(zip(bounds, bounds[1:]))
    lines = _lines(text, 0, len(text))
    starts = [lines[i - 1][0] for i in range(1, len(lines))
              if header.match(text[lines[i][0]:lines[i][1]]) and not header.match(text[lines[i - 1][0]:lines[i - 1][1]])]
    if not starts:
        return [(0, len(text))]
    bounds = [0, *starts[1:], len(text)]
    return list(zip(bounds, bounds[1:]))


def news_articles(text: str) -> list[Article]:
    """Split a feed into articles (:func:`_article_blocks`): title = first line, date = its header line
    or a last date line.

    >>> [(a.title, a.date) for a in news_articles("-\\n标题一\\n正文。\\n2025-07-31\\n-\\n标题二\\n正文二。\\n")]
    [('标题一', '2025-07-31'), ('标题二', '')]
    >>> [(a.date, a.impossible_date) for a in news_articles("-\\n标题\\n正文。\\n2025-09-32\\n")]
    [('', '2025-09-32')]
    >>> feed = "标题一\\n来源:某日报 发布时间:2026年3月18日\\n\\n正文一。\\n标题二\\n2026-04-02\\n正文二。\\n"
    >>> [(a.title, a.date, feed[a.body_start:a.body_end]) for a in news_articles(feed)]
    [('标题一', '2026-03-18', '正文一。'), ('标题二', '2026-04-02', '正文二。')]
    """
    separator, date_pattern, tag_pattern, header, header_date = _news_rules()
    articles: list[Article] = []
    for block_start, block_end in _article_blocks(text):
        lines = [span for span in _lines(text, block_start, block_end) if not separator.fullmatch(text[span[0]:span[1]])]
        if len(lines) < 2:
            continue  # a lone navigation line is not an article
        title_start, title_end = lines[0]
        body_lines = lines[1:]
        date = impossible = ""
        # the header line right after the title, or after a subtitle (a web page's <h1> below its <title>)
        at = next((i for i in range(min(2, len(body_lines) - 1)) if header.match(text[body_lines[i][0]:body_lines[i][1]])),
                  None)
        if at is not None:
            date_match = header_date.search(text, body_lines[at][0], body_lines[at][1])  # 来源:…发布时间:2026年3月18日
            body_lines = body_lines[:at] + body_lines[at + 1:]
        else:
            date_match = date_pattern.match(text[body_lines[-1][0]:body_lines[-1][1]])
            if date_match:
                body_lines = body_lines[:-1]
        if date_match:
            year, month, day = date_match.groups()
            if real_date(year, month, day):
                date = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
            else:  # a typo in the date line: still the date line, but no date
                impossible = date_match.group(0).strip()
        if not body_lines:
            continue
        title = text[title_start:title_end].strip()
        tag_match = tag_pattern.match(title)
        article = Article(number=len(articles) + 1, title=title, title_start=title_start, title_end=title_end,
                          body_start=body_lines[0][0], body_end=body_lines[-1][1], date=date,
                          tag=tag_match.group(0) if tag_match else "", impossible_date=impossible)
        article.sentences = sentences(text, article.body_start, article.body_end)
        articles.append(article)
    return articles

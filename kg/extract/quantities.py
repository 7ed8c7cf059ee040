"""Read quantities: ``新开工亿元以上项目930个``, ``增长6%左右``, ``5.4万套(间)``, ``三个``, ``1.3万亿元``.

A quantity is a number (Arabic, decimal, full-width after :mod:`kg.read`, or
Chinese, read with cn2an) with its magnitude (万, 亿) and a measure word from
kg/data/measures.tsv; the comparator words around it come from
kg/data/comparators.tsv and the patterns of kg/data/non_targets.tsv drop
ordinals, names and conditions (第11届, 11号线, 5G, 30—64周岁, 5年内, 24小时).
The value is kept as written (5.4 for 5.4万套(间)); the magnitude stays in the unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..datafiles import read_tsv, read_yaml
from ..indicators import base_unit
from ..model import Quantity
from ..numerals import chinese_to_int

ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CHINESE = r"[零〇一二两三四五六七八九十百千]+"
CLAUSE_DELIMITERS = ",，;；。:：!！?？\n"
_LEADING_FILLER = re.compile(r"^(并且|并|和|及|以及|同时|其中|全年|为全市|为|对|在|共|累计|使|让|将|把|每年)+")
_TRAILING_FILLER = re.compile(r"(分别|等|的)$")
# the number, dash or mark of a point opening the clause ((1)新开工…, ①…, ——地区生产总值…, 1.地区…, 1、,
# 一是, (一), ★新增…), and a topic in 【】 before it (【数字经济】新建5G基站…): no part of what is measured
_ENUMERATOR = re.compile(r"\s*(?:\(\d{1,3}\)|[\u2460-\u2473]|[—\-•·●▪★☆▲△◆■□※]+|\d{1,3}[.、](?!\d)"
                         r"|[一二三四五六七八九十]{1,3}是|\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、"
                         r"|【[^】]{1,12}】)+\s*")
_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=None)
def _tables():
    measures = {row["measure"]: row["kind"] for row in read_tsv("measures.tsv")}
    comparators = read_tsv("comparators.tsv")
    before = {r["word"]: r["bound"] for r in comparators if r["position"] == "before"}
    after = {r["word"]: r["bound"] for r in comparators if r["position"] == "after"}
    measure_alt = "|".join(re.escape(m) for m in sorted(measures, key=len, reverse=True))
    after_alt = "|".join(re.escape(w) for w in sorted(set(after) - {"余", "多"}, key=len, reverse=True))
    pattern = re.compile(
        rf"(?P<num>{ARABIC}|{CHINESE})(?P<mag>万亿|亿|万|千)?(?P<approx>余|多)?"
        # 家(次), 套（间）: a second measure in brackets is part of the unit
        rf"(?P<measure>{measure_alt})(?![A-Za-z])(?P<alternate>[(（](?:{measure_alt})[)）])?(?P<after>{after_alt})?"
    )
    # {LATIN}: the measures written in Latin letters (4500P, 100MW), which a letter after a number may start
    latin = "|".join(re.escape(m) for m in sorted(measures, key=len, reverse=True) if re.search("[A-Za-z]", m))
    non_targets = _compile_non_targets([row["pattern"].replace("{LATIN}", latin) for row in read_tsv("non_targets.tsv")])
    before_alt = re.compile("(" + "|".join(re.escape(w) for w in sorted(before, key=len, reverse=True)) + r")\s*$")
    return measures, before, after, pattern, non_targets, before_alt


def _compile_non_targets(templates: list[str]) -> list[tuple[re.Pattern, list[str]]]:
    """Each template with every ``{N}`` made a named group that matches any number."""
    compiled = []
    for template in templates:
        names = []
        pieces = template.split("{N}")
        regex = pieces[0]
        for index, piece in enumerate(pieces[1:]):
            names.append(f"n{index}")
            regex += f"(?P<n{index}>{ARABIC}|{CHINESE})" + piece
        compiled.append((re.compile(regex), names))
    return compiled


def _excluded(text: str, start: int, non_targets) -> bool:
    """Does a non-target pattern hold for the number starting at ``start``?"""
    window_start = max(0, start - 8)
    window = text[window_start:start + 12]
    for pattern, names in non_targets:
        for match in pattern.finditer(window):
            if names:
                if any(match.group(n) is not None and window_start + match.start(n) <= start < window_start + match.end(n)
                       for n in names):
                    return True
            elif window_start + match.start() <= start < window_start + match.end():
                return True
    return False


def _inside_quotes(text: str, position: int, clause_start: int) -> bool:
    """Is ``position`` inside “…” or "…" (a name such as "两个确立")?"""
    before = text[clause_start:position]
    if before.count("“") > before.count("”"):
        return True
    return before.count('"') % 2 == 1


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = start
    while left > 0 and text[left - 1] not in CLAUSE_DELIMITERS:
        left -= 1
    right = end
    while right < len(text) and text[right] not in CLAUSE_DELIMITERS:
        right += 1
    return left, right


def _value(number: str) -> Decimal | None:
    if number[0].isdigit():
        return Decimal(number.replace(",", ""))
    try:
        return Decimal(chinese_to_int(number))
    except (ValueError, KeyError, TypeError):
        return None


def read_quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Every target-like quantity in ``text``, in order; offsets are ``offset`` + position.

    >>> [(str(q.value), q.unit, q.comparator, q.metric) for q in read_quantities("城镇新增就业25万人以上。")]
    [('25', '万人', '以上', '城镇新增就业')]
    >>> [(str(q.value), q.unit) for q in read_quantities("筹集建设保障性租赁住房5.4万套(间)。")]
    [('5.4', '万套(间)')]
    >>> [(q.unit, q.comparator, q.metric) for q in read_quantities("组织企业境外参展超600家（次）。")]
    [('家（次）', '超', '组织企业境外参展')]
    >>> read_quantities("开通轨道交通11号线,建设5G基站,为30—64周岁妇女筛查,毕业5年内")
    []
    >>> [(q.metric, q.surface) for q in read_quantities("推进:(1)新开工项目300个;②完成投资1500亿元;——就业5万人")]
    [('新开工项目', '新开工项目300个'), ('完成投资', '完成投资1500亿元'), ('就业', '就业5万人')]
    """
    measures, before, after, pattern, non_targets, before_alt = _tables()
    found: list[tuple[re.Match, Decimal, int, int]] = []
    previous_end = -1
    for match in pattern.finditer(text):
        number = match.group("num")
        num_start = match.start("num")
        measure = match.group("measure")
        magnitude = match.group("mag") or ""
        if not number[0].isdigit():
            # 一个 "a", 第三 "third", 统一 "unify": not counts
            if number in ("一", "〇", "零") and not magnitude:
                continue
            if num_start > 0 and text[num_start - 1] in "第每逐单同统唯万之":
                continue
        if _excluded(text, num_start, non_targets):
            continue
        clause_start, clause_end = _clause_bounds(text, num_start, match.end())
        if _inside_quotes(text, num_start, max(0, clause_start - 200)):
            continue
        comparator_after = match.group("after") or ""
        following = text[match.end():match.end() + 1]
        if comparator_after in ("以上", "以下", "及以上") and measures.get(measure) in ("money", "size") \
                and _CJK.match(following or " "):
            continue  # 亿元以上项目: a category, not a target
        if previous_end == num_start and text[num_start - 1:num_start] in measures:
            continue  # 1050个十亿元以上项目: the category of what was counted
        value = _value(number)
        if value is None:
            continue
        found.append((match, value, clause_start, clause_end))
        previous_end = match.end()

    found, changes = _changes(text, found)
    found, ranges = _ranges(text, found)
    quantities: list[Quantity] = []
    for index, (match, value, clause_start, clause_end) in enumerate(found):
        num_start = match.start("num")
        left, right = _neighbour_bounds(text, found, index, clause_start, clause_end)
        enumerator = _ENUMERATOR.match(text, left)
        if enumerator and enumerator.end() <= num_start:
            left = enumerator.end()
        before_match = before_alt.search(text[left:num_start])
        comparator_before = before_match.group(1) if before_match else ""
        approx = match.group("approx") or ""
        comparator_after = match.group("after") or ""
        comparator = "+".join(w for w in (comparator_before, approx, comparator_after) if w)
        lower = ranges.get(index)
        if lower is not None:  # 5—6%: the range's lower end opens it, no part of the metric
            num_start = lower[1]
            before_match = before_alt.search(text[left:num_start])
            comparator_before = before_match.group(1) if before_match else ""
        pre = text[left:num_start]
        if before_match:
            pre = pre[:before_match.start()]
        change = changes.get(match.start())
        if change is not None:  # 由4.2万元提高到4.5万元: measured is what stands before 由, and how it changes
            pre = text[left:change.origin] + ("" if before_match or len(change.word) == 1 else change.word)
            num_start = change.start
        if _negative(text, num_start):  # 增长-2.3%: a fall, the minus no part of what is measured
            value, pre = -value, pre[:-1]
        metric = _metric(pre, text[match.end():right])
        if not metric and quantities and found[index - 1][2] == clause_start:
            metric = quantities[-1].metric  # 分别达到100%、88%以上: the second shares the first's metric
        unit = (match.group("mag") or "") + match.group("measure") + (match.group("alternate") or "")
        bound = _bound(comparator_before, approx, comparator_after, before, after)
        if change is not None and not comparator:
            comparator = change.word
            bound = "at_most" if _falls(change, value, unit) else "exactly"
        upper = None
        if lower is not None:  # 增长5%—6%: from the lower end, at least it (the words after it say the rest)
            value, upper, bound = lower[0], value, "between"
            comparator = "+".join(w for w in (comparator_before, "—" + str(upper) + unit, approx, comparator_after) if w)
        quantities.append(Quantity(
            value=value, unit=unit, comparator=comparator, bound=bound, metric=metric,
            surface=text[left:right].strip(" 、"), start=offset + num_start, end=offset + match.end(), upper=upper,
            baseline=change.value if change else None, baseline_unit=change.unit if change else None,
        ))
    return quantities


@dataclass(frozen=True)
class _Change:
    """The figure a change starts from (由4.2万元 in 由4.2万元提高到4.5万元) and the word joining it to the target."""

    value: Decimal
    unit: str
    start: int  # where its number starts
    origin: int  # where its 由 or 从 stands
    word: str  # 提高到, 降至, 到


@lru_cache(maxsize=None)
def _change_patterns() -> tuple[re.Pattern, re.Pattern, int]:
    rules = read_yaml("changes.yaml")
    words = "|".join(re.escape(w) for w in sorted(rules["change_words"], key=len, reverse=True))
    origins = "|".join(re.escape(w) for w in rules["origin_words"])
    origin = re.compile(rf"(?:{origins})[^{re.escape(CLAUSE_DELIMITERS)}{origins}]{{0,{int(rules['origin_gap'])}}}$")
    reach = int(rules["origin_gap"]) + max(map(len, rules["origin_words"]))  # how far back an origin word can stand
    return origin, re.compile(rf"\s*({words})\s*"), reach


def _changes(text: str, found: list) -> tuple[list, dict[int, _Change]]:
    """Figures changed to others (``由4.2万元提高到4.5万元``, ``从1个增加到5个``): one quantity each, the
    figure after the change word, whose baseline is the figure before it (kg/data/changes.yaml).
    Returns the quantities without the baselines, and each baseline by the start of its target's match.

    >>> [(str(q.value), str(q.baseline), q.baseline_unit, q.comparator, q.bound, q.metric)
    ...  for q in read_quantities("城乡居民基础养老金由每月4.2万元提高到4.5万元,行政审批事项由240项减少到166项")]
    [('4.5', '4.2', '万元', '提高到', 'exactly', '城乡居民基础养老金提高到'), ('166', '240', '项', '减少到', 'at_most', '行政审批事项减少到')]
    >>> [(str(q.value), str(q.baseline), q.comparator, q.bound, q.metric) for q in read_quantities("PM2.5平均浓度由38微克/立方米降至35微克/立方米")]
    [('35', '38', '降至', 'at_most', 'PM2.5平均浓度')]
    """
    origin, joint, reach = _change_patterns()
    kept, changes = [], {}
    for match, value, clause_start, clause_end in found:
        previous = kept[-1] if kept else None
        if previous is not None and previous[2] == clause_start and not previous[0].group("after"):
            between = joint.fullmatch(text, previous[0].end(), match.start())
            source = origin.search(text, max(clause_start, previous[0].start("num") - reach), previous[0].start("num"))
            if between and source:
                kept.pop()
                changes[match.start()] = _Change(
                    value=previous[1], unit=(previous[0].group("mag") or "") + previous[0].group("measure"),
                    start=previous[0].start("num"), origin=source.start(), word=between.group(1))
        kept.append((match, value, clause_start, clause_end))
    return kept, changes


def _falls(change: _Change, value: Decimal, unit: str) -> bool:
    """Does the change go down (由240项减少到166项)?  Compared in base units (由3000亿元到1.2万亿元 rises)."""
    (change_base, change_factor), (base, factor) = base_unit(change.unit), base_unit(unit)
    return change_base == base and value * factor < change.value * change_factor


_RANGE_DASH = re.compile(r"\s*[—\-~～至到]\s*")


def _ranges(text: str, found: list) -> tuple[list, dict[int, tuple[Decimal, int]]]:
    """Ranges among the quantities found: two of one measure joined by a dash or 至 (``5%—6%``).
    Returns the quantities without the ranges' lower ends, and by index of each upper end: (lower
    value, its offset). (A bare number before the dash, 30—64周岁, is a condition: kg/data/non_targets.tsv.)

    >>> [(str(q.value), str(q.upper), q.bound, q.comparator, q.metric) for q in read_quantities("收入增长5%—6%")]
    [('5', '6', 'between', '—6%', '收入增长')]
    >>> [(str(q.value), q.upper) for q in read_quantities("增长5%,6%")], read_quantities("口袋公园10—15个")
    ([('5', None), ('6', None)], [])
    """
    kept, ranges = [], {}
    for match, value, clause_start, clause_end in found:
        previous = kept[-1] if kept else None
        if previous is not None and previous[0].group("measure") == match.group("measure") \
                and previous[0].group("mag") == match.group("mag") and not previous[0].group("after") \
                and _RANGE_DASH.fullmatch(text[previous[0].end():match.start()]) and previous[1] < value:
            kept.pop()  # 5%—6%: its lower end
            ranges[len(kept)] = (previous[1], previous[0].start("num"))
        kept.append((match, value, clause_start, clause_end))
    return kept, ranges


_SIGNED_AFTER = ("增长", "增速", "增幅", "增加", "为")  # a figure after these may be negative (增长-2.3%)


def _negative(text: str, num_start: int) -> bool:
    """A minus right before the number, after a word of change (增长-2.3%); not a range's dash
    (5%-6%: one quantity from 5 to 6, 投资10亿-50亿元).

    >>> [str(q.value) for q in read_quantities("固定资产投资增长-2.3%,进出口增长5%-6%,投资10亿-50亿元项目52个")]
    ['-2.3', '5', '50', '52']
    """
    return num_start >= 1 and text[num_start - 1] in "-−" and text[:num_start - 1].endswith(_SIGNED_AFTER)


def _neighbour_bounds(text, found, index, clause_start, clause_end) -> tuple[int, int]:
    """The part of a clause that belongs to one quantity when the clause holds several.

    ``新改建收集屋400座、转运站40座`` splits at the 、 between them; ``100名园艺师服务100个驿站``
    at the quantities themselves.
    """
    left, right = clause_start, clause_end
    if index > 0 and found[index - 1][2] == clause_start:
        previous_end = found[index - 1][0].end()
        comma = text.rfind("、", previous_end, found[index][0].start())
        left = comma + 1 if comma >= 0 else previous_end
    if index + 1 < len(found) and found[index + 1][2] == clause_start:
        next_start = found[index + 1][0].start()
        comma = text.find("、", found[index][0].end(), next_start)
        right = comma if comma >= 0 else next_start
    return left, right


def _bound(word_before: str, approx: str, word_after: str, before: dict, after: dict) -> str:
    if word_after:
        return after[word_after]
    if approx:
        return after[approx]
    if word_before:
        return before[word_before]
    return "exactly"


def _metric(pre: str, post: str) -> str:
    """What a quantity measures: the words of its clause around it, trimmed of fillers."""
    metric = (pre.strip() + post.strip()).strip(" ")
    metric = _LEADING_FILLER.sub("", metric)
    metric = _TRAILING_FILLER.sub("", metric)
    return _balance_quotes(metric.strip(" 、"))


def _balance_quotes(text: str) -> str:
    """Drop a quote mark left dangling at either end (``"断头路"30条`` keeps its pair)."""
    if text.count('"') % 2 == 1:
        text = text[1:] if text.startswith('"') else text[:-1] if text.endswith('"') else text
    if text.count("“") != text.count("”"):
        text = text.strip("“”")
    return text


# a figure cell's final figure: its last number, after which at most a comparator's few words (6, 不低于6.5,
# 6左右, 较2024年增长6; not 2025年提前完成). Looked for in the cell's last characters only, so a long run of
# digits costs no more than a short one.
_FINAL_FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=[^\d.]{0,3}$)")
_FIGURE_WINDOW = 40
# what follows a figure that counts something else than the measure (2025年, 12月, 30日, 6个百分点, 前3位)
# or writes its own (6.5%, 1.2倍)
_MEASURED = re.compile(r"[%‰年月日个位倍]")


_RANGE_LOWER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*[—\-~～至到]\s*$")  # 5.5— before 6: a range's lower end


def measure_at(cell: str, measure: str) -> list[int]:
    """Where a table's measure column puts its measure in a figure cell: right after the cell's final
    figure (and after the lower end of a range it closes: 5.5—6 in % is 5.5%—6%), or nowhere when the
    cell has no final figure, writes its measure already, or its figure counts something else (a year,
    a month, a day, 个, 位). One rule for plans' indicator tables (kg.segment) and reports' tables of
    targets and results (kg.extract.report_tables).

    >>> [measure_at(cell, "%") for cell in ("6左右", "不低于6.5", "较2024年增长6", "5.5—6", "6.5%", "2026年12月")]
    [[1], [6], [9], [3, 5], [], []]
    >>> [measure_at(cell, "万人") for cell in ("22以上", "2025年提前完成", "提前1年完成", "前3位", "6个")]
    [[2], [], [], [], []]
    """
    text = cell.rstrip("。;")
    figure = _FINAL_FIGURE.search(text, max(0, len(text) - _FIGURE_WINDOW))  # a figure starts after no digit
    if figure is None:
        return []
    tail = text[figure.end():]
    if tail.startswith(measure) or _MEASURED.match(tail):
        return []
    lower = _RANGE_LOWER.search(text, max(0, figure.start() - _FIGURE_WINDOW), figure.start())
    return ([lower.end(1)] if lower else []) + [figure.end()]

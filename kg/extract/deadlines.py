"""Read a task's deadline: the text a plan gives under a time label (完成时限:2026年12月底), or else
the time its own sentence sets (2026年6月底前建成), and the last day it allows (2026-12-31).

A supervision office asks "what is due by the end of June?"; the text alone cannot answer that, so
each deadline that names a time is also given as a date: the last day of the month, quarter, half
year or year it names.  A deadline that names no time (全年推进, 长期坚持) keeps its text only.
"""

from __future__ import annotations

import calendar
import datetime
import re
from functools import lru_cache

from ..datafiles import read_yaml
from ..numerals import chinese_to_int
from .roles import deadline_labels, other_label_pattern

_NUMBER = r"[0-9]{1,2}|[一二三四五六七八九十]{1,3}"
# the pieces of a time, each optional but the last: 2026年 | 12月 | 底/上旬/30日 …
_TIME = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2})\s*年)?"
    r"(?:(?P<half>上半年|下半年)|(?:第)?(?P<quarter>[一二三四1-4])\s*季度"
    rf"|(?P<month>{_NUMBER})\s*月(?:份)?\s*(?:(?P<day>{_NUMBER})\s*日|(?P<part>上旬|中旬|下旬|初|中|底|末))?"
    r"|(?P<year_end>年底|年末|年内|底|末|全年))?"
)
_PART_DAYS = {"上旬": 10, "初": 10, "中旬": 20, "中": 20}


@lru_cache(maxsize=None)
def _labels_pattern() -> re.Pattern:
    return re.compile("(" + "|".join(map(re.escape, deadline_labels())) + r")\s*[:：】]?\s*")  # 完成时限: / 【完成时限】


def find_deadline(clause: str) -> str | None:
    """The deadline a role clause states under one of the time labels of kg/data/roles.yaml.

    >>> find_deadline("责任单位:市工信局,各区人民政府;完成时限:2026年12月底")
    '2026年12月底'
    >>> find_deadline("牵头单位:市商务局;时间节点:全年推进;责任领导:分管副市长")
    '全年推进'
    >>> find_deadline("牵头单位:市商务局") is None
    True
    """
    match = _labels_pattern().search(clause)
    if match is None:
        return None
    value = clause[match.end():]
    value = re.split(r"[;；]", value, maxsplit=1)[0]
    following = other_label_pattern().search(value)  # (…;完成时限:2026年底责任领导:…)
    if following:
        value = value[:following.start()]
    value = value.strip(" ,，。.:：")
    return value or None


_TIME_WORD = re.compile("[年月]|季度")


@lru_cache(maxsize=None)
def _standing_times() -> frozenset[str]:
    return frozenset(read_yaml("deadlines.yaml")["standing_times"])


def find_time_in_clause(clause: str, year: int | None = None) -> str | None:
    """The time an inline role clause gives in a piece of its own, without a label: a time as a
    task's sentence sets one, or a standing time of kg/data/deadlines.yaml (长期坚持).

    >>> find_time_in_clause("由市发改委牵头,市统计局配合,2025年12月底前完成"), find_time_in_clause("X牵头,Y配合,长期坚持")
    ('2025年12月底前', '长期坚持')
    >>> find_time_in_clause("市发改委牵头,各区人民政府配合") is None
    True
    """
    standing = _standing_times()
    for piece in re.split(r"[,，;；]", clause):
        piece = piece.strip(" 。.")
        if piece in standing:
            return piece
        if ":" in piece or "：" in piece or not _TIME_WORD.search(piece):
            continue  # a labelled piece (完成时限: is find_deadline's), or one that names no time
        found = find_deadline_in_text(piece, year)
        if found:
            return found
    return None


@lru_cache(maxsize=None)
def _in_text_pattern() -> re.Pattern:
    """Deadlines in a task's sentence, by the words of kg/data/deadlines.yaml around a time."""
    words = read_yaml("deadlines.yaml")

    def either(key):
        return "|".join(map(re.escape, sorted(words[key], key=len, reverse=True)))

    year = r"(?:19|20)\d{2}\s*年\s*"
    within_year = (r"(?:上半年|下半年|(?:第)?[一二三四1-4]\s*季度(?:末|底)?"
                   rf"|(?:{_NUMBER})\s*月(?:份)?\s*(?:(?:{_NUMBER})\s*日|上旬|中旬|下旬|初|中|底|末)?|年底|年末)")
    point = rf"(?:{year})?{within_year}|{year}(?:底|末)"  # a time within a year: 2026年6月, 年底, 2026年底
    return re.compile(
        rf"(?P<recurring>{either('recurring_words')})?(?:{point}|{year})(?:{either('before_words')})"  # 6月底前
        rf"|(?:{either('after_words')})(?:{point})"  # 到2026年底
        rf"|(?P<count>[0-9一二三四五六七八九十两几多]\s*)?(?:{either('year_words')})")  # 年内, but not 5年内


def find_deadline_in_text(text: str, year: int | None = None) -> str | None:
    """The deadline a task's own sentence sets, as written: of the times it gives before 前, after 到,
    or 年内 (kg/data/deadlines.yaml), the one that allows the most (by which the whole task is due);
    a time without its year is in ``year``.

    >>> find_deadline_in_text("建设充电桩1万个,2026年6月底前建成投用。")
    '2026年6月底前'
    >>> find_deadline_in_text("年底前全面建成,6月底前完成一期。", 2026), find_deadline_in_text("到2026年底,建成5G基站3万个")
    ('年底前', '到2026年底')
    >>> find_deadline_in_text("年内建成人才公寓5000套"), find_deadline_in_text("扶持毕业 5 年内高校毕业生")
    ('年内', None)
    >>> find_deadline_in_text("每月底前报送进展"), find_deadline_in_text("到2027年,数字经济占比达到12%")
    (None, None)
    """
    found = [match.group(0) for match in _in_text_pattern().finditer(text)
             if not match.group("recurring") and not match.group("count")]
    if not found:
        return None
    undated = datetime.date.min  # a time that gives no day (its year unknown) allows the least
    return max(reversed(found), key=lambda phrase: deadline_date(phrase, year) or undated)


def deadline_date(text: str, year: int | None) -> datetime.date | None:
    """The last day ``text`` allows; a time without its year is in ``year`` (the plan's).
    Of several times (2026年3月至12月), the last one is the deadline.

    >>> deadline_date("2026年12月底", None), deadline_date("6月底前", 2026), deadline_date("2026年上半年", None)
    (datetime.date(2026, 12, 31), datetime.date(2026, 6, 30), datetime.date(2026, 6, 30))
    >>> deadline_date("三季度末", 2026), deadline_date("2025年11月30日前", None), deadline_date("全年推进", 2026)
    (datetime.date(2026, 9, 30), datetime.date(2025, 11, 30), None)
    >>> deadline_date("2026年3月至2027年6月", None), deadline_date("长期坚持", 2026), deadline_date("年底前", None)
    (datetime.date(2027, 6, 30), None, None)
    """
    found = None
    current_year = year
    for match in _TIME.finditer(text):
        if not match.group(0):
            continue
        if match.group("year"):
            current_year = int(match.group("year"))
        if current_year is None:
            continue
        end = _last_day(match, current_year)
        if end is not None:
            found = end
    return found


def _int(numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else chinese_to_int(numeral)


def _last_day(match: re.Match, year: int) -> datetime.date | None:
    if match.group("half"):
        return datetime.date(year, 6, 30) if match.group("half") == "上半年" else datetime.date(year, 12, 31)
    if match.group("quarter"):
        quarter = _int(match.group("quarter"))
        month = 3 * quarter
        return datetime.date(year, month, calendar.monthrange(year, month)[1])
    if match.group("month"):
        month = _int(match.group("month"))
        if not 1 <= month <= 12:
            return None
        last = calendar.monthrange(year, month)[1]
        if match.group("day"):
            day = _int(match.group("day"))
            return datetime.date(year, month, day) if 1 <= day <= last else None
        return datetime.date(year, month, _PART_DAYS.get(match.group("part") or "", last))
    if match.group("year"):  # 2026年, 2026年底, 2026年全年
        return datetime.date(year, 12, 31)
    if match.group("year_end") in ("年底", "年末", "年内"):  # 年底前, 年内: the plan's year
        return datetime.date(year, 12, 31)
    return None  # 全年推进 names no time; 底 alone (兜底) is no year's end

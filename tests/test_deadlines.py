"""kg.extract.deadlines (its docstring examples run in test_doctests.py)."""

import datetime

from kg.extract.deadlines import deadline_date, find_deadline


def test_the_last_day_each_way_of_writing_a_time_allows():
    cases = {
        "2026年12月底前": datetime.date(2026, 12, 31),
        "2026年2月": datetime.date(2026, 2, 28),
        "2028年2月底": datetime.date(2028, 2, 29),  # a leap year
        "十月底": datetime.date(2026, 10, 31),  # the plan's year
        "6月中旬": datetime.date(2026, 6, 20),
        "2026年第二季度": datetime.date(2026, 6, 30),
        "2026年下半年": datetime.date(2026, 12, 31),
        "2026年6月、2026年12月": datetime.date(2026, 12, 31),  # of several times, the last
        "2026—2027年": datetime.date(2027, 12, 31),
        "2027年": datetime.date(2027, 12, 31),
    }
    assert {text: deadline_date(text, 2026) for text in cases} == cases


def test_texts_that_name_no_time_give_no_date():
    for text in ("全年推进", "长期坚持", "持续推进", "按进度推进", "兜底保障", "2月30日", "13月"):
        assert deadline_date(text, 2026) is None, text
    assert deadline_date("12月底", None) is None  # no year anywhere: no date


def test_the_deadline_label_ends_at_the_next_label_or_separator():
    assert find_deadline("牵头单位:市商务局;完成时间:2026年6月底;责任领导:张三") == "2026年6月底"
    assert find_deadline("牵头单位:市商务局;推进时限:2026年6月底责任领导:张三") == "2026年6月底"
    assert find_deadline("责任单位:市商务局【完成时限】2026年9月") == "2026年9月"
    assert find_deadline("牵头单位:市商务局;责任单位:市财政局") is None

"""Metric phrase -> indicator: the name under which promises and results are compared.

The rules are data (kg/data/indicators.yaml); this module only applies them, in
order: drop bracketed asides for the ambiguity check, refuse ambiguous phrases,
apply spelling replacements, drop examples before 等, strip reporting words at
either end.  A phrase it cannot name gives ``None``: the fact keeps its metric
phrase but is compared with nothing, rather than merged carelessly.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from .datafiles import read_yaml

_BRACKETS = re.compile(r"[(（][^()（）]*[)）]")
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9.]*")  # PM2.5, PM10


@lru_cache(maxsize=None)
def rules() -> dict:
    """kg/data/indicators.yaml, its suffixes with the change words of kg/data/changes.yaml added (基础养老金
    提高到…: what changes is measured); not 到 and 至 alone, which end names (直达到)."""
    config = dict(read_yaml("indicators.yaml"))
    changes = [word for word in read_yaml("changes.yaml")["change_words"] if len(word) > 1]
    config["strip_suffix"] = list(dict.fromkeys(config["strip_suffix"] + changes))
    return config


def _strip(name: str, prefixes: list[str], suffixes: list[str]) -> str:
    """``name`` without the words of how it was reached or promised; "" when it held nothing else
    (力争达到: another figure for the quantity before it)."""
    changed = True
    while changed and name:
        changed = False
        for word in prefixes:
            if name.startswith(word):
                name, changed = name[len(word):], True
        for word in suffixes:
            if name.endswith(word):
                name, changed = name[:-len(word)], True
    return name.strip(" ,，:：\"“”")


def is_bare(metric: str) -> bool:
    """Is the phrase only a change word (增长), so that its subject must come from context?"""
    config = rules()
    name = _strip(metric.strip(), config["strip_prefix"], config["strip_suffix"])
    return not name or name in config["bare"]


def indicator_name(metric: str) -> str | None:
    """The normalised indicator of a metric phrase, or None when the phrase is ambiguous or empty.

    >>> indicator_name("全年地区生产总值增长"), indicator_name("GDP增速")
    ('地区生产总值增长', '地区生产总值增长')
    >>> indicator_name("新开工锐科光纤激光等亿元以上工业项目")
    '新开工亿元以上工业项目'
    >>> indicator_name("汽车、家电零售额分别增长") is None
    True
    """
    config = rules()
    name = metric.strip()
    if not name:
        return None
    name = re.sub("[\"“”‘’]", "", name)  # quotes mark a name inside the phrase; keep the words
    for old, new in config["replace"]:
        name = name.replace(old, new)
    name = _strip(name, config["strip_prefix"], config["strip_suffix"])
    if "等" in name:
        head, _, tail = name.partition("等")
        verb = next((v for v in sorted(config["example_verbs"], key=len, reverse=True) if head.startswith(v)), "")
        name = verb + tail if tail else name
    if any(word in _BRACKETS.sub("", name) for word in config["ambiguous"]):
        return None
    name = _strip(name, config["strip_prefix"], config["strip_suffix"])
    for old, new in config.get("prefix_replace") or []:
        if name.startswith(old):
            name = new + name[len(old):]
    if not name or name in config["bare"] or len(name) < 2:
        return None
    return name


def respective_indicators(metric: str, count: int) -> list[str] | None:
    """The indicators of ``count`` figures that one phrase gives respectively (A、B分别增长8.6%和3.2%),
    in order; None unless the phrase names as many subjects.

    >>> respective_indicators("规模以上工业增加值、进出口总额分别增长和", 2)
    ['规模以上工业增加值增长', '进出口总额增长']
    >>> respective_indicators("城镇和农村居民人均可支配收入分别增长", 2)  # 城镇 borrows the rest of the name
    ['城镇居民人均可支配收入增长', '农村居民人均可支配收入增长']
    >>> respective_indicators("PM2.5、PM10平均浓度分别下降", 2)
    ['PM2.5平均浓度下降', 'PM10平均浓度下降']
    >>> respective_indicators("汽车、家电零售额分别增长", 3), respective_indicators("老旧小区改造、物业纠纷等案件量分别下降", 2)
    (None, None)
    """
    subjects, respectively, change = metric.partition("分别")
    names = [name for name in re.split("、|和|及|与", subjects.strip()) if name]
    if not respectively or count < 2 or len(names) != count or "等" in subjects:
        return None  # 老旧小区改造、私搭乱建等案件量: kinds of one measure, not measures
    last = names[-1]
    code = _CODE.match(last)
    # a subject that is only the modifier of the last (城镇 of 农村居民人均可支配收入, PM2.5 of
    # PM10平均浓度) takes the rest of it
    names = [name + last[code.end():] if code and _CODE.fullmatch(name) and name != last
             else name + last[len(name):] if len(name) <= 2 < len(last) else name for name in names]
    change = change.strip(" ,，和、及与")
    found = [indicator_name(name + change) for name in names]
    return None if None in found else found


def with_subject(metric: str, subject_indicator: str) -> str:
    """A bare change phrase (增长) completed by the subject of the quantity before it.

    >>> with_subject("增长", "地区生产总值"), with_subject("比上年增长", "地区生产总值")
    ('地区生产总值增长', '地区生产总值增长')
    >>> with_subject("力争", "地区生产总值增长")  # 增长6%以上,力争达到7%: a higher figure, same indicator
    '地区生产总值增长'
    """
    config = rules()
    change = _strip(metric.strip(), config["strip_prefix"], config["strip_suffix"])
    if not change:
        return subject_indicator
    subject = subject_indicator
    for word in config["bare"]:
        if subject.endswith(word):
            subject = subject[:-len(word)]
    return indicator_name(subject + change) or subject + change


def lower_is_better(indicator: str) -> bool:
    """Is a smaller figure better? 居民消费价格涨幅, 城镇调查失业率 yes; 单位GDP能耗下降 no (its figure is
    the size of the decrease), nor 城镇新增就业.

    >>> [lower_is_better(i) for i in ("居民消费价格涨幅", "城镇调查失业率", "单位地区生产总值能耗下降", "城镇新增就业")]
    [True, True, False, False]
    """
    if indicator.endswith(tuple(rules()["decrease_endings"])):
        return False
    return any(word in indicator for word in rules()["lower_is_better"])


def is_rate(unit: str) -> bool:
    return unit in rules()["rate_units"]


def base_unit(unit: str) -> tuple[str, Decimal]:
    """The unit without its magnitude word and the factor it stood for.

    >>> base_unit("万人"), base_unit("%"), base_unit("万亿元")
    (('人', Decimal('10000')), ('%', Decimal('1')), ('元', Decimal('1000000000000')))
    """
    magnitudes = rules()["magnitudes"]
    for word in sorted(magnitudes, key=len, reverse=True):
        if unit.startswith(word) and len(unit) > len(word):
            return unit[len(word):], Decimal(str(magnitudes[word]))
    return unit, Decimal(1)

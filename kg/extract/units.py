"""Read lists of unit names: ``市发改委、市经信局,各区人民政府〈含…,下同〉``.

Handles the separators plans use (``、`` ``,`` ``，`` ``;`` and a stray ``.``),
shorthand (``江汉、硚口、黄陂区人民政府`` is three district governments,
``东湖高新区、武汉经开区管委会`` two committees), hosted offices (``X〈Y〉``) and
qualifiers that define a collective's members (``各区人民政府〈含…,下同〉``).
"""

from __future__ import annotations

import re

from ..datafiles import read_yaml
from ..model import UnitMention

OPEN = "〈<(《【"
CLOSE = "〉>)》】"
SEPARATORS = "、,，;；/"  # 市经信局/市科技局 as well

# what ends the name of an organisation; a list element without one is "bare" shorthand
_ORG_SUFFIX = re.compile(
    r"(局|委|办|办公室|会|院|部|厅|府|集团|公司|中心|社|联|站|所|队|处|行|团|馆|校|室|组|单位|署|司|台|報|报|军|区队)$")
# what a shorthand element borrows: the government suffix of the next full element
_GOV_SUFFIX = re.compile(r"(人民政府|政府|管委会|管理委员会|党工委|工委)$")
_PLACE_MARKER = re.compile(r"(新区|开发区|经开区|高新区|风景区|区|县|市|镇|乡|街道)$")
# names that are not place shorthand even without an organisation suffix
_NOT_PLACE = re.compile(r"^(市|省|各|有关|相关)|部门|单位|政府|成员")
_MEMBERS_PREFIX = re.compile(r"^(含|包含|包括|其中)")
_TRAILING = re.compile(r"(等单位|等部门|等有关单位|等)$")
# a list's connecting word before a name, and 由 of (由市发改委牵头,…)
_LEADING = re.compile(r"^(和|及|以及|与|由)")
# a connecting word between two names of one list element (市经信局及各区人民政府)
_CONJUNCTION = re.compile(r"以及|及|和|与")
_SAME_BELOW = re.compile(r"[,，;；]?\s*(下同|以下同)\s*$")
# a unit's name starting with its level (省财政厅, 市商务局, 州发改委: kg/data/jurisdictions.yaml);
# 市场/市政/区域/旗舰… start words, not units
_LEVEL = f"(?:{'|'.join(read_yaml('jurisdictions.yaml')['unit_levels'])})(?!场|政|容|域|级|属|内|外|舰)"
# the start of a unit's name after another's in a list whose separating spaces reading removed
# (省发展改革委 省财政厅 -> 省发展改革委省财政厅)
_NEXT_UNIT = re.compile(f"{_LEVEL}|团[省市县区]|各(?!部门|单位|有关|相关|成员|处室|科室)")
# endings that also end common words before 区/市 (社区, 电台, 报社): no unit ends there in a joined name
_WEAK_ENDINGS = ("社", "报", "報", "台", "军", "单位")


def split_top_level(text: str) -> list[tuple[int, int]]:
    """Spans of the elements of a list, split at separators outside brackets.

    A ``.`` splits only between two CJK characters (``市农业农村局.各区人民政府``).

    >>> t = "市发改委、市教育局,各区人民政府〈含A、B,下同〉"
    >>> [t[a:b] for a, b in split_top_level(t)]
    ['市发改委', '市教育局', '各区人民政府〈含A、B,下同〉']
    """
    spans = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and (ch in SEPARATORS or (ch == "." and _between_cjk(text, i))):
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _between_cjk(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and _is_cjk(text[i - 1]) and _is_cjk(text[i + 1])


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _trailing_group(element: str, opens: str, closes: str) -> tuple[str, str] | None:
    """``(before, inside)`` of the bracket group that closes ``element`` (nested groups kept inside), else None."""
    if not element or element[-1] not in closes:
        return None
    depth = 0
    for i in range(len(element) - 1, -1, -1):
        if element[i] in closes:
            depth += 1
        elif element[i] in opens:
            depth -= 1
            if depth == 0:
                return element[:i].strip(), element[i + 1:-1].strip()
    return None


def _split_bracket(element: str) -> tuple[str, str | None]:
    """``X〈Y〉`` -> (X, Y); an element without a trailing bracket -> (element, None)."""
    element = element.strip()
    return _trailing_group(element, "〈<", "〉>") or (element, None)


def _split_note(element: str) -> tuple[str, str | None]:
    """``X(Y)`` -> (X, Y) when X is a unit's name and the bracket closes the element; else (element, None).

    >>> _split_note("市公安局(交管局)"), _split_note("中国(湖北)自由贸易试验区武汉片区管委会")
    (('市公安局', '交管局'), ('中国(湖北)自由贸易试验区武汉片区管委会', None))
    """
    element = element.strip()
    group = _trailing_group(element, "(（", ")）")
    if group is None or not looks_like_unit(clean_name(group[0])):
        return element, None
    return group


def _names_one_unit(name: str) -> bool:
    """Whether a name in brackets after a unit names one unit of its own (交管局, 市新闻办), not a kind
    (单位, 各分局, 有关处室) or the legal form of a company (有限公司).

    >>> [_names_one_unit(n) for n in ("交管局", "市新闻办", "单位", "各分局", "有限公司", "市本级")]
    [True, True, False, False, False, False]
    """
    return looks_like_unit(name) and len(name) > len(org_suffix(name)) and not re.match(r"各|有关|相关|其他|所属", name) \
        and not name.endswith(("有限公司", "责任公司", "股份公司"))


def clean_name(name: str) -> str:
    """Strip connecting words and ``等`` from a unit name.

    >>> clean_name("及市公安局等")
    '市公安局'
    """
    name = re.sub(r"\s+", "", name)
    name = _LEADING.sub("", name)
    name = _TRAILING.sub("", name)
    return name.strip("。.:：")


def looks_like_unit(name: str) -> bool:
    """A name ending as an organisation does (市财政局, 各区人民政府, 市各有关部门): what a role
    sentence outside brackets must list, so that task text is never read as units.

    >>> looks_like_unit("市人力资源社会保障局"), looks_like_unit("市各有关部门"), looks_like_unit("加强组织领导")
    (True, True, False)
    """
    return bool(_ORG_SUFFIX.search(name)) or name.endswith("部门")


def org_suffix(name: str) -> str:
    """The ending that makes ``name`` look like an organisation ("" when none does).

    >>> org_suffix("市政府办公室"), org_suffix("市财政局"), org_suffix("加强组织领导")
    ('办公室', '局', '')
    """
    longer = next((ending for ending in _LONG_ORG_ENDINGS if name.endswith(ending)), None)
    if longer:
        return longer
    match = _ORG_SUFFIX.search(name)
    return match.group(0) if match else ""


# whole endings of which _ORG_SUFFIX sees only the last character (厅 of 办公厅)
_LONG_ORG_ENDINGS = ("领导小组办公室", "人民政府", "领导小组", "工作专班", "委员会", "管委会", "办公厅", "办公室",
                     "指挥部", "部门")


def is_bare(name: str) -> bool:
    """A list element that is shorthand (a place name without an organisation suffix)."""
    return (bool(name) and len(name) <= 8 and not _ORG_SUFFIX.search(name)
            and not _NOT_PLACE.search(name))


def expand_shorthand(bare: str, full: str) -> str | None:
    """Complete ``bare`` from the suffix of the ``full`` element that follows it.

    >>> expand_shorthand("江汉", "黄陂区人民政府"), expand_shorthand("东湖高新区", "武汉经开区管委会")
    ('江汉区人民政府', '东湖高新区管委会')
    """
    suffix = _GOV_SUFFIX.search(full)
    if not suffix:
        return None
    place = full[:suffix.start()]
    if _PLACE_MARKER.search(bare):
        return bare + suffix.group(1)
    marker = _PLACE_MARKER.search(place)
    if not marker:
        return bare + suffix.group(1)
    return bare + marker.group(1) + suffix.group(1)


_LEVEL_START = re.compile(f"^{_LEVEL}")
_LEAD_MARK = re.compile(r"[(（〔\[](?:牵头|牵头单位)[)）〕\]]$")


def heading_units(title: str) -> list[UnitMention]:
    """The units a part or section heading names when it names nothing else (一、市发展和改革委员会,
    (二)市商务局(牵头)): a plan that lists each unit's tasks under it. Offsets are into ``title``.

    >>> [m.name for m in heading_units("市发展和改革委员会")], [m.name for m in heading_units("市商务局、市文旅局(牵头)")]
    (['市发展和改革委员会'], ['市商务局', '市文旅局'])
    >>> heading_units("扩大有效需求"), heading_units("市场主体倍增工程"), heading_units("加强政府自身建设")
    ([], [], [])
    """
    title = _LEAD_MARK.sub("", title.strip())
    if not title or len(title) > 40 or any(ch in title for ch in "。:：;；"):
        return []
    mentions = read_unit_list(title)
    if mentions and all(_LEVEL_START.match(m.name) and looks_like_unit(m.name) for m in mentions):
        return mentions
    return []


def split_joined(name: str) -> list[str]:
    """The units of a name that is several joined (a list parted by spaces, which reading removes
    between Chinese characters): each part ends as an organisation does and the next starts with
    a level (省, 市, 州, 盟, 旗, 县, 区, 各). A part is at least three characters: 市委市政府督查室 is one name.

    >>> split_joined("省发展改革委省财政厅"), split_joined("市委宣传部市文旅局团市委")
    (['省发展改革委', '省财政厅'], ['市委宣传部', '市文旅局', '团市委'])
    >>> split_joined("市委市政府督查室"), split_joined("市交通运输局市政工程处"), split_joined("县市场监管局")
    (['市委市政府督查室'], ['市交通运输局市政工程处'], ['县市场监管局'])
    >>> split_joined("市人民政府各部门"), split_joined("市发改委各区人民政府"), split_joined("街道社区卫生服务中心")
    (['市人民政府各部门'], ['市发改委', '各区人民政府'], ['街道社区卫生服务中心'])
    >>> split_joined("盟发展改革委盟财政局"), split_joined("黔东南州发改委")
    (['盟发展改革委', '盟财政局'], ['黔东南州发改委'])
    """
    for match in _NEXT_UNIT.finditer(name, 3):
        head, rest = name[:match.start()], name[match.start():]
        if len(rest) >= 3 and org_suffix(head) not in ("", *_WEAK_ENDINGS) and looks_like_unit(rest):
            return [head] + split_joined(rest)
    return [name]


def split_conjoined(name: str) -> list[str]:
    """The units of a name that is two joined by 及, 以及, 和 or 与: the part before ends as an
    organisation does and the part after is a unit's name. 和 inside a name stays.

    >>> split_conjoined("市经信局及各区人民政府"), split_conjoined("市财政局和市自然资源规划局")
    (['市经信局', '各区人民政府'], ['市财政局', '市自然资源规划局'])
    >>> split_conjoined("市发展和改革委员会"), split_conjoined("市卫健委及有关部门"), split_conjoined("市科技和经信局")
    (['市发展和改革委员会'], ['市卫健委', '有关部门'], ['市科技和经信局'])
    """
    for match in _CONJUNCTION.finditer(name, 2):
        head, rest = name[:match.start()], name[match.end():]
        if len(rest) >= 3 and org_suffix(head) not in ("", *_WEAK_ENDINGS) and looks_like_unit(rest):
            return [head] + split_conjoined(rest)
    return [name]


def read_unit_list(text: str, offset: int = 0) -> list[UnitMention]:
    """Every unit named in a list, in order, with offsets (``offset`` + position in ``text``).

    >>> [m.name for m in read_unit_list("江汉、硚口、黄陂区人民政府")]
    ['江汉区人民政府', '硚口区人民政府', '黄陂区人民政府']
    >>> m = read_unit_list("市城市数字公共基础设施建设工作领导小组办公室〈市公安局〉")[0]
    >>> m.name, m.host
    ('市城市数字公共基础设施建设工作领导小组办公室', '市公安局')
    """
    mentions: list[UnitMention] = []
    for start, end in split_top_level(text):
        element = text[start:end]
        lead_ws = len(element) - len(element.lstrip())
        name, bracket = _split_bracket(element)
        note = None
        if bracket is None:  # 市公安局(交管局), 各区人民政府(含开发区管委会), 市财政局(市本级)
            name, note = _split_note(element)
        mention = UnitMention(name=clean_name(name), start=offset + start + lead_ws, end=offset + end)
        if note is not None:
            mention.end = offset + start + lead_ws + len(name)
        if bracket is not None or note is not None:
            qualifier = bracket if bracket is not None else note
            if _MEMBERS_PREFIX.match(qualifier):
                members_text = _SAME_BELOW.sub("", _MEMBERS_PREFIX.sub("", qualifier))
                mention.members = [m.name for m in read_unit_list(members_text)]
            elif bracket is not None:
                mention.host = clean_name(bracket)
            else:  # a unit inside the one named, doing its part (交管局), or a note on the role (市本级)
                inside = [m.name for m in read_unit_list(note)]
                if inside and all(_names_one_unit(part) for part in inside):
                    mention.within = inside
        if not mention.name:
            continue
        leading = _LEADING.match(name.lstrip()[:2])
        if leading:  # the name starts after 由, 及 …
            mention.start += len(leading.group(0))
        if "及" in mention.name or "和" in mention.name or "与" in mention.name:
            parts = [part for whole in split_conjoined(mention.name) for part in split_joined(whole)]
        else:
            parts = split_joined(mention.name)
        *joined, mention.name = parts
        for part in joined:  # 省发展改革委 省财政厅: one element of the list, two units
            mentions.append(UnitMention(name=part, start=mention.start, end=mention.start + len(part)))
            mention.start += len(part)
        example, _, category = mention.name.rpartition("等")
        if example and len(category) >= 2 and not mention.members:
            # 武汉城发集团等市属国企: the category is a collective, the example one of its members
            mentions.append(UnitMention(name=example, start=mention.start, end=mention.start + len(example)))
            mention.name, mention.members = category, [example]
            mention.start += len(example) + 1
        mentions.append(mention)
    _expand_runs(mentions)
    return mentions


def _expand_runs(mentions: list[UnitMention]) -> None:
    """Give each run of bare elements the suffix of the full element that closes it."""
    pending: list[UnitMention] = []
    for mention in mentions:
        if is_bare(mention.name) and not mention.members and mention.host is None:
            pending.append(mention)
            continue
        for bare in pending:
            expanded = expand_shorthand(bare.name, mention.name)
            if expanded:
                bare.expanded_from = bare.name
                bare.name = expanded
        pending = []

"""Tell a document's kind (plan, city report, district report, news) and who issued it.

The signals are data (kg/data/document_kinds.yaml); ``--kind`` overrides them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .datafiles import read_yaml
from .districts import district_named, district_rows
from .errors import InputError
from .model import DocumentInfo
from .read import SourceText, rewrite

KINDS = ("plan", "city_report", "district_report", "news")

# an administrative name ends in 市/区 and is followed by the organ it names
_CITY_END = re.compile(
    r"市(?=人民政府|人大|政府|委|第[一二三四五六七八九十]+届|《政府工作报告》|(?:19|20)\d\d年|[\u4e00-\u9fff]{1,8}[区县旗](?:人民政府|第|(?:19|20)\d\d年))")
# 市 starting a word (市长, 市场, 市级 …), not ending a city's name
_NOT_CITY_END = "(?![长场级民委区内外属直域政])"
_ANY_CITY_END = re.compile(f"市{_NOT_CITY_END}")
_DISTRICT_END = re.compile(r"区(?=人民政府|第[一二三四五六七八九十]+届人民代表大会)")
# what follows a jurisdiction's name in a title (武昌区2026年…, 江南省人民政府…, 阿拉善盟2026年…)
# or in the line a report was made at (在青原县第十八届人民代表大会…); the level words are data
# (kg/data/jurisdictions.yaml)
_AFTER_TITLE = r"(?:19|20)\d\d年|人民政府|政府|行政公署|《政府工作报告》"
_CONGRESS = r"第[一二三四五六七八九十]+届人民代表大会"
# characters that end a preceding phrase (…日在武汉市, 湖北省武汉市, 恩施州恩施市): a place name starts after one
_STOP = set("在于日年月向对的和与及是为关了各全省市区州县盟旗—-") | set("，,。:：;；、()（）“”\"《》 \n\t")
# characters no place name holds; 州, 关, 日, 和 end phrases but are in names too (广州, 韶关, 日照, 和田)
_NOT_IN_NAME = _STOP - set("日和关全州")
_DATE = re.compile(r"(20\d\d|19\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"(?<!\d)(20\d\d|19\d\d)\s*年")
_CITY_ABBREVIATION = re.compile(r"^([\u4e00-\u9fff])政[\[〔(]\d{4}[\]〕)]")


@lru_cache(maxsize=None)
def _levels() -> dict:
    return read_yaml("jurisdictions.yaml")


@lru_cache(maxsize=None)
def _level_pattern(tiers: tuple[str, ...], after: str, congress: bool = False) -> re.Pattern:
    """The level words of ``tiers`` (longest first) followed by ``after``; with ``congress``, only
    the levels that hold a people's congress."""
    levels = [word for tier in tiers for word in _levels()[tier]]
    if congress:
        levels = [word for word in levels if word in _levels()["with_congress"]]
    words = "|".join(sorted(levels, key=len, reverse=True))
    return re.compile(f"(?:{words})(?={after})")


@lru_cache(maxsize=None)
def _kind_rules():
    config = read_yaml("document_kinds.yaml")
    rules = {}
    for kind, spec in config["kinds"].items():
        signals = [(re.compile(s["pattern"]), s["weight"], s["cap"], s["window"]) for s in spec["signals"]]
        rules[kind] = (spec["min_score"], signals)
    return rules


def kind_scores(text: str) -> dict[str, int]:
    scores = {}
    for kind, (_, signals) in _kind_rules().items():
        score = 0
        for pattern, weight, cap, window in signals:
            sample = text[:window] if window else text
            count = 0
            for _ in pattern.finditer(sample):
                count += 1
                if count >= cap:
                    break
            score += weight * count
        scores[kind] = score
    return scores


def detect_kind(text: str) -> str:
    """The kind whose signals score highest, if it reaches its minimum; InputError otherwise."""
    scores = kind_scores(text)
    rules = _kind_rules()
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], KINDS.index(kv[0])))
    for kind, score in ranked:
        if score >= rules[kind][0]:
            if kind == "city_report" and scores["district_report"] >= rules["district_report"][0]:
                return "district_report"
            return kind
    raise InputError("unknown kind of document (not a plan, report or news feed; use --kind to say)")


@lru_cache(maxsize=None)
def _boilerplate() -> re.Pattern:
    patterns = read_yaml("document_kinds.yaml").get("boilerplate") or []
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.M)


def strip_boilerplate(source: SourceText) -> SourceText:
    r"""The document without website banners and navigation lines (kg/data/document_kinds.yaml).

    The lines are emptied, not the text around them moved: the returned
    SourceText keeps mapping offsets back to the original file.

    >>> from kg.read import read_text
    >>> strip_boilerplate(read_text("更多数据尽在某网站\n政府工作报告\n")).text
    '\n政府工作报告\n'
    """
    text, offset_map = rewrite(source.text, _boilerplate(), "")
    if text == source.text:
        return source
    return SourceText(path=source.path, raw=source.raw, text=text, encoding=source.encoding,
                      maps=list(source.maps) + [offset_map])


def report_years(text: str) -> list[int]:
    r"""The years a report speaks of: the year its review part looks back on and the year it plans.

    >>> report_years("各位代表:\n一、2023年工作回顾\n好。\n二、2024年重点工作\n做。")
    [2023, 2024]
    """
    from .segment_reports import layout_report

    layout = layout_report(text)
    return sorted({y for y in (layout.review_year, layout.plan_year) if y})


def classify(source: SourceText, kind: str | None = None) -> DocumentInfo:
    """Kind, title, issuer, jurisdiction, date and years of a document."""
    source = strip_boilerplate(source)
    text = source.text
    detected = kind or detect_kind(text)
    head = text[:3000]
    info = DocumentInfo(kind=detected, kind_forced=kind is not None)
    info.title, notice_issuer = _issued_title(_title(head))
    region, tier = None, ""
    if not place_name(info.title, _CITY_END):
        region, tier = _region(info.title, head)
    # a province's or prefecture's own document: its units (省发展改革委, 州财政局) are its own, never
    # those of a city it names
    city = None if region else place_name(head, _CITY_END) or _title_city(info.title) \
        or most_named_place(text[:20000], _ANY_CITY_END)
    info.jurisdiction = city + "市" if city else region or city_of_districts(text[:20000]) or ""
    district = place_name(head, _DISTRICT_END) if detected == "district_report" else None
    district = district and district + "区"
    if not district and detected in ("city_report", "district_report"):
        district = place_with_level(head, _level_pattern(("county",), _CONGRESS, congress=True))
    plan_district = _titled_district(info.title) if detected == "plan" else None
    if tier != "province" and (plan_district or district):
        # a district's (or county's, or zone's) own document: its units (区发改局, 县财政局, 招商局) and its
        # figures (地区生产总值) are the district's, not the city's, so the district is its jurisdiction
        info.jurisdiction = _within_city(plan_district or district, info.jurisdiction)
    if info.jurisdiction:
        info.issuer = info.jurisdiction + _organ(info.jurisdiction, info.title, plan_district or district)
    if notice_issuer and (not info.jurisdiction or notice_issuer.startswith(info.jurisdiction)):
        info.issuer = notice_issuer  # 宜昌市人民政府办公室, which issued it
    info.date = issue_date(text[:6000])
    info.years = _title_years(info.title) or \
        sorted({int(y) for y in _YEAR.findall(head)})[:3]
    if detected in ("city_report", "district_report"):
        info.years = report_years(text) or info.years
    elif detected == "news":
        _describe_feed(info, text)
    return info


def _describe_feed(info: DocumentInfo, text: str) -> None:
    """A feed's title is its most used tag (【武汉招商】), its years those of its articles' dates."""
    from .segment_reports import news_articles

    articles = news_articles(text)
    tags: dict[str, int] = {}
    for article in articles:
        if article.tag:
            tags[article.tag] = tags.get(article.tag, 0) + 1
    if tags:
        # the feed's column (【武汉招商】) publishes it; no government issues a news feed
        info.title = info.issuer = max(sorted(tags), key=tags.get).strip("【】")
    dates = sorted(a.date for a in articles if a.date)
    if dates:
        info.years = sorted({int(d[:4]) for d in dates})
        info.date = dates[-1]


_TITLE_CITY = re.compile(f"^([\u4e00-\u9fff]{{2,4}}?)市{_NOT_CITY_END}")
_YEAR_RANGE = re.compile(r"((?:19|20)\d\d)\s*[—\-–~至到]\s*((?:19|20)\d\d)\s*年")


def _title_city(title: str) -> str | None:
    """The city a title opens with (黄石市优化营商环境…清单: 黄石), whatever follows it.

    >>> _title_city("黄石市优化营商环境重点任务责任清单"), _title_city("市场监管重点工作"), _title_city("关于印发…的通知")
    ('黄石', None, None)
    """
    match = _TITLE_CITY.match(title)
    return match.group(1) if match else None


def _title_years(title: str) -> list[int]:
    """The years a title names: each year of a range (2025—2026年: both), and any other.

    >>> _title_years("黄石市…责任清单(2025—2026年)"), _title_years("武汉市2025年…方案")
    ([2025, 2026], [2025])
    """
    years = {int(y) for y in _YEAR.findall(title)}
    for first, last in _YEAR_RANGE.findall(title):
        if 0 <= int(last) - int(first) <= 10:
            years.update(range(int(first), int(last) + 1))
    return sorted(years)


def _titled_district(title: str) -> str | None:
    """The district, county or function zone a plan's title names, with its level (青原县2026年… -> 青原县).

    >>> _titled_district("武昌区2026年政府工作报告重点任务分解方案"), _titled_district("青原县2026年政府工作报告目标任务分解")
    ('武昌区', '青原县')
    >>> _titled_district("鄂尔多斯市达拉特旗2026年重点任务分解方案"), _titled_district("襄阳高新技术产业开发区管委会2026年重点工作")
    ('达拉特旗', '襄阳高新技术产业开发区')
    """
    organs = "|".join(_levels()["zone_organs"])
    return place_with_level(title, _level_pattern(("county", "zone"), f"{_AFTER_TITLE}|{organs}"))


def _organ(jurisdiction: str, title: str, district: str | None) -> str:
    """The organ a jurisdiction's documents come from: 人民政府, that of a level that has none (地区:
    行政公署, 开发区: 管委会), or the committee a 新区's title or gazetteer row names (长江新区管委会;
    浦东新区 has a 人民政府).

    >>> _organ("武汉市武昌区", "", "武昌区"), _organ("某市滨江新区", "滨江新区管委会2026年…", "滨江新区"), _organ("上海市浦东新区", "", "浦东新区")
    ('人民政府', '管委会', '人民政府')
    """
    organs = _levels()["zone_organs"]
    if district:
        named = next((organ for organ in organs if f"{district}{organ}" in title), None)
        row = district_named(district)
        government = (row or {}).get("government") or ""
        named = named or next((organ for organ in organs if government.endswith(organ)), None)
        if named:
            return organs[0] if named == "管理委员会" else named
    return next((o for level, o in _levels()["government"].items() if jurisdiction.endswith(level)),
                _levels()["organs"][0])


def _within_city(name: str, city: str) -> str:
    """The jurisdiction of a district, county or zone ``name`` a document of ``city`` ("" if unknown)
    is about: the gazetteer's (武汉东湖新技术开发区 -> 武汉市东湖高新区), else the city's with the city
    named once (襄阳高新技术产业开发区 of 襄阳市 -> 襄阳市高新技术产业开发区).

    >>> _within_city("武汉东湖新技术开发区", ""), _within_city("襄阳高新技术产业开发区", "襄阳市"), _within_city("青原县", "")
    ('武汉市东湖高新区', '襄阳市高新技术产业开发区', '青原县')
    """
    row = district_named(name)
    if row is not None and row.get("jurisdiction") and (not city or row["jurisdiction"] == city):
        return row["jurisdiction"] + row["name"]
    bare_city = city[:-1] if city.endswith("市") else city
    if bare_city and name.startswith(bare_city) and len(name) > len(bare_city) + 1:
        name = name[len(bare_city):]
    return city + name


def _region(title: str, head: str) -> tuple[str | None, str]:
    """``(name, tier)`` of the province or prefecture a title names (江南省2026年…, 阿拉善盟2026年…,
    恩施土家族苗族自治州人民政府…), else of the one whose congress a report was made to.

    >>> _region("广西壮族自治区2026年政府工作报告分工方案", ""), _region("阿拉善盟阿拉善左旗2026年任务分解", "")
    (('广西壮族自治区', 'province'), ('阿拉善盟', 'prefecture'))
    >>> _region("政府工作报告", "在恩施土家族苗族自治州第九届人民代表大会第五次会议上"), _region("武汉市2026年…", "")
    (('恩施土家族苗族自治州', 'prefecture'), (None, ''))
    """
    for tier in ("province", "prefecture"):
        # a prefecture's county-level part may follow it (阿拉善盟阿拉善左旗2026年…)
        after = _AFTER_TITLE if tier == "province" else \
            rf"{_AFTER_TITLE}|[\u4e00-\u9fff]{{1,8}}(?:旗|县)(?:人民政府|(?:19|20)\d\d年)"
        name = place_with_level(title, _level_pattern((tier,), after))
        if name:
            return name, tier
    for tier in ("province", "prefecture"):
        name = place_with_level(head, _level_pattern((tier,), _CONGRESS, congress=True))
        if name:
            return name, tier
    return None, ""


def city_of_districts(text: str) -> str | None:
    """The city whose districts a text names when it names no city (a feed of 洪山区 and 黄陂区 news
    is 武汉市's): two districts of the gazetteer or more, all of one city (kg/data/districts.tsv).

    >>> city_of_districts("洪山区开工…黄陂区签约…"), city_of_districts("青山区开工…"), city_of_districts("")
    ('武汉市', None, None)
    """
    named = {row["name"]: row.get("jurisdiction") or "" for row in district_rows()
             if row.get("kind") == "district" and row["name"] in text}
    cities = set(named.values())
    return next(iter(cities)) if len(named) >= 2 and len(cities) == 1 and "" not in cities else None


def place_name(text: str, end_pattern: re.Pattern) -> str | None:
    """The place named before the first 市/区 that ``end_pattern`` finds, without its 市/区.

    Longest name first (4, 3, 2 characters) that neither starts with nor follows
    inside a word: ``日在武汉市人民政府`` -> 武汉, ``四川省成都市人民政府`` -> 成都.

    >>> place_name("2025年1月16日在武汉市人民政府", _CITY_END)
    '武汉'
    >>> [place_name(t, _CITY_END) for t in ("郑州市人民政府文件", "广东省韶关市人民政府", "湖北省恩施州恩施市人民政府")]
    ['郑州', '韶关', '恩施']
    """
    found = _place(text, end_pattern)
    return found and found[0]


def place_with_level(text: str, end_pattern: re.Pattern) -> str | None:
    """The place ``end_pattern`` finds with the level word it found after it (广西壮族自治区).

    >>> place_with_level("莫力达瓦达斡尔族自治旗2026年…", _level_pattern(("county",), _AFTER_TITLE))
    '莫力达瓦达斡尔族自治旗'
    """
    found = _place(text, end_pattern)
    return found and found[0] + found[1]


def _place(text: str, end_pattern: re.Pattern) -> tuple[str, str] | None:
    """``(name, level word)`` of the first place ``end_pattern`` finds (see :func:`place_name`).

    A name read inside a sentence after a verb (为推动襄阳市委…: 推动襄阳) gives way to its end when the
    text writes that end as a name of its own elsewhere (the title 襄阳高新技术产业开发区…); one that
    opens a line (马鞍山市2026年…, whatever 鞍山 the text names) is taken whole. A leading 中共 is
    the Party's, not the place's (中共宜昌市委办公室).

    >>> _place("襄阳高新区管委会方案。为推动襄阳市委部署落地", _CITY_END), _place("为推动襄阳市委部署落地", _CITY_END)
    (('襄阳', '市'), ('推动襄阳', '市'))
    >>> _place("马鞍山市2026年重点任务分解方案。深化与南京、鞍山等城市合作", _CITY_END), _place("中共宜昌市委办公室", _CITY_END)
    (('马鞍山', '市'), ('宜昌', '市'))
    """
    limits = _levels()["longest_name"]
    for match in end_pattern.finditer(text):
        end = match.start()
        longest = next((n for prefix, n in limits.items() if prefix != "default" and match.group(0).startswith(prefix)),
                       limits["default"])
        for length in range(longest, 0, -1):
            start = end - length
            if start < 0:
                continue
            name = text[start:end]
            if any(ch in _NOT_IN_NAME or not ("\u4e00" <= ch <= "\u9fff") for ch in name):
                continue
            if _starts_word(text, start) and (length >= 2 or end_pattern is _DISTRICT_END):
                if name.startswith(_PARTY) and len(name) > len(_PARTY) + 1:
                    return name[len(_PARTY):], match.group(0)
                in_sentence = start > 0 and text[start - 1] != "\n"
                shorter = next((name[cut:] for cut in range(1, length - 1)
                                if _written_alone(text, name[cut:], start + cut)), None) if in_sentence else None
                return shorter or name, match.group(0)
    return None


_PARTY = "中共"  # 中共宜昌市委: the Party's committee of 宜昌市


def _starts_word(text: str, position: int) -> bool:
    """Whether a name may start at ``position``: the text's start, or after a stop or a non-CJK character."""
    return position == 0 or text[position - 1] in _STOP or not ("\u4e00" <= text[position - 1] <= "\u9fff")


def _written_alone(text: str, name: str, besides: int) -> bool:
    """Whether ``name`` starts a word somewhere in ``text`` other than at ``besides``."""
    return any(_starts_word(text, m.start()) for m in re.finditer(re.escape(name), text) if m.start() != besides)


def most_named_place(text: str, end_pattern: re.Pattern) -> str | None:
    """The place named most often before ``end_pattern`` (a fallback for news and unsigned texts)."""
    counts: dict[str, int] = {}
    for match in end_pattern.finditer(text):
        name = place_name(text[max(0, match.start() - 6):match.end() + 1], end_pattern)
        if name:
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None
    best = max(sorted(counts), key=counts.get)
    return best if counts[best] >= 2 else None


def issue_date(text: str) -> str:
    """The date a document was issued: after ``——`` (a report), alone at a line end (a signature), or the first."""
    candidates = [m for m in _DATE.finditer(text) if real_date(*m.groups())]  # 2月30日 is a typo, not a date
    if not candidates:
        return ""
    chosen = next((m for m in candidates if text[max(0, m.start() - 3):m.start()].strip().endswith("——")), None)
    if chosen is None:
        chosen = next((m for m in candidates if text[m.end():m.end() + 2].strip() == "" or text[m.end()] == "\n"), None)
    if chosen is None:
        chosen = candidates[0]
    year, month, day = chosen.groups()
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def real_date(year: str, month: str, day: str) -> bool:
    """Whether the numbers name a day of the calendar (2月30日 does not)."""
    import datetime

    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _issued_title(title: str) -> tuple[str, str | None]:
    """``(title, issuer)`` of the document a cover notice issues (kg/data/document_kinds.yaml), else
    ``(title, None)``; 《》 around the whole title are dropped.

    >>> _issued_title("宜昌市人民政府办公室关于印发宜昌市2026年《政府工作报告》重点任务分工方案的通知")
    ('宜昌市2026年《政府工作报告》重点任务分工方案', '宜昌市人民政府办公室')
    >>> _issued_title("中共宜昌市委办公室宜昌市人民政府办公室关于印发《宜昌市2026年重点任务清单》的通知")[1]
    '宜昌市人民政府办公室'
    >>> _issued_title("关于印发《某市2026年重点工作任务清单》的通知"), _issued_title("某市2026年重点任务分工方案")
    (('某市2026年重点工作任务清单', None), ('某市2026年重点任务分工方案', None))
    """
    from .extract.units import looks_like_unit

    match = re.match(read_yaml("document_kinds.yaml")["cover_notice"], title)
    if not match:
        return title, None
    issued = match.group("title").strip()
    if issued.startswith("《") and issued.endswith("》") and issued.count("《") == 1:
        issued = issued[1:-1]
    issuer = match.group("issuer")
    # a joint notice (中共宜昌市委办公室 宜昌市人民政府办公室关于…): the government's organ issues the plan
    organs = re.findall(r".+?(?:人民政府办公室|人民政府办公厅|管委会办公室|办公室|办公厅|人民政府|管委会|管理委员会)",
                        issuer or "")
    if len(organs) > 1:
        issuer = next((organ for organ in organs if "政府" in organ or "管委会" in organ), organs[-1])
    return issued, issuer if issuer and looks_like_unit(issuer) else None


def _title(head: str) -> str:
    r"""The document's title: its first line that names a plan or report, without the empty cells after
    it of a table saved as .csv (the title cell of a spreadsheet: 某市…分解表;;;; read as tabs).

    >>> _title("汾阳市2026年重点任务分解表\t\t\t\t\n序号\t重点任务\t牵头单位")
    '汾阳市2026年重点任务分解表'
    """
    for line in head.split("\n"):
        line = line.strip(" -\t")
        if 6 <= len(line) <= 80 and re.search(r"方案|报告|计划|通知|清单|分工", line) and not line.startswith("("):
            return line
    for line in head.split("\n"):
        if re.search("[\u4e00-\u9fff]", line):
            return line.strip()[:80]
    return ""

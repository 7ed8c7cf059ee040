"""Named projects, the companies that build or run them, and the evidence of where they are.

Names are found from their last word (产业园, 天街, 项目 … as PROJECT_SUFFIX entities of
:mod:`kg.nlp`), extended left to the start of the phrase and trimmed of the verbs
that introduce it; and from example lists (甲、乙等N个亿元以上工业项目).  A candidate
that reads as a description or a category (一批重点项目, 千亿级产业园, 推广应用项目80个)
is not a name.  All the word lists are data: kg/data/projects.yaml.

Placement evidence, one record per piece of evidence (the cross-document step
decides, and places nothing when the records disagree):

- ``name``: the name itself holds a district or its alias (武昌滨江天街 -> 武昌区);
- ``sentence``: the sentence says where (位于…, 落户… followed by a district), and
  names that one project, or refers back to it (该项目); in a sentence of several projects,
  a clause (between commas or semicolons) that names one project and one such place;
- ``district_report``: the document is that district's own report and the sentence
  names no other district.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..datafiles import read_tsv, read_yaml
from ..model import Quantity
from ..nlp import Mention, mentions
from ..segment_reports import Sentence

NAME_CHARS = re.compile(r"[\u3400-\u9fffA-Za-z0-9·()（）\-]")


@dataclass
class ProjectMention:
    name: str  # as written, trimmed
    start: int
    end: int
    sentence: Sentence


@dataclass
class Placement:
    project: str  # the project's name as written
    district: str  # canonical district name
    method: str  # name | sentence | district_report
    sentence: Sentence


@dataclass
class OrganisationRole:
    project: str
    company: str
    relation: str  # builtBy | operatedBy
    sentence: Sentence


@dataclass
class Investment:
    """What a project costs, as the sentence says it (总投资120亿元)."""

    project: str
    quantity: Quantity  # offsets into the document's text
    sentence: Sentence


@dataclass
class ProjectFindings:
    projects: list[ProjectMention] = field(default_factory=list)
    companies: list[tuple[str, Sentence]] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    roles: list[OrganisationRole] = field(default_factory=list)
    investments: list[Investment] = field(default_factory=list)


@lru_cache(maxsize=None)
def _config():
    config = read_yaml("projects.yaml")
    config["_reject"] = [re.compile(p) for p in config["reject_patterns"]]
    config["_leading"] = sorted(config["leading_words"] + config["slogans"], key=len, reverse=True)
    config["_phase"] = re.compile(config["phase_suffix"])
    config["_built"] = re.compile(config["built_after_company"])
    config["_operated"] = re.compile(config["operated_after_company"])
    config["_anaphor"] = re.compile(config["anaphor"])
    config["_explicit_anaphor"] = re.compile(config["explicit_anaphor"])
    endings = "|".join(map(re.escape, config["function_zone_endings"]))
    config["_district_name"] = re.compile(rf"^(?:[\u4e00-\u9fff]{{1,3}}[省市])*([\u4e00-\u9fff]{{1,5}}?(?:{endings}|区|县))")
    return config


def _left_edge(text: str, end: int, floor: int) -> int:
    start = end
    while start > floor and (NAME_CHARS.match(text[start - 1]) or _decimal_point(text, start - 1)):
        start -= 1
    return start


def _decimal_point(text: str, position: int) -> bool:
    """A point between digits is part of a name (京东方第8.6代AMOLED生产线项目)."""
    return text[position] == "." and 0 < position < len(text) - 1 and text[position - 1].isdigit() \
        and text[position + 1].isdigit()


def _trim(name: str) -> str:
    """Drop the words that introduce a name (加快推进, 建设 …) and a description ending in 的."""
    config = _config()
    if "的" in name:
        name = name[name.rfind("的") + 1:]
    cut = 0
    # the work a project does, right before 项目, is part of its name (乙烯脱瓶颈改造项目)
    work = config["project_word"] if name.endswith(config["project_word"]) else None
    # a company's legal name before the project is its builder's, not the project's
    for word in config["_leading"] + config["company_legal_endings"]:
        if len(word) >= 2:
            position = name.rfind(word)
            if work and word in config["work_words"] and name.endswith(word + work):
                position = name.rfind(word, 0, len(name) - len(word) - len(work))
            rest = name[position + len(word):]
            # a slogan ends a heading run into a name (…驱动高质量发展乙烯…项目), but it is part of a name
            # when only the ending would be left (阳新县高质量发展产业园)
            if word in config["slogans"] and rest in config["suffixes"]:
                continue
            if position >= 0 and len(rest) >= 2:
                cut = max(cut, position + len(word))
    name = name[cut:]
    changed = True
    while changed:
        changed = False
        for word in config["_leading"]:
            if name.startswith(word) and len(name) > len(word) + 1:
                name, changed = name[len(word):], True
                break
    return name.strip("()（）-·")


def acceptable(name: str, places: set[str]) -> bool:
    """Is ``name`` a proper name rather than a description, a category or a place?

    >>> acceptable("武昌滨江天街", set()), acceptable("一批重点项目", set()), acceptable("千亿级产业园", set())
    (True, False, False)
    """
    config = _config()
    if not config["min_length"] <= len(name) <= config["max_length"]:
        return False
    if name in places or any(word in name for word in config["reject_words"]):
        return False
    if any(p.search(name) for p in config["_reject"]):
        return False
    for suffix in config["suffixes"]:
        if name == suffix or (name.endswith(suffix) and len(name) - len(suffix) < 2):
            return False
    if name.count("(") != name.count(")") or name.count("（") != name.count("）"):
        return False
    return True


def without_project_word(name: str) -> str:
    """A name without the 项目 after an ending that already names a project (…电池基地项目 -> …电池基地);
    other names as they are.

    >>> without_project_word("国轩高科新能源电池基地项目"), without_project_word("中韩石化炼化一体项目")
    ('国轩高科新能源电池基地', '中韩石化炼化一体项目')
    """
    config = _config()
    word = config["project_word"]
    bare = name[:-len(word)]
    if name.endswith(word) and len(bare) >= 6 and bare.endswith(tuple(config["suffixes"])):
        return bare
    return name


def _runs_on(text: str, previous_end: int, start: int, previous_word: str) -> bool:
    """Does the name ended at ``previous_end`` (by ``previous_word``) go on into the suffix at ``start``?"""
    between = text[previous_end:start]
    if _config()["_phase"].match(previous_word):  # a phase ends its name: only a word right after it joins (三期项目)
        return not between
    return previous_word != _config()["project_word"] and not re.search(r"[和与及]", between) \
        and _left_edge(text, start, previous_end) == previous_end


def _followed_by_count(text: str, end: int) -> bool:
    """``推广应用项目80个``, ``老旧小区改造项目新开工65个``: a name followed by a number is a category being counted."""
    words = "|".join(map(re.escape, _config()["counted_after"]))
    return bool(re.compile(rf"\s*(?:{words})?[\d一二三四五六七八九十两]").match(text, end, end + 6))


def find_projects(text: str, sentence: Sentence, ents: list[Mention]) -> list[ProjectMention]:
    """Project names in one sentence of ``text`` (``ents`` are the sentence's ruler mentions).

    >>> from kg.segment_reports import Sentence
    >>> from kg.nlp import mentions
    >>> s = Sentence(0, 22, "加快推进中韩石化炼化一体项目,建设武昌滨江天街等3个消费新地标。")
    >>> [p.name for p in find_projects(s.text, s, mentions(s.text))]
    ['中韩石化炼化一体项目', '武昌滨江天街']
    >>> s = Sentence(0, 30, "北方稀土永磁材料产业园项目落户青山区装备制造产业园区。")
    >>> [p.name for p in find_projects(s.text, s, mentions(s.text))]  # the park after 落户 is where it goes
    ['北方稀土永磁材料产业园项目']
    """
    config = _config()
    places = {m.text for m in ents if m.label == "PLACE"}
    place_starts = {m.start for m in ents if m.label == "PLACE"}
    cue_ends = {m.end for m in ents if m.label == "LOCATIVE"}
    found: dict[tuple[int, int], ProjectMention] = {}
    suffix_ends = [(m.end, m.id) for m in ents if m.label == "PROJECT_SUFFIX"]
    for mention in ents:
        if mention.label != "PROJECT_SUFFIX":
            continue
        # an earlier name's end stops this one, unless it runs on into it (合肥滨湖科学城智能网联汽车
        # 产业园项目, 比亚迪合肥基地三期项目: one name); 项目 or a conjunction (总部和实验园区) always stops it
        phase = bool(config["_phase"].match(mention.id))  # 科创中心三期: only a name just before it runs on
        floor = max([sentence.start] + [end for end, word in suffix_ends if end <= mention.start
                                         and not (end == mention.start if phase
                                                  else _runs_on(text, end, mention.start, word))])
        start = _left_edge(text, mention.start, floor)
        if start == floor > sentence.start and text[start] in "和与及":
            start += 1  # 花山码头二期和长山口垃圾焚烧厂二期: the conjunction joins two names
        raw = text[start:mention.end]
        name = _trim(raw)
        if mention.id in config["weak_suffixes"] and len(name) - len(mention.id) < 2:
            continue
        if phase and name[:-len(mention.id)].endswith(tuple(config["no_phases_of"])):
            continue  # 培训班三期, 招聘活动五期: rounds of an event, not a project's phase
        if mention.id == config["project_word"] and len(name) - len(mention.id) < config["project_word_min_prefix"]:
            continue
        if _followed_by_count(text, mention.end) or not acceptable(name, places):
            continue
        name_start = mention.end - len(name)
        if name_start in cue_ends and (name_start in place_starts or unseen_district(name)):
            continue  # 落户青山区装备制造产业园区: where a project goes, not a project
        found[(name_start, mention.end)] = ProjectMention(name, name_start, mention.end, sentence)
    for item in _list_items(text, sentence, places):
        found.setdefault((item.start, item.end), item)
    # a name inside a longer name (滨江天街 in 武昌滨江天街) is the same mention
    spans = sorted(found, key=lambda s: (s[0], -s[1]))
    kept: list[ProjectMention] = []
    for span in spans:
        if kept and kept[-1].start <= span[0] and span[1] <= kept[-1].end:
            continue
        kept.append(found[span])
    return kept


# what closes a list of named projects: 等 (甲、乙等N个…项目), or a count right after the last name
# (甲、乙和丙三个项目)
_LIST_END = re.compile(r"等|(?<=[\u4e00-\u9fff])(?=(?:[两二三四五六七八九十]|\d{1,3})个)")


def _list_items(text: str, sentence: Sentence, places: set[str]) -> list[ProjectMention]:
    """Items of ``甲、乙等N个…项目`` or ``甲、乙和丙三个项目``: named examples of a counted category of projects.

    >>> text = "签约的临空智慧物流港、盘龙城文化旅游综合体和天河航空产业园三个项目总投资106亿元。"
    >>> [m.name for m in _list_items(text, Sentence(0, len(text), text), set())]
    ['临空智慧物流港', '盘龙城文化旅游综合体', '天河航空产业园']
    """
    config = _config()
    items = []
    for match in _LIST_END.finditer(text[sentence.start:sentence.end]):
        position = sentence.start + match.start()
        clause_end = position
        while clause_end < sentence.end and text[clause_end] not in ",，;；。:：":
            clause_end += 1
        if not any(head in text[position:clause_end] for head in config["list_heads"]):
            continue
        clause_start = position
        while clause_start > sentence.start and text[clause_start - 1] not in ",，;；。:：":
            clause_start -= 1
        cursor = clause_start
        pieces = text[clause_start:position].split("、")
        if match.group(0) != "等":  # 甲、乙和丙三个项目: the last two joined by 和
            *head, last = pieces
            joined = re.split("(?<=[^、])(?:和|及|与)(?=[^、])", last, maxsplit=1)
            pieces = head + joined if head or len(joined) > 1 else []
        for piece in pieces:
            piece_start = text.find(piece, cursor, position)
            cursor = piece_start + len(piece)
            name = _trim(piece)
            if any(name.endswith(s) for s in config["company_suffixes"]):
                continue
            if not acceptable(name, places) or len(name) > 12:
                continue
            end = piece_start + len(piece)
            items.append(ProjectMention(name, end - len(name), end, sentence))
    return items


def find_companies(text: str, sentence: Sentence, ents: list[Mention]) -> list[tuple[str, int, int]]:
    """Company names (ending in 有限公司, 集团 …) in a sentence, as ``(name, start, end)``."""
    config = _config()
    found = []
    previous_end = sentence.start
    endings = [m for m in ents if m.label == "ORG_SUFFIX"]
    project_ends = [m.end for m in ents if m.label == "PROJECT_SUFFIX"]
    for index, mention in enumerate(endings):
        if index + 1 < len(endings) and endings[index + 1].start == mention.end:
            continue  # 湖北文旅集团有限公司: 集团 runs on into the legal form
        # a project's name before it is not the company's (…度假区项目由湖北文旅集团有限公司投资)
        floor = max([previous_end] + [end for end in project_ends if end <= mention.start])
        start = _left_edge(text, mention.start, floor)
        previous_end = mention.end
        name = _trim(text[start:mention.end])
        if len(name) - len(mention.text) >= 2 and not any(w in name for w in config["company_reject_words"]):
            found.append((name, mention.end - len(name), mention.end))
    return found


def _districts_in(ents: list[Mention], start: int, end: int) -> set[str]:
    return {m.id for m in ents if m.label == "PLACE" and start <= m.start and m.end <= end}


def _cue_districts(text: str, ents: list[Mention]) -> set[str]:
    """Districts named right after a locative cue (位于武汉经济技术开发区), or right before one that
    follows its place (在襄州区开工建设); a district of the gazetteer, else one the gazetteer does not
    hold, as written (落户双流区)."""
    gap = _config()["cue_gap"]
    districts = set()
    places = [m for m in ents if m.label == "PLACE"]
    for cue in (m for m in ents if m.label == "LOCATIVE_AFTER"):
        before = _district_before(text, cue, places)
        if before:
            districts.add(before)
    for cue in (m for m in ents if m.label == "LOCATIVE"):
        following = [p for p in places if cue.end <= p.start <= cue.end + gap]
        if following:
            districts.add(min(following, key=lambda p: p.start).id)
            continue
        unseen = unseen_district(text[cue.end:cue.end + gap + 8])
        if unseen:
            districts.add(unseen)
            continue
        before = _district_before(text, cue, places)
        if before:
            districts.add(before)
    return districts


# a district that opens its clause (or follows 在) just before the cue: 蜀山区签约落地的X项目, 在长丰县落户
_BEFORE_CUE = re.compile(r"(?:^|[在,，;；。\s])((?!在)[\u4e00-\u9fff]{1,5}?(?:区|县))(?:签约)?$")


def _district_before(text: str, cue: Mention, places: list[Mention]) -> str | None:
    """The district named right before a locative cue with nothing after it (…区签约落地的X项目)."""
    # searched with pos/endpos: ^ is the text's own start, never where the search begins
    match = _BEFORE_CUE.search(text, max(0, cue.start - 12), cue.start)
    if match is None:
        return None
    known = [p for p in places if p.start == match.start(1) and p.end == match.end(1)]
    return known[0].id if known else unseen_district(match.group(1))


def _clauses(text: str, sentence: Sentence, separators: str = ";；,，") -> list[tuple[int, int]]:
    """The spans of a sentence between its commas and semicolons (or ``separators``)."""
    spans, start = [], sentence.start
    for match in re.finditer(f"[{separators}]", text[sentence.start:sentence.end]):
        spans.append((start, sentence.start + match.start()))
        start = sentence.start + match.end()
    return spans + [(start, sentence.end)]


def _investments(text: str, sentence: Sentence, projects: list[ProjectMention],
                 target: str | None) -> list[Investment]:
    """Sums of money a sentence says a project costs: in a clause naming that one project
    (位于包河区的A产业园项目总投资45亿元), or right after the clause that does (A项目落户B区,总投资60亿元),
    or in a sentence that refers back to the last one named (该项目总投资…).  A sum after a count of
    projects (重大项目559个、总投资超8000亿元) is theirs together, no one project's."""
    from .quantities import read_quantities

    config = _config()
    endings = tuple(config["investment_metrics"])
    if not any(ending in sentence.text for ending in endings):
        return []  # most sentences: no need to read their numbers again
    clauses = _clauses(text, sentence)
    found = []
    for quantity in read_quantities(sentence.text):
        metric = quantity.metric.rstrip("约近超达逾共")
        # the metric may hold the project's name too (…产业园项目总投资45亿元): kept is the word for the sum
        if quantity.unit not in config["investment_units"] or not metric.endswith(endings):
            continue
        quantity.metric = next(ending for ending in sorted(endings, key=len, reverse=True) if metric.endswith(ending))
        quantity.start += sentence.start
        quantity.end += sentence.start
        index = next(i for i, (start, end) in enumerate(clauses) if start <= quantity.start <= end)
        if _counts_projects(text[clauses[index][0]:quantity.start]):
            continue
        named = _named_in(projects, clauses[index])
        if not named and index > 0:
            before = clauses[index - 1]
            named = set() if _counts_projects(text[before[0]:before[1]]) else _named_in(projects, before)
        if not named and not projects and target and config["_explicit_anaphor"].match(sentence.text):
            named = {target}  # 该项目…: the last project named
        if len(named) == 1:
            found.append(Investment(next(iter(named)), quantity, sentence))
    return found


def _named_in(projects: list[ProjectMention], span: tuple[int, int]) -> set[str]:
    return {p.name for p in projects if span[0] <= p.start and p.end <= span[1]}


def _counts_projects(clause: str) -> bool:
    """重大项目559个, 签约项目20个: a clause that counts projects."""
    return bool(re.search(r"[\d一二三四五六七八九十两百千]+\s*[个项]", clause))


def _clause_placements(text: str, sentence: Sentence, projects: list[ProjectMention],
                       ents: list[Mention]) -> list[Placement]:
    """In a sentence of several projects, a clause that names one project and one place after a cue
    places it (位于包河区的A产业园项目总投资45亿元;B项目落户长丰县: each clause its own), and so does a
    part between semicolons (A项目总投资5亿美元,落户武汉经开区;B项目…,选址东西湖区)."""
    placements = []
    for start, end in _clauses(text, sentence) + _clauses(text, sentence, ";；"):
        named = _named_in(projects, (start, end))
        cue = _cue_districts(text, [m for m in ents if start <= m.start and m.end <= end])
        if len(named) == 1 and len(cue) == 1:
            placement = Placement(next(iter(named)), next(iter(cue)), "sentence", sentence)
            if placement not in placements:
                placements.append(placement)
    return placements


def _respective_placements(text: str, sentence: Sentence, projects: list[ProjectMention],
                           ents: list[Mention]) -> list[Placement]:
    """Districts listed before 分别 and as many projects listed after it, in the same clause: each
    district the project in its place (东湖高新区、江夏区、黄陂区分别签约A项目、B项目、C项目).

    >>> from kg.segment_reports import sentences
    >>> t = "其中,东湖高新区、江夏区分别签约光谷量子计算产业园项目、庙山智能网联汽车零部件产业园项目。"
    >>> [(p.project, p.district, p.method) for p in extract_projects(t, sentences(t)).placements if p.method != "name"]
    [('光谷量子计算产业园项目', '东湖高新区', 'sentence'), ('庙山智能网联汽车零部件产业园项目', '江夏区', 'sentence')]
    """
    for start, end in _clauses(text, sentence):
        respectively = text.find("分别", start, end)
        if respectively < 0:
            continue
        places = sorted((m for m in ents if m.label == "PLACE" and start <= m.start and m.end <= respectively),
                        key=lambda m: m.start)
        listed = text[places[0].start:respectively] if places else ""
        named = [p for p in projects if respectively < p.start and p.end <= end]
        if len(places) >= 2 and len(places) == len(named) == listed.count("、") + 1 \
                and len({m.id for m in places}) == len(places):
            return [Placement(project.name, place.id, "sentence", sentence) for place, project in zip(places, named)]
    return []


def district_kind(name: str) -> str:
    """``function_zone`` for a name with a zone's ending (成都高新区), else ``district``."""
    return "function_zone" if name.endswith(tuple(_config()["function_zone_endings"])) else "district"


def unseen_district(text: str) -> str | None:
    """The district or county ``text`` starts by naming, though no gazetteer row holds it.

    >>> unseen_district("双流区,总投资50亿元"), unseen_district("四川省成都市郫都区"), unseen_district("南太子湖创新谷")
    ('双流区', '郫都区', None)
    >>> unseen_district("国家级开发区核心板块"), unseen_district("成都高新区西区")
    (None, '成都高新区')
    """
    config = _config()
    match = config["_district_name"].match(text)
    if not match:
        return None
    name = match.group(1)
    return name if names_a_place(name) else None


def names_a_place(name: str) -> bool:
    """Whether a district-like name names one place, not a word for any district (城区, 新区), a place of
    another kind (园区, 示范区) or a phrase (该区, 相关区) (kg/data/projects.yaml).

    >>> names_a_place("双流区"), names_a_place("主城区"), names_a_place("相关区"), names_a_place("赤壁市")
    (True, False, False, True)
    """
    config = _config()
    return not (name in config["district_name_generic"] or any(name.endswith(e) for e in config["district_name_rejects"])
                or any(word in name for word in config["district_name_reject_words"]))


def extract_projects(text: str, sentences: list[Sentence], home_district: str | None = None,
                     groups: list[list[Sentence]] | None = None, jurisdiction: str = "") -> ProjectFindings:
    """Projects, companies, roles and placement evidence in ``sentences`` of ``text``.

    ``home_district`` is the district whose own report this is; ``groups`` are runs
    of sentences within which 该项目 may refer back (a news article), default one
    group per paragraph; ``jurisdiction``: the document's city, whose districts alone
    the gazetteer's names stand for (成都经开区 is not 武汉经开区).
    """
    findings = ProjectFindings()
    config = _config()
    elsewhere = _districts_of_other_cities(jurisdiction)
    for group in groups or [sentences]:
        last_named: str | None = None
        if not group:
            continue
        group_start, group_end = group[0].start, max(s.end for s in group)
        all_ents = [m for m in mentions(text[group_start:group_end], group_start)
                    if not (m.label == "PLACE" and m.id in elsewhere)]
        for sentence in group:
            ents = [m for m in all_ents if sentence.start <= m.start and m.end <= sentence.end]
            projects = find_projects(text, sentence, ents)
            findings.projects.extend(projects)
            sentence_districts = _districts_in(ents, sentence.start, sentence.end)
            for project in projects:
                # a place that ends the name (中电光谷) names who, not where
                inside = {m.id for m in ents
                          if m.label == "PLACE" and project.start <= m.start and m.end < project.end}
                if len(inside) == 1:
                    findings.placements.append(Placement(project.name, next(iter(inside)), "name", sentence))
            cue = _cue_districts(text, ents)
            names = sorted({p.name for p in projects})
            target = None
            if len(names) == 1:
                target = names[0]
            elif not names and last_named and config["_anaphor"].match(sentence.text):
                target = last_named
            if target and len(cue) == 1:
                findings.placements.append(Placement(target, next(iter(cue)), "sentence", sentence))
            elif len(names) > 1:
                findings.placements.extend(_clause_placements(text, sentence, projects, ents)
                                           or _respective_placements(text, sentence, projects, ents))
            findings.investments.extend(_investments(text, sentence, projects, target))
            if home_district and sentence_districts <= {home_district}:
                for name in names:
                    findings.placements.append(Placement(name, home_district, "district_report", sentence))
            companies = find_companies(text, sentence, ents)
            for company, _, company_end in companies:
                findings.companies.append((company, sentence))
                if target is None:
                    continue
                after = text[company_end:sentence.end]
                if config["_built"].match(after):
                    findings.roles.append(OrganisationRole(target, company, "builtBy", sentence))
                elif config["_operated"].match(after):
                    findings.roles.append(OrganisationRole(target, company, "operatedBy", sentence))
            if projects:
                last_named = projects[-1].name
    return findings


@lru_cache(maxsize=None)
def _districts_of_other_cities(jurisdiction: str) -> frozenset[str]:
    """The gazetteer's districts that belong to another city than ``jurisdiction`` (none when unknown)."""
    if not jurisdiction:
        return frozenset()
    return frozenset(row["name"] for row in read_tsv("districts.tsv")
                     if row.get("jurisdiction") and row["jurisdiction"] != jurisdiction)

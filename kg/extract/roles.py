"""Read role clauses: who leads a task and who co-owns it.

Forms (full- and half-width punctuation alike, after :mod:`kg.read`):

- ``牵头单位:X;责任单位:Y、Z`` / ``牵头单位:X;配合单位:Y`` (labels from kg/data/roles.yaml)
- ``责任单位:X、Y`` alone: the plan's own lead rule decides (``无牵头单位的,责任单位即为牵头单位``
  makes every one a lead; ``列第一位的责任单位为牵头单位`` only the first)
- ``X牵头,Y、Z配合`` / ``X、Y牵头,Z等按职责分工负责`` / ``X负责``
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..datafiles import read_yaml
from ..model import LeadRule, Roles, UnitMention
from .units import looks_like_unit, org_suffix, read_unit_list


@lru_cache(maxsize=None)
def _config():
    config = read_yaml("roles.yaml")
    labels = sorted(config["labels"], key=len, reverse=True)  # 牵头单位 before 牵头
    # 牵头单位: or 【牵头单位】 (a label in lenticular brackets needs no colon)
    label_re = re.compile(r"(?:【\s*)?(" + "|".join(map(re.escape, labels)) + r")\s*(?:[:：]|】)")

    def verbs(key):
        return sorted(config[key], key=len, reverse=True)

    return config, label_re, verbs("lead_verbs"), verbs("support_verbs"), verbs("sole_verbs")


@lru_cache(maxsize=None)
def other_label_pattern() -> re.Pattern:
    """A label of something else than units inside a role clause (完成时限:, 【时间节点】, 责任领导:),
    with the separators before it: other_labels of kg/data/roles.yaml."""
    config = _config()[0]
    labels = "|".join(map(re.escape, sorted(config["other_labels"], key=len, reverse=True)))
    words = "|".join(map(re.escape, config["table_other_headers"]))
    return re.compile(r"[;；,，。\s]*(?:【\s*)?(?:" + labels + r")\s*(?:[:：]|】)"
                      r"|(?:^|[;；,，。\s]+)(?:【\s*)?[\u4e00-\u9fff]{0,4}(?:" + words + r")\s*(?:[:：]|】)")


_GROUP_SEPARATORS = ",，;；:："


def role_label_pattern() -> re.Pattern:
    """``牵头单位:`` (or ``【牵头单位】``) and every other label of kg/data/roles.yaml, with its colon
    (group 1: the label)."""
    return _config()[1]


@lru_cache(maxsize=None)
def lead_marker_pattern() -> re.Pattern:
    """``(牵头)``, ``(并列牵头)`` …: a lead marker after a unit, with its brackets (group 1: the marker)."""
    return _marker_pattern("lead_markers")


@lru_cache(maxsize=None)
def _marker_pattern(key: str) -> re.Pattern:
    markers = sorted(_config()[0][key], key=len, reverse=True)
    # (牵头), 〔牵头〕, [牵头]: whichever brackets the document uses (【牵头单位】 is a label, not a marker)
    return re.compile(r"[(〔\[]\s*(" + "|".join(map(re.escape, markers)) + r")\s*[)〕\]]")


@lru_cache(maxsize=None)
def role_word_pattern() -> re.Pattern:
    """Any word of kg/data/roles.yaml that names a role: its labels, lead markers and verbs.

    A bracket group closing an item is its role clause when it holds one of these, so a
    convention's word added to roles.yaml is found by the segmenter as well as read here.
    """
    config = _config()[0]
    # a short label (牵头:, 责任:) is a role word only with its colon: (落实安全生产责任) is no clause
    short = {label for label in config["labels"] if len(label) <= 2}
    words = {*(set(config["labels"]) - short), *config["lead_markers"], *config["lead_verbs"],
             *config["support_verbs"], *config["sole_verbs"]}
    alternatives = [re.escape(word) for word in sorted(words, key=lambda w: (-len(w), w))]
    alternatives += [re.escape(label) + r"\s*[:：]" for label in sorted(short)]
    return re.compile("|".join(alternatives))


def role_label_of(header: str) -> str | None:
    """The role label a table's column header starts with (责任单位(部门) -> 责任单位), or None.
    A header of something else (牵头领导, 责任人) names no role even when it starts with a label."""
    if any(word in header for word in _config()[0]["table_other_headers"]):
        return None
    return next((label for label in _labels_longest_first() if header.startswith(label)), None)


def table_columns(headers: list[str]) -> tuple[list[tuple[int, str]], list[int]]:
    """What a table's header cells name: ``(role columns as (index, label), task text columns)``;
    both empty when the row is no responsibility table's header (kg/data/roles.yaml).

    >>> table_columns(["序号", "重点工作", "工作目标", "牵头单位", "责任单位(部门)", "完成时限", "责任领导"])
    ([(3, '牵头单位'), (4, '责任单位')], [1, 2])
    """
    config = _config()[0]
    headers = [header.replace(" ", "") for header in headers]
    roles = [(index, role_label_of(header)) for index, header in enumerate(headers) if role_label_of(header)]
    taken = {index for index, _ in roles}
    tasks = [index for index, header in enumerate(headers) if index not in taken
             and any(word in header for word in config["table_task_headers"])
             and not any(word in header for word in config["table_other_headers"])]
    return (roles, tasks) if roles and tasks else ([], [])


def deadline_labels() -> list[str]:
    """The labels of kg/data/roles.yaml that give a task's deadline (完成时限, 时间节点 …), longest first."""
    return sorted(_config()[0]["deadline_labels"], key=len, reverse=True)


def deadline_columns(headers: list[str]) -> list[tuple[int, str]]:
    """The columns of a table's header that give a task's deadline, as (index, label).

    >>> deadline_columns(["序号", "重点工作", "牵头单位", "完成时限", "责任领导"])
    [(3, '完成时限')]
    """
    labels = deadline_labels()
    columns = []
    for index, header in enumerate(header.replace(" ", "") for header in headers):
        label = next((label for label in labels if label in header), None)
        if label is not None:
            columns.append((index, label))
    return columns


@lru_cache(maxsize=None)
def _labels_longest_first() -> list[str]:
    return sorted(_config()[0]["labels"], key=len, reverse=True)


def find_lead_rule(text: str) -> LeadRule:
    """The rule a document states for clauses without 牵头单位, or the documented default."""
    config = _config()[0]
    for rule in config["lead_rules"]:
        match = re.search(rule["pattern"], text)
        if match:
            return LeadRule(rule["name"], match.group(0), True)
    return LeadRule(config["default_lead_rule"], "", False)


def read_roles(clause: str, rule: LeadRule, offset: int = 0) -> Roles:
    """Leads and co-owners named by a role clause (the text inside its brackets)."""
    config, label_re, *_ = _config()
    clause, marks = _blank_lead_markers(clause)
    labelled = list(label_re.finditer(clause))
    if labelled:
        roles = _read_labelled(clause, labelled, config["labels"], rule, offset)
    else:
        roles = _read_inline(clause, offset, marked=bool(marks))
    return _marked_leads(roles, clause, marks, offset) if marks else roles


def with_role_sentence(roles: Roles, sentence: str, rule: LeadRule, offset: int = 0) -> Roles:
    """The roles of a bracketed clause and of a role sentence after it, together.

    ``…(牵头单位:X)。各区人民政府负责。``: X leads and the districts share the work; a unit the
    sentence names with a lead verb (``Y牵头``) leads as well.
    """
    more = read_roles(sentence, rule, offset)
    leads_named = any(role == "lead" for _, role in (_piece_verb(sentence[start:end])
                                                      for start, end in _split_inline(sentence)))
    if roles.leads and not leads_named:
        leads, co_owners = roles.leads, roles.co_owners + more.leads + more.co_owners
    else:
        leads, co_owners = roles.leads + more.leads, roles.co_owners + more.co_owners
    return Roles(_dedupe(leads), _dedupe(co_owners, exclude=leads), roles.form + ", with role sentence",
                 roles.problems + more.problems)


def with_inner_clauses(roles: Roles, body: str, rule: LeadRule, offset: int = 0) -> Roles:
    """The roles of an item's closing clause and of the labelled clauses inside its text, together: an
    item whose parts each name their units (…1200亿元(牵头单位:市发改委;责任单位:各区);…80亿元以上(牵头单位:
    市财政局)) is led by every part's lead. ``offset``: where ``body`` starts.

    >>> rule = LeadRule("first_responsible_leads", "", False)
    >>> roles = with_inner_clauses(read_roles("牵头单位:市财政局", rule), "投资1200亿元(牵头单位:市发改委;责任单位:各区人民政府);", rule)
    >>> [m.name for m in roles.leads], [m.name for m in roles.co_owners]
    (['市财政局', '市发改委'], ['各区人民政府'])
    """
    found = [(start, end) for start, end in _bracket_groups(body) if role_label_pattern().search(body, start, end)]
    if not found:
        return roles
    leads, co_owners, problems = list(roles.leads), list(roles.co_owners), list(roles.problems)
    for start, end in found:
        more = read_roles(body[start:end], rule, offset + start)
        leads += more.leads
        co_owners += more.co_owners
        problems += more.problems
    return Roles(_dedupe(leads), _dedupe(co_owners, exclude=leads), roles.form + ", with clauses in its text", problems)


def _bracket_groups(text: str) -> list[tuple[int, int]]:
    """The spans inside the outermost (…) of ``text`` (各县(市、区)人民政府 stays inside its group).

    >>> t = "甲(牵头单位:A;责任单位:各县(市、区)政府);乙(B)"
    >>> [t[a:b] for a, b in _bracket_groups(t)]
    ['牵头单位:A;责任单位:各县(市、区)政府', 'B']
    """
    groups, depth, start = [], 0, 0
    for index, ch in enumerate(text):
        if ch == "(":
            depth += 1
            if depth == 1:
                start = index + 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                groups.append((start, index))
    return groups


def _blank_lead_markers(clause: str) -> tuple[str, list[tuple[int, bool]]]:
    """The clause with each ``(牵头)`` and ``(配合)`` after a unit blanked out (offsets kept), and
    where each lead marker was, with whether it is a joint one (``(并列牵头)``)."""
    if not any(bracket in clause for bracket in "(〔["):  # most clauses: no marker to look for
        return clause, []
    joint = set(_config()[0]["joint_lead_markers"])
    marks = [(match.start(), match.group(1) in joint) for match in lead_marker_pattern().finditer(clause)]
    for pattern in (lead_marker_pattern(), _marker_pattern("support_markers")):
        clause = pattern.sub(lambda match: " " * len(match.group(0)), clause)
    return clause, marks


def _marked_leads(roles: Roles, clause: str, marks: list[tuple[int, bool]], offset: int) -> Roles:
    """The unit a ``(牵头)`` follows leads; every other unit of the clause co-owns.

    A joint marker closes a run of units joined by ``、`` (``X、Y(并列牵头),Z``: X and Y lead);
    a plain one only the unit before it (``X、Y(牵头)、Z``: Y leads).
    """
    mentions = sorted(roles.leads + roles.co_owners, key=lambda m: m.start)
    runs = [(max(clause.rfind(c, 0, mark) for c in _GROUP_SEPARATORS + ("" if joint else "、")) + 1, mark)
            for mark, joint in marks]
    leads, co_owners = [], []
    for mention in mentions:
        start, end = mention.start - offset, mention.end - offset
        run = next(((first, mark) for first, mark in runs if first <= start <= mark), None)
        if run is None:
            co_owners.append(mention)
            continue
        if start <= run[1] <= end:
            mention.end = offset + run[1]  # the unit's name, not the blanked marker
        leads.append(mention)
    if not leads:
        return roles
    return Roles(_dedupe(leads), _dedupe(co_owners, exclude=leads), roles.form + ", lead marked", roles.problems)


def _read_labelled(clause, matches, labels, rule, offset) -> Roles:
    leads: list[UnitMention] = []
    co_owners: list[UnitMention] = []
    responsible: list[UnitMention] = []
    problems = []
    for index, match in enumerate(matches):
        value_end = matches[index + 1].start() if index + 1 < len(matches) else len(clause)
        value = clause[match.end():value_end]
        other = other_label_pattern().search(value)  # (责任单位:X;完成时限:2026年12月底)
        if other:
            value = value[:other.start()]
        value = _before_unknown_label(value)
        value = _before_time_piece(value)
        # (责任单位:市商务局、鄂州海关按职责分工负责): the label gives the role, the verb after the list none
        stripped = _piece_verb(value.rstrip(" ;；:：,，。."))[0].rstrip(" ;；:：,，。.")
        units = read_unit_list(stripped, offset + match.end())
        if not units:
            problems.append(f"{match.group(1)} names no unit")
        role = labels[match.group(1)]
        if role == "lead":
            leads.extend(units)
        elif role == "support":
            co_owners.extend(units)
        else:
            responsible.extend(units)
    form = "labelled"
    if leads:
        co_owners = responsible + co_owners
    elif rule.name == "responsible_are_leads":
        leads, form = responsible, "labelled, responsible are leads"
    else:
        leads, co_owners = responsible[:1], responsible[1:] + co_owners
        form = "labelled, first responsible leads"
    return Roles(_dedupe(leads), _dedupe(co_owners, exclude=leads), form, problems)


_COLON = re.compile("[:：]")


def first_colon(text: str, start: int = 0, end: int | None = None) -> int:
    """Where the first colon (half- or full-width) of ``text[start:end]`` is, -1 when none."""
    match = _COLON.search(text, start, len(text) if end is None else end)
    return match.start() if match else -1


_UNIT_SEPARATORS = "、,，;； "
_LONGEST_LABEL = 6  # 推进期限, 工作要求, 具体责任人: a label is a few characters


def _before_time_piece(value: str) -> str:
    """A unit list without a time that closes it (责任单位:市财政局、市统计局,2026年12月底前完成):
    that is the task's deadline (kg.extract.deadlines reads it), not a unit."""
    from .deadlines import find_time_in_clause  # here: kg.extract.deadlines reads this module's labels

    cut = len(value)
    for match in reversed(list(re.finditer("[,，;；]", value))):
        piece = value[match.end():cut]
        if not piece.strip(" 。.") or find_time_in_clause(piece) is None or looks_like_unit(piece.strip(" 。.")):
            break
        cut = match.start()
    return value[:cut]


def _before_unknown_label(value: str) -> str:
    """A unit list cut before a label no list names, which a colon gives away:
    ``市发改委推进期限:2026年底`` -> ``市发改委``, ``市财政局;工作要求:按月报送`` -> ``市财政局``.

    Where the unit ends is a guess: the start that ends as an organisation does, the longest such
    ending first (市政府办公室|督查要求, not 市政府办|公室督查要求), then the longest label
    (市财政局|联系人, not 市财政局联|系人).
    """
    colon = first_colon(value)
    if colon < 0:
        return value
    head = value[:colon]
    start = max(head.rfind(c) for c in _UNIT_SEPARATORS) + 1
    piece = head[start:]
    if org_suffix(piece):  # 市投资促进局:责任单位 — a colon for a semicolon, after a whole unit
        return head
    cuts = [cut for cut in range(max(len(piece) - _LONGEST_LABEL, 2), len(piece) - 1)  # a unit: 2 characters or more
            if org_suffix(piece[:cut])]
    if cuts:
        return head[:start + max(cuts, key=lambda cut: (len(org_suffix(piece[:cut])), -cut))]
    return head[:start] if len(piece) <= _LONGEST_LABEL else value


def _read_inline(clause, offset, marked: bool = False) -> Roles:
    _, _, lead_verbs, support_verbs, sole_verbs = _config()
    parts = _split_inline(clause)
    leads: list[UnitMention] = []
    co_owners: list[UnitMention] = []
    problems = []
    form = "inline"
    pieces = [(start, *_piece_verb(clause[start:end])) for start, end in parts]
    # (X牵头,Y负责): beside a lead, 负责 is a share of the work, not sole charge
    led = any(role == "lead" for _, _, role in pieces)
    for start, piece, verb_role in pieces:
        if verb_role == "sole" and led:
            verb_role = "support"
        units = read_unit_list(piece, offset + start)
        if verb_role is None and (leads or co_owners) and not any(looks_like_unit(u.name) for u in units):
            continue  # (X牵头,Y配合,2025年12月底前完成): the task's time (kg.extract.deadlines), not a unit
        if verb_role in ("lead", "sole") or (verb_role is None and not leads):
            leads.extend(units)
            if verb_role is None and not marked:
                problems.append(f"role of '{piece}' not stated; read as leading")
        else:
            co_owners.extend(units)
    if not leads and not co_owners:
        problems.append("no unit found in the role clause")
    return Roles(_dedupe(leads), _dedupe(co_owners, exclude=leads), form, problems)


def _piece_verb(piece: str) -> tuple[str, str | None]:
    """``X、Y配合`` -> (``X、Y``, "support"): the unit list and the role its closing verb gives (None: no verb)."""
    _, _, lead_verbs, support_verbs, sole_verbs = _config()
    for role, verbs in (("lead", lead_verbs), ("support", support_verbs), ("sole", sole_verbs)):
        for verb in verbs:
            if piece.endswith(verb):
                return piece[:-len(verb)], role
    return piece, None


def is_role_sentence(sentence: str) -> bool:
    """Does a sentence only say who does the work (市人社局牵头,市财政局、市教育局等按职责分工负责)?

    Every piece must be a list of units closed by a role verb, and one of them must lead or be in
    sole charge; a sentence of the task's own (加强组织领导,市政府办公厅牵头) is not one.
    """
    pieces = [_piece_verb(sentence[start:end]) for start, end in _split_inline(sentence)]
    if not pieces or any(role is None for _, role in pieces) or \
            not any(role in ("lead", "sole") for _, role in pieces):
        return False
    for piece, _ in pieces:
        units = read_unit_list(piece)
        if not units or not all(looks_like_unit(unit.name) for unit in units):
            return False
    return True


def _split_inline(clause: str) -> list[tuple[int, int]]:
    """Split ``X牵头,Y配合`` after each role verb (a comma inside a unit list does not split)."""
    _, _, lead_verbs, support_verbs, sole_verbs = _config()
    verbs = sorted(lead_verbs + support_verbs + sole_verbs, key=len, reverse=True)
    pattern = re.compile("(" + "|".join(map(re.escape, verbs)) + r")(?=\s*(?:[,，;；。]|$))")
    spans, start = [], 0
    for match in pattern.finditer(clause):
        spans.append((start, match.end()))
        start = match.end()
        while start < len(clause) and clause[start] in " ,，;；。":
            start += 1
    if start < len(clause) and clause[start:].strip(" ,，;；。"):
        spans.append((start, len(clause)))
    return spans


def _dedupe(mentions: list[UnitMention], exclude: list[UnitMention] = ()) -> list[UnitMention]:
    seen = {m.name for m in exclude}
    kept = []
    for mention in mentions:
        if mention.name not in seen:
            seen.add(mention.name)
            kept.append(mention)
    return kept

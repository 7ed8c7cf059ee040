"""Plain typed records passed between the stages of the data flow.

read -> classify -> segment -> extract -> resolve -> graph -> validate -> analyse -> publish.
Each stage takes and returns these dataclasses, so each can be tested alone.
Offsets are into the *normalised* text of a :class:`kg.read.SourceText` unless a
field says otherwise; the graph stage turns them into source offsets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Problem:
    """Something a stage could not do with part of a document; reported, never fatal."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class DocumentInfo:
    """What :mod:`kg.classify` learns about a document."""

    kind: str  # plan | city_report | district_report | news
    title: str = ""
    issuer: str = ""  # 武汉市人民政府
    # the city or district whose government issued it, whose units it names and whose figures it
    # gives (武汉市; 武汉市武昌区 for a district's report or plan); kg.graph.city_of: its city
    jurisdiction: str = ""
    date: str = ""  # ISO date of issue, when stated
    years: list[int] = field(default_factory=list)  # the years it speaks of
    kind_forced: bool = False


def offset_in_document(pieces: list[tuple[int, int]], position: int, start: int) -> int:
    """Offset in the normalised document of ``position`` in a text joined from wrapped lines, where
    ``pieces`` holds (offset in the joined text, offset in the document) at each line's start."""
    import bisect
    index = bisect.bisect_right([p[0] for p in pieces], position) - 1
    if index < 0:
        return start + position
    joined_start, document_start = pieces[index]
    return document_start + (position - joined_start)


@dataclass
class LeadRule:
    """How a plan says to read a role clause that names 责任单位 but no 牵头单位."""

    name: str  # responsible_are_leads | first_responsible_leads
    text: str  # the sentence as the document states it, or "" when assumed
    stated: bool


@dataclass
class PlanItem:
    """A numbered item of a plan (one task), before its role clause is read."""

    code: str  # 二.12, 一.三
    part_number: int  # 2
    item_number: int  # 12
    number_as_printed: str  # "12" or "三"
    body: str  # the item text without its role clause
    role_clause: str | None  # text inside the final (…), without the brackets
    start: int
    end: int
    line: int
    part_title: str = ""
    section_number: int | None = None
    section_code: str | None = None  # 二.(一)
    # numbered within its section (items start at 1 again under each (一)…(二)…): coded 一.(二).1
    numbered_in_section: bool = False
    section_task: bool = False  # the section heading itself, naming its units: coded 一.(三)
    section_title: str = ""
    subheading: str = ""
    # (offset in body/role text, offset in the normalised document) at each wrapped line
    pieces: list[tuple[int, int]] = field(default_factory=list)

    def to_document(self, position: int) -> int:
        """Offset in the normalised document of an offset in the item's joined text."""
        return offset_in_document(self.pieces, position, self.start)

    @property
    def role_clause_start(self) -> int:
        """Offset of the role clause in the joined text (body, "(", clause)."""
        return self.full_text.rfind(self.role_clause) if self.role_clause else -1

    full_text: str = ""
    point_number: int | None = None  # 2 for the point (2) of item 1, a task of its own (一.1(2))
    # the units of its section's (else its part's) heading when that is nothing but units (一、市商务局):
    # they lead the task unless its clause names a lead; offsets into the normalised document
    heading_units: list["UnitMention"] = field(default_factory=list)
    # a sentence naming more units after the bracketed clause: …(牵头单位:X)。各区人民政府负责。
    role_sentence: str | None = None
    body_start: int = 0  # where the body starts in the joined text (after a clause that opens the item)
    # an item naming no unit under a section heading that does ((二)提振消费。(牵头单位:X)): that
    # heading's role clause, and its pieces as ``pieces`` are for the item's text
    section_clause: str | None = None
    section_clause_pieces: list[tuple[int, int]] = field(default_factory=list)

    @property
    def role_sentence_start(self) -> int:
        """Offset of the role sentence in the joined text (-1: none)."""
        return self.full_text.rfind(self.role_sentence) if self.role_sentence else -1


@dataclass
class PlanPart:
    number: int
    numeral: str  # 二
    title: str
    start: int
    line: int
    division: str = ""  # the 第X部分 it is in, where a plan parts its 一、二、 so (二 of 第二部分二、)

    @property
    def code(self) -> str:
        """The part as tasks' codes name it: 二, or 二.一 for 一、 of 第二部分."""
        return f"{self.division}.{self.numeral}" if self.division else self.numeral


@dataclass
class PlanSection:
    part_number: int
    number: int
    numeral: str
    title: str
    start: int
    line: int


@dataclass
class PlanStructure:
    """A plan segmented into parts, sections and items."""

    parts: list[PlanPart]
    sections: list[PlanSection]
    items: list[PlanItem]
    preamble: str
    problems: list[Problem] = field(default_factory=list)


@dataclass
class UnitMention:
    """A unit named in a role clause, as written, with what brackets said about it."""

    name: str
    start: int = 0
    end: int = 0
    host: str | None = None  # X〈Y〉: office X hosted by Y
    within: list[str] = field(default_factory=list)  # X(Y): units inside X doing its part (市公安局(交管局))
    members: list[str] = field(default_factory=list)  # 〈含…,下同〉 after a collective
    expanded_from: str | None = None  # shorthand 江汉、硚口、黄陂区人民政府 -> "江汉"


@dataclass
class Roles:
    leads: list[UnitMention]
    co_owners: list[UnitMention]
    form: str  # which convention the clause used
    problems: list[str] = field(default_factory=list)


@dataclass
class Quantity:
    """A number a text commits to or reports, with its unit as written."""

    value: Decimal
    unit: str  # 万套(间), %, 亿元
    comparator: str  # 以上, 左右, 超 … ("" when none); several joined by "+"
    bound: str  # at_least | at_most | about | exactly | between
    metric: str  # what it measures, e.g. 新开工亿元以上项目
    surface: str  # the words as written
    start: int
    end: int
    upper: Decimal | None = None  # a range's upper end (增长5%—6%: value 5, upper 6, bound between)
    baseline: Decimal | None = None  # the figure a change starts from (由4.2万元提高到4.5万元: value 4.5, baseline 4.2)
    baseline_unit: str | None = None  # its unit as written (万元)


@dataclass
class Task:
    """A plan item with its roles and targets read."""

    item: PlanItem
    roles: Roles
    targets: list[Quantity]
    deadline: str | None = None  # as its role clause gives it: 2026年12月底, 全年推进
    deadline_date: datetime.date | None = None  # the last day it allows (None: it names no time)


@dataclass
class Unit:
    """A resolved unit: canonical name, aliases, type, and membership/hosting."""

    key: str  # canonical name used in the IRI
    labels: list[str]  # names as the documents write them
    full_name: str | None
    aliases: list[str]
    unit_type: str  # GovernmentDepartment …
    jurisdiction: str
    in_gazetteer: bool
    members: list[str] = field(default_factory=list)  # keys of member units
    host: str | None = None  # key of the hosting unit


@dataclass
class PlanExtraction:
    """Everything read from one plan."""

    structure: PlanStructure
    lead_rule: LeadRule
    tasks: list[Task]
    problems: list[Problem] = field(default_factory=list)

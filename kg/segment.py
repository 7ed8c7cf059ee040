"""Segment documents: a plan into parts, sections, sub-headings and numbered items.

Plans are printed as::

    二、十一个方面重点工作                 part
    (一)在促进内外需协调发展上……          section (or, in a part with no Arabic items, an item: 一.三)
    ——做强消费主引擎                       sub-heading
    1. 加快创建……。(牵头单位:…;责任单位:…)  item, wrapped over several lines

An item number is only taken as a new item when it follows the previous one or
the previous item is complete (its role clause closed); otherwise a line such as
``5.4万套`` is the continuation of a wrapped item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import PlanItem, PlanPart, PlanSection, PlanStructure, Problem
from .numerals import chinese_to_int
from .read import SourceText

CN_NUM = "一二三四五六七八九十"
ROLE_KEYWORDS = re.compile(r"牵头单位|责任单位|配合单位|协办单位|参与单位|主办单位|牵头|负责|配合")

_MARKER = re.compile(r"^\s*(?:[-•·●▪*](?=\s)\s*)*")
_PART = re.compile(f"^([{CN_NUM}]{{1,3}})\\s*[、.]\\s*(\\S.{{0,40}})$")
_SECTION = re.compile(f"^\\(([{CN_NUM}]{{1,3}})\\)\\s*(.*)$")
_SUBHEADING = re.compile(r"^——+\s*(\S.*)$")
_ITEM = re.compile(r"^(\d{1,4})\s*[.、]\s*(.*)$")
_APPENDIX = re.compile(r"^(附表|附件|附录)\s*\d*\s*$")
_TABLE_ROW = re.compile(r"\t\s*\S.*\t|\t\s*\d+\s*$")


@dataclass
class _Block:
    kind: str  # part | paren | sub | item
    number: int
    numeral: str
    text: str
    start: int
    line: int
    end: int = 0
    part_index: int = -1
    # (offset in .text, offset in the normalised document) where each joined line starts
    pieces: list[tuple[int, int]] = field(default_factory=list)

    def append(self, line: str, line_start: int) -> None:
        joined = join_wrapped(self.text, line)
        self.pieces.append((len(joined) - len(line), line_start))
        self.text = joined


def iter_lines(text: str):
    """Yield ``(start_offset, line)`` for every line of ``text``."""
    start = 0
    for line in text.split("\n"):
        yield start, line
        start += len(line) + 1


def join_wrapped(previous: str, continuation: str) -> str:
    """Join a wrapped line: Chinese needs no space, Latin words do."""
    if previous and continuation and previous[-1].isascii() and previous[-1].isalnum() \
            and continuation[0].isascii() and continuation[0].isalnum():
        return previous + " " + continuation
    return previous + continuation


def find_role_clause(text: str) -> tuple[int, int, bool] | None:
    """Locate the role clause at the end of an item: ``(start, end, closed)`` of its inside.

    The clause is the last bracket group that names a role; an opened but
    unclosed group (``(牵头单位:市商务局;责任单位:…`` cut off) is returned with
    ``closed=False``.
    """
    stripped = text.rstrip(" 。.;;\n")
    if stripped.endswith(")"):
        depth = 0
        for i in range(len(stripped) - 1, -1, -1):
            ch = stripped[i]
            if ch == ")":
                depth += 1
            elif ch == "(":
                depth -= 1
                if depth == 0:
                    inside = stripped[i + 1:len(stripped) - 1]
                    if ROLE_KEYWORDS.search(inside):
                        return i + 1, len(stripped) - 1, True
                    break
    # an unclosed "(牵头单位…" / "(责任单位…" / "(X牵头…" near the end
    last_open = text.rfind("(")
    if last_open >= 0 and ")" not in text[last_open:]:
        inside = text[last_open + 1:]
        if ROLE_KEYWORDS.search(inside):
            return last_open + 1, len(text.rstrip()), False
    return None


def _has_open_role_clause(text: str) -> bool:
    found = find_role_clause(text)
    return found is not None and not found[2]


def is_complete(text: str) -> bool:
    found = find_role_clause(text)
    return found is not None and found[2]


def segment_plan(source: SourceText) -> PlanStructure:
    """Split a plan into parts, sections and items (see the module docstring)."""
    text = source.text
    blocks: list[_Block] = []
    problems: list[Problem] = []
    current: _Block | None = None
    parts: list[_Block] = []
    in_appendix = False
    preamble_end = None

    def close(block: _Block | None, end: int) -> None:
        if block is not None and not block.end:
            block.end = end

    for start, raw_line in iter_lines(text):
        marker = _MARKER.match(raw_line)
        line = raw_line[marker.end():].rstrip()
        content_start = start + marker.end()
        if not line.strip():
            continue
        line = line.strip()
        if _APPENDIX.match(line):
            in_appendix = True
            close(current, start)
            current = None
            continue
        part_match = _PART.match(line)
        if part_match and "。" not in line and len(line) <= 40:
            number = chinese_to_int(part_match.group(1))
            expected = len(parts) + 1
            if number == 1 or number == expected:
                if number == 1 and parts:
                    # a second "一、": what came before was preamble (a notice's own numbered points)
                    if not any(b.kind in ("item", "paren") for b in blocks if b.part_index >= 0):
                        blocks.clear()
                        parts.clear()
                close(current, start)
                in_appendix = False
                current = _Block("part", number, part_match.group(1), part_match.group(2).strip(),
                                 content_start, source.line_of(content_start), part_index=len(parts),
                                 pieces=[(0, content_start + part_match.start(2))])
                if preamble_end is None or not parts:
                    preamble_end = start
                parts.append(current)
                blocks.append(current)
                continue
        if not parts or in_appendix:
            continue
        part_index = len(parts) - 1
        section_match = _SECTION.match(line)
        if section_match:
            close(current, start)
            current = _Block("paren", chinese_to_int(section_match.group(1)), section_match.group(1),
                             section_match.group(2), content_start, source.line_of(content_start),
                             part_index=part_index, pieces=[(0, content_start + section_match.start(2))])
            blocks.append(current)
            continue
        sub_match = _SUBHEADING.match(line)
        if sub_match and len(line) <= 60:
            close(current, start)
            current = _Block("sub", 0, "", sub_match.group(1).strip(), content_start,
                             source.line_of(content_start), part_index=part_index)
            blocks.append(current)
            continue
        item_match = _ITEM.match(line)
        if item_match:
            number = int(item_match.group(1))
            previous_items = [b for b in blocks if b.kind == "item" and b.part_index == part_index]
            expected = previous_items[-1].number + 1 if previous_items else 1
            if part_index > 0 and not previous_items:
                # a part's items start at 1, or continue the numbering of the parts before (成都, 广州)
                earlier = [b for b in blocks if b.kind == "item" and b.part_index < part_index]
                expected_alternatives = {1} | ({earlier[-1].number + 1} if earlier else set())
            else:
                expected_alternatives = {expected}
            pending = current is not None and current.kind in ("item", "paren") and not is_complete(current.text)
            # an open role clause never continues with "5. 新增…": the pending item was cut off
            cut_off = pending and _has_open_role_clause(current.text) and number > (current.number or 0) \
                and bool(item_match.group(2).strip())
            if number in expected_alternatives or not pending or cut_off:
                if number not in expected_alternatives and not (part_index > 0 and not previous_items):
                    problems.append(Problem(source.line_of(content_start),
                                            f"item {number} out of order (expected {expected})"))
                close(current, start)
                current = _Block("item", number, item_match.group(1), item_match.group(2),
                                 content_start, source.line_of(content_start), part_index=part_index,
                                 pieces=[(0, content_start + item_match.start(2))])
                blocks.append(current)
                continue
        if _TABLE_ROW.search(raw_line):
            close(current, start)
            current = None
            continue
        # a continuation line: wrapped text of the open block
        # (not a wrapped decimal: "5.4万套" goes on the line above)
        if item_match and current is not None and current.kind in ("item", "paren") \
                and not item_match.group(2)[:1].isdigit():
            problems.append(Problem(source.line_of(content_start),
                                    f"item {item_match.group(1)} out of order: read as the text of the block above"))
        if current is not None and current.kind in ("item", "paren", "sub", "part"):
            if current.kind in ("item", "paren") and is_complete(current.text):
                close(current, start)
                current = None
                continue
            current.append(line, start + marker.end() + (len(raw_line[marker.end():]) - len(raw_line[marker.end():].lstrip())))
            current.end = 0
    close(current, len(text))

    return _assemble(source, parts, blocks, problems, text[:preamble_end or 0])


def _assemble(source, parts, blocks, problems, preamble) -> PlanStructure:
    plan_parts = [PlanPart(i + 1, b.numeral, b.text, b.start, b.line) for i, b in enumerate(parts)]
    has_arabic = {b.part_index for b in blocks if b.kind == "item"}
    sections: list[PlanSection] = []
    items: list[PlanItem] = []
    section: PlanSection | None = None
    subheading = ""
    seen_codes: set[str] = set()
    for block in blocks:
        if block.kind == "part":
            section, subheading = None, ""
            continue
        part = plan_parts[block.part_index]
        if block.kind == "sub":
            subheading = block.text
            continue
        if block.kind == "paren" and block.part_index in has_arabic:
            known = next((s for s in sections if (s.part_number, s.number) == (part.number, block.number)), None)
            if known is not None:  # a repeated (一): its items go on under the section already opened
                problems.append(Problem(block.line, f"section {part.numeral}.({block.numeral}) appears twice; "
                                                    f"its items are kept under the first"))
                section = known
            else:
                section = PlanSection(part.number, block.number, block.numeral, block.text, block.start, block.line)
                sections.append(section)
            subheading = ""
            continue
        if section is not None and section.part_number != part.number:
            section = None
        code = f"{part.numeral}.{block.numeral}"
        if code in seen_codes:
            problems.append(Problem(block.line, f"item {code} appears twice; the later one is kept as {code}'"))
            code += "'"
        seen_codes.add(code)
        clause = find_role_clause(block.text)
        if clause is None:
            body, role_clause = block.text.strip(), None
            problems.append(Problem(block.line, f"item {code} names no responsible unit (cut off?); item left out"))
        else:
            clause_start, clause_end, closed = clause
            body = block.text[:clause_start - 1].rstrip()
            role_clause = block.text[clause_start:clause_end]
            if not closed:
                problems.append(Problem(block.line, f"item {code}: unbalanced bracket in its role clause"))
        if not body.strip():
            problems.append(Problem(block.line, f"item {code} has no text, only its role clause; item left out"))
            continue
        items.append(PlanItem(
            code=code, part_number=part.number, item_number=block.number,
            number_as_printed=block.numeral, body=body, role_clause=role_clause,
            start=block.start, end=block.end or block.start + len(block.text), line=block.line,
            part_title=part.title,
            section_number=section.number if section else None,
            section_code=f"{part.numeral}.({section.numeral})" if section else None,
            section_title=section.title if section else "",
            subheading=subheading if section or block.kind == "item" else "",
            pieces=list(block.pieces), full_text=block.text,
        ))
    return PlanStructure(plan_parts, sections, items, preamble, problems)

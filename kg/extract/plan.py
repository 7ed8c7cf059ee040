"""Extract a responsibility plan: every item with its lead and co-owning units and its targets."""

from __future__ import annotations

from ..model import PlanExtraction, Problem, Roles, Task, UnitMention, offset_in_document
from ..read import SourceText
from ..segment import segment_plan
from .deadlines import deadline_date, find_deadline, find_deadline_in_text, find_time_in_clause
from .quantities import read_quantities
from .roles import find_lead_rule, read_roles, with_inner_clauses, with_role_sentence


def extract_plan(source: SourceText, year: int | None = None) -> PlanExtraction:
    """Segment a plan and read the roles, targets and deadline of each item (under a time label of
    its role clause, or else as its own sentence sets it).

    Offsets in the result are into ``source.text`` (normalised). ``year`` is the plan's, the year of
    a deadline that names none (6月底前).
    """
    structure = segment_plan(source)
    lead_rule = find_lead_rule(structure.preamble)
    if not lead_rule.stated:
        lead_rule = find_lead_rule(source.text)
    tasks: list[Task] = []
    problems = list(structure.problems)
    for item in structure.items:
        heading = [UnitMention(name=m.name, start=m.start, end=m.end) for m in item.heading_units]
        if item.role_clause is None and item.section_clause is not None:
            roles = _section_roles(item, lead_rule)
            for message in roles.problems:
                problems.append(Problem(item.line, f"item {item.code}: {message}"))
            if not roles.leads:
                problems.append(Problem(item.line, f"item {item.code}: no lead unit found in its section's "
                                                   f"clause; item left out"))
                continue
        elif item.role_clause is None and heading:  # 一、市商务局 over its tasks: the unit leads them
            roles = Roles(leads=heading, co_owners=[], form="heading")
        elif item.role_clause is not None:
            clause_start = item.role_clause_start
            roles = read_roles(item.role_clause, lead_rule, offset=clause_start)
            if item.role_sentence is not None:
                roles = with_role_sentence(roles, item.role_sentence, lead_rule, item.role_sentence_start)
            roles = with_inner_clauses(roles, item.body, lead_rule, item.body_start)
            for mention in roles.leads + roles.co_owners:
                start, end = mention.start, mention.end
                mention.start = item.to_document(start)
                mention.end = item.to_document(max(end - 1, start)) + 1
            for message in roles.problems:
                problems.append(Problem(item.line, f"item {item.code}: {message}"))
            if not roles.leads and heading:  # (配合单位:Y) under 一、市商务局: the heading's unit leads
                roles.leads = heading
            if not roles.leads:
                problems.append(Problem(item.line, f"item {item.code}: no lead unit found; item left out"))
                continue
        else:
            continue  # reported by the segmenter ("names no responsible unit"); a task needs an owner
        targets = read_quantities(item.body)
        for quantity in targets:
            quantity.start = item.to_document(item.body_start + quantity.start)
            quantity.end = item.to_document(item.body_start + quantity.end - 1) + 1
        clause = item.role_clause or item.section_clause
        deadline = (clause and (find_deadline(clause) or find_time_in_clause(clause, year))) \
            or find_deadline_in_text(item.body, year)
        tasks.append(Task(item=item, roles=roles, targets=targets, deadline=deadline,
                          deadline_date=deadline_date(deadline, year) if deadline else None))
    if not tasks:  # never silent: a plan in a layout not read yet gives nothing, and says so
        problems.append(Problem(1, "no task found: no numbered item or table row names a lead unit "
                                   "(the layouts read are in the README, How documents are read)"))
    problems.sort(key=lambda p: p.line)
    return PlanExtraction(structure=structure, lead_rule=lead_rule, tasks=tasks, problems=problems)


def _section_roles(item, lead_rule) -> Roles:
    """The roles an item naming no unit takes from its section heading's clause, with the units'
    offsets those of the heading (where a reader finds them written)."""
    roles = read_roles(item.section_clause, lead_rule, offset=0)
    for mention in roles.leads + roles.co_owners:
        start, end = mention.start, mention.end
        mention.start = offset_in_document(item.section_clause_pieces, start, item.start)
        mention.end = offset_in_document(item.section_clause_pieces, max(end - 1, start), item.start) + 1
    return roles

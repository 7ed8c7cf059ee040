"""Promises against results: what a year's report promised and what a later report says was reached.

For every indicator with a commitment for year Y in one document and a result for Y
in another document of the same jurisdiction (or in the same row of a table of targets and
results), one row: a district's report (武汉市武昌区)
is never read as its city's (武汉市) results.  The status rules (also in docs/reports.md):

- the comparator's bound decides: 以上/突破/超/不少于 (at_least) is met when the
  result is not below the target; 以内/控制在/不超过 (at_most) when it is not above;
- 左右 (about) is met when the result is within the tolerance of
  kg/data/indicators.yaml (0.5 percentage points for rates, 5 % of the target
  otherwise) or beyond it in the good direction;
- a plain figure (exactly) is a goal: met when reached (not exceeded, for an
  indicator where less is better, such as 居民消费价格涨幅);
- unclear: the units cannot be compared (亿元 against %), or the documents give
  different results for the year.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pyoxigraph as ox

from .datafiles import query
from .graph import literal
from .indicators import base_unit, indicator_name, is_rate, lower_is_better, rules
from .lookup import jurisdiction_named
from .store import select, select_with_values

KEYS = ("indicator", "year", "jurisdiction", "target_value", "target_unit", "comparator", "actual_value", "actual_unit",
        "status", "evidence", "owners")


def judge(target: Decimal, target_unit: str, bound: str, actual: Decimal, actual_unit: str,
          indicator: str = "", upper: Decimal | None = None) -> str:
    """met | missed | unclear for one target and one result; ``upper``: a range's upper end
    (between: met from its lower end up, or, where less is better, up to its upper end).

    >>> judge(Decimal(25), "万人", "at_least", Decimal("29.8"), "万人")
    'met'
    >>> judge(Decimal(6), "%", "exactly", Decimal("5.2"), "%", "地区生产总值增长")
    'missed'
    >>> judge(Decimal(6), "%", "about", Decimal("5.6"), "%"), judge(Decimal(3), "%", "about", Decimal("3.4"), "%", "居民消费价格涨幅")
    ('met', 'met')
    >>> judge(Decimal(2400), "亿元", "at_least", Decimal(5), "%")
    'unclear'
    >>> judge(Decimal(5), "%", "between", Decimal("5.5"), "%", "收入增长", Decimal(6)), judge(Decimal(5), "%", "between", Decimal("4.9"), "%", "", Decimal(6))
    ('met', 'missed')
    """
    target_base, target_factor = base_unit(target_unit)
    actual_base, actual_factor = base_unit(actual_unit)
    if target_base != actual_base:
        return "unclear"
    t, a = target * target_factor, actual * actual_factor
    lower = lower_is_better(indicator)
    if bound == "between" and upper is not None:
        if lower:
            return "met" if a <= upper * target_factor else "missed"
        return "met" if a >= t else "missed"
    if bound == "at_least":
        return "met" if a >= t else "missed"
    if bound == "at_most":
        return "met" if a <= t else "missed"
    if bound == "about":
        tolerance = rules()["tolerance"]
        tol = Decimal(str(tolerance["rate"])) if is_rate(target_base) else abs(t) * Decimal(str(tolerance["relative"]))
        if lower:
            return "met" if a <= t + tol else "missed"
        return "met" if a >= t - tol else "missed"
    if bound == "exactly":
        if lower:
            return "met" if a <= t else "missed"
        return "met" if a >= t else "missed"
    return "unclear"


def _number(value: str):
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _evidence(row: dict, role: str) -> dict:
    return {"role": role, "document": row["file"], "passage": row["passage"], "start": int(row["start"]),
            "end": int(row["end"]), "line": int(row["line"]) if row.get("line") else None, "text": row["text"]}


def _order(row: dict):
    return (row.get("main") != "true", row["file"], int(row["start"]))


FACTS_PER_QUERY = 2000  # facts (and passages) named in one VALUES block of track_facts.rq (track_owners.rq)


def _facts(store: ox.Store, year: int | None, jurisdiction: str | None, unanswered: bool = False) -> list[dict]:
    """The commitments and results that can make a row, each with its quantity, passage, file and
    jurisdiction (the rows of the one-step query these two steps replace); with ``unanswered``, the
    commitments no result of their indicator answers though a result of their year and jurisdiction
    is in the graph (a later document reviews that year, and is silent on this promise)."""
    documents = {row["doc"]: row for row in select(store, query("track_documents"))}
    if jurisdiction:  # 咸宁: the graph's one 咸宁市
        jurisdiction = jurisdiction_named(jurisdiction, {row["jurisdiction"] for row in documents.values()
                                                         if row["jurisdiction"]})
    bindings = {"year": literal(year, "integer")} if year is not None else None  # asked of the store, not filtered here
    kinds: dict[tuple, set] = defaultdict(set)
    candidates = []
    for row in select(store, query("track_candidates"), bindings):
        document = documents.get(row["doc"])
        if document is None:
            continue  # a fact of a part that names no file (as before: never compared)
        row.update(file=document["file"], jurisdiction=document["jurisdiction"] or "")
        if jurisdiction and not row["jurisdiction"].endswith(jurisdiction):
            continue
        candidates.append(row)
    _mirror_falls(candidates)
    for row in candidates:
        kinds[(row["year"], row["jurisdiction"], row["indicator"])].add(row["kind"])
    if unanswered:
        reviewed = {(row["year"], row["jurisdiction"]) for row in candidates if row["kind"] == "result"}
        kept = {row["fact"]: row for row in candidates if (row["year"], row["jurisdiction"]) in reviewed
                and kinds[(row["year"], row["jurisdiction"], row["indicator"])] == {"commitment"}}
    else:
        kept = {row["fact"]: row for row in candidates
                if len(kinds[(row["year"], row["jurisdiction"], row["indicator"])]) == 2}
    return [{**kept[row["fact"]], **row}
            for row in select_with_values(store, query("track_facts"), "fact", kept, per_query=FACTS_PER_QUERY)]


def _mirror_falls(candidates: list[dict]) -> None:
    """A result of a fall (固定资产投资下降) where the year's promise is of a growth (固定资产投资增长) and
    no result of that growth is given: compared as the growth, its value negated (``negated``).

    >>> rows = [{"kind": "commitment", "year": "2030", "jurisdiction": "甲市", "indicator": "投资增长"},
    ...         {"kind": "result", "year": "2030", "jurisdiction": "甲市", "indicator": "投资下降"}]
    >>> _mirror_falls(rows); rows[1]["indicator"], rows[1]["negated"]
    ('投资增长', True)
    """
    present = {(row["year"], row["jurisdiction"], row["indicator"], row["kind"]) for row in candidates}
    for row in candidates:
        if row["kind"] != "result":
            continue
        for ending, mirror in rules()["mirrored_endings"].items():
            if not row["indicator"].endswith(ending):
                continue
            growth = row["indicator"][:-len(ending)] + mirror
            key = (row["year"], row["jurisdiction"], growth)
            if (*key, "commitment") in present and (*key, "result") not in present \
                    and (row["year"], row["jurisdiction"], row["indicator"], "commitment") not in present:
                row["indicator"], row["negated"] = growth, True


def _owners(store: ox.Store, rows: list[dict]) -> None:
    """Give each row the plan tasks that carry its promise, with their lead units (``owners``).

    A plan task derived from the passage that states the promise (kg.link) carries it when it
    speaks of the same indicator: a target of the task names it (kg.indicators), or the task's
    text holds it. A passage states several promises (主要预期目标是:地区生产总值增长6%左右,城镇新增
    就业22万人以上…), and each of its tasks carries only its own.
    """
    passages = {row["evidence"][0]["passage"] for row in rows}
    tasks: dict[str, dict[str, dict]] = defaultdict(dict)  # passage -> task -> its description
    for found in select_with_values(store, query("track_owners"), "passage", passages, per_query=FACTS_PER_QUERY):
        task = tasks[found["passage"]].setdefault(found["task"], {
            "code": found["code"], "document": found["file"], "text": found["text"], "leads": set(), "metrics": set()})
        task["leads"].add(found["lead"])
        if found.get("metric"):
            task["metrics"].add(found["metric"])
    for row in rows:
        carried = []
        for task in tasks.get(row["evidence"][0]["passage"], {}).values():
            if row["indicator"] in task["text"] or row["indicator"] in {indicator_name(m) for m in task["metrics"]}:
                carried.append({"code": task["code"], "document": task["document"], "text": task["text"],
                                "leads": sorted(task["leads"]), "matched": "passage"})
        row["owners"] = sorted(carried, key=lambda t: (t["document"], t["code"]))
    _owners_by_indicator(store, [row for row in rows if not row["owners"]])


def _owners_by_indicator(store: ox.Store, rows: list[dict]) -> None:
    """Give a promise that no plan task is derived from the tasks of its year's plan (same year and
    jurisdiction) with a target of its indicator: kg.link may miss a task the plan words otherwise
    (扩大有效需求,新开工亿元以上项目300个 against the report's 新开工亿元以上项目300个,社会消费品…).
    Such owners say ``"matched": "indicator"``; those derived from the passage ``"passage"``."""
    wanted = {(row["year"], row["jurisdiction"]) for row in rows}
    if not wanted:
        return
    plans = {found["doc"]: (int(found["year"]), found["jurisdiction"]) for found in select(store, query("track_plans"))
             if (int(found["year"]), found["jurisdiction"]) in wanted}
    tasks: dict[tuple, dict[str, dict]] = defaultdict(dict)  # (year, jurisdiction) -> task -> its description
    for found in select_with_values(store, query("track_plan_targets"), "doc", plans, per_query=FACTS_PER_QUERY):
        task = tasks[plans[found["doc"]]].setdefault(found["task"], {
            "code": found["code"], "document": found["file"], "text": found["text"], "leads": set(), "indicators": set()})
        task["leads"].add(found["lead"])
        task["indicators"].add(indicator_name(found["metric"]))
    for row in rows:
        carried = [{"code": task["code"], "document": task["document"], "text": task["text"],
                    "leads": sorted(task["leads"]), "matched": "indicator"}
                   for task in tasks.get((row["year"], row["jurisdiction"]), {}).values()
                   if row["indicator"] in task["indicators"]]
        row["owners"] = sorted(carried, key=lambda t: (t["document"], t["code"]))


def track(store: ox.Store, year: int | None = None, jurisdiction: str | None = None) -> list[dict]:
    """One row per indicator, year and jurisdiction with a commitment in one document and a result in
    another.

    Rows are sorted by year, jurisdiction, then indicator.  ``jurisdiction`` keeps one city
    or district: its full name (武汉市武昌区), its end (武昌区), or its name without its level word when
    that names one jurisdiction of the graph (咸宁 for 咸宁市).  When several documents promise the
    same indicator for the year, the main target (主要预期目标) comes first, then
    the first in file order; results from other documents that disagree make the
    status unclear.
    """
    commitments: dict[tuple, list] = defaultdict(list)
    results: dict[tuple, list] = defaultdict(list)
    for row in _facts(store, year, jurisdiction):
        key = (int(row["year"]), row["jurisdiction"] or "", row["indicator"])
        (commitments if row["kind"] == "commitment" else results)[key].append(row)
    rows = []
    for key in sorted(set(commitments) & set(results)):
        target = sorted(commitments[key], key=_order)[0]
        actuals = sorted((r for r in results[key] if r["file"] != target["file"]), key=_order)
        if not actuals:
            # a row of a table of the year's targets and what was reached (指标 | 2030年目标 | 2030年完成)
            # states both in one passage: the one document that compares them
            actuals = [r for r in results[key] if r["passage"] == target["passage"]]
        if not actuals:
            continue
        for row in actuals:
            if row.get("negated"):  # 下降2.3% as a growth: -2.3%
                row["value"] = str(-Decimal(row["value"]))
        actual = actuals[0]
        status = judge(Decimal(target["value"]), target["unit"], target["bound"], Decimal(actual["value"]),
                       actual["unit"], key[2], Decimal(target["upper"]) if target.get("upper") else None)
        if len({(Decimal(r["value"]), r["unit"]) for r in actuals}) > 1:
            status = "unclear"
        rows.append({
            "indicator": key[2],
            "year": key[0],
            "jurisdiction": key[1],
            "target_value": _number(target["value"]),
            "target_unit": target["unit"],
            "comparator": target.get("comparator") or "",
            "actual_value": _number(actual["value"]),
            "actual_unit": actual["unit"],
            "status": status,
            "evidence": [_evidence(target, "target"), _evidence(actual, "actual")],
        })
    _owners(store, rows)
    return rows


def unanswered(store: ox.Store, year: int | None = None, jurisdiction: str | None = None) -> list[dict]:
    """The promises of a year that no result answers, though a later document reports results for that
    year and jurisdiction: what a report passed over in silence.  Rows as :func:`track`'s, with
    ``status`` "no result", no actual value and the target's evidence alone; sorted by year,
    jurisdiction, then indicator, one row per indicator (its main target first, as in :func:`track`)."""
    commitments: dict[tuple, list] = defaultdict(list)
    for row in _facts(store, year, jurisdiction, unanswered=True):
        commitments[(int(row["year"]), row["jurisdiction"] or "", row["indicator"])].append(row)
    rows = []
    for key in sorted(commitments):
        target = sorted(commitments[key], key=_order)[0]
        rows.append({
            "indicator": key[2], "year": key[0], "jurisdiction": key[1],
            "target_value": _number(target["value"]), "target_unit": target["unit"],
            "comparator": target.get("comparator") or "", "actual_value": None, "actual_unit": "",
            "status": "no result", "evidence": [_evidence(target, "target")],
        })
    _owners(store, rows)
    return rows

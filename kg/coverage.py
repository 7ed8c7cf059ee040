"""Coverage of a plan by its report, and of the report by its plan.

``kg coverage`` lists the plan tasks that no report passage states and the report
commitments that no plan task carries.  When the report's text stops mid-sentence
(a truncated export), tasks after the last one the report states are reported as
"after the end of the report text", not as gaps: the report cannot be checked there.

The report of the plan's year and jurisdiction is found by :mod:`kg.link`.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox

from .datafiles import query
from .link import task_links
from .store import select, select_with_values

_SENTENCE_END = re.compile(r"[。!?！？][”’\"]?$")


def report_end(store: ox.Store, report: str) -> dict | None:
    """The last passage of a report and whether the text is complete (ends with a full stop)."""
    rows = select(store, query("coverage_report_end"), {"report": ox.NamedNode(report)})
    if not rows:
        return None
    last = select(store, query("coverage_passage"), {"passage": ox.NamedNode(rows[0]["passage"])})[0]
    return {"line": int(last["line"]) if last.get("line") else None, "end": int(last["end"]),
            "text": last["text"], "complete": bool(_SENTENCE_END.search(last["text"].strip()))}


def coverage(store: ox.Store) -> list[dict]:
    """One entry per plan: linked and unlinked tasks, where the report ends, uncarried commitments."""
    entries = []
    commitments: dict[tuple, list] = defaultdict(list)  # (report, year) -> its commitments in text order
    for row in sorted(select(store, query("coverage_commitments")), key=lambda r: (int(r["line"] or 0), r["commitment"])):
        commitments[(row["report"], int(row["year"]))].append(row)
    for plan in task_links(store):
        entry = {"plan": plan.plan_file, "year": plan.year, "report": plan.report_file, "tasks": len(plan.tasks),
                 "linked": sum(1 for t in plan.tasks if t["passages"]), "unlinked": [], "after_report_end": [],
                 "report_end": None, "uncarried_commitments": []}
        if plan.report is None:  # nothing to check against: no gaps ("report": null says why)
            entries.append(entry)
            continue
        end = report_end(store, plan.report)
        entry["report_end"] = end
        cutoff = len(plan.tasks)
        if end and not end["complete"]:
            # the report stops: the task stated nearest its end marks how far the plan can be checked;
            # a later task may still be linked (a livelihood project restating an earlier sentence)
            starts = {p["passage"]: p["start"] for p in plan.passages}
            linked = [(max(starts[p] for p in t["passages"]), i) for i, t in enumerate(plan.tasks) if t["passages"]]
            if linked:
                cutoff = max(linked)[1] + 1
        for index, task in enumerate(plan.tasks):
            if task["passages"]:
                continue
            (entry["unlinked"] if index < cutoff else entry["after_report_end"]).append(_task(task))
        carried = {p for t in plan.tasks for p in t["passages"]}
        for row in commitments[(plan.report, plan.year)]:
            if row["passage"] not in carried:
                entry["uncarried_commitments"].append({"text": row["text"], "indicator": row.get("ind") or "",
                                                       "line": int(row["line"]) if row.get("line") else None})
        entries.append(entry)
    reported = {c["indicator"] for e in entries for c in e["uncarried_commitments"] if c["indicator"]}
    labels: dict[str, str] = {}
    for row in sorted(select_with_values(store, query("coverage_indicator_labels"), "ind", reported),
                      key=lambda r: (r["ind"], r["indicator"])):
        labels.setdefault(row["ind"], row["indicator"])  # one label an indicator, the same every run
    for entry in entries:
        for commitment in entry["uncarried_commitments"]:
            commitment["indicator"] = labels.get(commitment["indicator"], "")
    return entries


def _task(task: dict) -> dict:
    return {"code": task["code"], "line": task["line"], "text": task["text"]}

"""Plan task <-> report passage: which sentence of the report a plan task decomposes.

A plan (目标任务责任分解方案) copies the report's sentences into its tasks, sometimes
cut, merged or lightly edited.  A task sentence is linked to the report passage
that holds most of its character bigrams, when that share reaches
``THRESHOLD``; a task is linked to every passage one of its sentences matches.
Only the plan parts of the report of the same jurisdiction and year are searched.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from .datafiles import query
from .store import select

THRESHOLD = 0.7  # share of a task sentence's bigrams found in the passage
MIN_BIGRAMS = 4  # shorter task sentences (a heading word) are not matched alone
_WORD = re.compile(r"[\u3400-\u9fffA-Za-z0-9.%]")
_SPLIT = re.compile(r"(?<=[。;；!?！？])")


def bigrams(text: str) -> set[str]:
    """Character bigrams of the words of ``text`` (punctuation and spaces dropped).

    >>> sorted(bigrams("增长6%,好"))
    ['%好', '6%', '增长', '长6']
    """
    chars = "".join(_WORD.findall(text))
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


@dataclass
class TaskLinks:
    plan: str
    plan_file: str
    year: int
    report: str | None
    report_file: str | None
    tasks: list[dict]  # code, text, start, line, task, passages (list of passage IRIs)
    passages: list[dict]  # passage, text, start, line, part


def match(task_text: str, passages: list[tuple[str, set[str]]], index: dict[str, list[int]]) -> list[str]:
    """The passages that state the sentences of one task."""
    found = []
    for piece in _SPLIT.split(task_text):
        grams = bigrams(piece)
        if len(grams) < MIN_BIGRAMS:
            continue
        hits: dict[int, int] = defaultdict(int)
        for gram in grams:
            for position in index.get(gram, ()):
                hits[position] += 1
        if not hits:
            continue
        best = max(sorted(hits), key=lambda p: hits[p])
        if hits[best] / len(grams) >= THRESHOLD and passages[best][0] not in found:
            found.append(passages[best][0])
    return found


@dataclass
class LinkMemo:
    """The passages of each plan's tasks, by a hash of the plan's tasks and its report's passages.

    ``kg build`` keeps it with the cache: a plan and a report that did not change are not
    matched again (``known``: the previous build's; ``used``: this build's, to keep).
    """

    known: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)


def _pair_key(plan: TaskLinks) -> str:
    tasks = [[task["task"], task["text"]] for task in plan.tasks]
    passages = [[passage["passage"], passage["text"]] for passage in plan.passages]
    content = [tasks, plan.report, passages]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def task_links(store: ox.Store) -> list[TaskLinks]:
    """For every plan in ``store``: its tasks in plan order, each with the report passages it derives from."""
    return link_tasks(select(store, query("coverage_plan_tasks")), select(store, query("coverage_report_passages")))


def link_tasks(task_rows, passage_rows, memo: LinkMemo | None = None) -> list[TaskLinks]:
    """:func:`task_links` on the rows of the queries coverage_plan_tasks and coverage_report_passages.

    The rows may come from one store of every document or from each document alone
    (what ``kg build`` keeps per document, so the cross-document step needs no store).
    With ``memo``, a plan whose tasks and report are those of a previous build takes its
    links from there.
    """
    plans: dict[str, TaskLinks] = {}
    for row in task_rows:
        plan = plans.setdefault(row["plan"], TaskLinks(row["plan"], row["planFile"], int(row["year"]), None, None,
                                                       [], []))
        plan.jurisdiction = row["jurisdiction"]
        plan.tasks.append({"task": row["task"], "code": row["code"], "text": row["text"], "start": int(row["start"]),
                           "line": int(row["line"]) if row.get("line") else None, "passages": []})
    reports: dict[tuple, dict] = defaultdict(lambda: {"passages": []})
    for row in passage_rows:
        entry = reports[(row["jurisdiction"], int(row["year"]), row["report"])]
        entry["file"] = row["reportFile"]
        entry["passages"].append({"passage": row["passage"], "text": row["text"], "start": int(row["start"]),
                                  "line": int(row["line"]) if row.get("line") else None, "part": row["partCode"]})
    for plan in sorted(plans.values(), key=lambda p: p.plan):
        plan.tasks.sort(key=lambda t: t["start"])
        candidates = sorted(k for k in reports if k[0] == plan.jurisdiction and k[1] == plan.year)
        if not candidates:
            continue
        key = candidates[0]
        plan.report, plan.report_file = key[2], reports[key]["file"]
        plan.passages = sorted(reports[key]["passages"], key=lambda p: p["start"])
        pair = _pair_key(plan) if memo is not None else None
        if pair is not None and pair in memo.known:
            for task, passages in zip(plan.tasks, memo.known[pair]):
                task["passages"] = list(passages)
            memo.used[pair] = memo.known[pair]
            continue
        grams = [(p["passage"], bigrams(p["text"])) for p in plan.passages]
        index: dict[str, list[int]] = defaultdict(list)
        for position, (_, passage_grams) in enumerate(grams):
            for gram in passage_grams:
                index[gram].append(position)
        for task in plan.tasks:
            task["passages"] = match(task["text"], grams, index)
        if pair is not None:
            memo.used[pair] = [task["passages"] for task in plan.tasks]
    return sorted(plans.values(), key=lambda p: p.plan)

"""Questions users ask of the graph: "every task 市经信局 owns, with whom, with which targets".

Queries live in kg/queries/*.rq; parameters are bound by the engine, never
pasted into the query text.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from decimal import Decimal

import pyoxigraph as ox

from .datafiles import query
from .errors import GovkgError
from .numerals import code_sort_key
from .store import select


class UnitNotFound(GovkgError):
    pass


def unit_tasks(store: ox.Store, name: str, with_name: str | None = None,
               include_collective: bool = False) -> list[dict]:
    """Every task the unit called ``name`` owns (lead or co-owner), sorted by document and code.

    Each row: ``code``, ``role``, ``text``, ``document``, ``line``, ``unit``, ``targets``
    (value, unit, comparator, bound, metric) and ``units`` (every unit responsible for the
    task, with its role).  ``with_name`` keeps the tasks that unit shares too;
    ``include_collective`` adds the tasks the unit carries as a member of a collective.
    """
    rows = _task_rows(store, name, include_collective)
    if with_name is not None:
        partner = {row["task"] for row in _task_rows(store, with_name, include_collective)}
        rows = [row for row in rows if row["task"] in partner]
    names = {"name": name}
    targets = defaultdict(list)
    for row in select(store, query("task_targets"), names):
        targets[row["task"]].append(row)
    units = defaultdict(list)
    for row in select(store, query("task_units"), names):
        units[row["task"]].append({"name": row["otherLabel"], "role": row["otherRole"]})
    results = []
    for row in rows:
        result = {
            "code": row["code"],
            "role": row["role"],
            "text": row["text"],
            "document": row["file"],
            "line": int(row["line"]) if row.get("line") else None,
            "unit": row["unitLabel"],
            "targets": [
                {"value": _number(t["value"]), "unit": t["measure"], "comparator": t.get("comparator") or "",
                 "bound": t.get("bound") or "", "metric": t.get("metric") or ""}
                for t in sorted(targets[row["task"]], key=lambda t: _target_index(t["target"]))
            ],
            "units": sorted(units[row["task"]], key=lambda u: (u["role"] != "lead", u["name"])),
        }
        if row.get("collectiveLabel"):
            result["via"] = row["collectiveLabel"]
        results.append(result)
    return results


def _task_rows(store, name: str, include_collective: bool) -> list[dict]:
    rows = select(store, query("unit_tasks"), {"name": name})
    if not rows and not _known(store, name):
        raise UnitNotFound(_not_found_message(store, name))
    if include_collective:
        direct = {r["task"] for r in rows}
        rows += [r for r in select(store, query("unit_tasks_via_collective"), {"name": name})
                 if r["task"] not in direct]
    rows.sort(key=lambda r: (r["file"], code_sort_key(r["code"]), r["role"]))
    return rows


def _known(store, name: str) -> bool:
    return any(row["label"] == name for row in select(store, query("unit_names")))


def _not_found_message(store, name: str) -> str:
    labels = sorted({row["label"] for row in select(store, query("unit_names"))})
    close = difflib.get_close_matches(name, labels, n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else " (see `kg analyze` for the units in the graph)"
    return f"no unit named {name!r} in the graph{hint}"


def _number(text: str):
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def _target_index(iri: str) -> int:
    tail = iri.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0

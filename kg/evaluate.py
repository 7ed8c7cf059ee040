"""Score a built graph against a user's hand annotation of a plan (`kg eval --gold FILE`).

The annotation is a UTF-8 TSV file with a header line and the columns

    code      field      value                      document (optional)
    二.12     lead       市发改委
    二.12     co_owner   市经信局
    二.12     target     930 个
    二.240    target     5.4 万套(间)

``field`` is ``lead``, ``co_owner`` or ``target``; a unit may be written by any of
its names (as written, full name, alias); a target is the value and the unit as
written, separated by a space.  ``document`` (a file name) is needed only when
the graph holds several plans.  Only the items (codes) the file annotates are
scored, so a partial annotation is fine; an annotated item with no target rows
means "no targets".
"""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .errors import UsageError
from .store import select

FIELDS = ("lead", "co_owner", "target")

_FACTS = """
SELECT ?file ?code ?field ?value ?measure ?unit WHERE {
  ?task a gk:Task ; gk:code ?code ; gk:inDocument ?doc .
  ?doc gk:sourceFile ?file .
  {
    ?unit gk:leads ?task . BIND("lead" AS ?field)
  } UNION {
    ?unit gk:coOwns ?task . BIND("co_owner" AS ?field)
  } UNION {
    ?task gk:hasTarget ?target . ?target gk:value ?value ; gk:unit ?measure . BIND("target" AS ?field)
  }
}
"""
_NAMES = """
SELECT ?unit ?name WHERE { ?unit a gk:Unit ; rdfs:label|skos:prefLabel|skos:altLabel ?name . }
"""


def read_gold(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    if not rows or not {"code", "field", "value"} <= set(rows[0]):
        raise UsageError(f"{path}: needs a header with the columns code, field, value (and optionally document)")
    for number, row in enumerate(rows, start=2):
        if row["field"] not in FIELDS:
            raise UsageError(f"{path}: row {number}: field must be one of {', '.join(FIELDS)}, not {row['field']!r}")
    return rows


def _target_key(value: str, unit: str) -> tuple:
    try:
        number = Decimal(value).normalize()
    except InvalidOperation:
        number = value
    return ("target", str(number), unit)


def evaluate(store, gold_path: Path) -> dict:
    gold_rows = read_gold(gold_path)
    names = defaultdict(set)
    for row in select(store, _NAMES):
        names[row["unit"]].add(row["name"])
    found_by_item = defaultdict(set)
    for row in select(store, _FACTS):
        item = (row["file"], row["code"])
        if row["field"] == "target":
            found_by_item[item].add(_target_key(row["value"], row["measure"]))
        else:
            found_by_item[item].add((row["field"], row["unit"]))
    files = sorted({file for file, _ in found_by_item})
    gold_by_item = defaultdict(set)
    for row in gold_rows:
        document = (row.get("document") or "").strip()
        if not document:
            if len(files) > 1:
                raise UsageError(f"{gold_path}: the graph holds several documents; add a document column")
            document = files[0] if files else ""
        item = (document, row["code"].strip())
        if row["field"] == "target":
            value, _, unit = row["value"].strip().partition(" ")
            gold_by_item[item].add(_target_key(value, unit.strip()))
        else:
            gold_by_item[item].add((row["field"], row["value"].strip()))

    tallies = {name: {"gold": 0, "found": 0, "correct": 0} for name in ("lead", "co_owner", "target")}
    errors = []
    for item, gold in sorted(gold_by_item.items()):
        found = found_by_item.get(item, set())
        for field in tallies:
            gold_f = {g for g in gold if g[0] == field}
            found_f = {f for f in found if f[0] == field}
            if field == "target":
                correct = gold_f & found_f
                missing, extra = gold_f - found_f, found_f - gold_f
            else:
                matched_found = {f for f in found_f if any(g[1] in names[f[1]] for g in gold_f)}
                matched_gold = {g for g in gold_f if any(g[1] in names[f[1]] for f in found_f)}
                correct = matched_gold
                missing = gold_f - matched_gold
                extra = {(f[0], sorted(names[f[1]])[0] if names[f[1]] else f[1]) for f in found_f - matched_found}
            tallies[field]["gold"] += len(gold_f)
            tallies[field]["found"] += len(found_f)
            tallies[field]["correct"] += len(correct)
            errors += [f"{item[1]}: missing {m[0]} {' '.join(m[1:])}" for m in sorted(missing)]
            errors += [f"{item[1]}: extra {e[0]} {' '.join(e[1:])}" for e in sorted(extra)]

    def score(*fields):
        gold = sum(tallies[f]["gold"] for f in fields)
        found = sum(tallies[f]["found"] for f in fields)
        correct = sum(tallies[f]["correct"] for f in fields)
        precision = correct / found if found else (1.0 if not gold else 0.0)
        recall = correct / gold if gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"gold": gold, "found": found, "correct": correct,
                "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}

    return {
        "gold": str(gold_path), "items": len(gold_by_item),
        "leads": score("lead"), "co_owners": score("co_owner"), "roles": score("lead", "co_owner"),
        "targets": score("target"), "overall": score("lead", "co_owner", "target"), "errors": errors,
    }

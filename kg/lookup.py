"""Questions users ask of the graph: "every task 市经信局 owns, with whom, with which targets".

Queries live in kg/queries/*.rq; parameters are bound by the engine, never
pasted into the query text.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections import defaultdict
from decimal import Decimal

import pyoxigraph as ox

from .datafiles import query
from .errors import GovkgError
from .graph import jurisdiction_of_iri
from .numerals import code_sort_key
from .store import select


class UnitNotFound(GovkgError):
    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []  # the graph's names closest to the one asked for


def unit_tasks(store: ox.Store, name: str, with_name: str | None = None,
               include_collective: bool = False, jurisdiction: str | None = None,
               year: int | None = None, due_by: datetime.date | None = None) -> list[dict]:
    """Every task the unit called ``name`` owns (lead or co-owner), sorted by document and code.

    Each row: ``code``, ``role``, ``text``, ``document``, ``line``, ``unit``, ``deadline`` (the
    last day allowed, ISO) and ``deadline_text`` (as written; both "" when the plan gives none), ``targets``
    (value, unit, comparator, bound, metric) and ``units`` (every unit responsible for the
    task, with its role).  ``with_name`` keeps the tasks that unit shares too;
    ``include_collective`` adds the tasks the unit carries as a member of a collective;
    ``jurisdiction`` (武汉市) and ``year`` keep the tasks of those plans only: in a graph of
    many cities or years one name (市经信局) names a unit in each. ``due_by`` keeps the tasks
    whose deadline (its last day) falls on or before that day.
    """
    if jurisdiction is not None:
        jurisdiction = jurisdiction_named(jurisdiction, _places(store))  # 咸宁: 咸宁市
    name, jurisdiction = resolve_unit(store, name, jurisdiction)  # 合肥市发改委: 合肥市's 市发改委
    rows = _in_plans(_task_rows(store, name, include_collective), name, jurisdiction, year)
    if due_by is not None:
        rows = [row for row in rows if row.get("deadline") and row["deadline"] <= due_by.isoformat()]
    if with_name is not None:
        with_name, _ = resolve_unit(store, with_name, jurisdiction)
        partner = {row["task"] for row in _task_rows(store, with_name, include_collective)}
        rows = [row for row in rows if row["task"] in partner]
    targets = defaultdict(list)
    owners = defaultdict(set)
    for bindings in _scopes(name, rows, narrowed=jurisdiction is not None or year is not None):
        for row in select(store, query("task_targets"), bindings):
            targets[row["task"]].append(row)
        for row in select(store, query("task_units"), bindings):
            owners[row["task"]].add((row["other"], row["otherRole"]))
    labels = _unit_labels(store, {row["g"] for row in rows})
    units = {task: [{"name": labels.get(unit, unit), "role": role} for unit, role in pairs]
             for task, pairs in owners.items()}
    results = []
    for row in rows:
        result = {
            "code": row["code"],
            "role": row["role"],
            "text": row["text"],
            "document": row["file"],
            "line": int(row["line"]) if row.get("line") else None,
            "unit": row["unitLabel"],
            "jurisdiction": row.get("jurisdiction") or "",
            "deadline": row.get("deadline") or "",  # the last day allowed, 2026-12-31 ("": none given, or no time)
            "deadline_text": row.get("deadlineText") or "",  # as written: 2026年12月底, 全年推进
            "targets": [
                {"value": _number(t["value"]), "unit": t["measure"], "comparator": t.get("comparator") or "",
                 "bound": t.get("bound") or "", "metric": t.get("metric") or ""}
                for t in sorted(targets[row["task"]], key=lambda t: _target_index(t["target"]))
            ],
            "units": sorted(units.get(row["task"], []), key=lambda u: (u["role"] != "lead", u["name"])),
        }
        if row.get("collectiveLabel"):
            result["via"] = row["collectiveLabel"]
        results.append(result)
    return results


# a narrowed lookup asks for targets and co-owners plan by plan (a pattern inside a given
# graph is fast) up to this many plans; beyond, one query over every graph is faster
_PLANS_ASKED_ONE_BY_ONE = 20


def _scopes(name: str, rows: list[dict], narrowed: bool) -> list[dict]:
    """The bindings of the targets and co-owners queries: the name, and the plans' graphs when few."""
    graphs = sorted({row["g"] for row in rows if row.get("g")})
    if narrowed and len(graphs) <= _PLANS_ASKED_ONE_BY_ONE:
        return [{"name": name, "g": ox.NamedNode(graph)} for graph in graphs]
    return [{"name": name}] if rows else []


def _in_plans(rows: list[dict], name: str, jurisdiction: str | None, year: int | None) -> list[dict]:
    """The rows of the plans of ``jurisdiction`` and ``year`` (each when given); a clear error when none is."""
    if jurisdiction is None and year is None:
        return rows
    kept = [row for row in rows
            if (jurisdiction is None or row.get("jurisdiction") == jurisdiction)
            and (year is None or str(year) in row["years"])]
    if rows and not kept:
        where = " ".join(part for part in (jurisdiction, f"{year}" if year is not None else None) if part)
        plans = sorted({(row.get("jurisdiction") or "?", "/".join(sorted(row["years"])) or "?") for row in rows})
        listed = ", ".join(f"{j} {y}" for j, y in plans[:8]) + (f" and {len(plans) - 8} more" if len(plans) > 8 else "")
        raise UnitNotFound(f"{name!r} owns no task in the plans of {where} (it owns tasks in: {listed})")
    return kept


def jurisdictions_of(rows: list[dict]) -> list[str]:
    """The jurisdictions of :func:`unit_tasks` rows, in order of first appearance."""
    return list(dict.fromkeys(row["jurisdiction"] for row in rows if row.get("jurisdiction")))


def _task_rows(store, name: str, include_collective: bool) -> list[dict]:
    rows = select(store, query("unit_tasks"), {"name": name})
    if include_collective:
        direct = {r["task"] for r in rows}
        rows += [r for r in select(store, query("unit_tasks_via_collective"), {"name": name})
                 if r["task"] not in direct]
    documents = _documents(store)  # a plan's file, jurisdiction and years: asked once, not per task
    rows = [{**row, **documents.get(row["g"], {"file": "", "jurisdiction": None, "years": set()})} for row in rows]
    order = {code: code_sort_key(code) for code in {row["code"] for row in rows}}
    rows.sort(key=lambda r: (r["file"], order[r["code"]], r["role"]))
    return rows


def _documents(store) -> dict[str, dict]:
    """Each document graph's file, jurisdiction and years (a plan may be about two years)."""
    documents: dict[str, dict] = {}
    for row in select(store, query("plan_documents")):
        document = documents.setdefault(row["g"], {"file": row["file"], "jurisdiction": row["jurisdiction"],
                                                   "years": set()})
        if row["year"]:
            document["years"].add(row["year"])
    return documents


def _unit_labels(store, graphs) -> dict[str, str]:
    """The preferred label of every unit of ``graphs``, by IRI."""
    labels = {}
    for graph in sorted(graphs):
        for row in select(store, query("unit_labels"), {"g": ox.NamedNode(graph)}):
            labels[row["unit"]] = row["label"]
    return labels


def typed_name(name: str) -> str:
    """A name as a user typed or pasted it, normalised as documents are (kg/read.py): full-width
    forms to ASCII, spaces between Chinese characters gone.

    >>> typed_name(" 各县（市、区）人民政府 "), typed_name("市 发改委")
    ('各县(市、区)人民政府', '市发改委')
    """
    from .read import normalise

    return normalise(name)[0].strip()


def resolve_unit(store, name: str, jurisdiction: str | None = None) -> tuple[str, str | None]:
    """(the name the graph knows a unit by, its jurisdiction) for a name as a user types it: the name
    itself, normalised as documents are (各县（市、区）人民政府); another of the names every city gives
    one department (市发展和改革委员会 is 市发改委: kg/data/unit_name_variants.tsv, as the build resolves
    them); or either qualified by a jurisdiction of the graph's plans (合肥市发改委, 咸宁市发展和改革委员会,
    市财政局（南昌市）).  The jurisdiction is the one given, else the one the name names (None when it
    names none).  :class:`UnitNotFound`, with suggestions, when the graph knows no such unit."""
    typed = typed_name(name)
    if typed and select(store, query("unit_named"), {"name": typed}):
        return typed, jurisdiction
    names = _names(store)
    known = next((candidate for candidate in _variants(typed) if candidate in names), None)
    if known:
        return known, jurisdiction
    qualified = split_qualified(store, typed, names)
    if qualified and jurisdiction in (None, qualified[0]):
        return qualified[1], qualified[0]
    raise UnitNotFound(_not_found_message(store, name, names), _suggestions(name, names))


def _variants(name: str) -> list[str]:
    """The names of the department ``name`` is one of the names of, in any city (the resolver's
    table, kg/data/unit_name_variants.tsv): its canonical name first; [] for a name it does not hold."""
    from .resolve import load_gazetteer

    variants = load_gazetteer().variants
    canonical = variants.get(name)
    if canonical is None:
        return []
    return [canonical] + sorted(other for other, key in variants.items() if key == canonical and other != canonical)


def _names(store) -> set[str]:
    return {row["label"] for row in select(store, query("unit_names"))}


def _places(store) -> set[str]:
    """The jurisdictions of the graph's plans."""
    return {document["jurisdiction"] for document in _documents(store).values() if document["jurisdiction"]}


def jurisdiction_named(name: str, places) -> str:
    """The jurisdiction of ``places`` a user means by ``name``: the one called so, or the one that ends
    so (武昌区 for 武汉市武昌区; ``name`` when several do), else the one jurisdiction that is ``name`` and a level word
    (咸宁 is 咸宁市, 咸安 咸宁市咸安区); ``name`` when none is; an error when several are.

    >>> jurisdiction_named("咸宁", {"咸宁市", "咸宁市咸安区"}), jurisdiction_named("咸安", {"咸宁市", "咸宁市咸安区"})
    ('咸宁市', '咸宁市咸安区')
    >>> jurisdiction_named("武昌区", {"武汉市", "武汉市武昌区"}), jurisdiction_named("安", {"咸宁市咸安区"})
    ('武汉市武昌区', '安')
    """
    name = typed_name(name)
    if not name or name in places:
        return name
    words = _level_words()
    ending = [place for place in places if place.endswith(name) and _at_boundary(place[:-len(name)], words)]
    if ending:
        return ending[0] if len(ending) == 1 else name
    named = sorted(place for place in places
                   if any(place.endswith(name + word) and _at_boundary(place[:len(place) - len(name + word)], words)
                          for word in words))
    if len(named) > 1:
        raise GovkgError(f"{name!r} names {len(named)} jurisdictions in the graph ({', '.join(named)}); give one")
    return named[0] if named else name


def _at_boundary(before: str, words: list[str]) -> bool:
    """Does a name start after ``before``: at the start, or after a jurisdiction's level word (咸宁市|咸安区)?"""
    return not before or any(before.endswith(word) for word in words)


def split_qualified(store, name: str, names: set[str] | None = None) -> tuple[str, str] | None:
    """(jurisdiction, the unit's own name) of a name qualified by a jurisdiction of the graph's plans
    that no unit is called by itself: 合肥市发改委 (or 市发改委（合肥市）, as the network page shows it) is
    合肥市's 市发改委 (the gazetteer's cities' full names are aliases already), and 咸宁市发展和改革委员会
    咸宁市's 市发改委 (the names every city gives one department, as the build resolves them)."""
    names = _names(store) if names is None else names
    places = _places(store)

    def known(local: str) -> str | None:
        return next((candidate for candidate in [local, *_variants(local)] if candidate in names), None)

    # 市财政局（南昌市）: the name as the collaboration page and units.csv show a unit whose name several share
    shown = re.fullmatch(r"(.+?)\s*[(（]([^()（）]+)[)）]", name)
    if shown and shown.group(2) in places and known(shown.group(1)):
        return shown.group(2), known(shown.group(1))
    for place in sorted(places, key=len, reverse=True):
        if not name.startswith(place) or len(name) <= len(place) + 1:
            continue
        rest = name[len(place):]
        # the level its units start with (自治区发改委, 市发改委, 区发改局), or none (a zone's 招商局)
        level = next((word for word in _level_words() if place.endswith(word)), place[-1])
        local = next((known(local) for local in (level + rest, place[-1] + rest, rest) if known(local)), None)
        if local:
            return place, local
    return None


def _level_words() -> list[str]:
    """The level words of kg/data/jurisdictions.yaml a jurisdiction's name ends in, longest first."""
    from .datafiles import read_yaml

    levels = read_yaml("jurisdictions.yaml")
    return sorted({"市", *(word for tier in ("province", "prefecture", "county", "zone") for word in levels[tier])},
                  key=len, reverse=True)


def _suggestions(name: str, names: set[str]) -> list[str]:
    return difflib.get_close_matches(name, sorted(names), n=5, cutoff=0.5)


def _not_found_message(store, name: str, names: set[str] | None = None) -> str:
    close = _suggestions(name, _names(store) if names is None else names)
    hint = f"; did you mean {', '.join(close)}?" if close else " (see `kg analyze` for the units in the graph)"
    return f"no unit named {name!r} in the graph{hint}"


def _number(text: str):
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def _target_index(iri: str) -> int:
    tail = iri.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def unit_notes(store: ox.Store, name: str, rows: list[dict], include_collective: bool = False,
               jurisdiction: str | None = None, year: int | None = None) -> list[str]:
    """One-line notes on what :func:`unit_tasks` ``rows`` for ``name`` leave out, for standard error:
    the unit owns nothing but is housed in another that does (市能源局 in 市发改委); or, asked with
    ``include_collective``, the tasks of collectives of a district government's jurisdiction whose
    members the plan does not list (各县市区人民政府), which it may or may not carry."""
    if jurisdiction is not None:
        jurisdiction = jurisdiction_named(jurisdiction, _places(store))
    name, jurisdiction = resolve_unit(store, name, jurisdiction)
    notes = []
    if not rows:
        notes += _hosted_notes(store, name, jurisdiction, year)
    if include_collective:
        notes += _unlisted_collective_notes(store, name, jurisdiction, year)
    return notes


def _hosted_notes(store, name: str, jurisdiction: str | None, year: int | None) -> list[str]:
    """市能源局 is housed in 市发改委, which owns its tasks: when the unit itself owns none."""
    try:
        if _in_plans(_task_rows(store, name, False), name, jurisdiction, year):
            return []  # it owns tasks: the other options left them out
    except UnitNotFound:
        return []
    notes = []
    for host in select(store, query("unit_hosts"), {"name": name}):
        if jurisdiction is not None and host["jurisdiction"] != jurisdiction:
            continue
        try:
            owned = unit_tasks(store, host["hostLabel"], jurisdiction=host["jurisdiction"], year=year)
        except UnitNotFound:
            continue
        if owned:
            leads = sum(1 for row in owned if row["role"] == "lead")
            several = host["jurisdiction"] and jurisdiction is None and len(_places(store)) > 1
            where = f" --in {host['jurisdiction']}" if several else ""
            notes.append(f"{name} owns no task but is housed in {host['hostLabel']}, which owns {len(owned)} "
                         f"task{'' if len(owned) == 1 else 's'} ({leads} as lead): try --unit {host['hostLabel']}{where}")
    return notes


def _unlisted_collective_notes(store, name: str, jurisdiction: str | None, year: int | None) -> list[str]:
    """The tasks of collectives of a district government's jurisdiction that list no members
    (各县市区人民政府, kg/data/lookup.yaml), counted, never made the government's."""
    from .datafiles import read_yaml

    pattern = re.compile(read_yaml("lookup.yaml")["district_collectives"])
    documents = _documents(store)
    counts: dict[str, set] = defaultdict(set)
    places = set()
    for unit in sorted({row["unit"] for row in select(store, query("unit_named"), {"name": name})}):
        place = jurisdiction_of_iri(unit)
        if not place or (jurisdiction is not None and place != jurisdiction):
            continue
        for row in select(store, query("unlisted_collective_tasks"), {"unit": ox.NamedNode(unit), "jurisdiction": place}):
            document = documents.get(row["g"], {})
            if pattern.search(row["collectiveLabel"]) and (year is None or str(year) in document.get("years", ())):
                counts[row["collectiveLabel"]].add(row["task"])
                places.add(place)
    if not counts:
        return []
    total = len(set().union(*counts.values()))
    listed = ", ".join(f"{label} ({len(tasks)})" for label, tasks in sorted(counts.items(), key=lambda i: (-len(i[1]), i[0])))
    return [f"{total} more task{' belongs' if total == 1 else 's belong'} to collectives of {'、'.join(sorted(places))} "
            f"whose members the documents do not list ({listed}): whether {name} carries "
            f"{'it' if total == 1 else 'them'}, the graph cannot say"]

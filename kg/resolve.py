"""Resolve unit mentions to units: canonical names, aliases, types, collectives, hosting.

The gazetteer (kg/data/units.tsv, unit_types.tsv, collectives.yaml) applies only
within its jurisdiction: ``市发改委`` in a Chengdu plan is Chengdu's, not
Wuhan's.  A unit the gazetteer does not hold is still a unit, typed by the name
patterns of unit_types.tsv.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .datafiles import read_tsv, read_yaml
from .model import Unit, UnitMention

COLLECTIVE = "Collective"
# X〈Y〉: the coordination office of the pair is the one hosted by the other
_OFFICE = re.compile(r"(办公室|办)$")


@dataclass
class Gazetteer:
    rows_by_key: dict[tuple[str, str], dict]  # (jurisdiction, name) -> row
    index: dict[tuple[str, str], str]  # (jurisdiction, any name) -> canonical name
    type_patterns: list[tuple[str, re.Pattern]]
    collectives: dict[tuple[str, str], list[str]]
    variants: dict[str, str] = field(default_factory=dict)  # any written name -> canonical, in any city

    def canonical(self, name: str, jurisdiction: str) -> str | None:
        # 武汉市经信局 -> 市经信局
        local = "市" + name[len(jurisdiction):] if jurisdiction and name.startswith(jurisdiction) else None
        key = self.index.get((jurisdiction, name)) or (local and self.index.get((jurisdiction, local)))
        if key:
            return key
        # a name the gazetteer does not hold: the names every city gives one department
        found = self.variants.get(name) or (local and self.variants.get(local))
        if found:
            return found
        # 各县(市、区)人民政府 is 各县市区人民政府, 各区(市)县政府 各区市县政府: in a collective's name, levels in
        # brackets are more of its levels
        levels = _LEVEL_LIST.sub(lambda m: m.group(1).replace("、", "").replace(",", ""), name) \
            if name.startswith("各") else name
        return self.canonical(levels, jurisdiction) or levels if levels != name else None

    def unit_type(self, name: str) -> str:
        for type_name, pattern in self.type_patterns:
            if pattern.search(name):
                return type_name
        return "Other"


@lru_cache(maxsize=None)
def load_gazetteer() -> Gazetteer:
    rows_by_key, index = {}, {}
    for row in read_tsv("units.tsv"):
        jurisdiction = row["jurisdiction"]
        rows_by_key[(jurisdiction, row["name"])] = row
        names = [row["name"], row["full_name"]] + [a for a in (row["aliases"] or "").split("|") if a]
        for name in names:
            index.setdefault((jurisdiction, name), row["name"])
    types = [(row["type"], re.compile(row["pattern"])) for row in read_tsv("unit_types.tsv")]
    collectives = {}
    for entry in read_yaml("collectives.yaml") or []:
        collectives[(entry["jurisdiction"], entry["name"])] = list(entry.get("members") or [])
    variants = {}
    for row in read_tsv("unit_name_variants.tsv"):
        for name in [row["name"]] + [v for v in (row["variants"] or "").split("|") if v]:
            variants[name] = row["name"]
    return Gazetteer(rows_by_key, index, types, collectives, variants)


# levels in brackets in a collective's name: 各县(市、区), 各区(市)县, 各区县(市) (level words: kg/data/jurisdictions.yaml)
_LEVELS = "".join(read_yaml("jurisdictions.yaml")["unit_levels"])
_LEVEL_LIST = re.compile(rf"(?<=[{_LEVELS}])\(((?:[{_LEVELS}][、,]?)+)\)")


@dataclass
class UnitResolver:
    """Resolves the mentions of one document; collects the units it names.

    A qualifier ``〈含…,下同〉`` defines a collective's members for the rest of the
    document; without one, the gazetteer's default members apply.
    """

    jurisdiction: str
    gazetteer: Gazetteer = field(default_factory=load_gazetteer)
    units: dict[str, Unit] = field(default_factory=dict)

    def resolve(self, mention: UnitMention) -> Unit:
        unit = self._unit(mention.name)
        if mention.host:
            host = self._unit(mention.host)
            if _OFFICE.search(host.key) and not _OFFICE.search(unit.key):
                host.host = unit.key  # 市委宣传部〈市文明办〉: the office sits in the department
            else:
                unit.host = host.key
        for name in mention.within:  # 市公安局(交管局): 交管局 is housed in 市公安局, which holds the role
            inside = self._unit(name)
            if inside.key != unit.key:
                inside.host = unit.key
        # 含… names members of a collective (各区人民政府〈含…〉); after one unit (市生态环境局(含各县市区分局))
        # it says what the unit's work takes in, and the unit stays what it is
        if mention.members and (unit.unit_type == COLLECTIVE or self.gazetteer.unit_type(unit.key) == COLLECTIVE):
            members = [self._unit(name).key for name in mention.members]
            unit.members = self._members_from_qualifier(unit, members)
        return unit

    def _unit(self, name: str) -> Unit:
        gazetteer = self.gazetteer
        key = gazetteer.canonical(name, self.jurisdiction) or name
        unit = self.units.get(key)
        if unit is None:
            row = gazetteer.rows_by_key.get((self.jurisdiction, key))
            if row:
                aliases = [a for a in (row["aliases"] or "").split("|") if a]
                unit = Unit(key=key, labels=[], full_name=row["full_name"] if row["full_name"] != key else None,
                            aliases=aliases, unit_type=row["type"], jurisdiction=self.jurisdiction,
                            in_gazetteer=True)
            else:
                unit = Unit(key=key, labels=[], full_name=None, aliases=[], unit_type=gazetteer.unit_type(key),
                            jurisdiction=self.jurisdiction, in_gazetteer=False)
            default_members = gazetteer.collectives.get((self.jurisdiction, key))
            if default_members is not None:
                unit.unit_type = COLLECTIVE
                unit.members = [self._unit(member).key for member in default_members]
            self.units[key] = unit
        if name not in unit.labels:
            unit.labels.append(name)
        return unit

    def _members_from_qualifier(self, collective: Unit, listed: list[str]) -> list[str]:
        """``含`` lists either all members or additions to the defaults.

        ``各涉农区人民政府〈含…管委会,青山、…区人民政府〉`` enumerates (it names units of the
        collective's own kind); ``各区人民政府〈含开发区、长江新区、风景区管委会〉`` adds
        committees to the district governments.
        """
        own_suffix = re.search(r"(人民政府|政府|管委会|部门|单位)$", collective.key)
        enumerates = own_suffix and any(m.endswith(own_suffix.group(1)) for m in listed)
        members = [] if enumerates else list(collective.members)
        for member in listed:
            if member not in members:
                members.append(member)
        collective.unit_type = COLLECTIVE
        return members

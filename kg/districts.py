"""The districts gazetteer (kg/data/districts.tsv): its rows and the names each goes by, read in one place.

Its views (the city of two named districts, the body that governs a district, the places
spaCy's rules match, a report's districts) are built from these by the stages that use them.
"""

from __future__ import annotations

from functools import lru_cache

from .datafiles import read_tsv


def district_rows() -> tuple[dict, ...]:
    """Every row of the gazetteer: name, full_name, kind, aliases, government, groups, jurisdiction."""
    return read_tsv("districts.tsv")


def names_of(row: dict) -> list[str]:
    """The names a row goes by: its name, its full name, its aliases, each once.

    >>> names_of({"name": "东湖高新区", "full_name": "武汉东湖新技术开发区", "aliases": "光谷|东湖新技术开发区"})
    ['东湖高新区', '武汉东湖新技术开发区', '光谷', '东湖新技术开发区']
    """
    names = [row["name"], row.get("full_name") or ""] + (row.get("aliases") or "").split("|")
    return list(dict.fromkeys(name for name in names if name))


@lru_cache(maxsize=None)
def _rows_by_name() -> dict[str, dict]:
    index: dict[str, dict] = {}
    for row in district_rows():
        for name in names_of(row):
            index.setdefault(name, row)
    return index


def district_named(name: str) -> dict | None:
    """The row that goes by ``name`` (its name, full name or an alias), None when no row does.

    >>> district_named("武汉东湖新技术开发区")["name"], district_named("襄阳高新区")
    ('东湖高新区', None)
    """
    return _rows_by_name().get(name)

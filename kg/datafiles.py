"""Load the knowledge files (TSV/YAML/.rq) that ship in kg/data, kg/queries and ontology/."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
QUERY_DIR = PACKAGE_DIR / "queries"


def ontology_dir() -> Path:
    """The ontology folder: inside the installed package, or the repository's ontology/."""
    for candidate in (PACKAGE_DIR / "ontology", PACKAGE_DIR.parent / "ontology"):
        if (candidate / "govkg.ttl").is_file():
            return candidate
    raise FileNotFoundError("ontology/govkg.ttl not found (package installed without its data?)")


@lru_cache(maxsize=None)
def read_tsv(name: str) -> tuple[dict, ...]:
    """Rows of a TSV file in kg/data as dicts; lines starting with # are comments."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return tuple(dict(row) for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


@lru_cache(maxsize=None)
def read_yaml(name: str):
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=None)
def query(name: str) -> str:
    """The text of a SPARQL query file kg/queries/<name>.rq."""
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")

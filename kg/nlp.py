"""The spaCy pipeline: ``spacy.blank("zh")`` (offline, one token per character) with an EntityRuler.

The ruler's patterns are data, never Python literals:

- ``PLACE``: every district and function zone of kg/data/districts.tsv under its
  name, full name and aliases (光谷, 车谷 …), with the canonical name as the entity id;
- ``PROJECT_SUFFIX`` and ``ORG_SUFFIX``: the words that end a project or company name
  (kg/data/projects.yaml);
- everything in kg/data/patterns/*.jsonl (``label``, ``pattern``, ``id``), for
  instance the locative cues 位于, 落户 (``LOCATIVE``).

Because tokens are characters, phrase patterns match exactly and every span keeps
its character offsets (``span.start_char``) for provenance.  Quantities are read by
:mod:`kg.extract.quantities` and added as ``doc.spans["quantities"]`` by the
``govkg_quantities`` component, so one Doc holds all that the rules look at.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from .datafiles import DATA_DIR, read_yaml
from .districts import district_rows, names_of

PATTERN_DIR = DATA_DIR / "patterns"


@dataclass(frozen=True)
class Mention:
    """An entity found by the ruler: label, id (canonical name), character offsets, text."""

    label: str
    id: str
    start: int
    end: int
    text: str


def district_patterns() -> list[dict]:
    """PLACE patterns from the districts gazetteer (name, full name, aliases)."""
    patterns = []
    for row in district_rows():
        for name in names_of(row):
            patterns.append({"label": "PLACE", "pattern": name, "id": row["name"]})
    return patterns


def rule_patterns() -> list[dict]:
    """Suffix patterns from kg/data/projects.yaml and every kg/data/patterns/*.jsonl file."""
    config = read_yaml("projects.yaml")
    patterns = [{"label": "PROJECT_SUFFIX", "pattern": s, "id": s} for s in config["suffixes"]]
    patterns += [{"label": "ORG_SUFFIX", "pattern": s, "id": s} for s in config["company_suffixes"]]
    for path in sorted(PATTERN_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                patterns.append(json.loads(line))
    return patterns


def _quantities_component():
    from spacy.language import Language
    from spacy.util import filter_spans

    if "govkg_quantities" not in Language.factories:
        @Language.component("govkg_quantities")
        def govkg_quantities(doc):
            from .extract.quantities import read_quantities

            spans = []
            for quantity in read_quantities(doc.text):
                span = doc.char_span(quantity.start, quantity.end, label="QUANTITY", alignment_mode="expand")
                if span is not None:
                    spans.append(span)
            doc.spans["quantities"] = filter_spans(spans)
            return doc


@lru_cache(maxsize=None)
def pipeline():
    """The shared pipeline (built once per process; no model is downloaded)."""
    import spacy

    nlp = spacy.blank("zh")  # the default segmenter is "char": no jieba, no pkuseg, no network
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "TEXT"})
    ruler.add_patterns(district_patterns() + rule_patterns())
    _quantities_component()
    nlp.add_pipe("govkg_quantities")
    return nlp


def mentions(text: str, offset: int = 0) -> list[Mention]:
    """The ruler's entities in ``text`` (longest match wins where patterns overlap), offsets + ``offset``.

    >>> [(m.label, m.id, m.start) for m in mentions("项目位于光谷")]
    [('PROJECT_SUFFIX', '项目', 0), ('LOCATIVE', '位于', 2), ('PLACE', '东湖高新区', 4)]
    """
    nlp = pipeline()
    with nlp.select_pipes(enable=["entity_ruler"]):
        doc = nlp(text)
    return [Mention(label=e.label_, id=e.ent_id_ or e.text, start=offset + e.start_char, end=offset + e.end_char,
                    text=e.text) for e in doc.ents]

"""Extractors of reports and news feeds (city report, district report, news).

BUILDERS maps a document kind to ``(source, info, data) -> (quads, counts, problems)``.

A report gives: its parts (review / plan, with their years), one gk:Passage per
sentence, a gk:Commitment for each quantity of its plan part and a gk:Result for
each quantity of its review part (each with an indicator and the passage it was
read from), and the projects it names with the evidence of where they are.  A
news feed gives one gk:NewsArticle per article, with the same passages and
projects; an article that is itself a work report (the 2016 report quoted whole)
is typed gk:CityReport and read as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from ..classify import kind_scores, _kind_rules, strip_boilerplate
from ..datafiles import read_tsv
from ..graph import (DCTERMS, PROV_USED, RDF_TYPE, RDFS_LABEL, SKOS_ALT, QuadSink, company_node,
                     describe_district, describe_document, describe_indicator, describe_passage,
                     describe_quantity, district_node, document_node, document_slug, gk, iri, literal,
                     city_of, project_node)
from ..model import DocumentInfo
from ..read import SourceText
from ..segment_reports import ReportLayout, Sentence, layout_report, news_articles
from .commitments import COMMITMENT, read_facts
from .projects import ProjectFindings, extract_projects, without_project_word

ORG_ORGANIZATION = ox.NamedNode("http://www.w3.org/ns/org#Organization")
_JURISDICTION_PREFIXES = ("湖北省", )


@lru_cache(maxsize=None)
def _district_rows() -> dict[str, dict]:
    return {row["name"]: row for row in read_tsv("districts.tsv")}


def _unseen_district_row(name: str) -> dict:
    """A district the gazetteer does not hold (落户双流区): its name as written, its kind from its ending."""
    from .projects import district_kind

    return {"name": name, "kind": district_kind(name)}


def home_district(info: DocumentInfo) -> str | None:
    """The district whose own report this is (武汉市武昌区人民政府 -> 武昌区)."""
    if info.kind != "district_report" or not info.issuer:
        return None
    for name in sorted(_district_rows(), key=len, reverse=True):
        if name in info.issuer:
            return name
    # a district no gazetteer holds: its jurisdiction after its city's name (咸宁市咸安区 -> 咸安区)
    from .projects import unseen_district

    city = city_of(info.jurisdiction)
    own = info.jurisdiction[len(city):] if city and info.jurisdiction.startswith(city) else ""
    return unseen_district(own) if own else None


def project_key(name: str, jurisdiction: str) -> str:
    """The name a project is known by across documents: without a leading province or city name.

    ``武汉东湖综合保税区保税光电子产业园`` and ``东湖综合保税区保税光电子产业园`` are one
    project; a name that would become too short keeps its city (武汉科创园).

    >>> project_key("武汉东湖综合保税区保税光电子产业园", "武汉市")
    '东湖综合保税区保税光电子产业园'
    >>> project_key("武汉科创园", "武汉市")
    '武汉科创园'

    A 项目 after a name that already ends as a project's does is no part of the key either:
    ``国轩高科新能源电池基地项目`` is ``国轩高科新能源电池基地``.

    >>> project_key("东湖综合保税区保税光电子产业园项目", "武汉市")
    '东湖综合保税区保税光电子产业园'
    """
    name = without_project_word(name)
    city = jurisdiction[:-1] if jurisdiction.endswith("市") else jurisdiction
    prefixes = _JURISDICTION_PREFIXES + tuple(p for p in (jurisdiction, city) if p)
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            rest = name[len(prefix):]
            if name.startswith(prefix) and len(rest) >= 6 and re.match(r"[\u3400-\u9fff]", rest):
                name, changed = rest, True
    return name


@dataclass
class _Emitter:
    """Writes the statements of one file; remembers what it wrote for the counts."""

    sink: QuadSink
    source: SourceText
    slug: str
    city: str  # the namespace of the districts, projects and companies named (kg.graph.city_of)
    counts: dict = field(default_factory=lambda: {"passages": 0, "commitments": 0, "results": 0,
                                                  "projects": 0, "placements": 0, "investments": 0,
                                                  "articles": 0})
    passages: dict = field(default_factory=dict)  # (start, end) -> node
    projects: set = field(default_factory=set)
    districts: set = field(default_factory=set)

    def passage(self, sentence: Sentence, doc: ox.NamedNode, part: ox.NamedNode | None = None) -> ox.NamedNode:
        key = (sentence.start, sentence.end)
        if key not in self.passages:
            self.passages[key] = describe_passage(self.sink, self.source, self.slug, doc, sentence.start,
                                                  sentence.end, sentence.text, part)
            self.counts["passages"] += 1
        return self.passages[key]

    def report(self, layout: ReportLayout, doc: ox.NamedNode, part_prefix: str, home: str | None) -> None:
        sink = self.sink
        part_nodes = {}
        for part in layout.parts:
            node = iri(f"{part_prefix}/part/{part.number}")
            part_nodes[part.number] = node
            sink.add(node, RDF_TYPE, gk("Part"))
            sink.add(node, gk("code"), literal(part.numeral))
            sink.add(node, RDFS_LABEL, literal(part.title))
            sink.add(node, gk("partKind"), literal(part.kind))
            if part.year:
                sink.add(node, gk("forYear"), literal(part.year, "integer"))
            sink.add(node, gk("inDocument"), doc)
        for sentence in layout.sentences:
            self.passage(sentence, doc, part_nodes.get(sentence.part.number) if sentence.part else None)
        for fact in read_facts(layout, self.source.text):
            self.fact(fact, doc)
        self.projects_of(extract_projects(self.source.text, layout.sentences, home, jurisdiction=self.city), doc)

    def fact(self, fact, doc: ox.NamedNode) -> None:
        sink = self.sink
        start, end = self.source.source_span(fact.quantity.start, fact.quantity.end)
        kind = "commitment" if fact.kind == COMMITMENT else "result"
        node = iri(f"doc/{self.slug}/{kind}/{start}-{end}")
        sink.add(node, RDF_TYPE, gk("Commitment" if fact.kind == COMMITMENT else "Result"))
        sink.add(node, gk("forYear"), literal(fact.year, "integer"))
        if fact.indicator:
            sink.add(node, gk("indicator"), describe_indicator(sink, fact.indicator))
        target = iri(f"doc/{self.slug}/{kind}/{start}-{end}/quantity")
        sink.add(node, gk("hasTarget"), target)
        describe_quantity(sink, target, fact.quantity, self.source, doc)
        sink.add(node, gk("statedIn"), self.passage(fact.sentence, doc))
        sink.add(node, gk("text"), literal(fact.quantity.surface))
        sink.add(node, gk("inDocument"), doc)
        if fact.main_target:
            sink.add(node, gk("mainTarget"), literal("true", "boolean"))
        self.counts["commitments" if fact.kind == COMMITMENT else "results"] += 1

    def district(self, name: str) -> ox.NamedNode:
        if name not in self.districts:
            self.districts.add(name)
            describe_district(self.sink, self.city, _district_rows().get(name) or _unseen_district_row(name))
        return district_node(self.city, name)

    def projects_of(self, findings: ProjectFindings, doc: ox.NamedNode) -> None:
        sink = self.sink
        for mention in findings.projects:
            key = project_key(mention.name, self.city)
            node = project_node(self.city, key)
            if key not in self.projects:
                self.projects.add(key)
                self.counts["projects"] += 1
                sink.add(node, RDF_TYPE, gk("Project"))
                sink.add(node, RDFS_LABEL, literal(key))
            if mention.name != key:
                sink.add(node, SKOS_ALT, literal(mention.name))
            sink.add(node, gk("inDocument"), doc)
            sink.add(node, gk("mentionedIn"), self.passage(mention.sentence, doc))
        for placement in findings.placements:
            key = project_key(placement.project, self.city)
            project = project_node(self.city, key)
            passage = self.passage(placement.sentence, doc)
            # under the project's own IRI, so that its scheme (and the 未知 of no known city) is written once
            node = ox.NamedNode(f"{project.value}/placement/{self.slug}/{passage.value.rsplit('/', 1)[-1]}/"
                                f"{placement.method}")
            sink.add(project, gk("placement"), node)
            sink.add(node, RDF_TYPE, gk("Placement"))
            sink.add(node, gk("method"), literal(placement.method))
            sink.add(node, PROV_USED, passage)
            sink.add(node, gk("placedIn"), self.district(placement.district))
            self.counts["placements"] += 1
        for company, sentence in findings.companies:
            node = company_node(self.city, company)
            sink.add(node, RDF_TYPE, gk("Company"))
            sink.add(node, RDF_TYPE, ORG_ORGANIZATION)
            sink.add(node, RDFS_LABEL, literal(company))
            sink.add(node, gk("inDocument"), doc)
            sink.add(node, gk("mentionedIn"), self.passage(sentence, doc))
        for role in findings.roles:
            project = project_node(self.city, project_key(role.project, self.city))
            sink.add(project, gk(role.relation), company_node(self.city, role.company))
        for investment in findings.investments:
            project = project_node(self.city, project_key(investment.project, self.city))
            start, end = self.source.source_span(investment.quantity.start, investment.quantity.end)
            node = ox.NamedNode(f"{project.value}/investment/{self.slug}/{start}-{end}")
            sink.add(project, gk("investment"), node)
            describe_quantity(sink, node, investment.quantity, self.source, doc)
            sink.add(node, gk("statedIn"), self.passage(investment.sentence, doc))
            self.counts["investments"] += 1


def _report_document(source: SourceText, info: DocumentInfo, data: bytes):
    source = strip_boilerplate(source)
    slug = document_slug(source.path)
    doc = document_node(slug)
    sink = QuadSink(doc)
    describe_document(sink, doc, source, info, data)
    emitter = _Emitter(sink, source, slug, city_of(info.jurisdiction))
    layout = layout_report(source.text)
    problems = []
    emitter.report(layout, doc, f"doc/{slug}", home_district(info))
    del emitter.counts["articles"]
    if not layout.parts and not emitter.counts["commitments"] and not emitter.counts["results"]:
        # (a report written as a table of targets and results has no parts, and needs none)
        problems.append("no report parts (一、…工作回顾 / 二、…重点工作) found: no commitments or results read")
    if layout.parts and not emitter.counts["commitments"] and not emitter.counts["results"]:
        # never silent: headings read as neither a review nor a plan of a year give nothing
        found = "; ".join(f"{p.numeral}、{p.title} ({p.kind}{', ' + str(p.year) if p.year else ', no year'})"
                          for p in layout.parts)
        problems.append(f"no commitment or result found: no part reviews or plans a year by its heading "
                        f"(kg/data/report_parts.yaml); parts read: {found}")
    return sink.quads, emitter.counts, problems


def is_report_text(text: str) -> bool:
    """Does a text (an article) read as a work report by the signals of kg/data/document_kinds.yaml?"""
    return kind_scores(text)["city_report"] >= _kind_rules()["city_report"][0]


def _news_document(source: SourceText, info: DocumentInfo, data: bytes):
    source = strip_boilerplate(source)
    text = source.text
    slug = document_slug(source.path)
    doc = document_node(slug)
    sink = QuadSink(doc)
    describe_document(sink, doc, source, info, data)
    emitter = _Emitter(sink, source, slug, city_of(info.jurisdiction))
    problems = []
    articles = news_articles(text)
    if not articles:
        problems.append("no articles found (articles are separated by lines holding only -)")
    for article in articles:
        node = iri(f"doc/{slug}/article/{article.number}")
        emitter.counts["articles"] += 1
        sink.add(node, RDF_TYPE, gk("Document"))
        sink.add(node, RDF_TYPE, gk("NewsArticle"))
        sink.add(node, gk("sourceFile"), literal(source.name))
        sink.add(node, ox.NamedNode(DCTERMS + "title"), literal(article.title))
        if article.date:
            sink.add(node, ox.NamedNode(DCTERMS + "issued"), literal(article.date, "date"))
        elif article.impossible_date:
            problems.append(f"line {source.line_of(article.body_end) + 1}: article {article.number}: "
                            f"{article.impossible_date} is not a date; the article is kept without one")
        sink.add(node, gk("inDocument"), doc)
        start, end = source.source_span(article.title_start, article.body_end)
        sink.add(node, gk("startOffset"), literal(start, "integer"))
        sink.add(node, gk("endOffset"), literal(end, "integer"))
        sink.add(node, gk("line"), literal(source.line_of(article.title_start), "integer"))
        title = Sentence(article.title_start, article.title_end, article.title)
        emitter.passage(title, node)
        body = text[article.body_start:article.body_end]
        if is_report_text(body):
            layout = layout_report(text, article.body_start, article.body_end)
            sink.add(node, RDF_TYPE, gk("WorkReport"))
            sink.add(node, RDF_TYPE, gk("CityReport"))
            if info.jurisdiction:
                sink.add(node, gk("jurisdiction"), literal(info.jurisdiction))
                sink.add(node, gk("issuer"), literal(info.jurisdiction + "人民政府"))
            for year in sorted({y for y in (layout.review_year, layout.plan_year) if y}):
                sink.add(node, gk("aboutYear"), literal(year, "integer"))
            emitter.report(layout, node, f"doc/{slug}/article/{article.number}", None)
            continue
        for sentence in article.sentences:
            emitter.passage(sentence, node)
        emitter.projects_of(extract_projects(text, article.sentences, None, [[title] + article.sentences],
                                             jurisdiction=emitter.city), node)
    return sink.quads, emitter.counts, problems


BUILDERS = {
    "city_report": _report_document,
    "district_report": _report_document,
    "news": _news_document,
}

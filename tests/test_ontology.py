"""The ontology, its shapes and the reference data (gazetteers) agree with each other."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
DATA = ROOT / "kg" / "data"
GK = "https://w3id.org/govkg/ontology#"

TTL_FILES = ["govkg.ttl", "shapes.ttl", "unit-types.ttl"]
SH = "http://www.w3.org/ns/shacl#"


def _graph(name: str) -> Graph:
    return Graph().parse(ONTOLOGY / name, format="turtle")


@pytest.fixture(scope="module")
def onto() -> Graph:
    return _graph("govkg.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _graph("shapes.ttl")


@pytest.fixture(scope="module")
def unit_types_graph() -> Graph:
    return _graph("unit-types.ttl")


def _tsv(path: Path) -> list[dict[str, str]]:
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def units() -> list[dict[str, str]]:
    return _tsv(DATA / "units.tsv")


@pytest.fixture(scope="module")
def unit_types() -> list[dict[str, str]]:
    return _tsv(DATA / "unit_types.tsv")


def _gk_terms(g: Graph) -> set[URIRef]:
    return {t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(GK)}


def _classes(g: Graph) -> set[URIRef]:
    return {c for c in g.subjects(RDF.type, OWL.Class) if str(c).startswith(GK)}


def _properties(g: Graph) -> set[URIRef]:
    return {
        p
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in g.subjects(RDF.type, kind)
        if str(p).startswith(GK)
    }


def _declared(onto: Graph, unit_types_graph: Graph) -> set[URIRef]:
    # Classes and properties live in govkg.ttl; the gk:UnitType concepts (which
    # README.md names) live in unit-types.ttl, as README.md says.
    return {s for g in (onto, unit_types_graph) for s in g.subjects(RDF.type, None) if str(s).startswith(GK)}


# --- the Turtle files ----------------------------------------------------------


@pytest.mark.parametrize("name", TTL_FILES)
def test_turtle_parses(name: str) -> None:
    assert len(_graph(name)) > 0


def test_ontology_header(onto: Graph) -> None:
    from rdflib.namespace import DCTERMS

    ont = URIRef("https://w3id.org/govkg/ontology")
    assert (ont, RDF.type, OWL.Ontology) in onto
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.license, OWL.versionInfo):
        assert onto.value(ont, p) is not None, p


def test_contract_terms_declared(onto: Graph) -> None:
    gk = lambda n: URIRef(GK + n)  # noqa: E731
    org_organization = URIRef("http://www.w3.org/ns/org#Organization")
    assert (gk("Unit"), RDFS.subClassOf, org_organization) in onto
    assert (gk("CollectiveUnit"), RDFS.subClassOf, gk("Unit")) in onto
    for sub in ("ResponsibilityPlan", "CityReport", "DistrictReport", "NewsFeed", "NewsArticle"):
        assert (gk(sub), RDFS.subClassOf, gk("Document")) in onto
    for p in ("leads", "coOwns"):
        assert (gk(p), RDFS.subPropertyOf, gk("responsibleFor")) in onto
        assert (gk(p), RDFS.domain, gk("Unit")) in onto
        assert (gk(p), RDFS.range, gk("Task")) in onto
    xsd_decimal = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    assert (gk("value"), RDFS.range, xsd_decimal) in onto
    assert (gk("locatedIn"), RDFS.domain, gk("Project")) in onto
    assert (gk("locatedIn"), RDFS.range, gk("District")) in onto


def test_terms_used_in_shapes_and_readme_are_declared(
    onto: Graph, shapes: Graph, unit_types_graph: Graph
) -> None:
    declared = _declared(onto, unit_types_graph)
    used = _gk_terms(shapes)
    readme = (ONTOLOGY / "README.md").read_text(encoding="utf-8")
    used |= {URIRef(GK + m) for m in re.findall(r"\bgk:([A-Za-z][A-Za-z0-9_]*)", readme)}
    assert used, "nothing found"
    assert sorted(used - declared) == []


def test_every_term_has_labels_and_definition(onto: Graph) -> None:
    missing = []
    for term in sorted(_classes(onto) | _properties(onto)):
        langs = {lbl.language for lbl in onto.objects(term, RDFS.label) if isinstance(lbl, Literal)}
        defs = {d.language for d in onto.objects(term, SKOS.definition) if isinstance(d, Literal)}
        if not {"zh", "en"} <= langs or "en" not in defs:
            missing.append(str(term))
    assert missing == []


def test_every_class_has_a_shape(onto: Graph, shapes: Graph) -> None:
    targeted = set(shapes.objects(None, URIRef(SH + "targetClass")))
    assert sorted(_classes(onto) - targeted) == []


def test_every_property_has_a_property_shape(onto: Graph, shapes: Graph) -> None:
    paths = set(shapes.objects(None, URIRef(SH + "path")))
    paths |= set(shapes.objects(None, URIRef(SH + "inversePath")))
    assert sorted(_properties(onto) - paths) == []


def test_unit_type_scheme(unit_types_graph: Graph, unit_types: list[dict[str, str]]) -> None:
    concepts = set(unit_types_graph.subjects(RDF.type, URIRef(GK + "UnitType")))
    expected = {URIRef(GK + _concept_name(r["type"])) for r in unit_types}
    assert concepts == expected and len(concepts) == 10
    for c in concepts:
        labels = {lbl.language for lbl in unit_types_graph.objects(c, SKOS.prefLabel)}
        assert {"zh", "en"} <= labels, c
        assert unit_types_graph.value(c, SKOS.definition) is not None, c
        assert (c, RDF.type, SKOS.Concept) in unit_types_graph


# --- SHACL ---------------------------------------------------------------------

PREFIXES = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@base <https://w3id.org/govkg/id/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

VALID = PREFIXES + """
<doc/x> a gk:Document, gk:ResponsibilityPlan ;
    gk:sourceFile "x.txt" ; dcterms:title "方案" ; gk:issuer "武汉市人民政府" ;
    gk:jurisdiction "武汉市" ; dcterms:issued "2025-01-16"^^xsd:date ; gk:aboutYear 2025 ;
    gk:leadRule "无牵头单位的,责任单位即为牵头单位" ;
    gk:sha256 "0000000000000000000000000000000000000000000000000000000000000000" ;
    gk:encoding "utf-8" .
<doc/x/part/2> a gk:Part ; gk:code "二" ; rdfs:label "十一个方面重点工作" ; gk:inDocument <doc/x> .
<doc/x/part/2/section/1> a gk:Section ; gk:code "二.(一)" ; rdfs:label "在促进内外需协调发展上" ;
    gk:inPart <doc/x/part/2> ; gk:inDocument <doc/x> .
<doc/x/passage/10-40> a gk:Passage ; gk:text "新开工亿元以上项目930个" ;
    gk:startOffset 10 ; gk:endOffset 40 ; gk:line 3 ; gk:inDocument <doc/x> .
<task/x/2-12> a gk:Task ; gk:code "二.12" ; gk:text "实施项目投资质效提升十大工程" ;
    gk:roleText "牵头单位:市发改委;责任单位:市经信局,各区人民政府" ; gk:inDocument <doc/x> ;
    gk:inPart <doc/x/part/2> ; gk:inSection <doc/x/part/2/section/1> ; gk:subheading "夯实投资硬支撑" ;
    gk:startOffset 1234 ; gk:endOffset 1400 ; gk:line 55 ;
    gk:hasTarget <task/x/2-12/target/1> ; prov:wasDerivedFrom <doc/x/passage/10-40> .
<task/x/2-12/target/1> a gk:Quantity ; gk:value 930.0 ; gk:unit "个" ;
    gk:metric "新开工亿元以上项目" ; gk:surface "新开工亿元以上项目930个" ;
    gk:startOffset 1300 ; gk:endOffset 1312 .
<unit/武汉市/市发改委> a gk:Unit ; rdfs:label "市发改委" ; skos:prefLabel "市发改委" ;
    skos:altLabel "武汉市发展和改革委员会" ; gk:unitType gk:GovernmentDepartment ;
    gk:jurisdiction "武汉市" ; gk:inDocument <doc/x> ; gk:leads <task/x/2-12> .
<unit/武汉市/市经信局> a gk:Unit ; rdfs:label "市经信局" ; gk:coOwns <task/x/2-12> .
<unit/武汉市/江岸区人民政府> a gk:Unit ; rdfs:label "江岸区人民政府" ; gk:unitType gk:DistrictGovernment .
<unit/武汉市/各区人民政府> a gk:Unit, gk:CollectiveUnit ; rdfs:label "各区人民政府" ;
    gk:unitType gk:CollectiveType ; org:hasMember <unit/武汉市/江岸区人民政府> ;
    gk:coOwns <task/x/2-12> .
<indicator/gdp> a gk:Indicator ; skos:prefLabel "地区生产总值增长"@zh .
<commitment/1> a gk:Commitment ; gk:forYear 2025 ; gk:indicator <indicator/gdp> ;
    gk:hasTarget <task/x/2-12/target/1> ; gk:statedIn <doc/x/passage/10-40> .
<result/1> a gk:Result ; gk:forYear "2025"^^xsd:gYear ; gk:indicator <indicator/gdp> ;
    gk:statedIn <doc/x/passage/10-40> .
<district/武汉市/武昌区> a gk:District ; rdfs:label "武昌区" ; gk:districtKind "district" ;
    gk:districtGroup "central" ; gk:governedBy <unit/武汉市/江岸区人民政府> .
<company/c> a gk:Company ; rdfs:label "某公司" .
<project/p> a gk:Project ; rdfs:label "武昌滨江天街" ; gk:locatedIn <district/武汉市/武昌区> ;
    gk:builtBy <company/c> ; gk:operatedBy <unit/武汉市/市发改委> ; gk:placement <placement/p> .
<placement/p> a gk:Placement ; gk:method "district named in sentence" ; prov:used <doc/x/passage/10-40> .
"""


def _conforms(data: str) -> tuple[bool, str]:
    g = Graph().parse(data=data, format="turtle")
    conforms, _, text = validate(g, shacl_graph=_graph("shapes.ttl"), inference="none")
    return conforms, text


def test_valid_graph_conforms() -> None:
    conforms, text = _conforms(VALID)
    assert conforms, text


@pytest.mark.parametrize(
    "broken, message",
    [
        (VALID.replace('gk:code "二.12" ;', ""), "exactly one gk:code"),
        (VALID.replace("gk:leads <task/x/2-12> .", "."), "lead unit"),
        (VALID.replace("gk:value 930.0", 'gk:value "930"'), "xsd:decimal"),
        (VALID.replace('gk:sourceFile "x.txt" ;', ""), "gk:sourceFile"),
        (VALID.replace("gk:startOffset 10 ;", 'gk:startOffset "10" ;'), "gk:startOffset"),
        (VALID.replace("gk:unitType gk:DistrictGovernment", "gk:unitType gk:Nonsense"), "gk:unitType"),
    ],
    ids=["no-code", "no-lead", "value-not-decimal", "no-source-file", "offset-not-integer", "bad-unit-type"],
)
def test_broken_graph_does_not_conform(broken: str, message: str) -> None:
    conforms, text = _conforms(broken)
    assert not conforms
    assert message in text


# --- reference data --------------------------------------------------------------


def _concept_name(type_: str) -> str:
    return {"Collective": "CollectiveType", "Other": "OtherUnitType"}.get(type_, type_)


def test_units_tsv(units: list[dict[str, str]], unit_types: list[dict[str, str]]) -> None:
    header = (DATA / "units.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "name\tfull_name\taliases\ttype\tjurisdiction"
    names = [u["name"] for u in units]
    assert len(names) == len(set(names)), "duplicate names"
    assert names == sorted(names), "rows must be sorted by name"
    types = {t["type"] for t in unit_types}
    seen_alias: dict[str, str] = {}
    for u in units:
        assert None not in u and all(v is not None for v in u.values()), u
        assert u["name"] and u["full_name"], u
        assert u["type"] in types, u
        assert u["jurisdiction"] == "武汉市", u
        for alias in filter(None, u["aliases"].split("|")):
            assert alias not in names, f"alias {alias} of {u['name']} is another unit's name"
            assert seen_alias.setdefault(alias, u["name"]) == u["name"], f"alias {alias} used twice"


def test_units_cover_districts_and_zones(units: list[dict[str, str]]) -> None:
    names = {u["name"] for u in units}
    for d in "江岸 江汉 硚口 汉阳 武昌 青山 洪山 东西湖 汉南 蔡甸 江夏 黄陂 新洲".split():
        assert f"{d}区人民政府" in names
    for z in ("东湖高新区管委会", "武汉经开区管委会", "临空港开发区管委会", "长江新区管委会", "东湖风景区管委会"):
        assert z in names


def test_districts_tsv(units: list[dict[str, str]]) -> None:
    rows = _tsv(DATA / "districts.tsv")
    assert list(rows[0]) == ["name", "full_name", "kind", "aliases", "government", "groups", "jurisdiction"]
    assert {r["jurisdiction"] for r in rows} == {"武汉市"}
    unit_names = {u["name"] for u in units}
    assert sum(r["kind"] == "district" for r in rows) == 13
    assert sum(r["kind"] == "function_zone" for r in rows) == 5
    names = [r["name"] for r in rows]
    aliases = [a for r in rows for a in r["aliases"].split("|") if a]
    assert len(set(names + aliases)) == len(names) + len(aliases), "name or alias used twice"
    for r in rows:
        assert r["government"] in unit_names, r
        assert set(filter(None, r["groups"].split("|"))) <= {"central", "new", "agricultural"}, r
    groups = {g: {r["name"] for r in rows if g in r["groups"].split("|")} for g in ("central", "new")}
    assert len(groups["central"]) == 7 and len(groups["new"]) == 6


def test_collectives_members_are_units(units: list[dict[str, str]]) -> None:
    names = {u["name"] for u in units}
    collectives = yaml.safe_load((DATA / "collectives.yaml").read_text(encoding="utf-8"))
    by_name = {c["name"]: c for c in collectives}
    for c in collectives:
        assert c["name"] in names, c["name"]
        assert c["jurisdiction"] == "武汉市"
        assert isinstance(c["members"], list)
        assert sorted(set(c["members"]) - names) == [], c["name"]
        assert len(set(c["members"])) == len(c["members"]), c["name"]
    assert len(by_name["各区人民政府"]["members"]) == 13
    assert len(by_name["各中心城区人民政府"]["members"]) == 7
    assert len(by_name["各新城区人民政府"]["members"]) == 6
    assert by_name["市人民政府各部门"]["members"] == []


# --- unit-type patterns ------------------------------------------------------------


def _classify(name: str, unit_types: list[dict[str, str]]) -> str | None:
    for row in unit_types:
        if re.search(row["pattern"], name):
            return row["type"]
    return None


def test_unit_types_tsv(unit_types: list[dict[str, str]]) -> None:
    header = (DATA / "unit_types.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "type\tlabel_zh\tlabel_en\tpattern\tdefinition"
    types = [t["type"] for t in unit_types]
    assert len(types) == len(set(types)) == 10
    assert types[0] == "Collective" and types[-2:] == ["GovernmentDepartment", "Other"]
    for t in unit_types:
        re.compile(t["pattern"])
        assert t["label_zh"] and t["label_en"] and t["definition"], t


@pytest.mark.parametrize(
    "name, expected",
    [
        ("成都市商务局", "GovernmentDepartment"),
        ("高新区管委会", "ZoneCommittee"),
        ("市交投集团", "StateOwnedEnterprise"),
        ("各县(市、区)人民政府", "Collective"),
        ("锦江区人民政府", "DistrictGovernment"),
        ("市中级人民法院", "JudicialOrgan"),
        ("团市委", "PeoplesOrganisation"),
        ("成都市委组织部", "PartyOrgan"),
        ("国家税务总局成都市税务局", "CentralUnit"),
        ("市城市管理委员会", "GovernmentDepartment"),
        ("成都市人民政府国有资产监督管理委员会", "GovernmentDepartment"),
        ("成都高新技术产业开发区管理委员会", "ZoneCommittee"),
        ("市人民政府各部门", "Collective"),
        ("市妇联", "PeoplesOrganisation"),
    ],
)
def test_patterns_classify_another_city(name: str, expected: str, unit_types: list[dict[str, str]]) -> None:
    assert _classify(name, unit_types) == expected


def test_patterns_agree_with_gazetteer_mostly(
    units: list[dict[str, str]], unit_types: list[dict[str, str]]
) -> None:
    # The gazetteer overrides the patterns; they should still agree on nearly every name.
    disagree = [u["name"] for u in units if _classify(u["name"], unit_types) != u["type"]]
    assert len(disagree) <= len(units) // 20, disagree

"""kg.graph and the built files: ontology terms, stable IRIs, round trips, determinism, SHACL."""

import filecmp

import rdflib
from rdflib.compare import isomorphic

from kg.ns import GK

TASK_2_12 = "https://w3id.org/govkg/id/task/wuhan-2025-plan-responsibility-decomposition/2-12"


def test_turtle_round_trip_is_isomorphic(seeds_build, tmp_path):
    out = seeds_build.out_dir
    from_turtle = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    from_ntriples = rdflib.Graph().parse(out / "graph.nt", format="nt")
    assert len(from_turtle) == seeds_build.triples
    assert isomorphic(from_turtle, from_ntriples)
    written = tmp_path / "again.ttl"
    from_turtle.serialize(written, format="turtle")
    assert isomorphic(rdflib.Graph().parse(written, format="turtle"), from_turtle)


def test_json_ld_holds_the_same_graph(seeds_build):
    out = seeds_build.out_dir
    from_jsonld = rdflib.Graph().parse(out / "graph.jsonld", format="json-ld")
    assert isomorphic(from_jsonld, rdflib.Graph().parse(out / "graph.nt", format="nt"))


def test_contract_terms_for_a_task(seeds_build):
    graph = rdflib.Graph().parse(seeds_build.out_dir / "graph.nt", format="nt")
    task = rdflib.URIRef(TASK_2_12)
    assert (task, rdflib.RDF.type, GK.Task) in graph
    assert str(graph.value(task, GK.code)) == "二.12"
    document = graph.value(task, GK.inDocument)
    assert str(graph.value(document, GK.sourceFile)) == "wuhan-2025-plan-responsibility-decomposition.txt"
    leads = {str(graph.value(u, rdflib.namespace.SKOS.prefLabel)) for u in graph.subjects(GK.leads, task)}
    assert leads == {"市发改委"}
    values = sorted(float(graph.value(q, GK.value)) for q in graph.objects(task, GK.hasTarget))
    assert values == [5.0, 90.0, 930.0, 1050.0, 2400.0]
    # gk:leads and gk:coOwns are sub-properties of gk:responsibleFor in the ontology
    from kg.datafiles import ontology_dir

    ontology = rdflib.Graph().parse(ontology_dir() / "govkg.ttl")
    assert (GK.leads, rdflib.RDFS.subPropertyOf, GK.responsibleFor) in ontology
    assert (GK.Unit, rdflib.RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/org#Organization")) in ontology


def test_offsets_point_into_the_source_file(seeds_build):
    from conftest import PLAN_SEED

    graph = rdflib.Graph().parse(seeds_build.out_dir / "graph.nt", format="nt")
    raw = PLAN_SEED.read_text(encoding="utf-8")
    for quantity in graph.objects(rdflib.URIRef(TASK_2_12), GK.hasTarget):
        start, end = int(graph.value(quantity, GK.startOffset)), int(graph.value(quantity, GK.endOffset))
        written = raw[start:end].replace(" ", "")
        value = graph.value(quantity, GK.value).toPython()
        assert written.startswith(str(int(value))), written
    task = rdflib.URIRef(TASK_2_12)
    line = int(graph.value(task, GK.line))
    assert raw.splitlines()[line - 1].startswith("12. 实施项目投资质效提升十大工程")


def test_seeds_graph_conforms_to_the_shapes(seeds_build):
    from kg.validate import validate_folder

    assert seeds_build.conforms
    report = validate_folder(seeds_build.out_dir)
    assert report.conforms and report.violations == 0


def test_a_rebuild_is_byte_identical(seeds_build, tmp_path):
    from kg.build import BuildOptions, build

    from conftest import SEEDS

    again = build(BuildOptions(inputs=[SEEDS], out_dir=tmp_path / "out", jobs=1, incremental=False))
    for name in ("graph.ttl", "graph.nt", "graph.nq", "graph.jsonld", "build-report.json"):
        assert filecmp.cmp(seeds_build.out_dir / name, again.out_dir / name, shallow=False), name


def test_graph_doctests():
    import doctest

    import kg.graph

    assert doctest.testmod(kg.graph).failed == 0


def test_every_work_report_is_typed_so_without_inference(seeds_store):
    # gk:WorkReport over gk:CityReport and gk:DistrictReport, stated on each report: the two 武汉市
    # reports, 武昌区's, and the 2016 report the news feed quotes as an article
    from kg.store import select

    rows = select(seeds_store, "SELECT ?report ?kind WHERE { ?report a gk:WorkReport , ?kind . "
                               "VALUES ?kind { gk:CityReport gk:DistrictReport } }")
    assert sorted((r["report"].rsplit("/", 2)[-1], r["kind"].rsplit("#")[-1]) for r in rows) == [
        ("10", "CityReport"), ("wuchang-district-2025-work-report", "DistrictReport"),
        ("wuhan-2024-city-government-work-report", "CityReport"),
        ("wuhan-2025-city-government-work-report", "CityReport")]

"""`kg push` loads the graph into a real SPARQL Graph Store Protocol endpoint (`oxigraph serve`)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from kg.cli import main


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def oxigraph_server(tmp_path):
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.skip("the `oxigraph` server is not installed (pip install oxigraph, in the test extras)")
    port = _free_port()
    process = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/query?query=" + urllib.parse.quote("ASK {}"), timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode(errors="replace") if process.poll() is not None else ""
                    pytest.skip(f"could not start `oxigraph serve`: {error[:300] or 'no answer'}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _select(base: str, query: str) -> list[dict]:
    request = urllib.request.Request(f"{base}/query", data=query.encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/sparql-query",
                                              "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.load(response)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def test_push_one_graph_per_document_and_query_back(oxigraph_server, seeds_build):
    runner = CliRunner()
    result = runner.invoke(main, ["push", "--endpoint", f"{oxigraph_server}/store", "--from", str(seeds_build.out_dir)])
    assert result.exit_code == 0, result.output
    assert "pushed" in result.output
    from kg.store import open_store

    graphs = _select(oxigraph_server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    local = open_store(seeds_build.out_dir)
    assert {g["g"] for g in graphs} == {g.value for g in local.named_graphs()}
    del local
    count = _select(oxigraph_server, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    assert int(count[0]["n"]) == seeds_build.triples
    rows = _select(oxigraph_server, """
        PREFIX gk: <https://w3id.org/govkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?code WHERE { GRAPH ?g { ?unit rdfs:label "市经信局" ; gk:coOwns ?task . ?task gk:code ?code } }""")
    assert len(rows) > 10
    # pushing again replaces each document's graph: nothing is duplicated
    assert runner.invoke(main, ["push", "--endpoint", f"{oxigraph_server}/store",
                                "--from", str(seeds_build.out_dir)]).exit_code == 0
    again = _select(oxigraph_server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    total = sum(1 for line in (seeds_build.out_dir / "graph.nq").open(encoding="utf-8") if line.strip())
    assert int(again[0]["n"]) == total


def test_push_into_one_named_graph(oxigraph_server, seeds_build):
    iri = "https://example.org/graphs/govkg"
    result = CliRunner().invoke(main, ["push", "--endpoint", f"{oxigraph_server}/store", "--graph", iri,
                                       "--from", str(seeds_build.out_dir)])
    assert result.exit_code == 0, result.output
    rows = _select(oxigraph_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
    assert int(rows[0]["n"]) == seeds_build.triples


def test_push_errors_are_one_line(seeds_build):
    runner = CliRunner()
    port = _free_port()  # nothing listens there
    result = runner.invoke(main, ["push", "--endpoint", f"http://127.0.0.1:{port}/store",
                                  "--from", str(seeds_build.out_dir)])
    assert result.exit_code == 1
    assert "cannot reach the endpoint" in result.output
    assert "Traceback" not in result.output
    bad = runner.invoke(main, ["push", "--endpoint", "ftp://example.org/", "--from", str(seeds_build.out_dir)])
    assert bad.exit_code == 2
    bad_graph = runner.invoke(main, ["push", "--endpoint", "http://127.0.0.1:1/store", "--graph", "not an iri",
                                     "--from", str(seeds_build.out_dir)])
    assert bad_graph.exit_code == 2

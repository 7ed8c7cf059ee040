"""kg.serve: the read-only SPARQL endpoint and the explorer, on a real socket (port 0)."""

import csv
import io
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.publish import write_network_outputs
from kg.serve import make_server

from test_network import DATA, FGW, HOSTILE

DOC_GRAPH = "https://w3id.org/govkg/id/doc/mini"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def make_graph_dir(path: Path) -> Path:
    """A graph folder as `kg build` leaves it: one named graph per document (graph.nq), the network page."""
    store = pyoxigraph.Store()
    store.load(path=str(DATA / "mini_plan.ttl"), format=pyoxigraph.RdfFormat.TURTLE,
               to_graph=pyoxigraph.NamedNode(DOC_GRAPH))
    (path / "graph.nq").write_bytes(pyoxigraph.serialize(list(store), format=pyoxigraph.RdfFormat.N_QUADS))
    (path / "graph.nt").write_bytes(
        pyoxigraph.serialize([q.triple for q in store], format=pyoxigraph.RdfFormat.N_TRIPLES))
    write_network_outputs(store, path)
    return path


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory):
    return make_graph_dir(tmp_path_factory.mktemp("graph"))


class Running:
    def __init__(self, graph_dir, **limits):
        self.server = make_server(graph_dir, "127.0.0.1", 0, **limits)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = self.server.url.rstrip("/")

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def server(graph_dir):
    running = Running(graph_dir)
    yield running
    running.stop()


def request(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def get_query(server, query, accept=None, **params):
    qs = urllib.parse.urlencode({"query": query, **params})
    return request(f"{server.url}/sparql?{qs}", headers={"Accept": accept} if accept else {})


def count_triples(server) -> int:
    status, _, body = get_query(server, COUNT)
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


LABELS = "SELECT ?label WHERE { ?u a gk:Unit ; rdfs:label ?label } ORDER BY ?label"


def test_binds_loopback_by_default(graph_dir):
    server = make_server(graph_dir, port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_get_returns_sparql_json(server):
    status, headers, body = get_query(server, LABELS)
    assert status == 200
    assert headers["Content-Type"] == "application/sparql-results+json"
    data = json.loads(body)
    assert data["head"]["vars"] == ["label"]
    labels = [b["label"]["value"] for b in data["results"]["bindings"]]
    assert "市发改委" in labels and "<img src=x onerror=alert(1)>" in labels
    assert "X-Govkg-Truncated" not in headers


def test_post_form_and_post_query_body(server):
    form = urllib.parse.urlencode({"query": LABELS}).encode()
    s1, _, b1 = request(f"{server.url}/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"})
    s2, _, b2 = request(f"{server.url}/sparql", LABELS.encode(), {"Content-Type": "application/sparql-query"})
    assert s1 == s2 == 200 and json.loads(b1) == json.loads(b2)


def test_csv_and_tsv_by_accept(server):
    status, headers, body = get_query(server, LABELS, accept="text/csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    text = body.decode("utf-8")
    assert text.startswith("label\r\n")
    assert "市发改委" in [row[0] for row in csv.reader(io.StringIO(text))]
    status, headers, body = get_query(server, LABELS, accept="text/tab-separated-values")
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.decode().splitlines()[0] == "?label" and '"市发改委"' in body.decode()


def test_construct_gives_turtle(server):
    status, headers, body = get_query(server, f"CONSTRUCT {{ <{FGW}> rdfs:label ?l }} WHERE {{ <{FGW}> rdfs:label ?l }}")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    triples = list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.TURTLE))
    assert [t.object.value for t in triples] == ["市发改委"]
    status, headers, _ = get_query(server, "DESCRIBE <%s>" % FGW, accept="application/n-triples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")


def test_ask(server):
    status, _, body = get_query(server, f"ASK {{ <{FGW}> gk:leads ?t }}")
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}


def test_updates_are_refused_and_change_nothing(server):
    before = count_triples(server)
    insert = 'INSERT DATA { <http://example.org/a> <http://example.org/b> "c" }'
    drop = "DROP ALL"
    cases = [
        request(f"{server.url}/sparql", urllib.parse.urlencode({"update": insert}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"}),
        request(f"{server.url}/sparql", drop.encode(), {"Content-Type": "application/sparql-update"}),
        request(f"{server.url}/sparql?" + urllib.parse.urlencode({"update": drop})),
        get_query(server, insert),  # an update sent as a query (typed into the explorer's box) is one too
        request(f"{server.url}/sparql", insert.encode(), {"Content-Type": "application/sparql-query"}),
        request(f"{server.url}/sparql", b"CLEAR ALL", {"Content-Type": "application/sparql-query"}),
    ]
    assert [c[0] for c in cases] == [403, 403, 403, 403, 403, 403]
    assert b"read-only" in cases[-1][2]
    assert count_triples(server) == before
    status, _, _ = request(f"{server.url}/sparql", b"x", {"Content-Type": "text/plain"}, method="PUT")
    assert status == 405


def test_service_is_refused(server):
    status, _, body = get_query(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    assert status == 400 and b"SERVICE" in body


def test_bad_query_is_400(server):
    status, _, body = get_query(server, "SELEKT nothing")
    assert status == 400
    status, _, _ = request(f"{server.url}/sparql")
    assert status == 400


def test_row_limit_is_said_in_a_header(graph_dir):
    running = Running(graph_dir, max_rows=3)
    try:
        status, headers, body = get_query(running, "SELECT ?s WHERE { ?s ?p ?o }")
        assert status == 200
        assert headers["X-Govkg-Truncated"] == "true" and headers["X-Govkg-Row-Limit"] == "3"
        assert len(json.loads(body)["results"]["bindings"]) == 3
    finally:
        running.stop()


def test_query_time_limit(graph_dir):
    running = Running(graph_dir, timeout=0.3, max_rows=10**9)
    try:
        heavy = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # ~400M rows, streamed
        started = time.monotonic()
        status, headers, body = get_query(running, heavy)
        assert status == 503 and b"time limit" in body
        assert time.monotonic() - started < 5
        # the worker stops reading at the deadline, so the endpoint answers again at once
        deadline = time.monotonic() + 5
        while True:
            status, _, _ = get_query(running, "ASK {}")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert status == 200
    finally:
        running.stop()


def raw(server, payload: bytes) -> bytes:
    host, port = server.server.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_request_size_limits(server):
    reply = raw(server, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                        b"Content-Length: 50000000\r\n\r\nSELECT")
    assert reply.startswith(b"HTTP/1.1 413")
    reply = raw(server, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                        b"Connection: close\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 411")
    status, _, _ = get_query(server, "ASK {}" + " " * 70_000)
    assert status in (413, 414)


def test_foreign_host_header_is_refused(server):
    reply = raw(server, b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 403")
    reply = raw(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost:8000\r\nConnection: close\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 200")


def test_explorer_page(server):
    status, headers, body = request(server.url + "/")
    html = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "/sparql" in html and "/network" in html
    assert "市发改委" not in html.split('id="config">')[0]  # data is only in the JSON block
    config = json.loads(html.split('<script type="application/json" id="config">')[1].split("</script>")[0])
    titles = [e["title"] for e in config["examples"]]
    assert any("责任单位" in t for t in titles) and any("共同承担" in t for t in titles)
    assert "innerHTML" not in html
    # the examples run as they are and find rows
    for example in config["examples"][:2]:
        status, _, body = request(f"{server.url}/sparql", example["query"].encode(), {"Content-Type": "application/sparql-query"})
        assert status == 200 and json.loads(body)["results"]["bindings"], example["title"]


def test_examples_name_the_units(server):
    # the pair, lead → co-owner and membership examples give each unit's name first, its IRI after
    status, _, body = request(server.url + "/")
    config = json.loads(body.decode("utf-8").split('id="config">')[1].split("</script>")[0])
    rows = {}
    for example in config["examples"][2:]:
        status, _, body = request(f"{server.url}/sparql", example["query"].encode(), {"Content-Type": "application/sparql-query"})
        result = json.loads(body)
        names = result["head"]["vars"][:2]
        rows[example["title"]] = [tuple(b[n]["value"] for n in names) for b in result["results"]["bindings"]]
        assert rows[example["title"]] and not any(v.startswith("http") for row in rows[example["title"]] for v in row)
    assert ("市发改委", "市经信局") in rows["协作最多的单位对"]
    assert ("市商务局", "市发改委") in rows["牵头单位 → 责任单位"]
    assert rows["集合单位的成员"] == [("各区人民政府", "江岸区人民政府"), ("各区人民政府", "江汉区人民政府")]


def test_network_page_is_served(server):
    status, headers, body = request(server.url + "/network")
    assert status == 200 and b"vis.Network" in body


def test_unit_api(server):
    status, headers, body = request(server.url + "/api/unit?" + urllib.parse.urlencode({"name": "市发改委"}))
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert data["unit"]["label"] == "市发改委" and data["unit"]["unit_type_label"] == "政府部门"
    assert [(t["code"], t["role"]) for t in data["tasks"]] == [("一.一", "lead"), ("二.1", "coowner"), ("二.2", "coowner"), ("二.4", "lead")]
    assert data["tasks"][0]["targets"][0]["surface"] == "地区生产总值增长6%左右"
    assert [(t["deadline"], t["deadline_text"]) for t in data["tasks"]][-2:] == [("", ""), ("2025-06-30", "2025年6月底前")]
    assert {c["label"]: c["shared"] for c in data["collaborators"]} == {"各区人民政府": 2, "市商务局": 2, "市经信局": 2}
    status, _, body = request(server.url + "/api/unit?" + urllib.parse.urlencode({"iri": HOSTILE}))
    assert json.loads(body)["unit"]["label"] == "<img src=x onerror=alert(1)>"
    status, _, body = request(server.url + "/api/unit?" + urllib.parse.urlencode({"name": "各区人民政府"}))
    assert [m["label"] for m in json.loads(body)["unit"]["members"]] == ["江岸区人民政府", "江汉区人民政府"]
    assert request(server.url + "/api/unit?name=nobody")[0] == 404
    status, _, body = request(server.url + "/api/units?" + urllib.parse.urlencode({"q": "发改"}))
    assert [u["label"] for u in json.loads(body)] == ["市发改委"]


def test_unknown_path_is_404(server):
    assert request(server.url + "/nothing")[0] == 404


def test_error_pages_look_like_the_explorer_and_lead_back(server):
    status, headers, body = request(server.url + "/nothing")
    html = body.decode("utf-8")
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "not found: /nothing" in html
    # a Chinese path is shown as the reader typed it, not percent-encoded; an encoded tag stays text
    html = request(server.url + "/" + urllib.parse.quote("市经信局<b>"))[2].decode("utf-8")
    assert "not found: /市经信局&lt;b&gt;" in html
    # a path sent unencoded is shown as text
    html = raw(server, b"GET /nothing/<script>alert(1)</script> HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").decode("utf-8")
    assert html.startswith("HTTP/1.1 404") and "找不到页面" in html and "Not Found" in html and '<a href="/">' in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the path, as text
    assert "header h1" in html  # the explorer's style sheet
    reply = raw(server, b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n").decode("utf-8")
    assert reply.startswith("HTTP/1.1 403") and "拒绝访问" in reply and "Forbidden" in reply
    status, headers, body = request(server.url + "/", data=b"x=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 405 and "不支持该方法" in body.decode("utf-8")
    # what API clients read stays a plain message: the unit API, and the SPARQL protocol's errors
    status, headers, body = request(server.url + "/api/unit?name=nobody")
    assert status == 404 and headers["Content-Type"].startswith("text/plain") and body == b"no unit named 'nobody'\n"
    status, headers, body = get_query(server, "SELEC nothing")
    assert status == 400 and headers["Content-Type"].startswith("text/plain") and b"<" not in body[:1]
    reply = raw(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 403") and b"text/plain" in reply


def test_concurrent_clients(server):
    def one(_):
        return get_query(server, LABELS)[0]

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert set(pool.map(one, range(100))) == {200}


def test_cli_serve_options():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "--max-rows" in result.output and "--timeout" in result.output


def test_cli_analyze(graph_dir):
    result = CliRunner().invoke(main, ["analyze", "--graph", str(graph_dir), "--top", "3"])
    assert result.exit_code == 0, result.output
    assert "市经信局" in result.output and "Brokers" in result.output and "Task load" in result.output
    result = CliRunner().invoke(main, ["analyze", "--graph", str(graph_dir), "--json"])
    assert json.loads(result.output)["summary"]["units"] == 7


def test_a_port_in_use_is_named_as_the_reason(graph_dir, server):
    # kg serve on the port another server holds: one line that says so, not a traceback about the explorer
    port = server.server.server_address[1]
    result = CliRunner().invoke(main, ["serve", "--graph", str(graph_dir), "--port", str(port)])
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.output


def test_a_unit_asked_for_by_a_malformed_iri_is_a_bad_request(server):
    status, _, body = request(server.url + "/api/unit?iri=" + urllib.parse.quote("foo bar"))
    assert status == 400 and "not an IRI" in body.decode("utf-8")


def test_a_unit_asked_for_in_raw_utf8_by_another_of_its_names_or_misspelled(server):
    # curl sends 市发改委 as raw UTF-8 bytes, which http.server reads as Latin-1: the name comes back whole
    reply = raw(server, "GET /api/unit?name=市发改委 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .encode("utf-8")).decode("utf-8")
    assert reply.startswith("HTTP/1.0 200") or reply.startswith("HTTP/1.1 200"), reply[:200]
    assert json.loads(reply.split("\r\n\r\n", 1)[1])["unit"]["label"] == "市发改委"
    # 市发展和改革委员会 is one of the names every city gives 市发改委 (kg/data/unit_name_variants.tsv)
    status, _, body = request(server.url + "/api/unit?" + urllib.parse.urlencode({"name": "市发展和改革委员会"}))
    assert status == 200 and json.loads(body)["unit"]["prefLabel"] == "市发改委"
    # a misspelled name: the suggestions kg tasks gives
    status, _, body = request(server.url + "/api/unit?" + urllib.parse.urlencode({"name": "市发改x"}))
    assert status == 404 and "no unit named '市发改x'; did you mean 市发改委" in body.decode("utf-8")

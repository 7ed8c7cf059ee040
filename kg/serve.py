"""``kg serve``: a local, read-only explorer of a built graph.

A standard-library ``ThreadingHTTPServer`` (no framework) with these routes:

``/``              the explorer page: search a unit, see its tasks, targets and
                   collaborators, run SPARQL with examples, open the network.
``/sparql``        the SPARQL 1.1 Protocol, queries only: ``GET ?query=``,
                   ``POST`` form (``query=``) or ``application/sparql-query``.
                   SELECT results as ``application/sparql-results+json`` (default),
                   ``text/csv`` or ``text/tab-separated-values``; ASK as JSON;
                   CONSTRUCT/DESCRIBE as ``text/turtle`` (default),
                   ``application/n-triples`` or ``application/rdf+xml``, by Accept
                   (or ``format=json|csv|tsv|turtle|ntriples|rdfxml``).
``/network``       the collaboration page (``collaboration.html`` of the graph folder).
``/api/units``     ``?q=`` units whose name contains q (JSON).
``/api/unit``      ``?name=`` or ``?iri=``: the unit's tasks with role, code, text, deadline and
                   targets, its collaborators and memberships (JSON); ``link_name`` is the
                   name that finds this unit alone ("" when other units share it).

The unit shown is in the page's address: ``/#unit=市经信局``, or ``/#unit=<IRI>`` when
units of several jurisdictions share the name, so a link opens it and Back returns.

Safety limits:

- Read-only: the store is opened read-only; SPARQL Update (``update=``, or a body of
  type ``application/sparql-update``) is refused with 403, and so is an update sent as a
  query (CLEAR ALL in the explorer's query box). Other methods get 501. ``SERVICE`` (which would make
  the server fetch remote URLs) is refused with 400.
- Binds 127.0.0.1 unless told otherwise; on a loopback address, requests whose
  ``Host`` is not a loopback name are refused (DNS-rebinding guard).
- Query time limit (``timeout``, seconds): each query runs in a worker thread with a
  deadline. Results are read row by row and reading stops at the deadline, so most
  queries end there. Oxigraph has no way to cancel a query, though: a query stuck
  inside one evaluation step (a huge ORDER BY or GROUP BY) answers 503 at the
  deadline while its worker finishes in the background; at most ``workers`` such
  queries run at once, further queries wait for a free worker until their own
  deadline, then get 503.
- Row limit (``max_rows``, default 10,000): longer results are cut, and the response
  says so in ``X-Govkg-Truncated: true`` and ``X-Govkg-Row-Limit``.
- Request size: a body over ``max_body`` bytes gets 413 (unread); a query string over
  it gets 414; a POST without Content-Length gets 411. Idle connections close after
  ``IDLE_TIMEOUT`` seconds; past ``MAX_CONNECTIONS`` open connections new ones get 503.

All text from documents reaches the explorer page as JSON and is put into the page
with ``textContent``.

Errors: ``/sparql`` and ``/api/*`` answer a one-line plain-text message (what their clients
read); every other path answers a page in the explorer's look that says what went wrong in
Chinese and English and links back to ``/`` (``templates/error.html``; the message is escaped).
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import re
import socket
import threading
import time
from functools import lru_cache
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2
import pyoxigraph
from markupsafe import Markup

from . import __version__
from .network import canonical_type, load_query, local_name, natural_key, unit_type_labels
from .errors import UsageError
from .graph import jurisdiction_of_iri
from .lookup import UnitNotFound, resolve_unit
from .ns import PREFIXES
from .publish.network_page import PAGE_NAME, TEMPLATES, script_json
from .store import is_update, open_store, select

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_BODY = 64 * 1024
DEFAULT_WORKERS = 4
IDLE_TIMEOUT = 20
MAX_CONNECTIONS = 256
API_LIMIT = 50

_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

JSON_RESULTS = "application/sparql-results+json"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"

SELECT_TYPES = {JSON_RESULTS: "json", "application/json": "json", CSV: "csv", TSV: "tsv"}
GRAPH_TYPES = {TURTLE: pyoxigraph.RdfFormat.TURTLE, NTRIPLES: pyoxigraph.RdfFormat.N_TRIPLES,
               "text/plain": pyoxigraph.RdfFormat.N_TRIPLES, RDFXML: pyoxigraph.RdfFormat.RDF_XML}
FORMAT_PARAM = {"json": JSON_RESULTS, "csv": CSV, "tsv": TSV, "turtle": TURTLE, "ttl": TURTLE,
                "ntriples": NTRIPLES, "nt": NTRIPLES, "rdfxml": RDFXML, "xml": RDFXML}

PAGE_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


# What an error page says, by status: (Chinese reason, what it means in Chinese, in English).
# API clients (/api/*, /sparql) get the plain one-line message instead.
ERROR_WORDS = {
    400: ("请求有误", "请求的参数不完整或格式不对。", "The request's parameters are missing or malformed."),
    403: ("拒绝访问", "这个服务器不接受该请求（只读，且只应答本机地址）。",
          "This server refuses the request (it is read-only and answers loopback names only)."),
    404: ("找不到页面", "这个地址没有对应的页面或数据。", "There is no page or data at this address."),
    405: ("不支持该方法", "这个地址只能读取。", "This address can only be read."),
    411: ("缺少长度", "请求缺少 Content-Length。", "The request has no Content-Length."),
    413: ("请求过大", "请求的内容超过了服务器的上限。", "The request body is larger than this server accepts."),
    414: ("地址过长", "地址超过了服务器的上限。", "The address is longer than this server accepts."),
    415: ("类型不支持", "请求内容的类型不被接受。", "The request body's type is not accepted."),
    500: ("服务器内部错误", "服务器处理请求时出错。请重试，或查看运行 kg serve 的终端。",
          "The server failed on this request. Try again, or see the terminal running kg serve."),
    501: ("未实现", "服务器不支持该方法。", "The server does not support this method."),
    503: ("服务暂时不可用", "服务器正忙或查询超时，请稍后再试。", "The server is busy or the query ran out of time; try again shortly."),
}


def is_api_path(path: str) -> bool:
    """Paths whose clients read errors as data (a plain message), not as a page.

    >>> [is_api_path(p) for p in ("/sparql", "/api/unit", "/", "/nothing")]
    [True, True, False, False]
    """
    return path == "/sparql" or path.startswith("/api/")


class HTTPError(Exception):
    """An error answer: status and a one-line plain-text message."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = int(status)
        self.message = message
        self.headers = headers or {}


# --- SPARQL results --------------------------------------------------------------------------


def term_json(term) -> dict:
    """A term in the SPARQL 1.1 JSON results format.

    >>> term_json(pyoxigraph.Literal("市发改委", language="zh"))
    {'type': 'literal', 'value': '市发改委', 'xml:lang': 'zh'}
    """
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, pyoxigraph.Triple):
        return {"type": "triple", "value": {"subject": term_json(term.subject),
                                            "predicate": term_json(term.predicate),
                                            "object": term_json(term.object)}}
    return {"type": "literal", "value": str(term)}


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (pyoxigraph.NamedNode, pyoxigraph.Literal)):
        return term.value
    return str(term)


def _tsv_value(term) -> str:
    return "" if term is None else str(term)  # N-Triples form, as the TSV results format asks


def refuse_service(query: str) -> None:
    """Refuse federated queries: ``SERVICE`` would make this server fetch remote URLs.

    Strings, IRIs and comments are skipped, so a literal or IRI holding the word passes.

    >>> refuse_service('SELECT * WHERE { ?s ?p "SERVICE" }')
    >>> refuse_service('SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }')
    Traceback (most recent call last):
    ...
    kg.serve.HTTPError: SERVICE (federated query) is not allowed on this endpoint
    """
    token = re.compile(
        r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
        r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
        r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*',
        re.S,
    )
    code = token.sub(" ", query)
    if re.search(r"\bSERVICE\b", code, re.I):
        raise HTTPError(400, "SERVICE (federated query) is not allowed on this endpoint")


def choose_type(accept: str | None, offered: list[str], default: str) -> str:
    """The offered media type the Accept header prefers (q-values honoured), else ``default``.

    >>> choose_type("text/csv;q=0.5, application/sparql-results+json", [JSON_RESULTS, CSV], JSON_RESULTS)
    'application/sparql-results+json'
    >>> choose_type("text/csv", [JSON_RESULTS, CSV], JSON_RESULTS)
    'text/csv'
    >>> choose_type("*/*", [JSON_RESULTS, CSV], JSON_RESULTS)
    'application/sparql-results+json'
    """
    if not accept:
        return default
    ranked = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media in ("*/*", ""):
            candidates = [default]
        elif media.endswith("/*"):
            candidates = [o for o in offered if o.startswith(media[:-1])]
        else:
            candidates = [o for o in offered if o == media]
        for c in candidates:
            exact = 0 if media.endswith("*") else 1
            ranked.append((-q, -exact, i, c))
    return min(ranked)[3] if ranked else default


class _Failure(NamedTuple):
    status: int
    message: str
    headers: dict


class Explorer:
    """The server's state: the read-only store, the query workers and the limits."""

    def __init__(
        self,
        graph_dir: str | Path,
        timeout: float = DEFAULT_TIMEOUT,
        max_rows: int = DEFAULT_MAX_ROWS,
        max_body: int = DEFAULT_MAX_BODY,
        workers: int = DEFAULT_WORKERS,
    ):
        self.graph_dir = Path(graph_dir)
        self.store = open_store(self.graph_dir)
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.max_body = int(max_body)
        self.workers = int(workers)
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="kg-sparql")
        self._slots = threading.BoundedSemaphore(self.workers)
        self._page: bytes | None = None

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    # --- SPARQL ------------------------------------------------------------------------

    def sparql(self, query: str, accept: str | None, fmt: str | None = None,
               default_graphs: list[str] | None = None, named_graphs: list[str] | None = None):
        """Run a query within the limits; returns (content type, body, extra headers)."""
        if not query.strip():
            raise HTTPError(400, "missing query: pass query= (GET or form POST) or an application/sparql-query body")
        refuse_service(query)
        if fmt:
            if fmt.lower() not in FORMAT_PARAM:
                raise HTTPError(400, f"unknown format {fmt!r}; use one of {', '.join(sorted(FORMAT_PARAM))}")
            accept = FORMAT_PARAM[fmt.lower()]
        deadline = time.monotonic() + self.timeout
        if not self._slots.acquire(timeout=self.timeout):
            raise HTTPError(503, f"all {self.workers} query workers are busy; try again", {"Retry-After": "5"})
        try:
            future = self._executor.submit(self._run, query, accept, deadline, default_graphs, named_graphs)
        except RuntimeError:  # executor shut down
            self._slots.release()
            raise HTTPError(503, "server is shutting down")
        try:
            outcome = future.result(timeout=max(0.0, deadline - time.monotonic()) + 0.05)
        except FutureTimeout:
            raise HTTPError(503, f"query time limit ({self.timeout:g} s) exceeded", {"Retry-After": "5"}) from None
        if isinstance(outcome, _Failure):
            raise HTTPError(outcome.status, outcome.message, outcome.headers)
        return outcome

    def _run(self, query, accept, deadline, default_graphs, named_graphs):
        # Oxigraph's result iterators must be dropped on the thread that made them, so no
        # exception (whose traceback would keep them alive) leaves this worker: failures
        # come back as plain values.
        try:
            return self._evaluate(query, accept, deadline, default_graphs, named_graphs)
        except HTTPError as exc:
            return _Failure(exc.status, exc.message, exc.headers)
        except Exception as exc:  # noqa: BLE001
            return _Failure(500, f"query failed: {type(exc).__name__}: {exc}", {})
        finally:
            self._slots.release()

    def _evaluate(self, query, accept, deadline, default_graphs, named_graphs):
        # The build keeps one named graph per document; by default a query sees their union.
        kwargs = {"prefixes": _PREFIXES}
        if default_graphs:
            kwargs["default_graph"] = [pyoxigraph.NamedNode(g) for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [pyoxigraph.NamedNode(g) for g in named_graphs]
        try:
            result = self.store.query(query, **kwargs)
        except SyntaxError as exc:
            raise HTTPError(400, f"query does not parse (this endpoint answers queries only): {exc}") from None
        except (ValueError, TypeError) as exc:
            raise HTTPError(400, f"bad request: {exc}") from None
        except OSError as exc:
            raise HTTPError(500, f"query failed: {exc}") from None
        if isinstance(result, pyoxigraph.QueryBoolean):
            body = json.dumps({"head": {}, "boolean": bool(result)}).encode()
            return JSON_RESULTS, body, {}
        if isinstance(result, pyoxigraph.QuerySolutions):
            return self._solutions(result, accept, deadline)
        return self._triples(result, accept, deadline)

    def _take(self, iterator, deadline):
        rows, truncated = [], False
        try:
            for item in iterator:
                if len(rows) >= self.max_rows:
                    truncated = True
                    break
                rows.append(item)
                if len(rows) % 256 == 0 and time.monotonic() > deadline:
                    raise HTTPError(503, f"query time limit ({self.timeout:g} s) exceeded")
        except (OSError, RuntimeError) as exc:
            raise HTTPError(500, f"query failed: {exc}") from None
        if time.monotonic() > deadline:
            raise HTTPError(503, f"query time limit ({self.timeout:g} s) exceeded")
        headers = {"X-Govkg-Row-Limit": str(self.max_rows)}
        if truncated:
            headers["X-Govkg-Truncated"] = "true"
        return rows, headers

    def _solutions(self, result, accept, deadline):
        names = [v.value for v in result.variables]
        rows, headers = self._take(result, deadline)
        media = choose_type(accept, [JSON_RESULTS, "application/json", CSV, TSV], JSON_RESULTS)
        kind = SELECT_TYPES.get(media, "json")
        if kind == "json":
            bindings = []
            for row in rows:
                b = {}
                for name in names:
                    term = row[name]
                    if term is not None:
                        b[name] = term_json(term)
                bindings.append(b)
            body = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}},
                              ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            return JSON_RESULTS, body, headers
        buf = io.StringIO()
        if kind == "csv":
            writer = csv.writer(buf, lineterminator="\r\n")
            writer.writerow(names)
            for row in rows:
                writer.writerow([_csv_value(row[n]) for n in names])
            return CSV + "; charset=utf-8", buf.getvalue().encode("utf-8"), headers
        buf.write("\t".join("?" + n for n in names) + "\n")
        for row in rows:
            buf.write("\t".join(_tsv_value(row[n]) for n in names) + "\n")
        return TSV + "; charset=utf-8", buf.getvalue().encode("utf-8"), headers

    def _triples(self, result, accept, deadline):
        triples, headers = self._take(result, deadline)
        media = choose_type(accept, list(GRAPH_TYPES), TURTLE)
        fmt = GRAPH_TYPES.get(media, pyoxigraph.RdfFormat.TURTLE)
        # id: is left out: instance IRIs hold '/', which a prefixed name would have to escape
        prefixes = {p: ns for p, ns in _PREFIXES.items() if p != "id"} if fmt == pyoxigraph.RdfFormat.TURTLE else None
        body = pyoxigraph.serialize(triples, format=fmt, prefixes=prefixes) if triples else b""
        content_type = (media if media in GRAPH_TYPES else TURTLE) + "; charset=utf-8"
        return content_type, body, headers

    # --- the page's API ----------------------------------------------------------------

    def units(self, text: str) -> list:
        text = text.strip()[:100]
        if not text:
            return []
        rows = select(self.store, load_query("units_matching"), {"text": text})
        return [
            {"iri": r["unit"], "label": r["label"], "leads": int(r["leads"]), "coOwns": int(r["coOwns"])}
            for r in rows[:API_LIMIT]
        ]

    def unit(self, name: str | None = None, iri: str | None = None) -> dict:
        if iri:
            try:
                node = pyoxigraph.NamedNode(iri)
            except ValueError:
                raise HTTPError(400, f"not an IRI: {iri!r}") from None
        elif name:
            # as kg tasks finds it: 市发展和改革委员会 (市发改委), 各县（市、区）人民政府, 市财政局（南昌市）
            try:
                known, place = resolve_unit(self.store, name)
            except UnitNotFound as exc:  # with the suggestions kg tasks gives
                hint = f"; did you mean {', '.join(exc.suggestions)}?" if exc.suggestions else ""
                raise HTTPError(404, f"no unit named {name!r}{hint}") from None
            found = [row for row in select(self.store, load_query("unit_by_name"), {"name": known})
                     if place is None or jurisdiction_of_iri(row["unit"]) == place]
            if not found:
                raise HTTPError(404, f"no unit named {name!r}")
            node = pyoxigraph.NamedNode(found[0]["unit"])
        else:
            raise HTTPError(400, "pass name= or iri=")
        details = select(self.store, load_query("unit_details"), {"unit": node})
        if not details:
            raise HTTPError(404, "no such unit")
        d = details[0]
        unit_type = canonical_type(local_name(d["type"]))
        aliases = [r["altLabel"] for r in select(self.store, load_query("unit_aliases"), {"unit": node})]
        targets: dict[str, list] = {}
        for r in sorted(select(self.store, load_query("targets_of_unit_tasks"), {"unit": node}),
                        key=lambda r: (r["task"], r["target"])):
            targets.setdefault(r["task"], []).append(
                {k: r[k] or "" if k == "comparator" else r[k] for k in ("value", "measure", "comparator", "metric", "surface")}
            )
        tasks = [
            {"task": r["task"], "code": r["code"], "role": r["role"], "text": r["text"],
             "deadline": r.get("deadline") or "", "deadline_text": r.get("deadlineText") or "",
             "targets": targets.get(r["task"], [])}
            for r in select(self.store, load_query("tasks_of_unit"), {"unit": node})
        ]
        tasks.sort(key=lambda t: (natural_key(t["task"]), t["role"]))
        collaborators = [
            {"iri": r["other"], "label": r["label"], "shared": int(r["shared"])}
            for r in select(self.store, load_query("unit_collaborators"), {"unit": node})
        ]
        memberships = select(self.store, load_query("unit_memberships"), {"unit": node})
        label = d["label"] or d["prefLabel"] or node.value
        # a link names the unit when its name finds it alone (#unit=市经信局), else gives its IRI
        named = select(self.store, load_query("unit_by_name"), {"name": label})
        return {
            "unit": {
                "iri": node.value,
                "label": label,
                "link_name": label if [r["unit"] for r in named] == [node.value] else "",
                "prefLabel": d["prefLabel"],
                "aliases": aliases,
                "unit_type": unit_type,
                "unit_type_label": d["typeLabel"] or unit_type_labels().get(unit_type, unit_type),
                "is_collective": d["collective"] == "true",
                "members": [{"iri": r["other"], "label": r["label"]} for r in memberships if r["relation"] == "member"],
                "member_of": [{"iri": r["other"], "label": r["label"]} for r in memberships if r["relation"] == "memberOf"],
            },
            "tasks": tasks,
            "collaborators": collaborators,
        }

    def examples(self) -> list:
        """Example queries for the page: the .rq files with a sample unit bound by VALUES."""
        busiest = select(self.store, """
            SELECT ?label (COUNT(DISTINCT ?t) AS ?n) WHERE { ?u gk:leads|gk:coOwns ?t ; rdfs:label ?label }
            GROUP BY ?label ORDER BY DESC(?n) ?label LIMIT 1""")
        first = busiest[0]["label"] if busiest else "市发改委"
        partner_rows = select(self.store, """
            SELECT ?first ?label (COUNT(DISTINCT ?t) AS ?n) WHERE {
              ?a rdfs:label ?l FILTER(STR(?l) = STR(?first)) ?a gk:leads|gk:coOwns ?t .
              ?b gk:leads|gk:coOwns ?t ; rdfs:label ?label FILTER(?a != ?b) }
            GROUP BY ?first ?label ORDER BY DESC(?n) ?label LIMIT 1""", {"first": first})
        second = partner_rows[0]["label"] if partner_rows else "市经信局"
        lit = _sparql_string
        return [
            {"title": f"{first} 作为责任单位的任务",
             "query": _bind_values(load_query("tasks_coowned_by_unit"), f"VALUES ?unit_label {{ {lit(first)} }}")},
            {"title": f"{first} 与 {second} 共同承担的任务",
             "query": _bind_values(load_query("tasks_shared_by_two_units"),
                                   f"VALUES (?unit_label_a ?unit_label_b) {{ ({lit(first)} {lit(second)}) }}")},
            {"title": "协作最多的单位对", "query": _with_limit(load_query("unit_collaboration_edges"), 50)},
            {"title": "牵头单位 → 责任单位", "query": _with_limit(load_query("lead_coowner_edges"), 50)},
            {"title": "集合单位的成员", "query": load_query("collective_member_names")},
        ]

    def error_page(self, status: int, message: str) -> bytes:
        """An error as a page in the explorer's look (the message is escaped: it may hold the path asked for)."""
        reason_zh, explain_zh, explain_en = ERROR_WORDS.get(
            status, ("出错了", "请求没有完成。", "The request could not be completed."))
        try:
            reason_en = HTTPStatus(status).phrase
        except ValueError:
            reason_en = "Error"
        html = _templates().get_template("error.html").render(
            title="govkg 图谱浏览", status=status, reason_zh=reason_zh, reason_en=reason_en,
            explain_zh=explain_zh, explain_en=explain_en, message=message)
        return html.encode("utf-8")

    def page(self) -> bytes:
        if self._page is None:
            html = _templates().get_template("explorer.html").render(
                title="govkg 图谱浏览",
                version=__version__,
                config_json=Markup(script_json({
                    "examples": self.examples(),
                    "maxRows": self.max_rows,
                    "timeout": self.timeout,
                    "hasNetwork": (self.graph_dir / PAGE_NAME).is_file(),
                })),
            )
            self._page = html.encode("utf-8")
        return self._page


@lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined)


def _sparql_string(value: str) -> str:
    """A SPARQL string literal (quotes, backslashes and line breaks escaped).

    >>> print(_sparql_string('a"b\\\\c'))
    "a\\"b\\\\c"
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _bind_values(query: str, values: str) -> str:
    """A parameterised query with its parameters given by a VALUES block at the top of
    every WHERE clause, sub-selects included (what ``select(..., bindings=...)`` does
    through the engine), so the example runs as shown and stays editable.

    >>> print(_bind_values("SELECT ?x WHERE {\\n  ?x ?p ?v .\\n}", 'VALUES ?v { "a" }'))
    SELECT ?x WHERE {
      VALUES ?v { "a" }
      ?x ?p ?v .
    }
    """
    if "WHERE {" not in query:
        return query.rstrip() + "\n" + values + "\n"
    return query.replace("WHERE {", f"WHERE {{\n  {values}")


def _with_limit(query: str, n: int) -> str:
    return query.rstrip() + f"\nLIMIT {n}\n"


# --- HTTP ------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    server_version = f"govkg/{__version__}"
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True  # headers and body go out in separate writes

    @property
    def explorer(self) -> Explorer:
        return self.server.explorer  # type: ignore[attr-defined]

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    # --- plumbing --------------------------------------------------------------------------

    def _send(self, status: int, content_type: str, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, exc: HTTPError) -> None:
        headers = dict(exc.headers)
        unread_body = self.command == "POST" and not getattr(self, "_body_read", False)
        if exc.status in (411, 413, 414) or unread_body:  # an unread body would poison the next request
            headers["Connection"] = "close"
            self.close_connection = True
        if is_api_path(urlsplit(self.path).path):
            self._send(exc.status, "text/plain; charset=utf-8", (exc.message + "\n").encode("utf-8"), headers)
        else:  # a person at a browser: the explorer's look, what went wrong, the way back
            headers["Content-Security-Policy"] = PAGE_CSP
            self._send(exc.status, "text/html; charset=utf-8", self.explorer.error_page(exc.status, exc.message), headers)

    def _json(self, data, status: int = 200) -> None:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._send(status, "application/json; charset=utf-8", body)

    def _check_host(self) -> None:
        allowed = getattr(self.server, "allowed_hosts", None)
        if not allowed:
            return
        host = (self.headers.get("Host") or "").strip().lower()
        name = host[: host.find("]") + 1] if host.startswith("[") else host.split(":")[0]
        if name not in allowed:
            raise HTTPError(403, "Host header not allowed (this server answers loopback names only)")

    def _url(self):
        if len(self.path) > self.explorer.max_body:
            raise HTTPError(414, f"request URI longer than {self.explorer.max_body} bytes")
        try:  # http.server reads the request line as Latin-1: a name sent as raw UTF-8 comes back whole
            path = self.path.encode("latin-1").decode("utf-8")
        except UnicodeError:
            raise HTTPError(400, "the address is neither ASCII nor UTF-8") from None
        parts = urlsplit(path)
        try:
            params = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False, max_num_fields=100)
        except ValueError as exc:
            raise HTTPError(400, f"bad query string: {exc}") from None
        return parts.path, params

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise HTTPError(411, "chunked bodies are not accepted; send Content-Length")
        length = self.headers.get("Content-Length")
        if length is None:
            raise HTTPError(411, "Content-Length required")
        try:
            n = int(length)
        except ValueError:
            raise HTTPError(400, "bad Content-Length") from None
        if n < 0:
            raise HTTPError(400, "bad Content-Length")
        if n > self.explorer.max_body:
            raise HTTPError(413, f"request body larger than {self.explorer.max_body} bytes")
        body = self.rfile.read(n)
        self._body_read = True
        return body

    def _dispatch(self, method: str) -> None:
        self._body_read = False
        try:
            self._check_host()
            path, params = self._url()
            if path == "/sparql":
                return self._sparql(method, params)
            if method == "POST":
                self._body()  # drain, so the connection stays usable
                raise HTTPError(405, "POST is accepted on /sparql only", {"Allow": "GET"})
            if path == "/":
                return self._send(200, "text/html; charset=utf-8", self.explorer.page(),
                                  {"Content-Security-Policy": PAGE_CSP})
            if path in ("/network", "/network/", "/" + PAGE_NAME):
                page = self.explorer.graph_dir / PAGE_NAME
                if not page.is_file():
                    raise HTTPError(404, f"{PAGE_NAME} not found in {self.explorer.graph_dir} (run `kg build`)")
                return self._send(200, "text/html; charset=utf-8", page.read_bytes(),
                                  {"Content-Security-Policy": PAGE_CSP})
            if path == "/api/units":
                return self._json(self.explorer.units(_one(params, "q") or ""))
            if path == "/api/unit":
                return self._json(self.explorer.unit(name=_one(params, "name"), iri=_one(params, "iri")))
            if path == "/favicon.ico":
                return self._send(204, "text/plain", b"")
            raise HTTPError(404, f"not found: {unquote(path)}")  # /市经信局, not /%E5%B8%82…
        except HTTPError as exc:
            self._error(exc)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True
        except Exception as exc:  # noqa: BLE001 - answer 500 rather than drop the connection
            self._error(HTTPError(500, f"internal error: {type(exc).__name__}"))

    def _sparql(self, method: str, params: dict) -> None:
        query = _one(params, "query")
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            raise HTTPError(403, "this endpoint is read-only: SPARQL Update is refused")
        if method == "POST":
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                raise HTTPError(403, "this endpoint is read-only: SPARQL Update is refused")
            body = self._body()
            if content_type == "application/x-www-form-urlencoded":
                try:
                    form = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100)
                except (UnicodeDecodeError, ValueError) as exc:
                    raise HTTPError(400, f"bad form body: {exc}") from None
                if "update" in form:
                    raise HTTPError(403, "this endpoint is read-only: SPARQL Update is refused")
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
                query = _one(form, "query")
            elif content_type == "application/sparql-query":
                try:
                    query = body.decode("utf-8")
                except UnicodeDecodeError:
                    raise HTTPError(400, "query body is not UTF-8") from None
            else:
                raise HTTPError(415, "POST a query as application/x-www-form-urlencoded (query=) "
                                     "or application/sparql-query")
        elif method != "GET":
            raise HTTPError(405, "use GET or POST", {"Allow": "GET, POST"})
        if query is None:
            raise HTTPError(400, "missing query parameter")
        if is_update(query):  # CLEAR ALL typed into the explorer's query box: refused as an update
            raise HTTPError(403, "this endpoint is read-only: SPARQL Update is refused")
        content_type, body, headers = self.explorer.sparql(
            query, self.headers.get("Accept"), fmt=_one(params, "format"),
            default_graphs=params.get("default-graph-uri"), named_graphs=params.get("named-graph-uri"),
        )
        headers = dict(headers)
        headers["Vary"] = "Accept"
        self._send(200, content_type, body, headers)

    # --- methods ---------------------------------------------------------------------------

    def do_GET(self):  # noqa: N802 - http.server naming
        self._dispatch("GET")

    def do_HEAD(self):  # noqa: N802
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def _read_only(self):
        self.close_connection = True
        self._error(HTTPError(405, "this server is read-only", {"Allow": "GET, HEAD, POST"}))

    do_PUT = do_DELETE = do_PATCH = _read_only  # noqa: N815


def _one(params: dict, key: str) -> str | None:
    values = params.get(key)
    return values[0] if values else None


class ExplorerServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer holding an :class:`Explorer`, with a cap on open connections."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, explorer: Explorer, verbose: bool = False):
        host = address[0]
        try:
            self.address_family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
        except ValueError:
            self.address_family = socket.AF_INET
        # set before binding: a failed bind calls server_close(), which closes the explorer
        self.explorer = explorer
        self.verbose = verbose
        super().__init__(address, Handler)
        self.allowed_hosts = _allowed_hosts(host)
        self._connections = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request, client_address):
        if not self._connections.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def server_close(self):
        super().server_close()
        self.explorer.close()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"


def _allowed_hosts(host: str) -> set | None:
    """Host names a loopback-bound server answers to; None (no check) for other addresses."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        return None
    return {"localhost", "127.0.0.1", "[::1]", host.lower() if ":" not in host else f"[{host.lower()}]"}


def make_server(
    graph_dir: str | Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_body: int = DEFAULT_MAX_BODY,
    workers: int = DEFAULT_WORKERS,
    verbose: bool = False,
) -> ExplorerServer:
    """A ready (not yet serving) explorer server; port 0 picks a free port.

    Run it with ``serve_forever()`` (in a thread for tests) and stop it with
    ``shutdown()`` then ``server_close()``.
    """
    explorer = Explorer(graph_dir, timeout=timeout, max_rows=max_rows, max_body=max_body, workers=workers)
    return ExplorerServer((host, port), explorer, verbose=verbose)


def serve(graph_dir, host=DEFAULT_HOST, port=DEFAULT_PORT, *, echo=print, **limits) -> None:
    """Serve until interrupted (Ctrl-C)."""
    try:
        server = make_server(graph_dir, host, port, verbose=True, **limits)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    echo(f"govkg explorer on {server.url}  (SPARQL endpoint: {server.url}sparql; read-only; Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

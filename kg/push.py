"""Load a built graph into an external triple store through the SPARQL 1.1 Graph Store Protocol.

``kg push --endpoint URL`` sends each document's named graph with ``PUT
URL?graph=<document IRI>`` (so pushing again replaces a document's statements
instead of adding to them, and the endpoint keeps the one-graph-per-document
layout of the local store); ``--graph IRI`` sends the whole union into that
one graph instead.  Bodies are N-Triples (``application/n-triples``), which
every Graph Store Protocol implementation reads (Oxigraph, Jena Fuseki,
GraphDB, RDF4J, Virtuoso, Blazegraph).

Only the standard library is used (``urllib``); user and password may be
given in the URL (``http://user:secret@host:3030/ds/data``) and are then sent
as HTTP Basic authentication.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GovkgError, UsageError

NTRIPLES = "application/n-triples"


@dataclass
class PushResult:
    endpoint: str
    graphs: list[str] = field(default_factory=list)
    triples: int = 0
    bytes: int = 0


def _split_credentials(url: str) -> tuple[str, str | None]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint must be an http(s) URL, not {url!r}")
    if parts.username is None:
        return url, None
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    clean = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    token = base64.b64encode(f"{urllib.parse.unquote(parts.username)}:"
                             f"{urllib.parse.unquote(parts.password or '')}".encode()).decode()
    return clean, f"Basic {token}"


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of a named graph (``?graph=``) or the default graph (``?default``)."""
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    if graph is None:
        return f"{endpoint}{separator}default"
    return f"{endpoint}{separator}graph={urllib.parse.quote(graph, safe='')}"


def _put(url: str, body, length: int, auth: str | None, timeout: float) -> None:
    request = urllib.request.Request(url, data=body, method="PUT")
    request.add_header("Content-Type", NTRIPLES)
    request.add_header("Content-Length", str(length))
    if auth:
        request.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip()
        raise GovkgError(f"{url}: HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise GovkgError(f"{url}: cannot reach the endpoint ({reason})") from None


def push(graph_dir: str | Path, endpoint: str, graph: str | None = None, timeout: float = 300.0,
         progress=None) -> PushResult:
    """Send the graph built in ``graph_dir`` to ``endpoint`` (see the module docstring)."""
    import pyoxigraph as ox

    from .store import open_store

    graph_dir = Path(graph_dir)
    endpoint, auth = _split_credentials(endpoint)
    result = PushResult(endpoint=endpoint)
    if graph is not None:
        if not graph or any(ch in graph for ch in "<> \"{}|\\^`") or ":" not in graph:
            raise UsageError(f"--graph must be an absolute IRI, not {graph!r}")
        nt = graph_dir / "graph.nt"
        if not nt.is_file():
            raise UsageError(f"{graph_dir}: no graph here (run `kg build` first, or pass --from DIR)")
        size = nt.stat().st_size
        with open(nt, "rb") as body:  # streamed from the file, never read whole
            _put(graph_url(endpoint, graph), body, size, auth, timeout)
        with open(nt, "rb") as handle:
            result.triples = sum(1 for _ in handle)
        result.graphs.append(graph)
        result.bytes = size
        if progress:
            progress(graph, result.triples)
        return result
    store = open_store(graph_dir)
    names = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    if not names:
        raise GovkgError(f"{graph_dir}: the graph has no named graphs to push")
    for name in names:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, name)]
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        _put(graph_url(endpoint, name.value), body, len(body), auth, timeout)
        result.graphs.append(name.value)
        result.triples += len(triples)
        result.bytes += len(body)
        if progress:
            progress(name.value, len(triples))
    del store
    return result

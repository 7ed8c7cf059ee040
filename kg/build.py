"""Build a graph folder from documents: the whole data flow, with safe output.

- every input file is processed alone, in worker processes (``jobs``, default one per
  core); a worker reads its file, extracts it, checks its statements against the SHACL
  shapes and writes them to the cache itself, so the parent holds only small records
  and memory grows with the graph, never with the text read.  A file that cannot be
  read or recognised is reported as ``path: reason`` and the others are built;
- documents unchanged since the last build (same content, name, options and govkg
  version, data and ontology) are taken from the cache (``<out>/cache``), verdict
  included, instead of being extracted and validated again; when nothing changed at all
  the previous output is kept as it is;
- the graph files are the documents' cached shares put end to end (:mod:`kg.fragments`)
  plus the merged statements about nodes several documents share; one named graph per
  document, so a removed document's statements simply leave. The Oxigraph store is
  loaded meanwhile (or, when few documents changed, patched from the previous build's),
  and the collaboration outputs are written by another process;
- output is written to a temporary folder beside the target and renamed into place at the
  end, under a lock, so an interrupted build (even ``kill -9``) leaves the previous output
  as it was;
- the result is checked against the SHACL shapes (:mod:`kg.shacl`: each document in its
  worker, then what only the union can tell); a graph that does not conform fails the
  build (exit 1) with the report written beside it.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import heapq
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__
from .errors import GovkgError, UsageError

# a saved web page is read without its tags, a Word document (.docx) as its paragraphs and tables,
# an Excel workbook (.xlsx) as its sheets' rows, a table saved as .csv (commas, semicolons or tabs) as its
# rows, a PDF as the text of its pages
INPUT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".docx", ".xlsx", ".csv", ".pdf"}
CACHE_DIR = "cache"
REPORT_FILE = "build-report.json"
GRAPH_FILES = ("graph.nq", "graph.nt", "graph.ttl", "graph.jsonld")
LINKS_FILE = "links.json"  # in the cache: which report passages each plan's tasks derive from
CACHE_FORMAT = 7  # bump when the cache entries change shape


@dataclass
class BuildOptions:
    inputs: list[Path]
    out_dir: Path
    kind: str | None = None
    jobs: int = 0  # 0: all cores
    strict: bool = False
    incremental: bool = True
    network: bool = True
    timeout: float | None = 120.0  # seconds per document (None: no limit)


@dataclass
class BuildResult:
    out_dir: Path
    documents: list  # DocumentResult
    triples: int = 0
    conforms: bool = True
    violations: int = 0
    reused: int = 0
    seconds: float = 0.0
    built: bool = True  # False when --strict refused to build
    network: dict = field(default_factory=dict)
    up_to_date: bool = False  # nothing changed: the previous output was kept
    store_mode: str = ""  # "bulk": loaded anew; "update": the previous store with changed documents swapped
    network_source: str = ""  # hash of what the collaboration outputs were made from
    network_reused: bool = False  # the previous build's collaboration outputs, made from the same rows
    copies: list = field(default_factory=list)  # (path, path of the document it copies): inputs built once

    @property
    def failed(self) -> list:
        return [d for d in self.documents if not d.ok]

    @property
    def exit_code(self) -> int:
        return 0 if not self.failed and self.conforms and self.built and not self.damaged else 1

    @property
    def damaged(self) -> list:
        return [d for d in self.documents if d.ok and d.problems]


def collect_inputs(inputs: list[Path]) -> list[Path]:
    """Files to build: files as given, folders searched for text files (sorted, so builds are stable)."""
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            # a folder kg build wrote (it holds build-report.json) is output: its units.csv and validation.txt
            # are no documents, when `kg build .` finds out/ among the inputs
            outputs = {report.parent for report in path.rglob(REPORT_FILE)}
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                           and not p.name.startswith(".") and p.name.lower() != "readme.md"
                           and not outputs.intersection(p.parents))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    seen, unique = set(), []
    for path in files:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _knowledge_roots() -> list[Path]:
    """Folders whose files change what a document gives: data, ontology, and the package
    itself (code, SPARQL queries, page templates)."""
    from .datafiles import DATA_DIR, ontology_dir

    return [DATA_DIR, ontology_dir(), Path(__file__).parent]


def _knowledge_digest(roots: list[Path] | None = None) -> str:
    """Hash of everything besides a document that changes its statements: version and the files of ``roots``."""
    digest = hashlib.sha256(f"{__version__}/{CACHE_FORMAT}".encode())
    for root in roots if roots is not None else _knowledge_roots():
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.relative_to(root).parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_key(knowledge: str, path: Path, data: bytes, kind: str | None) -> str:
    digest = hashlib.sha256()
    for part in (knowledge, path.name, kind or "", hashlib.sha256(data).hexdigest()):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


# --- the worker -------------------------------------------------------------------------------

def build_document(path: str, kind: str | None, knowledge: str, cache: str, timeout: float | None):
    """Read, extract and validate one file; write its cache entry; return its record without statements."""
    from .pipeline import DocumentResult, process_document

    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        return DocumentResult(path=path, ok=False, error="is a folder, not a file", cacheable=False), None
    except OSError as exc:
        return DocumentResult(path=path, ok=False, error=exc.strerror or str(exc), cacheable=False), None
    key = _cache_key(knowledge, Path(path), data, kind)
    result = process_document(path, data, kind, validate=True, facts=True, timeout=timeout)
    del data
    if result.cacheable:
        _write_entry(Path(cache), key, result)
    result.nquads = ""
    result.facts = {}
    return result, key


def _work(args):
    return build_document(*args)


# a document's cache entry: <key>.json (its record) and, when it was built, its share of the
# graph files (kg.fragments) and the facts the cross-document step may need
FRAGMENTS = (".nq", ".nt", ".shared.nq", ".ttl", ".jsonld", ".facts.json", ".network.json")


def _write_entry(cache: Path, key: str, result) -> None:
    """Write a document's cache entry, each file atomically, the record last (it marks the entry whole)."""
    from .crossdoc import fact_keys
    from .fragments import graph_of, jsonld_nodes, parse_triples, split_lines, turtle

    if result.ok:
        lines = result.nquads.splitlines(keepends=True)
        local, shared = split_lines(lines)
        local_nt = "".join(local)
        result.graph = graph_of(lines[0]) if lines else ""
        result.local_triples = len(local)
        result.links = fact_keys(result.facts)
        network = result.facts.get("network", {})
        links = {name: rows for name, rows in result.facts.items() if name != "network"}
        network_text = json.dumps(network, ensure_ascii=False, sort_keys=True)
        result.network_digest = hashlib.sha256(network_text.encode("utf-8")).hexdigest()
        triples = parse_triples(local_nt)
        texts = {".nq": result.nquads, ".nt": local_nt, ".shared.nq": "".join(shared),
                 ".ttl": turtle(local_nt, f"document {Path(result.path).name}", triples),
                 ".jsonld": jsonld_nodes(local_nt, triples),
                 ".facts.json": json.dumps(links, ensure_ascii=False, sort_keys=True),
                 ".network.json": network_text}
        for suffix, text in texts.items():
            _write_atomic(cache / f"{key}{suffix}", text)
    record = {name: getattr(result, name) for name in _RECORD_FIELDS}
    _write_atomic(cache / f"{key}.json", json.dumps(record, ensure_ascii=False, sort_keys=True))


def _write_atomic(target: Path, text: str) -> None:
    tmp = target.with_name(f".{target.name}.part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)


_RECORD_FIELDS = ("ok", "kind", "error", "problems", "notes", "counts", "sha256", "text_sha256", "quads", "violations", "deferred",
                  "validated", "debug", "graph", "local_triples", "links", "network_digest")


def _load_entry(cache: Path, key: str, path: Path):
    from .pipeline import DocumentResult

    meta = cache / f"{key}.json"
    try:
        record = json.loads(meta.read_text(encoding="utf-8"))
        if record.get("ok") and not all((cache / f"{key}{suffix}").is_file() for suffix in FRAGMENTS):
            return None
        return DocumentResult(path=str(path), **{name: record[name] for name in _RECORD_FIELDS})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


# --- the build --------------------------------------------------------------------------------

def build(options: BuildOptions, progress: Callable[[str, object], None] | None = None) -> BuildResult:
    """Build ``options.inputs`` into ``options.out_dir``; see the module docstring."""
    started = time.perf_counter()
    out_dir = Path(options.out_dir)
    if not out_dir.name:  # --out . or --out ..: the folder by its own name
        out_dir = out_dir.resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: exists and is not a folder (refusing to replace a file)")
    files = collect_inputs(options.inputs)
    if not files:
        raise UsageError("no input documents found (give files or folders of .txt, .docx, .xlsx, .csv, .pdf or .html files)")
    _check_out_dir(out_dir, options.inputs)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{out_dir}: cannot make its folder ({exc.strerror or exc})") from None
    with _BuildLock(out_dir):
        _recover(out_dir)
        knowledge = _knowledge_digest()
        cache = out_dir / CACHE_DIR
        keys: list[str | None] = []
        for path in files:
            try:
                data = path.read_bytes()
            except OSError:
                keys.append(None)
                continue
            keys.append(_cache_key(knowledge, path, data, options.kind))
            del data
        manifest = _manifest(files, keys, options)
        if options.incremental:
            kept = _up_to_date(out_dir, manifest, files, keys, progress)
            if kept is not None:
                kept.built = not (options.strict and kept.failed)
                kept.seconds = time.perf_counter() - started
                return kept

        tmp = out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}")
        if tmp.exists():
            shutil.rmtree(tmp)
        (tmp / CACHE_DIR).mkdir(parents=True)
        # started now, so that its imports overlap the extraction; told to go once the rows are cached
        network_process = _spawn_network_process(tmp) if options.network else None
        try:
            results: list = [None] * len(files)
            todo = []
            reused: set[int] = set()
            for index, (path, key) in enumerate(zip(files, keys)):
                cached = _load_entry(cache, key, path) if (options.incremental and key) else None
                if cached is not None:
                    if cached.ok:
                        for suffix in FRAGMENTS:
                            _link(cache / f"{key}{suffix}", tmp / CACHE_DIR / f"{key}{suffix}")
                    _link(cache / f"{key}.json", tmp / CACHE_DIR / f"{key}.json")
                    results[index] = cached
                    reused.add(index)
                    if progress:
                        progress("cached", cached)
                else:
                    todo.append(index)
            for index, (result, key) in _run([(str(files[i]), options.kind, knowledge, str(tmp / CACHE_DIR),
                                                options.timeout) for i in todo], todo, options):
                results[index] = result
                keys[index] = key
                if progress:
                    progress("built", result)
            manifest = _manifest(files, keys, options)
            kept, copies = set_copies_aside(results)
            documents, keys = [results[i] for i in kept], [keys[i] for i in kept]
            result = BuildResult(out_dir=out_dir, documents=documents, reused=len(reused.intersection(kept)),
                                 copies=copies)
            # --strict and a failure, or nothing built at all: the previous output stays as it was
            if (options.strict and result.failed) or not any(document.ok for document in documents):
                result.built = False
                _stop_process(network_process)
                shutil.rmtree(tmp, ignore_errors=True)
                result.seconds = time.perf_counter() - started
                return result
            _write_outputs(tmp, documents, keys, result, options, knowledge, network_process)
            _write_report(tmp, documents, result, manifest)
            _swap_into_place(tmp, out_dir)
        except BaseException:
            _stop_process(network_process)
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    result.seconds = time.perf_counter() - started
    return result


def set_copies_aside(documents) -> tuple[list[int], list[tuple[str, str]]]:
    """Which documents to build, by index, and the copies among the others as ``(path, path of the
    document it copies)``: documents of the same decoded text (a plan saved as UTF-8 and as GBK, or
    copied under another name) are built once, or every task and unit load would count twice.

    The one kept does not hang on the order files were listed in: one that could be read before one
    that could not, then the shortest file name (``plan.txt`` before ``plan - 副本.txt``, ``plan(1).txt``),
    then the first in code point order of name and path.
    """
    groups: dict[str, list[int]] = {}
    for index, document in enumerate(documents):
        if document.text_sha256:
            groups.setdefault(document.text_sha256, []).append(index)
    copies: dict[int, int] = {}
    for indexes in groups.values():
        first, *others = sorted(indexes, key=lambda i: (not documents[i].ok, len(Path(documents[i].path).name),
                                                          Path(documents[i].path).name, documents[i].path))
        copies.update((other, first) for other in others)
    kept = [index for index in range(len(documents)) if index not in copies]
    return kept, sorted((documents[copy].path, documents[first].path) for copy, first in copies.items())


def _check_out_dir(out_dir: Path, inputs: list[Path]) -> None:
    """Refuse an output folder whose replacement would lose files: one that holds an input (or is
    one), or one with files that no ``kg build`` wrote (no build-report.json)."""
    target = out_dir.resolve()
    for given in inputs:
        path = Path(given).resolve()
        if path == target or target in path.parents:
            raise UsageError(f"{out_dir}: holds the input {given}; --out is replaced as a whole, so give it "
                             f"a folder of its own (default: out)")
    if target.is_dir() and not (target / REPORT_FILE).is_file() and any(target.iterdir()):
        raise UsageError(f"{out_dir}: holds files that kg build did not write (no {REPORT_FILE}); --out is "
                         f"replaced as a whole, so give a new or empty folder")


def _run(args: list[tuple], indexes: list[int], options: BuildOptions):
    """Yield ``(index, (result, key))`` for each document, extracted in worker processes when it pays."""
    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or len(args) <= 1:
        for index, arg in zip(indexes, args):
            yield index, build_document(*arg)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _warm_up()  # workers forked from here inherit the imports and the compiled shapes
    context = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    with ProcessPoolExecutor(max_workers=min(jobs, len(args)), mp_context=context,
                             initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        chunk = max(1, len(args) // (jobs * 16))
        for index, result in zip(indexes, pool.map(_work, args, chunksize=chunk)):
            yield index, result


def _die_with_parent(parent: int) -> None:
    """Linux: be killed with the build's process (kill -9, the out-of-memory killer) instead of
    waiting for it forever; elsewhere nothing."""
    import signal

    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the build died before the line above
        os._exit(1)


def _warm_up() -> None:
    from . import crossdoc, graph, network, pipeline, resolve  # noqa: F401
    from .extract import plan, reports  # noqa: F401
    from .nlp import pipeline as nlp_pipeline
    from .shacl import govkg_shapes

    govkg_shapes()
    nlp_pipeline()  # the rulers' patterns: compiled once here, not once per worker
    # what was imported and compiled lives as long as the workers: out of the collector's sight,
    # a worker's collections no longer walk it (~15% of a plan's time) and forked pages stay shared
    gc.freeze()


def _manifest(files, keys, options: BuildOptions) -> dict:
    return {"inputs": [[str(p), k] for p, k in zip(files, keys)], "network": options.network,
            "kind": options.kind or ""}


def _up_to_date(out_dir: Path, manifest: dict, files, keys, progress) -> BuildResult | None:
    """The previous build's result if it was built from exactly these inputs and its output is whole."""
    from .pipeline import DocumentResult

    if None in keys:
        return None
    try:
        report = json.loads((out_dir / REPORT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if report.get("manifest") != manifest or report.get("govkg") != __version__:
        return None
    needed = list(GRAPH_FILES) + ["store", "validation.ttl"]
    if not all((out_dir / name).exists() for name in needed):
        return None
    documents = []
    for entry in report.get("documents", []):
        try:
            document = DocumentResult(path=entry["path"], ok=entry["ok"], kind=entry["kind"], error=entry["error"],
                                      problems=entry["problems"], notes=entry.get("notes", []), counts=entry["counts"],
                                      sha256=entry["sha256"])
        except KeyError:
            return None
        documents.append(document)
    try:
        copies = [(entry["path"], entry["copy_of"]) for entry in report.get("copies", [])]
    except (KeyError, TypeError):
        return None
    if len(documents) + len(copies) != len(files):
        return None
    result = BuildResult(out_dir=out_dir, documents=documents, triples=report.get("triples", 0),
                         conforms=report.get("conforms", True), violations=report.get("violations", 0),
                         reused=len(documents), network=report.get("network_outputs", {}), up_to_date=True,
                         copies=copies)
    for document in documents:
        if progress:
            progress("cached", document)
    return result


# --- writing the outputs --------------------------------------------------------------------------

def _write_outputs(tmp: Path, documents, keys, result: BuildResult, options: BuildOptions, knowledge: str,
                   network_process=None) -> None:
    """graph.nq/.nt/.ttl/.jsonld, the store and the validation report.

    The cross-document statements come from the documents' cached facts; the graph
    files are the documents' cached shares end to end (:mod:`kg.fragments`) plus the
    merged statements about shared subjects; the store is loaded in a thread meanwhile
    (updated from the previous build's store when few documents changed); the
    whole-graph SHACL checks need only what the merge of the shared statements collected.
    The collaboration outputs are made by ``network_process`` (:func:`_spawn_network_process`),
    from the network rows the workers cached, told to go first so that it runs beside the
    store's loading (whose memory is bounded: it loads a slice of the graph at a time);
    when every document's rows are those of the previous build (most edits change no
    unit's role), its outputs are kept instead and the process is stopped.
    """
    built = [(document, key) for document, key in zip(documents, keys) if document.ok and key]
    if options.network:
        result.network_source = _network_source(knowledge, built)
        if options.incremental:
            reused = _reuse_network_outputs(Path(options.out_dir), tmp, result.network_source)
            if reused is not None:
                result.network, result.network_reused = reused, True
    if network_process is not None and result.network_reused:
        _stop_process(network_process)
        network_process = None
    if network_process is not None:
        _start_network_outputs(network_process, [key for _, key in built])
    _write_graph(tmp, documents, built, result, options, knowledge)  # the caller stops the process if this fails
    if network_process is not None:
        result.network = _finish_network_outputs(network_process)


def _write_graph(tmp: Path, documents, built, result: BuildResult, options: BuildOptions,
                 knowledge: str = "") -> None:
    """The graph files, the store and the SHACL verdict (see :func:`_write_outputs`)."""
    from .crossdoc import link_facts
    from .fragments import object_is_local

    cache = tmp / CACHE_DIR
    cross_path = tmp / ".cross-document.nq"
    shared_path = tmp / ".shared.nt"
    memo = _link_memo(options, knowledge)
    cross_quads = link_facts(_needed_facts(built, cache), memo)
    _write_atomic(cache / LINKS_FILE, json.dumps({"knowledge": knowledge, "links": memo.used}, ensure_ascii=False,
                                                 sort_keys=True))
    extra_results, extra_deferred = _write_cross_document(cross_quads, cross_path)
    loader = _StoreLoader(tmp, options.out_dir if options.incremental else None, built, cross_path)
    loader.start()
    try:
        _concatenate([cache / f"{key}.nq" for _, key in built] + [cross_path], tmp / "graph.nq")
        predicates, typed = _union_needs(documents)
        typed |= {value for _, _, value in extra_deferred}
        merged = merge_graphs([cache / f"{key}.shared.nq" for _, key in built] + [cross_path], None, shared_path,
                              tmp, predicates, typed, skip=object_is_local)
        result.triples = sum(document.local_triples for document, _ in built) + merged["triples"]
        _write_files(tmp, [key for _, key in built], shared_path)
    finally:
        store = loader.finish()
    result.store_mode = loader.mode
    try:
        missing = {node for node in typed if node not in merged["types"]}
        merged["types"].update(_types_from_store(store, missing))  # nodes only one document describes
    finally:
        store.flush()
        del store
    cross_path.unlink(missing_ok=True)
    shared_path.unlink(missing_ok=True)
    results, shacl_ok = _validate(documents, merged, extra_results, extra_deferred)
    if shacl_ok:
        from .shacl import report_text, report_turtle

        result.conforms, result.violations = not results, len(results)
        (tmp / "validation.ttl").write_text(report_turtle(results), encoding="utf-8")
        if results:
            (tmp / "validation.txt").write_text(report_text(results), encoding="utf-8")
    else:  # shapes beyond kg.shacl, or documents built without validation: pySHACL on the whole graph
        result.conforms, result.violations = _pyshacl(tmp)


def _link_memo(options: BuildOptions, knowledge: str):
    """The plan-report links of the previous build (:class:`kg.link.LinkMemo`), if made by this govkg."""
    from .link import LinkMemo

    memo = LinkMemo()
    if options.incremental and knowledge:
        try:
            saved = json.loads((Path(options.out_dir) / CACHE_DIR / LINKS_FILE).read_text(encoding="utf-8"))
            if saved.get("knowledge") == knowledge and isinstance(saved.get("links"), dict):
                memo.known = saved["links"]
        except (OSError, ValueError, AttributeError):
            pass  # no previous links: every plan is matched
    return memo


def _needed_facts(built, cache: Path) -> list[dict]:
    """The cached facts of the documents that can take part in a cross-document statement
    (:func:`kg.crossdoc.can_meet`); most documents of a large corpus have none, and their
    facts are never read."""
    from .crossdoc import can_meet

    wanted = can_meet([document.links for document, _ in built])
    return [json.loads((cache / f"{key}.facts.json").read_text(encoding="utf-8"))
            for (_, key), needed in zip(built, wanted) if needed]


def _write_cross_document(quads, target: Path) -> tuple[list, list]:
    """Write the cross-document statements, sorted, to ``target``; return their own SHACL results and deferred checks."""
    import pyoxigraph as ox

    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8") if quads else ""
    lines = sorted(line for line in text.splitlines() if line)
    target.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    if not quads:
        return [], []
    from .shacl import UnsupportedShape, validate_quads

    try:
        results, deferred = validate_quads(set(quads))
    except UnsupportedShape:
        return [], []
    return [r.as_list() for r in results], deferred


def _concatenate(parts: list[Path], target: Path, head: str = "", separator: bytes = b"", tail: str = "") -> None:
    """``target`` = ``head`` + the non-empty ``parts`` joined by ``separator`` + ``tail``, copied by the kernel
    where it can (copy_file_range: no pass through Python's buffers, 2x faster on the 2 GB of a large graph)."""
    with open(target, "wb", buffering=0) as out:  # unbuffered: the kernel's copies and these writes share one offset
        out.write(head.encode("utf-8"))
        first = True
        for part in parts:
            if separator and part.stat().st_size == 0:
                continue
            if not first:
                out.write(separator)
            first = False
            with open(part, "rb", buffering=0) as handle:
                _copy_file(handle, out)
        out.write(tail.encode("utf-8"))


def _copy_file(source, target) -> None:
    """Append all of ``source`` to ``target`` (unbuffered files, both at their current offsets)."""
    remaining = os.fstat(source.fileno()).st_size
    copy_range = getattr(os, "copy_file_range", None)
    while remaining > 0 and copy_range is not None:
        try:
            copied = copy_range(source.fileno(), target.fileno(), remaining)
        except OSError:  # another file system, an old kernel: copy through Python
            break
        if copied == 0:
            break
        remaining -= copied
    if remaining > 0:
        shutil.copyfileobj(source, target, 1 << 22)


def _write_files(tmp: Path, keys: list[str], shared_path: Path) -> None:
    """graph.nt, graph.ttl and graph.jsonld: each document's share, then the merged shared statements."""
    from .fragments import jsonld_nodes, turtle

    cache = tmp / CACHE_DIR
    shared = shared_path.read_text(encoding="utf-8")
    _concatenate([cache / f"{key}.nt" for key in keys] + [shared_path], tmp / "graph.nt")
    shared_part = tmp / ".shared.ttl"
    shared_part.write_text(turtle(shared, "statements several documents may share: units, districts, projects, "
                                          "cross-document links"), encoding="utf-8")
    _concatenate([cache / f"{key}.ttl" for key in keys] + [shared_part], tmp / "graph.ttl",
                 head="# govkg graph: each document's own statements, then the statements several documents share\n")
    shared_part.write_text(jsonld_nodes(shared), encoding="utf-8")
    _concatenate([cache / f"{key}.jsonld" for key in keys] + [shared_part], tmp / "graph.jsonld",
                 head="[\n", separator=b",\n", tail="\n]\n")
    shared_part.unlink()


def _types_from_store(store, nodes: set[str]) -> dict[str, set[str]]:
    """The rdf:type IRIs of ``nodes`` (written ``<iri>``), looked up in the store."""
    import pyoxigraph as ox

    rdf_type = ox.NamedNode(RDF_TYPE_NT[1:-1])
    types: dict[str, set[str]] = {}
    for node in nodes:
        if node.startswith("<") and node.endswith(">"):
            found = {quad.object.value for quad in store.quads_for_pattern(ox.NamedNode(node[1:-1]), rdf_type, None)
                     if isinstance(quad.object, ox.NamedNode)}
            if found:
                types[node] = found
    return types


def _union_needs(documents) -> tuple[set[str] | None, set[str]]:
    """What the whole-graph checks read: the predicates of shared nodes, the nodes whose types matter."""
    from .shacl import UnsupportedShape, union_predicates

    try:
        predicates = union_predicates()
    except UnsupportedShape:
        predicates = None
    typed = {value for document in documents if document.ok for _, _, value in document.deferred}
    return predicates, typed


class _StoreLoader:
    """Loads ``<tmp>/store`` in a thread (Oxigraph's loader releases the GIL) while the files are written.

    When the previous build's store is there and only a few documents changed, it is
    copied (a RocksDB checkpoint: hard links, no data copied), the graphs of removed or
    changed documents and the old cross-document graph are dropped, and only the new
    documents are loaded; otherwise the documents' cached N-Quads are bulk-loaded into a
    new store, a slice of :data:`LOAD_SLICE` bytes at a time.
    """

    INCREMENTAL_SHARE = 0.25  # above this share of changed documents a full bulk load is faster
    # Oxigraph's bulk loader holds about 3x what it is given (measured: 470 MB at once -> 1.27 GB
    # peak; 47 MB slices -> 0.22 GB, for 10% more time): slices bound the memory on any corpus
    LOAD_SLICE = 64 << 20

    def __init__(self, tmp: Path, out_dir: Path | None, built, cross_path: Path):
        """``out_dir``: where the previous build is (None: always load anew)."""
        import threading

        self.tmp, self.out_dir, self.built, self.cross_path = tmp, out_dir, built, cross_path
        self.store = None
        self.error: BaseException | None = None
        self.mode = ""
        self.thread = threading.Thread(target=self._run, name="govkg-store-loader", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def finish(self):
        self.thread.join()
        if self.error is not None:
            raise GovkgError(f"loading the store failed: {self.error}") from self.error
        return self.store

    def _run(self) -> None:
        try:
            self.store = (self.out_dir and self._update()) or self._bulk_load()
        except BaseException as exc:  # re-raised in the building thread by finish()
            self.error = exc

    def _bulk_load(self):
        import pyoxigraph as ox

        from .store import STORE_DIR

        shutil.rmtree(self.tmp / STORE_DIR, ignore_errors=True)
        store = ox.Store(str(self.tmp / STORE_DIR))
        parts = [self.tmp / CACHE_DIR / f"{key}.nq" for _, key in self.built] + [self.cross_path]
        for data in _slices(parts, self.LOAD_SLICE):
            # lenient: these N-Quads were written by Oxigraph's own serializer in this build or an
            # earlier one, so checking every IRI again only costs time (about a tenth of the load)
            store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS, lenient=True)
        self.mode = "bulk"
        return store

    def _update(self):
        """The previous store, patched; None when a full load is the better (or only) way."""
        import pyoxigraph as ox

        from .crossdoc import GRAPH as CROSS_GRAPH
        from .store import STORE_DIR

        previous = _previous_graphs(self.out_dir)
        if previous is None or not (self.out_dir / STORE_DIR).is_dir():
            return None
        keys = {key for _, key in self.built}
        added = [(document, key) for document, key in self.built if key not in previous]
        kept_graphs = {previous[key] for key in keys if key in previous}
        dropped = {graph for key, graph in previous.items() if key not in keys}
        dropped |= {document.graph for document, _ in added}
        if len(added) > max(4, self.INCREMENTAL_SHARE * len(self.built)) or dropped & kept_graphs:
            return None  # many changes, or two files share a graph name: load everything
        old = ox.Store.read_only(str(self.out_dir / STORE_DIR))
        try:
            old.backup(str(self.tmp / STORE_DIR))
        finally:
            del old
        store = ox.Store(str(self.tmp / STORE_DIR))
        for graph in sorted(dropped | {CROSS_GRAPH.value}):
            store.remove_graph(ox.NamedNode(graph))
        for _, key in added:
            store.load(path=str(self.tmp / CACHE_DIR / f"{key}.nq"), format=ox.RdfFormat.N_QUADS, lenient=True)
        store.load(path=str(self.cross_path), format=ox.RdfFormat.N_QUADS, lenient=True)
        self.mode = "update"
        return store


def _slices(parts: list[Path], size: int):
    """The contents of ``parts`` (N-Quads files) in order, joined into pieces of about ``size`` bytes."""
    piece: list[bytes] = []
    held = 0
    for part in parts:
        data = part.read_bytes()
        if piece and held + len(data) > size:
            yield b"".join(piece)
            piece, held = [], 0
        piece.append(data)
        held += len(data)
    if piece:
        yield b"".join(piece)


def _previous_graphs(out_dir: Path) -> dict[str, str] | None:
    """The previous build's documents: cache key -> named graph (None when that build cannot be read)."""
    try:
        report = json.loads((out_dir / REPORT_FILE).read_text(encoding="utf-8"))
        graphs = {}
        for _, key in report["manifest"]["inputs"]:
            if not key:
                continue
            record = json.loads((out_dir / CACHE_DIR / f"{key}.json").read_text(encoding="utf-8"))
            if record.get("ok"):
                if not record.get("graph"):
                    return None
                graphs[key] = record["graph"]
        return graphs
    except (OSError, ValueError, KeyError, TypeError):
        return None


RDF_TYPE_NT = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def merge_graphs(parts: list[Path], nq_path: Path | None, nt_path: Path, scratch: Path,
                 predicates: set[str] | None = None, typed: set[str] | None = None,
                 skip: Callable[[str], bool] | None = None) -> dict:
    """Merge sorted N-Quads files into N-Quads (``nq_path``, unless None) and N-Triples (both sorted, each line once).

    The build merges the documents' shared statements (:mod:`kg.fragments`) this way;
    lines for which ``skip`` is true are merged but not written (nor counted).

    Streams: memory holds one line per merged file, plus what the whole-graph SHACL checks
    need: for the subjects that more than one named graph describes (``shared``), their
    statements with one of ``predicates`` (all of them when the graphs disagree on the
    subject's types: ``retyped``), and the ``rdf:type`` of the nodes in ``typed``.
    """
    wanted = None if predicates is None else {f"<{p}>" for p in predicates} | {RDF_TYPE_NT}
    typed = typed or set()
    rounds = 0
    fan_in = merge_fan_in()
    while len(parts) > fan_in:  # merge in rounds, so open files stay bounded
        merged = []
        for start in range(0, len(parts), fan_in):
            target = scratch / f".merge-{rounds}-{start}.nq"
            _merge_quads(parts[start:start + fan_in], target)
            merged.append(target)
        if rounds:
            for path in parts:
                path.unlink()
        parts, rounds = merged, rounds + 1
    triples = 0
    shared: list[str] = []
    retyped: list[str] = []
    shared_lines: list[str] = []
    types: dict[str, set[str]] = {}
    group: list[str] = []  # triple lines of the current subject
    graph_types: dict[str, set[str]] = {}  # graph -> types it gives the current subject
    subject = None

    def close_group() -> None:
        if subject is not None and len(graph_types) > 1:
            shared.append(subject)
            # a graph that adds statements without typing the subject does not disagree on its types
            sets = [types_ for types_ in graph_types.values() if types_]
            if any(s != sets[0] for s in sets[1:]):
                retyped.append(subject)
                shared_lines.extend(group)
            elif wanted is None:
                shared_lines.extend(group)
            else:
                shared_lines.extend(line for line in group if line[len(subject) + 1:line.find(" ", len(subject) + 1)]
                                    in wanted)
            for line in group:
                if line.startswith(RDF_TYPE_NT, len(subject) + 1) and line.startswith("<", len(subject) + 2 + len(RDF_TYPE_NT)):
                    types.setdefault(subject, set()).add(line[len(subject) + 3 + len(RDF_TYPE_NT):-4])

    handles = [open(path, encoding="utf-8") for path in parts]
    try:
        with open(nq_path or os.devnull, "w", encoding="utf-8") as nq, open(nt_path, "w", encoding="utf-8") as nt:
            last_quad = last_triple = None
            write_quad = nq.write if nq_path else None
            for line in heapq.merge(*handles):
                if line == last_quad:
                    continue
                last_quad = line
                if write_quad:
                    write_quad(line)
                cut = line.rfind(" <", 0, len(line) - 3)
                triple = line[:cut]
                graph = line[cut + 1:-3]
                space = line.find(" ")
                this_subject = line[:space]
                if this_subject != subject:
                    close_group()
                    subject, group, graph_types = this_subject, [], {}
                graph_types.setdefault(graph, set())
                if triple != last_triple:
                    last_triple = triple
                    group.append(triple + " .\n")
                    if skip is None or not skip(line):
                        nt.write(triple + " .\n")
                        triples += 1
                if line.startswith(RDF_TYPE_NT, space + 1) and line.startswith("<", space + 2 + len(RDF_TYPE_NT)):
                    type_iri = triple[space + 3 + len(RDF_TYPE_NT):-1]
                    graph_types[graph].add(type_iri)
                    if this_subject in typed:
                        types.setdefault(this_subject, set()).add(type_iri)
            close_group()
    finally:
        for handle in handles:
            handle.close()
        if rounds:
            for path in parts:
                path.unlink()
    return {"triples": triples, "shared": shared, "retyped": retyped, "shared_lines": shared_lines, "types": types}


def merge_fan_in() -> int:
    """Files merged at once: a quarter of the open-file limit (the store, loaded meanwhile, opens
    files too), between 64 and 4,096; each round more is a pass over every statement."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return 64
    if soft == resource.RLIM_INFINITY:
        return 4096
    return max(64, min(4096, soft // 4))


def _merge_quads(parts: list[Path], target: Path) -> None:
    handles = [open(path, encoding="utf-8") for path in parts]
    try:
        with open(target, "w", encoding="utf-8") as out:
            last = None
            for line in heapq.merge(*handles):
                if line != last:
                    out.write(line)
                    last = line
    finally:
        for handle in handles:
            handle.close()


def _validate(documents, merged: dict, extra_results=(), extra_deferred=()) -> tuple[list, bool]:
    """All SHACL results: each document's own (from its worker), then the whole-graph checks."""
    import pyoxigraph as ox

    from .shacl import QuadView, Result, UnsupportedShape, govkg_shapes, validate_union

    try:
        shapes = govkg_shapes()
    except UnsupportedShape:
        return [], False
    results: set = set()
    deferred = []
    for document in documents:
        if not document.ok:
            continue
        if not document.validated:  # built without validation (library callers): check it all now
            return [], False
        results.update(Result.from_list(row) for row in document.violations)
        deferred.extend(document.deferred)
    results.update(Result.from_list(row) for row in extra_results)  # the cross-document statements
    deferred.extend(extra_deferred)
    if merged["shared"] or deferred:
        triples = set(ox.parse("".join(merged["shared_lines"]), format=ox.RdfFormat.N_TRIPLES))
        view = QuadView(triples, types=merged["types"])
        results.update(validate_union(view, merged["shared"], deferred, merged["retyped"], shapes))
    return sorted(results, key=lambda r: repr(r.as_list())), True


def _pyshacl(folder: Path) -> tuple[bool, int]:
    import pyoxigraph as ox

    from .graph import to_rdflib
    from .validate import validate_graph

    report = validate_graph(to_rdflib(ox.parse(path=str(folder / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)))
    (folder / "validation.ttl").write_text(report.turtle, encoding="utf-8")
    if not report.conforms:
        (folder / "validation.txt").write_text(report.text, encoding="utf-8")
    return report.conforms, report.violations


def _network_source(knowledge: str, built) -> str:
    """What the collaboration outputs are made from: govkg itself and each document's network rows."""
    digest = hashlib.sha256(knowledge.encode())
    for document, _ in built:
        digest.update(f"{document.network_digest}\n".encode())
    return digest.hexdigest()


def _reuse_network_outputs(previous: Path, tmp: Path, source: str) -> dict | None:
    """The previous build's collaboration outputs (linked into ``tmp``) and summary, if made from ``source``."""
    try:
        report = json.loads((previous / REPORT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    summary = report.get("network_outputs")
    if report.get("network_source") != source or not isinstance(summary, dict):
        return None
    names = summary.get("files")
    if not names or not all(isinstance(name, str) and (previous / name).is_file() for name in names):
        return None
    for name in names:
        _link(previous / name, tmp / name)
    return summary


def _spawn_network_process(folder: Path):
    """Start the process that writes the collaboration outputs into ``folder``: a fresh interpreter
    (no fork beside threads) that imports what it needs, then waits for the documents'
    keys (:func:`_start_network_outputs`)."""
    import subprocess
    import sys

    code = "import sys; from kg.build import network_outputs_main; network_outputs_main(sys.argv[1], int(sys.argv[2]))"
    return subprocess.Popen([sys.executable, "-c", code, str(folder), str(os.getpid())], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _start_network_outputs(process, keys: list[str]) -> None:
    """Send the network process the cache keys of the documents whose rows make the network, one a
    line, closed by a blank line (not by the end of its input: the build's forked workers hold a
    copy of the pipe and would delay that)."""
    try:
        process.stdin.write("".join(f"{key}\n" for key in keys).encode("ascii") + b"\n")
        process.stdin.flush()
    except BrokenPipeError:
        pass  # it died: _finish_network_outputs reports why


def _stop_process(process) -> None:
    """Stop a process that is no longer needed (if it still runs) and close its pipes."""
    if process is None:
        return
    if process.poll() is None:
        process.kill()
    process.communicate()


def _finish_network_outputs(process) -> dict:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        raise GovkgError(f"writing the collaboration outputs failed: {detail[-1] if detail else process.returncode}")
    return json.loads(stdout.decode("utf-8") or "{}")


def network_outputs_main(folder: str, parent: int | None = None) -> None:
    """Entry point of the network process: write the outputs into ``folder``, print their summary as JSON;
    ``parent``: the build's process, whose death ends this one."""
    import sys

    if parent is not None:
        _die_with_parent(parent)

    try:
        from . import network, publish  # noqa: F401  (imported while the documents are extracted)
    except ImportError:
        pass  # _network_outputs writes nothing then
    keys = []
    for line in sys.stdin:
        if not line.strip():
            break
        keys.append(line.strip())
    else:
        return  # input ended before its blank line: the build ended without needing the outputs
    # a process that builds, writes and exits: nearly all it allocates stays alive to the end, so the
    # cycle collector only re-walks it (a third of the time on 200 plans, for no memory back)
    gc.disable()
    summary = _network_outputs(Path(folder), keys)
    sys.stdout.write(json.dumps(summary, ensure_ascii=False, sort_keys=True))


def _network_outputs(folder: Path, keys: list[str]) -> dict:
    """The collaboration outputs, from the network rows each document's worker cached (no store queries)."""
    try:
        from .network import NETWORK_QUERIES, network_from_rows
        from .publish import write_network_outputs
    except ImportError:
        return {}
    rows: dict[str, list[dict]] = {name: [] for name in NETWORK_QUERIES}
    for key in keys:
        for name, part in json.loads((folder / CACHE_DIR / f"{key}.network.json").read_text(encoding="utf-8")).items():
            rows.setdefault(name, []).extend(part)
    summary = dict(write_network_outputs(None, folder, network=network_from_rows(rows)) or {})
    if "files" in summary:  # names, not the temporary folder's paths: the report stays byte-identical
        summary["files"] = [Path(name).name for name in summary["files"]]
    return summary


def _write_report(folder: Path, documents, result: BuildResult, manifest: dict) -> None:
    """build-report.json: what each document gave and what could not be read (no timestamps)."""
    report = {
        "govkg": __version__,
        "triples": result.triples,
        "conforms": result.conforms,
        "violations": result.violations,
        "manifest": manifest,
        "documents": [
            {"file": Path(d.path).name, "path": d.path, "kind": d.kind, "ok": d.ok, "error": d.error,
             "problems": d.problems, "notes": d.notes, "counts": d.counts, "sha256": d.sha256}
            for d in documents
        ],
        # inputs not built because their text is that of a document above (kg.build.set_copies_aside)
        "copies": [{"path": path, "copy_of": original} for path, original in result.copies],
    }
    if result.network and all(isinstance(v, (str, int, float, bool, list, dict)) for v in result.network.values()):
        report["network_outputs"] = result.network
        report["network_source"] = result.network_source
    (folder / REPORT_FILE).write_text(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                      encoding="utf-8")


def _swap_into_place(tmp: Path, out_dir: Path) -> None:
    """Put ``tmp`` in the place of ``out_dir``: one atomic exchange where the system has it (Linux)."""
    if out_dir.exists() and _exchange(tmp, out_dir):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous output
        return
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    if out_dir.exists():
        os.rename(out_dir, old)
    os.rename(tmp, out_dir)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with ``renameat2(RENAME_EXCHANGE)``; False where unavailable."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _recover(out_dir: Path) -> None:
    """Undo what a killed build may have left: a lone previous output, stale temporaries."""
    for stale in out_dir.parent.glob(f".{out_dir.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    olds = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"))
    if olds and not out_dir.exists():
        os.rename(olds[-1], out_dir)
        olds = olds[:-1]
    for old in olds:
        shutil.rmtree(old, ignore_errors=True)


_HELD_LOCKS: set = set()  # the open lock files of this process's builds


def _close_inherited_locks() -> None:
    """In a forked worker: close the lock files inherited from the build, so that the lock goes with
    the build's process (kill -9) and never waits for its workers' exits."""
    for handle in _HELD_LOCKS:
        handle.close()
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


class _BuildLock:
    """An exclusive lock beside the output folder: two builds into one out/ never interleave."""

    def __init__(self, out_dir: Path):
        self.path = out_dir.with_name(f".{out_dir.name}.lock")
        self.handle = None

    def __enter__(self):
        try:
            self.handle = open(self.path, "a+")
        except OSError as exc:
            raise UsageError(f"{self.path.parent}: cannot write there ({exc.strerror or exc})") from None
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise GovkgError(f"another `kg build` is writing {self.path.parent / self.path.name[1:-5]} "
                             "(wait for it to finish, or build into another --out)") from None
        _HELD_LOCKS.add(self.handle)
        return self

    def __exit__(self, *exc):
        _HELD_LOCKS.discard(self.handle)
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
        return False

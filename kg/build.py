"""Build a graph folder from documents: the whole data flow, with safe output.

- every input file is processed alone (in worker processes with ``jobs`` > 1); a file that
  cannot be read or recognised is reported as ``path: reason`` and the others are built;
- documents unchanged since the last build (same content, name, options and govkg
  version) are taken from the cache instead of being extracted again;
- output is written to a temporary folder beside the target and renamed into place at the
  end, under a lock, so an interrupted build leaves the previous output as it was;
- the result is checked against the SHACL shapes; a graph that does not conform fails
  the build (exit 1) with the report written beside it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from . import __version__
from .datafiles import DATA_DIR, ontology_dir
from .errors import GovkgError, UsageError
from .pipeline import DocumentResult, process_document
from .store import load_store

INPUT_SUFFIXES = {".txt", ".text", ".md"}
CACHE_DIR = "cache"
REPORT_FILE = "build-report.json"
GRAPH_FILES = ("graph.nq", "graph.nt", "graph.ttl", "graph.jsonld")


@dataclass
class BuildOptions:
    inputs: list[Path]
    out_dir: Path
    kind: str | None = None
    jobs: int = 0  # 0: all cores
    strict: bool = False
    incremental: bool = True
    network: bool = True


@dataclass
class BuildResult:
    out_dir: Path
    documents: list[DocumentResult]
    triples: int = 0
    conforms: bool = True
    violations: int = 0
    reused: int = 0
    seconds: float = 0.0
    built: bool = True  # False when --strict refused to build
    network: dict = field(default_factory=dict)

    @property
    def failed(self) -> list[DocumentResult]:
        return [d for d in self.documents if not d.ok]

    @property
    def exit_code(self) -> int:
        return 0 if not self.failed and self.conforms and self.built and not self.damaged else 1

    @property
    def damaged(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.ok and d.problems]


def collect_inputs(inputs: list[Path]) -> list[Path]:
    """Files to build: files as given, folders searched for text files (sorted, so builds are stable)."""
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                           and not p.name.startswith(".") and p.name.lower() != "readme.md")
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


def _knowledge_digest() -> str:
    """Hash of everything besides a document that changes its statements: version, data, ontology."""
    digest = hashlib.sha256(__version__.encode())
    for folder in (DATA_DIR, ontology_dir()):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    code_dir = Path(__file__).parent
    for path in sorted(code_dir.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_key(knowledge: str, path: Path, data: bytes, kind: str | None) -> str:
    digest = hashlib.sha256()
    for part in (knowledge, path.name, kind or "", hashlib.sha256(data).hexdigest()):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _work(args: tuple[str, bytes, str | None]) -> DocumentResult:
    path, data, kind = args
    return process_document(path, data, kind)


def build(options: BuildOptions, progress: Callable[[str, DocumentResult], None] | None = None) -> BuildResult:
    """Build ``options.inputs`` into ``options.out_dir``; see the module docstring."""
    started = time.perf_counter()
    out_dir = options.out_dir
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: exists and is not a folder (refusing to replace a file)")
    files = collect_inputs(options.inputs)
    if not files:
        raise UsageError("no input documents found (give files or folders of .txt files)")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with _BuildLock(out_dir):
        _recover(out_dir)
        knowledge = _knowledge_digest()
        cache = out_dir / CACHE_DIR
        results: list[DocumentResult | None] = [None] * len(files)
        todo = []
        reused = 0
        keys = []
        for index, path in enumerate(files):
            try:
                data = path.read_bytes()
            except OSError as exc:
                results[index] = DocumentResult(path=str(path), ok=False, error=exc.strerror or str(exc))
                keys.append(None)
                if progress:
                    progress("read", results[index])
                continue
            key = _cache_key(knowledge, path, data, options.kind)
            keys.append(key)
            cached = _load_cached(cache, key, path) if options.incremental else None
            if cached is not None:
                results[index] = cached
                reused += 1
                if progress:
                    progress("cached", cached)
            else:
                todo.append((index, str(path), data))
        for index, result in _run(todo, options):
            results[index] = result
            if progress:
                progress("built", result)
        documents = [r for r in results if r is not None]
        result = BuildResult(out_dir=out_dir, documents=documents, reused=reused)
        if options.strict and result.failed:
            result.built = False
            result.seconds = time.perf_counter() - started
            return result
        tmp = out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        try:
            _write_outputs(tmp, documents, keys, result, options)
            _swap_into_place(tmp, out_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    result.seconds = time.perf_counter() - started
    return result


def _run(todo, options: BuildOptions):
    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or len(todo) <= 1:
        for index, path, data in todo:
            yield index, process_document(path, data, options.kind)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context) as pool:
        args = [(path, data, options.kind) for _, path, data in todo]
        # results arrive in order; chunks keep inter-process traffic low on many small files
        for (index, _, _), result in zip(todo, pool.map(_work, args, chunksize=max(1, len(todo) // (jobs * 8)))):
            yield index, result


def _load_cached(cache: Path, key: str, path: Path) -> DocumentResult | None:
    meta = cache / f"{key}.json"
    quads = cache / f"{key}.nq"
    if not (meta.is_file() and quads.is_file()):
        return None
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        return DocumentResult(path=str(path), ok=True, kind=info["kind"], problems=info["problems"],
                              counts=info["counts"], nquads=quads.read_text(encoding="utf-8"),
                              sha256=info["sha256"])
    except (OSError, ValueError, KeyError):
        return None


def _write_outputs(tmp: Path, documents, keys, result: BuildResult, options: BuildOptions) -> None:
    from .graph import serialize, to_rdflib
    from .validate import validate_graph

    cache = tmp / CACHE_DIR
    cache.mkdir()
    quad_lines: list[str] = []
    for document, key in zip(documents, keys):
        if not document.ok:
            continue
        quad_lines.extend(line for line in document.nquads.splitlines() if line)
        if key:
            (cache / f"{key}.nq").write_text(document.nquads, encoding="utf-8")
            (cache / f"{key}.json").write_text(json.dumps(
                {"kind": document.kind, "problems": document.problems, "counts": document.counts,
                 "sha256": document.sha256}, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    quad_lines = sorted(set(quad_lines))
    (tmp / "graph.nq").write_text("".join(line + "\n" for line in quad_lines), encoding="utf-8")
    triple_lines = sorted({line[:line.rfind(" <")] + " ." for line in quad_lines})
    nt_path = tmp / "graph.nt"
    nt_path.write_text("".join(line + "\n" for line in triple_lines), encoding="utf-8")
    result.triples = len(triple_lines)
    for name in ("ttl", "jsonld"):
        triples = ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)
        (tmp / f"graph.{name}").write_bytes(serialize(triples, name))
    load_store(tmp, tmp / "graph.nq")
    report = validate_graph(to_rdflib(ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)))
    result.conforms, result.violations = report.conforms, report.violations
    (tmp / "validation.ttl").write_text(report.turtle, encoding="utf-8")
    if not report.conforms:
        (tmp / "validation.txt").write_text(report.text, encoding="utf-8")
    if options.network:
        result.network = _network_outputs(tmp)
    _write_report(tmp, documents, result)


def _network_outputs(folder: Path) -> dict:
    try:
        from .publish import write_network_outputs
    except ImportError:
        return {}
    store = ox.Store.read_only(str(folder / "store"))
    try:
        return write_network_outputs(store, folder) or {}
    finally:
        del store


def _write_report(folder: Path, documents, result: BuildResult) -> None:
    """build-report.json: what each document gave and what could not be read (no timestamps)."""
    report = {
        "govkg": __version__,
        "triples": result.triples,
        "conforms": result.conforms,
        "documents": [
            {"file": Path(d.path).name, "path": d.path, "kind": d.kind, "ok": d.ok, "error": d.error,
             "problems": d.problems, "counts": d.counts, "sha256": d.sha256}
            for d in documents
        ],
    }
    (folder / REPORT_FILE).write_text(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                      encoding="utf-8")


def _swap_into_place(tmp: Path, out_dir: Path) -> None:
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    if out_dir.exists():
        os.rename(out_dir, old)
    os.rename(tmp, out_dir)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


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


class _BuildLock:
    """An exclusive lock beside the output folder: two builds into one out/ never interleave."""

    def __init__(self, out_dir: Path):
        self.path = out_dir.with_name(f".{out_dir.name}.lock")
        self.handle = None

    def __enter__(self):
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise GovkgError(f"another `kg build` is writing {self.path.parent / self.path.name[1:-5]} "
                             "(wait for it to finish, or build into another --out)") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
        return False

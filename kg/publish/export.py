"""`kg export`: the graph a build wrote, in the RDF format another system wants."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from ..errors import UsageError

FILES = {"ttl": "graph.ttl", "jsonld": "graph.jsonld", "nt": "graph.nt", "nq": "graph.nq"}


def export_graph(graph_dir: Path, fmt: str, output: Path | None = None) -> None:
    source = Path(graph_dir) / FILES[fmt]
    if not source.is_file():
        raise UsageError(f"{graph_dir}: no {FILES[fmt]} here (run `kg build` first, or pass --graph DIR)")
    if output is None:
        with open(source, "rb") as handle:
            shutil.copyfileobj(handle, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    if output.is_dir():
        raise UsageError(f"{output}: is a folder; give a file name")
    tmp = output.with_name(f".{output.name}.tmp")
    shutil.copyfile(source, tmp)
    tmp.replace(output)

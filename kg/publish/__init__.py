"""Publishing: files, pages and the SPARQL explorer made from a built graph.

``write_network_outputs(store, out_dir)`` writes the unit collaboration outputs
(analysis.json, units.csv, collaboration.html, collaboration.graphml,
collaboration.gexf); ``kg build`` calls it.
"""

from __future__ import annotations

from pathlib import Path


def write_network_outputs(store, out_dir: Path, network=None) -> dict:
    """Write the collaboration network outputs of ``store`` (or of ``network``, already built)
    into ``out_dir``; see :func:`kg.publish.network_page.write_network_outputs`."""
    from .network_page import write_network_outputs as _write

    return _write(store, out_dir, network)


__all__ = ["write_network_outputs"]

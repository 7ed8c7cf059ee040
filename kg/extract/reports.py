"""Extractors of reports and news feeds (city report, district report, news).

BUILDERS maps a document kind to ``(source, info, data) -> (quads, counts, problems)``.
"""

from __future__ import annotations

from ..graph import QuadSink, describe_document, document_node, document_slug


def _document_only(source, info, data):
    doc = document_node(document_slug(source.path))
    sink = QuadSink(doc)
    describe_document(sink, doc, source, info, data)
    return sink.quads, {}, []


BUILDERS = {
    "city_report": _document_only,
    "district_report": _document_only,
    "news": _document_only,
}

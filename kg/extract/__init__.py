"""Extractors: one module per document kind, plus the shared readers of unit lists and quantities."""

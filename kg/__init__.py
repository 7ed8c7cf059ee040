"""govkg: Chinese government work reports and responsibility plans as an RDF knowledge graph."""

__version__ = "0.1.0"

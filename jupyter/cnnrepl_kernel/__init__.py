"""A Jupyter kernel for cnnrepl: a wrapper kernel over `cnnrepl --serve` (docs/PROTOCOL.md)."""

__version__ = "0.1.0"

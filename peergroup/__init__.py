"""Peergroup: the domain package (no Textual, no Rich)."""

__version__ = "0.1.0"

"""Spiral: the SPIRAL well-being method, from citizens' post-its to co-responsibility."""

__version__ = "0.1.0"

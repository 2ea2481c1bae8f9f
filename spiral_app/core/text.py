"""Safe handling of text that people typed, wherever it is shown or exported."""

from __future__ import annotations

import re
import unicodedata

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=$:&\"'])")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_markdown(text: str) -> str:
    """Return *text* with every Markdown and HTML special character backslash-escaped."""
    # CommonMark allows a backslash before any ASCII punctuation, so over-escaping is harmless.
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def neutralise_formula(value: object) -> object:
    """Return *value* so that a spreadsheet shows it as text, never runs it as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def fold_accents(text: str) -> str:
    """Return *text* lower-cased with accents removed ('Déménager' -> 'demenager')."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    return _COMBINING.sub("", unicodedata.normalize("NFKD", folded))

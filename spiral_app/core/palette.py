"""The colour of each family, the same in every chart and in the Excel report."""

from __future__ import annotations

# Okabe–Ito based, distinguishable with the common colour-vision deficiencies; meaning never rests on colour alone.
FAMILY_COLOURS = {
    "A": "#0072B2",
    "B": "#009E73",
    "C": "#D55E00",
    "D": "#CC79A7",
    "E": "#56B4E9",
    "F": "#E69F00",
    "G": "#7F3C8D",
    "H": "#4D4D4D",
}
OTHER_COLOUR = "#999999"


def family_colour(family: str) -> str:
    """Return the hex colour of *family* (grey for an unknown one)."""
    return FAMILY_COLOURS.get(family[:1].upper(), OTHER_COLOUR)

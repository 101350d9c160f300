"""Edit distance and the slips of one letter that member typos are made of."""

from __future__ import annotations

from rapidfuzz.distance import OSA


def damerau(a: str, b: str) -> int:
    """Optimal-string-alignment edit distance (a swap of neighbours counts as one edit)."""
    return int(OSA.distance(a, b))


def slip(typed: str, meant: str) -> bool:
    """`typed` is `meant` with one letter dropped, doubled or swapped. One *changed* letter too
    often makes another real word ("paid" is not "said", "dress" is not "press")."""
    if not typed or not meant or typed[0] != meant[0] or abs(len(typed) - len(meant)) > 1:
        return False
    if len(typed) == len(meant) and sorted(typed) != sorted(meant):
        return False
    return damerau(typed, meant) == 1

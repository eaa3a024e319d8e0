"""Highlights computed in Python (the embedded index): ``<mark>`` around matches, the rest
of the text HTML-escaped, a few fragments per hit."""

from __future__ import annotations

import html
import re

FRAGMENT_SIZE = 100
MAX_FRAGMENTS = 3


def _spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    lowered = text.lower()
    spans = []
    for needle in {n.lower() for n in needles if n.strip()}:
        start = lowered.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = lowered.find(needle, start + len(needle))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    out, position = [], start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        out.append(html.escape(text[position:span_start]))
        out.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        position = span_end
    out.append(html.escape(text[position:end]))
    return re.sub(r"\s+", " ", "".join(out)).strip()


def fragments(
    text: str, needles: list[str], size: int = FRAGMENT_SIZE, limit: int = MAX_FRAGMENTS
) -> list[str]:
    """Up to ``limit`` escaped fragments of ``text`` with every needle marked."""
    spans = _spans(text, needles)
    result: list[str] = []
    covered_until = -1
    for span_start, span_end in spans:
        if span_start < covered_until:
            continue
        start = max(0, span_start - size // 3)
        end = min(len(text), max(span_end, start + size))
        result.append(_render(text, start, end, spans))
        covered_until = end
        if len(result) >= limit:
            break
    return result

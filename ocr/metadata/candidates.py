"""What every extractor returns: candidates with a confidence, and flags for a reviewer.

Spans index the normalised text (``normalize_text(text)``), which is the text itself when
it was already normalised: normalisation is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "Candidate",
    "Flag",
    "best_candidate",
    "clamp_confidence",
    "is_alone_on_line",
    "line_after",
    "line_before",
    "non_overlapping",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Candidate(Generic[T]):
    """One reading of a piece of text as a value.

    ``value`` is None when the text was recognised but cannot be used as is (a date
    outside its era, a number whose check digit fails); ``notes`` say why, or what
    influenced the confidence.
    """

    value: T | None
    text: str  # as it appears in the normalised text
    span: tuple[int, int]  # start and end offsets in the normalised text
    confidence: float  # 0..1
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flag:
    """Something a reviewer should look at; ``code`` is stable, ``message`` is for people."""

    code: str
    message: str
    span: tuple[int, int] | None = None


def clamp_confidence(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 3)


def best_candidate(candidates: Iterable[Candidate[T]]) -> Candidate[T] | None:
    """The usable candidate with the highest confidence; the earliest one wins a tie."""
    usable = [c for c in candidates if c.value is not None]
    if not usable:
        return None
    return min(usable, key=lambda c: (-c.confidence, c.span[0]))


def line_before(text: str, position: int, limit: int = 30) -> str:
    """Up to ``limit`` characters of the line before ``position`` (where labels are)."""
    window_start = max(0, position - limit)
    line_start = text.rfind("\n", window_start, position) + 1  # 0 when not found
    return text[max(line_start, window_start) : position]


def line_after(text: str, position: int, limit: int = 10) -> str:
    """Up to ``limit`` characters of the line after ``position``."""
    window = text[position : position + limit]
    return window.split("\n", 1)[0]


def is_alone_on_line(text: str, span: tuple[int, int]) -> bool:
    """True if nothing but spaces shares the line with ``span`` (a letterhead date, say)."""
    line_start = text.rfind("\n", 0, span[0]) + 1
    line_end = text.find("\n", span[1])
    after = text[span[1] :] if line_end == -1 else text[span[1] : line_end]
    return not text[line_start : span[0]].strip() and not after.strip()


def non_overlapping(candidates: Sequence[Candidate[T]]) -> list[Candidate[T]]:
    """Drop candidates inside a longer or earlier one: 平成31年4月30日 is one date, not also
    the Western-looking 31年4月30日. Result is in text order."""
    kept: list[Candidate[T]] = []
    for candidate in sorted(candidates, key=lambda c: (c.span[0], -(c.span[1] - c.span[0]))):
        if kept and candidate.span[0] < kept[-1].span[1]:
            continue
        kept.append(candidate)
    return kept

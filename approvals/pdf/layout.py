"""What the cover sheet and the signer agree on: where a stamp goes and what it shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ja.dates import DateStyle


@dataclass(frozen=True)
class StampBox:
    """A stamp's place in the decision PDF: PDF points, origin at the page's bottom left."""

    page_index: int  # 0-based page of the decision PDF
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class StampFacts:
    """What one 日付印 shows, taken from the recorded action (never an uploaded image)."""

    section_name: str  # top band (課名)
    surname: str  # bottom band; a 認印 shows only this
    day: dt.date  # middle band, in ``date_style``
    date_style: DateStyle = DateStyle.ERA_LETTER
    personal_seal: bool = False  # 認印 (surname only) instead of the three-band 日付印
    capacity: str = "principal"  # approvals.models.Capacity: principal / proxy / post_review
    action: str = ""  # approve, agree, decide, proxy_decide, post_review, acknowledge …
    acted_at: dt.datetime | None = None  # the recorded time (+09:00)


@dataclass(frozen=True)
class DecisionPdf:
    """A decision PDF as first built at submission, before any signature."""

    data: bytes
    boxes: Mapping[int, StampBox] = field(default_factory=dict)  # by approvals Task id

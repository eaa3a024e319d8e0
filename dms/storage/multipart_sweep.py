"""Aborting multipart uploads that were never finished, for servers without lifecycle rules.

An upload whose abort failed (the S3 server went away mid-upload) keeps its parts on the
server for ever, unseen by any listing of objects. Where the server supports it, a bucket
lifecycle rule (``AbortIncompleteMultipartUpload``) aborts them; MinIO does it by itself
after 24 h; versitygw 1.7 does neither, so ``manage.py sweep_multipart_uploads`` does,
from cron or a periodic job. Only uploads older than the given age are touched: a younger
one may still be in progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass
class SweepReport:
    aborted: list[str] = field(default_factory=list)  # keys
    kept: int = 0  # younger than the limit (perhaps still uploading) or of unknown age


def sweep_incomplete_uploads(
    store, older_than: timedelta, *, dry_run: bool = False, now: datetime | None = None
) -> SweepReport:
    """Abort ``store``'s multipart uploads begun more than ``older_than`` ago."""
    limit = (now or datetime.now(UTC)) - older_than
    report = SweepReport()
    for upload in store.incomplete_uploads():
        if upload.initiated is None or upload.initiated > limit:
            report.kept += 1
            continue
        if not dry_run:
            store.abort_upload(upload)
        report.aborted.append(upload.key)
    return report


def parse_age(text: str) -> timedelta:
    """``90s``, ``30m``, ``24h``, ``7d`` (a bare number is hours)."""
    units = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
    text = text.strip().lower()
    unit = units.get(text[-1:])
    number = text[:-1] if unit else text
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"not an age: {text!r} (e.g. 24h, 30m, 7d)") from None
    if value < 0:
        raise ValueError(f"not an age: {text!r}")
    return timedelta(**{unit or "hours": value})

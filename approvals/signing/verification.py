"""What the verification panel and ``manage.py verify_signatures`` report for a case:
every signature in the latest decision PDF, checked by pyHanko, matched to the action
that placed it, and the signatures still pending."""

from __future__ import annotations

import re
from dataclasses import asdict

from approvals.labels import CAPACITY_EN, EVENT_LABELS, pair
from approvals.models import Capacity, Case, CaseEvent
from approvals.signing import flow, keys
from approvals.signing.models import DecisionRevision, SigningAuthority
from approvals.signing.signer import tsa_trust_roots, verify_pdf

_FIELD = re.compile(r"^Kiroku-(?P<action>[a-z_]+)-task\d+-event(?P<event>\d+)$")


def trust_roots() -> list:
    """Kiroku's issuing CA (signers) and the configured TSA roots (timestamps)."""
    roots = [keys.from_pem(a.certificate_pem) for a in SigningAuthority.objects.all()]
    return roots + tsa_trust_roots()


def _event_row(event: CaseEvent) -> dict:
    capacity_ja, capacity_en = pair(event.capacity, Capacity.choices, CAPACITY_EN)
    action_ja, action_en = EVENT_LABELS.get(event.action, (event.action, event.action))
    actor = event.actor
    return {
        "event": event.pk,
        "action": event.action,
        "action_label": action_ja,
        "action_label_en": action_en,
        "capacity": event.capacity,
        "capacity_label": capacity_ja,
        "capacity_label_en": capacity_en,
        "signer_name": (getattr(actor, "display_name", "") or actor.get_username()),
        "acted_at": event.created_at.isoformat(),
    }


def verify_case(case: Case) -> dict:
    """The verification report of ``case`` (JSON-ready)."""
    revision = flow.latest_revision(case)
    events = {
        e.pk: e for e in CaseEvent.objects.filter(case=case).select_related("actor").order_by("id")
    }
    pending = [_event_row(e) for e in events.values() if e.signature_state == flow.PENDING]
    signatures: list[dict] = []
    if revision is not None:
        reports = verify_pdf(flow.read_revision(revision), trust_roots())
        for report in reports:
            row = asdict(report)
            match = _FIELD.match(report.field_name or "")
            event = events.get(int(match["event"])) if match else None
            row.update(_event_row(event) if event is not None else {})
            row.setdefault("signer_name", report.signer)
            row.update(
                signed_at=report.signing_time,
                timestamp_at=report.timestamp_time,
                whole_file=report.covers_whole_file,
            )
            if report.document_timestamp:
                row.update(
                    signer_name=report.timestamp_authority,
                    capacity="",
                    capacity_label="文書タイムスタンプ",
                    capacity_label_en="Document timestamp",
                )
            signatures.append(row)
    return {
        "case": case.pk,
        "revision": revision.index if revision else None,
        "sha256": revision.sha256 if revision else None,
        "revisions": DecisionRevision.objects.filter(case=case).count(),
        "signatures": signatures,
        "pending": pending,
        "all_valid": bool(signatures)
        and not pending
        and all(s["intact"] and s["valid"] and s["trusted"] for s in signatures),
    }

"""The decision PDF's revisions, and signatures applied in route order.

An action never waits for a signature: it marks its event ``pending`` and the job
:func:`apply_signatures` signs, in the events' order, as soon as the token and the TSA
answer. Each signature is a new :class:`DecisionRevision` (an incremental update stored
through the object-store protocol) and an audit entry with the SHA-256 before and after.
"""

from __future__ import annotations

import hashlib
import logging

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from approvals.models import Case, CaseEvent, CaseState
from approvals.pdf.layout import StampFacts
from approvals.signing import keys
from approvals.signing.models import DecisionRevision, SigningIdentity, StampPreference
from dms.audit import trail
from dms.storage import get_object_store
from ja.dates import DateStyle

logger = logging.getLogger(__name__)

STAMPED = ("approve", "agree", "disagree", "decide", "proxy_decide", "post_review", "acknowledge")
NOTE = "note"  # 備考 after the decision: signed into its 備考 line on the cover sheet
PENDING, SIGNED = "pending", "signed"
_LOCK_BASE = 0x4B69726F  # "Kiro": advisory locks of this module, one per case


def object_key(case_id: int, index: int) -> str:
    return f"approvals/cases/{case_id}/decision/{index:04d}.pdf"


def latest_revision(case: Case) -> DecisionRevision | None:
    return DecisionRevision.objects.filter(case=case).order_by("-index").first()


def read_revision(revision: DecisionRevision) -> bytes:
    reader = get_object_store().open(revision.object_key, revision.version_id or None)
    try:
        return reader.read()
    finally:
        reader.close()


def store_revision(case: Case, data: bytes, *, kind: str, event=None, task=None):
    last = latest_revision(case)
    index = 0 if last is None else last.index + 1
    key = object_key(case.pk, index)
    digest = hashlib.sha256(data).hexdigest()
    result = get_object_store().put(
        key, data, length=len(data), content_type="application/pdf", expected_sha256=digest
    )
    return DecisionRevision.objects.create(
        case=case,
        index=index,
        sha256=digest,
        size=len(data),
        object_key=key,
        version_id=result.version_id or "",
        event=event,
        task=task,
        kind=kind,
    )


def _submit_event(case: Case) -> CaseEvent | None:
    return (
        CaseEvent.objects.filter(case=case, action="submit").order_by("-created_at", "-id").first()
    )


def build_revision_zero(case: Case, event: CaseEvent | None = None) -> DecisionRevision:
    """Build the decision PDF (cover + body) and store it as the next build revision;
    its stamp boxes go into the submit event's details (``cover_layout``)."""
    from approvals.pdf.decision import build_decision_pdf, layout_to_json

    event = event or _submit_event(case)
    pdf = build_decision_pdf(case)
    details = dict(event.details or {})
    details["cover_layout"] = layout_to_json(pdf)
    CaseEvent.objects.filter(pk=event.pk).update(details=details)
    return store_revision(case, pdf.data, kind="build", event=event)


def enabled() -> bool:
    """Signing is on when a TSA and the token's PIN are configured (scripts/services.sh
    env, or a city's settings); off, actions are recorded without signatures."""
    cfg = keys.config()
    return bool(cfg.get("TSA_URL") and cfg.get("PIN"))


def on_submit(case: Case, event: CaseEvent) -> None:
    """At 起案: revision 0 now if the body's archive PDF is ready, else the job builds it."""
    if not enabled():
        return
    try:
        with transaction.atomic():
            build_revision_zero(case, event)
    except Exception:  # never refuse a submission for its PDF: the job builds it later
        logger.warning("decision PDF of case %s deferred", case.pk, exc_info=True)


def on_event(event: CaseEvent) -> None:
    """A stamped action was recorded: its signature becomes pending, applied by the job."""
    if (event.action not in STAMPED and event.action != NOTE) or not enabled():
        return
    CaseEvent.objects.filter(pk=event.pk).update(signature_state=PENDING)
    event.signature_state = PENDING
    case_id = event.case_id
    transaction.on_commit(lambda: _enqueue(case_id))


def _enqueue(case_id: int) -> None:
    from approvals.signing.jobs import apply_signatures

    apply_signatures.enqueue(case_id)


def stamp_facts(event: CaseEvent) -> StampFacts:
    user = event.actor
    pref = StampPreference.objects.filter(user=user).first()
    moment = timezone.localtime(event.created_at)
    return StampFacts(
        section_name=keys.section_name(user),
        surname=keys.surname(user),
        day=moment.date(),
        date_style=DateStyle(pref.date_style) if pref else DateStyle.ERA_LETTER,
        personal_seal=bool(pref and pref.personal_seal),
        capacity=event.capacity,
        action=event.action,
        acted_at=moment,
    )


def field_name(event: CaseEvent) -> str:
    return f"Kiroku-{event.action}-task{event.task_id or 0}-event{event.pk}"


def _lock(case_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_BASE, case_id])


def _note_appearance(case: Case, event: CaseEvent):
    """The 備考 line the note goes into and its drawing: text, author and 和暦 date."""
    from approvals.pdf.decision import note_boxes
    from approvals.signing.stamp import note_line, render_note_pdf

    box = note_boxes(case)[int(event.details["note_line"])]
    actor = event.actor
    author = (getattr(actor, "display_name", "") or actor.get_username()).strip()
    day = timezone.localtime(event.created_at).date()
    line = note_line(event.details.get("text") or event.comment, author, day)
    return box, render_note_pdf(line, box.width, box.height), author


def _sign_event(case: Case, event: CaseEvent, data: bytes) -> bytes:
    from approvals.pdf.decision import stamp_box
    from approvals.signing.signer import sign_pdf

    identity = SigningIdentity.objects.filter(user=event.actor).first() or keys.ensure_identity(
        event.actor
    )
    authority = keys.ensure_authority()
    if event.action == NOTE:
        box, appearance, author = _note_appearance(case, event)
        return sign_pdf(
            data,
            key_label=identity.key_label,
            certificate=keys.from_pem(identity.certificate_pem),
            ca_chain=[keys.from_pem(authority.certificate_pem)],
            facts=None,
            appearance=appearance,
            signer_name=author,
            box=box,
            field_name=field_name(event),
            reason="備考",
        )
    box = stamp_box(case, event.task, action=event.action)
    return sign_pdf(
        data,
        key_label=identity.key_label,
        certificate=keys.from_pem(identity.certificate_pem),
        ca_chain=[keys.from_pem(authority.certificate_pem)],
        facts=stamp_facts(event),
        box=box,
        field_name=field_name(event),
        reason=event.action,
    )


def apply_signatures(case_id: int) -> int:
    """Sign every pending event of the case, oldest first; the number signed.

    Stops at the first failure (raising :class:`keys.SigningUnavailable`) so that no later
    signature overtakes an earlier one; the job retries and the sweep catches the rest."""
    # Keys first, each committed on its own: a signature that then fails (TSA down) must
    # not roll back the record of a key already generated in the token.
    actors = CaseEvent.objects.filter(case_id=case_id, signature_state=PENDING).values("actor")
    for user in get_user_model().objects.filter(pk__in=actors, signing_identity__isnull=True):
        keys.ensure_identity(user)
    done = 0
    while True:
        with transaction.atomic():
            _lock(case_id)
            case = Case.objects.get(pk=case_id)
            event = (
                CaseEvent.objects.filter(case=case, signature_state=PENDING)
                .select_related("actor", "task")
                .order_by("created_at", "id")
                .first()
            )
            if event is None:
                break
            revision = latest_revision(case) or build_revision_zero(case)
            before = read_revision(revision)
            after = _sign_event(case, event, before)
            kind = "note" if event.action == NOTE else "signature"
            new = store_revision(case, after, kind=kind, event=event, task=event.task)
            CaseEvent.objects.filter(pk=event.pk).update(
                signature_state=SIGNED,
                pdf_sha256_before=revision.sha256,
                pdf_sha256_after=new.sha256,
            )
            trail.record(
                actor=event.actor,
                action="approvals.sign",
                target=case,
                content_sha256=new.sha256,
                details={
                    "event": event.pk,
                    "task": event.task_id,
                    "capacity": event.capacity,
                    "revision": new.index,
                    "pdf_sha256_before": revision.sha256,
                    "pdf_sha256_after": new.sha256,
                },
            )
            done += 1
    _add_long_term_validation(case_id)
    return done


def _add_long_term_validation(case_id: int) -> None:
    """After the decision and its signatures: a document timestamp over the whole file."""
    from approvals.signing.signer import add_document_timestamp

    with transaction.atomic():
        _lock(case_id)
        case = Case.objects.get(pk=case_id)
        if case.state not in (CaseState.DECIDED,):
            return
        decided = CaseEvent.objects.filter(
            case=case, action__in=("decide", "proxy_decide"), signature_state=SIGNED
        ).exists()
        revision = latest_revision(case)
        if not decided or revision is None or revision.kind == "ltv":
            return
        from approvals.signing.verification import trust_roots

        before = read_revision(revision)
        after = add_document_timestamp(before, trust_roots=trust_roots())
        new = store_revision(case, after, kind="ltv")
        trail.record(
            actor=None,
            action="approvals.document_timestamp",
            target=case,
            content_sha256=new.sha256,
            details={
                "revision": new.index,
                "pdf_sha256_before": revision.sha256,
                "pdf_sha256_after": new.sha256,
            },
        )


def pending_case_ids() -> list[int]:
    return list(
        CaseEvent.objects.filter(signature_state=PENDING)
        .values_list("case_id", flat=True)
        .distinct()
    )

"""Extraction for the processing job (with the registry and the city's own names), and a
clerk's confirmation or correction of an extracted value (which teaches the registry).

Called from ``dms.documents.processing`` directly (no signals): processing passes the text it
extracted and gets the field values to fill, and the explanation rows are written here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db import transaction

import ocr
from dms.accounts.models import Department
from dms.counterparties.matching import matches
from dms.counterparties.models import (
    Algorithm,
    DocumentTypeRule,
    ExtractedValue,
    Field,
    KnownCounterparty,
    Source,
)
from dms.documents import lifecycle
from dms.documents.models import Document, DocumentType
from dms.errors import ApiError
from ja.legal_forms import counterparty_key
from ocr.metadata.counterparty import resolve_known
from ocr.metadata.title import DOCUMENT_TYPE_WORDS


def own_names() -> tuple[str, ...]:
    """The city and every department: never a counterparty."""
    names = [settings.KIROKU_CITY_NAME] if settings.KIROKU_CITY_NAME else []
    names += Department.objects.values_list("name", flat=True)
    return tuple(name for name in names if len(name) >= 2)


def _registry() -> tuple[list[KnownCounterparty], dict[str, KnownCounterparty]]:
    """Every entry, and each name and alias as extraction may return it → its entry."""
    entries = list(KnownCounterparty.objects.all())
    spelled = {}
    for entry in entries:
        for name in [entry.name, *entry.aliases]:
            spelled[name] = entry
    return entries, spelled


def _line_of(text: str, span: tuple[int, int]) -> int:
    return text.count("\n", 0, span[0]) + 1


def _counterparty(text: str, found: ocr.Metadata, entries, spelled) -> dict | None:
    numbers = {n.removeprefix("T") for n in found.invoice_numbers} | set(found.corporate_numbers)
    for entry in entries:
        for number in (entry.invoice_number.removeprefix("T"), entry.corporate_number):
            if number and number in numbers:
                detail = f"登録番号 {number} (registration number)"
                return {"value": entry.name, "source": Source.IDENTIFIER, "detail": detail}
    for entry in entries:
        if matches(entry.algorithm, entry.match, text):
            detail = f"規則 {entry.get_algorithm_display()}: {entry.match}"
            return {"value": entry.name, "source": Source.RULE, "detail": detail}
    if found.counterparty is None:
        return None
    chosen = _mention(found, tuple(spelled))
    line = _line_of(text, chosen.span) if chosen else None
    read_as = chosen.text if chosen else found.counterparty
    entry = spelled.get(found.counterparty)
    if entry is None:  # the key (㈱/株式会社 spellings) names a registry entry
        key = counterparty_key(found.counterparty)
        entry = next((e for e in entries if e.key == key), None)
    if entry is not None:
        fuzzy = counterparty_key(read_as) != counterparty_key(found.counterparty)
        source = Source.REGISTRY_FUZZY if fuzzy else Source.REGISTRY
        detail = f"{line}行目の「{read_as}」が登録済みの {entry.name} に一致"
        return {
            "value": entry.name,
            "source": source,
            "detail": detail,
            "line": line,
            "read_as": read_as,
        }
    detail = f"{line}行目から抽出 (extracted from line {line})"
    return {
        "value": found.counterparty,
        "source": Source.EXTRACTED,
        "detail": detail,
        "line": line,
        "read_as": read_as,
    }


def _mention(found: ocr.Metadata, known: tuple[str, ...]):
    """The candidate behind the chosen counterparty: the name as read, before a registry
    name replaced a misspelling of it."""
    for candidate in found.counterparty_candidates:
        if candidate.value == found.counterparty:
            return candidate
    for candidate in found.counterparty_candidates:
        resolved = resolve_known(candidate.value or "", known) if known else None
        if resolved and resolved[0] == found.counterparty:
            return candidate
    return None


def _document_type(text: str, found: ocr.Metadata) -> dict | None:
    rules = DocumentTypeRule.objects.select_related("document_type")
    for rule in rules:
        if matches(rule.algorithm, rule.match, text):
            detail = f"規則 {rule.get_algorithm_display()}: {rule.match}"
            return {"value": rule.document_type, "source": Source.RULE, "detail": detail}
    # auto: the type people gave documents whose title named the same kind of document
    word = next((w for w in DOCUMENT_TYPE_WORDS if w in (found.title or "")), None)
    if word is None:
        return None
    past = Counter(
        ExtractedValue.objects.filter(
            field=Field.DOCUMENT_TYPE, confirmed=True, read_as=word
        ).values_list("value", flat=True)
    )
    if not past:
        return None
    code, _ = past.most_common(1)[0]
    document_type = DocumentType.objects.filter(code=code).first()
    if document_type is None:
        return None
    detail = f"「{word}」の文書に過去に付けられた種別 (learned from past assignments)"
    return {"value": document_type, "source": Source.LEARNED, "detail": detail, "read_as": word}


def extract_fields(document: Document, text: str) -> dict:
    """The document field values to fill from ``text`` (None: nothing found); records why
    each was proposed. A confirmed value is never replaced."""
    entries, spelled = _registry()
    found = ocr.extract_metadata(text, own_names=own_names(), known_counterparties=tuple(spelled))
    normalized = ocr.normalize_text(text)
    proposals: dict[str, dict | None] = {
        Field.DOCUMENT_DATE: _simple(normalized, found.document_date, found.date_candidates),
        Field.AMOUNT: _simple(normalized, found.amount, found.amount_candidates),
        Field.COUNTERPARTY: _counterparty(normalized, found, entries, spelled),
        Field.TITLE: (
            {"value": found.title, "source": Source.EXTRACTED, "detail": "件名の行または見出し"}
            if found.title
            else None
        ),
        Field.DOCUMENT_TYPE: _document_type(normalized, found),
    }
    confirmed = set(
        ExtractedValue.objects.filter(document=document, confirmed=True).values_list(
            "field", flat=True
        )
    )
    values = {}
    for field, proposal in proposals.items():
        if field in confirmed:
            continue
        if proposal is None:
            ExtractedValue.objects.update_or_create(
                document=document,
                field=field,
                defaults={
                    "value": None,
                    "source": Source.NONE,
                    "detail": "",
                    "line": None,
                    "read_as": "",
                },
            )
            values[field] = None
            continue
        value = proposal["value"]
        stored = value.code if isinstance(value, DocumentType) else value
        if isinstance(stored, dt.date):
            stored = stored.isoformat()
        ExtractedValue.objects.update_or_create(
            document=document,
            field=field,
            defaults={
                "value": stored,
                "source": proposal["source"],
                "detail": proposal.get("detail", "")[:300],
                "line": proposal.get("line"),
                "read_as": (proposal.get("read_as") or "")[:300],
            },
        )
        values[field] = value
    # 年度 from the document's own date, unless a person gave either date
    if "document_date" not in document.metadata_set_by_person:
        values["created_on"] = found.document_date
    return values


def _simple(text: str, value, candidates) -> dict | None:
    if value is None:
        return None
    chosen = next((c for c in candidates if c.value == value), None)
    line = _line_of(text, chosen.span) if chosen else None
    return {
        "value": value,
        "source": Source.EXTRACTED,
        "line": line,
        "read_as": chosen.text if chosen else "",
        "detail": f"{line}行目から抽出 (extracted from line {line})",
    }


def _not_extracted() -> ApiError:
    return ApiError(
        "no_extracted_value",
        "この項目の抽出結果はありません。",
        "There is no extracted value for this field.",
        status=404,
    )


def confirm(document: Document, field: str, *, user, request=None) -> ExtractedValue:
    """The clerk agrees with the proposal: it is kept, and a counterparty enters the
    registry (so its misspellings resolve to it from now on)."""
    lifecycle.check(document, "change", user=user, request=request)
    extracted = ExtractedValue.objects.filter(document=document, field=field).first()
    if extracted is None or extracted.value is None:
        raise _not_extracted()
    with transaction.atomic():
        if field == Field.COUNTERPARTY:
            _learn_counterparty(document, extracted.value, extracted.read_as)
        if field == Field.DOCUMENT_TYPE:
            extracted.read_as = extracted.read_as or _type_word(document)
        extracted.confirmed, extracted.confirmed_by = True, user
        extracted.save()
    return extracted


def correct(document: Document, field: str, value, *, user, request=None) -> ExtractedValue:
    """The clerk's value (validated as the document's own field) replaces the proposal as a
    person-set field, and teaches: a counterparty gets the text read as an alias and the
    page's T番号; a document type is remembered for documents with the same kind of title."""
    document = lifecycle.change_metadata(document, {field: value}, user=user, request=request)
    stored = value.code if isinstance(value, DocumentType) else value
    if isinstance(stored, dt.date):
        stored = stored.isoformat()
    extracted, _ = ExtractedValue.objects.get_or_create(
        document=document, field=field, defaults={"source": Source.PERSON}
    )
    with transaction.atomic():
        if field == Field.COUNTERPARTY and value:
            _learn_counterparty(document, value, extracted.read_as)
        if field == Field.DOCUMENT_TYPE:
            extracted.read_as = extracted.read_as or _type_word(document)
        extracted.value, extracted.source = stored, Source.PERSON
        extracted.detail = "職員が訂正 (corrected by a clerk)"
        extracted.confirmed, extracted.confirmed_by = True, user
        extracted.save()
    return extracted


def _type_word(document: Document) -> str:
    title = ExtractedValue.objects.filter(document=document, field=Field.TITLE).first()
    text = (title.value if title and title.value else "") or document.title
    return next((w for w in DOCUMENT_TYPE_WORDS if w in text), "")


def _learn_counterparty(document: Document, name: str, read_as: str) -> KnownCounterparty:
    key = counterparty_key(name)
    entry = KnownCounterparty.objects.filter(key=key).first() or KnownCounterparty(name=name)
    if read_as and counterparty_key(read_as) != key and read_as not in entry.aliases:
        entry.aliases = [*entry.aliases, ocr.normalize_text(read_as).strip()]
    latest = document.latest_version
    found = ocr.extract_metadata(latest.content) if latest and latest.content else None
    if found and not entry.invoice_number and len(found.invoice_numbers) == 1:
        entry.invoice_number = found.invoice_numbers[0]
    if found and not entry.corporate_number and len(found.corporate_numbers) == 1:
        entry.corporate_number = found.corporate_numbers[0]
    entry.save()
    return entry


def merge(target: KnownCounterparty, others: list[KnownCounterparty]) -> KnownCounterparty:
    """Fold duplicates into ``target``: their names and aliases become its aliases, their
    numbers fill its blanks, and documents naming them are left as they are (a person's
    record), while future extraction returns the target's name."""
    with transaction.atomic():
        for other in others:
            if other.pk == target.pk:
                continue
            for alias in [other.name, *other.aliases]:
                if alias != target.name and alias not in target.aliases:
                    target.aliases = [*target.aliases, alias]
            target.invoice_number = target.invoice_number or other.invoice_number
            target.corporate_number = target.corporate_number or other.corporate_number
            if target.algorithm == Algorithm.NONE and other.algorithm != Algorithm.NONE:
                target.algorithm, target.match = other.algorithm, other.match
            other.delete()
        target.save()
    return target

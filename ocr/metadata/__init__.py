"""Metadata candidates read from OCR text: dates, amounts, counterparty and identifiers.

Each extractor returns every candidate it found with a confidence (0..1), the matched text
and span, and the normalised value; :func:`extract_metadata` picks the best of each and
collects what a reviewer must look at as flags. The text can be raw OCR output: it is
normalised first, and every span indexes ``normalize_text(text)``. The rules of written
Japanese they rely on (numerals, eras, legal forms) are the ``ja`` package's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ja.normalize import normalize_text
from ocr.metadata.amounts import find_amounts, parse_amount
from ocr.metadata.candidates import Candidate, Flag, best_candidate
from ocr.metadata.counterparty import choose_counterparty, find_counterparties, is_public_body
from ocr.metadata.dates import DateCandidate, FiscalYearCandidate, find_dates, find_fiscal_years
from ocr.metadata.identifiers import (
    find_corporate_numbers,
    find_document_numbers,
    find_individual_numbers,
    find_invoice_numbers,
    is_valid_corporate_number,
    is_valid_individual_number,
)
from ocr.metadata.title import propose_title

__all__ = [
    "Candidate",
    "DateCandidate",
    "FiscalYearCandidate",
    "Flag",
    "Metadata",
    "extract_metadata",
    "find_amounts",
    "find_corporate_numbers",
    "find_counterparties",
    "find_dates",
    "find_document_numbers",
    "find_fiscal_years",
    "find_individual_numbers",
    "find_invoice_numbers",
    "is_public_body",
    "is_valid_corporate_number",
    "is_valid_individual_number",
    "parse_amount",
    "propose_title",
]


@dataclass(frozen=True)
class Metadata:
    """The best reading of each field, every candidate behind it, and the flags."""

    document_date: date | None
    amount: int | None  # yen
    counterparty: str | None
    title: str | None  # proposed from the 件名 line or the heading; None: use the file name
    fiscal_year: int | None
    date_candidates: tuple[DateCandidate, ...]
    fiscal_year_candidates: tuple[FiscalYearCandidate, ...]
    amount_candidates: tuple[Candidate[int], ...]
    counterparty_candidates: tuple[Candidate[str], ...]
    corporate_numbers: tuple[str, ...]
    invoice_numbers: tuple[str, ...]
    document_numbers: tuple[str, ...]
    # A My Number is sensitive personal data: the caller restricts access to the document
    # and can mask these spans; the numbers themselves are not kept here.
    contains_individual_number: bool
    individual_number_spans: tuple[tuple[int, int], ...]
    flags: tuple[Flag, ...]


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# Below this the best amount is a guess: the field is left empty for a person to fill.
AMOUNT_MIN_CONFIDENCE = 0.5


def extract_metadata(
    text: str,
    *,
    own_names: tuple[str, ...] = (),
    known_counterparties: tuple[str, ...] = (),
) -> Metadata:
    """Read the metadata candidates of one document's text (raw OCR output is fine).

    ``own_names``: the city's name and its departments' (never a counterparty, and they
    tell which way the document goes); ``known_counterparties``: names a clerk confirmed,
    to which OCR misspellings resolve.
    """
    text = normalize_text(text)
    dates = find_dates(text)
    fiscal_years = find_fiscal_years(text)
    amounts = find_amounts(text)
    counterparties = find_counterparties(text)
    corporate_numbers = find_corporate_numbers(text)
    invoice_numbers = find_invoice_numbers(text)
    individual_numbers = find_individual_numbers(text)

    flags: list[Flag] = []
    for candidate in dates:
        if candidate.value is None:
            code = "date_out_of_era" if candidate.out_of_era else "date_lunisolar"
            flags.append(Flag(code, f"{candidate.text}: {candidate.notes[0]}", candidate.span))
    for candidate in fiscal_years:
        if candidate.value is None:
            message = f"{candidate.text}: {candidate.notes[0]}"
            flags.append(Flag("fiscal_year_out_of_era", message, candidate.span))
    for candidate in corporate_numbers:
        if candidate.value is None:
            message = f"法人番号 {candidate.text}: {candidate.notes[0]}"
            flags.append(Flag("corporate_number_invalid", message, candidate.span))
    for candidate in invoice_numbers:
        if candidate.notes:
            message = f"{candidate.value}: {candidate.notes[0]}"
            flags.append(Flag("invoice_number_unverified", message, candidate.span))
    for candidate in individual_numbers:
        message = "contains an individual number (マイナンバー): restrict access"
        flags.append(Flag("individual_number", message, candidate.span))
        if candidate.notes:
            flags.append(Flag("individual_number_unverified", candidate.notes[0], candidate.span))

    best_date = best_candidate(dates)
    best_fiscal_year = best_candidate(fiscal_years)
    best_amount = best_candidate(amounts)
    if best_amount is not None and best_amount.confidence < AMOUNT_MIN_CONFIDENCE:
        best_amount = None
    best_counterparty = choose_counterparty(
        text, counterparties, own_names=own_names, known_names=known_counterparties
    )
    return Metadata(
        document_date=best_date.value if best_date else None,
        amount=best_amount.value if best_amount else None,
        counterparty=best_counterparty.value if best_counterparty else None,
        title=propose_title(text),
        fiscal_year=best_fiscal_year.value if best_fiscal_year else None,
        date_candidates=tuple(dates),
        fiscal_year_candidates=tuple(fiscal_years),
        amount_candidates=tuple(amounts),
        counterparty_candidates=tuple(counterparties),
        corporate_numbers=_unique([c.value for c in corporate_numbers if c.value]),
        invoice_numbers=_unique([c.value for c in invoice_numbers if c.value]),
        document_numbers=_unique([c.value for c in find_document_numbers(text) if c.value]),
        contains_individual_number=bool(individual_numbers),
        individual_number_spans=tuple(candidate.span for candidate in individual_numbers),
        flags=tuple(flags),
    )

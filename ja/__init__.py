"""Japanese text rules in plain Python: normalisation, numerals, eras, fiscal years.

Every rule about how Japanese is written lives here once, for every package that reads or
writes it: ``ja.normalize`` (NFKC and what it leaves, spacing, broken lines, search keys),
``ja.variants`` (variant kanji folded for search), ``ja.legal_forms`` ((株) → 株式会社),
``ja.numerals`` (kanji and anti-tamper 大字 numbers, read and written), ``ja.eras`` (the era
table and 和暦 ↔ Gregorian conversion), ``ja.dates`` (dates and 年度 as text: reading a
whole string, display and date-stamp styles) and ``ja.fiscal`` (the April–March fiscal
year). It imports only the standard library: no Django and no other package of ours.
"""
